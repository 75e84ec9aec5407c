// Reading an organization's calls: the filtered, cursor-paginated list (also the CSV export's
// source), one call with its transcript and actions, and the overview's stats in the
// organization's time zone. Calls are written by the webhook's ingestion, never here.
import { type SQL, sql } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { withTenant } from "../../db/transaction.js";
import { Invalid, NotFound } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import type { CallStatus } from "./schema.js";

export const CALLS_PAGE_MAX = 100;
export const CALLS_PAGE_DEFAULT = 25;
/** Days in the overview's calls-per-day series, today included. */
export const STATS_DAYS = 30;
/** A call not ended after this long is stale (its end was lost), not active. */
const ACTIVE_CALL_MAX_AGE_HOURS = 12;

export type CallFilters = {
  /** An instant (ISO 8601 with offset; inclusive) or a date (YYYY-MM-DD, from its start in the organization's time zone). */
  from?: string;
  /** An instant (exclusive) or a date (inclusive: up to the end of that day in the organization's time zone). */
  to?: string;
  assistantId?: string;
  phoneNumberId?: string;
  status?: CallStatus;
  /** structured_data.outcome, or the ended reason when the analysis gave none. */
  outcome?: string;
  /** A prefix of the caller's E.164 number, e.g. "+1415". */
  caller?: string;
  isTest?: boolean;
  /** Full-text search over transcript and summary (web search syntax: words, "phrases", -not, or). */
  q?: string;
};

export type CallListItem = {
  id: string;
  status: CallStatus;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  callerNumber: string | null;
  assistantId: string | null;
  assistantName: string | null;
  phoneNumberId: string | null;
  outcome: string | null;
  endedReason: string | null;
  summary: string | null;
  successEvaluation: string | null;
  costUsd: number | null;
  isTest: boolean;
  fallback: string | null;
};

export type CallPage = { items: CallListItem[]; nextCursor: string | null };

// Raw rows (tx.execute): drizzle's node-postgres driver hands timestamps over as text, so the
// queries format them as ISO 8601 themselves.
type ListRow = {
  id: string;
  status: CallStatus;
  started_at: string;
  /** started_at to the microsecond, for the cursor (a Date keeps only milliseconds). */
  started_at_key: string;
  ended_at: string | null;
  duration_seconds: number | null;
  caller_number: string | null;
  assistant_id: string | null;
  assistant_name: string | null;
  phone_number_id: string | null;
  outcome: string | null;
  ended_reason: string | null;
  summary: string | null;
  success_evaluation: string | null;
  cost_usd: string | null;
  is_test: boolean;
  fallback: string | null;
};

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const isoMillis = (column: SQL) => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** The common columns of a call as ListRow, for FROM calls c LEFT JOIN assistants a. */
const listColumns = sql`
  c.id, c.status, ${isoMillis(sql`c.started_at`)} AS started_at,
  to_char(c.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS started_at_key,
  ${isoMillis(sql`c.ended_at`)} AS ended_at, c.duration_seconds, c.caller_number, c.assistant_id, a.name AS assistant_name,
  c.phone_number_id, coalesce(c.structured_data->>'outcome', c.ended_reason) AS outcome, c.ended_reason, c.summary,
  c.success_evaluation, c.cost_usd, c.is_test, c.fallback`;

/** The expression of calls_transcript_search_idx, character for character, so the GIN index serves q. */
const searchDocument = sql`to_tsvector('english', coalesce(c.transcript, '') || ' ' || coalesce(c.summary, ''))`;
/** What the list calls a call's outcome. */
const outcomeExpression = sql`coalesce(c.structured_data->>'outcome', c.ended_reason)`;

function orgTimezone(organizationId: string): SQL {
  return sql`(SELECT timezone FROM organizations WHERE id = ${organizationId})`;
}

function lowerBound(organizationId: string, value: string): SQL {
  return DATE_ONLY.test(value) ? sql`(${value}::date)::timestamp AT TIME ZONE ${orgTimezone(organizationId)}` : sql`${value}::timestamptz`;
}

function upperBound(organizationId: string, value: string): SQL {
  return DATE_ONLY.test(value) ? sql`(${value}::date + 1)::timestamp AT TIME ZONE ${orgTimezone(organizationId)}` : sql`${value}::timestamptz`;
}

