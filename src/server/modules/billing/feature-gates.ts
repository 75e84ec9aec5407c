// Feature gates: the one place that says whether an organization's plan includes a feature. Every
// gated feature reads the plan's `features` through planAllows(), never the list directly.
import type { Plan } from "../plans/service.js";

export const GATED_FEATURES = ["api_access", "webhooks", "custom_voices", "advanced_analytics", "recordings_export"] as const;
export type GatedFeature = (typeof GATED_FEATURES)[number];

/** Every feature name a plan may list (the gated ones plus descriptive ones shown on the pricing page). */
export const PLAN_FEATURES = [...GATED_FEATURES, "basic_analytics", "sla", "custom_integrations"] as const;
export type PlanFeature = (typeof PLAN_FEATURES)[number];

export function planAllows(plan: Pick<Plan, "features">, feature: GatedFeature): boolean {
  return Array.isArray(plan.features) && plan.features.includes(feature);
}

/** Every gate of the plan at once, for clients that hide what the plan does not include. */
export function planEntitlements(plan: Pick<Plan, "features">): Record<GatedFeature, boolean> {
  return Object.fromEntries(GATED_FEATURES.map((feature) => [feature, planAllows(plan, feature)])) as Record<GatedFeature, boolean>;
}
