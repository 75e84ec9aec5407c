// The metered limits of a plan (calls and minutes per billing period), pure: minute rounding,
// usage against limits, overage, the alert thresholds reached, and whether a plan stops at its
// limits. A null limit is unlimited.
import type { Plan } from "../plans/service.js";
import { USAGE_ALERT_THRESHOLDS, type UsageMetric } from "./schema.js";

export type MeteredPlan = Pick<Plan, "callsPerMonth" | "minutesPerMonth" | "billingIncrementSeconds" | "overageCallCents" | "overageMinuteCents">;

/** Usage of one period: calls and billed seconds (minutes are billed seconds / 60). */
export type PeriodUsage = { calls: number; billedSeconds: number };

/** A call's duration rounded up to the plan's billing increment (60 s: whole minutes per call). */
export function billedSecondsOf(durationSeconds: number | null, incrementSeconds: number): number {
  const seconds = Math.max(0, Math.ceil(durationSeconds ?? 0));
  const increment = Math.max(1, Math.floor(incrementSeconds));
  return Math.ceil(seconds / increment) * increment;
}

/**
 * A plan without any overage price stops at its limits (the Free plan): new calls get the fallback.
 * A plan with one continues, and usage beyond the limits is overage.
 */
export function stopsAtLimit(plan: Pick<Plan, "overageCallCents" | "overageMinuteCents">): boolean {
  return plan.overageCallCents === null && plan.overageMinuteCents === null;
}

/** The limit in the metric's own unit: calls, or seconds for minutes. */
export function limitOf(plan: MeteredPlan, metric: UsageMetric): number | null {
  if (metric === "calls") return plan.callsPerMonth;
  return plan.minutesPerMonth === null ? null : plan.minutesPerMonth * 60;
}

export function usedOf(usage: PeriodUsage, metric: UsageMetric): number {
  return metric === "calls" ? usage.calls : usage.billedSeconds;
}

/** Overage a new call adds: the part of (before → after) beyond the limit. */
export function overageAdded(limit: number | null, before: number, after: number): number {
  if (limit === null) return 0;
  return Math.max(0, after - Math.max(limit, before));
}

/** The metrics whose limit the usage has reached (≥ 100%), e.g. to refuse a Free plan's new calls. */
export function exhaustedMetrics(plan: MeteredPlan, usage: PeriodUsage): UsageMetric[] {
  const exhausted: UsageMetric[] = [];
  for (const metric of ["calls", "minutes"] as const) {
    const limit = limitOf(plan, metric);
    if (limit !== null && usedOf(usage, metric) >= limit) exhausted.push(metric);
  }
  return exhausted;
}

/** Percent of the limit used, rounded down to 0.1 (null when unlimited; a zero limit is 100% at once). */
export function percentUsed(limit: number | null, used: number): number | null {
  if (limit === null) return null;
  if (limit <= 0) return 100;
  return Math.floor((used * 1000) / limit) / 10;
}

/** The alert thresholds (80, 100) the usage has reached for a metric; each is alerted once per period. */
export function thresholdsReached(limit: number | null, used: number): number[] {
  if (limit === null) return [];
  // Integer math: used / limit >= threshold / 100.
  return USAGE_ALERT_THRESHOLDS.filter((threshold) => used * 100 >= limit * threshold);
}

/** Whole minutes of overage seconds, rounded up (what an overage invoice line counts). */
export function overageMinutesOf(overageSeconds: number): number {
  return Math.ceil(overageSeconds / 60);
}
