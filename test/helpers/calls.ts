// Arrange helpers for in-call tools: a call row (partitioned by started_at) and its CallContext,
// and the tool runner invoked as the webhook would.
import { randomBytes } from "node:crypto";
import type { CallContext } from "../../src/server/modules/calls/call-context.js";
import { runToolCall, type ToolCallResult } from "../../src/server/modules/inbox/tool-runner.js";
import type { TestPlatform } from "./platform.js";

export async function insertCall(
  t: TestPlatform,
  organizationId: string,
  assistantId: string | null,
  options: { callerNumber?: string | null; calledNumber?: string | null } = {},
): Promise<CallContext> {
  const id = `call_${randomBytes(8).toString("hex")}`;
  const providerCallId = `vapi-${randomBytes(8).toString("hex")}`;
  const startedAt = new Date();
  const callerNumber = options.callerNumber === undefined ? "+14155550199" : options.callerNumber;
  await t.ownerQuery(
    "INSERT INTO calls (organization_id, id, started_at, provider, provider_call_id, assistant_id, caller_number, status) VALUES ($1, $2, $3, 'vapi', $4, $5, $6, 'in-progress')",
    [organizationId, id, startedAt, providerCallId, assistantId, callerNumber],
  );
  return {
    organizationId,
    callId: id,
    startedAt,
    provider: "vapi",
    providerCallId,
    assistantId,
    phoneNumberId: null,
    calledNumber: options.calledNumber ?? "+15005550006",
    callerNumber,
    isTest: false,
  };
}

let toolCallCounter = 0;

export function toolCallId(): string {
  toolCallCounter += 1;
  return `tc_${toolCallCounter}_${randomBytes(4).toString("hex")}`;
}

export function runTool(t: TestPlatform, call: CallContext, name: string, args: unknown, id = toolCallId()): Promise<ToolCallResult> {
  return runToolCall(t.platform.ctx, call, { id, name, arguments: args });
}
