// Vapi server messages as Vapi sends them (the @vapi-ai/server-sdk ServerMessage* types, built the
// way test/integration/vapi-webhook.test.ts builds them): every message carries the whole `call`
// (with the transient assistant we returned, as Vapi echoes it), the dialled `phoneNumber` and
// the `customer`; tool calls come in both toolCallList and toolWithToolCallList.
import type { Vapi } from "@vapi-ai/server-sdk";

export type BenchTenant = { organizationId: string; assistantId: string; phoneNumberId: string; number: string };

/** One simulated call: its Vapi id and creation time stay the same in every message about it. */
export class SimulatedCall {
  readonly createdAt: string;
  /** The transient assistant the assistant-request answered; Vapi puts it in call.assistant afterwards. */
  assistant: Vapi.CreateAssistantDto | undefined;
  private lastTimestamp = 0;
  private readonly conversation: Vapi.ArtifactMessagesItem[] = [];

  constructor(
    readonly id: string,
    readonly tenant: BenchTenant,
    readonly caller: string,
  ) {
    this.createdAt = new Date().toISOString();
  }

  /** Distinct, increasing timestamps: the idempotency key is call id + type + timestamp. */
  private timestamp(): number {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return this.lastTimestamp;
  }

  private secondsFromStart(): number {
    return (Date.now() - Date.parse(this.createdAt)) / 1000;
  }

  private call(): Vapi.Call {
    return {
      id: this.id,
      orgId: "vapi-org-bench",
      createdAt: this.createdAt,
      updatedAt: new Date().toISOString(),
      type: "inboundPhoneCall",
      status: "in-progress",
      customer: { number: this.caller },
      ...(this.assistant ? { assistant: this.assistant } : {}),
    };
  }

  private phoneNumber(): Vapi.ServerMessageAssistantRequestPhoneNumber {
    return { provider: "byo-phone-number", number: this.tenant.number, credentialId: "bench-credential", name: "Bench line" };
  }

  private common() {
    return { call: this.call(), phoneNumber: this.phoneNumber(), customer: { number: this.caller }, timestamp: this.timestamp() };
  }

  assistantRequest(): Vapi.ServerMessageAssistantRequest {
    return { type: "assistant-request", ...this.common() };
  }

  statusUpdate(status: Vapi.ServerMessageStatusUpdateStatus): Vapi.ServerMessageStatusUpdate {
    return { type: "status-update", status, ...this.common() };
  }

  transcript(role: "user" | "assistant", text: string): Vapi.ServerMessageTranscript {
    const at = this.secondsFromStart();
    const now = Date.now();
    this.conversation.push(
      role === "user"
        ? { role: "user", message: text, time: now, endTime: now + 1500, secondsFromStart: at, duration: 1500 }
        : { role: "bot", message: text, time: now, endTime: now + 1500, secondsFromStart: at, duration: 1500, source: "" },
    );
    return { type: "transcript", role, transcriptType: "final", transcript: text, ...this.common() };
  }

  /** One tool call; `asString` sends the arguments as JSON text (Vapi's type), else as an object (what Vapi often sends). */
  toolCalls(toolCallId: string, name: string, args: Record<string, unknown>, asString: boolean): Vapi.ServerMessageToolCalls {
    const fn = { name, arguments: (asString ? JSON.stringify(args) : args) as string };
    const now = Date.now();
    this.conversation.push({
      role: "tool_calls",
      toolCalls: [{ id: toolCallId, type: "function", function: fn }],
      message: "",
      time: now,
      secondsFromStart: this.secondsFromStart(),
    } as Vapi.ArtifactMessagesItem);
    const tool = this.assistant
      ? ((this.assistant.model as { tools?: unknown[] } | undefined)?.tools ?? []).find((t) => (t as { function?: { name?: string } }).function?.name === name)
      : undefined;
    return {
      type: "tool-calls",
      ...this.common(),
      toolCallList: [{ id: toolCallId, type: "function", function: fn }],
      toolWithToolCallList: [
        {
          type: "function",
          ...((tool as object | undefined) ?? { function: { name } }),
          toolCall: { id: toolCallId, type: "function", function: fn },
        } as Vapi.ServerMessageToolCallsToolWithToolCallListItem,
      ],
      artifact: { messages: [...this.conversation] },
    };
  }

  endOfCallReport(): Vapi.ServerMessageEndOfCallReport {
    const endedAt = new Date();
    const transcript = this.conversation
      .filter((m) => (m as { role: string }).role === "user" || (m as { role: string }).role === "bot")
      .map((m) => `${(m as { role: string }).role === "user" ? "User" : "AI"}: ${(m as { message: string }).message}`)
      .join("\n");
    return {
      type: "end-of-call-report",
      endedReason: "customer-ended-call",
      cost: 0.0873,
      costs: [{ type: "vapi", minutes: 1.2, subType: "normal", cost: 0.06 } as Vapi.ServerMessageEndOfCallReportCostsItem],
      ...this.common(),
      startedAt: this.createdAt,
      endedAt: endedAt.toISOString(),
      artifact: {
        messages: [...this.conversation],
        transcript,
        recordingUrl: `https://storage.vapi.ai/${this.id}-mono.wav`,
        stereoRecordingUrl: `https://storage.vapi.ai/${this.id}-stereo.wav`,
      },
      analysis: {
        summary: "The caller asked about parking, left a message for billing and asked for a call back tomorrow morning.",
        structuredData: { outcome: "message_taken", callerName: "Sam Rivera", callbackNumber: this.caller, reason: "Invoice question", urgent: false },
        successEvaluation: "true",
      },
    };
  }
}

/** The three in-call tools each simulated call uses, with valid arguments. */
export function toolArguments(caller: string) {
  return {
    takeMessage: { callerName: "Sam Rivera", callbackNumber: caller, message: "Please ask billing to call me about invoice 4471.", urgency: "normal" },
    lookupKnowledge: { query: "where can visitors park" },
    scheduleCallback: { callerName: "Sam Rivera", callbackNumber: caller, preferredTime: "tomorrow morning after 9", reason: "Question about invoice 4471" },
  } as const;
}

/** A caller number: valid E.164 (NANP, New York area code, 555 exchange), distinct per call index. */
export function callerNumber(index: number): string {
  return `+1212555${String(index % 10_000).padStart(4, "0")}`;
}
