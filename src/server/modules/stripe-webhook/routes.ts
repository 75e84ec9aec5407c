// POST /webhooks/stripe, where Stripe delivers billing events (outside /api/v1: a vendor's endpoint,
// not part of the public API). The signature is checked with the SDK's constructEvent on the raw
// body (bad, missing or too old → 400); the event is stored before it is acknowledged (database
// down → 503, so Stripe retries) and processed by a job.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type Stripe from "stripe";
import type { AppContext } from "../../context.js";
import { withPlatform } from "../../db/transaction.js";
import type { AppEnv } from "../../http/env.js";
import { recordAudit } from "../audit/service.js";
import { stripeClient } from "../billing/stripe/client.js";
import { storeStripeEvent } from "./service.js";

export const STRIPE_WEBHOOK_PATH = "/webhooks/stripe";
/** Invoices with many lines are the largest events; Stripe's own payloads stay far below this. */
export const STRIPE_WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;
/** Signed events older than this are refused as replays (Stripe's recommended default). */
export const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

async function auditRejection(ctx: AppContext, meta: { ip: string; userAgent: string | null }, reason: string): Promise<void> {
  await withPlatform(ctx.db, (tx) =>
    recordAudit(
      tx,
      { action: "webhook.rejected", targetType: "webhook", targetId: "stripe", metadata: { reason } },
      { ip: meta.ip, userAgent: meta.userAgent },
      ctx.clock.now(),
    ),
  ).catch((error: unknown) => ctx.logger.error({ err: error }, "could not audit a rejected webhook"));
}

export function stripeWebhookRoutes() {
  const app = new Hono<AppEnv>();
  app.post(
    "/",
    bodyLimit({ maxSize: STRIPE_WEBHOOK_BODY_LIMIT_BYTES, onError: (c) => c.json({ error: "The request body is too large." }, 413) }),
    async (c) => {
      const ctx = c.get("ctx");
      const config = ctx.config.stripe;
      if (!config) return c.json({ error: "Stripe billing is not enabled on this platform." }, 404);
      const rawBody = Buffer.from(await c.req.arrayBuffer());
      let event: Stripe.Event;
      try {
        event = stripeClient(config).webhooks.constructEvent(
          rawBody,
          c.req.header("stripe-signature") ?? "",
          config.webhookSecret,
          STRIPE_WEBHOOK_TOLERANCE_SECONDS,
          undefined,
          ctx.clock.now().getTime(),
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message.split("\n")[0]?.slice(0, 200) || "invalid signature" : "invalid signature";
        c.get("logger").warn({ reason, ip: c.get("clientIp") }, "refused a Stripe webhook");
        await auditRejection(ctx, { ip: c.get("clientIp"), userAgent: c.req.header("user-agent") ?? null }, reason);
        return c.json({ error: "The Stripe-Signature header does not match this body, or the event is too old." }, 400);
      }
      if (typeof event.id !== "string" || typeof event.type !== "string" || !event.data?.object) {
        return c.json({ error: "Expected a Stripe event object." }, 400);
      }
      try {
        const stored = await storeStripeEvent(ctx, event);
        return c.json({ received: true, duplicate: !stored }, 200);
      } catch (error) {
        // Not stored: never acknowledge what was not kept; Stripe retries a 5xx.
        c.get("logger").error({ err: error, eventId: event.id }, "could not store a Stripe event");
        return c.json({ error: "Temporarily unavailable." }, 503);
      }
    },
  );
  return app;
}
