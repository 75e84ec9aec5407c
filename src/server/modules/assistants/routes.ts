// Assistants of an organization: list, create (from a template or a custom prompt), read, update,
// delete, duplicate, and live previews of the rendered prompt (saved or draft).
import { createRoute, z } from "@hono/zod-openapi";
import { requireOrg } from "../../http/authorize.js";
import { requestMeta } from "../../http/request-meta.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { jsonBody, jsonContent, noContent, problemResponses, timestampSchema } from "../../http/schemas.js";
import { orgIdParam } from "../organizations/routes.js";
import { TOOL_NAMES } from "../templates/types.js";
import { directoryEntrySchema } from "../templates/variable-values.js";
import { businessHoursSchema } from "./business-hours.js";
import { assistantFieldSchemas as field, modelSchema, voiceSchema } from "./fields.js";
import { previewAssistant, previewDraft } from "./preview.js";
import { ASSISTANT_STATUSES } from "./schema.js";
import { createAssistant, deleteAssistant, duplicateAssistant, getAssistant, listAssistants, updateAssistant } from "./service.js";

const assistantIdParams = orgIdParam.extend({
  assistantId: z
    .string()
    .max(64)
    .openapi({ param: { name: "assistantId", in: "path" }, example: "ast_5m2k8q1c7v3b5n6h0j2r4t9x" }),
});

const statusSchema = z.enum(ASSISTANT_STATUSES).openapi("AssistantStatus");
const toolNameSchema = z.enum(TOOL_NAMES).openapi("ToolName");

const afterHoursSchema = z
  .discriminatedUnion("mode", [
    z.object({ mode: z.literal("take_message") }),
    z.object({ mode: z.literal("forward"), forwardTo: z.string().openapi({ description: "E.164" }) }),
    z.object({ mode: z.literal("greeting"), greeting: z.string() }),
  ])
  .openapi("AfterHours");

const notificationRecipientSchema = z
  .object({ name: z.string().optional(), email: z.string().optional(), phone: z.string().optional().openapi({ description: "E.164" }) })
  .openapi("NotificationRecipient");

export const assistantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: statusSchema,
    templateSlug: z.string().nullable().openapi({ description: "Null for a custom assistant" }),
    templateVersion: z.number().int().nullable(),
    variables: z.record(z.string(), z.unknown()).openapi({ description: "Values of the template's variables, by key" }),
    customPrompt: z.string().nullable().openapi({ description: "Null for an assistant built from a template" }),
    firstMessage: z.string().nullable().openapi({ description: "Null: the template's greeting" }),
    voice: voiceSchema,
    model: modelSchema,
    languages: z.array(z.string()),
    businessHours: businessHoursSchema,
    afterHours: afterHoursSchema,
    transferDirectory: z.array(directoryEntrySchema),
    notificationRecipients: z.array(notificationRecipientSchema),
    enabledTools: z.array(toolNameSchema),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .openapi("Assistant");

const settingsFields = {
  firstMessage: field.firstMessage.optional(),
  voice: field.voice.optional(),
  model: field.model.optional(),
  languages: field.languages.optional(),
  businessHours: field.businessHours.optional(),
  afterHours: field.afterHours.optional(),
  transferDirectory: field.transferDirectory.optional(),
  notificationRecipients: field.notificationRecipients.optional(),
  enabledTools: field.enabledTools.optional(),
  status: field.status.optional(),
};

const assistantInputSchema = z
  .strictObject({
    name: field.name,
    templateSlug: z.string().max(64).optional().openapi({ description: "Build from this industry template (its latest version); or send customPrompt" }),
    variables: field.variables.optional(),
    customPrompt: field.customPrompt.nullable().optional().openapi({ description: "A fully custom system prompt; or send templateSlug. null: not given" }),
    ...settingsFields,
  })
  .openapi("AssistantInput");

const assistantPatchSchema = z
  .strictObject({
    name: field.name.optional(),
    variables: field.variables.optional().openapi({ description: "Replaces all values; checked against the assistant's template version" }),
    customPrompt: field.customPrompt
      .nullable()
      .optional()
      .openapi({ description: "Custom assistants only; null is the same as leaving it out (the prompt cannot be removed)" }),
    ...settingsFields,
    upgradeTemplate: z.boolean().optional().openapi({ description: "true: move to the template's latest version (the values are checked against it)" }),
  })
  .openapi("AssistantPatch");

