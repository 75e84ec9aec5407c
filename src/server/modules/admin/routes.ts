// The super admin API: search organizations and users, read the dev mailbox.
import { createRoute, z } from "@hono/zod-openapi";
import { requireSuperAdmin } from "../../http/authorize.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { jsonContent, problemResponses, storableText, timestampSchema } from "../../http/schemas.js";
import { listDevMailbox, searchOrganizations, searchUsers } from "./service.js";

const pageQuery = z.object({
  q: storableText(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const adminOrganizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    status: z.string(),
    planId: z.string(),
    planName: z.string(),
    members: z.number().int(),
    createdAt: timestampSchema,
    deletedAt: timestampSchema.nullable(),
  })
  .openapi("AdminOrganization");

const adminUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    isSuperAdmin: z.boolean(),
    emailVerified: z.boolean(),
    organizations: z.number().int(),
    createdAt: timestampSchema,
  })
  .openapi("AdminUser");

const mailSchema = z
  .object({ id: z.string(), to: z.string(), from: z.string(), subject: z.string(), text: z.string(), html: z.string().nullable(), createdAt: timestampSchema })
  .openapi("DevMail");

const organizationsRoute = createRoute({
  method: "get",
  path: "/admin/organizations",
  tags: ["Admin"],
  summary: "Search every organization (super admin)",
  security: bearerSecurity,
  middleware: [requireSuperAdmin] as const,
  request: { query: pageQuery.extend({ includeDeleted: z.enum(["true", "false"]).optional() }) },
  responses: {
    200: jsonContent(z.object({ total: z.number().int(), items: z.array(adminOrganizationSchema) }), "Organizations"),
    ...problemResponses(401, 403, 422),
  },
});

const usersRoute = createRoute({
  method: "get",
  path: "/admin/users",
  tags: ["Admin"],
  summary: "Search every user (super admin)",
  security: bearerSecurity,
  middleware: [requireSuperAdmin] as const,
  request: { query: pageQuery },
  responses: { 200: jsonContent(z.object({ total: z.number().int(), items: z.array(adminUserSchema) }), "Users"), ...problemResponses(401, 403, 422) },
});

const mailboxRoute = createRoute({
  method: "get",
  path: "/admin/mailbox",
  tags: ["Admin"],
  summary: "The dev mailbox: mail kept locally when no SMTP server is configured (super admin)",
  security: bearerSecurity,
  middleware: [requireSuperAdmin] as const,
  request: { query: pageQuery.omit({ q: true }).extend({ to: storableText(254).optional() }) },
  responses: { 200: jsonContent(z.object({ items: z.array(mailSchema) }), "Messages, newest first"), ...problemResponses(401, 403, 422) },
});

export function adminRoutes() {
  const router = newRouter();

  router.openapi(organizationsRoute, async (c) => {
    const { includeDeleted, ...query } = c.req.valid("query");
    return c.json(await searchOrganizations(c.get("ctx"), { ...query, includeDeleted: includeDeleted === "true" }), 200);
  });

  router.openapi(usersRoute, async (c) => c.json(await searchUsers(c.get("ctx"), c.req.valid("query")), 200));

  router.openapi(mailboxRoute, async (c) => c.json({ items: await listDevMailbox(c.get("ctx"), c.req.valid("query")) }, 200));

  return router;
}
