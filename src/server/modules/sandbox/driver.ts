// The sandbox call driver: plays a script as an inbound phone call against POST /webhooks/vapi,
// sending the messages Vapi would send, in Vapi's order, with a simulated clock (speech takes time,
// so timestamps look like a real call's): assistant-request, status-update ringing → in-progress,
// per spoken line speech-update started/stopped + final transcript + conversation-update, tool-calls
// per "tool:" line, optional hang, status-update ended, and the end-of-call report (current layout).
// It knows only HTTP (a transport), so the API (in-process) and the CLI (over the network) share it.
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
export type ToolRun = { toolCallId: string; name: string; arguments: Record<string, unknown>; result?: string; error?: string };

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

export async function playSandboxCall(transport: WebhookTransport, input: PlayInput): Promise<PlayOutcome> {
  const headers = { "content-type": "application/json", authorization: `Bearer ${input.secret}`, "user-agent": "Switchboard-Sandbox/1.0" };
  const paceMs = input.paceMs ?? 0;
  const wallClock = input.now ?? Date.now;
  const facts: CallFacts = {
    id: input.providerCallId,
    createdAtMs: input.startedAtMs,
    orgId: "sandbox",
    phoneNumberId: input.phoneNumberId ?? null,
    number: input.number,
    callerNumber: input.callerNumber,
    status: "queued",
  };
  let clock = input.startedAtMs;
  /** Moves the simulated clock on; paced calls never run ahead of the wall clock. */
  const advance = (ms: number) => {
    clock = Math.max(clock + Math.max(1, Math.round(ms)), paceMs > 0 ? wallClock() : 0);
    return clock;
  };

  async function send(message: Record<string, unknown>): Promise<unknown> {
    const reply = await transport(JSON.stringify({ message }), headers);
    if (reply.status !== 200) {
      const detail = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
      throw new SandboxCallError(`the webhook answered ${message.type} with HTTP ${reply.status}: ${detail.slice(0, 300)}`);
    }
    return reply.body;
  }

  const answer = (await send(assistantRequestMessage(facts, clock) as unknown as Record<string, unknown>)) as AssistantAnswer;
  if (!isRecordValue(answer)) throw new SandboxCallError("the webhook answered the assistant-request with something other than a JSON object");
  if (typeof answer.error === "string" && !answer.assistant && !answer.destination) {
    throw new SandboxCallError(`the webhook refused the call: ${answer.error}`);
  }
  const assistant = answer.assistant ?? null;
  const metadata = isRecordValue(assistant?.metadata) ? assistant.metadata : {};
  const callId = typeof metadata.callId === "string" ? metadata.callId : null;
  await input.onAnswered?.({ ...answer, callId });
  facts.assistant = assistant;
  try {
    return await converse(answer, callId);
  } catch (error) {
    // Best effort: a call that broke off must not stay "in progress" (it would hold a concurrent-call slot).
    if (facts.status !== "ended") {
      Object.assign(facts, { status: "ended", endedAtMs: clock + 1, endedReason: "worker-shutdown" });
      await send(statusUpdateMessage(facts, "ended", advance(1)) as unknown as Record<string, unknown>).catch(() => {});
    }
    throw error;
  }

  async function converse(answer: AssistantAnswer, callId: string | null): Promise<PlayOutcome> {
    await send(statusUpdateMessage(facts, "ringing", advance(40)) as unknown as Record<string, unknown>);
    facts.status = "ringing";
    const answeredAt = advance(RINGING_MS);
    facts.startedAtMs = answeredAt;
    facts.status = "in-progress";
    await send(statusUpdateMessage(facts, "in-progress", answeredAt) as unknown as Record<string, unknown>);

    const transcript: TranscriptTurn[] = [];
    const toolResults: ToolRun[] = [];
    const model = isRecordValue(assistant?.model) ? (assistant.model as Record<string, unknown>) : {};
    const modelMessages = Array.isArray(model.messages) ? model.messages : [];
    const systemPrompt = modelMessages.find((item): item is { role: string; content: string } => isRecordValue(item) && item.role === "system");
    const tools = Array.isArray(model.tools) ? model.tools.filter(isRecordValue) : [];
    const artifact: Vapi.ArtifactMessagesItem[] = [];
    if (systemPrompt) artifact.push({ role: "system", message: String(systemPrompt.content), time: answeredAt, secondsFromStart: 0 });
    const secondsFromStart = (at: number) => Math.round((at - answeredAt) / 10) / 100;
    let lineCount = 0;
    let turn = 0;

    const pace = async () => {
      if (paceMs > 0 && lineCount > 0) await sleep(paceMs);
      lineCount += 1;
    };

    async function speak(speaker: "assistant" | "caller", text: string) {
      await pace();
      const role = speaker === "caller" ? "user" : "assistant";
      const start = advance(ANSWER_MS);
      await send(speechUpdateMessage(facts, role, "started", start, turn) as unknown as Record<string, unknown>);
      const durationMs = Math.max(SPEECH_MIN_MS, text.length * SPEECH_MS_PER_CHAR);
      const end = advance(durationMs);
      await send(speechUpdateMessage(facts, role, "stopped", end, turn) as unknown as Record<string, unknown>);
      await send(transcriptMessage(facts, role, text, advance(1)) as unknown as Record<string, unknown>);
      const item = {
        role: speaker === "caller" ? "user" : "bot",
        message: text,
        time: start,
        endTime: end,
        secondsFromStart: secondsFromStart(start),
        duration: end - start,
      };
      artifact.push(item);
      await send(conversationUpdateMessage(facts, [...artifact], advance(1)) as unknown as Record<string, unknown>);
      turn += 1;
      const spoken = { speaker, text, secondsFromStart: item.secondsFromStart };
      transcript.push(spoken);
      input.onTurn?.(spoken);
      advance(TURN_GAP_MS - ANSWER_MS);
    }

    async function callTool(index: number, name: string, scripted: Record<string, unknown>): Promise<ToolRun> {
      await pace();
      // E.164 needs no JSON escaping, so the placeholder is replaced in the serialized arguments.
      const args = JSON.parse(JSON.stringify(scripted).replaceAll(CALLER_PLACEHOLDER, input.callerNumber)) as Record<string, unknown>;
      const toolCallId = toolCallIdOf(input.providerCallId, index);
      const at = advance(ANSWER_MS);
      artifact.push({
        role: "tool_calls",
        toolCalls: [{ id: toolCallId, type: "function", function: { name, arguments: JSON.stringify(args) } }],
        message: "",
        time: at,
        secondsFromStart: secondsFromStart(at),
      });
      const body = await send(toolCallsMessage(facts, [{ id: toolCallId, name, arguments: args }], at, tools) as unknown as Record<string, unknown>);
      const results = isRecordValue(body) && Array.isArray(body.results) ? body.results : [];
      const result = results.find((item): item is Record<string, unknown> => isRecordValue(item) && item.toolCallId === toolCallId) ?? {};
      const run: ToolRun = { toolCallId, name, arguments: args };
      if (typeof result.result === "string") run.result = result.result;
      else run.error = typeof result.error === "string" ? result.error : "The tool gave no result.";
      const resultAt = advance(TOOL_LATENCY_MS);
      artifact.push({
        role: "tool_call_result",
        toolCallId,
        name,
        result: run.result ?? run.error ?? "",
        time: resultAt,
        secondsFromStart: secondsFromStart(resultAt),
      });
      await send(conversationUpdateMessage(facts, [...artifact], advance(1)) as unknown as Record<string, unknown>);
      toolResults.push(run);
      const line = { speaker: "tool" as const, text: `${name} → ${run.result ?? `error: ${run.error}`}`, secondsFromStart: secondsFromStart(at) };
      transcript.push(line);
      input.onTurn?.(line);
      return run;
    }

    let endedReason: Vapi.ServerMessageEndOfCallReportEndedReason = "customer-ended-call";
    if (assistant) {
      const script = typeof input.script === "function" ? input.script(answer) : input.script;
      if (typeof assistant.firstMessage === "string" && assistant.firstMessage !== "") await speak("assistant", assistant.firstMessage);
      for (const [index, line] of script.entries()) {
        if (line.kind === "caller") await speak("caller", line.text);
        else if (line.kind === "assistant") await speak("assistant", line.text);
        else if (line.kind === "hang") await send(hangMessage(facts, advance(ANSWER_MS)) as unknown as Record<string, unknown>);
        else {
          const run = await callTool(index, line.name, line.arguments);
          // Without a scripted answer, the assistant tells the caller what the tool said, as a model would.
          if (script[index + 1]?.kind !== "assistant") await speak("assistant", run.result ?? run.error ?? "");
        }
      }
    } else {
      // The webhook answered a forward (the business's own phone): the call leaves Vapi at once.
      endedReason = "assistant-forwarded-call";
      facts.status = "forwarding";
      await send(statusUpdateMessage(facts, "forwarding", advance(ANSWER_MS)) as unknown as Record<string, unknown>);
    }

    const endedAt = advance(TURN_GAP_MS);
    Object.assign(facts, { status: "ended", endedAtMs: endedAt, endedReason });
    await send(statusUpdateMessage(facts, "ended", endedAt) as unknown as Record<string, unknown>);
    const analysis = analyse(transcript, toolResults, input.callerNumber);
    await send(
      endOfCallReportMessage(facts, {
        timestamp: advance(REPORT_DELAY_MS),
        messages: artifact,
        ...analysis,
        // The sandbox is free: no carrier, model or voice minutes were used.
        cost: 0,
        startedAtMs: answeredAt,
        endedAtMs: endedAt,
        endedReason,
      }) as unknown as Record<string, unknown>,
    );
    return { providerCallId: input.providerCallId, callId, transcript, toolResults, endedReason };
  }
}

