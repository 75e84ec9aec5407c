// Changing an organization's plan through Stripe (owners only):
//   - no live subscription → a Checkout Session (subscription mode: the plan's price + its metered
//     overage prices); the webhook applies the plan once Stripe says the subscription exists;
//   - a more expensive plan → the subscription's prices are swapped now, prorated;
//   - a cheaper plan → at the period's end: a subscription schedule whose next phase has the new
//     prices (to Free: cancel at period end); the billing account shows the scheduled plan;
//   - the current plan while a downgrade is scheduled → the scheduled change is withdrawn.
// Stripe calls run outside database transactions; every mutating call has an idempotency key, so
// a double-clicked button creates one Checkout Session and swaps a price once.
import { eq, inArray } from "drizzle-orm";
import type Stripe from "stripe";
import type { AppContext } from "../../../context.js";
import { withTenant } from "../../../db/transaction.js";
import { Conflict, Invalid } from "../../../errors.js";
import type { OrgAccess } from "../../../http/env.js";
import type { RequestMeta } from "../../../http/request-meta.js";
import { recordAudit } from "../../audit/service.js";
import { plans } from "../../plans/schema.js";
import { billingAccounts } from "../schema.js";
import { callStripe, requireStripe } from "./client.js";
import { ensureStripeCustomer } from "./customers.js";
import { applySubscription, FREE_PLAN_ID, idOf, isLiveStatus, lockBillingState } from "./subscription-state.js";

/** Requests for the same change within this window share an idempotency key (a double click) unless the client sends its own. */
export const PLAN_CHANGE_IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;

export type PlanChangeAction = "checkout" | "upgraded" | "downgrade_scheduled" | "downgrade_cancelled";

export type PlanChangeResult = {
  action: PlanChangeAction;
  /** Where to send the browser (Stripe Checkout); null when the change was made directly. */
  url: string | null;
  /** The organization's plan now. */
  planId: string;
  /** The plan that takes over at the period's end, if one is scheduled. */
  scheduledPlanId: string | null;
  /** When a scheduled change takes effect. */
  effectiveAt: string | null;
};

type Plan = typeof plans.$inferSelect;

function rank(plan: Plan): [number, number] {
  return [plan.priceCents ?? Number.MAX_SAFE_INTEGER, plan.sortOrder];
}

function isMoreExpensive(a: Plan, b: Plan): boolean {
  const [pa, sa] = rank(a);
  const [pb, sb] = rank(b);
  return pa !== pb ? pa > pb : sa > sb;
}

function overagePrices(plan: Plan): string[] {
  return [plan.stripeOverageCallPriceId, plan.stripeOverageMinutePriceId].filter((id): id is string => Boolean(id));
}

function isMetered(item: Stripe.SubscriptionItem): boolean {
  return item.price.recurring?.usage_type === "metered";
}

/** Items of a subscription update that put `target`'s prices in place of the current ones. */
function itemsFor(subscription: Stripe.Subscription, target: Plan): Stripe.SubscriptionUpdateParams.Item[] {
  const items = subscription.items.data;
  const licensed = items.filter((item) => !isMetered(item));
  const wanted = overagePrices(target);
  const changes: Stripe.SubscriptionUpdateParams.Item[] = [];
  const [base, ...otherLicensed] = licensed;
  if (base) changes.push({ id: base.id, price: target.stripePriceId as string, quantity: 1 });
  else changes.push({ price: target.stripePriceId as string, quantity: 1 });
  for (const item of otherLicensed) changes.push({ id: item.id, deleted: true });
  for (const item of items.filter(isMetered)) if (!wanted.includes(item.price.id)) changes.push({ id: item.id, deleted: true });
  for (const price of wanted) if (!items.some((item) => item.price.id === price)) changes.push({ price });
  return changes;
}

/** A plan's prices as Checkout line items (metered prices take no quantity). */
function lineItems(plan: Plan): Stripe.Checkout.SessionCreateParams.LineItem[] {
  return [{ price: plan.stripePriceId as string, quantity: 1 }, ...overagePrices(plan).map((price) => ({ price }))];
}

/** The phase items of a plan in a subscription schedule. */
function phaseItems(plan: Plan): Stripe.SubscriptionScheduleUpdateParams.Phase.Item[] {
  return [{ price: plan.stripePriceId as string, quantity: 1 }, ...overagePrices(plan).map((price) => ({ price }))];
}

function idempotencySuffix(ctx: AppContext, clientKey: string | undefined): string {
  return clientKey ? `k-${clientKey}` : `t-${Math.floor(ctx.clock.now().getTime() / PLAN_CHANGE_IDEMPOTENCY_WINDOW_MS)}`;
}

