// POST /webhooks/stripe: signatures checked with the SDK on the raw body, events stored once by id
// and applied by a job, subscription and invoice state transitions, out-of-order delivery (the
// current subscription fetched from the Stripe stand-in), unknown customers and deleted organizations,
// past_due → grace over → suspended → paid → active.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { suspendOverdueOrganizations } from "../../src/server/modules/billing/stripe/grace.js";
import { createOrgWithOwner, signIn } from "../helpers/fixtures.js";
import {
  billingOf,
  checkoutSession,
  DAY_MS,
  deliver,
  deliverAndProcess,
  invoiceObject,
  orgWithCustomer,
  PRICES,
  processed,
  type StripeWorld,
  startStripeWorld,
  stripeEvent,
  subscribe,
  WEBHOOK_SECRET,
  wholeSeconds,
} from "../helpers/stripe.js";

let world: StripeWorld;

beforeAll(async () => {
  world = await startStripeWorld();
});
afterAll(async () => {
  await world?.stop();
});

async function auditActions(org: { organizationId: string; accessToken: string }) {
  const res = await world.t.api.get(`/api/v1/orgs/${org.organizationId}/audit-log?limit=200`, { token: org.accessToken });
  expect(res.status, res.text).toBe(200);
  return (res.body.items as { action: string; metadata: Record<string, unknown> }[]).map((item) => item.action);
}

describe("signature", () => {
  it("refuses a body signed with another secret, a missing signature and a tampered body with 400", async () => {
    const event = stripeEvent("customer.subscription.updated", { id: "sub_x", object: "subscription", customer: "cus_x" });
    const wrongSecret = await deliver(world.t, event, { secret: "whsec_someoneelse" });
    expect(wrongSecret.status, wrongSecret.text).toBe(400);
    const missing = await deliver(world.t, event, { signature: null });
    expect(missing.status).toBe(400);
    const garbage = await deliver(world.t, event, { signature: "t=1,v1=deadbeef" });
    expect(garbage.status).toBe(400);
    // Signed correctly, then changed in transit.
    const payload = JSON.stringify(event);
    const header = new Stripe("sk_test_signer_only").webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const tampered = await world.t.api.request("POST", "/webhooks/stripe", {
      rawBody: payload.replace("sub_x", "sub_y"),
      headers: { "stripe-signature": header },
    });
    expect(tampered.status).toBe(400);
    const original = await world.t.api.request("POST", "/webhooks/stripe", { rawBody: payload, headers: { "stripe-signature": header } });
    expect(original.status, original.text).toBe(200);
    const { rows } = await world.t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM stripe_events WHERE id = $1", [event.id]);
    expect(rows[0]?.n).toBe(1);
  });

  it("refuses a correctly signed event whose timestamp is older than the tolerance (a replay) with 400", async () => {
    const event = stripeEvent("customer.subscription.updated", { id: "sub_old", object: "subscription", customer: "cus_old" });
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const res = await deliver(world.t, event, { timestamp: tenMinutesAgo });
    expect(res.status, res.text).toBe(400);
    const { rows } = await world.t.ownerQuery("SELECT 1 FROM stripe_events WHERE id = $1", [event.id]);
    expect(rows).toHaveLength(0);
  });

  it("accepts a signature made a minute ago", async () => {
    const event = stripeEvent("customer.created", { id: "cus_new", object: "customer" });
    const res = await deliver(world.t, event, { timestamp: Math.floor(Date.now() / 1000) - 60 });
    expect(res.status, res.text).toBe(200);
    expect(await processed(world.t, event.id)).toMatchObject({ outcome: "ignored" });
  });
});

