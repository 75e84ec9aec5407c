// The public plans catalog (pricing page).
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../http/router.js";
import { jsonContent } from "../../http/schemas.js";
import { listPlans, planView } from "./service.js";

const limit = z.number().int().nullable().openapi({ description: "null = unlimited" });

export const planSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    priceCents: z.number().int().nullable().openapi({ description: "Monthly price in US cents; null = custom" }),
    callsPerMonth: limit,
    minutesPerMonth: limit,
    concurrentCalls: limit,
    assistants: limit,
    phoneNumbers: limit,
    seats: limit,
    features: z.array(z.string()),
    billingIncrementSeconds: z.number().int().openapi({ description: "Each call's duration is rounded up to a multiple of this (60 = whole minutes)" }),
    overageCallCents: z.number().int().nullable().openapi({ description: "Price per call beyond the limit, US cents; null = none" }),
    overageMinuteCents: z.number().int().nullable().openapi({ description: "Price per minute beyond the limit, US cents; null = none" }),
  })
  .openapi("Plan");

const listRoute = createRoute({
  method: "get",
  path: "/plans",
  tags: ["Plans"],
  summary: "The plans catalog",
  responses: { 200: jsonContent(z.object({ items: z.array(planSchema) }), "Plans") },
});

export function planRoutes() {
  const router = newRouter();
  router.openapi(listRoute, async (c) => {
    const items = (await listPlans(c.get("ctx"))).map(planView);
    return c.json({ items }, 200);
  });
  return router;
}
