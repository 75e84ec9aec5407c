// Applies an organization's stored, not yet processed Vapi messages in one tenant transaction with
// set-based statements: the messages are claimed (FOR UPDATE SKIP LOCKED, so instances never take
// the same ones), folded per call in the order they arrived, and written with one statement per
// kind of change for all calls at once; then one live event per changed call is published and the
// messages are marked processed, in the same transaction. Same rules as applyCallMessage: status
// never moves backwards, the first end-of-call report is applied once (its hooks run exactly then),
// the caller becomes a contact once per call. Transcript and speech notifications only move
// last_event_at: the end-of-call report carries the whole transcript.
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { withTenantDerived } from "../../db/transaction.js";
import { callCreatedAtOf, callerNumberOf, callOf, isRecord, numberOf, stringOf, type VapiMessage } from "../vapi-webhook/messages.js";
import { resolveTenant } from "../vapi-webhook/tenant.js";
import { callStatusOf, reportFieldsOf, runCallReportHooks, STATUS_RANK, testCallSql } from "./ingest.js";
import { CALL_EVENTS_CHANNEL, type CallEventSnapshot, callEventPayload } from "./live.js";
import { ensureCallPartition } from "./partitions.js";
import { CALL_STATUSES, type CallStatus } from "./schema.js";

/**
 * What ingestion reads of a stored message: a report whole; of any other message only the fields
 * applied (type, status, timestamp, the call's identity, number and caller), so PostgreSQL does not
 * serialise, nor Node parse, the echoed assistant and conversation that every message repeats.
 */
const CLAIMED_MESSAGE = `CASE WHEN type = 'end-of-call-report' THEN payload->'message' ELSE jsonb_build_object(
  'type', payload #> '{message,type}', 'status', payload #> '{message,status}', 'endedReason', payload #> '{message,endedReason}',
  'timestamp', payload #> '{message,timestamp}',
  'phoneNumber', jsonb_build_object('id', payload #> '{message,phoneNumber,id}', 'number', payload #> '{message,phoneNumber,number}'),
  'customer', jsonb_build_object('number', payload #> '{message,customer,number}'),
  'call', jsonb_build_object('id', payload #> '{message,call,id}', 'createdAt', payload #> '{message,call,createdAt}',
    'phoneNumberId', payload #> '{message,call,phoneNumberId}',
    'phoneNumber', jsonb_build_object('id', payload #> '{message,call,phoneNumber,id}', 'number', payload #> '{message,call,phoneNumber,number}'),
    'customer', jsonb_build_object('number', payload #> '{message,call,customer,number}'),
    'assistant', jsonb_build_object('metadata', payload #> '{message,call,assistant,metadata}'))) END`;

/** At most this many messages per organization and transaction (a report may be a few megabytes). */
export const INGEST_BATCH_MAX_EVENTS = 250;

const NO_CALL_ERROR = "the message carries no call (call.id and call.createdAt)";

type PendingEvent = { id: string; provider: string; message: unknown; received_at: Date };

type CallFold = {
  key: string;
  provider: "vapi" | "sandbox";
  providerCallId: string;
  startedAt: Date;
  phoneNumberId: string | null;
  assistantId: string | null;
  callerNumber: string | null;
  /** The highest status any message set (rank + 1, as array_position counts), or null. */
  statusRank: number | null;
  /** Each rank that raised the status, in the order the messages came: live dashboards see every step. */
  statusSteps: number[];
  endedReason: string | null;
  /** When the first message that ended the call was sent. */
  endedEventAt: Date | null;
  lastEventAt: Date;
  report: { message: VapiMessage; eventAt: Date; receivedAt: Date } | null;
};

type CallRowState = { id: string; provider_call_id: string; started_at: Date; caller_number: string | null; contact_id: string | null };
type SnapshotRow = CallEventSnapshot & { ended: boolean; previousStatus: CallStatus };

