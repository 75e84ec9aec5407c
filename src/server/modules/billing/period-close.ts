// The "billing.close-periods" job: for every account whose period has ended and that no Stripe
// subscription drives, closes the period (marks its usage row closed), issues the period's invoice
// in manual billing mode, applies a plan change scheduled for the period's end, and rolls the
// period forward — one period at a time, so a job that missed several periods invoices each.
// Each organization is closed in its own transaction under its account's row lock, so two runs (or
// two instances) close a period once and issue its invoice once.
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { withPlatform, withTenant } from "../../db/transaction.js";
import { recordAudit } from "../audit/service.js";
import type { Plan } from "../plans/service.js";
import { planOfOrganization } from "../plans/service.js";
import { accountAndPeriodAt, type BillingAccountRow } from "./account.js";
import { invoiceLinesFor, issueManualInvoice } from "./invoices.js";

/** A bound on periods closed per organization and run; the next run continues. */
const MAX_PERIODS_PER_RUN = 24;
const MAX_ORGANIZATIONS_PER_RUN = 5_000;

export type CloseResult = { organizations: number; periodsClosed: number; invoicesIssued: number };

export async function closeEndedPeriods(ctx: AppContext): Promise<CloseResult> {
  const now = ctx.clock.now();
  // Cross-tenant: which accounts have ended periods (billing_accounts_period_end_idx).
  const due = await withPlatform(ctx.db, async (tx) => {
    const { rows } = await tx.$client.query<{ organization_id: string }>(
      `SELECT b.organization_id FROM billing_accounts b JOIN organizations o ON o.id = b.organization_id
       WHERE b.current_period_end <= $1 AND b.stripe_subscription_id IS NULL AND o.deleted_at IS NULL
       ORDER BY b.current_period_end LIMIT $2`,
      [now, MAX_ORGANIZATIONS_PER_RUN],
    );
    return rows.map((row) => row.organization_id);
  });
  const result: CloseResult = { organizations: 0, periodsClosed: 0, invoicesIssued: 0 };
  for (const organizationId of due) {
    const closed = await withTenant(ctx.db, organizationId, (tx) => closeAccountPeriods(ctx, tx, organizationId, now));
    result.organizations += 1;
    result.periodsClosed += closed.periodsClosed;
    result.invoicesIssued += closed.invoicesIssued;
  }
  if (result.periodsClosed > 0) ctx.logger.info(result, "billing periods closed");
  return result;
}

type OrganizationBilling = { name: string; owner_email: string | null };

async function closeAccountPeriods(ctx: AppContext, tx: Db, organizationId: string, now: Date) {
  let periodsClosed = 0;
  let invoicesIssued = 0;
  const org = await tx.$client.query<OrganizationBilling>(
    `SELECT o.name, (SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
                     WHERE m.organization_id = o.id AND m.role = 'owner' ORDER BY m.created_at LIMIT 1) AS owner_email
     FROM organizations o WHERE o.id = $1`,
    [organizationId],
  );
  for (let i = 0; i < MAX_PERIODS_PER_RUN; i++) {
    // Locks the account: a concurrent run waits here, then sees the period already rolled.
    const { account, timezone } = await accountAndPeriodAt(tx, organizationId, now, now, { lock: "update" });
    if (account.current_period_end.getTime() > now.getTime() || account.stripe_subscription_id !== null) break;
    const period = { start: account.current_period_start, end: account.current_period_end };
    const totals = await tx.$client.query<{ overage_calls: number; overage_seconds: number }>(
      `INSERT INTO usage_periods (organization_id, period_start, period_end, closed_at, updated_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (organization_id, period_start) DO UPDATE SET closed_at = COALESCE(usage_periods.closed_at, EXCLUDED.closed_at)
       RETURNING overage_calls, overage_seconds`,
      [organizationId, period.start, period.end, now],
    );
    const plan = await planOfOrganization(tx, organizationId);
    if (ctx.config.stripe === null) {
      const issued = await issuePeriodInvoice(tx, organizationId, plan, period, account, org.rows[0], timezone, totals.rows[0]!, now);
      if (issued) invoicesIssued += 1;
    }
    if (account.scheduled_plan_id !== null && account.scheduled_plan_id !== plan.id) {
      await tx.$client.query("UPDATE organizations SET plan_id = $2, updated_at = $3 WHERE id = $1", [organizationId, account.scheduled_plan_id, now]);
      await recordAudit(
        tx,
        {
          action: "billing.plan_changed",
          organizationId,
          targetType: "organization",
          targetId: organizationId,
          metadata: { from: plan.id, to: account.scheduled_plan_id, reason: "scheduled_at_period_end" },
        },
        null,
        now,
      );
    }
    // The next period is the one that contains the old period's end.
    const next = await accountAndPeriodAt(tx, organizationId, account.current_period_end, now);
    await tx.$client.query(
      `UPDATE billing_accounts SET current_period_start = $2, current_period_end = $3, scheduled_plan_id = NULL, updated_at = $4 WHERE organization_id = $1`,
      [organizationId, next.period.start, next.period.end, now],
    );
    periodsClosed += 1;
  }
  return { periodsClosed, invoicesIssued };
}

async function issuePeriodInvoice(
  tx: Db,
  organizationId: string,
  plan: Plan,
  period: { start: Date; end: Date },
  account: BillingAccountRow,
  org: OrganizationBilling | undefined,
  timezone: string,
  totals: { overage_calls: number; overage_seconds: number },
  now: Date,
): Promise<boolean> {
  const lines = invoiceLinesFor(plan, period, { overageCalls: totals.overage_calls, overageSeconds: totals.overage_seconds }, timezone);
  if (lines.length === 0) return false;
  const invoice = await issueManualInvoice(tx, {
    organizationId,
    plan,
    period,
    lines,
    billTo: {
      name: account.billing_name ?? org?.name ?? organizationId,
      email: account.billing_email ?? org?.owner_email ?? null,
      address: account.billing_address ?? {},
    },
    issuedAt: now,
  });
  if (invoice.created) {
    await recordAudit(
      tx,
      { action: "billing.invoice_issued", organizationId, targetType: "invoice", targetId: invoice.id, metadata: { periodStart: period.start.toISOString() } },
      null,
      now,
    );
  }
  return invoice.created;
}