function filterConditions(organizationId: string, filters: CallFilters): SQL[] {
  const conditions: SQL[] = [sql`c.organization_id = ${organizationId}`];
  if (filters.from) conditions.push(sql`c.started_at >= ${lowerBound(organizationId, filters.from)}`);
  if (filters.to) conditions.push(sql`c.started_at < ${upperBound(organizationId, filters.to)}`);
  if (filters.assistantId) conditions.push(sql`c.assistant_id = ${filters.assistantId}`);
  if (filters.phoneNumberId) conditions.push(sql`c.phone_number_id = ${filters.phoneNumberId}`);
  if (filters.status) conditions.push(sql`c.status = ${filters.status}`);
  if (filters.outcome) conditions.push(sql`${outcomeExpression} = ${filters.outcome}`);
  if (filters.caller) conditions.push(sql`starts_with(c.caller_number, ${filters.caller})`);
  if (filters.isTest !== undefined) conditions.push(sql`c.is_test = ${filters.isTest}`);
  if (filters.q?.trim()) conditions.push(sql`${searchDocument} @@ websearch_to_tsquery('english', ${filters.q})`);
  return conditions;
}

type Cursor = { startedAt: string; id: string };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt, cursor.id])).toString("base64url");
}

function decodeCursor(value: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [startedAt, id] = parsed;
      if (typeof startedAt === "string" && typeof id === "string" && !Number.isNaN(Date.parse(startedAt)) && id.length <= 64) return { startedAt, id };
    }
  } catch {
    // falls through to the validation error
  }
  throw new Invalid("VALIDATION_FAILED", "The cursor is not one this API returned.", [
    { path: "query.cursor", message: "Use nextCursor from a previous page." },
  ]);
}

function toListItem(row: ListRow): CallListItem {
  return {
    id: row.id,
    status: row.status,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationSeconds: row.duration_seconds,
    callerNumber: row.caller_number,
    assistantId: row.assistant_id,
    assistantName: row.assistant_name,
    phoneNumberId: row.phone_number_id,
    outcome: row.outcome,
    endedReason: row.ended_reason,
    summary: row.summary,
    successEvaluation: row.success_evaluation,
    costUsd: row.cost_usd === null ? null : Number(row.cost_usd),
    isTest: row.is_test,
    fallback: row.fallback,
  };
}

/** One page inside an open tenant transaction; newest first, keyed on (started_at, id). */
async function selectPage(tx: Db, organizationId: string, filters: CallFilters, limit: number, cursor: Cursor | null): Promise<CallPage> {
  const conditions = filterConditions(organizationId, filters);
  if (cursor) conditions.push(sql`(c.started_at, c.id) < (${cursor.startedAt}::timestamptz, ${cursor.id})`);
  // calls_org_started_idx (organization_id, started_at) serves the order and the date range.
  const { rows } = await tx.execute<ListRow>(sql`
    SELECT ${listColumns}
      FROM calls c
      LEFT JOIN assistants a ON a.organization_id = c.organization_id AND a.id = c.assistant_id
     WHERE ${sql.join(conditions, sql` AND `)}
     ORDER BY c.started_at DESC, c.id DESC
     LIMIT ${limit + 1}`);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page.at(-1);
  return { items: page.map(toListItem), nextCursor: more && last ? encodeCursor({ startedAt: last.started_at_key, id: last.id }) : null };
}

export async function listCalls(ctx: AppContext, access: OrgAccess, filters: CallFilters, page: { limit?: number; cursor?: string }): Promise<CallPage> {
  const limit = Math.min(page.limit ?? CALLS_PAGE_DEFAULT, CALLS_PAGE_MAX);
  const cursor = page.cursor ? decodeCursor(page.cursor) : null;
  return withTenant(ctx.db, access.organizationId, (tx) => selectPage(tx, access.organizationId, filters, limit, cursor));
}

/**
 * Every call matching the filters, newest first, a page at a time: one short transaction per page
 * rather than one long one, so an export of a large history holds no snapshot open.
 */
