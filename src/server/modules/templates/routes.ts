// The public industry-template catalog: the gallery, the onboarding wizard and the landing page
// read it without signing in.
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../http/router.js";
import { jsonContent, problemResponses } from "../../http/schemas.js";
import { industrySchema, templateFields } from "./definition-schema.js";
import { getTemplate, listTemplates, type StoredTemplate } from "./service.js";

export const templateSchema = z
  .object({
    slug: templateFields.slug,
    version: z.number().int().min(1).openapi({ description: "Increases each time the template's file changes; older versions stay readable" }),
    industry: templateFields.industry,
    name: templateFields.name,
    description: templateFields.description,
    greeting: templateFields.greeting,
    systemPrompt: templateFields.systemPrompt,
    variables: templateFields.variables,
    tools: templateFields.tools,
    suggestedVoice: templateFields.suggestedVoice,
    sampleConversation: templateFields.sampleConversation,
    conversation: templateFields.conversation,
  })
  .openapi("Template");

const listRoute = createRoute({
  method: "get",
  path: "/templates",
  tags: ["Templates"],
  summary: "Industry templates (latest version of each)",
  request: { query: z.object({ industry: industrySchema.optional() }) },
  responses: { 200: jsonContent(z.object({ items: z.array(templateSchema) }), "Templates"), ...problemResponses(422) },
});

const getRoute = createRoute({
  method: "get",
  path: "/templates/{slug}",
  tags: ["Templates"],
  summary: "One industry template: its latest version, or the version asked for",
  request: {
    params: z.object({
      slug: z
        .string()
        .max(64)
        .openapi({ param: { name: "slug", in: "path" }, example: "restaurant" }),
    }),
    query: z.object({ version: z.coerce.number().int().min(1).max(1_000_000).optional().openapi({ description: "Omit for the latest version" }) }),
  },
  responses: { 200: jsonContent(templateSchema, "The template"), ...problemResponses(404, 422) },
});

function toTemplate({ version, definition }: StoredTemplate): z.infer<typeof templateSchema> {
  const { slug, industry, name, description, greeting, systemPrompt, variables, tools, suggestedVoice, sampleConversation, conversation } = definition;
  return {
    slug,
    version,
    industry,
    name,
    description,
    greeting,
    systemPrompt,
    variables,
    tools,
    suggestedVoice,
    sampleConversation,
    ...(conversation ? { conversation } : {}),
  };
}

export function templateRoutes() {
  const router = newRouter();
  router.openapi(listRoute, async (c) => {
    const { industry } = c.req.valid("query");
    const items = await listTemplates(c.get("ctx"), { industry });
    return c.json({ items: items.map(toTemplate) }, 200);
  });
  router.openapi(getRoute, async (c) => {
    const { slug } = c.req.valid("param");
    const { version } = c.req.valid("query");
    return c.json(toTemplate(await getTemplate(c.get("ctx"), slug, version)), 200);
  });
  return router;
}
