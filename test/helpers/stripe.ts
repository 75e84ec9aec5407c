// Stripe in tests: a platform whose SDK talks to the stand-in, catalog prices for the paid plans,
// and webhook deliveries signed with the SDK's own test-header helper.
import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { expect } from "vitest";
import type { ApiResponse } from "./api.js";
import { createOrgWithOwner, type TestOrgOwner } from "./fixtures.js";
import { startTestPlatform, type TestPlatform } from "./platform.js";
import { type StandInSubscription, type StripeStandIn, startStripeStandIn } from "./stripe-stand-in.js";

export const WEBHOOK_SECRET = "whsec_switchboardtestsecret";
export const PRICES = {
  starter: "price_starter",
  starterOverageMinutes: "price_starter_overage_minutes",
  pro: "price_pro",
  proOverageMinutes: "price_pro_overage_minutes",
  proOverageCalls: "price_pro_overage_calls",
} as const;

export type StripeWorld = { t: TestPlatform; stripe: StripeStandIn; stop(): Promise<void> };

export async function startStripeWorld(): Promise<StripeWorld> {
  const stripe = await startStripeStandIn();
  const t = await startTestPlatform({
    env: { STRIPE_SECRET_KEY: "sk_test_switchboard", STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE_URL: stripe.url, BILLING_GRACE_DAYS: "7" },
  });
  await t.ownerQuery("UPDATE plans SET stripe_price_id = $1, stripe_overage_minute_price_id = $2 WHERE id = 'starter'", [
    PRICES.starter,
    PRICES.starterOverageMinutes,
  ]);
  await t.ownerQuery("UPDATE plans SET stripe_price_id = $1, stripe_overage_minute_price_id = $2, stripe_overage_call_price_id = $3 WHERE id = 'pro'", [
    PRICES.pro,
    PRICES.proOverageMinutes,
    PRICES.proOverageCalls,
  ]);
  return {
    t,
    stripe,
    stop: async () => {
      await t.stop();
      await stripe.stop();
    },
  };
}

const signer = new Stripe("sk_test_signer_only");

export function stripeEvent(type: string, object: object, created: Date = new Date()) {
  return {
    id: `evt_${randomBytes(12).toString("hex")}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(created.getTime() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/** POSTs an event to /webhooks/stripe with a Stripe-Signature made by the SDK's own helper. */
export function deliver(
  t: TestPlatform,
  event: object,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
): Promise<ApiResponse> {
  const payload = JSON.stringify(event);
  const header =
    options.signature !== undefined
      ? options.signature
      : signer.webhooks.generateTestHeaderString({
          payload,
          secret: options.secret ?? WEBHOOK_SECRET,
          // Signed "now" by the platform's clock, which tests may move forward.
          timestamp: options.timestamp ?? Math.floor(t.clock.now().getTime() / 1000),
        });
  return t.api.request("POST", "/webhooks/stripe", { rawBody: payload, headers: header === null ? {} : { "stripe-signature": header } });
}

/** Waits until the job queue has processed a stored event; returns its outcome and detail. */
export async function processed(t: TestPlatform, eventId: string, timeoutMs = 15_000): Promise<{ outcome: string; detail: string | null }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await t.ownerQuery<{ outcome: string; detail: string | null }>(
      "SELECT outcome, detail FROM stripe_events WHERE id = $1 AND processed_at IS NOT NULL",
      [eventId],
    );
    if (rows[0]) return rows[0];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Stripe event ${eventId} was not processed within ${timeoutMs} ms`);
}

/** Delivers a signed event, expects it acknowledged, and waits for it to be applied or ignored. */
export async function deliverAndProcess(t: TestPlatform, event: { id: string }) {
  const res = await deliver(t, event);
  expect(res.status, res.text).toBe(200);
  return processed(t, event.id);
}

export type StripeOrg = TestOrgOwner & { customerId: string };

