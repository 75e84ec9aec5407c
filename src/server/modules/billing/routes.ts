// An organization's billing, read by its owners and admins: the overview (plan, status, period,
// usage against limits, alerts, a scheduled plan change), the daily usage series, and invoices; and
// the billing details receipts are made out to, set by owners.
import { createRoute, z } from "@hono/zod-openapi";
import { requireOrg } from "../../http/authorize.js";
import { requestMeta } from "../../http/request-meta.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { emailSchema, jsonBody, jsonContent, problemResponses, requiredText, storableText, timestampSchema } from "../../http/schemas.js";
import { orgIdParam } from "../organizations/routes.js";
import { planSchema } from "../plans/routes.js";
import { GATED_FEATURES } from "./feature-gates.js";
import { getInvoice, listInvoices } from "./invoices.js";
import { INVOICE_LINE_KINDS, INVOICE_STATUSES, USAGE_METRICS } from "./schema.js";
import { getBillingOverview, updateBillingDetails } from "./service.js";
import { MAX_USAGE_SERIES_DAYS, usageSeries } from "./usage.js";

export const INVOICES_PAGE_DEFAULT = 20;
export const INVOICES_PAGE_MAX = 100;

const meterSchema = z
  .object({
    used: z.number().openapi({ description: "Calls, or minutes (billed seconds / 60, two decimals)" }),
    limit: z.number().nullable().openapi({ description: "null = unlimited" }),
    percent: z.number().nullable().openapi({ description: "Percent of the limit used (one decimal); null when unlimited" }),
    overage: z.number().int().openapi({ description: "Calls, or whole minutes, beyond the limit this period" }),
  })
  .openapi("UsageMeter");

export const usageAlertSchema = z
  .object({
    metric: z.enum(USAGE_METRICS),
    threshold: z.number().int().openapi({ description: "80 or 100 (percent of the limit)" }),
    used: z.number(),
    limit: z.number(),
    percent: z.number(),
    notifiedAt: timestampSchema.nullable().openapi({ description: "When the owners and admins were emailed; null if not (yet)" }),
  })
  .openapi("UsageAlert");

const addressSchema = z
  .object({
    line1: z.string().optional(),
    line2: z.string().optional(),
    city: z.string().optional(),
    region: z.string().optional(),
    postalCode: z.string().optional(),
    country: z.string().optional(),
  })
  .openapi("BillingAddress");

const billingDetailsSchema = z
  .object({
    billingName: z.string().nullable().openapi({ description: "Printed on receipts; null = the organization's name" }),
    billingEmail: z.string().nullable().openapi({ description: "null = the first owner's email" }),
    billingAddress: addressSchema,
  })
  .openapi("BillingDetails");

const overviewSchema = z
  .object({
    mode: z.enum(["manual", "stripe"]).openapi({ description: "manual: the platform invoices and a super admin assigns plans; stripe: Stripe subscriptions" }),
    status: z.enum(["active", "past_due", "suspended"]),
    plan: planSchema.extend({
      stopsAtLimit: z.boolean().openapi({ description: "true: new calls get the fallback at 100% of a limit; false: they continue as overage" }),
      entitlements: z.object(
        Object.fromEntries(GATED_FEATURES.map((feature) => [feature, z.boolean()])) as Record<(typeof GATED_FEATURES)[number], z.ZodBoolean>,
      ),
    }),
    scheduledPlan: z.object({ id: z.string(), name: z.string(), effectiveAt: timestampSchema }).nullable(),
    subscription: z.object({
      stripeSubscriptionId: z.string().nullable(),
      status: z.string().nullable().openapi({ description: "Stripe's subscription status; null without a subscription" }),
      cancelAtPeriodEnd: z.boolean(),
      pastDueSince: timestampSchema.nullable(),
      graceEndsAt: timestampSchema.nullable(),
    }),
    period: z.object({ start: timestampSchema, end: timestampSchema, timezone: z.string() }),
    details: billingDetailsSchema,
    usage: z.object({ calls: meterSchema, minutes: meterSchema }),
    alerts: z.array(usageAlertSchema).openapi({ description: "Per metric, the highest threshold reached this period under the current plan" }),
  })
  .openapi("BillingOverview");

const dateSchema = z.iso.date({ error: "Use a date YYYY-MM-DD." });

const usageDaySchema = z
  .object({
    date: z.string().openapi({ example: "2026-11-22" }),
    calls: z.number().int(),
    minutes: z.number(),
    billedSeconds: z.number().int(),
  })
  .openapi("UsageDay");

const usageSeriesSchema = z
  .object({
    timezone: z.string(),
    from: z.string(),
    to: z.string(),
    assistantId: z.string().nullable(),
    days: z.array(usageDaySchema).openapi({ description: "Every local day from `from` to `to`, oldest first, zero-filled" }),
    totals: usageDaySchema.omit({ date: true }),
  })
  .openapi("UsageSeries");

const invoiceSummarySchema = z
  .object({
    id: z.string(),
    number: z.string().openapi({ example: "SB-2026-001042" }),
    status: z.enum(INVOICE_STATUSES),
    source: z.enum(["manual", "stripe"]),
    periodStart: timestampSchema,
    periodEnd: timestampSchema,
    currency: z.string().openapi({ example: "usd" }),
    subtotalCents: z.number().int(),
    taxCents: z.number().int(),
    totalCents: z.number().int(),
    issuedAt: timestampSchema,
    paidAt: timestampSchema.nullable(),
    voidedAt: timestampSchema.nullable(),
    hostedInvoiceUrl: z.string().nullable().openapi({ description: "Stripe's invoice page, for Stripe invoices" }),
    invoicePdfUrl: z.string().nullable(),
  })
  .openapi("InvoiceSummary");

