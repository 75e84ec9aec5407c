// Usage alerts at 80% and 100% of a metered limit: recorded once per organization, period, metric
// and threshold (usage_alerts' primary key), each new one emailed to the owners and admins by the
// "billing.usage-alert" job; and the alerts a dashboard banner shows now.
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { withTenant } from "../../db/transaction.js";
import { renderEmail } from "../mail/layout.js";
import { limitOf, type MeteredPlan, type PeriodUsage, percentUsed, thresholdsReached, usedOf } from "./limits.js";
import { USAGE_METRICS, type UsageMetric } from "./schema.js";

export type UsageAlertPayload = { organizationId: string; periodStart: string; metric: UsageMetric; threshold: number };

/** Minutes for people: billed seconds / 60, to two decimals. */
export function minutesOf(seconds: number): number {
  return Math.round((seconds / 60) * 100) / 100;
}

function displayed(metric: UsageMetric, value: number): number {
  return metric === "minutes" ? minutesOf(value) : value;
}

/**
 * Records the thresholds the usage has reached and enqueues an email for each new one (in the
 * caller's transaction). A jump past both thresholds at once emails only the higher one.
 */
export async function recordUsageAlerts(ctx: AppContext, tx: Db, organizationId: string, periodStart: Date, plan: MeteredPlan, usage: PeriodUsage, now: Date) {
  for (const metric of USAGE_METRICS) {
    const limit = limitOf(plan, metric);
    const reached = thresholdsReached(limit, usedOf(usage, metric));
    if (limit === null || reached.length === 0) continue;
    const { rows } = await tx.$client.query<{ threshold: number }>(
      `INSERT INTO usage_alerts (organization_id, period_start, metric, threshold, used, "limit", created_at)
       SELECT $1, $2, $3, t, $5, $6, $7 FROM unnest($4::int[]) AS t
       ON CONFLICT (organization_id, period_start, metric, threshold) DO NOTHING
       RETURNING threshold`,
      [organizationId, periodStart, metric, reached, displayed(metric, usedOf(usage, metric)), metric === "minutes" ? limit / 60 : limit, now],
    );
    if (rows.length === 0) continue;
    const threshold = Math.max(...rows.map((row) => row.threshold));
    const payload: UsageAlertPayload = { organizationId, periodStart: periodStart.toISOString(), metric, threshold };
    await ctx.jobs.enqueue(tx, "billing.usage-alert", payload);
  }
}

type AlertMailRow = { name: string; plan_name: string; used: string; limit: number; stops: boolean; period_end: Date | null };

/** The job: one "mail.send" per owner and admin of the organization. */
export async function sendUsageAlert(ctx: AppContext, payload: UsageAlertPayload): Promise<void> {
  await withTenant(ctx.db, payload.organizationId, async (tx) => {
    const { rows } = await tx.$client.query<AlertMailRow>(
      `SELECT o.name, p.name AS plan_name, a.used, a."limit", (p.overage_call_cents IS NULL AND p.overage_minute_cents IS NULL) AS stops, up.period_end
       FROM usage_alerts a
       JOIN organizations o ON o.id = a.organization_id
       JOIN plans p ON p.id = o.plan_id
       LEFT JOIN usage_periods up ON up.organization_id = a.organization_id AND up.period_start = a.period_start
       WHERE a.organization_id = $1 AND a.period_start = $2 AND a.metric = $3 AND a.threshold = $4 AND o.deleted_at IS NULL`,
      [payload.organizationId, payload.periodStart, payload.metric, payload.threshold],
    );
    const alert = rows[0];
    if (!alert) return;
    const recipients = await tx.$client.query<{ email: string }>(
      `SELECT DISTINCT lower(u.email) AS email FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.organization_id = $1 AND m.role IN ('owner', 'admin') ORDER BY 1`,
      [payload.organizationId],
    );
    const noun = payload.metric === "calls" ? "calls" : "minutes";
    const used = Number(alert.used);
    const reset = alert.period_end ? ` Usage resets on ${alert.period_end.toISOString().slice(0, 10)}.` : "";
    const consequence =
      payload.threshold < 100
        ? `You have used ${payload.threshold}% of the ${alert.limit.toLocaleString("en-US")} ${noun} your ${alert.plan_name} plan includes this billing period.${reset}`
        : alert.stops
          ? `You have used all ${alert.limit.toLocaleString("en-US")} ${noun} your ${alert.plan_name} plan includes this billing period. New calls are answered by a message-taking assistant (or forwarded to your fallback number) until the period ends or you upgrade.${reset}`
          : `You have used all ${alert.limit.toLocaleString("en-US")} ${noun} your ${alert.plan_name} plan includes this billing period. Calls continue; usage beyond the plan is billed as overage.${reset}`;
    for (const { email } of recipients.rows) {
      const mail = renderEmail({
        to: email,
        subject: `${alert.name}: ${payload.threshold}% of your monthly ${noun} used`,
        heading: `${payload.threshold}% of your monthly ${noun} used`,
        paragraphs: [consequence, `Used so far: ${used.toLocaleString("en-US")} of ${alert.limit.toLocaleString("en-US")} ${noun}.`],
        action: { label: "Review usage and plans", url: `${ctx.config.appUrl}/orgs/${encodeURIComponent(payload.organizationId)}/billing` },
        footer: `You receive this as an owner or admin of ${alert.name} on Switchboard.`,
      });
      await ctx.jobs.enqueue(tx, "mail.send", mail);
    }
  });
}

export type ActiveAlert = { metric: UsageMetric; threshold: number; used: number; limit: number; percent: number; notifiedAt: string | null };

/** The alerts a banner shows now: per metric, the highest threshold the current usage has reached under the current plan. */
export async function activeAlerts(tx: Db, organizationId: string, periodStart: Date, plan: MeteredPlan, usage: PeriodUsage): Promise<ActiveAlert[]> {
  const { rows } = await tx.$client.query<{ metric: UsageMetric; threshold: number; created_at: Date }>(
    "SELECT metric, threshold, created_at FROM usage_alerts WHERE organization_id = $1 AND period_start = $2",
    [organizationId, periodStart],
  );
  const alerts: ActiveAlert[] = [];
  for (const metric of USAGE_METRICS) {
    const limit = limitOf(plan, metric);
    const used = usedOf(usage, metric);
    const reached = thresholdsReached(limit, used);
    if (limit === null || reached.length === 0) continue;
    const threshold = Math.max(...reached);
    const sent = rows.find((row) => row.metric === metric && row.threshold === threshold);
    alerts.push({
      metric,
      threshold,
      used: displayed(metric, used),
      limit: metric === "minutes" ? limit / 60 : limit,
      percent: percentUsed(limit, used) ?? 0,
      notifiedAt: sent ? sent.created_at.toISOString() : null,
    });
  }
  return alerts;
}
