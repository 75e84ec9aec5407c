// Applies a Stripe subscription, as Stripe holds it, to an organization: its plan (from the price),
// billing period, Stripe status, a pending cancellation or downgrade, and the organization's
// status. The one place the webhook, upgrades and checkout completion change plan and status.
// Callers pass the newest state they know (the event's object when it is the newest, else the
// subscription fetched from Stripe), so applying is idempotent: the same state twice changes nothing.
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type Stripe from "stripe";
import type { AppContext } from "../../../context.js";
import type { Db } from "../../../db/client.js";
import { recordAudit } from "../../audit/service.js";
import { organizations } from "../../organizations/schema.js";
import { plans } from "../../plans/schema.js";
import { ensureBillingAccount } from "../account.js";
import { billingAccounts } from "../schema.js";

export const FREE_PLAN_ID = "free";

/** Statuses in which the subscription is the organization's plan. */
export const LIVE_SUBSCRIPTION_STATUSES = ["active", "trialing", "past_due", "unpaid"] as const;
/** Statuses after which a subscription never comes back. */
const ENDED_SUBSCRIPTION_STATUSES = ["canceled", "incomplete_expired"];

export type ApplyOutcome = { outcome: "applied" | "ignored"; detail: string | null };

export type OrganizationStatus = "active" | "past_due" | "suspended";

export function isLiveStatus(status: string | null | undefined): boolean {
  return (LIVE_SUBSCRIPTION_STATUSES as readonly string[]).includes(status ?? "");
}

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

const fromUnix = (seconds: number) => new Date(seconds * 1000);

/** Locks and reads the organization's billing state inside a tenant transaction. */
export async function lockBillingState(tx: Db, organizationId: string, now: Date) {
  await ensureBillingAccount(tx, organizationId, now);
  const [state] = await tx
    .select({
      account: billingAccounts,
      planId: organizations.planId,
      status: organizations.status,
      deletedAt: organizations.deletedAt,
      name: organizations.name,
    })
    .from(billingAccounts)
    .innerJoin(organizations, eq(organizations.id, billingAccounts.organizationId))
    .where(eq(billingAccounts.organizationId, organizationId))
    .for("update");
  return state ?? null;
}

export type BillingState = NonNullable<Awaited<ReturnType<typeof lockBillingState>>>;

/**
 * Writes an organization's plan and status and audits what changed. Grace period: a past_due
 * organization keeps its service until grace_ends_at, then the suspension job suspends it.
 */
export async function writeBillingChange(
  ctx: AppContext,
  tx: Db,
  state: BillingState,
  change: {
    planId?: string;
    status?: OrganizationStatus;
    account?: Partial<typeof billingAccounts.$inferInsert>;
    reason: string;
    actorUserId?: string | null;
  },
): Promise<void> {
  const now = ctx.clock.now();
  const organizationId = state.account.organizationId;
  const account = { ...change.account };
  if (change.status === "past_due" && state.status === "active") {
    account.pastDueSince = now;
    account.graceEndsAt = new Date(now.getTime() + ctx.config.billingGraceDays * 86_400_000);
  }
  if (change.status === "active" && state.status !== "active") {
    account.pastDueSince = null;
    account.graceEndsAt = null;
  }
  if (Object.keys(account).length > 0) {
    await tx
      .update(billingAccounts)
      .set({ ...account, updatedAt: now })
      .where(eq(billingAccounts.organizationId, organizationId));
  }
  const planChanged = change.planId !== undefined && change.planId !== state.planId;
  const statusChanged = change.status !== undefined && change.status !== state.status;
  if (planChanged || statusChanged) {
    await tx
      .update(organizations)
      .set({ ...(planChanged ? { planId: change.planId } : {}), ...(statusChanged ? { status: change.status } : {}), updatedAt: now })
      .where(eq(organizations.id, organizationId));
  }
  const audit = (action: "billing.plan_changed" | "billing.past_due" | "billing.suspended" | "billing.reactivated", metadata: Record<string, unknown>) =>
    recordAudit(
      tx,
      {
        action,
        organizationId,
        actorUserId: change.actorUserId ?? null,
        targetType: "organization",
        targetId: organizationId,
        metadata: { ...metadata, reason: change.reason },
      },
      null,
      now,
    );
  if (planChanged) await audit("billing.plan_changed", { from: state.planId, to: change.planId });
  if (statusChanged) {
    if (change.status === "past_due") await audit("billing.past_due", { from: state.status, graceEndsAt: account.graceEndsAt?.toISOString() ?? null });
    else if (change.status === "suspended") await audit("billing.suspended", { from: state.status });
    else await audit("billing.reactivated", { from: state.status });
  }
}

