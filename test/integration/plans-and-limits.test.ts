// The plans catalog (PRODUCT.md §3) and the one limits service: what an organization's plan
// allows, answered from the database at the moment of asking.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "../../src/server/db/transaction.js";
import { LimitReached } from "../../src/server/errors.js";
import { assertMayAdd, checkLimit } from "../../src/server/modules/plans/service.js";
import { createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

const BASIC = ["basic_analytics"];
const STARTER = [...BASIC, "advanced_analytics", "api_access"];
const PRO = [...STARTER, "webhooks", "custom_voices", "recordings_export"];
const ENTERPRISE = [...PRO, "sla", "custom_integrations"];

describe("GET /api/v1/plans", () => {
  it("lists Free, Starter, Pro and Enterprise with the limits of PRODUCT.md §3, without signing in", async () => {
    const res = await t.api.get("/api/v1/plans");
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toEqual([
      {
        id: "free",
        name: "Free",
        priceCents: 0,
        callsPerMonth: 50,
        minutesPerMonth: 100,
        concurrentCalls: 1,
        assistants: 1,
        phoneNumbers: 1,
        seats: 2,
        features: BASIC,
        billingIncrementSeconds: 60,
        overageCallCents: null,
        overageMinuteCents: null,
      },
      {
        id: "starter",
        name: "Starter",
        priceCents: 2900,
        callsPerMonth: 500,
        minutesPerMonth: 1000,
        concurrentCalls: 3,
        assistants: 3,
        phoneNumbers: 2,
        seats: 5,
        features: STARTER,
        billingIncrementSeconds: 60,
        overageCallCents: 10,
        overageMinuteCents: 6,
      },
      {
        id: "pro",
        name: "Pro",
        priceCents: 9900,
        callsPerMonth: 2000,
        minutesPerMonth: 4000,
        concurrentCalls: 10,
        assistants: 10,
        phoneNumbers: 5,
        seats: 15,
        features: PRO,
        billingIncrementSeconds: 60,
        overageCallCents: 8,
        overageMinuteCents: 5,
      },
      {
        id: "enterprise",
        name: "Enterprise",
        priceCents: null,
        callsPerMonth: null,
        minutesPerMonth: null,
        // "custom" in PRODUCT.md: a default the super admin adjusts per contract.
        concurrentCalls: expect.any(Number),
        assistants: null,
        phoneNumbers: null,
        seats: null,
        features: ENTERPRISE,
        billingIncrementSeconds: 60,
        overageCallCents: null,
        overageMinuteCents: null,
      },
    ]);
  });

  it("does not expose Stripe price ids or internal columns", async () => {
    const res = await t.api.get("/api/v1/plans");
    for (const plan of res.body.items) expect(Object.keys(plan)).not.toContain("stripePriceId");
  });
});

describe("an organization's plan", () => {
  it("a new organization is on Free", async () => {
    const owner = await createOrgWithOwner(t);
    const res = await t.api.get(`/api/v1/orgs/${owner.organizationId}`, { token: owner.accessToken });
    expect(res.body.plan).toEqual({ id: "free", name: "Free" });
    const created = await t.api.post("/api/v1/orgs", { name: "Second Location" }, { token: owner.accessToken });
    expect(created.body.plan).toEqual({ id: "free", name: "Free" });
  });

  it("a plan change shows at once on the organization", async () => {
    const owner = await createOrgWithOwner(t);
    await t.ownerQuery("UPDATE organizations SET plan_id = 'pro' WHERE id = $1", [owner.organizationId]);
    const res = await t.api.get(`/api/v1/orgs/${owner.organizationId}`, { token: owner.accessToken });
    expect(res.body.plan).toEqual({ id: "pro", name: "Pro" });
  });
});

describe("the limits service", () => {
  let owner: TestOrgOwner;
  const check = (resource: "seats" | "assistants" | "phoneNumbers", used: number) =>
    withTenant(t.platform.ctx.db, owner.organizationId, (tx) => checkLimit(tx, owner.organizationId, resource, used));
  const mayAdd = (resource: "seats" | "assistants" | "phoneNumbers", used: number) =>
    withTenant(t.platform.ctx.db, owner.organizationId, (tx) => assertMayAdd(tx, owner.organizationId, resource, used));
  const setPlan = (planId: string) => t.ownerQuery("UPDATE organizations SET plan_id = $2 WHERE id = $1", [owner.organizationId, planId]);

  beforeAll(async () => {
    owner = await createOrgWithOwner(t);
  });

  it.each([
    ["seats", 0, true],
    ["seats", 1, true],
    ["seats", 2, false],
    ["seats", 3, false],
    ["assistants", 0, true],
    ["assistants", 1, false],
    ["phoneNumbers", 0, true],
    ["phoneNumbers", 1, false],
  ] as const)("on Free, with %s used %i, allows another: %s", async (resource, used, allowed) => {
    await setPlan("free");
    const expectedLimit = { seats: 2, assistants: 1, phoneNumbers: 1 }[resource];
    expect(await check(resource, used)).toEqual({ allowed, limit: expectedLimit, used, planName: "Free" });
  });

  it.each([
    ["seats", "SEAT_LIMIT_REACHED", 2],
    ["assistants", "ASSISTANT_LIMIT_REACHED", 1],
    ["phoneNumbers", "PHONE_NUMBER_LIMIT_REACHED", 1],
  ] as const)("assertMayAdd refuses %s at the Free limit with a 403 LimitReached %s", async (resource, code, limit) => {
    await setPlan("free");
    await expect(mayAdd(resource, limit - 1)).resolves.toBeUndefined();
    const error = await mayAdd(resource, limit).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitReached);
    expect(error).toMatchObject({ status: 403, code, extra: { limit, used: limit, resource } });
    expect((error as Error).message).toContain("Free plan");
  });

  it("applies a plan change immediately: Starter 5 seats, Pro 15, Enterprise unlimited, back to Free 2", async () => {
    await setPlan("starter");
    expect(await check("seats", 4)).toMatchObject({ allowed: true, limit: 5, planName: "Starter" });
    expect(await check("seats", 5)).toMatchObject({ allowed: false, limit: 5 });
    await setPlan("pro");
    expect(await check("seats", 14)).toMatchObject({ allowed: true, limit: 15, planName: "Pro" });
    expect(await check("seats", 15)).toMatchObject({ allowed: false });
    await setPlan("enterprise");
    expect(await check("seats", 100_000)).toEqual({ allowed: true, limit: null, used: 100_000, planName: "Enterprise" });
    await expect(mayAdd("assistants", 100_000)).resolves.toBeUndefined();
    await setPlan("free");
    expect(await check("seats", 2)).toMatchObject({ allowed: false, limit: 2, planName: "Free" });
  });

  it("a change to the plans catalog applies immediately to every organization on it", async () => {
    await setPlan("starter");
    await t.ownerQuery("UPDATE plans SET seats = 6 WHERE id = 'starter'");
    try {
      expect(await check("seats", 5)).toMatchObject({ allowed: true, limit: 6 });
    } finally {
      await t.ownerQuery("UPDATE plans SET seats = 5 WHERE id = 'starter'");
    }
  });

  it("cannot read the plan of an organization outside the tenant transaction", async () => {
    const other = await createOrgWithOwner(t);
    const attempt = withTenant(t.platform.ctx.db, owner.organizationId, (tx) => checkLimit(tx, other.organizationId, "seats", 0));
    await expect(attempt).rejects.toThrow();
  });
});