/** Claims by these ids only (retrying one call's messages after a batch failed), or the oldest pending ones. */
export type BatchSelection = { eventIds?: string[] };

export type BatchResult = { claimed: number; applied: number; failed: { id: string; error: string }[]; calls: Map<string, string[]> };

function keyOf(providerCallId: string, startedAt: Date): string {
  return `${providerCallId}\u0000${startedAt.toISOString()}`;
}

async function foldEvents(ctx: AppContext, organizationId: string, events: PendingEvent[]) {
  const calls = new Map<string, CallFold>();
  const eventIdsByCall = new Map<string, string[]>();
  const noCall: string[] = [];
  for (const event of events) {
    const message = (isRecord(event.message) ? event.message : {}) as VapiMessage;
    const vendorCall = callOf(message);
    const startedAt = callCreatedAtOf(message);
    if (vendorCall === null || startedAt === null) {
      noCall.push(event.id);
      continue;
    }
    const provider = event.provider === "sandbox" ? "sandbox" : "vapi";
    const key = keyOf(vendorCall.id, startedAt);
    let call = calls.get(key);
    const eventAt = numberOf(message.timestamp) !== null ? new Date(numberOf(message.timestamp)!) : event.received_at;
    if (!call) {
      // The number is looked up again (cached) for its ids; only a number of this organization counts.
      const resolved = await resolveTenant(ctx, message, provider === "sandbox");
      call = {
        key,
        provider,
        providerCallId: vendorCall.id,
        startedAt,
        phoneNumberId: resolved?.organizationId === organizationId ? resolved.phoneNumberId : null,
        assistantId: null,
        callerNumber: null,
        statusRank: null,
        statusSteps: [],
        endedReason: null,
        endedEventAt: null,
        lastEventAt: eventAt,
        report: null,
      };
      calls.set(key, call);
      eventIdsByCall.set(key, []);
    }
    eventIdsByCall.get(key)!.push(event.id);
    const metadata = isRecord(vendorCall.assistant) && isRecord(vendorCall.assistant.metadata) ? vendorCall.assistant.metadata : {};
    call.assistantId ??= stringOf(metadata.assistantId);
    call.callerNumber ??= callerNumberOf(message);
    if (eventAt > call.lastEventAt) call.lastEventAt = eventAt;
    const type = String(message.type ?? "");
    let status: CallStatus | null = null;
    if (type === "status-update") {
      status = callStatusOf(message.status);
      call.endedReason ??= stringOf(message.endedReason);
    } else if (type === "end-of-call-report") {
      status = "ended";
      call.report ??= { message, eventAt, receivedAt: event.received_at };
    }
    if (status !== null) {
      const rank = STATUS_RANK[status] + 1;
      if (call.statusRank === null || rank > call.statusRank) {
        call.statusRank = rank;
        call.statusSteps.push(rank);
      }
      // The earliest message that ended the call, whatever order they were stored in.
      if (status === "ended" && (call.endedEventAt === null || eventAt < call.endedEventAt)) call.endedEventAt = eventAt;
    }
  }
  return { calls, eventIdsByCall, noCall };
}

/**
 * Applies up to INGEST_BATCH_MAX_EVENTS pending messages of one organization. Throws when the
 * transaction fails (nothing of it is kept: the messages stay pending).
 */
export async function applyPendingEvents(ctx: AppContext, organizationId: string, selection: BatchSelection = {}): Promise<BatchResult> {
  for (;;) {
    try {
      return await applyInTransaction(ctx, organizationId, selection);
    } catch (error) {
      if (!(error instanceof PartitionsNeeded)) throw error;
      // Creating a partition locks the calls table: done outside any transaction of ours, then the batch is taken again.
      for (const month of error.months) {
        await ensureCallPartition(ctx, new Date(`${month}-01T00:00:00.000Z`));
        monthsReady(ctx).add(month);
      }
    }
  }
}

