// Handles one authenticated Vapi server message: resolves the tenant from the dialled number,
// stores the raw message (acknowledged only once stored) for the ingestion worker, and answers the
// types that expect a reply in exactly Vapi's documented shapes. Duplicates are stored once and
// ingested once; a duplicate of a reply type gets the same answer again (those handlers are
// idempotent: the call row is an upsert, tool actions are keyed by the tool call id). Knowledge and
// transfer lookups only read: the call's assistant comes from the message's metadata or the call row.
import type { Vapi } from "@vapi-ai/server-sdk";
import type { AppContext } from "../../context.js";
import { withTenant } from "../../db/transaction.js";
import type { CallContext } from "../calls/call-context.js";
import { upsertCallRow } from "../calls/ingest.js";
import { wakeCallIngestion } from "../calls/ingest-worker.js";
import { ensureCallPartition } from "../calls/partitions.js";
import { decideTransfer, runToolCall, type ToolCallRequest, type ToolCallResult } from "../inbox/tool-runner.js";
import { searchKnowledge, snippetToText } from "../knowledge/search.js";
import { answerAssistantRequest, UNKNOWN_NUMBER_ERROR } from "./assistant-request.js";
import { cachedCallContext, rememberCallContext } from "./call-context-cache.js";
import { answerConsoleAssistantRequest } from "./console-call.js";
import { storeVendorEvent } from "./event-store.js";
import { readLiveCall } from "./live-call.js";
import { callCreatedAtOf, callerNumberOf, callOf, idempotencyKeyOf, isRecord, isReplyType, stringOf, type VapiMessage } from "./messages.js";
import { isConsoleTenant, type ResolvedTenant, resolveTenant } from "./tenant.js";

export type WebhookAnswer = { status: 200; body: Record<string, unknown> };

const ACK: WebhookAnswer = { status: 200, body: { received: true } };
const KNOWLEDGE_DOCUMENTS = 5;

/** Single-line strings only: Vapi reads results into the model's context line by line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Lookups carry nothing about the call's state: stored raw but marked processed, so ingestion writes nothing for them. */
const LOOKUP_TYPES: ReadonlySet<string> = new Set(["knowledge-base-request", "transfer-destination-request"]);

/**
 * Stores the raw message (group commit on the platform pool: see event-store.ts), committed before
 * we answer; a duplicate delivery is dropped by the idempotency key. The ingestion worker applies it
 * to the call later, in a batch.
 */
async function storeEvent(
  ctx: AppContext,
  input: { provider: "vapi" | "sandbox"; type: string; key: string; message: VapiMessage; rawBody: string; organizationId: string | null },
): Promise<void> {
  await storeVendorEvent(ctx, {
    provider: input.provider,
    idempotencyKey: input.key,
    type: input.type,
    providerCallId: callOf(input.message)?.id ?? null,
    organizationId: input.organizationId,
    // The body as received: it parsed as JSON already, and PostgreSQL need not get it re-serialised.
    payload: input.rawBody,
    processed: LOOKUP_TYPES.has(input.type),
  });
  if (input.organizationId !== null && !LOOKUP_TYPES.has(input.type)) wakeCallIngestion(ctx);
}

async function callContextOf(ctx: AppContext, resolved: ResolvedTenant, message: VapiMessage): Promise<CallContext | null> {
  const vendorCall = callOf(message);
  const startedAt = callCreatedAtOf(message);
  if (vendorCall === null || startedAt === null) return null;
  const metadata = isRecord(vendorCall.assistant) && isRecord(vendorCall.assistant.metadata) ? vendorCall.assistant.metadata : {};
  const assistantId = stringOf(metadata.assistantId);
  const callerNumber = callerNumberOf(message);
  const known = cachedCallContext(ctx, { organizationId: resolved.organizationId, providerCallId: vendorCall.id, startedAt }, { assistantId, callerNumber });
  if (known) return known;
  await ensureCallPartition(ctx, startedAt);
  const call = await withTenant(ctx.db, resolved.organizationId, (tx) =>
    upsertCallRow(tx, {
      organizationId: resolved.organizationId,
      provider: resolved.provider === "sandbox" ? "sandbox" : "vapi",
      providerCallId: vendorCall.id,
      startedAt,
      phoneNumberId: resolved.phoneNumberId,
      calledNumber: resolved.number,
      assistantId,
      callerNumber,
    }),
  );
  rememberCallContext(ctx, call);
  return call;
}

