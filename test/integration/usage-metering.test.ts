// Usage metering from end-of-call reports sent through POST /webhooks/vapi: each call is metered
// exactly once (duplicates, parallel copies, copies sent to two app instances, reordered
// messages), minutes are rounded per call as the plan says, test calls and organizations in
// sandbox mode are not metered, and the period totals and daily rollups agree with the ledger.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statusUpdateMessage } from "../../src/server/modules/sandbox/messages.js";
import type { Platform } from "../../src/server/platform.js";
import {
  assistantRequest,
  BILLING_TEST_ENV,
  type BillingTenant,
  callFacts,
  createBillingTenant,
  endOfCallReport,
  playCalls,
  postVapi,
  startSecondInstance,
  waitUntilIngested,
} from "../helpers/billing-calls.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;
let second: Platform;

beforeAll(async () => {
  t = await startTestPlatform({ env: BILLING_TEST_ENV });
  second = await startSecondInstance(t);
});
afterAll(async () => {
  await second?.stop();
  await t?.stop();
});

async function billing(tenant: BillingTenant) {
  const res = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/billing`, { token: tenant.owner.accessToken });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function ledger(tenant: BillingTenant) {
  const { rows } = await t.ownerQuery<{ call_id: string; billable_seconds: number; billed_seconds: number; provider_cost_usd: string }>(
    "SELECT call_id, billable_seconds, billed_seconds, provider_cost_usd FROM usage_records WHERE organization_id = $1 ORDER BY call_id",
    [tenant.organizationId],
  );
  return rows;
}

describe("metering end-of-call reports", () => {
  it("meters a call once, rounding its duration up to whole minutes, and shows it in the billing overview and the daily series", async () => {
    const tenant = await createBillingTenant(t);
    await playCalls(t, tenant, [{ durationSeconds: 61, cost: 0.1234 }]);
    const overview = await billing(tenant);
    expect(overview.usage.calls).toMatchObject({ used: 1, limit: 50, percent: 2, overage: 0 });
    expect(overview.usage.minutes).toMatchObject({ used: 2, limit: 100, percent: 2, overage: 0 });
    const rows = await ledger(tenant);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ billable_seconds: 61, billed_seconds: 120, provider_cost_usd: "0.123400" });
    const series = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/billing/usage`, { token: tenant.owner.accessToken });
    expect(series.status, series.text).toBe(200);
    expect(series.body.totals).toEqual({ calls: 1, minutes: 2, billedSeconds: 120 });
  });

  it("rounds by the plan's billing increment: six-second billing counts 61 s as 66 s", async () => {
    await t.ownerQuery(
      "INSERT INTO plans (id, name, price_cents, calls_per_month, minutes_per_month, billing_increment_seconds, features, sort_order) VALUES ('six-second', 'Six second', 0, 100, 100, 6, '[]', 90)",
    );
    const tenant = await createBillingTenant(t, { plan: "six-second" });
    await playCalls(t, tenant, [{ durationSeconds: 61 }, { durationSeconds: 0 }]);
    expect((await ledger(tenant)).map((row) => row.billed_seconds).sort()).toEqual([0, 66]);
    const overview = await billing(tenant);
    expect(overview.usage.calls.used).toBe(2);
    expect(overview.usage.minutes.used).toBe(1.1);
  });

  it("the same report delivered again, and again with a new timestamp, is metered once", async () => {
    const tenant = await createBillingTenant(t);
    const report = endOfCallReport(tenant, "call-dup-1", { durationSeconds: 30 });
    await postVapi(t.platform.app, report);
    await waitUntilIngested(t, ["call-dup-1"]);
    await postVapi(t.platform.app, report);
    await postVapi(t.platform.app, { ...report, timestamp: (report.timestamp ?? 0) + 5_000 });
    await waitUntilIngested(t, ["call-dup-1"]);
    expect(await ledger(tenant)).toHaveLength(1);
    expect((await billing(tenant)).usage.calls.used).toBe(1);
  });

  it("forty copies of one report fired in parallel at two app instances are metered once", async () => {
    const tenant = await createBillingTenant(t);
    const createdAtMs = Date.now();
    const copies = Array.from({ length: 40 }, (_, index) =>
      // Half are exact re-deliveries, half carry their own timestamp (each is stored and applied).
      endOfCallReport(tenant, "call-race-1", { durationSeconds: 125, createdAtMs, timestampMs: createdAtMs + 200_000 + (index % 2 === 0 ? 0 : index) }),
    );
    const results = await Promise.all(copies.map((copy, index) => postVapi(index % 2 === 0 ? t.platform.app : second.app, copy)));
    for (const res of results) expect(res.status).toBe(200);
    await waitUntilIngested(t, ["call-race-1"]);
    const { rows: stored } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM vendor_events WHERE provider_call_id = 'call-race-1'");
    expect(stored[0]!.n).toBeGreaterThan(2);
    expect(await ledger(tenant)).toHaveLength(1);
    const overview = await billing(tenant);
    expect(overview.usage.calls.used).toBe(1);
    expect(overview.usage.minutes.used).toBe(3);
    const { rows: daily } = await t.ownerQuery<{ calls: number; billed_seconds: number }>(
      "SELECT calls, billed_seconds FROM usage_daily WHERE organization_id = $1",
      [tenant.organizationId],
    );
    expect(daily).toEqual([{ calls: 1, billed_seconds: 180 }]);
  });

  it("many different calls reported in parallel to two instances are each metered once, and the totals equal the ledger", async () => {
    const tenant = await createBillingTenant(t, { plan: "pro" });
    const createdAtMs = Date.now();
    const reports = Array.from({ length: 30 }, (_, index) => endOfCallReport(tenant, `call-many-${index}`, { durationSeconds: 10 + index * 7, createdAtMs }));
    // Every report twice, once per instance.
    await Promise.all(reports.flatMap((report) => [postVapi(t.platform.app, report), postVapi(second.app, report)]));
    await waitUntilIngested(
      t,
      reports.map((_, index) => `call-many-${index}`),
    );
    const rows = await ledger(tenant);
    expect(rows).toHaveLength(30);
    const expectedSeconds = reports.reduce((sum, _, index) => sum + Math.ceil((10 + index * 7) / 60) * 60, 0);
    const overview = await billing(tenant);
    expect(overview.usage.calls.used).toBe(30);
    expect(overview.usage.minutes.used).toBe(expectedSeconds / 60);
    const { rows: totals } = await t.ownerQuery<{ calls: number; billed_seconds: number }>(
      "SELECT calls, billed_seconds FROM usage_periods WHERE organization_id = $1",
      [tenant.organizationId],
    );
    expect(totals).toEqual([{ calls: 30, billed_seconds: expectedSeconds }]);
  });

  it("a report that arrives before the call's status updates is metered once, and the late updates change nothing", async () => {
    const tenant = await createBillingTenant(t);
    const createdAtMs = Date.now();
    const facts = callFacts(tenant, "call-reordered", createdAtMs);
    await postVapi(t.platform.app, endOfCallReport(tenant, "call-reordered", { durationSeconds: 200, createdAtMs }));
    await postVapi(t.platform.app, statusUpdateMessage(facts, "in-progress", createdAtMs + 1000));
    await postVapi(t.platform.app, assistantRequest(tenant, "call-reordered", createdAtMs));
    await postVapi(t.platform.app, statusUpdateMessage(facts, "ended", createdAtMs + 201_000));
    await waitUntilIngested(t, ["call-reordered"]);
    const rows = await ledger(tenant);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.billed_seconds).toBe(240);
    expect((await billing(tenant)).usage.calls.used).toBe(1);
  });
});

