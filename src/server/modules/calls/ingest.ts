// Call records from Vapi's messages: the call row (inserted on first sight, keyed by the provider's
// call id and its creation time), its status (which never goes backwards), the end-of-call report
// (transcript segments, summary, structured data, recording, cost), and the caller as a contact.
// Every step is idempotent and order-independent: replaying messages twice or shuffled leaves the
// same row, and the report is applied exactly once (report_received_at), where usage is metered.
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { withTenant } from "../../db/transaction.js";
import { callCreatedAtOf, callerNumberOf, callOf, isRecord, numberOf, stringOf, type VapiMessage } from "../vapi-webhook/messages.js";
import type { CallContext } from "./call-context.js";
import { type CallEventType, publishCallEvent } from "./live.js";
import { ensureCallPartition } from "./partitions.js";
import { CALL_STATUSES, type CallStatus } from "./schema.js";

export type CallRowInput = {
  organizationId: string;
  provider: "vapi" | "sandbox";
  providerCallId: string;
  startedAt: Date;
  phoneNumberId: string | null;
  calledNumber: string | null;
  assistantId: string | null;
  callerNumber: string | null;
  fallback?: string | null;
  isTest?: boolean;
};

/**
 * SQL for a new call row's is_test, given SQL for its provider and its organization id: a call on a
 * sandbox number, or of an organization in sandbox mode, is a test call. The single-row and the
 * batch upsert both use it.
 */
export function testCallSql(providerSql: string, organizationIdSql: string): string {
  return `(${providerSql} = 'sandbox' OR COALESCE((SELECT (o.settings->>'sandboxMode')::boolean FROM organizations o WHERE o.id = ${organizationIdSql}), false))`;
}

type CallRow = { id: string; assistant_id: string | null; phone_number_id: string | null; caller_number: string | null; is_test: boolean };

/**
 * Inserts the call on first sight or returns the existing row (one round trip; the conflict
 * target includes the partition key). Known fields are filled in when they were still empty.
 * A call that starts while its organization is in sandbox mode is a test call.
 */
export async function upsertCallRow(tx: Db, input: CallRowInput): Promise<CallContext> {
  const { rows } = await tx.$client.query<CallRow>(
    `INSERT INTO calls (organization_id, id, started_at, provider, provider_call_id, phone_number_id, assistant_id, caller_number, fallback, is_test, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
       ${testCallSql("$4", "$1")}, 'queued')
     ON CONFLICT (organization_id, provider_call_id, started_at) DO UPDATE SET
       phone_number_id = COALESCE(calls.phone_number_id, EXCLUDED.phone_number_id),
       assistant_id = COALESCE(calls.assistant_id, EXCLUDED.assistant_id),
       caller_number = COALESCE(calls.caller_number, EXCLUDED.caller_number),
       fallback = COALESCE(calls.fallback, EXCLUDED.fallback)
     RETURNING id, assistant_id, phone_number_id, caller_number, is_test`,
    [
      input.organizationId,
      newId("call"),
      input.startedAt,
      input.provider,
      input.providerCallId,
      input.phoneNumberId,
      input.assistantId,
      input.callerNumber,
      input.fallback ?? null,
    ],
  );
  const row = rows[0]!;
  return {
    organizationId: input.organizationId,
    callId: row.id,
    startedAt: input.startedAt,
    provider: input.provider,
    providerCallId: input.providerCallId,
    assistantId: row.assistant_id,
    phoneNumberId: row.phone_number_id,
    calledNumber: input.calledNumber,
    callerNumber: row.caller_number,
    isTest: row.is_test,
  };
}

/** Hook point for usage metering: runs in the transaction that first applies a call's report, exactly once per call. */
export type CallReportHook = (
  tx: Db,
  call: { organizationId: string; callId: string; startedAt: Date; durationSeconds: number | null; isTest: boolean },
  ctx: AppContext,
) => Promise<void>;
const reportHooks: CallReportHook[] = [];
/** Registers a hook once per process, however many platforms (and job handler registrations) it runs. */
export function onCallReportApplied(hook: CallReportHook): void {
  if (!reportHooks.includes(hook)) reportHooks.push(hook);
}
/** Runs the report hooks for one call whose report this transaction has just claimed (batch ingestion). */
export async function runCallReportHooks(ctx: AppContext, tx: Db, call: Parameters<CallReportHook>[1]): Promise<void> {
  for (const hook of reportHooks) await hook(tx, call, ctx);
}

export const STATUS_RANK: Record<CallStatus, number> = Object.fromEntries(CALL_STATUSES.map((status, index) => [status, index])) as Record<CallStatus, number>;

export function callStatusOf(value: unknown): CallStatus | null {
  return typeof value === "string" && (CALL_STATUSES as readonly string[]).includes(value) ? (value as CallStatus) : null;
}

