// The public plans catalog (pricing page).
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../http/router.js";
import { jsonContent } from "../../http/schemas.js";
import { listPlans } from "./service.js";

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
    const plans = await listPlans(c.get("ctx"));
    const items = plans.map(({ id, name, priceCents, callsPerMonth, minutesPerMonth, concurrentCalls, assistants, phoneNumbers, seats, features }) => ({
      id,
      name,
      priceCents,
      callsPerMonth,
      minutesPerMonth,
      concurrentCalls,
      assistants,
      phoneNumbers,
      seats,
      features,
    }));
    return c.json({ items }, 200);
  });
  return router;
}