describe("what is not metered", () => {
  it("calls on a sandbox number are test calls and are not metered", async () => {
    const tenant = await createBillingTenant(t);
    await t.ownerQuery("UPDATE phone_numbers SET provider = 'sandbox' WHERE organization_id = $1", [tenant.organizationId]);
    await t.ownerQuery("UPDATE phone_number_directory SET provider = 'sandbox' WHERE organization_id = $1", [tenant.organizationId]);
    const report = endOfCallReport(tenant, "call-sandbox-1", { durationSeconds: 90 });
    // The sandbox provider names the dialled number (no Vapi phone number id).
    const { phoneNumberId: _vapiNumberId, ...call } = report.call ?? { id: "call-sandbox-1" };
    const sandboxCall = { ...report, call, phoneNumber: { provider: "vapi", number: tenant.number } };
    const res = await postVapi(t.platform.app, sandboxCall);
    expect(res.status).toBe(200);
    await waitUntilIngested(t, ["call-sandbox-1"]);
    const { rows } = await t.ownerQuery<{ is_test: boolean; report_received_at: Date | null }>(
      "SELECT is_test, report_received_at FROM calls WHERE provider_call_id = 'call-sandbox-1'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.is_test).toBe(true);
    expect(rows[0]!.report_received_at).not.toBeNull();
    expect(await ledger(tenant)).toEqual([]);
    expect((await billing(tenant)).usage.calls.used).toBe(0);
  });

  it("an organization in sandbox mode is not metered", async () => {
    const tenant = await createBillingTenant(t);
    await t.ownerQuery(`UPDATE organizations SET settings = settings || '{"sandboxMode":true}' WHERE id = $1`, [tenant.organizationId]);
    await playCalls(t, tenant, [{ durationSeconds: 300 }]);
    const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM calls WHERE organization_id = $1 AND report_received_at IS NOT NULL", [
      tenant.organizationId,
    ]);
    expect(rows[0]!.n).toBe(1);
    expect(await ledger(tenant)).toEqual([]);
    expect((await billing(tenant)).usage.minutes.used).toBe(0);
  });

  it("a call a suspended organization's fallback answered records its cost but counts toward no limit", async () => {
    const tenant = await createBillingTenant(t);
    await t.ownerQuery("UPDATE organizations SET status = 'suspended' WHERE id = $1", [tenant.organizationId]);
    const createdAtMs = Date.now();
    const answer = await postVapi(t.platform.app, assistantRequest(tenant, "call-suspended-1", createdAtMs));
    expect(answer.body.assistant.metadata.fallback).toBe("organization_suspended");
    await postVapi(t.platform.app, endOfCallReport(tenant, "call-suspended-1", { durationSeconds: 45, createdAtMs, cost: 0.02 }));
    await waitUntilIngested(t, ["call-suspended-1"]);
    const rows = await ledger(tenant);
    expect(rows).toEqual([expect.objectContaining({ billable_seconds: 45, billed_seconds: 0, provider_cost_usd: "0.020000" })]);
    expect((await billing(tenant)).usage).toMatchObject({ calls: { used: 0 }, minutes: { used: 0 } });
  });
});
