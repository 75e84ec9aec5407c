// Usage metering from end-of-call reports: one ledger row per call (its primary key makes metering
// exactly-once, whatever the delivery: duplicated, concurrent, reordered, or from several app
// instances), the period totals, the daily rollups per organization and per assistant, and the
// 80%/100% alerts — all in the transaction that applies the report.
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import type { CallReportHook } from "../calls/ingest.js";
import type { OrganizationSettings } from "../organizations/schema.js";
import { accountAndPeriodAt } from "./account.js";
import { recordUsageAlerts } from "./alerts.js";
import { billedSecondsOf, limitOf, overageAdded } from "./limits.js";

/** Fallbacks the platform answered because of the organization's standing: not billable, counted toward no limit. */
export const UNBILLED_FALLBACKS: readonly string[] = ["organization_suspended", "monthly_calls_exhausted", "monthly_minutes_exhausted"];

type MeteredCallRow = {
  assistant_id: string | null;
  fallback: string | null;
  cost_usd: string | null;
  settings: OrganizationSettings;
  plan_id: string;
  calls_per_month: number | null;
  minutes_per_month: number | null;
  billing_increment_seconds: number;
  overage_call_cents: number | null;
  overage_minute_cents: number | null;
};

type PeriodTotalsRow = { calls: number; billed_seconds: number };

/** Sandbox mode is set by the organization settings; read defensively (absent or not a boolean = off). */
function inSandboxMode(settings: OrganizationSettings | null): boolean {
  return (settings as { sandboxMode?: unknown } | null)?.sandboxMode === true;
}

/** The hook registered with call ingestion (see registerUsageMetering). */
export const meterCallReport: CallReportHook = async (tx, call, ctx) => {
  if (call.isTest) return;
  await meterCall(ctx, tx, call);
};

async function meterCall(ctx: AppContext, tx: Db, call: { organizationId: string; callId: string; startedAt: Date; durationSeconds: number | null }) {
  const { organizationId, callId, startedAt } = call;
  const { rows } = await tx.$client.query<MeteredCallRow>(
    `SELECT c.assistant_id, c.fallback, c.cost_usd, o.settings, o.plan_id, p.calls_per_month, p.minutes_per_month, p.billing_increment_seconds,
            p.overage_call_cents, p.overage_minute_cents
     FROM calls c JOIN organizations o ON o.id = c.organization_id JOIN plans p ON p.id = o.plan_id
     WHERE c.organization_id = $1 AND c.id = $2 AND c.started_at = $3`,
    [organizationId, callId, startedAt],
  );
  const row = rows[0];
  if (!row || inSandboxMode(row.settings)) return;
  const now = ctx.clock.now();
  const { period, timezone } = await accountAndPeriodAt(tx, organizationId, startedAt, now, { lock: "share" });

  // The period row is created if missing and locked: metering of one organization is serialised
  // here, so the overage each call adds is computed against totals no other call is changing.
  const totals = await tx.$client.query<PeriodTotalsRow>(
    `INSERT INTO usage_periods (organization_id, period_start, period_end, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (organization_id, period_start) DO UPDATE SET updated_at = EXCLUDED.updated_at
     RETURNING calls, billed_seconds`,
    [organizationId, period.start, period.end, now],
  );
  const before = { calls: totals.rows[0]!.calls, billedSeconds: totals.rows[0]!.billed_seconds };

  const counted = row.fallback === null || !UNBILLED_FALLBACKS.includes(row.fallback);
  const plan = {
    callsPerMonth: row.calls_per_month,
    minutesPerMonth: row.minutes_per_month,
    billingIncrementSeconds: row.billing_increment_seconds,
    overageCallCents: row.overage_call_cents,
    overageMinuteCents: row.overage_minute_cents,
  };
  const billableSeconds = Math.max(0, Math.round(call.durationSeconds ?? 0));
  const billedSeconds = counted ? billedSecondsOf(billableSeconds, plan.billingIncrementSeconds) : 0;
  const callsAdded = counted ? 1 : 0;
  const after = { calls: before.calls + callsAdded, billedSeconds: before.billedSeconds + billedSeconds };
  const overageCalls = overageAdded(limitOf(plan, "calls"), before.calls, after.calls);
  const overageSeconds = overageAdded(limitOf(plan, "minutes"), before.billedSeconds, after.billedSeconds);
  const cost = row.cost_usd ?? "0";

  const claimed = await tx.$client.query(
    `INSERT INTO usage_records (organization_id, call_id, call_started_at, period_start, day, assistant_id, plan_id, billable_seconds, billed_seconds,
       overage_calls, overage_seconds, provider_cost_usd, metered_at)
     VALUES ($1, $2, $3, $4, ($3::timestamptz AT TIME ZONE $5)::date, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (organization_id, call_id) DO NOTHING`,
    [
      organizationId,
      callId,
      startedAt,
      period.start,
      timezone,
      row.assistant_id,
      row.plan_id,
      billableSeconds,
      billedSeconds,
      overageCalls,
      overageSeconds,
      cost,
      now,
    ],
  );
  if (claimed.rowCount === 0) return; // metered before: nothing is added twice

  await tx.$client.query(
    `UPDATE usage_periods SET calls = calls + $3, billable_seconds = billable_seconds + $4, billed_seconds = billed_seconds + $5,
       overage_calls = overage_calls + $6, overage_seconds = overage_seconds + $7, provider_cost_usd = provider_cost_usd + $8
     WHERE organization_id = $1 AND period_start = $2`,
    [organizationId, period.start, callsAdded, counted ? billableSeconds : 0, billedSeconds, overageCalls, overageSeconds, cost],
  );
  const rollup: unknown[] = [organizationId, startedAt, timezone, callsAdded, counted ? billableSeconds : 0, billedSeconds, cost];
  await tx.$client.query(
    `INSERT INTO usage_daily (organization_id, day, calls, billable_seconds, billed_seconds, provider_cost_usd)
     VALUES ($1, ($2::timestamptz AT TIME ZONE $3)::date, $4, $5, $6, $7)
     ON CONFLICT (organization_id, day) DO UPDATE SET calls = usage_daily.calls + EXCLUDED.calls,
       billable_seconds = usage_daily.billable_seconds + EXCLUDED.billable_seconds, billed_seconds = usage_daily.billed_seconds + EXCLUDED.billed_seconds,
       provider_cost_usd = usage_daily.provider_cost_usd + EXCLUDED.provider_cost_usd`,
    rollup,
  );
  await tx.$client.query(
    `INSERT INTO usage_daily_assistants (organization_id, day, calls, billable_seconds, billed_seconds, provider_cost_usd, assistant_id)
     VALUES ($1, ($2::timestamptz AT TIME ZONE $3)::date, $4, $5, $6, $7, $8)
     ON CONFLICT (organization_id, assistant_id, day) DO UPDATE SET calls = usage_daily_assistants.calls + EXCLUDED.calls,
       billable_seconds = usage_daily_assistants.billable_seconds + EXCLUDED.billable_seconds,
       billed_seconds = usage_daily_assistants.billed_seconds + EXCLUDED.billed_seconds,
       provider_cost_usd = usage_daily_assistants.provider_cost_usd + EXCLUDED.provider_cost_usd`,
    [...rollup, row.assistant_id ?? ""],
  );
  if (counted) await recordUsageAlerts(ctx, tx, organizationId, period.start, plan, after, now);
}
