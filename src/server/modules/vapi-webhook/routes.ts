// POST /webhooks/vapi, the server URL Vapi calls for every message of every call (outside /api/v1:
// a vendor's endpoint, not part of the public API). Authentication comes first, on the raw body;
// a refused request is answered 401, logged and audited.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppContext } from "../../context.js";
import { withPlatform } from "../../db/transaction.js";
import type { AppEnv } from "../../http/env.js";
import { recordAudit } from "../audit/service.js";
import { authenticateVapiRequest, sandboxWebhookSecret } from "./authenticate.js";
import { isRecord } from "./messages.js";
import { handleVapiMessage } from "./service.js";

export const VAPI_WEBHOOK_PATH = "/webhooks/vapi";
/** End-of-call reports of long calls carry the whole transcript; 5,000 turns fit well within this. */
export const VAPI_WEBHOOK_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

async function auditRejection(ctx: AppContext, meta: { ip: string; userAgent: string | null }, reason: string): Promise<void> {
  await withPlatform(ctx.db, (tx) =>
    recordAudit(
      tx,
      { action: "webhook.rejected", targetType: "webhook", targetId: "vapi", metadata: { reason } },
      { ip: meta.ip, userAgent: meta.userAgent },
      ctx.clock.now(),
    ),
  ).catch((error: unknown) => ctx.logger.error({ err: error }, "could not audit a rejected webhook"));
}

export function vapiWebhookRoutes() {
  const app = new Hono<AppEnv>();
  app.post("/", bodyLimit({ maxSize: VAPI_WEBHOOK_BODY_LIMIT_BYTES, onError: (c) => c.json({ error: "The request body is too large." }, 413) }), async (c) => {
    const ctx = c.get("ctx");
    const rawBody = await c.req.text();
    const auth = authenticateVapiRequest(
      c.req.raw.headers,
      rawBody,
      { sharedSecret: ctx.config.vapi.webhookSecret, hmacSecret: ctx.config.vapi.webhookHmacSecret, sandboxSecret: sandboxWebhookSecret(ctx.accessTokenKey) },
      ctx.clock.now().getTime(),
    );
    if (!auth.ok) {
      c.get("logger").warn({ reason: auth.reason, ip: c.get("clientIp") }, "refused a Vapi webhook");
      await auditRejection(ctx, { ip: c.get("clientIp"), userAgent: c.req.header("user-agent") ?? null }, auth.reason);
      return c.json({ error: "Unauthorized." }, 401);
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return c.json({ error: "The body is not valid JSON." }, 400);
    }
    if (!isRecord(body) || !isRecord(body.message)) return c.json({ error: "Expected a JSON object with a `message` object." }, 400);
    try {
      const answer = await handleVapiMessage(ctx, { message: body.message, body, rawBody, sandboxOnly: auth.sandboxOnly });
      return c.json(answer.body, answer.status);
    } catch (error) {
      // Not stored (database down, …): 503 so the vendor may retry; never acknowledge what was not kept.
      c.get("logger").error({ err: error }, "could not handle a Vapi message");
      return c.json({ error: "Temporarily unavailable." }, 503);
    }
  });
  return app;
}
