// Plan changes and the Billing Portal through the API, with the official SDK talking to the Stripe
// stand-in: what was sent (prices, customer, client_reference_id, URLs, idempotency keys), upgrades,
// downgrades at period end, Stripe failures as clear problems, overage meter events retried by the
// job queue, and the routes' security.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueOverageReports } from "../../src/server/modules/billing/stripe/overage.js";
import { createOrgWithOwner } from "../helpers/fixtures.js";
import { describeRouteSecurity } from "../helpers/route-security.js";
import {
  billingOf,
  DAY_MS,
  deliverAndProcess,
  orgWithCustomer,
  PRICES,
  type StripeWorld,
  startStripeWorld,
  stripeEvent,
  subscribe,
  wholeSeconds,
} from "../helpers/stripe.js";

let world: StripeWorld;

beforeAll(async () => {
  world = await startStripeWorld();
});
afterAll(async () => {
  await world?.stop();
});

const checkout = (org: { organizationId: string; accessToken: string }, body: unknown, headers: Record<string, string> = {}) =>
  world.t.api.post(`/api/v1/orgs/${org.organizationId}/billing/checkout`, body, { token: org.accessToken, headers });

describeRouteSecurity(() => world.t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/billing/checkout",
  deniedRoles: ["admin", "member", "viewer"],
  body: () => ({ planId: "starter" }),
});
describeRouteSecurity(() => world.t, { method: "POST", path: "/api/v1/orgs/{orgId}/billing/portal", deniedRoles: ["admin", "member", "viewer"] });

