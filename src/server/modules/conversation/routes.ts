// The test console's API: open a test session with an assistant, send the caller's lines (each
// answered as a stream of engine events, newline-delimited JSON, ending with a "done" line), read
// the session, and hang up. Each session is a sandbox web call: a real call record marked as a test.
import { createRoute, z } from "@hono/zod-openapi";
import { stream } from "hono/streaming";
import { requireOrg } from "../../http/authorize.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { jsonBody, jsonContent, problemResponses, storableText, timestampSchema } from "../../http/schemas.js";
import { orgIdParam } from "../organizations/routes.js";
import { createTestSession, endTestSession, getTestSession, startTestTurn, TEST_MESSAGE_MAX_CHARS } from "./service.js";

const idParam = (name: string, example: string) =>
  z
    .string()
    .max(64)
    .openapi({ param: { name, in: "path" }, example });
const assistantParams = orgIdParam.extend({ assistantId: idParam("assistantId", "ast_5m2k8q1c7v3b5n6h0j2r4t9x") });
const sessionParams = orgIdParam.extend({ sessionId: idParam("sessionId", "tses_5m2k8q1c7v3b5n6h0j2r4t9x") });

const entrySchema = z
  .object({
    role: z.enum(["caller", "assistant", "tool"]),
    text: z.string().optional(),
    toolCallId: z.string().optional(),
    name: z.string().optional(),
    arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
    result: z.string().optional(),
    error: z.string().optional(),
  })
  .openapi("TestSessionEntry");

const sessionSchema = z
  .object({
    id: z.string(),
    assistantId: z.string(),
    status: z.enum(["open", "ended"]),
    engine: z.enum(["template", "llm"]).openapi({ description: "template: the deterministic template engine; llm: the configured model" }),
    callId: z.string().nullable().openapi({ description: "The test call's record (GET /calls/{callId})" }),
    callerNumber: z.string().nullable(),
    turnCount: z.number().int(),
    maxTurns: z.number().int(),
    transcript: z
      .array(entrySchema)
      .openapi({ description: "The conversation so far: the greeting, the caller's lines, tool calls with their results, replies" }),
    createdAt: timestampSchema,
    lastActivityAt: timestampSchema,
    endedAt: timestampSchema.nullable(),
    endedReason: z.string().nullable(),
  })
  .openapi("TestSession");

const startRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/assistants/{assistantId}/test-sessions",
  tags: ["Test console"],
  summary: "Start a test session: a simulated web call with the assistant (drafts too)",
  description:
    "The assistant greets at once (the transcript holds its first message). The call is recorded as a test call (not counted as usage); its tools really run and leave inbox items. At most 5 open sessions per organization (409 TEST_SESSION_LIMIT_REACHED); idle sessions end after 15 minutes.",
  security: bearerSecurity,
  middleware: [requireOrg("assistants:test")] as const,
  request: {
    params: assistantParams,
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z
            .strictObject({
              callerNumber: z
                .string()
                .regex(/^\+[1-9]\d{6,14}$/, "Use E.164, such as +14155550123.")
                .optional()
                .openapi({ description: "The number the simulated caller calls from; a fictional one by default" }),
            })
            .openapi("TestSessionRequest"),
        },
      },
    },
  },
  responses: { 201: jsonContent(sessionSchema, "Started"), ...problemResponses(401, 403, 404, 409, 422) },
});

const getRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/test-sessions/{sessionId}",
  tags: ["Test console"],
  summary: "A test session: its transcript so far and its state",
  security: bearerSecurity,
  middleware: [requireOrg("assistants:test")] as const,
  request: { params: sessionParams },
  responses: { 200: jsonContent(sessionSchema, "The session"), ...problemResponses(401, 403, 404) },
});

const turnLineSchema = z
  .object({
    type: z.enum(["text-delta", "tool-call", "tool-result", "error", "done"]),
    text: z.string().optional(),
    toolCallId: z.string().optional(),
    name: z.string().optional(),
    arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
    result: z.string().optional(),
    error: z.string().optional(),
    message: z.string().optional(),
    endCall: z.boolean().optional(),
    session: sessionSchema.optional(),
  })
  .openapi("TestTurnLine", { description: "One line of the NDJSON stream" });

const messageRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/test-sessions/{sessionId}/messages",
  tags: ["Test console"],
  summary: "Say one line to the assistant; the answer streams as newline-delimited JSON",
  description: `One JSON object per line, in order: "text-delta", "tool-call", "tool-result" and "error" events as the engine works, then one "done" line with the reply's whole text, whether the call ended, and the session. An empty text is silence. A line longer than ${TEST_MESSAGE_MAX_CHARS} characters is 400 TEXT_TOO_LONG; an ended session 409 TEST_SESSION_ENDED; a turn still running 409 TEST_SESSION_BUSY. A turn never hangs: after 45 seconds it ends with an error event and an apology.`,
  security: bearerSecurity,
  middleware: [requireOrg("assistants:test")] as const,
  request: {
    params: sessionParams,
    ...jsonBody(
      z
        .strictObject({ text: storableText(20_000).openapi({ description: "What the caller says", example: "Hi, I'd like to book a cleaning." }) })
        .openapi("TestMessageRequest"),
    ),
  },
  responses: {
    200: { description: "The turn, streamed", content: { "application/x-ndjson": { schema: turnLineSchema } } },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const endRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/test-sessions/{sessionId}/end",
  tags: ["Test console"],
  summary: "Hang up: the test call ends and gets its end-of-call report",
  security: bearerSecurity,
  middleware: [requireOrg("assistants:test")] as const,
  request: { params: sessionParams },
  responses: { 200: jsonContent(sessionSchema, "Ended (also when it had already ended)"), ...problemResponses(401, 403, 404, 409) },
});

export function testSessionRoutes() {
  const router = newRouter();
  router.openapi(startRoute, async (c) => {
    const { assistantId } = c.req.valid("param");
    const body = (c.req.valid("json") as { callerNumber?: string } | undefined) ?? {};
    return c.json(await createTestSession(c.get("ctx"), c.get("org"), c.get("user").id, assistantId, { callerNumber: body.callerNumber }), 201);
  });
  router.openapi(getRoute, async (c) => c.json(await getTestSession(c.get("ctx"), c.get("org"), c.req.valid("param").sessionId), 200));
  router.openapi(messageRoute, async (c) => {
    const run = await startTestTurn(c.get("ctx"), c.get("org"), c.req.valid("param").sessionId, c.req.valid("json").text);
    const logger = c.get("logger");
    c.header("content-type", "application/x-ndjson; charset=utf-8");
    c.header("cache-control", "no-store");
    c.header("x-accel-buffering", "no");
    return stream(
      c,
      async (out) => {
        // The turn runs to its end even if the client goes away, so the session's state stays whole.
        const lines: Promise<unknown>[] = [];
        await run((line) => {
          if (!out.aborted) lines.push(out.write(`${JSON.stringify(line)}\n`));
        });
        await Promise.all(lines);
      },
      async (error) => {
        logger.error({ err: error }, "a test session turn failed while streaming");
      },
    ) as never;
  });
  router.openapi(endRoute, async (c) => c.json(await endTestSession(c.get("ctx"), c.get("org"), c.req.valid("param").sessionId), 200));
  return router;
}
