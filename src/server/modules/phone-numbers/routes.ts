// Phone numbers of an organization (search, provision, route, release) and the organization's own
// vendor credentials. Reading is open to every member; changes are for owners and admins.
import { createRoute, z } from "@hono/zod-openapi";
import { requireOrg } from "../../http/authorize.js";
import { requestMeta } from "../../http/request-meta.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { jsonBody, jsonContent, noContent, problemResponses, storableText, timestampSchema } from "../../http/schemas.js";
import { orgIdParam } from "../organizations/routes.js";
import { PHONE_PROVIDERS, VAPI_STATUSES } from "./schema.js";
import {
  addProviderCredentials,
  deleteProviderCredentials,
  getPhoneNumber,
  listPhoneNumbers,
  listProviderCredentials,
  provisionPhoneNumber,
  releasePhoneNumber,
  searchAvailableNumbers,
  updatePhoneNumber,
} from "./service.js";

const e164 = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, "Use E.164, such as +14155550123.")
  .openapi({ example: "+14155550123" });
const areaCodeSchema = z.string().regex(/^\d{2,5}$/, "Use the area code's digits, such as 415.");
const countrySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, "Use an ISO 3166 country code, such as US.")
  .default("US");
const idSchema = z.string().max(64);
const providerSchema = z.enum(PHONE_PROVIDERS).openapi("PhoneProvider");

const phoneNumberIdParams = orgIdParam.extend({
  phoneNumberId: idSchema.openapi({ param: { name: "phoneNumberId", in: "path" }, example: "pn_5m2k8q1c7v3b5n6h0j2r4t9x" }),
});
const credentialsIdParams = orgIdParam.extend({
  credentialsId: idSchema.openapi({ param: { name: "credentialsId", in: "path" }, example: "pcred_5m2k8q1c7v3b5n6h0j2r4t9x" }),
});

const routingSchema = z
  .strictObject({
    openAssistantId: idSchema.nullable().openapi({ description: "The assistant that answers during its business hours; null: none yet" }),
    afterHours: z.discriminatedUnion("mode", [
      z.strictObject({ mode: z.literal("same_assistant") }),
      z.strictObject({ mode: z.literal("assistant"), assistantId: idSchema }),
      z.strictObject({ mode: z.literal("forward"), forwardTo: e164 }),
      z.strictObject({ mode: z.literal("take_message") }),
    ]),
  })
  .openapi("PhoneNumberRouting");

const phoneNumberSchema = z
  .object({
    id: z.string(),
    number: z.string().openapi({ description: "E.164" }),
    provider: providerSchema,
    label: z.string().nullable(),
    status: z.enum(["active", "released"]),
    routing: routingSchema,
    credentialsId: z.string().nullable().openapi({ description: "The organization's own vendor account, or null for the platform's" }),
    vapiStatus: z.enum(VAPI_STATUSES).openapi({
      description:
        "connected: the number is in Vapi and its calls reach your assistants; not_configured: a Twilio number bought while Vapi is not configured on this platform, whose calls hear that the number is not in service; not_applicable: a sandbox number (simulated calls only)",
    }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    releasedAt: timestampSchema.nullable(),
  })
  .openapi("PhoneNumber");

const availableNumberSchema = z
  .object({ number: z.string(), locality: z.string().nullable(), region: z.string().nullable(), country: z.string() })
  .openapi("AvailablePhoneNumber");

const provisionSchema = z
  .strictObject({
    provider: providerSchema,
    country: countrySchema,
    number: e164.optional().openapi({ description: "A number from the search; or send areaCode" }),
    areaCode: areaCodeSchema.optional(),
    label: storableText(80).optional(),
    assistantId: idSchema.optional().openapi({ description: "Answers calls during its business hours" }),
    credentialsId: idSchema.optional().openapi({ description: "Use the organization's own Twilio account (provider twilio; or vapi, to import its number)" }),
  })
  .refine((v) => v.number !== undefined || v.areaCode !== undefined, { message: "Send a number from the search, or an areaCode.", path: ["number"] })
  .openapi("PhoneNumberProvision");

const patchSchema = z.strictObject({ label: storableText(80).nullable().optional(), routing: routingSchema.optional() }).openapi("PhoneNumberPatch");

const credentialsSchema = z
  .object({ id: z.string(), provider: z.literal("twilio"), accountSidMasked: z.string(), label: z.string().nullable(), createdAt: timestampSchema })
  .openapi("ProviderCredentials");

const credentialsInputSchema = z
  .strictObject({
    provider: z.literal("twilio"),
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "A Twilio Account SID starts with AC and has 32 hex digits."),
    authToken: z.string().min(16).max(128).openapi({ description: "Stored encrypted; never returned" }),
    label: storableText(80).optional(),
  })
  .openapi("ProviderCredentialsInput");

const tags = ["Phone numbers"];

const listRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/phone-numbers",
  tags,
  summary: "The organization's phone numbers, newest first (released ones too)",
  security: bearerSecurity,
  middleware: [requireOrg("numbers:read")] as const,
  request: { params: orgIdParam },
  responses: { 200: jsonContent(z.object({ items: z.array(phoneNumberSchema) }), "Phone numbers"), ...problemResponses(401, 404) },
});

const searchRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/phone-numbers/available",
  tags,
  summary: "Numbers a provider has available in an area code",
  description: "Vapi assigns its own numbers and cannot be searched. A vendor that is down answers 502 VENDOR_UNAVAILABLE.",
  security: bearerSecurity,
  middleware: [requireOrg("numbers:manage")] as const,
  request: {
    params: orgIdParam,
    query: z.object({ provider: providerSchema, country: countrySchema, areaCode: areaCodeSchema.optional(), credentialsId: idSchema.optional() }),
  },
  responses: { 200: jsonContent(z.object({ items: z.array(availableNumberSchema) }), "Available numbers"), ...problemResponses(401, 403, 404, 422, 502) },
});

const provisionRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/phone-numbers",
  tags,
  summary: "Provision a number (from the search, or any in an area code)",
  description:
    "Counts against the plan's phone numbers. Vendor numbers point at our webhooks; calls reach an assistant per the routing. A number bought through Twilio is imported into Vapi in the same request; if Vapi cannot take it, the Twilio number is released again and the request fails (422 or 502).",
  security: bearerSecurity,
  middleware: [requireOrg("numbers:manage")] as const,
  request: { params: orgIdParam, ...jsonBody(provisionSchema) },
  responses: { 201: jsonContent(phoneNumberSchema, "Provisioned"), ...problemResponses(400, 401, 403, 404, 409, 422, 502) },
});

const getRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/phone-numbers/{phoneNumberId}",
  tags,
  summary: "One phone number",
  security: bearerSecurity,
  middleware: [requireOrg("numbers:read")] as const,
  request: { params: phoneNumberIdParams },
  responses: { 200: jsonContent(phoneNumberSchema, "The phone number"), ...problemResponses(401, 404) },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/orgs/{orgId}/phone-numbers/{phoneNumberId}",
  tags,
  summary: "Change a number's label or routing",
  description: "Assistants named in the routing must be the organization's; a forward may not point at one of the platform's numbers.",
  security: bearerSecurity,
  middleware: [requireOrg("numbers:manage")] as const,
  request: { params: phoneNumberIdParams, ...jsonBody(patchSchema) },
  responses: { 200: jsonContent(phoneNumberSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 422) },
});

const releaseRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/phone-numbers/{phoneNumberId}/release",
  tags,
  summary: "Release a number at its vendor; it stops taking calls",
  description: "Also deletes the number at Vapi. If a vendor fails, the number stays active and releasing again completes it.",
  security: bearerSecurity,
  middleware: [requireOrg("numbers:manage")] as const,
  request: { params: phoneNumberIdParams },
  responses: { 200: jsonContent(phoneNumberSchema, "Released"), ...problemResponses(401, 403, 404, 422, 502) },
});

const listCredentialsRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/provider-credentials",
  tags,
  summary: "The organization's own vendor accounts (secrets never shown)",
  security: bearerSecurity,
  middleware: [requireOrg("numbers:manage")] as const,
  request: { params: orgIdParam },
  responses: { 200: jsonContent(z.object({ items: z.array(credentialsSchema) }), "Credentials"), ...problemResponses(401, 403, 404) },
});

const addCredentialsRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/provider-credentials",
  tags,
  summary: "Add the organization's own Twilio account",
  description: "The auth token is stored encrypted (AES-256-GCM) and never returned.",
  security: bearerSecurity,
  middleware: [requireOrg("numbers:manage")] as const,
  request: { params: orgIdParam, ...jsonBody(credentialsInputSchema) },
  responses: { 201: jsonContent(credentialsSchema, "Added"), ...problemResponses(400, 401, 403, 404, 422) },
});

const deleteCredentialsRoute = createRoute({
  method: "delete",
  path: "/orgs/{orgId}/provider-credentials/{credentialsId}",
  tags,
  summary: "Remove a vendor account that no active number uses",
  security: bearerSecurity,
  middleware: [requireOrg("numbers:manage")] as const,
  request: { params: credentialsIdParams },
  responses: { ...noContent, ...problemResponses(401, 403, 404, 409) },
});

export function phoneNumberRoutes() {
  const router = newRouter();
  router.openapi(listRoute, async (c) => c.json({ items: await listPhoneNumbers(c.get("ctx"), c.get("org")) }, 200));
  router.openapi(searchRoute, async (c) => c.json({ items: await searchAvailableNumbers(c.get("ctx"), c.get("org"), c.req.valid("query")) }, 200));
  router.openapi(provisionRoute, async (c) =>
    c.json(await provisionPhoneNumber(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("json"), requestMeta(c)), 201),
  );
  router.openapi(getRoute, async (c) => c.json(await getPhoneNumber(c.get("ctx"), c.get("org"), c.req.valid("param").phoneNumberId), 200));
  router.openapi(updateRoute, async (c) =>
    c.json(await updatePhoneNumber(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("param").phoneNumberId, c.req.valid("json"), requestMeta(c)), 200),
  );
  router.openapi(releaseRoute, async (c) =>
    c.json(await releasePhoneNumber(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("param").phoneNumberId, requestMeta(c)), 200),
  );
  router.openapi(listCredentialsRoute, async (c) => c.json({ items: await listProviderCredentials(c.get("ctx"), c.get("org")) }, 200));
  router.openapi(addCredentialsRoute, async (c) =>
    c.json(await addProviderCredentials(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("json"), requestMeta(c)), 201),
  );
  router.openapi(deleteCredentialsRoute, async (c) => {
    await deleteProviderCredentials(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("param").credentialsId, requestMeta(c));
    return c.body(null, 204);
  });
  return router;
}
