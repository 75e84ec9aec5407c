// Builds the Hono app: request ids and logs, security headers, body limits, every feature's
// routes under /api/v1, the OpenAPI document and its reference page, health, metrics, and the web app.
import path from "node:path";
import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { sql } from "drizzle-orm";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppContext } from "./context.js";
import { withAccount } from "./db/transaction.js";
import { PayloadTooLarge } from "./errors.js";
import type { AppEnv } from "./http/env.js";
import { createMetrics } from "./http/metrics.js";
import { errorToProblem, problemResponse } from "./http/problem.js";
import { clientIp } from "./http/request-meta.js";
import { mountWebApp } from "./http/web-app.js";
import { adminRoutes } from "./modules/admin/routes.js";
import { assistantRoutes } from "./modules/assistants/routes.js";
import { meRoutes } from "./modules/auth/me-routes.js";
import { authRoutes } from "./modules/auth/routes.js";
import { billingRoutes } from "./modules/billing/routes.js";
import { stripeBillingRoutes } from "./modules/billing/stripe/routes.js";
import { callRoutes } from "./modules/calls/routes.js";
import { testSessionRoutes } from "./modules/conversation/routes.js";
import { inboxRoutes } from "./modules/inbox/routes.js";
import { invitationRoutes } from "./modules/invitations/routes.js";
import { isKnowledgeUploadRequest, knowledgeRoutes } from "./modules/knowledge/routes.js";
import { memberRoutes } from "./modules/members/routes.js";
import { notificationRoutes } from "./modules/notifications/routes.js";
import { organizationRoutes } from "./modules/organizations/routes.js";
import { phoneNumberRoutes } from "./modules/phone-numbers/routes.js";
import { twilioWebhookRoutes } from "./modules/phone-numbers/twilio-webhooks.js";
import { planRoutes } from "./modules/plans/routes.js";
import { sandboxRoutes } from "./modules/sandbox/routes.js";
import { STRIPE_WEBHOOK_PATH, stripeWebhookRoutes } from "./modules/stripe-webhook/routes.js";
import { templateRoutes } from "./modules/templates/routes.js";
import { VAPI_WEBHOOK_PATH, vapiWebhookRoutes } from "./modules/vapi-webhook/routes.js";

export const API_PREFIX = "/api/v1";
const DEFAULT_WEB_ROOT = path.resolve("dist/web");

export function buildApiRouter() {
  const api = new OpenAPIHono<AppEnv>();
  const routers = [
    authRoutes(),
    meRoutes(),
    organizationRoutes(),
    memberRoutes(),
    invitationRoutes(),
    planRoutes(),
    adminRoutes(),
    templateRoutes(),
    assistantRoutes(),
    knowledgeRoutes(),
    inboxRoutes(),
    notificationRoutes(),
    phoneNumberRoutes(),
    callRoutes(),
    sandboxRoutes(),
    testSessionRoutes(),
    stripeBillingRoutes(),
    billingRoutes(),
  ];
  for (const router of routers) {
    api.route("/", router);
  }
  return api;
}

export function buildApp(ctx: AppContext, options: { webRoot?: string; isReady?: () => boolean } = {}) {
  const app = new OpenAPIHono<AppEnv>();
  const metrics = createMetrics();

  app.use(requestId({ limitLength: 128 }));
  app.use(async (c, next) => {
    c.set("ctx", ctx);
    c.set("clientIp", clientIp(c, ctx.config.trustProxy));
    const logger = ctx.logger.child({ requestId: c.get("requestId") });
    c.set("logger", logger);
    const started = performance.now();
    await next();
    logger.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) }, "request");
  });
  app.use(metrics.middleware);
  app.use(secureHeaders({ referrerPolicy: "strict-origin-when-cross-origin", crossOriginEmbedderPolicy: false }));
  const apiBodyLimit = bodyLimit({
    maxSize: ctx.config.bodyLimitBytes,
    onError: () => {
      throw new PayloadTooLarge("BODY_TOO_LARGE", `The request body is larger than ${ctx.config.bodyLimitBytes} bytes.`);
    },
  });
  // Knowledge uploads carry files up to KNOWLEDGE_UPLOAD_LIMIT_BYTES; that route applies its own limit.
  app.use(`${API_PREFIX}/*`, (c, next) => (isKnowledgeUploadRequest(c.req.method, c.req.path) ? next() : apiBodyLimit(c, next)));

  app.route(API_PREFIX, buildApiRouter());
  app.route(VAPI_WEBHOOK_PATH, vapiWebhookRoutes());
  app.route(STRIPE_WEBHOOK_PATH, stripeWebhookRoutes());
  app.route("/", twilioWebhookRoutes());

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Switchboard API", version: "1.0.0", description: "AI phone receptionists for small businesses. Every error is RFC 9457 problem+json." },
    servers: [{ url: ctx.config.appUrl }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  app.use("/docs", async (c, next) => {
    await next();
    c.header(
      "content-security-policy",
      "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; font-src 'self' data: https://fonts.gstatic.com; img-src 'self' data:; connect-src 'self'",
    );
  });
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "Switchboard API" }));

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    if (options.isReady && !options.isReady()) return c.json({ status: "starting" }, 503);
    try {
      await withAccount(ctx.db, (tx) => tx.execute(sql`SELECT 1`));
      return c.json({ status: "ready" });
    } catch {
      return c.json({ status: "database unavailable" }, 503);
    }
  });
  app.get("/metrics", async (c) => c.text(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType }));

  app.all(`${API_PREFIX}/*`, (c) =>
    problemResponse(c, { title: "Not found", status: 404, code: "ROUTE_NOT_FOUND", detail: `No route ${c.req.method} ${c.req.path}.` }),
  );
  mountWebApp(app, options.webRoot ?? DEFAULT_WEB_ROOT);

  app.onError((error, c) => errorToProblem(error, c));
  return app;
}