describe("checkout and subscriptions", () => {
  it("checkout.session.completed puts the organization on Pro, active, with Stripe's billing period", async () => {
    const org = await orgWithCustomer(world);
    const periodStart = new Date(Math.floor(Date.now() / 1000 - 3600) * 1000);
    const periodEnd = new Date(periodStart.getTime() + 30 * DAY_MS);
    const subscription = await subscribe(world, org, { periodStart, periodEnd });
    const billing = await billingOf(world.t, org);
    expect(billing.mode).toBe("stripe");
    expect(billing.plan.id).toBe("pro");
    expect(billing.status).toBe("active");
    expect(billing.subscription).toMatchObject({ stripeSubscriptionId: subscription.id, status: "active", cancelAtPeriodEnd: false });
    expect(billing.period.start).toBe(periodStart.toISOString());
    expect(billing.period.end).toBe(periodEnd.toISOString());
    // The webhook fetched the subscription the session names.
    expect(world.stripe.requestsTo(`/v1/subscriptions/${subscription.id}`, "GET").length).toBeGreaterThan(0);
    expect(await auditActions(org)).toContain("billing.plan_changed");
  });

  it("the same event delivered twice is stored once and applied once", async () => {
    const org = await orgWithCustomer(world);
    const subscription = world.stripe.putSubscription({
      customer: org.customerId,
      prices: [PRICES.starter, PRICES.starterOverageMinutes],
      periodStart: new Date(Date.now() - DAY_MS),
      periodEnd: new Date(Date.now() + 29 * DAY_MS),
      metadata: { organizationId: org.organizationId },
    });
    const event = stripeEvent("checkout.session.completed", checkoutSession(org, subscription.id));
    const first = await deliver(world.t, event);
    const second = await deliver(world.t, event);
    expect(first.body).toEqual({ received: true, duplicate: false });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ received: true, duplicate: true });
    await processed(world.t, event.id);
    const third = await deliver(world.t, event);
    expect(third.body.duplicate).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await billingOf(world.t, org)).plan.id).toBe("starter");
    const changes = (await auditActions(org)).filter((action) => action === "billing.plan_changed");
    expect(changes).toHaveLength(1);
    expect(world.stripe.requestsTo(`/v1/subscriptions/${subscription.id}`, "GET")).toHaveLength(1);
  });

  it("a subscription.updated older than the state already applied does not roll it back: the current subscription is fetched", async () => {
    const org = await orgWithCustomer(world);
    const subscription = await subscribe(world, org, { plan: "pro" });
    // Stripe's copy of the subscription as it was an hour ago, on Starter, arrives late.
    const stale = JSON.parse(JSON.stringify(subscription));
    stale.items.data[0].price = { id: PRICES.starter, object: "price", recurring: { usage_type: "licensed", interval: "month" } };
    const before = world.stripe.requestsTo(`/v1/subscriptions/${subscription.id}`, "GET").length;
    const result = await deliverAndProcess(world.t, stripeEvent("customer.subscription.updated", stale, new Date(Date.now() - 3600_000)));
    expect(result.outcome).toBe("applied");
    expect(world.stripe.requestsTo(`/v1/subscriptions/${subscription.id}`, "GET").length).toBe(before + 1);
    expect((await billingOf(world.t, org)).plan.id).toBe("pro");
  });

  it("subscription.updated before subscription.created: both end in Stripe's current state", async () => {
    const org = await orgWithCustomer(world);
    const periodStart = new Date(Date.now() - 2 * DAY_MS);
    const subscription = world.stripe.putSubscription({
      customer: org.customerId,
      prices: [PRICES.pro, PRICES.proOverageMinutes, PRICES.proOverageCalls],
      periodStart,
      periodEnd: new Date(periodStart.getTime() + 30 * DAY_MS),
      metadata: { organizationId: org.organizationId },
    });
    const created = { ...JSON.parse(JSON.stringify(subscription)), status: "incomplete" };
    const updated = JSON.parse(JSON.stringify(subscription));
    const now = Date.now();
    const updatedResult = await deliverAndProcess(world.t, stripeEvent("customer.subscription.updated", updated, new Date(now + 1000)));
    expect(updatedResult.outcome).toBe("applied");
    expect((await billingOf(world.t, org)).plan.id).toBe("pro");
    // The older "created" (status incomplete) comes second: it must not undo the active subscription.
    const createdResult = await deliverAndProcess(world.t, stripeEvent("customer.subscription.created", created, new Date(now - 5000)));
    expect(createdResult.outcome).toBe("applied");
    const billing = await billingOf(world.t, org);
    expect(billing.plan.id).toBe("pro");
    expect(billing.subscription.status).toBe("active");
  });

  it("cancel at period end schedules Free; subscription.deleted puts the organization back on Free at once", async () => {
    const org = await orgWithCustomer(world);
    const subscription = await subscribe(world, org);
    const cancelled = world.stripe.putSubscription({
      id: subscription.id,
      customer: org.customerId,
      prices: [PRICES.pro, PRICES.proOverageMinutes, PRICES.proOverageCalls],
      periodStart: new Date(Date.now() - DAY_MS),
      periodEnd: new Date(Date.now() + 29 * DAY_MS),
      cancelAtPeriodEnd: true,
    });
    await deliverAndProcess(world.t, stripeEvent("customer.subscription.updated", cancelled, new Date(Date.now() + 2000)));
    let billing = await billingOf(world.t, org);
    expect(billing.plan.id).toBe("pro");
    expect(billing.subscription.cancelAtPeriodEnd).toBe(true);
    expect(billing.scheduledPlan).toMatchObject({ id: "free" });

    const ended = { ...JSON.parse(JSON.stringify(cancelled)), status: "canceled", ended_at: Math.floor(Date.now() / 1000) };
    world.stripe.putSubscription({
      id: subscription.id,
      customer: org.customerId,
      prices: [PRICES.pro],
      status: "canceled",
      periodStart: new Date(Date.now() - DAY_MS),
      periodEnd: new Date(Date.now() + 29 * DAY_MS),
    });
    const result = await deliverAndProcess(world.t, stripeEvent("customer.subscription.deleted", ended, new Date(Date.now() + 3000)));
    expect(result.outcome).toBe("applied");
    billing = await billingOf(world.t, org);
    expect(billing.plan.id).toBe("free");
    expect(billing.scheduledPlan).toBeNull();
    expect(billing.subscription.stripeSubscriptionId).toBeNull();
    // A late update of the ended subscription changes nothing.
    const late = await deliverAndProcess(world.t, stripeEvent("customer.subscription.updated", cancelled, new Date(Date.now() - 1000)));
    expect(late.outcome).toBe("ignored");
    expect((await billingOf(world.t, org)).plan.id).toBe("free");
  });

  it("a downgrade takes effect when the period rolls: the new period's subscription carries the cheaper price", async () => {
    const org = await orgWithCustomer(world);
    const periodStart = wholeSeconds(new Date(Date.now() - 29 * DAY_MS));
    const periodEnd = wholeSeconds(new Date(Date.now() + 60_000));
    const subscription = await subscribe(world, org, { periodStart, periodEnd });
    const change = await world.t.api.post(`/api/v1/orgs/${org.organizationId}/billing/checkout`, { planId: "starter" }, { token: org.accessToken });
    expect(change.status, change.text).toBe(200);
    expect(change.body).toMatchObject({ action: "downgrade_scheduled", planId: "pro", scheduledPlanId: "starter", effectiveAt: periodEnd.toISOString() });
    expect((await billingOf(world.t, org)).plan.id).toBe("pro");
    // Stripe's schedule moves the subscription to Starter at the period's end and says so.
    const rolled = world.stripe.putSubscription({
      id: subscription.id,
      customer: org.customerId,
      prices: [PRICES.starter, PRICES.starterOverageMinutes],
      periodStart: periodEnd,
      periodEnd: new Date(periodEnd.getTime() + 30 * DAY_MS),
    });
    await deliverAndProcess(world.t, stripeEvent("customer.subscription.updated", rolled, new Date(Date.now() + 5000)));
    const billing = await billingOf(world.t, org);
    expect(billing.plan.id).toBe("starter");
    expect(billing.scheduledPlan).toBeNull();
    expect(billing.period.start).toBe(periodEnd.toISOString());
  });
});

