// The billing API (overview, daily usage series, invoices) and its security, the period-close job in
// manual billing mode (exactly one invoice per period with plan and overage lines, a scheduled
// plan applied at the period's end, periods rolled forward), and the super admin's plans catalog,
// plan assignment and invoice settlement.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeEndedPeriods } from "../../src/server/modules/billing/period-close.js";
import {
  assistantRequest,
  BILLING_TEST_ENV,
  type BillingTenant,
  createBillingTenant,
  endOfCallReport,
  playCalls,
  postVapi,
  waitUntilIngested,
} from "../helpers/billing-calls.js";
import { addTeammate, signIn } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { describeRouteSecurity, type SecurityOrg } from "../helpers/route-security.js";

const ADMIN_EMAIL = "root@billing-api.test";
const ADMIN_PASSWORD = "super admin password 1";
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

let t: TestPlatform;
let adminToken: string;

beforeAll(async () => {
  t = await startTestPlatform({ env: { ...BILLING_TEST_ENV, ADMIN_EMAIL, ADMIN_PASSWORD } });
  adminToken = (await signIn(t, ADMIN_EMAIL, ADMIN_PASSWORD)).body.accessToken;
});
afterAll(() => t?.stop());

function localDate(timeZone: string, at: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

async function freshToken(tenant: BillingTenant): Promise<string> {
  const res = await signIn(t, tenant.owner.email, tenant.owner.password);
  expect(res.status, res.text).toBe(200);
  return res.body.accessToken;
}

describe("GET /orgs/{orgId}/billing", () => {
  it("shows the plan with limits and entitlements, manual mode, the period, usage against limits and no alerts", async () => {
    const tenant = await createBillingTenant(t, { plan: "starter" });
    await playCalls(t, tenant, [{ durationSeconds: 100 }, { durationSeconds: 20 }]);
    const res = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/billing`, { token: tenant.owner.accessToken });
    expect(res.status, res.text).toBe(200);
    const body = res.body;
    expect(body).toMatchObject({
      mode: "manual",
      status: "active",
      plan: {
        id: "starter",
        name: "Starter",
        priceCents: 2900,
        callsPerMonth: 500,
        minutesPerMonth: 1000,
        billingIncrementSeconds: 60,
        overageCallCents: 10,
        overageMinuteCents: 6,
        stopsAtLimit: false,
        entitlements: { api_access: true, advanced_analytics: true, webhooks: false, custom_voices: false, recordings_export: false },
      },
      scheduledPlan: null,
      subscription: { stripeSubscriptionId: null, status: null, cancelAtPeriodEnd: false, pastDueSince: null, graceEndsAt: null },
      usage: { calls: { used: 2, limit: 500, percent: 0.4, overage: 0 }, minutes: { used: 3, limit: 1000, percent: 0.3, overage: 0 } },
      alerts: [],
    });
    expect(body.plan).not.toHaveProperty("stripePriceId");
    // Monthly periods anchored at the organization's creation day, 00:00 in its time zone (UTC).
    const start = new Date(body.period.start);
    expect(body.period.timezone).toBe("UTC");
    expect(start.getUTCHours()).toBe(0);
    expect(localDate("UTC", start)).toBe(localDate("UTC", new Date()));
    const end = new Date(body.period.end);
    expect(end.getUTCDate()).toBe(Math.min(start.getUTCDate(), new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 2, 0)).getUTCDate()));
    expect((end.getUTCMonth() - start.getUTCMonth() + 12) % 12).toBe(1);
  });
});

describe("billing accounts", () => {
  it("every new organization has one; one found missing is created on first use, anchored at the organization's creation day", async () => {
    const tenant = await createBillingTenant(t);
    const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM billing_accounts WHERE organization_id = $1", [tenant.organizationId]);
    expect(rows[0]!.n).toBe(1);
    await t.ownerQuery("DELETE FROM billing_accounts WHERE organization_id = $1", [tenant.organizationId]);
    await t.ownerQuery("UPDATE organizations SET created_at = now() - interval '40 days', timezone = 'America/New_York' WHERE id = $1", [
      tenant.organizationId,
    ]);
    const res = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/billing`, { token: tenant.owner.accessToken });
    expect(res.status, res.text).toBe(200);
    const start = new Date(res.body.period.start);
    const end = new Date(res.body.period.end);
    expect(start.getTime()).toBeLessThanOrEqual(Date.now());
    expect(end.getTime()).toBeGreaterThan(Date.now());
    // 00:00 in New York, on the day of month the organization was created.
    expect(new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(start)).toBe(
      "00:00",
    );
    const createdDay = Number(localDate("America/New_York", new Date(Date.now() - 40 * DAY_MS)).slice(8));
    const [year, month, day] = localDate("America/New_York", start).split("-").map(Number) as [number, number, number];
    expect(day).toBe(Math.min(createdDay, new Date(Date.UTC(year, month, 0)).getUTCDate()));
    expect(res.body.period.timezone).toBe("America/New_York");
  });
});

