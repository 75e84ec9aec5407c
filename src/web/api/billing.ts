// Billing on the client: the organization's billing overview, daily usage and invoices; plan changes
// and the Stripe Billing Portal; and the super admin's plans catalog and plan assignment.
import { queryOptions } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

export type BillingOverview = components["schemas"]["BillingOverview"];
export type UsageMeter = components["schemas"]["UsageMeter"];
export type UsageAlert = components["schemas"]["UsageAlert"];
export type UsageSeries = components["schemas"]["UsageSeries"];
export type UsageDay = components["schemas"]["UsageDay"];
export type InvoiceSummary = components["schemas"]["InvoiceSummary"];
export type Invoice = components["schemas"]["Invoice"];
export type Plan = components["schemas"]["Plan"];
export type AdminPlan = components["schemas"]["AdminPlan"];
export type PlanPatch = components["schemas"]["PlanPatch"];
export type PlanChangeResult = components["schemas"]["BillingCheckoutResult"];

export const billingKeys = {
  all: (orgId: string) => ["billing", orgId] as const,
  overview: (orgId: string) => ["billing", orgId, "overview"] as const,
  usage: (orgId: string) => ["billing", orgId, "usage"] as const,
  invoices: (orgId: string, cursor: string | undefined) => ["billing", orgId, "invoices", cursor ?? null] as const,
  invoice: (orgId: string, invoiceId: string) => ["billing", orgId, "invoice", invoiceId] as const,
  adminPlans: ["admin", "plans"] as const,
};

export const INVOICES_PAGE_SIZE = 12;

export const billingOverviewQuery = (orgId: string) =>
  queryOptions({
    queryKey: billingKeys.overview(orgId),
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}/billing", { params: { path: { orgId } } })),
  });

/** The current period's days, zero-filled, in the organization's time zone. */
export const billingUsageQuery = (orgId: string) =>
  queryOptions({
    queryKey: billingKeys.usage(orgId),
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}/billing/usage", { params: { path: { orgId }, query: {} } })),
  });

export const invoicesQuery = (orgId: string, cursor?: string) =>
  queryOptions({
    queryKey: billingKeys.invoices(orgId, cursor),
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}/billing/invoices", { params: { path: { orgId }, query: { limit: INVOICES_PAGE_SIZE, cursor } } })),
  });

export const invoiceQuery = (orgId: string, invoiceId: string) =>
  queryOptions({
    queryKey: billingKeys.invoice(orgId, invoiceId),
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}/billing/invoices/{invoiceId}", { params: { path: { orgId, invoiceId } } })),
  });

/**
 * Subscribes, upgrades or downgrades (Stripe mode). The idempotency key belongs to one intent (one
 * plan chosen once), so a double click or a retry after a timeout makes one change.
 */
export function changePlan(orgId: string, planId: string, idempotencyKey: string): Promise<PlanChangeResult> {
  return unwrap(
    api.POST("/api/v1/orgs/{orgId}/billing/checkout", {
      params: { path: { orgId }, header: { "idempotency-key": idempotencyKey } },
      body: { planId },
    }),
  );
}

export async function openBillingPortal(orgId: string): Promise<string> {
  return (await unwrap(api.POST("/api/v1/orgs/{orgId}/billing/portal", { params: { path: { orgId } } }))).url;
}

export const adminPlansQuery = () =>
  queryOptions({ queryKey: billingKeys.adminPlans, queryFn: async () => (await unwrap(api.GET("/api/v1/admin/plans"))).items });

export function updatePlan(planId: string, patch: PlanPatch): Promise<AdminPlan> {
  return unwrap(api.PATCH("/api/v1/admin/plans/{planId}", { params: { path: { planId } }, body: patch }));
}

export function assignOrganizationPlan(orgId: string, planId: string, effective: "now" | "period_end") {
  return unwrap(api.PUT("/api/v1/admin/organizations/{orgId}/plan", { params: { path: { orgId } }, body: { planId, effective } }));
}
