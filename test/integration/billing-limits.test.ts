// Metered limits and alerts: emails to owners and admins at 80% and 100% of a limit, once per
// period and threshold (none at 79%, none again at 101%, again in the next period), the banner's
// alerts, the Free plan's fallback answer to assistant-request at 100% of calls or minutes, a paid
// plan continuing with overage counted, and plan changes that apply at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeEndedPeriods } from "../../src/server/modules/billing/period-close.js";
import { assistantRequest, BILLING_TEST_ENV, type BillingTenant, createBillingTenant, playCalls, postVapi, waitFor } from "../helpers/billing-calls.js";
import { addTeammate, signIn, type TestUser } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import type { ReceivedMail } from "../helpers/smtp.js";

const ADMIN_EMAIL = "root@billing-limits.test";
const ADMIN_PASSWORD = "super admin password 1";
const DAY_MS = 86_400_000;

let t: TestPlatform;
let adminToken: string;

beforeAll(async () => {
  t = await startTestPlatform({ env: { ...BILLING_TEST_ENV, ADMIN_EMAIL, ADMIN_PASSWORD } });
  adminToken = (await signIn(t, ADMIN_EMAIL, ADMIN_PASSWORD)).body.accessToken;
  // Paid plans with small limits so tests reach every threshold exactly; both charge overage.
  await t.ownerQuery(`INSERT INTO plans (id, name, price_cents, calls_per_month, minutes_per_month, billing_increment_seconds, overage_call_cents, overage_minute_cents,
      seats, features, sort_order) VALUES
    ('calls-100', 'Calls 100', 1000, 100, NULL, 60, 10, 5, 10, '[]', 90),
    ('minutes-10', 'Minutes 10', 1000, NULL, 10, 6, 10, 5, 10, '[]', 91),
    ('tiny-free', 'Tiny free', 0, NULL, 1, 60, NULL, NULL, 10, '[]', 92)`);
});
afterAll(() => t?.stop());