function dateOf(value: unknown): Date | null {
  const text = stringOf(value);
  if (text === null) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

type Segment = { speaker: "assistant" | "caller" | "system" | "tool"; text: string; startMs: number | null; endMs: number | null };

const MAX_SEGMENT_CHARS = 20_000;

function speakerOf(role: string): Segment["speaker"] | null {
  switch (role) {
    case "user":
    case "customer":
      return "caller";
    case "bot":
    case "assistant":
      return "assistant";
    case "tool_calls":
    case "tool_call_result":
    case "tool":
    case "function_call":
    case "function_result":
      return "tool";
    default:
      return null; // the system prompt is not part of the conversation
  }
}

function segmentText(item: Record<string, unknown>): string {
  const message = stringOf(item.message) ?? stringOf(item.content) ?? stringOf(item.result);
  if (message !== null) return message;
  if (Array.isArray(item.toolCalls)) {
    return item.toolCalls
      .map((toolCall) =>
        isRecord(toolCall) && isRecord(toolCall.function) ? `${stringOf(toolCall.function.name) ?? "tool"}(${String(toolCall.function.arguments ?? "")})` : "",
      )
      .filter((text) => text !== "")
      .join("; ");
  }
  return "";
}

/** Segments from artifact.messages (current layout) or message.messages (legacy); else from the plain transcript. */
function segmentsOf(messages: unknown, transcript: string | null): Segment[] {
  if (Array.isArray(messages) && messages.length > 0) {
    const segments: Segment[] = [];
    for (const item of messages) {
      if (!isRecord(item)) continue;
      const speaker = speakerOf(String(item.role ?? ""));
      const text = segmentText(item).slice(0, MAX_SEGMENT_CHARS);
      if (speaker === null || text === "") continue;
      const startSeconds = numberOf(item.secondsFromStart);
      const startMs = startSeconds === null ? null : Math.round(startSeconds * 1000);
      const time = numberOf(item.time);
      const endTime = numberOf(item.endTime);
      const durationMs = time !== null && endTime !== null ? endTime - time : numberOf(item.duration);
      segments.push({ speaker, text, startMs, endMs: startMs !== null && durationMs !== null ? startMs + Math.round(durationMs) : null });
    }
    return segments;
  }
  if (transcript === null) return [];
  // The plain transcript's lines read "AI: …" and "User: …".
  return transcript
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const match = /^(AI|Assistant|Bot|User|Customer)\s*:\s*(.*)$/i.exec(line);
      const speaker: Segment["speaker"] = match && /^(user|customer)$/i.test(match[1]!) ? "caller" : "assistant";
      return { speaker, text: (match ? match[2]! : line).slice(0, MAX_SEGMENT_CHARS), startMs: null, endMs: null };
    });
}

/** The fields of an end-of-call report, from the current layout (artifact.*, analysis.*) or the legacy one. */
export function reportFieldsOf(message: VapiMessage) {
  const call = callOf(message);
  const artifact = isRecord(message.artifact) ? message.artifact : isRecord(call?.artifact) ? (call.artifact as Record<string, unknown>) : {};
  const analysis = isRecord(message.analysis) ? message.analysis : isRecord(call?.analysis) ? (call.analysis as Record<string, unknown>) : {};
  const transcript = stringOf(artifact.transcript) ?? stringOf(message.transcript);
  const segments = segmentsOf(Array.isArray(artifact.messages) ? artifact.messages : message.messages, transcript);
  const recording = isRecord(artifact.recording) && isRecord(artifact.recording.mono) ? artifact.recording.mono : {};
  const startedAt = dateOf(message.startedAt) ?? dateOf(call?.startedAt);
  const endedAt = dateOf(message.endedAt) ?? dateOf(call?.endedAt);
  const legacyDuration = numberOf(message.durationSeconds);
  const durationSeconds =
    legacyDuration !== null
      ? Math.round(legacyDuration)
      : startedAt && endedAt
        ? Math.max(0, Math.round((endedAt.getTime() - startedAt.getTime()) / 1000))
        : null;
  const cost = numberOf(message.cost) ?? numberOf(call?.cost);
  const breakdown = isRecord(message.costBreakdown)
    ? message.costBreakdown
    : isRecord(call?.costBreakdown)
      ? (call.costBreakdown as Record<string, unknown>)
      : null;
  const costs = Array.isArray(message.costs) ? message.costs : Array.isArray(call?.costs) ? call.costs : null;
  const successEvaluation = analysis.successEvaluation;
  return {
    endedReason: stringOf(message.endedReason) ?? stringOf(call?.endedReason),
    endedAt,
    durationSeconds,
    summary: stringOf(analysis.summary) ?? stringOf(message.summary),
    structuredData: isRecord(analysis.structuredData) ? analysis.structuredData : null,
    successEvaluation: successEvaluation === undefined || successEvaluation === null ? null : String(successEvaluation),
    recordingUrl: stringOf(artifact.recordingUrl) ?? stringOf(recording.combinedUrl) ?? stringOf(message.recordingUrl) ?? stringOf(message.stereoRecordingUrl),
    cost,
    costBreakdown: breakdown ?? (costs ? { costs } : null),
    segments,
    transcript: transcript ?? (segments.length > 0 ? segments.map((segment) => `${segment.speaker}: ${segment.text}`).join("\n") : null),
  };
}

