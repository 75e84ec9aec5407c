// Plan changes through Stripe and the Billing Portal (owners only: `billing:manage`). In manual
// billing mode (no STRIPE_SECRET_KEY) both answer 409 BILLING_MANUAL_MODE.
import { createRoute, z } from "@hono/zod-openapi";
import { requireOrg } from "../../../http/authorize.js";
import { requestMeta } from "../../../http/request-meta.js";
import { bearerSecurity, newRouter } from "../../../http/router.js";
import { jsonBody, jsonContent, problemResponses } from "../../../http/schemas.js";
import { orgIdParam } from "../../organizations/routes.js";
import { changePlan } from "./plan-change.js";
import { openBillingPortal } from "./portal.js";

const checkoutRequest = z.strictObject({ planId: z.string().min(1).max(64).openapi({ example: "pro" }) }).openapi("BillingCheckoutRequest");

const idempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{8,128}$/, "Use 8 to 128 letters, digits or _ . : -")
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description: "Repeat a request with the same key to get the same result (one Checkout Session, one plan change).",
    }),
});

const checkoutResult = z
  .object({
    action: z.enum(["checkout", "upgraded", "downgrade_scheduled", "downgrade_cancelled"]),
    url: z.string().nullable().openapi({ description: "Stripe Checkout page to send the browser to (action checkout); null otherwise" }),
    planId: z.string().openapi({ description: "The organization's plan now" }),
    scheduledPlanId: z.string().nullable().openapi({ description: "The plan that takes over when the period ends" }),
    effectiveAt: z.string().nullable().openapi({ format: "date-time", description: "When the scheduled plan takes over" }),
  })
  .openapi("BillingCheckoutResult");

const checkoutRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/billing/checkout",
  tags: ["Billing"],
  summary: "Subscribe to, upgrade or downgrade a plan",
  description:
    "Without a subscription: a Stripe Checkout Session (follow `url`). A more expensive plan: the subscription's price is swapped now, prorated. A cheaper plan (or Free): takes effect when the current period ends. The current plan while a downgrade is scheduled: the downgrade is withdrawn. Requests for the same plan within 10 minutes, or with the same Idempotency-Key, give the same result. Stripe down: 502 VENDOR_UNAVAILABLE; too slow: 503 VENDOR_TIMEOUT.",
  security: bearerSecurity,
  middleware: [requireOrg("billing:manage")] as const,
  request: { params: orgIdParam, headers: idempotencyHeader, ...jsonBody(checkoutRequest) },
  responses: { 200: jsonContent(checkoutResult, "What was done"), ...problemResponses(400, 401, 403, 404, 409, 422, 502, 503) },
});

const portalRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/billing/portal",
  tags: ["Billing"],
  summary: "Open the Stripe Billing Portal (card, invoices, cancellation)",
  security: bearerSecurity,
  middleware: [requireOrg("billing:manage")] as const,
  request: { params: orgIdParam },
  responses: {
    200: jsonContent(z.object({ url: z.string() }).openapi("BillingPortalSession"), "The portal page to send the browser to"),
    ...problemResponses(401, 403, 404, 409, 502, 503),
  },
});

export function stripeBillingRoutes() {
  const router = newRouter();
  router.openapi(checkoutRoute, async (c) => {
    const { planId } = c.req.valid("json");
    const idempotencyKey = c.req.valid("header")["idempotency-key"];
    const result = await changePlan(c.get("ctx"), c.get("org"), c.get("user").id, { planId, idempotencyKey }, requestMeta(c));
    return c.json(result, 200);
  });
  router.openapi(portalRoute, async (c) => c.json(await openBillingPortal(c.get("ctx"), c.get("org").organizationId), 200));
  return router;
}