const invoiceSchema = invoiceSummarySchema
  .extend({
    planId: z.string().nullable(),
    lines: z.array(
      z.object({
        position: z.number().int(),
        kind: z.enum(INVOICE_LINE_KINDS),
        description: z.string(),
        quantity: z.number().int(),
        unitCents: z.number().int(),
        amountCents: z.number().int(),
      }),
    ),
    billTo: z
      .object({ name: z.string(), email: z.string().nullable(), address: addressSchema })
      .openapi({ description: "As it was when the invoice was issued" }),
    organization: z.object({ id: z.string(), name: z.string() }),
  })
  .openapi("Invoice");

const overviewRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/billing",
  tags: ["Billing"],
  summary: "Plan, status, billing period, usage against the plan's limits, usage alerts and any scheduled plan change",
  security: bearerSecurity,
  middleware: [requireOrg("billing:read")] as const,
  request: { params: orgIdParam },
  responses: { 200: jsonContent(overviewSchema, "Billing"), ...problemResponses(401, 403, 404) },
});

const usageRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/billing/usage",
  tags: ["Billing"],
  summary: "Daily metered usage in the organization's time zone, zero-filled",
  description: `Without from/to: the current billing period up to today. At most ${MAX_USAGE_SERIES_DAYS} days.`,
  security: bearerSecurity,
  middleware: [requireOrg("billing:read")] as const,
  request: {
    params: orgIdParam,
    query: z.object({
      from: dateSchema.optional().openapi({ description: "First local day" }),
      to: dateSchema.optional().openapi({ description: "Last local day (inclusive)" }),
      assistantId: z.string().max(64).optional().openapi({ description: "Only this assistant's calls" }),
    }),
  },
  responses: { 200: jsonContent(usageSeriesSchema, "Usage per day"), ...problemResponses(401, 403, 404, 422) },
});

const invoicesRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/billing/invoices",
  tags: ["Billing"],
  summary: "The organization's invoices, newest first",
  description: "Cursor pagination: pass nextCursor as cursor for the next page; null on the last page.",
  security: bearerSecurity,
  middleware: [requireOrg("billing:read")] as const,
  request: {
    params: orgIdParam,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(INVOICES_PAGE_MAX).default(INVOICES_PAGE_DEFAULT),
      cursor: z.string().max(200).optional().openapi({ description: "nextCursor of the previous page" }),
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(invoiceSummarySchema), nextCursor: z.string().nullable() }).openapi("InvoicePage"), "A page of invoices"),
    ...problemResponses(401, 403, 404, 422),
  },
});

const invoiceRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/billing/invoices/{invoiceId}",
  tags: ["Billing"],
  summary: "One invoice with its lines and who it is made out to (for a printable receipt)",
  security: bearerSecurity,
  middleware: [requireOrg("billing:read")] as const,
  request: {
    params: orgIdParam.extend({
      invoiceId: z
        .string()
        .max(64)
        .openapi({ param: { name: "invoiceId", in: "path" }, example: "ivc_5m2k8q1c7v3b5n6h0j2r4t9x" }),
    }),
  },
  responses: { 200: jsonContent(invoiceSchema, "The invoice"), ...problemResponses(401, 403, 404) },
});

const addressLine = (max: number) => storableText(max).trim().min(1, "Must not be empty.").optional();

const detailsPatchSchema = z
  .strictObject({
    billingName: requiredText(200).nullable().optional(),
    billingEmail: emailSchema.nullable().optional(),
    billingAddress: z
      .strictObject({
        line1: addressLine(200),
        line2: addressLine(200),
        city: addressLine(100),
        region: addressLine(100),
        postalCode: addressLine(20),
        country: z
          .string()
          .regex(/^[A-Z]{2}$/, "Use a two-letter ISO 3166 country code, such as US.")
          .optional(),
      })
      .optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, "Change at least one field.")
  .openapi("BillingDetailsPatch");

const detailsRoute = createRoute({
  method: "patch",
  path: "/orgs/{orgId}/billing/details",
  tags: ["Billing"],
  summary: "Set who receipts are made out to: name, email and address (owners)",
  security: bearerSecurity,
  middleware: [requireOrg("billing:manage")] as const,
  request: { params: orgIdParam, ...jsonBody(detailsPatchSchema) },
  responses: { 200: jsonContent(billingDetailsSchema, "The billing details"), ...problemResponses(401, 403, 404, 422) },
});

export function billingRoutes() {
  const router = newRouter();
  router.openapi(overviewRoute, async (c) => c.json(await getBillingOverview(c.get("ctx"), c.get("org")), 200));
  router.openapi(usageRoute, async (c) => c.json(await usageSeries(c.get("ctx"), c.get("org"), c.req.valid("query")), 200));
  router.openapi(invoicesRoute, async (c) => c.json(await listInvoices(c.get("ctx"), c.get("org"), c.req.valid("query")), 200));
  router.openapi(detailsRoute, async (c) =>
    c.json(await updateBillingDetails(c.get("ctx"), c.get("org"), c.req.valid("json"), c.get("user").id, requestMeta(c)), 200),
  );
  router.openapi(invoiceRoute, async (c) => c.json(await getInvoice(c.get("ctx"), c.get("org"), c.req.valid("param").invoiceId), 200));
  return router;
}