export async function* iterateCalls(ctx: AppContext, access: OrgAccess, filters: CallFilters, pageSize = 500): AsyncGenerator<CallListItem[]> {
  let cursor: Cursor | null = null;
  for (;;) {
    const current = cursor;
    const page = await withTenant(ctx.db, access.organizationId, (tx) => selectPage(tx, access.organizationId, filters, pageSize, current));
    if (page.items.length > 0) yield page.items;
    if (!page.nextCursor) return;
    cursor = decodeCursor(page.nextCursor);
  }
}

export type TranscriptSegmentView = { seq: number; speaker: string; text: string; startOffsetMs: number | null; endOffsetMs: number | null };
export type CallActionView = {
  id: string;
  tool: string;
  arguments: Record<string, unknown>;
  outcome: string;
  result: string;
  inboxItemId: string | null;
  createdAt: string;
};
export type CallDetail = CallListItem & {
  recordingUrl: string | null;
  structuredData: Record<string, unknown> | null;
  transcript: string | null;
  segments: TranscriptSegmentView[];
  actions: CallActionView[];
  inboxItemIds: string[];
};

export async function getCall(ctx: AppContext, access: OrgAccess, callId: string): Promise<CallDetail> {
  const organizationId = access.organizationId;
  return withTenant(ctx.db, organizationId, async (tx) => {
    // No started_at to prune by: each partition's primary key (organization_id, id, started_at) finds it.
    const { rows } = await tx.execute<
      ListRow & { recording_url: string | null; structured_data: Record<string, unknown> | null; transcript: string | null }
    >(sql`
      SELECT ${listColumns}, c.recording_url, c.structured_data, c.transcript
        FROM calls c
        LEFT JOIN assistants a ON a.organization_id = c.organization_id AND a.id = c.assistant_id
       WHERE c.organization_id = ${organizationId} AND c.id = ${callId}
       LIMIT 1`);
    const row = rows[0];
    if (!row) throw new NotFound("Call");
    const [segments, actions, inbox] = [
      await tx.execute<{ seq: number; speaker: string; text: string; start_offset_ms: number | null; end_offset_ms: number | null }>(sql`
        SELECT seq, speaker, text, start_offset_ms, end_offset_ms FROM transcript_segments
         WHERE organization_id = ${organizationId} AND call_id = ${callId} AND started_at = ${row.started_at_key}::timestamptz
         ORDER BY seq`),
      await tx.execute<{
        id: string;
        tool: string;
        arguments: Record<string, unknown>;
        outcome: string;
        result: string;
        inbox_item_id: string | null;
        created_at: string;
      }>(sql`
        SELECT id, tool, arguments, outcome, result, inbox_item_id, ${isoMillis(sql`created_at`)} AS created_at FROM call_actions
         WHERE organization_id = ${organizationId} AND call_id = ${callId}
         ORDER BY created_at, id`),
      await tx.execute<{ id: string }>(
        sql`SELECT id FROM inbox_items WHERE organization_id = ${organizationId} AND call_id = ${callId} ORDER BY created_at, id`,
      ),
    ];
    const inboxItemIds = new Set<string>();
    for (const action of actions.rows) if (action.inbox_item_id) inboxItemIds.add(action.inbox_item_id);
    for (const item of inbox.rows) inboxItemIds.add(item.id);
    return {
      ...toListItem(row),
      recordingUrl: row.recording_url,
      structuredData: row.structured_data,
      transcript: row.transcript,
      segments: segments.rows.map((s) => ({ seq: s.seq, speaker: s.speaker, text: s.text, startOffsetMs: s.start_offset_ms, endOffsetMs: s.end_offset_ms })),
      actions: actions.rows.map((a) => ({
        id: a.id,
        tool: a.tool,
        arguments: a.arguments,
        outcome: a.outcome,
        result: a.result,
        inboxItemId: a.inbox_item_id,
        createdAt: a.created_at,
      })),
      inboxItemIds: [...inboxItemIds],
    };
  });
}

export type CallStats = {
  timezone: string;
  callsToday: number;
  callsThisMonth: number;
  /** Sum of call durations this month in minutes (one decimal), test calls excluded: the usage the plan meters. */
  minutesThisMonth: number;
  activeCalls: number;
  /** This month's calls by outcome (structured_data.outcome, else ended reason, else "unknown"). */
  outcomes: Record<string, number>;
  /** The last STATS_DAYS local days, oldest first, today last; minutes without test calls, as above. */
  perDay: { date: string; calls: number; minutes: number }[];
};