async function audit(
  ctx: AppContext,
  organizationId: string,
  actorUserId: string,
  action: "billing.checkout_started" | "billing.downgrade_scheduled" | "billing.downgrade_cancelled",
  metadata: Record<string, unknown>,
  meta: RequestMeta,
) {
  await withTenant(ctx.db, organizationId, (tx) =>
    recordAudit(tx, { action, organizationId, actorUserId, targetType: "organization", targetId: organizationId, metadata }, meta, ctx.clock.now()),
  );
}

export async function changePlan(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  input: { planId: string; idempotencyKey?: string | undefined },
  meta: RequestMeta,
): Promise<PlanChangeResult> {
  const { stripe } = requireStripe(ctx);
  const organizationId = access.organizationId;
  const { state, target, current } = await withTenant(ctx.db, organizationId, async (tx) => {
    const locked = await lockBillingState(tx, organizationId, ctx.clock.now());
    if (!locked) throw new Error(`organization ${organizationId} has no billing account`);
    const rows = await tx
      .select()
      .from(plans)
      .where(inArray(plans.id, [input.planId, locked.planId]));
    return { state: locked, target: rows.find((p) => p.id === input.planId), current: rows.find((p) => p.id === locked.planId) };
  });
  if (!target || !current) {
    throw new Invalid("PLAN_NOT_PURCHASABLE", `There is no plan '${input.planId}'.`, [{ path: "body.planId", message: "No such plan." }]);
  }
  const { account } = state;
  const suffix = idempotencySuffix(ctx, input.idempotencyKey);
  const subscriptionId = account.stripeSubscriptionId;
  const hasLiveSubscription = subscriptionId !== null && isLiveStatus(account.subscriptionStatus);

  if (target.id === state.planId) {
    if (hasLiveSubscription && account.scheduledPlanId) return withdrawScheduledChange(ctx, stripe, organizationId, actorUserId, subscriptionId, suffix, meta);
    throw new Conflict("ALREADY_ON_PLAN", `The organization is already on the ${target.name} plan.`);
  }
  if (target.id !== FREE_PLAN_ID && !target.stripePriceId) {
    throw new Invalid("PLAN_NOT_PURCHASABLE", `The ${target.name} plan cannot be bought online; contact us to arrange it.`, [
      { path: "body.planId", message: "This plan is not sold online." },
    ]);
  }

  if (!hasLiveSubscription) {
    if (target.id === FREE_PLAN_ID) {
      throw new Conflict("PLAN_NOT_PURCHASABLE", "This organization has no subscription to cancel; its plan was set by the platform's administrators.");
    }
    const customerId = await ensureStripeCustomer(ctx, organizationId);
    const billingUrl = `${ctx.config.appUrl}/orgs/${organizationId}/billing`;
    const metadata = { organizationId, planId: target.id };
    const session = await callStripe(ctx, "checkout.sessions.create", () =>
      stripe.checkout.sessions.create(
        {
          mode: "subscription",
          customer: customerId,
          client_reference_id: organizationId,
          line_items: lineItems(target),
          metadata,
          subscription_data: { metadata },
          success_url: `${billingUrl}?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
          cancel_url: `${billingUrl}?checkout=cancelled`,
        },
        { idempotencyKey: `switchboard-checkout-${organizationId}-${target.id}-${suffix}` },
      ),
    );
    await audit(ctx, organizationId, actorUserId, "billing.checkout_started", { planId: target.id, checkoutSessionId: session.id }, meta);
    return { action: "checkout", url: session.url, planId: state.planId, scheduledPlanId: account.scheduledPlanId, effectiveAt: null };
  }

  const subscription = await callStripe(ctx, "subscriptions.retrieve", () => stripe.subscriptions.retrieve(subscriptionId));
  const scheduleId = idOf(subscription.schedule);

  if (isMoreExpensive(target, current)) {
    if (scheduleId)
      await callStripe(ctx, "subscriptionSchedules.release", () =>
        stripe.subscriptionSchedules.release(scheduleId, {}, { idempotencyKey: `switchboard-release-${scheduleId}` }),
      );
    const updated = await callStripe(ctx, "subscriptions.update", () =>
      stripe.subscriptions.update(
        subscriptionId,
        {
          items: itemsFor(subscription, target),
          proration_behavior: "create_prorations",
          cancel_at_period_end: false,
          metadata: { organizationId, planId: target.id },
        },
        { idempotencyKey: `switchboard-upgrade-${subscriptionId}-${target.id}-${suffix}` },
      ),
    );
    return withTenant(ctx.db, organizationId, async (tx) => {
      await tx.update(billingAccounts).set({ scheduledPlanId: null }).where(eq(billingAccounts.organizationId, organizationId));
      await applySubscription(ctx, tx, organizationId, updated, { reason: "upgrade", actorUserId });
      return { action: "upgraded" as const, url: null, planId: target.id, scheduledPlanId: null, effectiveAt: null };
    });
  }

  // A downgrade: nothing changes before the period ends.
  const baseItem = subscription.items.data.find((item) => !isMetered(item)) ?? subscription.items.data[0];
  const periodEnd = baseItem ? new Date(baseItem.current_period_end * 1000) : account.currentPeriodEnd;
  if (target.id === FREE_PLAN_ID) {
    if (scheduleId)
      await callStripe(ctx, "subscriptionSchedules.release", () =>
        stripe.subscriptionSchedules.release(scheduleId, {}, { idempotencyKey: `switchboard-release-${scheduleId}` }),
      );
    const updated = await callStripe(ctx, "subscriptions.update", () =>
      stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true }, { idempotencyKey: `switchboard-cancel-${subscriptionId}-${suffix}` }),
    );
    await withTenant(ctx.db, organizationId, (tx) => applySubscription(ctx, tx, organizationId, updated, { reason: "downgrade to Free", actorUserId }));
  } else {
    if (subscription.cancel_at_period_end) {
      await callStripe(ctx, "subscriptions.update", () =>
        stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: false }, { idempotencyKey: `switchboard-uncancel-${subscriptionId}-${suffix}` }),
      );
    }
    const schedule = scheduleId
      ? { id: scheduleId }
      : await callStripe(ctx, "subscriptionSchedules.create", () =>
          stripe.subscriptionSchedules.create({ from_subscription: subscriptionId }, { idempotencyKey: `switchboard-schedule-${subscriptionId}-${suffix}` }),
        );
    const currentItems = subscription.items.data.map((item) =>
      isMetered(item) ? { price: item.price.id } : { price: item.price.id, quantity: item.quantity ?? 1 },
    );
    await callStripe(ctx, "subscriptionSchedules.update", () =>
      stripe.subscriptionSchedules.update(
        schedule.id,
        {
          end_behavior: "release",
          phases: [
            { items: currentItems, start_date: baseItem?.current_period_start, end_date: Math.floor(periodEnd.getTime() / 1000) },
            {
              items: phaseItems(target),
              duration: { interval: "month", interval_count: 1 },
              proration_behavior: "none",
              metadata: { organizationId, planId: target.id },
            },
          ],
        },
        { idempotencyKey: `switchboard-schedule-update-${schedule.id}-${target.id}-${suffix}` },
      ),
    );
    await withTenant(ctx.db, organizationId, (tx) =>
      tx.update(billingAccounts).set({ scheduledPlanId: target.id, updatedAt: ctx.clock.now() }).where(eq(billingAccounts.organizationId, organizationId)),
    );
  }
  await audit(ctx, organizationId, actorUserId, "billing.downgrade_scheduled", { from: current.id, to: target.id, effectiveAt: periodEnd.toISOString() }, meta);
  return { action: "downgrade_scheduled", url: null, planId: current.id, scheduledPlanId: target.id, effectiveAt: periodEnd.toISOString() };
}

async function withdrawScheduledChange(
  ctx: AppContext,
  stripe: Stripe,
  organizationId: string,
  actorUserId: string,
  subscriptionId: string,
  suffix: string,
  meta: RequestMeta,
): Promise<PlanChangeResult> {
  let subscription = await callStripe(ctx, "subscriptions.retrieve", () => stripe.subscriptions.retrieve(subscriptionId));
  const scheduleId = idOf(subscription.schedule);
  if (scheduleId)
    await callStripe(ctx, "subscriptionSchedules.release", () =>
      stripe.subscriptionSchedules.release(scheduleId, {}, { idempotencyKey: `switchboard-release-${scheduleId}` }),
    );
  if (subscription.cancel_at_period_end) {
    subscription = await callStripe(ctx, "subscriptions.update", () =>
      stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: false }, { idempotencyKey: `switchboard-uncancel-${subscriptionId}-${suffix}` }),
    );
  }
  const planId = await withTenant(ctx.db, organizationId, async (tx) => {
    await applySubscription(ctx, tx, organizationId, subscription, { reason: "scheduled change withdrawn", actorUserId });
    await tx.update(billingAccounts).set({ scheduledPlanId: null }).where(eq(billingAccounts.organizationId, organizationId));
    const state = await lockBillingState(tx, organizationId, ctx.clock.now());
    return state?.planId ?? FREE_PLAN_ID;
  });
  await audit(ctx, organizationId, actorUserId, "billing.downgrade_cancelled", { planId }, meta);
  return { action: "downgrade_cancelled", url: null, planId, scheduledPlanId: null, effectiveAt: null };
}
