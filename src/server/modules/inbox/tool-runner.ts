// Runs one tool call the assistant made during a call: reads and validates its arguments, does the
// work, and records a call action (plus the matching inbox item) in one tenant transaction. Never
// throws: every failure becomes a one-line `error` the model can recover from. The provider's
// tool-call id makes it idempotent: a retry answers the stored result without doing the work again.
import { and, eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { isUniqueViolation } from "../../db/errors.js";
import { newId } from "../../db/ids.js";
import { withTenant } from "../../db/transaction.js";
import { assistants } from "../assistants/schema.js";
import type { CallContext } from "../calls/call-context.js";
import { callActions } from "../calls/schema.js";
import { TOOL_NAMES, type ToolName } from "../templates/types.js";
import { bookAppointment, cancelAppointment, checkAvailability } from "./tools/appointments.js";
import { readArguments, type ToolArguments, validateArguments } from "./tools/arguments.js";
import { type AssistantRow, oneLine, type ToolEnv, type ToolOutcome } from "./tools/context.js";
import { lookupKnowledge } from "./tools/knowledge.js";
import { logDriverCallout, scheduleCallback, takeMessage } from "./tools/messages.js";
import { takeOrder } from "./tools/orders.js";
import { transferCall } from "./tools/transfer.js";

export { decideTransfer, type TransferDecision } from "./tools/transfer.js";

/** Arguments arrive as a JSON string or as an object; both are accepted. */
export type ToolCallRequest = { id: string; name: string; arguments: unknown };

/** Vapi's tool result item: exactly one of result / error, each a single-line string. */
export type ToolCallResult = { toolCallId: string; name: string; result?: string; error?: string };

type Handler<N extends ToolName> = (env: ToolEnv, args: ToolArguments<N>) => Promise<ToolOutcome>;

const HANDLERS: { [N in ToolName]: Handler<N> } = {
  takeMessage,
  scheduleCallback,
  checkAvailability,
  bookAppointment,
  cancelAppointment,
  takeOrder,
  transferCall,
  lookupKnowledge,
  logDriverCallout,
};

const KNOWN_TOOLS: ReadonlySet<string> = new Set(TOOL_NAMES);
const RESULT_MAX_CHARS = 4_000;
const INTERNAL_ERROR = "Something went wrong on our side while doing that. Apologise, and offer to take a message so the team can follow up.";

export async function loadAssistant(tx: Db, organizationId: string, assistantId: string | null): Promise<AssistantRow | null> {
  if (!assistantId) return null;
  const [row] = await tx
    .select()
    .from(assistants)
    .where(and(eq(assistants.organizationId, organizationId), eq(assistants.id, assistantId)));
  return row ?? null;
}

type StoredAction = { outcome: "succeeded" | "rejected" | "failed"; result: string };

function toResult(request: ToolCallRequest, action: StoredAction): ToolCallResult {
  const text = oneLine(action.result).slice(0, RESULT_MAX_CHARS);
  return action.outcome === "succeeded"
    ? { toolCallId: request.id, name: request.name, result: text }
    : { toolCallId: request.id, name: request.name, error: text };
}

async function storedAction(tx: Db, organizationId: string, toolCallId: string): Promise<StoredAction | null> {
  const [row] = await tx
    .select({ outcome: callActions.outcome, result: callActions.result })
    .from(callActions)
    .where(and(eq(callActions.organizationId, organizationId), eq(callActions.providerToolCallId, toolCallId)));
  return row ?? null;
}

export async function runToolCall(ctx: AppContext, call: CallContext, request: ToolCallRequest): Promise<ToolCallResult> {
  const toolCallId = typeof request.id === "string" ? request.id.slice(0, 200) : "";
  const name = typeof request.name === "string" ? request.name : "";
  const answer: ToolCallRequest = { ...request, id: toolCallId, name };
  if (!KNOWN_TOOLS.has(name))
    return toResult(answer, { outcome: "rejected", result: `There is no tool called "${oneLine(name).slice(0, 60)}". Use one of the tools you were given.` });
  if (toolCallId === "") return toResult(answer, { outcome: "rejected", result: "The tool call had no id; call the tool again." });
  try {
    return await withTenant(ctx.db, call.organizationId, (tx) => runInTransaction(ctx, tx, call, name as ToolName, answer));
  } catch (error) {
    // A concurrent delivery of the same tool call committed first: answer what it stored.
    if (isUniqueViolation(error, "call_actions_tool_call_key")) {
      const stored = await withTenant(ctx.db, call.organizationId, (tx) => storedAction(tx, call.organizationId, toolCallId)).catch(() => null);
      if (stored) return toResult(answer, stored);
    }
    ctx.logger.error({ err: error, tool: name, toolCallId, callId: call.callId, organizationId: call.organizationId }, "tool call failed");
    return toResult(answer, { outcome: "failed", result: INTERNAL_ERROR });
  }
}

async function runInTransaction(ctx: AppContext, tx: Db, call: CallContext, name: ToolName, request: ToolCallRequest): Promise<ToolCallResult> {
  const read = readArguments(request.arguments);
  const actionId = newId("cact");
  // Claim the tool-call id first, in one statement: a concurrent retry waits on this row, then
  // (claiming nothing) answers what the first delivery stored.
  const claimed = await tx
    .insert(callActions)
    .values({
      organizationId: call.organizationId,
      id: actionId,
      callId: call.callId,
      providerToolCallId: request.id,
      tool: name,
      arguments: read.ok ? read.value : read.raw,
      outcome: "failed",
      result: "",
    })
    .onConflictDoNothing({ target: [callActions.organizationId, callActions.providerToolCallId] })
    .returning({ id: callActions.id });
  if (claimed.length === 0) {
    const stored = await storedAction(tx, call.organizationId, request.id);
    return toResult(request, stored ?? { outcome: "failed", result: INTERNAL_ERROR });
  }

  let outcome: ToolOutcome;
  if (!read.ok) outcome = { outcome: "rejected", text: read.error };
  else {
    const valid = validateArguments(name, read.value);
    if (!valid.ok) outcome = { outcome: "rejected", text: valid.error };
    else {
      const assistant = await loadAssistant(tx, call.organizationId, call.assistantId);
      if (assistant && assistant.enabledTools.length > 0 && !assistant.enabledTools.includes(name)) {
        outcome = { outcome: "rejected", text: `This line does not offer ${name}. Offer to take a message instead.` };
      } else {
        const env: ToolEnv = { ctx, call, tx, assistant, now: ctx.clock.now() };
        outcome = await (HANDLERS[name] as Handler<ToolName>)(env, valid.args as never);
      }
    }
  }
  const result = oneLine(outcome.text).slice(0, RESULT_MAX_CHARS);
  await tx
    .update(callActions)
    .set({ outcome: outcome.outcome, result, inboxItemId: outcome.inboxItemId ?? null })
    .where(and(eq(callActions.organizationId, call.organizationId), eq(callActions.id, actionId)));
  return toResult(request, { outcome: outcome.outcome, result });
}