describe("GET /orgs/{orgId}/billing/usage", () => {
  let tenant: BillingTenant;
  const zone = "Pacific/Auckland";

  beforeAll(async () => {
    tenant = await createBillingTenant(t, { plan: "pro" });
    await t.ownerQuery("UPDATE organizations SET timezone = $2 WHERE id = $1", [tenant.organizationId, zone]);
    const createdAtMs = Date.now() - 60_000;
    // Two calls through the assistant (assistant-request first), one that named no assistant.
    for (const id of ["call-series-1", "call-series-2"]) {
      await postVapi(t.platform.app, assistantRequest(tenant, id, createdAtMs));
    }
    await postVapi(t.platform.app, endOfCallReport(tenant, "call-series-1", { durationSeconds: 61, createdAtMs }));
    await postVapi(t.platform.app, endOfCallReport(tenant, "call-series-2", { durationSeconds: 30, createdAtMs }));
    await postVapi(t.platform.app, endOfCallReport(tenant, "call-series-3", { durationSeconds: 300, createdAtMs }));
    await waitUntilIngested(t, ["call-series-1", "call-series-2", "call-series-3"]);
  });

  it("answers every local day in the range, zero-filled, in the organization's time zone", async () => {
    const today = localDate(zone, new Date(Date.now() - 60_000));
    const from = addDays(today, -3);
    const res = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/billing/usage?from=${from}&to=${today}`, { token: tenant.owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      timezone: zone,
      from,
      to: today,
      assistantId: null,
      days: [
        { date: from, calls: 0, minutes: 0, billedSeconds: 0 },
        { date: addDays(today, -2), calls: 0, minutes: 0, billedSeconds: 0 },
        { date: addDays(today, -1), calls: 0, minutes: 0, billedSeconds: 0 },
        { date: today, calls: 3, minutes: 8, billedSeconds: 480 },
      ],
      totals: { calls: 3, minutes: 8, billedSeconds: 480 },
    });
  });

  it("filters by assistant", async () => {
    const today = localDate(zone, new Date(Date.now() - 60_000));
    const mine = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/billing/usage?from=${today}&to=${today}&assistantId=${tenant.assistantId}`, {
      token: tenant.owner.accessToken,
    });
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body.days).toEqual([{ date: today, calls: 2, minutes: 3, billedSeconds: 180 }]);
    const other = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/billing/usage?from=${today}&to=${today}&assistantId=ast_other`, {
      token: tenant.owner.accessToken,
    });
    expect(other.body.days).toEqual([{ date: today, calls: 0, minutes: 0, billedSeconds: 0 }]);
  });

  it("defaults to the current period up to today", async () => {
    const res = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/billing/usage`, { token: tenant.owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.to).toBe(localDate(zone, new Date()));
    expect(res.body.totals).toEqual({ calls: 3, minutes: 8, billedSeconds: 480 });
  });

  it("refuses bad dates, a reversed range and more than 366 days with 422", async () => {
    const base = `/api/v1/orgs/${tenant.organizationId}/billing/usage`;
    const token = tenant.owner.accessToken;
    for (const query of ["from=2026-02-30&to=2026-03-01", "from=yesterday", "from=2026-03-10&to=2026-03-01", "from=2025-01-01&to=2026-03-01"]) {
      const res = await t.api.get(`${base}?${query}`, { token });
      expect(res.status, `${query}: ${res.text}`).toBe(422);
      expect(res.body.code).toBe("VALIDATION_FAILED");
    }
  });
});

