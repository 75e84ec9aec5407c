// An organization's calls: the filtered list, the CSV export (streamed), one call with its
// transcript and actions, the overview's stats, and the live event stream (server-sent events)
// with the short-lived token a browser's EventSource authenticates it with.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler, Next } from "hono";
import { stream, streamSSE } from "hono/streaming";
import { NotFound, Unauthorized } from "../../errors.js";
import { requireOrg } from "../../http/authorize.js";
import type { AppEnv } from "../../http/env.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { jsonContent, problemResponses, timestampSchema } from "../../http/schemas.js";
import { roleAllows } from "../organizations/permissions.js";
import { orgIdParam } from "../organizations/routes.js";
import { findOrgAccess } from "../organizations/service.js";
import { callCsvLine, callsCsvHeader } from "./csv.js";
import { CALL_EVENT_TYPES, STREAM_TOKEN_TTL_SECONDS, signStreamToken, verifyStreamToken } from "./live.js";
import { CALL_STATUSES } from "./schema.js";
import { CALLS_PAGE_DEFAULT, CALLS_PAGE_MAX, type CallFilters, getCall, getCallStats, iterateCalls, listCalls, STATS_DAYS } from "./service.js";

/** SSE comment lines this often keep proxies from closing an idle stream. */
export const STREAM_HEARTBEAT_MS = 15_000;
/** How long EventSource waits before reconnecting after the stream drops. */
const STREAM_RETRY_MS = 3000;

const callIdParams = orgIdParam.extend({
  callId: z
    .string()
    .max(64)
    .openapi({ param: { name: "callId", in: "path" }, example: "call_5m2k8q1c7v3b5n6h0j2r4t9x" }),
});

const callStatusSchema = z.enum(CALL_STATUSES).openapi("CallStatus");

const boundSchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: "Use a date (2026-11-22) or an ISO 8601 date-time with an offset." })
  .optional();

const filterQuery = z.object({
  from: boundSchema.openapi({ description: "Calls started at or after this instant, or from the start of this date in the organization's time zone" }),
  to: boundSchema.openapi({ description: "Calls started before this instant, or up to the end of this date in the organization's time zone" }),
  assistantId: z.string().max(64).optional(),
  phoneNumberId: z.string().max(64).optional(),
  status: callStatusSchema.optional(),
  outcome: z.string().max(100).optional().openapi({ description: "The analysis's structuredData.outcome, or the ended reason when there is none" }),
  caller: z
    .string()
    .regex(/^\+?\d{1,15}$/, "Use the start of an E.164 number, such as +1415.")
    .optional()
    .openapi({ description: "A prefix of the caller's E.164 number", example: "+1415" }),
  isTest: z.enum(["true", "false"]).optional().openapi({ description: "true: only test calls; false: only real calls" }),
  q: z.string().max(200).optional().openapi({ description: 'Full-text search over transcript and summary (English stemming; "phrases", -exclusions, or)' }),
});

const listQuery = filterQuery.extend({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(CALLS_PAGE_MAX)
    .optional()
    .openapi({ description: `Page size, default ${CALLS_PAGE_DEFAULT}, at most ${CALLS_PAGE_MAX}` }),
  cursor: z.string().max(200).optional().openapi({ description: "nextCursor of the previous page" }),
});

function toFilters(query: z.infer<typeof filterQuery>): CallFilters {
  const { isTest, ...rest } = query;
  return { ...rest, isTest: isTest === undefined ? undefined : isTest === "true" };
}

const callFields = {
  id: z.string(),
  status: callStatusSchema,
  startedAt: timestampSchema,
  endedAt: timestampSchema.nullable(),
  durationSeconds: z.number().int().nullable(),
  callerNumber: z.string().nullable().openapi({ description: "E.164 when known" }),
  assistantId: z.string().nullable(),
  assistantName: z.string().nullable().openapi({ description: "Null when the assistant was deleted or the call had none" }),
  phoneNumberId: z.string().nullable(),
  outcome: z.string().nullable(),
  endedReason: z.string().nullable(),
  summary: z.string().nullable(),
  successEvaluation: z.string().nullable(),
  costUsd: z.number().nullable(),
  isTest: z.boolean(),
  fallback: z.string().nullable().openapi({ description: "Set when a fallback answered (paused assistant, suspended organization, limits)" }),
};

const callListItemSchema = z.object(callFields).openapi("CallListItem");