async function overview(tenant: BillingTenant, token = tenant.owner.accessToken) {
  const res = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/billing`, { token });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

function alertMails(email: string, organizationName: string): ReceivedMail[] {
  return t.mail.messages.filter((mail) => mail.to.includes(email.toLowerCase()) && mail.subject.startsWith(`${organizationName}:`));
}

/** Waits until the alert job has run and a mail for this threshold reached the address. */
async function waitForAlertMail(email: string, organizationName: string, subjectPart: string, count = 1) {
  return waitFor(async () => {
    const mails = alertMails(email, organizationName).filter((mail) => mail.subject.includes(subjectPart));
    return mails.length >= count ? mails : null;
  });
}

/** No pending alert or mail jobs: whatever was going to be sent has been. */
async function jobsSettled() {
  await waitFor(async () => {
    const { rows } = await t.ownerQuery<{ n: number }>(
      "SELECT count(*)::int AS n FROM pgboss.job WHERE name IN ('billing.usage-alert', 'mail.send') AND state IN ('created', 'retry', 'active')",
    );
    return rows[0]!.n === 0;
  });
}

function calls(count: number, durationSeconds = 30, createdAtMs?: number) {
  return Array.from({ length: count }, () => ({ durationSeconds, createdAtMs }));
}

describe("usage alerts", () => {
  let tenant: BillingTenant;
  let admin: TestUser;
  let member: TestUser;
  let orgName: string;

  beforeAll(async () => {
    tenant = await createBillingTenant(t, { plan: "calls-100" });
    orgName = tenant.owner.organizationName;
    admin = await addTeammate(t, tenant.owner, "admin");
    member = await addTeammate(t, tenant.owner, "member");
  });

  it("sends nothing at 79% of the calls limit", async () => {
    await playCalls(t, tenant, calls(79));
    await jobsSettled();
    expect(alertMails(tenant.owner.email, orgName)).toEqual([]);
    const billing = await overview(tenant);
    expect(billing.usage.calls).toMatchObject({ used: 79, limit: 100, percent: 79 });
    expect(billing.alerts).toEqual([]);
  });

  it("at 80% emails the owners and admins once, not members, and shows the banner alert", async () => {
    await playCalls(t, tenant, calls(1));
    const [ownerMail] = await waitForAlertMail(tenant.owner.email, orgName, "80% of your monthly calls");
    expect(ownerMail!.text).toContain("80% of the 100 calls your Calls 100 plan includes");
    expect(ownerMail!.links.some((link) => link.endsWith(`/orgs/${tenant.organizationId}/billing`))).toBe(true);
    await waitForAlertMail(admin.email, orgName, "80% of your monthly calls");
    await jobsSettled();
    expect(alertMails(member.email, orgName)).toEqual([]);
    const billing = await overview(tenant);
    expect(billing.alerts).toEqual([{ metric: "calls", threshold: 80, used: 80, limit: 100, percent: 80, notifiedAt: expect.any(String) }]);
  });

  it("does not email 80% again on the next call of the period", async () => {
    await playCalls(t, tenant, calls(1));
    await jobsSettled();
    expect(alertMails(tenant.owner.email, orgName)).toHaveLength(1);
  });

  it("at 100% emails once more, saying calls continue as overage on a paid plan", async () => {
    await playCalls(t, tenant, calls(19));
    const [mail] = await waitForAlertMail(tenant.owner.email, orgName, "100% of your monthly calls");
    expect(mail!.text).toContain("Calls continue; usage beyond the plan is billed as overage.");
    await waitForAlertMail(admin.email, orgName, "100% of your monthly calls");
    const billing = await overview(tenant);
    expect(billing.usage.calls).toMatchObject({ used: 100, percent: 100, overage: 0 });
    expect(billing.alerts).toEqual([expect.objectContaining({ metric: "calls", threshold: 100, notifiedAt: expect.any(String) })]);
  });

  it("at 101% sends nothing new, counts one call of overage and still admits calls", async () => {
    await playCalls(t, tenant, calls(1));
    await jobsSettled();
    expect(alertMails(tenant.owner.email, orgName).map((mail) => mail.subject)).toEqual([
      `${orgName}: 80% of your monthly calls used`,
      `${orgName}: 100% of your monthly calls used`,
    ]);
    expect(alertMails(admin.email, orgName)).toHaveLength(2);
    const billing = await overview(tenant);
    expect(billing.usage.calls).toMatchObject({ used: 101, percent: 101, overage: 1 });
    const answer = await postVapi(t.platform.app, assistantRequest(tenant, "call-alerts-after-101", Date.now()));
    expect(answer.body.assistant.metadata.fallback).toBeUndefined();
    expect(answer.body.assistant.model.tools.map((tool: { function: { name: string } }) => tool.function.name)).toEqual(["takeMessage"]);
    expect(answer.body.assistant.name).toBe("Front desk");
  });

  it("alerts again in the next billing period", async () => {
    const before = await overview(tenant);
    t.clock.set(new Date(Date.parse(before.period.end) + DAY_MS));
    try {
      const closed = await closeEndedPeriods(t.platform.ctx);
      expect(closed.periodsClosed).toBeGreaterThanOrEqual(1);
      // Access tokens live 15 minutes: sign in again at the new time.
      const token = (await signIn(t, tenant.owner.email, tenant.owner.password)).body.accessToken;
      const after = await overview(tenant, token);
      expect(after.period.start).toBe(before.period.end);
      expect(after.usage.calls.used).toBe(0);
      expect(after.alerts).toEqual([]);
      await playCalls(t, tenant, calls(80, 30, t.clock.now().getTime()));
      await waitForAlertMail(tenant.owner.email, orgName, "80% of your monthly calls", 2);
      expect((await overview(tenant, token)).usage.calls.used).toBe(80);
    } finally {
      t.clock.set(new Date());
    }
  });

  it("alerts on minutes at 80% and 100% of the limit, with six-second billing (7.9, 8.0, 10.0, 10.1 minutes)", async () => {
    const minutes = await createBillingTenant(t, { plan: "minutes-10" });
    const name = minutes.owner.organizationName;
    await playCalls(t, minutes, [{ durationSeconds: 474 }]);
    await jobsSettled();
    expect(alertMails(minutes.owner.email, name)).toEqual([]);
    expect((await overview(minutes)).usage.minutes).toMatchObject({ used: 7.9, limit: 10, percent: 79 });
    await playCalls(t, minutes, [{ durationSeconds: 6 }]);
    await waitForAlertMail(minutes.owner.email, name, "80% of your monthly minutes");
    await playCalls(t, minutes, [{ durationSeconds: 115 }]);
    await waitForAlertMail(minutes.owner.email, name, "100% of your monthly minutes");
    await playCalls(t, minutes, [{ durationSeconds: 6 }]);
    await jobsSettled();
    expect(alertMails(minutes.owner.email, name)).toHaveLength(2);
    expect((await overview(minutes)).usage.minutes).toMatchObject({ used: 10.1, percent: 101, overage: 1 });
  });
});

describe("the Free plan at 100%", () => {
  it("answers new calls with the fallback once the period's minutes are used up", async () => {
    const tenant = await createBillingTenant(t);
    await playCalls(t, tenant, [{ durationSeconds: 99 * 60 - 30 }]);
    const before = await postVapi(t.platform.app, assistantRequest(tenant, "call-free-minutes-99", Date.now()));
    expect(before.body.assistant.metadata.fallback).toBeUndefined();
    await playCalls(t, tenant, [{ durationSeconds: 40 }]);
    expect((await overview(tenant)).usage.minutes).toMatchObject({ used: 100, percent: 100 });
    const after = await postVapi(t.platform.app, assistantRequest(tenant, "call-free-minutes-100", Date.now()));
    expect(after.status).toBe(200);
    expect(after.body.assistant.metadata.fallback).toBe("monthly_minutes_exhausted");
    expect(after.body.assistant.model.tools.map((tool: { function: { name: string } }) => tool.function.name)).toEqual(["takeMessage"]);
    const [mail] = await waitForAlertMail(tenant.owner.email, tenant.owner.organizationName, "100% of your monthly minutes");
    expect(mail!.text).toContain("New calls are answered by a message-taking assistant");
  });

  it("answers new calls with the fallback at 50 calls, counting a call still in progress", async () => {
    const tenant = await createBillingTenant(t);
    await playCalls(t, tenant, calls(49, 10));
    const inProgress = await postVapi(t.platform.app, assistantRequest(tenant, "call-free-50th", Date.now()));
    expect(inProgress.body.assistant.metadata.fallback).toBeUndefined();
    // The 50th call has not ended yet, but it already uses the last call of the plan.
    const next = await postVapi(t.platform.app, assistantRequest(tenant, "call-free-51st", Date.now()));
    expect(next.body.assistant.metadata.fallback).toBe("monthly_calls_exhausted");
    const { rows } = await t.ownerQuery<{ fallback: string | null }>("SELECT fallback FROM calls WHERE provider_call_id = 'call-free-51st'");
    expect(rows[0]!.fallback).toBe("monthly_calls_exhausted");
  });

  it("a paid plan at 100% keeps answering with the assistant and counts the overage", async () => {
    const tenant = await createBillingTenant(t, { plan: "starter" });
    await playCalls(t, tenant, [{ durationSeconds: 1000 * 60 }]);
    const answer = await postVapi(t.platform.app, assistantRequest(tenant, "call-starter-over", Date.now()));
    expect(answer.body.assistant.metadata.fallback).toBeUndefined();
    await playCalls(t, tenant, [{ durationSeconds: 90, id: "call-starter-over" }]);
    const billing = await overview(tenant);
    expect(billing.plan).toMatchObject({ id: "starter", stopsAtLimit: false });
    expect(billing.usage.minutes).toMatchObject({ used: 1002, limit: 1000, overage: 2 });
    expect(billing.usage.calls).toMatchObject({ used: 2, overage: 0 });
  });
});

describe("plan changes apply at once", () => {
  it("an exhausted Free organization moved to Starter by the super admin gets its assistant on the next call", async () => {
    const tenant = await createBillingTenant(t);
    await playCalls(t, tenant, [{ durationSeconds: 100 * 60 }]);
    const refused = await postVapi(t.platform.app, assistantRequest(tenant, "call-upgrade-1", Date.now()));
    expect(refused.body.assistant.metadata.fallback).toBe("monthly_minutes_exhausted");
    const res = await t.api.request("PUT", `/api/v1/admin/organizations/${tenant.organizationId}/plan`, {
      token: adminToken,
      body: { planId: "starter", effective: "now" },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ organizationId: tenant.organizationId, planId: "starter", scheduledPlanId: null });
    const admitted = await postVapi(t.platform.app, assistantRequest(tenant, "call-upgrade-2", Date.now()));
    expect(admitted.body.assistant.metadata.fallback).toBeUndefined();
    expect((await overview(tenant)).usage.minutes).toMatchObject({ limit: 1000, percent: 10 });
  });

  it("a plan's limit raised by the super admin admits the next call, and lowering it refuses the one after", async () => {
    const tenant = await createBillingTenant(t, { plan: "tiny-free" });
    await playCalls(t, tenant, [{ durationSeconds: 60 }]);
    const refused = await postVapi(t.platform.app, assistantRequest(tenant, "call-tiny-1", Date.now()));
    expect(refused.body.assistant.metadata.fallback).toBe("monthly_minutes_exhausted");
    const raise = await t.api.patch("/api/v1/admin/plans/tiny-free", { minutesPerMonth: 5 }, { token: adminToken });
    expect(raise.status, raise.text).toBe(200);
    const admitted = await postVapi(t.platform.app, assistantRequest(tenant, "call-tiny-2", Date.now()));
    expect(admitted.body.assistant.metadata.fallback).toBeUndefined();
    const lower = await t.api.patch("/api/v1/admin/plans/tiny-free", { minutesPerMonth: 1 }, { token: adminToken });
    expect(lower.status, lower.text).toBe(200);
    const refusedAgain = await postVapi(t.platform.app, assistantRequest(tenant, "call-tiny-3", Date.now()));
    expect(refusedAgain.body.assistant.metadata.fallback).toBe("monthly_minutes_exhausted");
  });
});