class PartitionsNeeded extends Error {
  constructor(readonly months: string[]) {
    super(`call partitions needed: ${months.join(", ")}`);
  }
}

// Months whose partitions this process has made sure of (ensureCallPartition caches too; this keeps the check synchronous).
const readyMonths = new WeakMap<AppContext, Set<string>>();
function monthsReady(ctx: AppContext): Set<string> {
  let months = readyMonths.get(ctx);
  if (!months) {
    months = new Set();
    readyMonths.set(ctx, months);
  }
  return months;
}

async function applyInTransaction(ctx: AppContext, organizationId: string, selection: BatchSelection): Promise<BatchResult> {
  // The messages are stored durably already; this transaction only derives from them (and marks them done with it).
  return withTenantDerived(ctx.db, organizationId, async (tx) => {
    const claim = await tx.$client.query<PendingEvent>({
      name: selection.eventIds ? "ingest-claim-ids" : "ingest-claim",
      // vendor_events_pending_idx serves this: pending messages of one organization, oldest first.
      text: `SELECT id, provider, ${CLAIMED_MESSAGE} AS message, received_at FROM vendor_events
             WHERE organization_id = $1 AND processed_at IS NULL ${selection.eventIds ? "AND id = ANY($3::text[])" : ""}
             ORDER BY received_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      values: selection.eventIds ? [organizationId, INGEST_BATCH_MAX_EVENTS, selection.eventIds] : [organizationId, INGEST_BATCH_MAX_EVENTS],
    });
    const events = claim.rows;
    const result: BatchResult = { claimed: events.length, applied: 0, failed: [], calls: new Map() };
    if (events.length === 0) return result;
    const { calls, eventIdsByCall, noCall } = await foldEvents(ctx, organizationId, events);
    result.calls = eventIdsByCall;
    for (const id of noCall) result.failed.push({ id, error: NO_CALL_ERROR });
    // Sorted, so two transactions touching the same calls lock their rows in the same order.
    const folded = [...calls.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const notify: string[] = [];
    if (folded.length > 0) {
      const ready = monthsReady(ctx);
      const missing = [...new Set(folded.map((call) => call.startedAt.toISOString().slice(0, 7)))].filter((month) => !ready.has(month));
      if (missing.length > 0) throw new PartitionsNeeded(missing);
      const rows = await upsertCalls(tx, organizationId, folded);
      await linkContacts(tx, organizationId, rows);
      await applyReports(ctx, tx, organizationId, folded, rows);
      const foldById = new Map(folded.map((call) => [rows.get(call.key)!.id, call]));
      for (const row of await updateStatuses(tx, organizationId, folded, rows)) {
        const { ended, previousStatus, ...call } = row;
        // Dashboards hear of every status change, nothing else: transcripts change nothing they show, and a
        // call's first appearance is the assistant-request's call.started (whose message may be applied here first).
        if (previousStatus === call.status) continue;
        // Steps passed within this batch (ringing, then in-progress, …) are announced in order before the current state.
        const from = STATUS_RANK[previousStatus] + 1;
        const to = STATUS_RANK[call.status] + 1;
        for (const rank of foldById.get(call.id)?.statusSteps ?? []) {
          if (rank <= from || rank >= to) continue;
          const status = CALL_STATUSES[rank - 1]!;
          notify.push(
            callEventPayload({ organizationId, type: "call.updated", call: { ...call, status, endedAt: null, durationSeconds: null, endedReason: null } }),
          );
        }
        notify.push(callEventPayload({ organizationId, type: ended ? "call.ended" : "call.updated", call }));
      }
    }
    const failedIds = new Set(result.failed.map((failure) => failure.id));
    await tx.$client.query({
      name: "ingest-done",
      text: `WITH done AS (
               UPDATE vendor_events SET processed_at = now(), error = d.error
               FROM unnest($1::text[], $2::text[]) AS d(id, error) WHERE vendor_events.id = d.id
             )
             SELECT pg_notify($3, p) FROM unnest($4::text[]) AS p`,
      values: [events.map((event) => event.id), events.map((event) => (failedIds.has(event.id) ? NO_CALL_ERROR : null)), CALL_EVENTS_CHANNEL, notify],
    });
    result.applied = events.length - result.failed.length;
    return result;
  });
}

/** Inserts the calls seen for the first time, fills empty fields of the others; returns their rows (locked until commit). */
async function upsertCalls(tx: Db, organizationId: string, calls: CallFold[]): Promise<Map<string, CallRowState>> {
  const { rows } = await tx.$client.query<CallRowState>({
    name: "ingest-upsert-calls",
    text: `INSERT INTO calls (organization_id, id, started_at, provider, provider_call_id, phone_number_id, assistant_id, caller_number, is_test, status)
           SELECT $1, c.id, c.started_at, c.provider, c.provider_call_id, c.phone_number_id, c.assistant_id, c.caller_number,
             ${testCallSql("c.provider", "$1")}, 'queued'
           FROM unnest($2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY
             AS c(id, started_at, provider, provider_call_id, phone_number_id, assistant_id, caller_number, ord)
           ORDER BY c.ord
           ON CONFLICT (organization_id, provider_call_id, started_at) DO UPDATE SET
             phone_number_id = COALESCE(calls.phone_number_id, EXCLUDED.phone_number_id),
             assistant_id = COALESCE(calls.assistant_id, EXCLUDED.assistant_id),
             caller_number = COALESCE(calls.caller_number, EXCLUDED.caller_number)
           RETURNING id, provider_call_id, started_at, caller_number, contact_id`,
    values: [
      organizationId,
      calls.map(() => newId("call")),
      calls.map((call) => call.startedAt),
      calls.map((call) => call.provider),
      calls.map((call) => call.providerCallId),
      calls.map((call) => call.phoneNumberId),
      calls.map((call) => call.assistantId),
      calls.map((call) => call.callerNumber),
    ],
  });
  return new Map(rows.map((row) => [keyOf(row.provider_call_id, row.started_at), row]));
}

/**
 * Links each call with a caller number to its contact, once: the rows are locked since the upsert,
 * so contact_id as returned there is current, and only this transaction counts the call.
 */
async function linkContacts(tx: Db, organizationId: string, rows: Map<string, CallRowState>): Promise<void> {
  const unlinked = [...rows.values()].filter((row) => row.contact_id === null && row.caller_number !== null);
  if (unlinked.length === 0) return;
  const byPhone = new Map<string, { count: number; first: Date; last: Date }>();
  for (const row of unlinked) {
    const phone = row.caller_number!;
    const seen = byPhone.get(phone);
    if (!seen) byPhone.set(phone, { count: 1, first: row.started_at, last: row.started_at });
    else {
      seen.count++;
      if (row.started_at < seen.first) seen.first = row.started_at;
      if (row.started_at > seen.last) seen.last = row.started_at;
    }
  }
  const phones = [...byPhone.keys()].sort();
  await tx.$client.query({
    name: "ingest-link-contacts",
    text: `WITH contact AS (
             INSERT INTO contacts (organization_id, id, phone, call_count, first_seen_at, last_seen_at)
             SELECT $1, x.id, x.phone, x.calls, x.first_seen, x.last_seen
             FROM unnest($2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::timestamptz[]) AS x(id, phone, calls, first_seen, last_seen)
             ON CONFLICT (organization_id, phone) DO UPDATE SET call_count = contacts.call_count + EXCLUDED.call_count,
               first_seen_at = LEAST(contacts.first_seen_at, EXCLUDED.first_seen_at), last_seen_at = GREATEST(contacts.last_seen_at, EXCLUDED.last_seen_at)
             RETURNING id, phone
           )
           UPDATE calls SET contact_id = contact.id
           FROM contact, unnest($7::text[], $8::timestamptz[], $9::text[]) AS c(id, started_at, phone)
           WHERE calls.organization_id = $1 AND calls.id = c.id AND calls.started_at = c.started_at AND contact.phone = c.phone`,
    values: [
      organizationId,
      phones.map(() => newId("con")),
      phones,
      phones.map((phone) => byPhone.get(phone)!.count),
      phones.map((phone) => byPhone.get(phone)!.first),
      phones.map((phone) => byPhone.get(phone)!.last),
      unlinked.map((row) => row.id),
      unlinked.map((row) => row.started_at),
      unlinked.map((row) => row.caller_number),
    ],
  });
}

/** Claims and applies the first end-of-call report of each call that has none yet; runs the report hooks for those. */
async function applyReports(ctx: AppContext, tx: Db, organizationId: string, calls: CallFold[], rows: Map<string, CallRowState>): Promise<void> {
  const withReport = calls.filter((call) => call.report !== null);
  if (withReport.length === 0) return;
  const reports = withReport.map((call) => ({ call, row: rows.get(call.key)!, report: call.report!, fields: reportFieldsOf(call.report!.message) }));
  const json = (value: Record<string, unknown> | null) => (value === null ? null : JSON.stringify(value));
  // Claiming (report_received_at IS NULL) and applying are one statement: later copies change nothing.
  const claimed = await tx.$client.query<{ id: string; is_test: boolean }>({
    name: "ingest-apply-reports",
    text: `UPDATE calls SET report_received_at = r.received_at, ended_reason = COALESCE(r.ended_reason, calls.ended_reason),
             ended_at = COALESCE(r.ended_at, calls.ended_at, r.event_at), duration_seconds = r.duration_seconds, summary = r.summary,
             structured_data = r.structured_data::jsonb, success_evaluation = r.success_evaluation, recording_url = r.recording_url,
             cost_usd = r.cost_usd, cost_breakdown = r.cost_breakdown::jsonb, transcript = r.transcript, updated_at = now()
           FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::int[],
                       $9::text[], $10::text[], $11::text[], $12::text[], $13::numeric[], $14::text[], $15::text[])
             AS r(id, started_at, received_at, ended_reason, ended_at, event_at, duration_seconds, summary, structured_data,
                  success_evaluation, recording_url, cost_usd, cost_breakdown, transcript)
           WHERE calls.organization_id = $1 AND calls.id = r.id AND calls.started_at = r.started_at AND calls.report_received_at IS NULL
           RETURNING calls.id, calls.is_test`,
    values: [
      organizationId,
      reports.map((r) => r.row.id),
      reports.map((r) => r.row.started_at),
      reports.map((r) => r.report.receivedAt),
      reports.map((r) => r.fields.endedReason),
      reports.map((r) => r.fields.endedAt),
      reports.map((r) => r.report.eventAt),
      reports.map((r) => r.fields.durationSeconds),
      reports.map((r) => r.fields.summary),
      reports.map((r) => json(r.fields.structuredData)),
      reports.map((r) => r.fields.successEvaluation),
      reports.map((r) => r.fields.recordingUrl),
      reports.map((r) => r.fields.cost),
      reports.map((r) => json(r.fields.costBreakdown)),
      reports.map((r) => r.fields.transcript?.replaceAll("\u0000", "") ?? null),
    ],
  });
  if (claimed.rows.length === 0) return;
  const isTest = new Map(claimed.rows.map((row) => [row.id, row.is_test]));
  const applied = reports.filter((r) => isTest.has(r.row.id));
  const segments = applied.flatMap((r) => r.fields.segments.map((segment, seq) => ({ row: r.row, seq, segment })));
  if (segments.length > 0) {
    // One statement for any number of calls and turns: arrays through unnest, not one bind parameter per value.
    await tx.$client.query({
      name: "ingest-insert-segments",
      text: `INSERT INTO transcript_segments (organization_id, call_id, started_at, seq, speaker, text, start_offset_ms, end_offset_ms)
             SELECT $1, s.call_id, s.started_at, s.seq, s.speaker, s.text, s.start_ms, s.end_ms
             FROM unnest($2::text[], $3::timestamptz[], $4::int[], $5::text[], $6::text[], $7::int[], $8::int[])
               AS s(call_id, started_at, seq, speaker, text, start_ms, end_ms)
             ON CONFLICT (organization_id, call_id, started_at, seq) DO UPDATE SET speaker = EXCLUDED.speaker, text = EXCLUDED.text,
               start_offset_ms = EXCLUDED.start_offset_ms, end_offset_ms = EXCLUDED.end_offset_ms`,
      values: [
        organizationId,
        segments.map((s) => s.row.id),
        segments.map((s) => s.row.started_at),
        segments.map((s) => s.seq),
        segments.map((s) => s.segment.speaker),
        segments.map((s) => s.segment.text.replaceAll("\u0000", "")),
        segments.map((s) => s.segment.startMs),
        segments.map((s) => s.segment.endMs),
      ],
    });
  }
  for (const r of applied) {
    await runCallReportHooks(ctx, tx, {
      organizationId,
      callId: r.row.id,
      startedAt: r.row.started_at,
      durationSeconds: r.fields.durationSeconds,
      isTest: isTest.get(r.row.id)!,
    });
  }
}

/** Moves each call's status forward (never back) and last_event_at; returns every call's state for its live event. */
async function updateStatuses(tx: Db, organizationId: string, calls: CallFold[], rows: Map<string, CallRowState>): Promise<SnapshotRow[]> {
  const { rows: updated } = await tx.$client.query<SnapshotRow>({
    name: "ingest-update-statuses",
    text: `UPDATE calls SET
             status = CASE WHEN u.status_rank IS NULL OR array_position($2::text[], calls.status) >= u.status_rank THEN calls.status
                           ELSE ($2::text[])[u.status_rank] END,
             ended_reason = COALESCE(calls.ended_reason, u.ended_reason),
             ended_at = CASE WHEN u.ended_event_at IS NULL THEN calls.ended_at ELSE COALESCE(calls.ended_at, u.ended_event_at) END,
             last_event_at = GREATEST(calls.last_event_at, u.last_event_at),
             updated_at = CASE WHEN u.status_rank IS NULL THEN calls.updated_at ELSE now() END
           FROM (
             -- The rows are locked since the upsert, so the status read here is the one this statement replaces.
             SELECT u.*, c.status AS previous_status
             FROM unnest($3::text[], $4::timestamptz[], $5::int[], $6::text[], $7::timestamptz[], $8::timestamptz[])
               AS u(id, started_at, status_rank, ended_reason, ended_event_at, last_event_at)
             JOIN calls c ON c.organization_id = $1 AND c.id = u.id AND c.started_at = u.started_at
           ) u
           WHERE calls.organization_id = $1 AND calls.id = u.id AND calls.started_at = u.started_at
           RETURNING calls.id, calls.status, calls.caller_number AS "callerNumber", calls.assistant_id AS "assistantId",
             calls.phone_number_id AS "phoneNumberId", calls.started_at AS "startedAt", calls.ended_at AS "endedAt",
             calls.duration_seconds AS "durationSeconds", calls.ended_reason AS "endedReason", calls.is_test AS "isTest",
             calls.status = 'ended' AS ended, u.previous_status AS "previousStatus"`,
    values: [
      organizationId,
      CALL_STATUSES,
      calls.map((call) => rows.get(call.key)!.id),
      calls.map((call) => call.startedAt),
      calls.map((call) => call.statusRank),
      calls.map((call) => call.endedReason),
      calls.map((call) => call.endedEventAt),
      calls.map((call) => call.lastEventAt),
    ],
  });
  return updated;
}