describe("POST /billing/checkout without a subscription", () => {
  it("creates the Stripe customer and a subscription Checkout Session with the plan's price and overage prices", async () => {
    const owner = await createOrgWithOwner(world.t);
    const res = await checkout(owner, { planId: "pro" });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ action: "checkout", planId: "free", scheduledPlanId: null });
    expect(res.body.url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);

    const customers = world.stripe
      .requestsTo("/v1/customers")
      .filter((r) => (r.params.metadata as Record<string, string>)?.organizationId === owner.organizationId);
    expect(customers).toHaveLength(1);
    expect(customers[0]?.params).toMatchObject({ name: owner.organizationName, metadata: { organizationId: owner.organizationId } });
    expect(customers[0]?.idempotencyKey).toContain(owner.organizationId);
    expect(customers[0]?.authorization).toBe("Bearer sk_test_switchboard");

    const sessions = world.stripe.requestsTo("/v1/checkout/sessions").filter((r) => r.params.client_reference_id === owner.organizationId);
    expect(sessions).toHaveLength(1);
    const sent = sessions[0]?.params;
    expect(sent).toMatchObject({
      mode: "subscription",
      customer: world.stripe.customerOf(owner.organizationId),
      client_reference_id: owner.organizationId,
      metadata: { organizationId: owner.organizationId, planId: "pro" },
      subscription_data: { metadata: { organizationId: owner.organizationId, planId: "pro" } },
      success_url: `http://localhost:3000/orgs/${owner.organizationId}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `http://localhost:3000/orgs/${owner.organizationId}/billing?checkout=cancelled`,
    });
    expect(sent?.line_items).toEqual([{ price: PRICES.pro, quantity: "1" }, { price: PRICES.proOverageCalls }, { price: PRICES.proOverageMinutes }]);
    // Nothing changes before Stripe confirms the subscription.
    expect((await billingOf(world.t, owner)).plan.id).toBe("free");
  });

  it("a double-clicked upgrade creates one customer and one Checkout Session", async () => {
    const owner = await createOrgWithOwner(world.t);
    const [first, second] = await Promise.all([checkout(owner, { planId: "starter" }), checkout(owner, { planId: "starter" })]);
    expect(first.status, first.text).toBe(200);
    expect(second.status, second.text).toBe(200);
    expect(second.body.url).toBe(first.body.url);
    const mine = (path: string) => world.stripe.requestsTo(path).filter((r) => JSON.stringify(r.params).includes(owner.organizationId));
    const customerKeys = new Set(mine("/v1/customers").map((r) => r.idempotencyKey));
    expect(customerKeys.size).toBe(1);
    expect((await billingOf(world.t, owner)).plan.id).toBe("free");
    const sessionKeys = new Set(mine("/v1/checkout/sessions").map((r) => r.idempotencyKey));
    expect(sessionKeys.size).toBe(1);
  });

  it("an Idempotency-Key header names the attempt: the same key gives the same session, another key a new one", async () => {
    const owner = await createOrgWithOwner(world.t);
    const a = await checkout(owner, { planId: "pro" }, { "idempotency-key": "attempt-0001" });
    const again = await checkout(owner, { planId: "pro" }, { "idempotency-key": "attempt-0001" });
    const b = await checkout(owner, { planId: "pro" }, { "idempotency-key": "attempt-0002" });
    expect(again.body.url).toBe(a.body.url);
    expect(b.status, b.text).toBe(200);
    expect(b.body.url).not.toBe(a.body.url);
  });

  it("refuses an unknown plan, a plan not sold online, the current plan, unknown fields and a malformed Idempotency-Key", async () => {
    const owner = await createOrgWithOwner(world.t);
    const unknown = await checkout(owner, { planId: "platinum" });
    expect(unknown.status, unknown.text).toBe(422);
    expect(unknown.body.code).toBe("PLAN_NOT_PURCHASABLE");
    const enterprise = await checkout(owner, { planId: "enterprise" });
    expect(enterprise.status, enterprise.text).toBe(422);
    expect(enterprise.body.code).toBe("PLAN_NOT_PURCHASABLE");
    const same = await checkout(owner, { planId: "free" });
    expect(same.status).toBe(409);
    expect(same.body.code).toBe("ALREADY_ON_PLAN");
    const extra = await checkout(owner, { planId: "pro", price: "price_cheap" });
    expect(extra.status).toBe(422);
    expect(extra.body.errors[0].path).toBe("body.price");
    const missing = await checkout(owner, {});
    expect(missing.status).toBe(422);
    const badKey = await checkout(owner, { planId: "pro" }, { "idempotency-key": "no spaces allowed" });
    expect(badKey.status).toBe(422);
    expect(world.stripe.requestsTo("/v1/checkout/sessions").filter((r) => r.params.client_reference_id === owner.organizationId)).toHaveLength(0);
  });

  it("Stripe answering 500 becomes 502 VENDOR_UNAVAILABLE with a message a person can act on", async () => {
    const owner = await createOrgWithOwner(world.t);
    world.stripe.failNext(1, "error", "/v1/checkout/sessions");
    const res = await checkout(owner, { planId: "pro" });
    expect(res.status, res.text).toBe(502);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body).toMatchObject({ code: "VENDOR_UNAVAILABLE", vendor: "stripe" });
    expect(res.body.detail).toMatch(/Stripe.*nothing was charged.*Try again/);
    expect(res.text).not.toContain("sk_test");
    // The next attempt goes through.
    const retry = await checkout(owner, { planId: "pro" }, { "idempotency-key": "after-outage-1" });
    expect(retry.status, retry.text).toBe(200);
  });

  it("Stripe not answering in time becomes 503 VENDOR_TIMEOUT", async () => {
    const owner = await createOrgWithOwner(world.t);
    world.stripe.failNext(1, "timeout", "/v1/customers");
    const started = Date.now();
    const res = await checkout(owner, { planId: "pro" });
    expect(res.status, res.text).toBe(503);
    expect(res.body.code).toBe("VENDOR_TIMEOUT");
    expect(res.body.detail).toMatch(/did not answer in time/);
    expect(Date.now() - started).toBeLessThan(14_000);
  }, 30_000);
});

