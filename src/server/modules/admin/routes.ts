// The super admin API: search organizations and users, read the dev mailbox, edit the plans
// catalog, assign an organization's plan and settle its invoices (manual billing mode).
import { createRoute, z } from "@hono/zod-openapi";
import { requireSuperAdmin } from "../../http/authorize.js";
import { requestMeta } from "../../http/request-meta.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { jsonBody, jsonContent, problemResponses, requiredText, storableText, timestampSchema } from "../../http/schemas.js";
import { PLAN_FEATURES } from "../billing/feature-gates.js";
import { assignOrganizationPlan, setInvoiceStatus } from "../billing/service.js";
import { planSchema } from "../plans/routes.js";
import { listPlansForAdmin, updatePlan } from "../plans/service.js";
import { listDevMailbox, searchOrganizations, searchUsers } from "./service.js";

const pageQuery = z.object({
  q: storableText(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const adminOrganizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    status: z.string(),
    planId: z.string(),
    planName: z.string(),
    members: z.number().int(),
    createdAt: timestampSchema,
    deletedAt: timestampSchema.nullable(),
  })
  .openapi("AdminOrganization");

const adminUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    isSuperAdmin: z.boolean(),
    emailVerified: z.boolean(),
    organizations: z.number().int(),
    createdAt: timestampSchema,
  })
  .openapi("AdminUser");

const mailSchema = z
  .object({ id: z.string(), to: z.string(), from: z.string(), subject: z.string(), text: z.string(), html: z.string().nullable(), createdAt: timestampSchema })
  .openapi("DevMail");

const organizationsRoute = createRoute({
  method: "get",
  path: "/admin/organizations",
  tags: ["Admin"],
  summary: "Search every organization (super admin)",
  security: bearerSecurity,
  middleware: [requireSuperAdmin] as const,
  request: { query: pageQuery.extend({ includeDeleted: z.enum(["true", "false"]).optional() }) },
  responses: {
    200: jsonContent(z.object({ total: z.number().int(), items: z.array(adminOrganizationSchema) }), "Organizations"),
    ...problemResponses(401, 403, 422),
  },
});

const usersRoute = createRoute({
  method: "get",
  path: "/admin/users",
  tags: ["Admin"],
  summary: "Search every user (super admin)",
  security: bearerSecurity,
  middleware: [requireSuperAdmin] as const,
  request: { query: pageQuery },
  responses: { 200: jsonContent(z.object({ total: z.number().int(), items: z.array(adminUserSchema) }), "Users"), ...problemResponses(401, 403, 422) },
});

const mailboxRoute = createRoute({
  method: "get",
  path: "/admin/mailbox",
  tags: ["Admin"],
  summary: "The dev mailbox: mail kept locally when no SMTP server is configured (super admin)",
  security: bearerSecurity,
  middleware: [requireSuperAdmin] as const,
  request: { query: pageQuery.omit({ q: true }).extend({ to: storableText(254).optional() }) },
  responses: { 200: jsonContent(z.object({ items: z.array(mailSchema) }), "Messages, newest first"), ...problemResponses(401, 403, 422) },
});

const adminPlanSchema = planSchema
  .extend({
    stripePriceId: z.string().nullable(),
    stripeOverageCallPriceId: z.string().nullable(),
    stripeOverageMinutePriceId: z.string().nullable(),
    sortOrder: z.number().int(),
    updatedAt: timestampSchema,
  })
  .openapi("AdminPlan");

const MAX_LIMIT = 10_000_000;
const limitInput = z.number().int().min(0).max(MAX_LIMIT).nullable().openapi({ description: "null = unlimited" });
const centsInput = z.number().int().min(0).max(100_000_000).nullable();
const stripePriceInput = z
  .string()
  .regex(/^price_[A-Za-z0-9_]{1,200}$/, "Use a Stripe price id (price_…).")
  .nullable();

