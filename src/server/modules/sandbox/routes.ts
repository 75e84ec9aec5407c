// POST /api/v1/orgs/{orgId}/sandbox/calls: plays a scripted call to one of the organization's
// sandbox numbers through the real webhook path, in the background; it appears live in Calls.
import { createRoute, z } from "@hono/zod-openapi";
import { requireOrg } from "../../http/authorize.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { jsonBody, jsonContent, problemResponses } from "../../http/schemas.js";
import { orgIdParam } from "../organizations/routes.js";
import { SCRIPT_MAX_CHARS } from "./script.js";
import { SANDBOX_PACE_MAX_MS, startSandboxCall } from "./service.js";

const sandboxCallSchema = z
  .strictObject({
    phoneNumberId: z.string().max(64).openapi({ description: "One of the organization's sandbox numbers", example: "pn_5m2k8q1c7v3b5n6h0j2r4t9x" }),
    script: z.string().max(SCRIPT_MAX_CHARS).optional().openapi({
      description:
        'One line each: "caller: …", "assistant: …", "tool: <toolName> <JSON arguments>" or "hang"; "#" comments and blank lines are ignored. Without it, a caller leaves a message, worded for the assistant\'s industry.',
      example: 'caller: Hi, can I leave a message for the team?\ntool: takeMessage {"callerName":"Sam","message":"Please call me back."}',
    }),
    callerNumber: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, "Use E.164, such as +14155550123.")
      .optional()
      .openapi({ description: "The caller's number (E.164); a fictional one by default" }),
    paceMs: z
      .number()
      .int()
      .min(0)
      .max(SANDBOX_PACE_MAX_MS)
      .optional()
      .openapi({ description: "Milliseconds between lines, so the call can be watched live; 0 by default" }),
  })
  .openapi("SandboxCallRequest");

const startRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/sandbox/calls",
  tags: ["Sandbox"],
  summary: "Play a scripted call to a sandbox number (no vendor account needed)",
  description:
    "Answers 202 at once; the call then runs in the background through POST /webhooks/vapi with the messages Vapi sends, and shows up in the calls list and the live stream, marked as a test call. 422 when the number is not a sandbox number or the script is invalid.",
  security: bearerSecurity,
  middleware: [requireOrg("assistants:write")] as const,
  request: { params: orgIdParam, ...jsonBody(sandboxCallSchema) },
  responses: {
    202: jsonContent(
      z.object({ providerCallId: z.string().openapi({ description: "The simulated vendor call id" }) }).openapi("SandboxCallStarted"),
      "Started",
    ),
    ...problemResponses(400, 401, 403, 404, 422),
  },
});

export function sandboxRoutes() {
  const router = newRouter();
  router.openapi(startRoute, async (c) => c.json(await startSandboxCall(c.get("ctx"), c.get("org"), c.req.valid("json")), 202));
  return router;
}