/** The plan of a subscription: the catalog plan whose Stripe price is one of its items'. */
async function planOfSubscription(tx: Db, subscription: Stripe.Subscription) {
  const items = subscription.items?.data ?? [];
  const priceIds = items.map((item) => item.price.id);
  if (priceIds.length === 0) return { planId: null, item: items[0] ?? null };
  const rows = await tx
    .select({ id: plans.id, stripePriceId: plans.stripePriceId })
    .from(plans)
    .where(and(isNotNull(plans.stripePriceId), inArray(plans.stripePriceId, priceIds)));
  for (const item of items) {
    const plan = rows.find((row) => row.stripePriceId === item.price.id);
    if (plan) return { planId: plan.id, item };
  }
  return { planId: null, item: items[0] ?? null };
}

/**
 * Applies a subscription (the newest known state) to the organization of this tenant transaction.
 * Ended (canceled) subscriptions put the organization back on Free at once: Stripe ends a
 * subscription cancelled "at period end" when that period ends, so "at once" is the period end.
 */
export async function applySubscription(
  ctx: AppContext,
  tx: Db,
  organizationId: string,
  subscription: Stripe.Subscription,
  options: { reason: string; actorUserId?: string | null },
): Promise<ApplyOutcome> {
  const state = await lockBillingState(tx, organizationId, ctx.clock.now());
  if (!state) return { outcome: "ignored", detail: "The organization has no billing account." };
  if (state.deletedAt) return { outcome: "ignored", detail: "The organization was deleted." };
  const { account } = state;
  const customerId = idOf(subscription.customer);
  if (account.stripeCustomerId && customerId !== account.stripeCustomerId) {
    return { outcome: "ignored", detail: `The subscription belongs to customer ${customerId}, not the organization's.` };
  }
  const ended = ENDED_SUBSCRIPTION_STATUSES.includes(subscription.status);
  const isCurrent = account.stripeSubscriptionId === subscription.id;
  // Another subscription is the organization's: only a live one replaces it (a resubscription).
  // Callers fetch a non-current subscription from Stripe first, so a stale "live" copy never gets here.
  if (!isCurrent && !isLiveStatus(subscription.status) && (account.stripeSubscriptionId !== null || ended)) {
    return { outcome: "ignored", detail: "Not the organization's current subscription." };
  }

  const { planId: mappedPlanId, item } = await planOfSubscription(tx, subscription);
  let detail: string | null = null;
  const change: Parameters<typeof writeBillingChange>[3] = {
    reason: options.reason,
    actorUserId: options.actorUserId ?? null,
    account: {
      stripeCustomerId: customerId ?? account.stripeCustomerId,
      stripeSubscriptionId: subscription.id,
      subscriptionStatus: subscription.status,
      cancelAtPeriodEnd: subscription.cancel_at_period_end,
    },
  };
  const periodStart = item ? fromUnix(item.current_period_start) : null;
  const periodEnd = item ? fromUnix(item.current_period_end) : null;

  if (ended) {
    change.planId = FREE_PLAN_ID;
    change.status = "active";
    // Without a subscription the account's periods are monthly again (the period-close job rolls them).
    change.account = { ...change.account, stripeSubscriptionId: null, cancelAtPeriodEnd: false, scheduledPlanId: null };
  } else if (isLiveStatus(subscription.status)) {
    if (mappedPlanId) change.planId = mappedPlanId;
    else detail = "No plan of the catalog has this subscription's price; the plan was left unchanged.";
    if (periodStart && periodEnd) {
      change.account = { ...change.account, currentPeriodStart: periodStart, currentPeriodEnd: periodEnd };
    }
    let scheduled = account.scheduledPlanId;
    if (subscription.cancel_at_period_end) scheduled = FREE_PLAN_ID;
    else if (scheduled === FREE_PLAN_ID) scheduled = null; // the cancellation was withdrawn (e.g. in the portal)
    if (scheduled !== null && scheduled === (change.planId ?? state.planId)) scheduled = null; // the downgrade took effect
    change.account = { ...change.account, scheduledPlanId: scheduled };
    if (subscription.status === "past_due" || subscription.status === "unpaid") {
      if (state.status === "active") change.status = "past_due";
    } else if (state.status !== "active") {
      change.status = "active";
    }
  } else {
    // incomplete (first payment pending), paused: recorded, the plan waits for a live status.
    detail = `Subscription is ${subscription.status}; the plan was left unchanged.`;
  }
  await writeBillingChange(ctx, tx, state, change);
  return { outcome: "applied", detail };
}