describe("payments", () => {
  it("payment failed → past_due with a grace period → grace over → suspended → invoice paid → active", async () => {
    const org = await orgWithCustomer(world);
    const subscription = await subscribe(world, org);
    const failedInvoice = invoiceObject(org, subscription, { status: "open" });
    await deliverAndProcess(world.t, stripeEvent("invoice.payment_failed", failedInvoice));
    const billing = await billingOf(world.t, org);
    expect(billing.status).toBe("past_due");
    const pastDueSince = new Date(billing.subscription.pastDueSince).getTime();
    expect(new Date(billing.subscription.graceEndsAt).getTime() - pastDueSince).toBe(7 * DAY_MS);

    try {
      // Still inside the grace period: nothing happens.
      world.t.clock.advance(6 * DAY_MS);
      const later = { ...org, accessToken: (await signIn(world.t, org.email, org.password)).body.accessToken };
      expect(await suspendOverdueOrganizations(world.t.platform.ctx)).not.toContain(org.organizationId);
      expect((await billingOf(world.t, later)).status).toBe("past_due");
      world.t.clock.advance(DAY_MS + 60_000);
      expect(await suspendOverdueOrganizations(world.t.platform.ctx)).toContain(org.organizationId);
      const graceOver = { ...org, accessToken: (await signIn(world.t, org.email, org.password)).body.accessToken };
      expect((await billingOf(world.t, graceOver)).status).toBe("suspended");
      await expectPaidInvoiceRestores(graceOver, failedInvoice);
    } finally {
      world.t.clock.set(new Date());
    }
  });

  async function expectPaidInvoiceRestores(org: Awaited<ReturnType<typeof orgWithCustomer>>, failedInvoice: ReturnType<typeof invoiceObject>) {
    const paid = {
      ...failedInvoice,
      status: "paid",
      amount_paid: failedInvoice.total,
      status_transitions: { ...failedInvoice.status_transitions, paid_at: Math.floor(Date.now() / 1000) },
    };
    await deliverAndProcess(world.t, stripeEvent("invoice.paid", paid));
    const billing = await billingOf(world.t, org);
    expect(billing.status).toBe("active");
    expect(billing.subscription.pastDueSince).toBeNull();
    expect(billing.subscription.graceEndsAt).toBeNull();
    const actions = await auditActions(org);
    expect(actions).toEqual(expect.arrayContaining(["billing.past_due", "billing.suspended", "billing.reactivated"]));

    // The invoice is mirrored once, as paid, with Stripe's id and lines.
    const invoices = await world.t.api.get(`/api/v1/orgs/${org.organizationId}/billing/invoices`, { token: org.accessToken });
    expect(invoices.status, invoices.text).toBe(200);
    const mirrored = invoices.body.items.filter((item: { source: string }) => item.source === "stripe");
    expect(mirrored).toHaveLength(1);
    expect(mirrored[0]).toMatchObject({ status: "paid", number: failedInvoice.number, totalCents: 9900 });
  }

  it("a payment_failed delivered after the same invoice's invoice.paid changes nothing", async () => {
    const org = await orgWithCustomer(world);
    const subscription = await subscribe(world, org);
    const invoice = invoiceObject(org, subscription, { status: "paid" });
    await deliverAndProcess(world.t, stripeEvent("invoice.paid", invoice));
    const late = await deliverAndProcess(world.t, stripeEvent("invoice.payment_failed", { ...invoice, status: "open" }, new Date(Date.now() - 60_000)));
    expect(late.outcome).toBe("ignored");
    expect((await billingOf(world.t, org)).status).toBe("active");
  });
});