describe("closing a billing period in manual mode", () => {
  let starter: BillingTenant;
  let pro: BillingTenant;
  let free: BillingTenant;
  let periodEnd: string;

  beforeAll(async () => {
    [starter, pro, free] = await Promise.all([createBillingTenant(t, { plan: "starter" }), createBillingTenant(t, { plan: "pro" }), createBillingTenant(t)]);
    const details = await t.api.patch(
      `/api/v1/orgs/${starter.organizationId}/billing/details`,
      { billingAddress: { line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" } },
      { token: starter.owner.accessToken },
    );
    expect(details.status, details.text).toBe(200);
    // 1,000 minutes, then 150 s more: 3 minutes beyond the plan (each call rounded up to whole minutes).
    await playCalls(t, starter, [{ durationSeconds: 1000 * 60 }, { durationSeconds: 150 }]);
    await playCalls(t, free, [{ durationSeconds: 60 }]);
    const scheduled = await t.api.request("PUT", `/api/v1/admin/organizations/${starter.organizationId}/plan`, {
      token: adminToken,
      body: { planId: "free", effective: "period_end" },
    });
    expect(scheduled.status, scheduled.text).toBe(200);
    const overview = await t.api.get(`/api/v1/orgs/${starter.organizationId}/billing`, { token: starter.owner.accessToken });
    periodEnd = overview.body.period.end;
    expect(scheduled.body).toEqual({ organizationId: starter.organizationId, planId: "starter", scheduledPlanId: "free", effectiveAt: periodEnd });
    expect(overview.body.scheduledPlan).toEqual({ id: "free", name: "Free", effectiveAt: periodEnd });
  });
  afterAll(() => t.clock.set(new Date()));

  it("issues exactly one invoice per organization and period, however often the job runs", async () => {
    t.clock.set(new Date(Date.parse(periodEnd) + HOUR_MS));
    await Promise.all([closeEndedPeriods(t.platform.ctx), closeEndedPeriods(t.platform.ctx)]);
    const again = await closeEndedPeriods(t.platform.ctx);
    expect(again.invoicesIssued).toBe(0);
    const { rows } = await t.ownerQuery<{ organization_id: string; n: number }>(
      "SELECT organization_id, count(*)::int AS n FROM invoices WHERE organization_id = ANY($1) GROUP BY organization_id",
      [[starter.organizationId, pro.organizationId, free.organizationId]],
    );
    expect(Object.fromEntries(rows.map((row) => [row.organization_id, row.n]))).toEqual({ [starter.organizationId]: 1, [pro.organizationId]: 1 });
    const audit = await t.ownerQuery("SELECT 1 FROM audit_log WHERE action = 'billing.invoice_issued' AND organization_id = $1", [starter.organizationId]);
    expect(audit.rowCount).toBe(1);
  });

  it("the invoice has the plan line and the overage lines, tax-free, numbered, made out to the organization", async () => {
    const token = await freshToken(starter);
    const list = await t.api.get(`/api/v1/orgs/${starter.organizationId}/billing/invoices`, { token });
    expect(list.status, list.text).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.nextCursor).toBeNull();
    const summary = list.body.items[0];
    expect(summary).toMatchObject({ status: "open", source: "manual", currency: "usd", subtotalCents: 2918, taxCents: 0, totalCents: 2918, periodEnd });
    expect(summary.number).toMatch(/^SB-\d{4}-\d{6}$/);
    const detail = await t.api.get(`/api/v1/orgs/${starter.organizationId}/billing/invoices/${summary.id}`, { token });
    expect(detail.status, detail.text).toBe(200);
    expect(detail.body.lines).toEqual([
      { position: 1, kind: "plan", description: expect.stringMatching(/^Starter plan, /), quantity: 1, unitCents: 2900, amountCents: 2900 },
      { position: 2, kind: "overage", description: "Minutes beyond the 1,000 included", quantity: 3, unitCents: 6, amountCents: 18 },
    ]);
    expect(detail.body.billTo).toEqual({
      name: starter.owner.organizationName,
      email: starter.owner.email,
      address: { line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
    });
    expect(detail.body.organization).toEqual({ id: starter.organizationId, name: starter.owner.organizationName });
    expect(detail.body.planId).toBe("starter");
  });

  it("rolls the period forward, resets usage and applies the scheduled plan", async () => {
    const token = await freshToken(starter);
    const res = await t.api.get(`/api/v1/orgs/${starter.organizationId}/billing`, { token });
    expect(res.body.period.start).toBe(periodEnd);
    expect(Date.parse(res.body.period.end)).toBeGreaterThan(Date.parse(periodEnd) + 27 * DAY_MS);
    expect(res.body.plan.id).toBe("free");
    expect(res.body.scheduledPlan).toBeNull();
    expect(res.body.usage.minutes).toMatchObject({ used: 0, overage: 0 });
  });

  it("pages invoices newest first with a cursor", async () => {
    const token = await freshToken(pro);
    const current = await t.api.get(`/api/v1/orgs/${pro.organizationId}/billing`, { token });
    t.clock.set(new Date(Date.parse(current.body.period.end) + HOUR_MS));
    await closeEndedPeriods(t.platform.ctx);
    const later = await freshToken(pro);
    const first = await t.api.get(`/api/v1/orgs/${pro.organizationId}/billing/invoices?limit=1`, { token: later });
    expect(first.status, first.text).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0].totalCents).toBe(9900);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.api.get(`/api/v1/orgs/${pro.organizationId}/billing/invoices?limit=1&cursor=${first.body.nextCursor}`, { token: later });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    expect(Date.parse(second.body.items[0].periodStart)).toBeLessThan(Date.parse(first.body.items[0].periodStart));
    expect(second.body.items[0].number < first.body.items[0].number).toBe(true);
    const bad = await t.api.get(`/api/v1/orgs/${pro.organizationId}/billing/invoices?cursor=not-a-cursor`, { token: later });
    expect(bad.status).toBe(422);
    // The Free organization is never invoiced.
    const freeList = await t.api.get(`/api/v1/orgs/${free.organizationId}/billing/invoices`, { token: await freshToken(free) });
    expect(freeList.body.items).toEqual([]);
  });

  it("the super admin marks an invoice paid; a paid invoice cannot be voided", async () => {
    t.clock.set(new Date());
    const admin = (await signIn(t, ADMIN_EMAIL, ADMIN_PASSWORD)).body.accessToken;
    const token = await freshToken(starter);
    const [invoice] = (await t.api.get(`/api/v1/orgs/${starter.organizationId}/billing/invoices`, { token })).body.items;
    const path = `/api/v1/admin/organizations/${starter.organizationId}/invoices/${invoice.id}`;
    expect((await t.api.patch(path, { status: "paid" }, { token: starter.owner.accessToken })).status).toBe(403);
    expect((await t.api.patch(path, { status: "refunded" }, { token: admin })).status).toBe(422);
    const paid = await t.api.patch(path, { status: "paid" }, { token: admin });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body).toEqual({ id: invoice.id, status: "paid" });
    const detail = await t.api.get(`/api/v1/orgs/${starter.organizationId}/billing/invoices/${invoice.id}`, { token });
    expect(detail.body).toMatchObject({ status: "paid", paidAt: expect.any(String), voidedAt: null });
    const voided = await t.api.patch(path, { status: "void" }, { token: admin });
    expect(voided.status).toBe(409);
    expect(voided.body.code).toBe("INVOICE_NOT_OPEN");
    const foreign = await t.api.patch(`/api/v1/admin/organizations/${pro.organizationId}/invoices/${invoice.id}`, { status: "paid" }, { token: admin });
    expect(foreign.status).toBe(404);
  });
});

