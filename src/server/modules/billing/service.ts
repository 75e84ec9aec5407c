// Billing as an organization sees it (plan, status, period, usage against limits, alerts, a scheduled
// plan change), and the super admin's billing actions in manual mode: assigning a plan (now or at
// the period's end) and marking an invoice paid or void.
import type { AppContext } from "../../context.js";
import { withPlatform, withTenant } from "../../db/transaction.js";
import { Conflict, NotFound } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { recordAudit } from "../audit/service.js";
import { planOfOrganization, planView } from "../plans/service.js";
import { accountAndPeriodAt } from "./account.js";
import { type ActiveAlert, activeAlerts, minutesOf } from "./alerts.js";
import { planEntitlements } from "./feature-gates.js";
import { limitOf, overageMinutesOf, percentUsed, stopsAtLimit } from "./limits.js";
import type { BillingAddress, InvoiceStatus } from "./schema.js";
import { currentUsage } from "./usage.js";

export type BillingMode = "manual" | "stripe";

export type BillingDetails = { billingName: string | null; billingEmail: string | null; billingAddress: BillingAddress };

export function billingModeOf(ctx: AppContext): BillingMode {
  return ctx.config.stripe ? "stripe" : "manual";
}

type MeterView = { used: number; limit: number | null; percent: number | null; overage: number };

export type BillingOverview = {
  mode: BillingMode;
  status: "active" | "past_due" | "suspended";
  plan: ReturnType<typeof planView> & { stopsAtLimit: boolean; entitlements: ReturnType<typeof planEntitlements> };
  scheduledPlan: { id: string; name: string; effectiveAt: string } | null;
  subscription: {
    stripeSubscriptionId: string | null;
    status: string | null;
    cancelAtPeriodEnd: boolean;
    pastDueSince: string | null;
    graceEndsAt: string | null;
  };
  period: { start: string; end: string; timezone: string };
  /** Printed on receipts; null name/email fall back to the organization's name and first owner. */
  details: BillingDetails;
  usage: { calls: MeterView; minutes: MeterView };
  alerts: ActiveAlert[];
};

function meter(used: number, limit: number | null, overage: number, toDisplay: (value: number) => number): MeterView {
  return { used: toDisplay(used), limit: limit === null ? null : toDisplay(limit), percent: percentUsed(limit, used), overage };
}

export async function getBillingOverview(ctx: AppContext, access: OrgAccess): Promise<BillingOverview> {
  const now = ctx.clock.now();
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    const plan = await planOfOrganization(tx, access.organizationId);
    const { account, period, timezone, totals } = await currentUsage(tx, access.organizationId, now);
    const { rows } = await tx.$client.query<{ status: BillingOverview["status"]; scheduled_name: string | null }>(
      `SELECT o.status, p.name AS scheduled_name FROM organizations o LEFT JOIN plans p ON p.id = $2 WHERE o.id = $1`,
      [access.organizationId, account.scheduled_plan_id],
    );
    const usage = { calls: totals.calls, billedSeconds: totals.billedSeconds };
    return {
      mode: billingModeOf(ctx),
      status: rows[0]!.status,
      plan: { ...planView(plan), stopsAtLimit: stopsAtLimit(plan), entitlements: planEntitlements(plan) },
      scheduledPlan:
        account.scheduled_plan_id && rows[0]!.scheduled_name
          ? { id: account.scheduled_plan_id, name: rows[0]!.scheduled_name, effectiveAt: account.current_period_end.toISOString() }
          : null,
      subscription: {
        stripeSubscriptionId: account.stripe_subscription_id,
        status: account.subscription_status,
        cancelAtPeriodEnd: account.cancel_at_period_end,
        pastDueSince: account.past_due_since?.toISOString() ?? null,
        graceEndsAt: account.grace_ends_at?.toISOString() ?? null,
      },
      period: { start: period.start.toISOString(), end: period.end.toISOString(), timezone },
      details: { billingName: account.billing_name, billingEmail: account.billing_email, billingAddress: account.billing_address },
      usage: {
        calls: meter(totals.calls, limitOf(plan, "calls"), totals.overageCalls, (value) => value),
        minutes: meter(totals.billedSeconds, limitOf(plan, "minutes"), overageMinutesOf(totals.overageSeconds), minutesOf),
      },
      alerts: await activeAlerts(tx, access.organizationId, period.start, plan, usage),
    };
  });
}

async function assertPlanExists(ctx: AppContext, planId: string): Promise<void> {
  const found = await withPlatform(ctx.db, async (tx) => (await tx.$client.query("SELECT 1 FROM plans WHERE id = $1", [planId])).rowCount);
  if (!found) throw new NotFound("Plan");
}

/**
 * The super admin assigns an organization's plan: at once (limits and features apply to the next
 * request), or at the end of the current period (stored as the scheduled plan; the period-close job
 * applies it). An organization whose subscription Stripe manages changes plan through Stripe.
 */
