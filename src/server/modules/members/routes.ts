// Team members: list, change role, remove, leave, transfer ownership.
import { createRoute, z } from "@hono/zod-openapi";
import { requireOrg } from "../../http/authorize.js";
import { requestMeta } from "../../http/request-meta.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { jsonBody, jsonContent, noContent, problemResponses, timestampSchema } from "../../http/schemas.js";
import { orgIdParam } from "../organizations/routes.js";
import { ROLES } from "../organizations/schema.js";
import { changeMemberRole, listMembers, removeMember, transferOwnership } from "./service.js";

const memberSchema = z.object({ userId: z.string(), name: z.string(), email: z.string(), role: z.enum(ROLES), joinedAt: timestampSchema }).openapi("Member");

const memberParams = orgIdParam.extend({
  userId: z
    .string()
    .max(64)
    .openapi({ param: { name: "userId", in: "path" } }),
});

const listRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/members",
  tags: ["Team"],
  summary: "Members of the organization",
  security: bearerSecurity,
  middleware: [requireOrg("members:read")] as const,
  request: { params: orgIdParam },
  responses: { 200: jsonContent(z.object({ items: z.array(memberSchema) }), "Members"), ...problemResponses(401, 404) },
});

const leaveRoute = createRoute({
  method: "delete",
  path: "/orgs/{orgId}/members/me",
  tags: ["Team"],
  summary: "Leave the organization",
  description: "The last owner cannot leave: transfer ownership or delete the organization first.",
  security: bearerSecurity,
  middleware: [requireOrg("org:read")] as const,
  request: { params: orgIdParam },
  responses: { ...noContent, ...problemResponses(401, 404, 409) },
});

const changeRoleRoute = createRoute({
  method: "patch",
  path: "/orgs/{orgId}/members/{userId}",
  tags: ["Team"],
  summary: "Change a member's role",
  description: "Only owners grant or take away the owner role; the last owner is never demoted.",
  security: bearerSecurity,
  middleware: [requireOrg("members:manage")] as const,
  request: { params: memberParams, ...jsonBody(z.strictObject({ role: z.enum(ROLES) })) },
  responses: { 200: jsonContent(memberSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 409, 422) },
});

const removeRoute = createRoute({
  method: "delete",
  path: "/orgs/{orgId}/members/{userId}",
  tags: ["Team"],
  summary: "Remove a member",
  security: bearerSecurity,
  middleware: [requireOrg("members:manage")] as const,
  request: { params: memberParams },
  responses: { ...noContent, ...problemResponses(401, 403, 404, 409) },
});

const transferRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/transfer-ownership",
  tags: ["Team"],
  summary: "Make another member the owner (you become an admin)",
  security: bearerSecurity,
  middleware: [requireOrg("ownership:transfer")] as const,
  request: { params: orgIdParam, ...jsonBody(z.strictObject({ userId: z.string().min(1).max(64) })) },
  responses: { ...noContent, ...problemResponses(400, 401, 403, 404, 409, 422) },
});

export function memberRoutes() {
  const router = newRouter();

  router.openapi(listRoute, async (c) => c.json({ items: await listMembers(c.get("ctx"), c.get("org")) }, 200));

  router.openapi(leaveRoute, async (c) => {
    const userId = c.get("user").id;
    await removeMember(c.get("ctx"), c.get("org"), userId, userId, requestMeta(c));
    return c.body(null, 204);
  });

  router.openapi(changeRoleRoute, async (c) => {
    const { userId } = c.req.valid("param");
    return c.json(await changeMemberRole(c.get("ctx"), c.get("org"), c.get("user").id, userId, c.req.valid("json").role, requestMeta(c)), 200);
  });

  router.openapi(removeRoute, async (c) => {
    await removeMember(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("param").userId, requestMeta(c));
    return c.body(null, 204);
  });

  router.openapi(transferRoute, async (c) => {
    await transferOwnership(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("json").userId, requestMeta(c));
    return c.body(null, 204);
  });

  return router;
}
