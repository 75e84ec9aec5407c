// What the knowledge and transfer lookups know about the call they serve, read without writing on
// the live-call path: the assistant our assistant-request answer put into the assistant's metadata
// (honoured only for the tenant resolved from the dialled number, and only if that tenant has the
// assistant), else the call row's assistant, when the row exists.
import type { Db } from "../../db/client.js";
import type { CallContext } from "../calls/call-context.js";
import type { ResolvedNumber } from "../phone-numbers/lookup.js";
import { callCreatedAtOf, callerNumberOf, callOf, isRecord, stringOf, type VapiMessage } from "./messages.js";

export type LiveCall = {
  /** One of the tenant's assistants, or null when neither the metadata nor the call row names one. */
  assistantId: string | null;
  /** The call as in-call code needs it; null when the call has no row and the metadata names none. */
  call: CallContext | null;
};

/** The metadata of the assistant serving the call: message.assistant (current) or call.assistant. */
function assistantMetadataOf(message: VapiMessage): Record<string, unknown> {
  const assistant = isRecord(message.assistant) ? message.assistant : isRecord(callOf(message)?.assistant) ? (callOf(message)?.assistant as unknown) : null;
  return isRecord(assistant) && isRecord(assistant.metadata) ? assistant.metadata : {};
}

type Row = { call_id: string | null; caller_number: string | null; is_test: boolean | null; assistant_id: string | null };

/** Where the call came in: a dialled number (or a console web call, which dials none). */
export type CallOrigin = Pick<ResolvedNumber, "organizationId" | "provider"> & { phoneNumberId: string | null; number: string | null };

/** One read in the tenant's transaction: checks the metadata's assistant and reads the call row, if any. */
export async function readLiveCall(tx: Db, resolved: CallOrigin, message: VapiMessage): Promise<LiveCall> {
  const metadata = assistantMetadataOf(message);
  // Metadata written for another organization (it cannot be, unless forged) is ignored, not trusted.
  const sameTenant = stringOf(metadata.organizationId) === resolved.organizationId;
  const metadataAssistantId = sameTenant ? stringOf(metadata.assistantId) : null;
  const vendorCall = callOf(message);
  const startedAt = callCreatedAtOf(message);
  // calls_provider_call_key serves the call row; the primary key, the assistants.
  const { rows } = await tx.$client.query<Row>(
    `SELECT c.id AS call_id, c.caller_number, c.is_test,
       COALESCE((SELECT a.id FROM assistants a WHERE a.organization_id = $1 AND a.id = $2),
                (SELECT a.id FROM assistants a WHERE a.organization_id = $1 AND a.id = c.assistant_id)) AS assistant_id
     FROM (SELECT 1) AS one
     LEFT JOIN calls c ON c.organization_id = $1 AND c.provider_call_id = $3 AND c.started_at = $4`,
    [resolved.organizationId, metadataAssistantId, vendorCall?.id ?? null, startedAt],
  );
  const row = rows[0];
  const assistantId = row?.assistant_id ?? null;
  const metadataCallId = sameTenant ? stringOf(metadata.callId) : null;
  const callId = row?.call_id ?? (metadataCallId?.startsWith("call_") ? metadataCallId : null);
  if (vendorCall === null || startedAt === null || callId === null) return { assistantId, call: null };
  return {
    assistantId,
    call: {
      organizationId: resolved.organizationId,
      callId,
      startedAt,
      provider: resolved.provider === "sandbox" ? "sandbox" : "vapi",
      providerCallId: vendorCall.id,
      assistantId,
      phoneNumberId: resolved.phoneNumberId,
      calledNumber: resolved.number,
      callerNumber: row?.caller_number ?? callerNumberOf(message),
      isTest: row?.is_test ?? resolved.provider === "sandbox",
    },
  };
}