async function insertSegments(tx: Db, call: CallContext, segments: Segment[]): Promise<void> {
  await tx.$client.query("DELETE FROM transcript_segments WHERE organization_id = $1 AND call_id = $2 AND started_at = $3", [
    call.organizationId,
    call.callId,
    call.startedAt,
  ]);
  if (segments.length === 0) return;
  // One statement for any length: arrays through unnest, not one bind parameter per value.
  await tx.$client.query(
    `INSERT INTO transcript_segments (organization_id, call_id, started_at, seq, speaker, text, start_offset_ms, end_offset_ms)
     SELECT $1, $2, $3, s.seq, s.speaker, s.text, s.start_ms, s.end_ms
     FROM unnest($4::int[], $5::text[], $6::text[], $7::int[], $8::int[]) AS s(seq, speaker, text, start_ms, end_ms)`,
    [
      call.organizationId,
      call.callId,
      call.startedAt,
      segments.map((_, index) => index),
      segments.map((segment) => segment.speaker),
      segments.map((segment) => segment.text.replaceAll("\u0000", "")),
      segments.map((segment) => segment.startMs),
      segments.map((segment) => segment.endMs),
    ],
  );
}

async function linkContact(tx: Db, call: CallContext, at: Date): Promise<void> {
  if (call.callerNumber === null) return;
  // Only the transaction that sets contact_id counts the call, so call_count grows once per call.
  const { rows } = await tx.$client.query<{ contact_id: string | null }>(
    "SELECT contact_id FROM calls WHERE organization_id = $1 AND id = $2 AND started_at = $3 FOR UPDATE",
    [call.organizationId, call.callId, call.startedAt],
  );
  if (rows[0]?.contact_id) return;
  const contact = await tx.$client.query<{ id: string }>(
    `INSERT INTO contacts (organization_id, id, phone, call_count, first_seen_at, last_seen_at) VALUES ($1, $2, $3, 1, $4, $4)
     ON CONFLICT (organization_id, phone) DO UPDATE SET call_count = contacts.call_count + 1,
       first_seen_at = LEAST(contacts.first_seen_at, EXCLUDED.first_seen_at), last_seen_at = GREATEST(contacts.last_seen_at, EXCLUDED.last_seen_at)
     RETURNING id`,
    [call.organizationId, newId("con"), call.callerNumber, at],
  );
  await tx.$client.query("UPDATE calls SET contact_id = $4 WHERE organization_id = $1 AND id = $2 AND started_at = $3", [
    call.organizationId,
    call.callId,
    call.startedAt,
    contact.rows[0]!.id,
  ]);
}

export type ApplyOptions = { provider: "vapi" | "sandbox"; phoneNumberId: string | null; calledNumber: string | null; receivedAt: Date };

/**
 * Applies one message to its call. Returns false when the message carries no call to apply
 * (then nothing changed). A report is applied once: later copies change nothing.
 */