describe("the plans catalog (super admin)", () => {
  beforeAll(async () => {
    await t.ownerQuery(
      "INSERT INTO plans (id, name, price_cents, calls_per_month, minutes_per_month, features, sort_order) VALUES ('edit-me', 'Edit me', 1500, 10, 20, '[\"basic_analytics\"]', 95)",
    );
  });

  it("edits price, limits, features, overage prices and Stripe price ids, audited, and the public catalog shows it", async () => {
    const res = await t.api.patch(
      "/api/v1/admin/plans/edit-me",
      {
        name: "Edited",
        priceCents: 1900,
        callsPerMonth: null,
        minutesPerMonth: 300,
        features: ["basic_analytics", "webhooks"],
        billingIncrementSeconds: 6,
        overageMinuteCents: 4,
        stripePriceId: "price_edit123",
        stripeOverageMinutePriceId: "price_editminutes",
      },
      { token: adminToken },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id: "edit-me",
      name: "Edited",
      priceCents: 1900,
      callsPerMonth: null,
      minutesPerMonth: 300,
      features: ["basic_analytics", "webhooks"],
      billingIncrementSeconds: 6,
      overageCallCents: null,
      overageMinuteCents: 4,
      stripePriceId: "price_edit123",
      stripeOverageMinutePriceId: "price_editminutes",
    });
    const catalog = await t.api.get("/api/v1/plans");
    const plan = catalog.body.items.find((item: { id: string }) => item.id === "edit-me");
    expect(plan).toMatchObject({ name: "Edited", priceCents: 1900, overageMinuteCents: 4 });
    expect(plan).not.toHaveProperty("stripePriceId");
    const admin = await t.api.get("/api/v1/admin/plans", { token: adminToken });
    expect(admin.body.items.find((item: { id: string }) => item.id === "edit-me").stripePriceId).toBe("price_edit123");
    const { rows } = await t.ownerQuery<{ metadata: { before: Record<string, unknown>; after: Record<string, unknown> } }>(
      "SELECT metadata FROM audit_log WHERE action = 'admin.plan_updated' AND target_id = 'edit-me'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.metadata.before).toMatchObject({ name: "Edit me", priceCents: 1500, callsPerMonth: 10 });
    expect(rows[0]!.metadata.after).toMatchObject({ name: "Edited", priceCents: 1900, callsPerMonth: null });
  });

  it("refuses invalid edits with 422 naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ minutesPerMonth: -1 }, "body.minutesPerMonth"],
      [{ callsPerMonth: 1.5 }, "body.callsPerMonth"],
      [{ priceCents: "free" }, "body.priceCents"],
      [{ features: ["teleportation"] }, "body.features.0"],
      [{ features: ["webhooks", "webhooks"] }, "body.features"],
      [{ stripePriceId: "prod_123" }, "body.stripePriceId"],
      [{ billingIncrementSeconds: 0 }, "body.billingIncrementSeconds"],
      [{ name: "   " }, "body.name"],
      [{ id: "renamed" }, "body"],
      [{}, "body"],
    ];
    for (const [body, path] of cases) {
      const res = await t.api.patch("/api/v1/admin/plans/edit-me", body, { token: adminToken });
      expect(res.status, `${JSON.stringify(body)}: ${res.text}`).toBe(422);
      expect(
        res.body.errors.map((error: { path: string }) => error.path),
        JSON.stringify(body),
      ).toContain(path);
    }
  });

  it("answers 404 for an unknown plan, 401 without a token and 403 to anyone but a super admin", async () => {
    expect((await t.api.patch("/api/v1/admin/plans/no-such-plan", { name: "X" }, { token: adminToken })).status).toBe(404);
    expect((await t.api.patch("/api/v1/admin/plans/edit-me", { name: "X" })).status).toBe(401);
    const owner = await createBillingTenant(t);
    const forbidden = await t.api.patch("/api/v1/admin/plans/edit-me", { name: "X" }, { token: owner.owner.accessToken });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe("SUPER_ADMIN_ONLY");
    expect((await t.api.get("/api/v1/admin/plans", { token: owner.owner.accessToken })).status).toBe(403);
  });

  it("assigning an organization's plan validates the plan, the organization and the caller", async () => {
    const tenant = await createBillingTenant(t);
    const path = `/api/v1/admin/organizations/${tenant.organizationId}/plan`;
    expect((await t.api.request("PUT", path, { token: adminToken, body: { planId: "no-such-plan" } })).status).toBe(404);
    expect((await t.api.request("PUT", path, { token: adminToken, body: { planId: "pro", effective: "tomorrow" } })).status).toBe(422);
    expect((await t.api.request("PUT", path, { token: tenant.owner.accessToken, body: { planId: "pro" } })).status).toBe(403);
    expect(
      (await t.api.request("PUT", "/api/v1/admin/organizations/org_doesnotexist00000000000000/plan", { token: adminToken, body: { planId: "pro" } })).status,
    ).toBe(404);
    const ok = await t.api.request("PUT", path, { token: adminToken, body: { planId: "pro" } });
    expect(ok.status, ok.text).toBe(200);
    const billing = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/billing`, { token: tenant.owner.accessToken });
    expect(billing.body.plan).toMatchObject({ id: "pro", entitlements: { webhooks: true, recordings_export: true } });
    const audit = await t.ownerQuery<{ metadata: unknown }>("SELECT metadata FROM audit_log WHERE action = 'admin.org_plan_changed' AND organization_id = $1", [
      tenant.organizationId,
    ]);
    expect(audit.rows).toEqual([{ metadata: { from: "free", to: "pro", effective: "now" } }]);
  });

  it("an organization whose plan Stripe manages cannot be assigned a plan by hand", async () => {
    const tenant = await createBillingTenant(t);
    await t.ownerQuery("UPDATE billing_accounts SET stripe_customer_id = 'cus_test1', stripe_subscription_id = 'sub_test1' WHERE organization_id = $1", [
      tenant.organizationId,
    ]);
    const res = await t.api.request("PUT", `/api/v1/admin/organizations/${tenant.organizationId}/plan`, { token: adminToken, body: { planId: "pro" } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("BILLING_MANAGED_BY_STRIPE");
  });
});

describe("PATCH /orgs/{orgId}/billing/details", () => {
  it("the owner sets the name, email and address receipts are made out to, audited; the overview shows them", async () => {
    const tenant = await createBillingTenant(t);
    const res = await t.api.patch(
      `/api/v1/orgs/${tenant.organizationId}/billing/details`,
      { billingName: "Acme Dental LLC", billingEmail: "Accounts@Example.com", billingAddress: { line1: " 5 Oak Ave ", city: "Portland", country: "US" } },
      { token: tenant.owner.accessToken },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      billingName: "Acme Dental LLC",
      billingEmail: "accounts@example.com",
      billingAddress: { line1: "5 Oak Ave", city: "Portland", country: "US" },
    });
    const cleared = await t.api.patch(`/api/v1/orgs/${tenant.organizationId}/billing/details`, { billingName: null }, { token: tenant.owner.accessToken });
    expect(cleared.body).toMatchObject({ billingName: null, billingEmail: "accounts@example.com" });
    const overview = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/billing`, { token: tenant.owner.accessToken });
    expect(overview.body.details).toEqual({
      billingName: null,
      billingEmail: "accounts@example.com",
      billingAddress: { line1: "5 Oak Ave", city: "Portland", country: "US" },
    });
    const audit = await t.ownerQuery("SELECT 1 FROM audit_log WHERE action = 'billing.details_updated' AND organization_id = $1", [tenant.organizationId]);
    expect(audit.rowCount).toBe(2);
  });

  it("refuses bad details with 422", async () => {
    const tenant = await createBillingTenant(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ billingEmail: "not-an-email" }, "body.billingEmail"],
      [{ billingAddress: { country: "USA" } }, "body.billingAddress.country"],
      [{ billingAddress: { line1: "   " } }, "body.billingAddress.line1"],
      [{ billingAddress: { planet: "Mars" } }, "body.billingAddress.planet"],
      [{ billingName: "x".repeat(201) }, "body.billingName"],
      [{}, "body"],
    ];
    for (const [body, path] of cases) {
      const res = await t.api.patch(`/api/v1/orgs/${tenant.organizationId}/billing/details`, body, { token: tenant.owner.accessToken });
      expect(res.status, `${JSON.stringify(body)}: ${res.text}`).toBe(422);
      expect(
        res.body.errors.map((error: { path: string }) => error.path),
        JSON.stringify(body),
      ).toContain(path);
    }
  });
});

