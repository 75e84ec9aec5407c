// Reading Vapi server messages (the shapes of @vapi-ai/server-sdk's ServerMessage* types): the
// message type, its call, the dialled number, the caller, and the idempotency key. Lenient by
// design: a field of an unexpected type is treated as absent, never as an error.
import { createHash } from "node:crypto";
import type { Vapi } from "@vapi-ai/server-sdk";

/** The message types that expect an answer in the HTTP response; everything else is a notification. */
export const REPLY_TYPES = ["assistant-request", "tool-calls", "function-call", "transfer-destination-request", "knowledge-base-request"] as const;
export type ReplyType = (typeof REPLY_TYPES)[number];

/** What the assistants we return ask Vapi to send (CreateAssistantDto.serverMessages), set explicitly. */
export const SERVER_MESSAGES: Vapi.CreateAssistantDtoServerMessagesItem[] = [
  "status-update",
  "end-of-call-report",
  "tool-calls",
  "transfer-destination-request",
  "conversation-update",
  "hang",
  "speech-update",
  "user-interrupted",
  'transcript[transcriptType="final"]',
];

/** A message as received: the SDK's union, read defensively since vendors add fields and types. */
export type VapiMessage = Record<string, unknown> & { type?: unknown; call?: unknown; timestamp?: unknown };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringOf(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

export function numberOf(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function isReplyType(type: string): type is ReplyType {
  return (REPLY_TYPES as readonly string[]).includes(type);
}

/** The message's `call` (Vapi.Call) when it has at least an id. */
export function callOf(message: VapiMessage): (Partial<Vapi.Call> & { id: string }) | null {
  const call = message.call;
  return isRecord(call) && stringOf(call.id) ? (call as Partial<Vapi.Call> & { id: string }) : null;
}

/** Where to look the dialled number up: Vapi's phone number id, and the number itself. */
export function dialledNumberOf(message: VapiMessage): { providerNumberId: string | null; number: string | null } {
  const call = callOf(message);
  const phoneNumber = isRecord(message.phoneNumber) ? message.phoneNumber : isRecord(call?.phoneNumber) ? (call.phoneNumber as Record<string, unknown>) : null;
  return {
    providerNumberId: stringOf(call?.phoneNumberId) ?? stringOf(phoneNumber?.id),
    number: stringOf(phoneNumber?.number),
  };
}

/** The caller's number as Vapi gives it (E.164 for phone calls). */
export function callerNumberOf(message: VapiMessage): string | null {
  const call = callOf(message);
  const customer = isRecord(message.customer) ? message.customer : isRecord(call?.customer) ? (call.customer as Record<string, unknown>) : null;
  const number = stringOf(customer?.number);
  return number !== null && /^\+[1-9]\d{6,14}$/.test(number) ? number : null;
}

/** The call's partition key: Vapi's call.createdAt, the same in every message about the call. */
export function callCreatedAtOf(message: VapiMessage): Date | null {
  const created = stringOf(callOf(message)?.createdAt);
  if (created === null) return null;
  const date = new Date(created);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Vapi sends no delivery id: call id + type + the message's timestamp identify a delivery. A
 * message without a timestamp is keyed by a hash of its body, so only byte-identical copies collapse.
 */
export function idempotencyKeyOf(message: VapiMessage, type: string, rawBody: string): string {
  const callId = callOf(message)?.id ?? "-";
  const timestamp = numberOf(message.timestamp) ?? stringOf(message.timestamp);
  const suffix = timestamp !== null ? String(timestamp) : `sha256:${createHash("sha256").update(rawBody).digest("hex")}`;
  return `${callId}:${type}:${suffix}`;
}
