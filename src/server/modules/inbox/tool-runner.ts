// Runs one tool call the assistant made during a call: validates its arguments, does the work,
// records a call action and the matching inbox item. IMPLEMENTATION PENDING (contract only).
import type { AppContext } from "../../context.js";
import type { CallContext } from "../calls/call-context.js";

/** Arguments arrive as a JSON string or as an object; both are accepted. */
export type ToolCallRequest = { id: string; name: string; arguments: unknown };

/** Vapi's tool result item: exactly one of result / error, each a single-line string. */
export type ToolCallResult = { toolCallId: string; name: string; result?: string; error?: string };

export async function runToolCall(ctx: AppContext, call: CallContext, request: ToolCallRequest): Promise<ToolCallResult> {
  void ctx;
  void call;
  return { toolCallId: request.id, name: request.name, error: "This tool is not available yet." };
}

export type TransferDecision =
  | { allowed: true; number: string; name: string; message: string }
  | { allowed: false; reason: string; message: string };

/** Whether (and where) to transfer: only directory entries, only when open, never to a platform number or back to the caller. */
export async function decideTransfer(ctx: AppContext, call: CallContext, destination: string): Promise<TransferDecision> {
  void ctx;
  void call;
  void destination;
  return { allowed: false, reason: "not_implemented", message: "I can't transfer calls right now, but I can take a message." };
}