export async function getCallStats(ctx: AppContext, access: OrgAccess): Promise<CallStats> {
  const organizationId = access.organizationId;
  const now = ctx.clock.now();
  return withTenant(ctx.db, organizationId, async (tx) => {
    const tzRows = await tx.execute<{ timezone: string }>(sql`SELECT timezone FROM organizations WHERE id = ${organizationId}`);
    const timezone = tzRows.rows[0]?.timezone ?? "UTC";
    // Local midnights and month start, turned back into instants so calls_org_started_idx serves each range.
    const bounds = sql`
      WITH local AS (SELECT (${now.toISOString()}::timestamptz AT TIME ZONE ${timezone}) AS t),
      b AS (
        SELECT date_trunc('day', t) AT TIME ZONE ${timezone} AS day_start,
               date_trunc('month', t) AT TIME ZONE ${timezone} AS month_start,
               (date_trunc('day', t) - make_interval(days => ${STATS_DAYS - 1}::int)) AT TIME ZONE ${timezone} AS series_start,
               (date_trunc('day', t))::date AS today
          FROM local)`;
    const totals = await tx.execute<{ calls_today: number; calls_month: number; seconds_month: number | null; active: number }>(sql`
      ${bounds}
      SELECT count(*) FILTER (WHERE c.started_at >= b.day_start)::int AS calls_today,
             count(*) FILTER (WHERE c.started_at >= b.month_start)::int AS calls_month,
             (sum(c.duration_seconds) FILTER (WHERE c.started_at >= b.month_start AND NOT c.is_test))::int AS seconds_month,
             count(*) FILTER (WHERE c.status <> 'ended' AND c.started_at >= ${now.toISOString()}::timestamptz - make_interval(hours => ${ACTIVE_CALL_MAX_AGE_HOURS}::int))::int AS active
        FROM b, calls c
       WHERE c.organization_id = ${organizationId}
         AND c.started_at >= least(b.month_start, b.series_start, ${now.toISOString()}::timestamptz - make_interval(hours => ${ACTIVE_CALL_MAX_AGE_HOURS}::int))`);
    const outcomes = await tx.execute<{ outcome: string; calls: number }>(sql`
      ${bounds}
      SELECT coalesce(c.structured_data->>'outcome', c.ended_reason, 'unknown') AS outcome, count(*)::int AS calls
        FROM b, calls c
       WHERE c.organization_id = ${organizationId} AND c.started_at >= b.month_start
       GROUP BY 1 ORDER BY 2 DESC, 1`);
    const perDay = await tx.execute<{ date: string; calls: number; seconds: number }>(sql`
      ${bounds}, counted AS (
        SELECT (c.started_at AT TIME ZONE ${timezone})::date AS day, count(*)::int AS calls, coalesce(sum(c.duration_seconds) FILTER (WHERE NOT c.is_test), 0)::int AS seconds
          FROM b, calls c
         WHERE c.organization_id = ${organizationId} AND c.started_at >= b.series_start
         GROUP BY 1)
      SELECT to_char(d, 'YYYY-MM-DD') AS date, coalesce(counted.calls, 0) AS calls, coalesce(counted.seconds, 0) AS seconds
        FROM b, generate_series((b.today - ${STATS_DAYS - 1}::int)::timestamp, b.today::timestamp, interval '1 day') AS d
        LEFT JOIN counted ON counted.day = d::date
       ORDER BY d`);
    const total = totals.rows[0];
    return {
      timezone,
      callsToday: total?.calls_today ?? 0,
      callsThisMonth: total?.calls_month ?? 0,
      minutesThisMonth: toMinutes(total?.seconds_month ?? 0),
      activeCalls: total?.active ?? 0,
      outcomes: Object.fromEntries(outcomes.rows.map((r) => [r.outcome, r.calls])),
      perDay: perDay.rows.map((r) => ({ date: r.date, calls: r.calls, minutes: toMinutes(r.seconds) })),
    };
  });
}

function toMinutes(seconds: number): number {
  return Math.round((seconds / 60) * 10) / 10;
}