describe("POST /billing/checkout with a live subscription", () => {
  it("a more expensive plan swaps the subscription's prices now, prorated, and applies the plan at once", async () => {
    const org = await orgWithCustomer(world, "starter");
    const subscription = await subscribe(world, org, { plan: "starter" });
    expect((await billingOf(world.t, org)).plan.id).toBe("starter");
    const [baseItem, overageItem] = (subscription.items.data as { id: string }[]).map((item) => ({ id: item.id }));
    const res = await checkout(org, { planId: "pro" });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ action: "upgraded", url: null, planId: "pro" });
    const updates = world.stripe.requestsTo(`/v1/subscriptions/${subscription.id}`);
    expect(updates).toHaveLength(1);
    const sent = updates[0]?.params as { items: Record<string, string>[]; proration_behavior: string };
    expect(sent.proration_behavior).toBe("create_prorations");
    expect(sent.items).toEqual(
      expect.arrayContaining([
        { id: baseItem?.id, price: PRICES.pro, quantity: "1" },
        { id: overageItem?.id, deleted: "true" },
        { price: PRICES.proOverageCalls },
        { price: PRICES.proOverageMinutes },
      ]),
    );
    expect((await billingOf(world.t, org)).plan.id).toBe("pro");
  });

  it("a cheaper paid plan is scheduled for the period's end with a subscription schedule", async () => {
    const org = await orgWithCustomer(world);
    const periodEnd = wholeSeconds(new Date(Date.now() + 10 * DAY_MS));
    const subscription = await subscribe(world, org, { periodStart: new Date(periodEnd.getTime() - 30 * DAY_MS), periodEnd });
    const res = await checkout(org, { planId: "starter" });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ action: "downgrade_scheduled", planId: "pro", scheduledPlanId: "starter", effectiveAt: periodEnd.toISOString() });
    const created = world.stripe.requestsTo("/v1/subscription_schedules").filter((r) => r.params.from_subscription === subscription.id);
    expect(created).toHaveLength(1);
    const update = world.stripe.requests.find(
      (r) => r.path.startsWith("/v1/subscription_schedules/") && r.params.phases !== undefined && JSON.stringify(r.params).includes(PRICES.starter),
    );
    const phases = update?.params.phases as { end_date?: string; items: { price: string }[] }[];
    expect(phases[0]?.end_date).toBe(String(periodEnd.getTime() / 1000));
    expect(phases[0]?.items.map((i) => i.price)).toContain(PRICES.pro);
    expect(phases[1]?.items.map((i) => i.price)).toEqual([PRICES.starter, PRICES.starterOverageMinutes]);
    const billing = await billingOf(world.t, org);
    expect(billing.plan.id).toBe("pro");
    expect(billing.scheduledPlan).toMatchObject({ id: "starter" });
  });

  it("Free cancels at the period's end; choosing the current plan again withdraws it", async () => {
    const org = await orgWithCustomer(world);
    const subscription = await subscribe(world, org);
    const down = await checkout(org, { planId: "free" });
    expect(down.status, down.text).toBe(200);
    expect(down.body).toMatchObject({ action: "downgrade_scheduled", scheduledPlanId: "free" });
    expect(world.stripe.requestsTo(`/v1/subscriptions/${subscription.id}`).at(-1)?.params).toEqual({ cancel_at_period_end: "true" });
    let billing = await billingOf(world.t, org);
    expect(billing.plan.id).toBe("pro");
    expect(billing.subscription.cancelAtPeriodEnd).toBe(true);
    expect(billing.scheduledPlan).toMatchObject({ id: "free" });

    const keep = await checkout(org, { planId: "pro" });
    expect(keep.status, keep.text).toBe(200);
    expect(keep.body).toMatchObject({ action: "downgrade_cancelled", planId: "pro", scheduledPlanId: null });
    expect(world.stripe.requestsTo(`/v1/subscriptions/${subscription.id}`).at(-1)?.params).toEqual({ cancel_at_period_end: "false" });
    billing = await billingOf(world.t, org);
    expect(billing.subscription.cancelAtPeriodEnd).toBe(false);
    expect(billing.scheduledPlan).toBeNull();
    const again = await checkout(org, { planId: "pro" });
    expect(again.status).toBe(409);
  });
});

