// Builders of the server messages Vapi sends to a server URL during an inbound phone call, typed
// with @vapi-ai/server-sdk: the sandbox call driver sends exactly these, and the webhook tests
// replay them. Every message carries the call (Vapi.Call), the dialled number and the customer.
import type { Vapi } from "@vapi-ai/server-sdk";

/** What a message knows about its call at the moment it is sent. */
export type CallFacts = {
  /** Vapi's call id. */
  id: string;
  createdAtMs: number;
  /** Vapi's org id (ours on Vapi, or a sandbox placeholder). */
  orgId?: string;
  /** Vapi's phone number id (call.phoneNumberId). */
  phoneNumberId?: string | null;
  /** The dialled number (E.164), sent as message.phoneNumber.number. */
  number?: string | null;
  callerNumber?: string | null;
  status?: Vapi.CallStatus;
  /** The assistant the assistant-request answered (transient), once known. */
  assistant?: Vapi.CreateAssistantDto | null;
  startedAtMs?: number | null;
  endedAtMs?: number | null;
  endedReason?: Vapi.CallEndedReason | null;
  /** An inbound phone call (the default) or a web call (the test console: no number is dialled). */
  type?: "inboundPhoneCall" | "webCall";
  /** call.assistantOverrides, e.g. a web call's metadata. */
  assistantOverrides?: Record<string, unknown> | null;
};

const iso = (ms: number) => new Date(ms).toISOString();

export function vapiCallObject(facts: CallFacts): Vapi.Call {
  const call: Vapi.Call = {
    id: facts.id,
    orgId: facts.orgId ?? "sandbox-org",
    createdAt: iso(facts.createdAtMs),
    updatedAt: iso(facts.endedAtMs ?? facts.startedAtMs ?? facts.createdAtMs),
    type: facts.type ?? "inboundPhoneCall",
  };
  if (facts.assistantOverrides) call.assistantOverrides = facts.assistantOverrides as Vapi.AssistantOverrides;
  if (facts.phoneNumberId) call.phoneNumberId = facts.phoneNumberId;
  if (facts.callerNumber) call.customer = { number: facts.callerNumber };
  if (facts.status) call.status = facts.status;
  if (facts.assistant) call.assistant = facts.assistant;
  if (facts.startedAtMs != null) call.startedAt = iso(facts.startedAtMs);
  if (facts.endedAtMs != null) call.endedAt = iso(facts.endedAtMs);
  if (facts.endedReason) call.endedReason = facts.endedReason;
  return call;
}

/** The fields every server message shares: call, phoneNumber, customer, assistant. */
function envelope(facts: CallFacts) {
  return {
    call: vapiCallObject(facts),
    // Vapi sends its whole phone number object; the sandbox's stands in as a Vapi-provided number.
    ...(facts.number
      ? {
          phoneNumber: { provider: "vapi", id: facts.phoneNumberId ?? undefined, number: facts.number } as unknown as Vapi.ServerMessageStatusUpdatePhoneNumber,
        }
      : {}),
    ...(facts.callerNumber ? { customer: { number: facts.callerNumber } } : {}),
    ...(facts.assistant ? { assistant: facts.assistant } : {}),
  };
}

export function assistantRequestMessage(facts: CallFacts, timestamp: number): Vapi.ServerMessageAssistantRequest {
  return { type: "assistant-request", ...envelope(facts), timestamp };
}

export function statusUpdateMessage(facts: CallFacts, status: Vapi.ServerMessageStatusUpdateStatus, timestamp: number): Vapi.ServerMessageStatusUpdate {
  return {
    type: "status-update",
    status,
    ...envelope({ ...facts, status }),
    timestamp,
    ...(status === "ended" ? { endedReason: facts.endedReason ?? "customer-ended-call" } : {}),
  };
}

export function speechUpdateMessage(
  facts: CallFacts,
  role: Vapi.ServerMessageSpeechUpdateRole,
  status: Vapi.ServerMessageSpeechUpdateStatus,
  timestamp: number,
  turn?: number,
): Vapi.ServerMessageSpeechUpdate {
  return { type: "speech-update", role, status, ...(turn !== undefined ? { turn } : {}), ...envelope(facts), timestamp };
}

/** Final transcripts only: our assistants ask for transcript[transcriptType="final"]. */
export function transcriptMessage(facts: CallFacts, role: Vapi.ServerMessageTranscriptRole, text: string, timestamp: number): Vapi.ServerMessageTranscript {
  return { type: "transcript", role, transcriptType: "final", transcript: text, ...envelope(facts), timestamp };
}