/** What Vapi's analysis plan would produce, derived from the script instead of a model. */
function analyse(transcript: TranscriptTurn[], tools: ToolRun[], callerNumber: string) {
  const succeeded = tools.filter((run) => run.result !== undefined);
  const outcome = succeeded.map((run) => OUTCOME_OF_TOOL[run.name]).find((value) => value !== undefined) ?? "no_action";
  const argument = (key: string) =>
    tools.map((run) => run.arguments[key]).find((value): value is string => typeof value === "string" && value.trim() !== "") ?? null;
  const callerName = argument("callerName");
  const reason = transcript.find((turn) => turn.speaker === "caller")?.text.slice(0, 200) ?? "";
  const actions = tools.map((run) => (run.result !== undefined ? `${run.name} succeeded: ${run.result}` : `${run.name} failed: ${run.error}`));
  const summary = [`${callerName ?? "The caller"} called${reason ? ` and said: "${reason}"` : ""}.`, ...actions].join(" ").slice(0, 2_000);
  const structuredData: Record<string, unknown> = { outcome, callbackNumber: argument("callbackNumber") ?? callerNumber };
  if (callerName) structuredData.callerName = callerName;
  if (reason) structuredData.reason = reason;
  return { summary, structuredData, successEvaluation: String(tools.every((run) => run.result !== undefined)) };
}