describe("who may read billing", () => {
  it("owners and admins read billing; members and viewers get 403", async () => {
    const tenant = await createBillingTenant(t, { plan: "pro" });
    const admin = await addTeammate(t, tenant.owner, "admin");
    const member = await addTeammate(t, tenant.owner, "member");
    const path = `/api/v1/orgs/${tenant.organizationId}/billing`;
    expect((await t.api.get(path, { token: admin.accessToken })).status).toBe(200);
    const res = await t.api.get(path, { token: member.accessToken });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("FORBIDDEN");
  });
});

const invoiceIds = new Map<string, string>();
/** An invoice of the organization, arranged in the database (the security cases need one per organization). */
async function invoiceOf(t: TestPlatform, org: SecurityOrg): Promise<Record<string, string>> {
  let id = invoiceIds.get(org.organizationId);
  if (!id) {
    id = `ivc_${randomBytes(8).toString("hex")}`;
    await t.ownerQuery(
      `INSERT INTO invoices (organization_id, id, number, source, period_start, period_end, subtotal_cents, total_cents, bill_to, issued_at)
       VALUES ($1, $2, $3, 'manual', now() - interval '1 month', now(), 100, 100, '{"name":"Security","email":null,"address":{}}', now())`,
      [org.organizationId, id, `SB-TEST-${randomBytes(3).toString("hex")}`],
    );
    invoiceIds.set(org.organizationId, id);
  }
  return { invoiceId: id };
}

const denied = ["member", "viewer"] as const;
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/billing", deniedRoles: denied });
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/billing/usage", deniedRoles: denied });
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/billing/invoices", deniedRoles: denied });
describeRouteSecurity(() => t, {
  method: "GET",
  path: "/api/v1/orgs/{orgId}/billing/invoices/{invoiceId}",
  deniedRoles: denied,
  subResourceIds: invoiceOf,
});
describeRouteSecurity(() => t, {
  method: "PATCH",
  path: "/api/v1/orgs/{orgId}/billing/details",
  deniedRoles: ["admin", "member", "viewer"],
  body: () => ({ billingName: "Security Test Co" }),
});