/** The tool calls of a tool-calls message: toolCallList (current) or toolWithToolCallList[].toolCall. */
function toolCallsOf(message: VapiMessage): ToolCallRequest[] {
  const list = Array.isArray(message.toolCallList)
    ? message.toolCallList
    : Array.isArray(message.toolWithToolCallList)
      ? message.toolWithToolCallList.map((item) => (isRecord(item) ? item.toolCall : null))
      : [];
  return list.flatMap((item) => {
    if (!isRecord(item) || !stringOf(item.id)) return [];
    const fn = isRecord(item.function) ? item.function : {};
    const name = stringOf(fn.name) ?? stringOf(item.name) ?? "";
    return [{ id: item.id as string, name, arguments: fn.arguments ?? item.arguments ?? item.parameters ?? {} }];
  });
}

function cleanResult(result: ToolCallResult): Vapi.ToolCallResult {
  const answer: Vapi.ToolCallResult = { toolCallId: result.toolCallId, name: result.name };
  if (result.error !== undefined) answer.error = oneLine(result.error);
  else answer.result = oneLine(result.result ?? "");
  return answer;
}

async function runTools(ctx: AppContext, call: CallContext | null, requests: ToolCallRequest[]): Promise<Vapi.ToolCallResult[]> {
  return Promise.all(
    requests.map(async (request) => {
      if (call === null) return { toolCallId: request.id, name: request.name, error: "This call could not be identified, so the tool did not run." };
      try {
        return cleanResult(await runToolCall(ctx, call, request));
      } catch (error) {
        ctx.logger.error({ err: error, tool: request.name, callId: call.callId }, "a tool call failed");
        return { toolCallId: request.id, name: request.name, error: "Something went wrong on our side. Offer to take a message instead." };
      }
    }),
  );
}

/** The destination the model asked for, from the last transferCall in the conversation so far. */
function requestedDestinationOf(message: VapiMessage): string {
  if (isRecord(message.destination)) return stringOf(message.destination.number) ?? stringOf(message.destination.name) ?? "";
  const artifact = isRecord(message.artifact) ? message.artifact : {};
  const messages = Array.isArray(artifact.messages) ? artifact.messages : Array.isArray(message.messages) ? message.messages : [];
  for (const item of [...messages].reverse()) {
    if (!isRecord(item) || !Array.isArray(item.toolCalls)) continue;
    for (const toolCall of item.toolCalls) {
      if (!isRecord(toolCall) || !isRecord(toolCall.function) || toolCall.function.name !== "transferCall") continue;
      const raw = toolCall.function.arguments;
      let args: unknown = raw;
      if (typeof raw === "string") {
        try {
          args = JSON.parse(raw);
        } catch {
          args = {};
        }
      }
      if (isRecord(args)) return stringOf(args.destination) ?? stringOf(args.name) ?? stringOf(args.department) ?? "";
    }
  }
  return "";
}

function lastUserMessageOf(message: VapiMessage): string {
  const openAi = Array.isArray(message.messagesOpenAIFormatted) ? message.messagesOpenAIFormatted : [];
  for (const item of [...openAi].reverse()) if (isRecord(item) && item.role === "user" && stringOf(item.content)) return item.content as string;
  const messages = Array.isArray(message.messages) ? message.messages : [];
  for (const item of [...messages].reverse()) if (isRecord(item) && item.role === "user" && stringOf(item.message)) return item.message as string;
  return "";
}