export async function assignOrganizationPlan(
  ctx: AppContext,
  organizationId: string,
  input: { planId: string; effective: "now" | "period_end" },
  actorUserId: string,
  meta: RequestMeta,
) {
  await assertPlanExists(ctx, input.planId);
  const now = ctx.clock.now();
  return withPlatform(ctx.db, async (tx) => {
    const { rows } = await tx.$client.query<{ plan_id: string }>("SELECT plan_id FROM organizations WHERE id = $1 AND deleted_at IS NULL FOR UPDATE", [
      organizationId,
    ]);
    const org = rows[0];
    if (!org) throw new NotFound("Organization");
    const { account, period } = await accountAndPeriodAt(tx, organizationId, now, now, { lock: "update" });
    if (account.stripe_subscription_id !== null) {
      throw new Conflict("BILLING_MANAGED_BY_STRIPE", "This organization's subscription is managed in Stripe; change its plan there or through checkout.");
    }
    if (input.effective === "now") {
      await tx.$client.query("UPDATE organizations SET plan_id = $2, updated_at = $3 WHERE id = $1", [organizationId, input.planId, now]);
      await tx.$client.query("UPDATE billing_accounts SET scheduled_plan_id = NULL, updated_at = $2 WHERE organization_id = $1", [organizationId, now]);
    } else {
      await tx.$client.query("UPDATE billing_accounts SET scheduled_plan_id = $2, updated_at = $3 WHERE organization_id = $1", [
        organizationId,
        input.planId === org.plan_id ? null : input.planId,
        now,
      ]);
    }
    await recordAudit(
      tx,
      {
        action: "admin.org_plan_changed",
        organizationId,
        actorUserId,
        targetType: "organization",
        targetId: organizationId,
        metadata: { from: org.plan_id, to: input.planId, effective: input.effective },
      },
      meta,
      now,
    );
    return {
      organizationId,
      planId: input.effective === "now" ? input.planId : org.plan_id,
      scheduledPlanId: input.effective === "period_end" && input.planId !== org.plan_id ? input.planId : null,
      effectiveAt: input.effective === "now" ? now.toISOString() : period.end.toISOString(),
    };
  });
}

/** The super admin marks a platform-issued invoice paid (e.g. a bank transfer arrived) or void. */
export async function setInvoiceStatus(
  ctx: AppContext,
  organizationId: string,
  invoiceId: string,
  status: Exclude<InvoiceStatus, "open">,
  actorUserId: string,
  meta: RequestMeta,
) {
  const now = ctx.clock.now();
  return withPlatform(ctx.db, async (tx) => {
    const { rows } = await tx.$client.query<{ status: InvoiceStatus; source: string }>(
      "SELECT status, source FROM invoices WHERE organization_id = $1 AND id = $2 FOR UPDATE",
      [organizationId, invoiceId],
    );
    const invoice = rows[0];
    if (!invoice) throw new NotFound("Invoice");
    if (invoice.source !== "manual") throw new Conflict("BILLING_MANAGED_BY_STRIPE", "This invoice is Stripe's; its status follows Stripe.");
    if (invoice.status === status) return { id: invoiceId, status };
    if (invoice.status !== "open") throw new Conflict("INVOICE_NOT_OPEN", `This invoice is already ${invoice.status}.`);
    await tx.$client.query(
      `UPDATE invoices SET status = $3, paid_at = CASE WHEN $3 = 'paid' THEN $4::timestamptz END, voided_at = CASE WHEN $3 = 'void' THEN $4::timestamptz END,
         updated_at = $4 WHERE organization_id = $1 AND id = $2`,
      [organizationId, invoiceId, status, now],
    );
    await recordAudit(
      tx,
      {
        action: "admin.invoice_status_changed",
        organizationId,
        actorUserId,
        targetType: "invoice",
        targetId: invoiceId,
        metadata: { from: invoice.status, to: status },
      },
      meta,
      now,
    );
    return { id: invoiceId, status };
  });
}

/** The owner sets who receipts are made out to; invoices keep the details they were issued with. Audited. */
export async function updateBillingDetails(
  ctx: AppContext,
  access: OrgAccess,
  patch: Partial<BillingDetails>,
  actorUserId: string,
  meta: RequestMeta,
): Promise<BillingDetails> {
  const now = ctx.clock.now();
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    const { account } = await accountAndPeriodAt(tx, access.organizationId, now, now, { lock: "update" });
    const next: BillingDetails = {
      billingName: patch.billingName === undefined ? account.billing_name : patch.billingName,
      billingEmail: patch.billingEmail === undefined ? account.billing_email : patch.billingEmail,
      billingAddress: patch.billingAddress === undefined ? account.billing_address : patch.billingAddress,
    };
    await tx.$client.query(
      "UPDATE billing_accounts SET billing_name = $2, billing_email = $3, billing_address = $4, updated_at = $5 WHERE organization_id = $1",
      [access.organizationId, next.billingName, next.billingEmail, JSON.stringify(next.billingAddress), now],
    );
    await recordAudit(
      tx,
      {
        action: "billing.details_updated",
        organizationId: access.organizationId,
        actorUserId,
        targetType: "organization",
        targetId: access.organizationId,
        metadata: { fields: Object.keys(patch) },
      },
      meta,
      now,
    );
    return next;
  });
}
