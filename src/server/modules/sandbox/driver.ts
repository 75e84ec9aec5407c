// The sandbox call driver: plays a script as an inbound phone call against POST /webhooks/vapi,
// sending the messages Vapi would send, in Vapi's order, with a simulated clock (speech takes time,
// so timestamps look like a real call's): assistant-request, status-update ringing → in-progress,
// per spoken line speech-update started/stopped + final transcript + conversation-update, tool-calls
// per "tool:" line, optional hang, status-update ended, and the end-of-call report (current layout).
// It knows only HTTP (a transport), so the API (in-process) and the CLI (over the network) share it.
// SandboxCall plays the same messages one step at a time, for conversations decided turn by turn
// (the test console and `call:simulate --assistant`, where a conversation engine answers).
import { createHash } from "node:crypto";
import type { Vapi } from "@vapi-ai/server-sdk";
import { VAPI_WEBHOOK_PATH } from "../vapi-webhook/routes.js";
import {
  assistantRequestMessage,
  type CallFacts,
  conversationUpdateMessage,
  endOfCallReportMessage,
  hangMessage,
  speechUpdateMessage,
  statusUpdateMessage,
  toolCallsMessage,
  transcriptMessage,
} from "./messages.js";
import { CALLER_PLACEHOLDER, type SandboxScript } from "./script.js";

export type WebhookReply = { status: number; body: unknown };
/** Delivers one raw message body to the server URL; the driver adds the credential. */
export type WebhookTransport = (rawBody: string, headers: Record<string, string>) => Promise<WebhookReply>;

/** Over the network, to a running server (the CLI). */
export function httpTransport(baseUrl: string): WebhookTransport {
  return fetchTransport((request) => fetch(request), baseUrl);
}

/** Through any fetch handler, e.g. the Hono app's `fetch` in-process (the API's background job). */
export function fetchTransport(handler: (request: Request) => Response | Promise<Response>, baseUrl: string): WebhookTransport {
  const url = `${baseUrl.replace(/\/$/, "")}${VAPI_WEBHOOK_PATH}`;
  return async (rawBody, headers) => {
    const response = await handler(new Request(url, { method: "POST", headers, body: rawBody }));
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text for the error message
    }
    return { status: response.status, body };
  };
}

export type TranscriptTurn = { speaker: "assistant" | "caller" | "tool"; text: string; secondsFromStart: number };
/** A tool call and what the webhook answered; arguments as sent (an object, or a model's raw string). */
export type ToolRun = { toolCallId: string; name: string; arguments: Record<string, unknown> | string; result?: string; error?: string };

/** What the assistant-request answered: a transient assistant, a forward, or an error. */
export type AssistantAnswer = { assistant?: Vapi.CreateAssistantDto; destination?: { number?: string; message?: string }; error?: string };

export type PlayInput = {
  /** The sandbox webhook secret (sandboxWebhookSecret). */
  secret: string;
  /** The dialled sandbox number (E.164). */
  number: string;
  phoneNumberId?: string | null;
  callerNumber: string;
  providerCallId: string;
  startedAtMs: number;
  /** The script, or a function choosing it once the assistant is known (for a default script). */
  script: SandboxScript | ((answer: AssistantAnswer) => SandboxScript);
  /** Real milliseconds to wait before each line (demos); 0 = as fast as the server answers. */
  paceMs?: number;
  /** Wall-clock time, used for timestamps when paced so the call is never "in the future". */
  now?: () => number;
  onTurn?: (turn: TranscriptTurn) => void;
  /** Called once the assistant-request was answered, before the call goes on. */
  onAnswered?: (answer: AssistantAnswer & { callId: string | null }) => Promise<void> | void;
};

export type PlayOutcome = {
  providerCallId: string;
  /** Our call id, from the metadata of the assistant the webhook answered (null when it answered none). */
  callId: string | null;
  transcript: TranscriptTurn[];
  toolResults: ToolRun[];
  endedReason: Vapi.ServerMessageEndOfCallReportEndedReason;
};

export class SandboxCallError extends Error {}

const RINGING_MS = 1_800;
const ANSWER_MS = 600;
const TURN_GAP_MS = 700;
const TOOL_LATENCY_MS = 350;
const REPORT_DELAY_MS = 1_500;
/** Roughly 150 words a minute. */
const SPEECH_MS_PER_CHAR = 60;
const SPEECH_MIN_MS = 900;