describe("events Switchboard cannot place", () => {
  it("an event for an unknown customer is stored, marked ignored and acknowledged with 200", async () => {
    const event = stripeEvent("invoice.payment_failed", {
      id: "in_unknown",
      object: "invoice",
      customer: "cus_nobodyknows",
      status: "open",
      total: 100,
      currency: "usd",
      lines: { object: "list", data: [] },
    });
    const res = await deliver(world.t, event);
    expect(res.status, res.text).toBe(200);
    const result = await processed(world.t, event.id);
    expect(result.outcome).toBe("ignored");
    expect(result.detail).toContain("cus_nobodyknows");
  });

  it("an event for a deleted organization is stored, marked ignored and acknowledged with 200", async () => {
    const org = await orgWithCustomer(world);
    const subscription = await subscribe(world, org);
    const slug = (await world.t.api.get(`/api/v1/orgs/${org.organizationId}`, { token: org.accessToken })).body.slug;
    const deleted = await world.t.api.delete(`/api/v1/orgs/${org.organizationId}`, { confirm: slug }, { token: org.accessToken });
    expect([200, 204], deleted.text).toContain(deleted.status);
    const event = stripeEvent("invoice.payment_failed", invoiceObject(org, subscription, { status: "open" }));
    const res = await deliver(world.t, event);
    expect(res.status).toBe(200);
    const result = await processed(world.t, event.id);
    expect(result).toMatchObject({ outcome: "ignored", detail: "The organization was deleted." });
    const { rows } = await world.t.ownerQuery<{ status: string }>("SELECT status FROM organizations WHERE id = $1", [org.organizationId]);
    expect(rows[0]?.status).toBe("active");
  });

  it("answers 404 when the platform is in manual billing mode", async () => {
    const { startTestPlatform } = await import("../helpers/platform.js");
    const manual = await startTestPlatform();
    try {
      const owner = await createOrgWithOwner(manual);
      const res = await deliver(manual, stripeEvent("invoice.paid", { id: "in_1", object: "invoice", customer: "cus_1" }));
      expect(res.status).toBe(404);
      const checkout = await manual.api.post(`/api/v1/orgs/${owner.organizationId}/billing/checkout`, { planId: "pro" }, { token: owner.accessToken });
      expect(checkout.status, checkout.text).toBe(409);
      expect(checkout.body.code).toBe("BILLING_MANUAL_MODE");
      const portal = await manual.api.post(`/api/v1/orgs/${owner.organizationId}/billing/portal`, undefined, { token: owner.accessToken });
      expect(portal.status).toBe(409);
    } finally {
      await manual.stop();
    }
  });
});