export async function applyCallMessage(ctx: AppContext, organizationId: string, message: VapiMessage, options: ApplyOptions): Promise<boolean> {
  const vendorCall = callOf(message);
  const startedAt = callCreatedAtOf(message);
  if (vendorCall === null || startedAt === null) return false;
  await ensureCallPartition(ctx, startedAt);
  const type = String(message.type ?? "");
  const eventAt = numberOf(message.timestamp) !== null ? new Date(numberOf(message.timestamp)!) : options.receivedAt;
  const metadata = isRecord(vendorCall.assistant) && isRecord(vendorCall.assistant.metadata) ? vendorCall.assistant.metadata : {};

  await withTenant(ctx.db, organizationId, async (tx) => {
    const call = await upsertCallRow(tx, {
      organizationId,
      provider: options.provider,
      providerCallId: vendorCall.id,
      startedAt,
      phoneNumberId: options.phoneNumberId,
      calledNumber: options.calledNumber,
      assistantId: stringOf(metadata.assistantId),
      callerNumber: callerNumberOf(message),
    });
    await linkContact(tx, call, startedAt);

    let status: CallStatus | null = null;
    if (type === "status-update") status = callStatusOf(message.status);
    if (type === "end-of-call-report") status = "ended";
    if (type === "hang") status = null;
    const key = [call.organizationId, call.callId, call.startedAt] as const;
    if (status !== null) {
      // Ranks follow CALL_STATUSES; a lower-ranked status arriving late changes nothing.
      const endedReason = type === "status-update" ? stringOf(message.endedReason) : null;
      await tx.$client.query(
        `UPDATE calls SET
           status = CASE WHEN array_position($4::text[], status) >= $5 THEN status ELSE $6 END,
           ended_reason = COALESCE(ended_reason, $7),
           ended_at = CASE WHEN $6 = 'ended' THEN COALESCE(ended_at, $8) ELSE ended_at END,
           last_event_at = GREATEST(last_event_at, $8), updated_at = now()
         WHERE organization_id = $1 AND id = $2 AND started_at = $3`,
        [...key, CALL_STATUSES, STATUS_RANK[status] + 1, status, endedReason, eventAt],
      );
    } else {
      await tx.$client.query("UPDATE calls SET last_event_at = GREATEST(last_event_at, $4) WHERE organization_id = $1 AND id = $2 AND started_at = $3", [
        ...key,
        eventAt,
      ]);
    }

    if (type === "end-of-call-report") await applyReport(ctx, tx, call, message, { organizationId, startedAt, eventAt, receivedAt: options.receivedAt });
    await announceCall(tx, call);
  });
  return true;
}

/** Applies an end-of-call report once: the first copy claims report_received_at, later copies change nothing. */
async function applyReport(
  ctx: AppContext,
  tx: Db,
  call: CallContext,
  message: VapiMessage,
  at: { organizationId: string; startedAt: Date; eventAt: Date; receivedAt: Date },
): Promise<void> {
  const { organizationId, startedAt, eventAt } = at;
  const key = [call.organizationId, call.callId, call.startedAt] as const;
  {
    const claimed = await tx.$client.query<{ is_test: boolean }>(
      `UPDATE calls SET report_received_at = $4 WHERE organization_id = $1 AND id = $2 AND started_at = $3 AND report_received_at IS NULL RETURNING is_test`,
      [...key, at.receivedAt],
    );
    if (claimed.rowCount === 0) return;
    const report = reportFieldsOf(message);
    await tx.$client.query(
      `UPDATE calls SET ended_reason = COALESCE($4, ended_reason), ended_at = COALESCE($5, ended_at, $6), duration_seconds = $7,
         summary = $8, structured_data = $9, success_evaluation = $10, recording_url = $11, cost_usd = $12, cost_breakdown = $13,
         transcript = $14, updated_at = now()
       WHERE organization_id = $1 AND id = $2 AND started_at = $3`,
      [
        ...key,
        report.endedReason,
        report.endedAt,
        eventAt,
        report.durationSeconds,
        report.summary,
        report.structuredData === null ? null : JSON.stringify(report.structuredData),
        report.successEvaluation,
        report.recordingUrl,
        report.cost,
        report.costBreakdown === null ? null : JSON.stringify(report.costBreakdown),
        report.transcript?.replaceAll("\u0000", "") ?? null,
      ],
    );
    await insertSegments(tx, call, report.segments);
    for (const hook of reportHooks) {
      await hook(tx, { organizationId, callId: call.callId, startedAt, durationSeconds: report.durationSeconds, isTest: claimed.rows[0]!.is_test }, ctx);
    }
  }
}

type CallSnapshotRow = {
  status: CallStatus;
  caller_number: string | null;
  assistant_id: string | null;
  phone_number_id: string | null;
  started_at: Date;
  ended_at: Date | null;
  duration_seconds: number | null;
  ended_reason: string | null;
  is_test: boolean;
};

/** Tells live dashboards the call's current state; PostgreSQL delivers it when the transaction commits. */
export async function announceCall(tx: Db, call: CallContext, type?: CallEventType): Promise<void> {
  const { rows } = await tx.$client.query<CallSnapshotRow>(
    `SELECT status, caller_number, assistant_id, phone_number_id, started_at, ended_at, duration_seconds, ended_reason, is_test
     FROM calls WHERE organization_id = $1 AND id = $2 AND started_at = $3`,
    [call.organizationId, call.callId, call.startedAt],
  );
  const row = rows[0];
  if (!row) return;
  await publishCallEvent(tx, {
    organizationId: call.organizationId,
    type: type ?? (row.status === "ended" ? "call.ended" : "call.updated"),
    call: {
      id: call.callId,
      status: row.status,
      callerNumber: row.caller_number,
      assistantId: row.assistant_id,
      phoneNumberId: row.phone_number_id,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      durationSeconds: row.duration_seconds,
      endedReason: row.ended_reason,
      isTest: row.is_test,
    },
  });
}
