// The metered-limit rules, pure: per-call rounding, overage a call adds, thresholds reached,
// percentages, exhausted metrics, plans that stop at their limits, and invoice lines.
import { describe, expect, it } from "vitest";
import { invoiceLinesFor, invoiceNumber } from "../../src/server/modules/billing/invoices.js";
import {
  billedSecondsOf,
  exhaustedMetrics,
  overageAdded,
  overageMinutesOf,
  percentUsed,
  stopsAtLimit,
  thresholdsReached,
} from "../../src/server/modules/billing/limits.js";
import type { Plan } from "../../src/server/modules/plans/service.js";

describe("billedSecondsOf", () => {
  it.each([
    [0, 60, 0],
    [null, 60, 0],
    [1, 60, 60],
    [60, 60, 60],
    [61, 60, 120],
    [59.2, 60, 60],
    [61, 6, 66],
    [66, 6, 66],
    [61, 1, 61],
    [-5, 60, 0],
    [61, 0, 61],
  ])("%s s at a %s s increment bills %s s", (duration, increment, billed) => {
    expect(billedSecondsOf(duration, increment)).toBe(billed);
  });
});

describe("overageAdded", () => {
  it.each([
    [null, 10, 20, 0],
    [100, 99, 100, 0],
    [100, 100, 101, 1],
    [100, 99, 101, 1],
    [100, 120, 130, 10],
    [6000, 5940, 6060, 60],
    [0, 0, 1, 1],
  ])("limit %s, %s → %s adds %s", (limit, before, after, overage) => {
    expect(overageAdded(limit, before, after)).toBe(overage);
  });
});

describe("thresholds and percentages", () => {
  it.each([
    [100, 79, [], 79],
    [100, 80, [80], 80],
    [100, 99, [80], 99],
    [100, 100, [80, 100], 100],
    [100, 101, [80, 100], 101],
    [600, 474, [], 79],
    [600, 480, [80], 80],
    [3, 2, [], 66.6],
    [3, 3, [80, 100], 100],
    [null, 1_000_000, [], null],
  ])("limit %s, used %s reaches %j (%s%)", (limit, used, reached, percent) => {
    expect(thresholdsReached(limit, used)).toEqual(reached);
    expect(percentUsed(limit, used)).toBe(percent);
  });

  it("a zero limit is reached at once", () => {
    expect(percentUsed(0, 0)).toBe(100);
    expect(thresholdsReached(0, 0)).toEqual([80, 100]);
  });
});

const basePlan: Plan = {
  id: "starter",
  name: "Starter",
  priceCents: 2900,
  callsPerMonth: 500,
  minutesPerMonth: 1000,
  concurrentCalls: 3,
  assistants: 3,
  phoneNumbers: 2,
  seats: 5,
  features: [],
  stripePriceId: null,
  billingIncrementSeconds: 60,
  overageCallCents: 10,
  overageMinuteCents: 6,
  stripeOverageCallPriceId: null,
  stripeOverageMinutePriceId: null,
  sortOrder: 1,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

describe("plans at their limits", () => {
  it("a plan without any overage price stops at its limits; one with a price continues", () => {
    expect(stopsAtLimit({ overageCallCents: null, overageMinuteCents: null })).toBe(true);
    expect(stopsAtLimit({ overageCallCents: null, overageMinuteCents: 5 })).toBe(false);
    expect(stopsAtLimit({ overageCallCents: 0, overageMinuteCents: null })).toBe(false);
  });

  it.each([
    [{ calls: 499, billedSeconds: 59_940 }, []],
    [{ calls: 500, billedSeconds: 0 }, ["calls"]],
    [{ calls: 10, billedSeconds: 60_000 }, ["minutes"]],
    [{ calls: 500, billedSeconds: 60_000 }, ["calls", "minutes"]],
  ])("usage %j has exhausted %j", (usage, exhausted) => {
    expect(exhaustedMetrics(basePlan, usage)).toEqual(exhausted);
  });

  it("an unlimited plan never exhausts", () => {
    expect(exhaustedMetrics({ ...basePlan, callsPerMonth: null, minutesPerMonth: null }, { calls: 1e9, billedSeconds: 1e9 })).toEqual([]);
  });
});

describe("invoice lines", () => {
  const period = { start: new Date("2026-11-22T00:00:00Z"), end: new Date("2026-12-22T00:00:00Z") };

  it("bills the plan and priced overage, rounding overage seconds up to whole minutes", () => {
    expect(overageMinutesOf(121)).toBe(3);
    expect(invoiceLinesFor(basePlan, period, { overageCalls: 4, overageSeconds: 121 }, "UTC")).toEqual([
      { kind: "plan", description: "Starter plan, Nov 22, 2026 – Dec 21, 2026", quantity: 1, unitCents: 2900 },
      { kind: "overage", description: "Calls beyond the 500 included", quantity: 4, unitCents: 10 },
      { kind: "overage", description: "Minutes beyond the 1,000 included", quantity: 3, unitCents: 6 },
    ]);
  });

  it("writes the period's dates in the organization's time zone", () => {
    const local = { start: new Date("2026-11-21T11:00:00Z"), end: new Date("2026-12-21T11:00:00Z") };
    expect(invoiceLinesFor(basePlan, local, { overageCalls: 0, overageSeconds: 0 }, "Pacific/Auckland")[0]!.description).toBe(
      "Starter plan, Nov 22, 2026 – Dec 21, 2026",
    );
  });

  it("owes nothing on a free plan, a custom-priced plan without overage, or unpriced overage", () => {
    expect(
      invoiceLinesFor(
        { ...basePlan, priceCents: 0, overageCallCents: null, overageMinuteCents: null },
        period,
        { overageCalls: 3, overageSeconds: 600 },
        "UTC",
      ),
    ).toEqual([]);
    expect(invoiceLinesFor({ ...basePlan, priceCents: null }, period, { overageCalls: 0, overageSeconds: 0 }, "UTC")).toEqual([]);
  });

  it("numbers invoices SB-<year>-<six digits>", () => {
    expect(invoiceNumber(1042, new Date("2026-11-22T00:00:00Z"))).toBe("SB-2026-001042");
    expect(invoiceNumber(12_345_678, new Date("2027-01-01T00:00:00Z"))).toBe("SB-2027-12345678");
  });
});