const atSchema = z.iso
  .datetime({ offset: true, message: "Use an ISO 8601 date-time, such as 2026-11-22T09:30:00Z." })
  .openapi({ description: "Render as of this instant (open now, next opening, today's date); default now", example: "2026-11-22T21:30:00Z" });

const fieldErrorSchema = z.object({ path: z.string(), message: z.string(), code: z.string().optional() }).openapi("FieldError");

const renderedAssistantSchema = z
  .object({
    systemPrompt: z.string(),
    firstMessage: z.string(),
    tools: z.array(
      z.object({ name: toolNameSchema, description: z.string(), parameters: z.record(z.string(), z.unknown()).openapi({ description: "JSON Schema" }) }),
    ),
    openNow: z.boolean(),
    nextOpening: z.string().nullable().openapi({ format: "date-time", description: "When closed: the next opening; null when open or never" }),
    issues: z.array(fieldErrorSchema).openapi({ description: "Input values the preview skipped, and why" }),
  })
  .openapi("RenderedAssistant");

const previewRequestSchema = z
  .strictObject({
    overrides: z.record(z.string(), z.unknown()).optional().openapi({
      description:
        "Unsaved edits: any AssistantPatch fields. Values that are not valid are skipped and listed in issues; upgradeTemplate: true previews the latest template version.",
    }),
    at: atSchema.optional(),
  })
  .openapi("AssistantPreviewRequest");

const lenient = (description: string) => z.unknown().optional().openapi({ description });

const draftPreviewRequestSchema = z
  .looseObject({
    templateSlug: z.string().max(64).optional(),
    customPrompt: z.string().nullable().optional().openapi({ description: "Rendered even when too long; the problem is listed in issues. null: not given" }),
    at: atSchema.optional(),
    name: lenient("As in AssistantInput; not rendered"),
    variables: lenient("As in AssistantInput; invalid values are skipped and listed in issues"),
    firstMessage: lenient("As in AssistantInput"),
    voice: lenient("As in AssistantInput"),
    model: lenient("As in AssistantInput"),
    languages: lenient("As in AssistantInput"),
    businessHours: lenient("As in AssistantInput"),
    afterHours: lenient("As in AssistantInput"),
    transferDirectory: lenient("As in AssistantInput"),
    notificationRecipients: lenient("As in AssistantInput"),
    enabledTools: lenient("As in AssistantInput"),
    status: lenient("As in AssistantInput; not rendered"),
  })
  .openapi("AssistantDraftPreviewRequest");

const listRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/assistants",
  tags: ["Assistants"],
  summary: "The organization's assistants, newest first",
  security: bearerSecurity,
  middleware: [requireOrg("assistants:read")] as const,
  request: { params: orgIdParam, query: z.object({ status: statusSchema.optional() }) },
  responses: { 200: jsonContent(z.object({ items: z.array(assistantSchema) }), "Assistants"), ...problemResponses(401, 404, 422) },
});

const createAssistantRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/assistants",
  tags: ["Assistants"],
  summary: "Create an assistant from an industry template or a custom prompt",
  description:
    "Exactly one of templateSlug and customPrompt. Defaults: the template's suggested voice and tools, openai gpt-4o-mini, English, Monday–Friday 9:00–17:00 in the organization's time zone, take a message after hours, draft. Counts against the plan's assistants.",
  security: bearerSecurity,
  middleware: [requireOrg("assistants:write")] as const,
  request: { params: orgIdParam, ...jsonBody(assistantInputSchema) },
  responses: { 201: jsonContent(assistantSchema, "Created"), ...problemResponses(400, 401, 403, 404, 422) },
});

const draftPreviewRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/assistants/preview",
  tags: ["Assistants"],
  summary: "Render an unsaved assistant (the create form, as the user types)",
  description: "Needs templateSlug or customPrompt; every other field is optional, and an invalid one is skipped and listed in issues. Writes nothing.",
  security: bearerSecurity,
  middleware: [requireOrg("assistants:write")] as const,
  request: { params: orgIdParam, ...jsonBody(draftPreviewRequestSchema) },
  responses: { 200: jsonContent(renderedAssistantSchema, "The rendered assistant"), ...problemResponses(400, 401, 403, 404, 422) },
});

const getRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/assistants/{assistantId}",
  tags: ["Assistants"],
  summary: "One assistant",
  security: bearerSecurity,
  middleware: [requireOrg("assistants:read")] as const,
  request: { params: assistantIdParams },
  responses: { 200: jsonContent(assistantSchema, "The assistant"), ...problemResponses(401, 404) },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/orgs/{orgId}/assistants/{assistantId}",
  tags: ["Assistants"],
  summary: "Change an assistant's settings, variable values or status",
  description: "Only the fields sent change; variables are replaced as a whole. upgradeTemplate: true moves to the template's latest version.",
  security: bearerSecurity,
  middleware: [requireOrg("assistants:write")] as const,
  request: { params: assistantIdParams, ...jsonBody(assistantPatchSchema) },
  responses: { 200: jsonContent(assistantSchema, "Updated"), ...problemResponses(400, 401, 403, 404, 422) },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/orgs/{orgId}/assistants/{assistantId}",
  tags: ["Assistants"],
  summary: "Delete an assistant (and its own knowledge sources)",
  security: bearerSecurity,
  middleware: [requireOrg("assistants:write")] as const,
  request: { params: assistantIdParams },
  responses: { ...noContent, ...problemResponses(401, 403, 404) },
});

const duplicateRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/assistants/{assistantId}/duplicate",
  tags: ["Assistants"],
  summary: 'Copy an assistant as a draft named "<name> (copy)"',
  description: "Copies the settings, template version and variable values, not the knowledge sources. Counts against the plan's assistants.",
  security: bearerSecurity,
  middleware: [requireOrg("assistants:write")] as const,
  request: { params: assistantIdParams },
  responses: { 201: jsonContent(assistantSchema, "The copy"), ...problemResponses(401, 403, 404) },
});

const previewRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/assistants/{assistantId}/preview",
  tags: ["Assistants"],
  summary: "Render a saved assistant, with unsaved edits applied",
  security: bearerSecurity,
  middleware: [requireOrg("assistants:read")] as const,
  request: {
    params: assistantIdParams,
    body: { required: false, content: { "application/json": { schema: previewRequestSchema } } },
  },
  responses: { 200: jsonContent(renderedAssistantSchema, "The rendered assistant"), ...problemResponses(400, 401, 404, 422) },
});

const instant = (at: string | undefined) => (at === undefined ? undefined : new Date(at));

export function assistantRoutes() {
  const router = newRouter();

  router.openapi(listRoute, async (c) => c.json({ items: await listAssistants(c.get("ctx"), c.get("org"), c.req.valid("query")) }, 200));

  router.openapi(createAssistantRoute, async (c) =>
    c.json(await createAssistant(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("json"), requestMeta(c)), 201),
  );

  router.openapi(draftPreviewRoute, async (c) => {
    const { at, ...draft } = c.req.valid("json");
    return c.json(await previewDraft(c.get("ctx"), c.get("org"), { ...draft, at: instant(at) }), 200);
  });

  router.openapi(getRoute, async (c) => c.json(await getAssistant(c.get("ctx"), c.get("org"), c.req.valid("param").assistantId), 200));

  router.openapi(updateRoute, async (c) =>
    c.json(await updateAssistant(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("param").assistantId, c.req.valid("json"), requestMeta(c)), 200),
  );

  router.openapi(deleteRoute, async (c) => {
    await deleteAssistant(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("param").assistantId, requestMeta(c));
    return c.body(null, 204);
  });

  router.openapi(duplicateRoute, async (c) =>
    c.json(await duplicateAssistant(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("param").assistantId, requestMeta(c)), 201),
  );

  router.openapi(previewRoute, async (c) => {
    const body = c.req.valid("json") ?? {};
    return c.json(await previewAssistant(c.get("ctx"), c.get("org"), c.req.valid("param").assistantId, { ...body, at: instant(body.at) }), 200);
  });

  return router;
}
