// How a plan reads to people: its price, its limits and its features, and the order plans compare in.
import type { Plan } from "../../api/billing";
import { formatMoney } from "../../lib/money";
import { formatQuantity } from "./usage-meter";

export const PLAN_CURRENCY = "usd";

export const FEATURE_LABELS: Record<string, string> = {
  basic_analytics: "Basic analytics",
  advanced_analytics: "Advanced analytics",
  api_access: "API access",
  webhooks: "Webhooks",
  custom_voices: "Custom voices",
  recordings_export: "Call recordings export",
  sla: "SLA",
  custom_integrations: "Custom integrations",
};

export function featureLabel(feature: string): string {
  return FEATURE_LABELS[feature] ?? feature.replaceAll("_", " ");
}

export function planPrice(plan: Pick<Plan, "priceCents">): string {
  if (plan.priceCents === null) return "Custom pricing";
  return `${formatMoney(plan.priceCents, PLAN_CURRENCY)} / month`;
}

export function limitText(limit: number | null, noun: string): string {
  return limit === null ? `Unlimited ${noun}` : `${formatQuantity(limit)} ${noun}`;
}

/** The limits a plan card lists, in the pricing table's order. */
export function planLimits(plan: Plan): string[] {
  return [
    `${limitText(plan.callsPerMonth, "calls")} / month`,
    `${limitText(plan.minutesPerMonth, "minutes")} / month`,
    limitText(plan.concurrentCalls, plan.concurrentCalls === 1 ? "concurrent call" : "concurrent calls"),
    limitText(plan.assistants, plan.assistants === 1 ? "assistant" : "assistants"),
    limitText(plan.phoneNumbers, plan.phoneNumbers === 1 ? "phone number" : "phone numbers"),
    limitText(plan.seats, plan.seats === 1 ? "seat" : "seats"),
  ];
}

/** Overage prices in words, or null for a plan that stops at its limits. */
export function overageText(plan: Pick<Plan, "overageCallCents" | "overageMinuteCents">): string | null {
  const parts = [
    plan.overageCallCents !== null ? `${formatMoney(plan.overageCallCents, PLAN_CURRENCY)} per extra call` : null,
    plan.overageMinuteCents !== null ? `${formatMoney(plan.overageMinuteCents, PLAN_CURRENCY)} per extra minute` : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(", ") : null;
}

/** Cheaper first; a custom price (null) is the most expensive. Ties follow the catalog's order. */
export function comparePlans(a: Plan, b: Plan, order: Map<string, number>): number {
  const price = (plan: Plan) => plan.priceCents ?? Number.MAX_SAFE_INTEGER;
  return price(a) - price(b) || (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0);
}

/** What happens beyond the plan's monthly call and minute limits, in one sentence. */
export function beyondLimitsText(plan: Pick<Plan, "callsPerMonth" | "minutesPerMonth" | "overageCallCents" | "overageMinuteCents">): string {
  if (plan.callsPerMonth === null && plan.minutesPerMonth === null) return "No monthly limit on calls or minutes.";
  const overage = overageText(plan);
  return overage ? `Beyond the limits, calls continue: ${overage}.` : "Stops at its limits: new calls get the fallback until the period ends.";
}
