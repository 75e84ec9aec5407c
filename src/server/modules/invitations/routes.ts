// Invitations: the organization's side (create, list, resend, revoke) and the invitee's side
// (preview and accept by token, as a new or an existing user).
import { createRoute, z } from "@hono/zod-openapi";
import { Invalid } from "../../errors.js";
import { requireOrg } from "../../http/authorize.js";
import { requestMeta } from "../../http/request-meta.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { emailSchema, jsonBody, jsonContent, noContent, problemResponses, requiredText, timestampSchema } from "../../http/schemas.js";
import { passwordSchema } from "../auth/passwords.js";
import { keepRefreshCookie } from "../auth/routes.js";
import { authenticateAccessToken } from "../auth/sessions.js";
import { orgIdParam } from "../organizations/routes.js";
import { ROLES } from "../organizations/schema.js";
import { acceptInvitation, createInvitation, listInvitations, previewInvitation, resendInvitation, revokeInvitation } from "./service.js";

const invitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    status: z.enum(["pending", "expired"]),
    invitedBy: z.string().nullable(),
    createdAt: timestampSchema,
    lastSentAt: timestampSchema,
    expiresAt: timestampSchema,
  })
  .openapi("Invitation");

const invitationParams = orgIdParam.extend({
  invitationId: z
    .string()
    .max(64)
    .openapi({ param: { name: "invitationId", in: "path" } }),
});
const tokenParam = z.object({
  token: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "token", in: "path" } }),
});

const listRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/invitations",
  tags: ["Team"],
  summary: "Open invitations",
  security: bearerSecurity,
  middleware: [requireOrg("members:read")] as const,
  request: { params: orgIdParam },
  responses: { 200: jsonContent(z.object({ items: z.array(invitationSchema) }), "Invitations"), ...problemResponses(401, 404) },
});

const createInvitationRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/invitations",
  tags: ["Team"],
  summary: "Invite someone by email",
  description: "A pending invitation holds a seat of the plan. The link works once and expires in 7 days.",
  security: bearerSecurity,
  middleware: [requireOrg("invitations:manage")] as const,
  request: { params: orgIdParam, ...jsonBody(z.strictObject({ email: emailSchema, role: z.enum(ROLES) })) },
  responses: { 201: jsonContent(invitationSchema, "Invitation sent"), ...problemResponses(400, 401, 403, 404, 409, 422) },
});

const resendRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/invitations/{invitationId}/resend",
  tags: ["Team"],
  summary: "Send a fresh invitation link (the old one stops working)",
  security: bearerSecurity,
  middleware: [requireOrg("invitations:manage")] as const,
  request: { params: invitationParams },
  responses: { 200: jsonContent(invitationSchema, "Resent"), ...problemResponses(401, 403, 404) },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/orgs/{orgId}/invitations/{invitationId}",
  tags: ["Team"],
  summary: "Withdraw an invitation",
  security: bearerSecurity,
  middleware: [requireOrg("invitations:manage")] as const,
  request: { params: invitationParams },
  responses: { ...noContent, ...problemResponses(401, 403, 404) },
});

const previewRoute = createRoute({
  method: "get",
  path: "/invitations/{token}",
  tags: ["Team"],
  summary: "What an invitation link is for",
  request: { params: tokenParam },
  responses: {
    200: jsonContent(
      z
        .object({
          organizationName: z.string(),
          email: z.string(),
          role: z.enum(ROLES),
          inviterName: z.string().nullable(),
          expiresAt: timestampSchema,
          accountExists: z.boolean(),
        })
        .openapi("InvitationPreview"),
      "The invitation",
    ),
    ...problemResponses(404),
  },
});

const acceptRoute = createRoute({
  method: "post",
  path: "/invitations/{token}/accept",
  tags: ["Team"],
  summary: "Accept an invitation",
  description:
    "Signed in (Authorization header) as the invited address: joins with that account. Not signed in: send name and password to create the account; the answer then carries tokens.",
  request: {
    params: tokenParam,
    body: {
      required: false,
      content: { "application/json": { schema: z.strictObject({ name: requiredText(120).optional(), password: passwordSchema.optional() }) } },
    },
  },
  responses: {
    200: jsonContent(
      z.object({
        organizationId: z.string(),
        role: z.enum(ROLES),
        accessToken: z.string().optional(),
        refreshToken: z.string().optional(),
        tokenType: z.literal("Bearer").optional(),
        expiresIn: z.number().int().optional(),
      }),
      "Joined",
    ),
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

export function invitationRoutes() {
  const router = newRouter();

  router.openapi(listRoute, async (c) => c.json({ items: await listInvitations(c.get("ctx"), c.get("org")) }, 200));

  router.openapi(createInvitationRoute, async (c) =>
    c.json(await createInvitation(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("json"), requestMeta(c)), 201),
  );

  router.openapi(resendRoute, async (c) =>
    c.json(await resendInvitation(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("param").invitationId, requestMeta(c)), 200),
  );

  router.openapi(revokeRoute, async (c) => {
    await revokeInvitation(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("param").invitationId, requestMeta(c));
    return c.body(null, 204);
  });

  router.openapi(previewRoute, async (c) => c.json(await previewInvitation(c.get("ctx"), c.req.valid("param").token), 200));

  router.openapi(acceptRoute, async (c) => {
    const ctx = c.get("ctx");
    const { token } = c.req.valid("param");
    const body = c.req.valid("json") ?? {};
    const bearer = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
    let result: Awaited<ReturnType<typeof acceptInvitation>>;
    if (bearer) {
      result = await acceptInvitation(ctx, token, { kind: "existing", user: await authenticateAccessToken(ctx, bearer) }, requestMeta(c));
    } else {
      if (!body.name || !body.password) {
        throw new Invalid("VALIDATION_FAILED", "To create your account, send your name and a password (or sign in first).", [
          ...(body.name ? [] : [{ path: "body.name", message: "Required." }]),
          ...(body.password ? [] : [{ path: "body.password", message: "Required." }]),
        ]);
      }
      result = await acceptInvitation(ctx, token, { kind: "new", name: body.name, password: body.password }, requestMeta(c));
    }
    if (result.tokens) keepRefreshCookie(c, result.tokens);
    return c.json({ organizationId: result.organizationId, role: result.role, ...(result.tokens ?? {}) }, 200);
  });

  return router;
}