export function conversationUpdateMessage(facts: CallFacts, messages: Vapi.ArtifactMessagesItem[], timestamp: number): Vapi.ServerMessageConversationUpdate {
  return { type: "conversation-update", messages, messagesOpenAIFormatted: openAiFormatted(messages), ...envelope(facts), timestamp };
}

export type ToolCallSpec = { id: string; name: string; arguments: Record<string, unknown> | string };

/**
 * Vapi documents toolCallList[].function.arguments as an object (the SDK types it as the OpenAI
 * string); the webhook accepts both. `tools` are the assistant's definitions, for toolWithToolCallList.
 */
export function toolCallsMessage(
  facts: CallFacts,
  calls: ToolCallSpec[],
  timestamp: number,
  tools: Record<string, unknown>[] = [],
): Vapi.ServerMessageToolCalls {
  const toolCallList = calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments as string } }));
  const toolWithToolCallList = toolCallList.flatMap((toolCall) => {
    const tool = tools.find((candidate) => (candidate.function as { name?: string } | undefined)?.name === toolCall.function.name);
    return tool ? [{ ...tool, type: "function", toolCall } as unknown as Vapi.ServerMessageToolCallsToolWithToolCallListItem] : [];
  });
  return { type: "tool-calls", ...envelope(facts), timestamp, toolWithToolCallList, toolCallList };
}

export function hangMessage(facts: CallFacts, timestamp: number): Vapi.ServerMessageHang {
  return { type: "hang", ...envelope(facts), timestamp };
}

export type ReportFacts = {
  timestamp: number;
  messages: Vapi.ArtifactMessagesItem[];
  /** Defaults to the transcript Vapi writes from the messages ("AI: …" / "User: …"). */
  transcript?: string;
  recordingUrl?: string;
  summary: string;
  structuredData: Record<string, unknown>;
  successEvaluation: string;
  cost: number;
  startedAtMs: number;
  endedAtMs: number;
  endedReason: Vapi.ServerMessageEndOfCallReportEndedReason;
};

/** The end-of-call report in the current layout: artifact.*, analysis.*, plus Vapi's duration fields. */
export function endOfCallReportMessage(
  facts: CallFacts,
  report: ReportFacts,
): Vapi.ServerMessageEndOfCallReport & { durationSeconds: number; durationMs: number; durationMinutes: number } {
  const durationMs = Math.max(0, report.endedAtMs - report.startedAtMs);
  return {
    type: "end-of-call-report",
    endedReason: report.endedReason,
    ...envelope({ ...facts, status: "ended", startedAtMs: report.startedAtMs, endedAtMs: report.endedAtMs, endedReason: report.endedReason }),
    timestamp: report.timestamp,
    cost: report.cost,
    costs: [],
    startedAt: iso(report.startedAtMs),
    endedAt: iso(report.endedAtMs),
    durationMs,
    durationSeconds: Math.round(durationMs / 10) / 100,
    durationMinutes: Math.round(durationMs / 600) / 100,
    artifact: {
      messages: report.messages,
      messagesOpenAIFormatted: openAiFormatted(report.messages),
      transcript: report.transcript ?? plainTranscriptOf(report.messages),
      ...(report.recordingUrl ? { recordingUrl: report.recordingUrl } : {}),
    },
    analysis: { summary: report.summary, structuredData: report.structuredData, successEvaluation: report.successEvaluation },
  };
}

/** Vapi's plain transcript: one "AI: …" or "User: …" line per spoken message. */
export function plainTranscriptOf(messages: Vapi.ArtifactMessagesItem[]): string {
  return messages
    .flatMap((item) => {
      if (item.role === "bot") return [`AI: ${(item as Vapi.BotMessage).message}`];
      if (item.role === "user") return [`User: ${(item as Vapi.UserMessage).message}`];
      return [];
    })
    .join("\n");
}

function openAiFormatted(messages: Vapi.ArtifactMessagesItem[]): Vapi.OpenAiMessage[] {
  return messages.map((item) => {
    switch (item.role) {
      case "system":
        return { role: "system", content: (item as Vapi.SystemMessage).message };
      case "user":
        return { role: "user", content: (item as Vapi.UserMessage).message };
      case "tool_calls":
        return {
          role: "assistant",
          content: null,
          tool_calls: (item as Vapi.ToolCallMessage).toolCalls,
        } as Vapi.OpenAiMessage;
      case "tool_call_result":
        return {
          role: "tool",
          content: (item as Vapi.ToolCallResultMessage).result,
          tool_call_id: (item as Vapi.ToolCallResultMessage).toolCallId,
        } as Vapi.OpenAiMessage;
      default:
        return { role: "assistant", content: (item as Vapi.BotMessage).message };
    }
  });
}