/** An organization that has started a checkout, so Stripe has its customer. */
export async function orgWithCustomer(world: StripeWorld, planId = "pro"): Promise<StripeOrg> {
  const owner = await createOrgWithOwner(world.t);
  const res = await world.t.api.post(`/api/v1/orgs/${owner.organizationId}/billing/checkout`, { planId }, { token: owner.accessToken });
  expect(res.status, res.text).toBe(200);
  const customerId = world.stripe.customerOf(owner.organizationId);
  if (!customerId) throw new Error("the checkout created no Stripe customer");
  return { ...owner, customerId };
}

export const DAY_MS = 86_400_000;

/** Stripe's timestamps are whole seconds. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

export function checkoutSession(org: StripeOrg, subscriptionId: string) {
  return {
    id: `cs_test_${randomBytes(12).toString("hex")}`,
    object: "checkout.session",
    mode: "subscription",
    status: "complete",
    payment_status: "paid",
    customer: org.customerId,
    client_reference_id: org.organizationId,
    metadata: { organizationId: org.organizationId, planId: "pro" },
    subscription: subscriptionId,
  };
}

/** Completes a checkout the way Stripe does: the subscription exists, then checkout.session.completed arrives. */
export async function subscribe(world: StripeWorld, org: StripeOrg, options: { plan?: "pro" | "starter"; periodStart?: Date; periodEnd?: Date } = {}) {
  const periodStart = options.periodStart ?? wholeSeconds(new Date(Date.now() - DAY_MS));
  const periodEnd = options.periodEnd ?? new Date(periodStart.getTime() + 30 * DAY_MS);
  const prices = options.plan === "starter" ? [PRICES.starter, PRICES.starterOverageMinutes] : [PRICES.pro, PRICES.proOverageMinutes, PRICES.proOverageCalls];
  const subscription = world.stripe.putSubscription({
    customer: org.customerId,
    prices,
    periodStart,
    periodEnd,
    metadata: { organizationId: org.organizationId },
  });
  const result = await deliverAndProcess(world.t, stripeEvent("checkout.session.completed", checkoutSession(org, subscription.id)));
  expect(result.outcome).toBe("applied");
  return subscription;
}

export function invoiceObject(org: StripeOrg, subscription: StandInSubscription, options: { status: "paid" | "open"; totalCents?: number; created?: Date }) {
  const created = Math.floor((options.created ?? new Date()).getTime() / 1000);
  const item = subscription.items.data[0] as { current_period_start: number; current_period_end: number };
  const total = options.totalCents ?? 9900;
  return {
    id: `in_${randomBytes(12).toString("hex")}`,
    object: "invoice",
    customer: org.customerId,
    customer_email: org.email,
    customer_name: org.organizationName,
    status: options.status,
    currency: "usd",
    created,
    number: `SBX-${randomBytes(3).toString("hex").toUpperCase()}-0001`,
    period_start: item.current_period_start,
    period_end: item.current_period_end,
    subtotal: total,
    total,
    total_taxes: [],
    amount_due: total,
    amount_paid: options.status === "paid" ? total : 0,
    hosted_invoice_url: "https://invoice.stripe.com/i/test",
    invoice_pdf: "https://pay.stripe.com/invoice/test/pdf",
    status_transitions: { finalized_at: created, paid_at: options.status === "paid" ? created : null },
    parent: { type: "subscription_details", subscription_details: { subscription: subscription.id, metadata: { organizationId: org.organizationId } } },
    lines: {
      object: "list",
      has_more: false,
      data: [
        {
          id: `il_${randomBytes(8).toString("hex")}`,
          object: "line_item",
          amount: total,
          currency: "usd",
          description: "1 × Pro (at $99.00 / month)",
          quantity: 1,
          period: { start: item.current_period_start, end: item.current_period_end },
          pricing: { type: "price_details", price_details: { price: PRICES.pro, product: "prod_pro" } },
        },
      ],
    },
  };
}

export async function billingOf(t: TestPlatform, org: TestOrgOwner) {
  const res = await t.api.get(`/api/v1/orgs/${org.organizationId}/billing`, { token: org.accessToken });
  expect(res.status, res.text).toBe(200);
  return res.body;
}
