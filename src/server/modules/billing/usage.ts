// Reading metered usage: the current period's totals (one primary-key read of usage_periods), the
// admission check of a plan that stops at its limits, and the daily series in the organization's
// time zone.
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { withTenant } from "../../db/transaction.js";
import { Invalid } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import { type AccountWithPeriod, accountAndPeriodAt } from "./account.js";
import { minutesOf } from "./alerts.js";
import { exhaustedMetrics, type MeteredPlan, stopsAtLimit } from "./limits.js";
import { UNBILLED_FALLBACKS } from "./metering.js";
import type { UsageMetric } from "./schema.js";

export type PeriodTotals = {
  calls: number;
  billableSeconds: number;
  billedSeconds: number;
  overageCalls: number;
  overageSeconds: number;
  providerCostUsd: string;
};

const EMPTY_TOTALS: PeriodTotals = { calls: 0, billableSeconds: 0, billedSeconds: 0, overageCalls: 0, overageSeconds: 0, providerCostUsd: "0" };

export async function periodTotals(tx: Db, organizationId: string, periodStart: Date): Promise<PeriodTotals> {
  const { rows } = await tx.$client.query<{
    calls: number;
    billable_seconds: number;
    billed_seconds: number;
    overage_calls: number;
    overage_seconds: number;
    provider_cost_usd: string;
  }>(
    "SELECT calls, billable_seconds, billed_seconds, overage_calls, overage_seconds, provider_cost_usd FROM usage_periods WHERE organization_id = $1 AND period_start = $2",
    [organizationId, periodStart],
  );
  const row = rows[0];
  if (!row) return EMPTY_TOTALS;
  return {
    calls: row.calls,
    billableSeconds: row.billable_seconds,
    billedSeconds: row.billed_seconds,
    overageCalls: row.overage_calls,
    overageSeconds: row.overage_seconds,
    providerCostUsd: row.provider_cost_usd,
  };
}

export type CurrentUsage = AccountWithPeriod & { totals: PeriodTotals };

/** The billing period containing `now` and its metered totals. */
export async function currentUsage(tx: Db, organizationId: string, now: Date): Promise<CurrentUsage> {
  const current = await accountAndPeriodAt(tx, organizationId, now, now);
  return { ...current, totals: await periodTotals(tx, organizationId, current.period.start) };
}

/** A call still unmetered after this long is one whose report never came: it no longer counts as pending. */
const PENDING_CALL_WINDOW_MS = 2 * 60 * 60 * 1000;

/**
 * For a plan that stops at its limits, the first metered limit the current period has reached
 * (null: admit the call). Calls already answered but not yet metered (in progress, or their report
 * still queued) count toward the calls limit, so a burst cannot slip past it. Runs under the
 * caller's per-organization admission lock.
 */
export async function meteredLimitReached(
  tx: Db,
  organizationId: string,
  plan: MeteredPlan,
  now: Date,
  excludeProviderCallId: string,
): Promise<UsageMetric | null> {
  if (!stopsAtLimit(plan) || (plan.callsPerMonth === null && plan.minutesPerMonth === null)) return null;
  const { period, totals } = await currentUsage(tx, organizationId, now);
  let calls = totals.calls;
  if (plan.callsPerMonth !== null) {
    // calls_org_started_idx serves the range.
    const { rows } = await tx.$client.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM calls
       WHERE organization_id = $1 AND started_at >= GREATEST($2::timestamptz, $3::timestamptz) AND report_received_at IS NULL AND NOT is_test
         AND provider_call_id <> $4 AND (fallback IS NULL OR fallback <> ALL($5::text[]))`,
      [organizationId, period.start, new Date(now.getTime() - PENDING_CALL_WINDOW_MS), excludeProviderCallId, UNBILLED_FALLBACKS],
    );
    calls += rows[0]!.count;
  }
  const exhausted = exhaustedMetrics(plan, { calls, billedSeconds: totals.billedSeconds });
  return exhausted[0] ?? null;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_USAGE_SERIES_DAYS = 366;

export type UsageDay = { date: string; calls: number; minutes: number; billedSeconds: number };
export type UsageSeries = { timezone: string; from: string; to: string; assistantId: string | null; days: UsageDay[]; totals: Omit<UsageDay, "date"> };

/**
 * Daily usage from the rollups, one entry per local day from `from` to `to` inclusive (zero-filled).
 * Without dates: the current billing period's days up to today. The rollup primary keys
 * (organization_id[, assistant_id], day) serve the range.
 */
export async function usageSeries(ctx: AppContext, access: OrgAccess, query: { from?: string; to?: string; assistantId?: string }): Promise<UsageSeries> {
  for (const [key, value] of Object.entries({ from: query.from, to: query.to })) {
    if (value !== undefined && (!DATE_ONLY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) {
      throw new Invalid("VALIDATION_FAILED", "Dates are local days, YYYY-MM-DD.", [{ path: `query.${key}`, message: "Use a date YYYY-MM-DD." }]);
    }
  }
  const now = ctx.clock.now();
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    const current = await accountAndPeriodAt(tx, access.organizationId, now, now);
    const { rows: bounds } = await tx.$client.query<{ from: string; to: string; days: number }>(
      `SELECT f::text AS "from", t::text AS "to", (t - f) + 1 AS days FROM (
         SELECT COALESCE($1::date, ($3::timestamptz AT TIME ZONE $5)::date) AS f, COALESCE($2::date, ($4::timestamptz AT TIME ZONE $5)::date) AS t
       ) AS b`,
      [query.from ?? null, query.to ?? null, current.period.start, now, current.timezone],
    );
    const range = bounds[0]!;
    if (range.days < 1) throw new Invalid("VALIDATION_FAILED", "from must not be after to.", [{ path: "query.from", message: "Must be on or before to." }]);
    if (range.days > MAX_USAGE_SERIES_DAYS) {
      throw new Invalid("VALIDATION_FAILED", `A series covers at most ${MAX_USAGE_SERIES_DAYS} days.`, [
        { path: "query.to", message: `Must be within ${MAX_USAGE_SERIES_DAYS} days of from.` },
      ]);
    }
    const table = query.assistantId === undefined ? "usage_daily" : "usage_daily_assistants";
    const assistantFilter = query.assistantId === undefined ? "" : "AND r.assistant_id = $4";
    const { rows } = await tx.$client.query<{ date: string; calls: number; billed_seconds: number }>(
      `SELECT d::date::text AS date, COALESCE(r.calls, 0)::int AS calls, COALESCE(r.billed_seconds, 0)::int AS billed_seconds
       FROM generate_series($2::date, $3::date, interval '1 day') AS d
       LEFT JOIN ${table} r ON r.organization_id = $1 AND r.day = d::date ${assistantFilter}
       ORDER BY d`,
      query.assistantId === undefined ? [access.organizationId, range.from, range.to] : [access.organizationId, range.from, range.to, query.assistantId],
    );
    const days = rows.map((row) => ({ date: row.date, calls: row.calls, billedSeconds: row.billed_seconds, minutes: minutesOf(row.billed_seconds) }));
    const billedSeconds = days.reduce((sum, day) => sum + day.billedSeconds, 0);
    return {
      timezone: current.timezone,
      from: range.from,
      to: range.to,
      assistantId: query.assistantId ?? null,
      days,
      totals: { calls: days.reduce((sum, day) => sum + day.calls, 0), billedSeconds, minutes: minutesOf(billedSeconds) },
    };
  });
}