describe("POST /billing/portal", () => {
  it("opens a Billing Portal session for the organization's customer, returning to the billing page", async () => {
    const owner = await createOrgWithOwner(world.t);
    const res = await world.t.api.post(`/api/v1/orgs/${owner.organizationId}/billing/portal`, undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
    const sent = world.stripe.requestsTo("/v1/billing_portal/sessions").at(-1)?.params;
    expect(sent).toEqual({ customer: world.stripe.customerOf(owner.organizationId), return_url: `http://localhost:3000/orgs/${owner.organizationId}/billing` });
  });

  it("Stripe failing becomes 502 with a clear message", async () => {
    const owner = await createOrgWithOwner(world.t);
    world.stripe.failNext(1, "error", "/v1/billing_portal");
    const res = await world.t.api.post(`/api/v1/orgs/${owner.organizationId}/billing/portal`, undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(502);
    expect(res.body.code).toBe("VENDOR_UNAVAILABLE");
  });
});

describe("overage reported as Billing meter events", () => {
  it("an ended period's overage is sent once, retried by the job queue after a Stripe error, with the same identifier", async () => {
    const org = await orgWithCustomer(world);
    const periodStart = wholeSeconds(new Date(Date.now() - 30 * DAY_MS));
    const periodEnd = wholeSeconds(new Date(Date.now() - 60_000));
    const subscription = await subscribe(world, org, { periodStart, periodEnd });
    // The billing core recorded this period's usage beyond the Pro limits.
    await world.t.ownerQuery(
      `INSERT INTO usage_periods (organization_id, period_start, period_end, calls, billable_seconds, billed_seconds, overage_calls, overage_seconds)
       VALUES ($1, $2, $3, 2012, 240000, 240150, 12, 150)
       ON CONFLICT (organization_id, period_start) DO UPDATE SET overage_calls = 12, overage_seconds = 150`,
      [org.organizationId, periodStart, periodEnd],
    );
    expect(await queueOverageReports(world.t.platform.ctx)).toBe(0); // still the current period
    const rolled = world.stripe.putSubscription({
      id: subscription.id,
      customer: org.customerId,
      prices: [PRICES.pro, PRICES.proOverageMinutes, PRICES.proOverageCalls],
      periodStart: periodEnd,
      periodEnd: new Date(periodEnd.getTime() + 30 * DAY_MS),
    });
    await deliverAndProcess(world.t, stripeEvent("customer.subscription.updated", rolled, new Date(Date.now() + 2000)));

    world.stripe.failNext(1, "error", "/v1/billing/meter_events");
    expect(await queueOverageReports(world.t.platform.ctx)).toBe(1);
    expect(await queueOverageReports(world.t.platform.ctx)).toBe(0);
    const deadline = Date.now() + 20_000;
    let reported: { overage_calls: number; overage_minutes: number } | undefined;
    while (Date.now() < deadline && !reported) {
      const { rows } = await world.t.ownerQuery<{ overage_calls: number; overage_minutes: number }>(
        "SELECT overage_calls, overage_minutes FROM stripe_overage_reports WHERE organization_id = $1 AND reported_at IS NOT NULL",
        [org.organizationId],
      );
      reported = rows[0];
      if (!reported) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(reported).toEqual({ overage_calls: 12, overage_minutes: 3 });
    const events = world.stripe
      .requestsTo("/v1/billing/meter_events")
      .filter((r) => (r.params.payload as Record<string, string>).stripe_customer_id === org.customerId);
    // The first attempt failed with a 500; the retry sent both meters.
    expect(events.length).toBe(3);
    const accepted = events.slice(1).map((r) => ({ name: r.params.event_name, value: (r.params.payload as Record<string, string>).value }));
    expect(accepted).toEqual([
      { name: "switchboard_overage_calls", value: "12" },
      { name: "switchboard_overage_minutes", value: "3" },
    ]);
    expect(events[0]?.params.identifier).toBe(events[1]?.params.identifier);
    expect(events[1]?.idempotencyKey).toBe(events[1]?.params.identifier);
    expect(Number(events[1]?.params.timestamp)).toBe(periodEnd.getTime() / 1000 - 1);
  }, 30_000);
});