/** One read-only tenant transaction: the call's assistant (checked to be the tenant's), then the search. */
async function answerKnowledgeRequest(ctx: AppContext, resolved: ResolvedTenant, message: VapiMessage) {
  const query = lastUserMessageOf(message).slice(0, 500).trim();
  if (query === "") return { documents: [] };
  const hits = await withTenant(ctx.db, resolved.organizationId, async (tx) => {
    const { assistantId } = await readLiveCall(tx, resolved, message);
    return searchKnowledge(ctx, resolved.organizationId, { query, assistantId: assistantId ?? undefined, limit: KNOWLEDGE_DOCUMENTS }, tx);
  });
  return {
    documents: hits.map((hit) => ({ content: oneLine(`${hit.heading ? `${hit.heading}: ` : ""}${snippetToText(hit.snippetHtml)}`), similarity: hit.rank })),
  };
}

async function reply(ctx: AppContext, type: string, resolved: ResolvedTenant, message: VapiMessage): Promise<Record<string, unknown>> {
  switch (type) {
    case "assistant-request":
      if (isConsoleTenant(resolved)) return answerConsoleAssistantRequest(ctx, resolved, message) as Promise<Record<string, unknown>>;
      return answerAssistantRequest(ctx, resolved, message) as Promise<Record<string, unknown>>;
    case "tool-calls": {
      const call = await callContextOf(ctx, resolved, message);
      return { results: await runTools(ctx, call, toolCallsOf(message)) };
    }
    case "function-call": {
      // Legacy: one function, answered as { result }.
      const call = await callContextOf(ctx, resolved, message);
      const fn = isRecord(message.functionCall) ? message.functionCall : {};
      const id = `${call?.providerCallId ?? "-"}:function-call:${String(message.timestamp ?? "")}`;
      const [result] = await runTools(ctx, call, [{ id, name: stringOf(fn.name) ?? "", arguments: fn.parameters ?? {} }]);
      return result?.error !== undefined ? { error: result.error } : { result: result?.result ?? "" };
    }
    case "transfer-destination-request": {
      const { call } = await withTenant(ctx.db, resolved.organizationId, (tx) => readLiveCall(tx, resolved, message));
      if (call === null) return { error: "I can't transfer this call right now, but I can take a message." };
      const decision = await decideTransfer(ctx, call, requestedDestinationOf(message));
      if (decision.allowed) {
        return {
          destination: { type: "number", number: decision.number, message: oneLine(decision.message) },
          message: { type: "request-start", content: oneLine(decision.message) },
        };
      }
      return { error: oneLine(decision.message), message: { type: "request-failed", content: oneLine(decision.message) } };
    }
    case "knowledge-base-request":
      return answerKnowledgeRequest(ctx, resolved, message);
    default:
      return ACK.body;
  }
}

function unknownNumberReply(type: string, message: VapiMessage): Record<string, unknown> {
  switch (type) {
    case "assistant-request":
      return { error: UNKNOWN_NUMBER_ERROR };
    case "tool-calls":
      return {
        results: toolCallsOf(message).map((call) => ({
          toolCallId: call.id,
          name: call.name,
          error: "This number is not in service, so the tool did not run.",
        })),
      };
    case "knowledge-base-request":
      return { documents: [] };
    default:
      return { error: "This number is not in service." };
  }
}

export async function handleVapiMessage(
  ctx: AppContext,
  input: { message: VapiMessage; body: unknown; rawBody: string; sandboxOnly: boolean },
): Promise<WebhookAnswer> {
  const { message } = input;
  const type = typeof message.type === "string" ? message.type : "unknown";
  const resolved = await resolveTenant(ctx, message, input.sandboxOnly);
  const provider = input.sandboxOnly || resolved?.provider === "sandbox" ? "sandbox" : "vapi";
  await storeEvent(ctx, {
    provider,
    type,
    key: idempotencyKeyOf(message, type, input.rawBody),
    message,
    rawBody: input.rawBody,
    organizationId: resolved?.organizationId ?? null,
  });
  if (!isReplyType(type)) return ACK;
  if (resolved === null) return { status: 200, body: unknownNumberReply(type, message) };
  return { status: 200, body: await reply(ctx, type, resolved, message) };
}