const OUTCOME_OF_TOOL: Record<string, string> = {
  takeOrder: "order_placed",
  bookAppointment: "appointment_booked",
  cancelAppointment: "appointment_cancelled",
  logDriverCallout: "driver_callout_logged",
  scheduleCallback: "callback_requested",
  takeMessage: "message_taken",
  transferCall: "transferred",
  checkAvailability: "question_answered",
  lookupKnowledge: "question_answered",
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stable per call and line, so a replayed call repeats the same tool call ids (tools are idempotent on them). */
function toolCallIdOf(providerCallId: string, index: number): string {
  return `call_${createHash("sha256").update(`${providerCallId}:${index}`).digest("hex").slice(0, 24)}`;
}

function isRecordValue(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export type DialInput = {
  /** The sandbox webhook secret (sandboxWebhookSecret). */
  secret: string;
  /** The dialled sandbox number (E.164); none for a web call (the test console). */
  number?: string | null;
  phoneNumberId?: string | null;
  callerNumber: string;
  providerCallId: string;
  startedAtMs: number;
  /** "webCall" for the test console: no number is dialled; the tenant comes from the signed metadata below. */
  callType?: "inboundPhoneCall" | "webCall";
  /** Sent as call.assistantOverrides (a web call's metadata carries the console's signed session token). */
  assistantOverrides?: Record<string, unknown>;
  /** Real milliseconds to wait before each line (demos); 0 = as fast as the server answers. */
  paceMs?: number;
  /** Timestamps never run behind the wall clock (interactive calls, where real time passes between turns). */
  realTime?: boolean;
};

export type CallOptions = {
  secret: string;
  /** Wall-clock time, used for timestamps when paced so the call is never "in the future". */
  now?: () => number;
  onTurn?: (turn: TranscriptTurn) => void;
};

/** Everything a call in progress needs to go on later, in another request or process: plain JSON. */
export type SandboxCallState = {
  facts: CallFacts;
  clock: number;
  paceMs: number;
  realTime: boolean;
  answeredAt: number;
  callId: string | null;
  /** The messages so far, in the artifact's layout (sent with every conversation-update and the report). */
  artifact: Vapi.ArtifactMessagesItem[];
  /** The answered assistant's tool definitions (for toolWithToolCallList). */
  tools: Record<string, unknown>[];
  transcript: TranscriptTurn[];
  toolResults: ToolRun[];
  turn: number;
  lineCount: number;
  toolCount: number;
};

/**
 * One simulated call, step by step: dial (assistant-request), connect, then any number of spoken
 * lines and tool calls, then end (status ended + end-of-call report). Its state is plain JSON, so a
 * conversation spread over several HTTP requests (the test console) can resume it anywhere.
 */
export class SandboxCall {
  private constructor(
    private readonly transport: WebhookTransport,
    private readonly options: CallOptions,
    readonly state: SandboxCallState,
    /** What the assistant-request answered (only on the instance that dialled). */
    readonly answer: AssistantAnswer | null = null,
  ) {}

  static resume(transport: WebhookTransport, options: CallOptions, state: SandboxCallState): SandboxCall {
    return new SandboxCall(transport, options, state);
  }

  /** Sends the assistant-request; throws SandboxCallError when the webhook refuses the call. */
  static async dial(transport: WebhookTransport, options: CallOptions, input: DialInput): Promise<SandboxCall> {
    const facts: CallFacts = {
      id: input.providerCallId,
      createdAtMs: input.startedAtMs,
      orgId: "sandbox",
      phoneNumberId: input.phoneNumberId ?? null,
      number: input.number ?? null,
      callerNumber: input.callerNumber,
      status: "queued",
      ...(input.callType ? { type: input.callType } : {}),
      ...(input.assistantOverrides ? { assistantOverrides: input.assistantOverrides } : {}),
    };
    const state: SandboxCallState = {
      facts,
      clock: input.startedAtMs,
      paceMs: input.paceMs ?? 0,
      realTime: input.realTime ?? false,
      answeredAt: input.startedAtMs,
      callId: null,
      artifact: [],
      tools: [],
      transcript: [],
      toolResults: [],
      turn: 0,
      lineCount: 0,
      toolCount: 0,
    };
    const probe = new SandboxCall(transport, options, state);
    const answer = (await probe.send(assistantRequestMessage(facts, state.clock))) as AssistantAnswer;
    if (!isRecordValue(answer)) throw new SandboxCallError("the webhook answered the assistant-request with something other than a JSON object");
    if (typeof answer.error === "string" && !answer.assistant && !answer.destination) {
      throw new SandboxCallError(`the webhook refused the call: ${answer.error}`);
    }
    const assistant = answer.assistant ?? null;
    const metadata = isRecordValue(assistant?.metadata) ? assistant.metadata : {};
    state.callId = typeof metadata.callId === "string" ? metadata.callId : null;
    facts.assistant = assistant;
    const model = isRecordValue(assistant?.model) ? (assistant.model as Record<string, unknown>) : {};
    state.tools = Array.isArray(model.tools) ? model.tools.filter(isRecordValue) : [];
    return new SandboxCall(transport, options, state, answer);
  }

  get callId(): string | null {
    return this.state.callId;
  }

  get ended(): boolean {
    return this.state.facts.status === "ended";
  }

  /** Moves the simulated clock on; paced and real-time calls never run ahead of the wall clock. */
  private advance(ms: number): number {
    const { state } = this;
    const wall = state.paceMs > 0 || state.realTime ? (this.options.now ?? Date.now)() : 0;
    state.clock = Math.max(state.clock + Math.max(1, Math.round(ms)), wall);
    return state.clock;
  }

  private async send(message: object): Promise<unknown> {
    const headers = { "content-type": "application/json", authorization: `Bearer ${this.options.secret}`, "user-agent": "Switchboard-Sandbox/1.0" };
    const reply = await this.transport(JSON.stringify({ message }), headers);
    const type = (message as { type?: string }).type;
    if (reply.status !== 200) {
      const detail = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
      throw new SandboxCallError(`the webhook answered ${type} with HTTP ${reply.status}: ${detail.slice(0, 300)}`);
    }
    return reply.body;
  }

  private secondsFromStart(at: number): number {
    return Math.round((at - this.state.answeredAt) / 10) / 100;
  }

  private async pace(): Promise<void> {
    if (this.state.paceMs > 0 && this.state.lineCount > 0) await sleep(this.state.paceMs);
    this.state.lineCount += 1;
  }

  /** Ringing, then answered: the assistant's system prompt opens the artifact. */
  async connect(): Promise<void> {
    const { state } = this;
    const { facts } = state;
    await this.send(statusUpdateMessage(facts, "ringing", this.advance(40)));
    facts.status = "ringing";
    const answeredAt = this.advance(RINGING_MS);
    state.answeredAt = answeredAt;
    facts.startedAtMs = answeredAt;
    facts.status = "in-progress";
    await this.send(statusUpdateMessage(facts, "in-progress", answeredAt));
    const model = isRecordValue(facts.assistant?.model) ? (facts.assistant.model as Record<string, unknown>) : {};
    const modelMessages = Array.isArray(model.messages) ? model.messages : [];
    const systemPrompt = modelMessages.find((item): item is { role: string; content: string } => isRecordValue(item) && item.role === "system");
    if (systemPrompt) state.artifact.push({ role: "system", message: String(systemPrompt.content), time: answeredAt, secondsFromStart: 0 });
  }

  /** The webhook answered a forward (the business's own phone): the call leaves Vapi at once. */
  async forward(): Promise<void> {
    this.state.facts.status = "forwarding";
    await this.send(statusUpdateMessage(this.state.facts, "forwarding", this.advance(ANSWER_MS)));
  }

  /** One spoken line: speech started/stopped, the final transcript and a conversation-update. */
  async speak(speaker: "assistant" | "caller", text: string): Promise<TranscriptTurn> {
    await this.pace();
    const { state } = this;
    const { facts } = state;
    const role = speaker === "caller" ? "user" : "assistant";
    const start = this.advance(ANSWER_MS);
    await this.send(speechUpdateMessage(facts, role, "started", start, state.turn));
    const durationMs = Math.max(SPEECH_MIN_MS, text.length * SPEECH_MS_PER_CHAR);
    const end = this.advance(durationMs);
    await this.send(speechUpdateMessage(facts, role, "stopped", end, state.turn));
    await this.send(transcriptMessage(facts, role, text, this.advance(1)));
    const item = {
      role: speaker === "caller" ? "user" : "bot",
      message: text,
      time: start,
      endTime: end,
      secondsFromStart: this.secondsFromStart(start),
      duration: end - start,
    };
    state.artifact.push(item);
    await this.send(conversationUpdateMessage(facts, [...state.artifact], this.advance(1)));
    state.turn += 1;
    const spoken = { speaker, text, secondsFromStart: item.secondsFromStart };
    state.transcript.push(spoken);
    this.options.onTurn?.(spoken);
    this.advance(TURN_GAP_MS - ANSWER_MS);
    return spoken;
  }

  /**
   * One tool call as a tool-calls message; answers what the webhook's tool handler returned.
   * Arguments may be an object or the raw string a model produced; "{{caller}}" is the caller's number.
   */
  async callTool(name: string, given: Record<string, unknown> | string): Promise<ToolRun> {
    await this.pace();
    const { state } = this;
    const { facts } = state;
    const caller = facts.callerNumber ?? "";
    // E.164 needs no JSON escaping, so the placeholder is replaced in the serialized arguments.
    const args =
      typeof given === "string"
        ? given.replaceAll(CALLER_PLACEHOLDER, caller)
        : (JSON.parse(JSON.stringify(given).replaceAll(CALLER_PLACEHOLDER, caller)) as Record<string, unknown>);
    const toolCallId = toolCallIdOf(facts.id, state.toolCount);
    state.toolCount += 1;
    const at = this.advance(ANSWER_MS);
    state.artifact.push({
      role: "tool_calls",
      toolCalls: [{ id: toolCallId, type: "function", function: { name, arguments: typeof args === "string" ? args : JSON.stringify(args) } }],
      message: "",
      time: at,
      secondsFromStart: this.secondsFromStart(at),
    });
    const body = await this.send(toolCallsMessage(facts, [{ id: toolCallId, name, arguments: args }], at, state.tools));
    const results = isRecordValue(body) && Array.isArray(body.results) ? body.results : [];
    const result = results.find((item): item is Record<string, unknown> => isRecordValue(item) && item.toolCallId === toolCallId) ?? {};
    const run: ToolRun = { toolCallId, name, arguments: args };
    if (typeof result.result === "string") run.result = result.result;
    else run.error = typeof result.error === "string" ? result.error : "The tool gave no result.";
    const resultAt = this.advance(TOOL_LATENCY_MS);
    state.artifact.push({
      role: "tool_call_result",
      toolCallId,
      name,
      result: run.result ?? run.error ?? "",
      time: resultAt,
      secondsFromStart: this.secondsFromStart(resultAt),
    });
    await this.send(conversationUpdateMessage(facts, [...state.artifact], this.advance(1)));
    state.toolResults.push(run);
    const line = { speaker: "tool" as const, text: `${name} → ${run.result ?? `error: ${run.error}`}`, secondsFromStart: this.secondsFromStart(at) };
    state.transcript.push(line);
    this.options.onTurn?.(line);
    return run;
  }

  /** Vapi's "hang" notice: the assistant went quiet for too long. */
  async hang(): Promise<void> {
    await this.send(hangMessage(this.state.facts, this.advance(ANSWER_MS)));
  }

  /** Hangs up: status ended, then the end-of-call report with an analysis derived from what happened. */
  async end(endedReason: Vapi.ServerMessageEndOfCallReportEndedReason): Promise<void> {
    const { state } = this;
    const { facts } = state;
    const endedAt = this.advance(TURN_GAP_MS);
    Object.assign(facts, { status: "ended", endedAtMs: endedAt, endedReason });
    await this.send(statusUpdateMessage(facts, "ended", endedAt));
    const analysis = analyse(state.transcript, state.toolResults, facts.callerNumber ?? "");
    await this.send(
      endOfCallReportMessage(facts, {
        timestamp: this.advance(REPORT_DELAY_MS),
        messages: state.artifact,
        ...analysis,
        // The sandbox is free: no carrier, model or voice minutes were used.
        cost: 0,
        startedAtMs: state.answeredAt,
        endedAtMs: endedAt,
        endedReason,
      }),
    );
  }

  /** Best effort, after a failure: a call that broke off must not stay "in progress" (it would hold a concurrent-call slot). */
  async abandon(): Promise<void> {
    const { facts } = this.state;
    if (facts.status === "ended") return;
    Object.assign(facts, { status: "ended", endedAtMs: this.state.clock + 1, endedReason: "worker-shutdown" });
    await this.send(statusUpdateMessage(facts, "ended", this.advance(1))).catch(() => {});
  }
}

export async function playSandboxCall(transport: WebhookTransport, input: PlayInput): Promise<PlayOutcome> {
  const options: CallOptions = { secret: input.secret, ...(input.now ? { now: input.now } : {}), ...(input.onTurn ? { onTurn: input.onTurn } : {}) };
  const call = await SandboxCall.dial(transport, options, {
    secret: input.secret,
    number: input.number,
    phoneNumberId: input.phoneNumberId ?? null,
    callerNumber: input.callerNumber,
    providerCallId: input.providerCallId,
    startedAtMs: input.startedAtMs,
    paceMs: input.paceMs ?? 0,
  });
  const answer = call.answer ?? {};
  await input.onAnswered?.({ ...answer, callId: call.callId });
  try {
    await converse();
  } catch (error) {
    await call.abandon();
    throw error;
  }
  const { state } = call;
  return {
    providerCallId: input.providerCallId,
    callId: call.callId,
    transcript: state.transcript,
    toolResults: state.toolResults,
    endedReason: state.facts.endedReason as Vapi.ServerMessageEndOfCallReportEndedReason,
  };

  async function converse(): Promise<void> {
    await call.connect();
    const assistant = call.state.facts.assistant ?? null;
    let endedReason: Vapi.ServerMessageEndOfCallReportEndedReason = "customer-ended-call";
    if (assistant) {
      const script = typeof input.script === "function" ? input.script(answer) : input.script;
      if (typeof assistant.firstMessage === "string" && assistant.firstMessage !== "") await call.speak("assistant", assistant.firstMessage);
      for (const [index, line] of script.entries()) {
        if (line.kind === "caller") await call.speak("caller", line.text);
        else if (line.kind === "assistant") await call.speak("assistant", line.text);
        else if (line.kind === "hang") await call.hang();
        else {
          const run = await call.callTool(line.name, line.arguments);
          // Without a scripted answer, the assistant tells the caller what the tool said, as a model would.
          if (script[index + 1]?.kind !== "assistant") await call.speak("assistant", run.result ?? run.error ?? "");
        }
      }
    } else {
      endedReason = "assistant-forwarded-call";
      await call.forward();
    }
    await call.end(endedReason);
  }
}

/** What Vapi's analysis plan would produce, derived from the script instead of a model. */
function analyse(transcript: TranscriptTurn[], tools: ToolRun[], callerNumber: string) {
  const succeeded = tools.filter((run) => run.result !== undefined);
  const outcome = succeeded.map((run) => OUTCOME_OF_TOOL[run.name]).find((value) => value !== undefined) ?? "no_action";
  const argument = (key: string) =>
    tools
      .map((run) => (typeof run.arguments === "string" ? undefined : run.arguments[key]))
      .find((value): value is string => typeof value === "string" && value.trim() !== "") ?? null;
  const callerName = argument("callerName");
  const reason = transcript.find((turn) => turn.speaker === "caller")?.text.slice(0, 200) ?? "";
  const actions = tools.map((run) => (run.result !== undefined ? `${run.name} succeeded: ${run.result}` : `${run.name} failed: ${run.error}`));
  const summary = [`${callerName ?? "The caller"} called${reason ? ` and said: "${reason}"` : ""}.`, ...actions].join(" ").slice(0, 2_000);
  const structuredData: Record<string, unknown> = { outcome, callbackNumber: argument("callbackNumber") ?? callerNumber };
  if (callerName) structuredData.callerName = callerName;
  if (reason) structuredData.reason = reason;
  return { summary, structuredData, successEvaluation: String(tools.every((run) => run.result !== undefined)) };
}
