// Overage reported to Stripe as Billing meter events, once per organization and ended period:
// a cron job queues a report for each ended period with overage (the row's primary key makes it
// once), and the report job sends the period's totals from usage_periods. The meter event's
// `identifier` and the request's idempotency key are the same per organization, period and
// metric, so a retried job never counts twice at Stripe. Failures retry with backoff (pg-boss).
import { and, eq, gt, or } from "drizzle-orm";
import type { AppContext } from "../../../context.js";
import { withPlatform, withTenant } from "../../../db/transaction.js";
import { usagePeriods, usageRecords } from "../schema.js";
import { stripeClient } from "./client.js";
import { stripeOverageReports } from "./schema.js";

/** Event names of the two Stripe meters the plans' metered overage prices are attached to. */
export const OVERAGE_METER_EVENTS = { calls: "switchboard_overage_calls", minutes: "switchboard_overage_minutes" } as const;

/** Stripe accepts meter events up to 35 days old; older periods are not reported. */
const METER_EVENT_MAX_AGE_MS = 35 * 86_400_000;

/** Queues a report for every ended period with overage of a Stripe customer that has none yet. Returns how many. */
export async function queueOverageReports(ctx: AppContext): Promise<number> {
  if (!ctx.config.stripe) return 0;
  const now = ctx.clock.now();
  return withPlatform(ctx.db, async (tx) => {
    // A period is reported once it is no longer the account's current one (no more usage lands in it).
    const { rows } = await tx.$client.query<{ organization_id: string; period_start: Date }>(
      `INSERT INTO stripe_overage_reports (organization_id, period_start, period_end, stripe_customer_id, created_at)
       SELECT u.organization_id, u.period_start, u.period_end, b.stripe_customer_id, $1
       FROM usage_periods u
       JOIN billing_accounts b ON b.organization_id = u.organization_id
       WHERE b.stripe_customer_id IS NOT NULL
         AND u.period_end <= $1 AND u.period_end > $2 AND u.period_start < b.current_period_start
         AND (u.overage_calls > 0 OR u.overage_seconds > 0)
       ON CONFLICT (organization_id, period_start) DO NOTHING
       RETURNING organization_id, period_start`,
      [now, new Date(now.getTime() - METER_EVENT_MAX_AGE_MS)],
    );
    for (const row of rows) {
      await ctx.jobs.enqueue(tx, "stripe.report-overage", { organizationId: row.organization_id, periodStart: row.period_start.toISOString() });
    }
    return rows.length;
  });
}

/** Sends one period's overage to Stripe (the job); throws on failure so the queue retries it. */
export async function reportOverage(ctx: AppContext, job: { organizationId: string; periodStart: string }): Promise<void> {
  const config = ctx.config.stripe;
  if (!config) return;
  const periodStart = new Date(job.periodStart);
  const found = await withTenant(ctx.db, job.organizationId, async (tx) => {
    const [report] = await tx
      .select()
      .from(stripeOverageReports)
      .where(and(eq(stripeOverageReports.organizationId, job.organizationId), eq(stripeOverageReports.periodStart, periodStart)));
    const [usage] = await tx
      .select({ overageCalls: usagePeriods.overageCalls, overageSeconds: usagePeriods.overageSeconds })
      .from(usagePeriods)
      .where(and(eq(usagePeriods.organizationId, job.organizationId), eq(usagePeriods.periodStart, periodStart)));
    return report ? { report, usage } : null;
  });
  if (!found || found.report.reportedAt) return;
  const { report, usage } = found;
  const overageCalls = usage?.overageCalls ?? 0;
  // Meter values are whole numbers: the period's overage seconds, rounded up to minutes.
  const overageMinutes = Math.ceil((usage?.overageSeconds ?? 0) / 60);
  // Inside the period, so the usage lands on that period's invoice (Stripe keeps it open for late usage).
  const timestamp = Math.floor(report.periodEnd.getTime() / 1000) - 1;
  const stripe = stripeClient(config);
  const metrics = [
    { metric: "calls", value: overageCalls, eventName: OVERAGE_METER_EVENTS.calls },
    { metric: "minutes", value: overageMinutes, eventName: OVERAGE_METER_EVENTS.minutes },
  ];
  for (const { metric, value, eventName } of metrics) {
    if (value <= 0) continue;
    const identifier = `switchboard-overage-${job.organizationId}-${Math.floor(periodStart.getTime() / 1000)}-${metric}`;
    await stripe.billing.meterEvents.create(
      { event_name: eventName, payload: { stripe_customer_id: report.stripeCustomerId, value: String(value) }, identifier, timestamp },
      { idempotencyKey: identifier },
    );
  }
  const now = ctx.clock.now();
  await withTenant(ctx.db, job.organizationId, async (tx) => {
    await tx
      .update(stripeOverageReports)
      .set({ overageCalls, overageMinutes, reportedAt: now })
      .where(and(eq(stripeOverageReports.organizationId, job.organizationId), eq(stripeOverageReports.periodStart, periodStart)));
    await tx
      .update(usageRecords)
      .set({ overageReportedAt: now })
      .where(
        and(
          eq(usageRecords.organizationId, job.organizationId),
          eq(usageRecords.periodStart, periodStart),
          or(gt(usageRecords.overageCalls, 0), gt(usageRecords.overageSeconds, 0)),
        ),
      );
  });
}