const planPatchSchema = z
  .strictObject({
    name: requiredText(60).optional(),
    priceCents: centsInput.optional().openapi({ description: "Monthly price in US cents; null = custom" }),
    callsPerMonth: limitInput.optional(),
    minutesPerMonth: limitInput.optional(),
    concurrentCalls: limitInput.optional(),
    assistants: limitInput.optional(),
    phoneNumbers: limitInput.optional(),
    seats: limitInput.optional(),
    features: z
      .array(z.enum(PLAN_FEATURES))
      .max(PLAN_FEATURES.length)
      .refine((features) => new Set(features).size === features.length, "List each feature once.")
      .optional(),
    billingIncrementSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .optional()
      .openapi({ description: "1 = per second, 6 = six-second billing, 60 = whole minutes" }),
    overageCallCents: centsInput.optional().openapi({ description: "null = no overage price (with both null the plan stops at its limits)" }),
    overageMinuteCents: centsInput.optional(),
    stripePriceId: stripePriceInput.optional(),
    stripeOverageCallPriceId: stripePriceInput.optional(),
    stripeOverageMinutePriceId: stripePriceInput.optional(),
    sortOrder: z.number().int().min(0).max(1000).optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, "Change at least one field.")
  .openapi("PlanPatch");

const plansRoute = createRoute({
  method: "get",
  path: "/admin/plans",
  tags: ["Admin"],
  summary: "The plans catalog with Stripe price ids (super admin)",
  security: bearerSecurity,
  middleware: [requireSuperAdmin] as const,
  responses: { 200: jsonContent(z.object({ items: z.array(adminPlanSchema) }), "Plans"), ...problemResponses(401, 403) },
});

const planParams = z.object({
  planId: z
    .string()
    .max(64)
    .openapi({ param: { name: "planId", in: "path" }, example: "starter" }),
});

const updatePlanRoute = createRoute({
  method: "patch",
  path: "/admin/plans/{planId}",
  tags: ["Admin"],
  summary: "Edit a plan: price, limits, features, overage prices, Stripe price ids (super admin; applies at once, audited)",
  security: bearerSecurity,
  middleware: [requireSuperAdmin] as const,
  request: { params: planParams, ...jsonBody(planPatchSchema) },
  responses: { 200: jsonContent(adminPlanSchema, "The plan"), ...problemResponses(401, 403, 404, 422) },
});

const adminOrgParams = z.object({
  orgId: z
    .string()
    .max(64)
    .openapi({ param: { name: "orgId", in: "path" }, example: "org_5m2k8q1c7v3b5n6h0j2r4t9x" }),
});

const assignPlanRoute = createRoute({
  method: "put",
  path: "/admin/organizations/{orgId}/plan",
  tags: ["Admin"],
  summary: "Assign an organization's plan, now or at the end of its billing period (super admin; audited)",
  description: "Refused with 409 BILLING_MANAGED_BY_STRIPE while a Stripe subscription manages the organization's plan.",
  security: bearerSecurity,
  middleware: [requireSuperAdmin] as const,
  request: {
    params: adminOrgParams,
    ...jsonBody(z.strictObject({ planId: z.string().min(1).max(64), effective: z.enum(["now", "period_end"]).default("now") }).openapi("PlanAssignment")),
  },
  responses: {
    200: jsonContent(
      z.object({ organizationId: z.string(), planId: z.string(), scheduledPlanId: z.string().nullable(), effectiveAt: timestampSchema }),
      "The organization's plan",
    ),
    ...problemResponses(401, 403, 404, 409, 422),
  },
});

const invoiceStatusRoute = createRoute({
  method: "patch",
  path: "/admin/organizations/{orgId}/invoices/{invoiceId}",
  tags: ["Admin"],
  summary: "Mark a platform-issued invoice paid or void (super admin; audited)",
  security: bearerSecurity,
  middleware: [requireSuperAdmin] as const,
  request: {
    params: adminOrgParams.extend({
      invoiceId: z
        .string()
        .max(64)
        .openapi({ param: { name: "invoiceId", in: "path" } }),
    }),
    ...jsonBody(z.strictObject({ status: z.enum(["paid", "void"]) })),
  },
  responses: { 200: jsonContent(z.object({ id: z.string(), status: z.enum(["paid", "void"]) }), "The invoice"), ...problemResponses(401, 403, 404, 409, 422) },
});

export function adminRoutes() {
  const router = newRouter();

  router.openapi(organizationsRoute, async (c) => {
    const { includeDeleted, ...query } = c.req.valid("query");
    return c.json(await searchOrganizations(c.get("ctx"), { ...query, includeDeleted: includeDeleted === "true" }), 200);
  });

  router.openapi(usersRoute, async (c) => c.json(await searchUsers(c.get("ctx"), c.req.valid("query")), 200));

  router.openapi(mailboxRoute, async (c) => c.json({ items: await listDevMailbox(c.get("ctx"), c.req.valid("query")) }, 200));

  router.openapi(plansRoute, async (c) => c.json({ items: await listPlansForAdmin(c.get("ctx")) }, 200));

  router.openapi(updatePlanRoute, async (c) =>
    c.json(await updatePlan(c.get("ctx"), c.req.valid("param").planId, c.req.valid("json"), c.get("user").id, requestMeta(c)), 200),
  );

  router.openapi(assignPlanRoute, async (c) =>
    c.json(await assignOrganizationPlan(c.get("ctx"), c.req.valid("param").orgId, c.req.valid("json"), c.get("user").id, requestMeta(c)), 200),
  );

  router.openapi(invoiceStatusRoute, async (c) => {
    const { orgId, invoiceId } = c.req.valid("param");
    return c.json(await setInvoiceStatus(c.get("ctx"), orgId, invoiceId, c.req.valid("json").status, c.get("user").id, requestMeta(c)), 200);
  });

  return router;
}