const callDetailSchema = z
  .object({
    ...callFields,
    recordingUrl: z.string().nullable(),
    structuredData: z.record(z.string(), z.unknown()).nullable(),
    transcript: z.string().nullable(),
    segments: z.array(
      z
        .object({
          seq: z.number().int(),
          speaker: z.string().openapi({ description: "assistant, caller, system or tool" }),
          text: z.string(),
          startOffsetMs: z.number().int().nullable().openapi({ description: "From the start of the call" }),
          endOffsetMs: z.number().int().nullable(),
        })
        .openapi("TranscriptSegment"),
    ),
    actions: z.array(
      z
        .object({
          id: z.string(),
          tool: z.string(),
          arguments: z.record(z.string(), z.unknown()),
          outcome: z.string().openapi({ description: "succeeded, rejected or failed" }),
          result: z.string(),
          inboxItemId: z.string().nullable(),
          createdAt: timestampSchema,
        })
        .openapi("CallAction"),
    ),
    inboxItemIds: z.array(z.string()).openapi({ description: "Inbox items this call created" }),
  })
  .openapi("CallDetail");

const callStatsSchema = z
  .object({
    timezone: z.string().openapi({ description: "The organization's time zone, which days and months are counted in" }),
    callsToday: z.number().int(),
    callsThisMonth: z.number().int(),
    minutesThisMonth: z.number().openapi({ description: "Minutes of calls this month (one decimal), test calls excluded" }),
    activeCalls: z.number().int(),
    outcomes: z.record(z.string(), z.number().int()).openapi({ description: "This month's calls by outcome" }),
    perDay: z.array(z.object({ date: z.string().openapi({ example: "2026-11-22" }), calls: z.number().int(), minutes: z.number() })).openapi({
      description: `The last ${STATS_DAYS} days in the organization's time zone, oldest first`,
    }),
  })
  .openapi("CallStats");

const listRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/calls",
  tags: ["Calls"],
  summary: "The organization's calls, newest first, filtered and paginated",
  description: "Cursor pagination: pass nextCursor as cursor for the next page (with the same filters); null on the last page.",
  security: bearerSecurity,
  middleware: [requireOrg("calls:read")] as const,
  request: { params: orgIdParam, query: listQuery },
  responses: {
    200: jsonContent(z.object({ items: z.array(callListItemSchema), nextCursor: z.string().nullable() }).openapi("CallPage"), "A page of calls"),
    ...problemResponses(401, 404, 422),
  },
});

const exportRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/calls/export.csv",
  tags: ["Calls"],
  summary: "Every call matching the filters as CSV (streamed)",
  description:
    "RFC 4180 (UTF-8, CRLF, a header row). Cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return, except plain numbers such as +14155550100) are prefixed with an apostrophe.",
  security: bearerSecurity,
  middleware: [requireOrg("calls:read")] as const,
  request: { params: orgIdParam, query: filterQuery },
  responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } }, ...problemResponses(401, 404, 422) },
});

const statsRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/calls/stats",
  tags: ["Calls"],
  summary: "The overview's figures: calls today and this month, minutes, active calls, outcomes, calls per day",
  security: bearerSecurity,
  middleware: [requireOrg("calls:read")] as const,
  request: { params: orgIdParam },
  responses: { 200: jsonContent(callStatsSchema, "Stats"), ...problemResponses(401, 404) },
});

const streamTokenRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/calls/stream-token",
  tags: ["Calls"],
  summary: "A one-minute token to open the live call stream with",
  description: `EventSource cannot send an Authorization header: pass this token as ?token= to GET /orgs/{orgId}/calls/stream. Valid ${STREAM_TOKEN_TTL_SECONDS} s, for this organization only; an open stream stays open after it expires.`,
  security: bearerSecurity,
  middleware: [requireOrg("calls:read")] as const,
  request: { params: orgIdParam },
  responses: {
    200: jsonContent(z.object({ token: z.string(), expiresAt: timestampSchema }).openapi("CallStreamToken"), "The token"),
    ...problemResponses(401, 404),
  },
});

/** A stream token in ?token= (browsers), else the usual bearer access token (other clients). */
const authorizeStream: MiddlewareHandler<AppEnv> = async (c: Context<AppEnv>, next: Next) => {
  const token = c.req.query("token");
  if (token === undefined) return requireOrg("calls:read")(c, next);
  const ctx = c.get("ctx");
  const claims = await verifyStreamToken(ctx.accessTokenKey, token, ctx.clock.now());
  const organizationId = c.req.param("orgId");
  if (claims.organizationId !== organizationId) throw new Unauthorized("TOKEN_INVALID", "The stream token is for another organization.");
  // Membership is checked again now: a member removed since the token was issued gets nothing.
  const access = await findOrgAccess(ctx, claims.userId, organizationId);
  if (!access || !roleAllows(access.role, "calls:read")) throw new NotFound("Organization");
  c.set("org", access);
  await next();
};

const streamRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/calls/stream",
  tags: ["Calls"],
  summary: "Live call events (server-sent events)",
  description: [
    `Events: ${CALL_EVENT_TYPES.join(", ")}; data is the call as JSON (id, status, callerNumber, assistantId, phoneNumberId, startedAt, endedAt, durationSeconds, endedReason, isTest).`,
    'A first "ready" event says the subscription is live; a comment line every 15 s keeps the connection open.',
    "Authenticate with a bearer access token, or — from a browser's EventSource, which cannot send headers — with ?token= from POST /orgs/{orgId}/calls/stream-token.",
    "Events missed while disconnected are not replayed: refetch the lists after (re)connecting.",
  ].join(" "),
  security: bearerSecurity,
  middleware: [authorizeStream] as const,
  request: {
    params: orgIdParam,
    query: z.object({ token: z.string().max(2000).optional().openapi({ description: "A stream token, instead of the Authorization header" }) }),
  },
  responses: { 200: { description: "An event stream", content: { "text/event-stream": { schema: z.string() } } }, ...problemResponses(401, 404) },
});

const getRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/calls/{callId}",
  tags: ["Calls"],
  summary: "One call with its transcript, actions and inbox items",
  security: bearerSecurity,
  middleware: [requireOrg("calls:read")] as const,
  request: { params: callIdParams },
  responses: { 200: jsonContent(callDetailSchema, "The call"), ...problemResponses(401, 404) },
});

export function callRoutes() {
  const router = newRouter();

  router.openapi(listRoute, async (c) => {
    const { limit, cursor, ...filters } = c.req.valid("query");
    return c.json(await listCalls(c.get("ctx"), c.get("org"), toFilters(filters), { limit, cursor }), 200);
  });

  router.openapi(exportRoute, async (c) => {
    const ctx = c.get("ctx");
    const access = c.get("org");
    const filters = toFilters(c.req.valid("query"));
    const logger = c.get("logger");
    c.header("content-type", "text/csv; charset=utf-8");
    c.header("content-disposition", `attachment; filename="calls-${ctx.clock.now().toISOString().slice(0, 10)}.csv"`);
    c.header("cache-control", "no-store");
    return stream(
      c,
      async (out) => {
        await out.write(callsCsvHeader());
        for await (const page of iterateCalls(ctx, access, filters)) {
          if (out.aborted) return;
          await out.write(page.map(callCsvLine).join(""));
        }
      },
      async (error) => {
        // Headers are gone by now: the truncated file is all the client can get; log why.
        logger.error({ err: error }, "the calls CSV export failed");
      },
    );
  });

  router.openapi(statsRoute, async (c) => c.json(await getCallStats(c.get("ctx"), c.get("org")), 200));

  router.openapi(streamTokenRoute, async (c) => {
    const ctx = c.get("ctx");
    const { token, expiresAt } = await signStreamToken(
      ctx.accessTokenKey,
      { userId: c.get("user").id, organizationId: c.get("org").organizationId },
      ctx.clock.now(),
    );
    c.header("cache-control", "no-store");
    return c.json({ token, expiresAt: expiresAt.toISOString() }, 200);
  });

  router.openapi(streamRoute, async (c) => {
    const ctx = c.get("ctx");
    const organizationId = c.get("org").organizationId;
    const logger = c.get("logger");
    c.header("cache-control", "no-store");
    c.header("x-accel-buffering", "no");
    return streamSSE(
      c,
      async (sse) => {
        let finish: () => void = () => {};
        const finished = new Promise<void>((resolve) => {
          finish = resolve;
        });
        const unsubscribe = ctx.callEvents.subscribe(organizationId, {
          onEvent: (event) => {
            sse.writeSSE({ event: event.type, data: JSON.stringify(event.call), id: `${event.call.id}:${event.call.status}` }).catch(finish);
          },
          onClose: () => finish(),
        });
        sse.onAbort(finish);
        const heartbeat = setInterval(() => {
          sse.write(": heartbeat\n\n").catch(finish);
        }, STREAM_HEARTBEAT_MS);
        try {
          await sse.writeSSE({ event: "ready", data: JSON.stringify({ organizationId }), retry: STREAM_RETRY_MS });
          await finished;
        } finally {
          clearInterval(heartbeat);
          unsubscribe();
        }
      },
      async (error) => {
        logger.warn({ err: error }, "a call event stream failed");
      },
    );
  });

  router.openapi(getRoute, async (c) => c.json(await getCall(c.get("ctx"), c.get("org"), c.req.valid("param").callId), 200));

  return router;
}
