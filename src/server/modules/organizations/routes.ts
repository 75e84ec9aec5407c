// Organizations: list yours, create, read, update, delete (owner, with confirmation), audit log.
import { createRoute, z } from "@hono/zod-openapi";
import { requireOrg, requireUser } from "../../http/authorize.js";
import { requestMeta } from "../../http/request-meta.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { jsonBody, jsonContent, noContent, problemResponses, requiredText, storableText, timestampSchema } from "../../http/schemas.js";
import { listOrganizationAuditLog } from "../audit/service.js";
import { ROLES } from "./schema.js";
import { createOrganization, deleteOrganization, getOrganization, listOrganizationsOfUser, updateOrganization } from "./service.js";
import { MAX_SLUG_LENGTH, SLUG_PATTERN } from "./slugs.js";
import { isValidTimeZone } from "./timezones.js";

export const orgIdParam = z.object({
  orgId: z
    .string()
    .max(64)
    .openapi({ param: { name: "orgId", in: "path" }, example: "org_8x2k4m9q1c7v3b5n6h0j2r4t" }),
});

const slugSchema = z.string().max(MAX_SLUG_LENGTH).regex(SLUG_PATTERN, "Use lower-case letters, digits and single dashes.");
const timezoneSchema = z.string().refine(isValidTimeZone, "Use an IANA time zone such as Europe/Paris or America/New_York.");
const settingsSchema = z
  .strictObject({
    defaultLanguage: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "Use a language tag such as en or en-US.")
      .optional(),
    recordingDisclosure: z.enum(["auto", "always", "never"]).optional(),
    sandboxMode: z
      .boolean()
      .optional()
      .openapi({ description: "While on, only sandbox numbers may be provisioned and every call is a test call: simulated, not metered or billed." }),
  })
  .openapi("OrganizationSettings");

export const organizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    timezone: z.string(),
    settings: settingsSchema,
    plan: z.object({ id: z.string(), name: z.string() }),
    status: z.enum(["active", "past_due", "suspended"]),
    role: z.enum(ROLES).openapi({ description: "The caller's role in this organization" }),
    createdAt: timestampSchema,
  })
  .openapi("Organization");

const auditEntrySchema = z
  .object({
    id: z.string(),
    action: z.string(),
    actorUserId: z.string().nullable(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: timestampSchema,
  })
  .openapi("AuditEntry");

const listRoute = createRoute({
  method: "get",
  path: "/orgs",
  tags: ["Organizations"],
  summary: "Organizations you belong to",
  security: bearerSecurity,
  middleware: [requireUser] as const,
  responses: { 200: jsonContent(z.object({ items: z.array(organizationSchema) }), "Your organizations"), ...problemResponses(401) },
});

const createOrgRoute = createRoute({
  method: "post",
  path: "/orgs",
  tags: ["Organizations"],
  summary: "Create an organization (you become its owner)",
  security: bearerSecurity,
  middleware: [requireUser] as const,
  request: jsonBody(z.strictObject({ name: requiredText(120), slug: slugSchema.optional(), timezone: timezoneSchema.optional() })),
  responses: { 201: jsonContent(organizationSchema, "Created"), ...problemResponses(400, 401, 409, 422) },
});

const getRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}",
  tags: ["Organizations"],
  summary: "An organization",
  security: bearerSecurity,
  middleware: [requireOrg("org:read")] as const,
  request: { params: orgIdParam },
  responses: { 200: jsonContent(organizationSchema, "The organization"), ...problemResponses(401, 404) },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/orgs/{orgId}",
  tags: ["Organizations"],
  summary: "Update name, slug, time zone or settings",
  security: bearerSecurity,
  middleware: [requireOrg("org:update")] as const,
  request: {
    params: orgIdParam,
    ...jsonBody(
      z.strictObject({
        name: requiredText(120).optional(),
        slug: slugSchema.optional(),
        timezone: timezoneSchema.optional(),
        settings: settingsSchema.optional(),
      }),
    ),
  },
  responses: { 200: jsonContent(organizationSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 409, 422) },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/orgs/{orgId}",
  tags: ["Organizations"],
  summary: "Delete an organization (owner only)",
  description: "Confirm by sending the organization's slug. The organization is soft-deleted: it disappears for every member at once.",
  security: bearerSecurity,
  middleware: [requireOrg("org:delete")] as const,
  request: { params: orgIdParam, ...jsonBody(z.strictObject({ confirm: storableText(MAX_SLUG_LENGTH + 16) })) },
  responses: { ...noContent, ...problemResponses(400, 401, 403, 404, 422) },
});

const auditRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/audit-log",
  tags: ["Organizations"],
  summary: "The organization's audit log, newest first",
  security: bearerSecurity,
  middleware: [requireOrg("audit:read")] as const,
  request: {
    params: orgIdParam,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), before: z.iso.datetime().optional() }),
  },
  responses: { 200: jsonContent(z.object({ items: z.array(auditEntrySchema) }), "Audit entries"), ...problemResponses(401, 403, 404, 422) },
});

export function organizationRoutes() {
  const router = newRouter();

  router.openapi(listRoute, async (c) => c.json({ items: await listOrganizationsOfUser(c.get("ctx"), c.get("user").id) }, 200));

  router.openapi(createOrgRoute, async (c) => c.json(await createOrganization(c.get("ctx"), c.req.valid("json"), c.get("user").id, requestMeta(c)), 201));

  router.openapi(getRoute, async (c) => c.json(await getOrganization(c.get("ctx"), c.get("org")), 200));

  router.openapi(updateRoute, async (c) =>
    c.json(await updateOrganization(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("json"), requestMeta(c)), 200),
  );

  router.openapi(deleteRoute, async (c) => {
    await deleteOrganization(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("json").confirm, requestMeta(c));
    return c.body(null, 204);
  });

  router.openapi(auditRoute, async (c) => {
    const { limit, before } = c.req.valid("query");
    const items = await listOrganizationAuditLog(c.get("ctx"), c.get("org").organizationId, { limit, ...(before ? { before: new Date(before) } : {}) });
    return c.json({ items }, 200);
  });

  return router;
}
