// Routes of the knowledge base: add (pasted text or an uploaded file), list, read, delete,
// reprocess and search an organization's knowledge sources.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { DomainError, Invalid, PayloadTooLarge } from "../../errors.js";
import { requireOrg } from "../../http/authorize.js";
import type { AppEnv } from "../../http/env.js";
import { fieldErrorsFromZod } from "../../http/problem.js";
import { requestMeta } from "../../http/request-meta.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { jsonBody, jsonContent, noContent, problemResponses, requiredText, storableText, timestampSchema } from "../../http/schemas.js";
import { orgIdParam } from "../organizations/routes.js";
import { KNOWLEDGE_KINDS, KNOWLEDGE_STATUSES } from "./schema.js";
import { KNOWLEDGE_QUERY_MAX_CHARS, KNOWLEDGE_SEARCH_DEFAULT_LIMIT, KNOWLEDGE_SEARCH_MAX_LIMIT, searchKnowledge } from "./search.js";
import {
  addPastedSource,
  addUploadedSource,
  deleteKnowledgeSource,
  getKnowledgeSource,
  KNOWLEDGE_LANGUAGES,
  KNOWLEDGE_TITLE_MAX_CHARS,
  KNOWLEDGE_UPLOAD_LIMIT_BYTES,
  listKnowledgeSources,
  reprocessKnowledgeSource,
} from "./service.js";

/** Pasted content is bounded by the API's body limit (1 MiB by default) before this. */
const PASTED_CONTENT_MAX_CHARS = 1_000_000;
/** Room for the multipart framing and the small text fields around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
const UPLOAD_LIMIT_MIB = KNOWLEDGE_UPLOAD_LIMIT_BYTES / 1024 / 1024;

const fileTooLarge = () =>
  new PayloadTooLarge("FILE_TOO_LARGE", `The file is larger than the upload limit of ${UPLOAD_LIMIT_MIB} MiB.`, { limitBytes: KNOWLEDGE_UPLOAD_LIMIT_BYTES });

/**
 * The upload route's own body limit, in place of the API-wide one (see app.ts): refuses from
 * Content-Length before reading, or stops reading a streamed body as soon as it passes the limit.
 */
const uploadBodyLimit = bodyLimit({
  maxSize: KNOWLEDGE_UPLOAD_LIMIT_BYTES + MULTIPART_OVERHEAD_BYTES,
  onError: () => {
    throw fileTooLarge();
  },
});

/** Requests the API-wide body limit leaves to the upload route's larger one. */
export function isKnowledgeUploadRequest(method: string, path: string): boolean {
  return method === "POST" && /\/orgs\/[^/]+\/knowledge\/upload$/.test(path);
}

class NotMultipart extends DomainError {
  readonly status = 415;
  readonly title = "Unsupported media type";
}

const idSchema = z.string().max(64);
const assistantIdSchema = idSchema.openapi({ description: "An assistant of the organization; omit for knowledge every assistant uses", example: "ast_3k9x" });
const languageSchema = z.enum(KNOWLEDGE_LANGUAGES).openapi({ description: "PostgreSQL text-search configuration (stemming and stop words); default english" });

const knowledgeSourceSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    kind: z.enum(KNOWLEDGE_KINDS),
    filename: z.string().nullable(),
    mimeType: z.string().nullable(),
    sizeBytes: z.number().int(),
    language: z.string(),
    status: z.enum(KNOWLEDGE_STATUSES),
    failureReason: z.string().nullable().openapi({ description: "Why processing failed, in words for the customer" }),
    chunkCount: z.number().int(),
    assistantId: z.string().nullable().openapi({ description: "Null: the whole organization's knowledge" }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    processedAt: timestampSchema.nullable(),
  })
  .openapi("KnowledgeSource");

const searchHitSchema = z
  .object({
    sourceId: z.string(),
    sourceTitle: z.string(),
    ordinal: z.number().int().openapi({ description: "Position of the chunk in its source, from 0" }),
    heading: z.string().nullable().openapi({ description: "The nearest heading above the chunk (plain text)" }),
    snippetHtml: z.string().openapi({ description: "HTML-escaped text around the matches; the only markup is <mark>…</mark>" }),
    rank: z.number().openapi({ description: "Relevance, 0 to 1" }),
  })
  .openapi("KnowledgeSearchHit");

const sourceParams = orgIdParam.extend({
  sourceId: idSchema.openapi({ param: { name: "sourceId", in: "path" }, example: "ksrc_7d2m4q" }),
});

const listRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/knowledge",
  tags: ["Knowledge"],
  summary: "Knowledge sources, newest first",
  description:
    "With assistantId: the sources that assistant uses (the organization-wide ones and its own); 404 for an assistant the organization does not have.",
  security: bearerSecurity,
  middleware: [requireOrg("knowledge:read")] as const,
  request: { params: orgIdParam, query: z.object({ assistantId: assistantIdSchema.optional() }) },
  responses: { 200: jsonContent(z.object({ items: z.array(knowledgeSourceSchema) }), "Sources"), ...problemResponses(401, 404, 422) },
});

const addRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/knowledge",
  tags: ["Knowledge"],
  summary: "Add pasted text, Markdown or HTML",
  description: "Answers at once with the source queued; it is indexed in the background (poll the source until ready or failed).",
  security: bearerSecurity,
  middleware: [requireOrg("knowledge:write")] as const,
  request: {
    params: orgIdParam,
    ...jsonBody(
      z.strictObject({
        title: requiredText(KNOWLEDGE_TITLE_MAX_CHARS),
        kind: z.enum(["text", "markdown", "html"]),
        content: requiredText(PASTED_CONTENT_MAX_CHARS),
        assistantId: assistantIdSchema.optional(),
        language: languageSchema.optional(),
      }),
    ),
  },
  responses: { 202: jsonContent(knowledgeSourceSchema, "Queued for indexing"), ...problemResponses(400, 401, 403, 404, 413, 422) },
});

const uploadRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/knowledge/upload",
  tags: ["Knowledge"],
  summary: "Upload a file (text, Markdown, HTML, PDF or DOCX)",
  description: `At most ${UPLOAD_LIMIT_MIB} MiB (413 FILE_TOO_LARGE). The type comes from the file's content, not its name: other formats are refused with 415 UNSUPPORTED_FILE_TYPE, an empty file with 422 EMPTY_FILE.`,
  security: bearerSecurity,
  middleware: [uploadBodyLimit, requireOrg("knowledge:write")] as const,
  request: {
    params: orgIdParam,
    body: {
      required: true,
      content: {
        // A plain schema (not zod): the handler reads the form itself, to report each problem in its own words.
        "multipart/form-data": {
          schema: {
            type: "object",
            required: ["file"],
            properties: {
              file: { type: "string", format: "binary" },
              title: { type: "string", maxLength: KNOWLEDGE_TITLE_MAX_CHARS, description: "Default: the file name without its extension" },
              assistantId: { type: "string", maxLength: 64 },
              language: { type: "string", enum: [...KNOWLEDGE_LANGUAGES] },
            },
          },
        },
      },
    },
  },
  responses: { 202: jsonContent(knowledgeSourceSchema, "Queued for indexing"), ...problemResponses(401, 403, 404, 413, 415, 422) },
});

const searchRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/knowledge/search",
  tags: ["Knowledge"],
  summary: "Search the knowledge base",
  description:
    'Full-text search over ready sources: the organization-wide ones plus, with assistantId, that assistant\'s (404 for an assistant the organization does not have). A plain question matches passages with any of its words, those with all of them first; web-search syntax ("phrases", or, -word) is taken literally. Best first.',
  security: bearerSecurity,
  middleware: [requireOrg("knowledge:read")] as const,
  request: {
    params: orgIdParam,
    query: z.object({
      q: z
        .string()
        .max(KNOWLEDGE_QUERY_MAX_CHARS)
        .refine((value) => value.trim() !== "", "Enter something to search for.")
        .refine((value) => !value.includes("\u0000"), "Must not contain NUL characters."),
      assistantId: assistantIdSchema.optional(),
      limit: z.coerce.number().int().min(1).max(KNOWLEDGE_SEARCH_MAX_LIMIT).default(KNOWLEDGE_SEARCH_DEFAULT_LIMIT),
    }),
  },
  responses: { 200: jsonContent(z.object({ items: z.array(searchHitSchema) }), "Matching chunks, best first"), ...problemResponses(401, 404, 422) },
});

const getRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/knowledge/{sourceId}",
  tags: ["Knowledge"],
  summary: "One knowledge source and its processing status",
  security: bearerSecurity,
  middleware: [requireOrg("knowledge:read")] as const,
  request: { params: sourceParams },
  responses: { 200: jsonContent(knowledgeSourceSchema, "The source"), ...problemResponses(401, 404) },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/orgs/{orgId}/knowledge/{sourceId}",
  tags: ["Knowledge"],
  summary: "Delete a knowledge source (search stops finding it at once)",
  security: bearerSecurity,
  middleware: [requireOrg("knowledge:write")] as const,
  request: { params: sourceParams },
  responses: { ...noContent, ...problemResponses(401, 403, 404) },
});

const reprocessRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/knowledge/{sourceId}/reprocess",
  tags: ["Knowledge"],
  summary: "Read and index the source again",
  security: bearerSecurity,
  middleware: [requireOrg("knowledge:write")] as const,
  request: { params: sourceParams },
  responses: { 202: jsonContent(knowledgeSourceSchema, "Queued for indexing"), ...problemResponses(401, 403, 404) },
});

const uploadFieldsSchema = z.object({
  title: storableText(KNOWLEDGE_TITLE_MAX_CHARS).optional(),
  assistantId: idSchema.optional(),
  language: z.enum(KNOWLEDGE_LANGUAGES).optional(),
});

/** The upload's fields: one file, and the optional text fields (an empty one counts as absent). */
async function readUploadForm(c: Context<AppEnv>) {
  const contentType = c.req.header("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new NotMultipart("UNSUPPORTED_MEDIA_TYPE", "Send the file as multipart/form-data, in a field named 'file'.");
  }
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new Invalid("VALIDATION_FAILED", "The multipart body could not be read.", [{ path: "body", message: "Malformed multipart/form-data." }]);
  }
  const files = form.getAll("file");
  const file = files[0];
  if (files.length !== 1 || file === undefined || typeof file === "string") {
    throw new Invalid("VALIDATION_FAILED", "Send exactly one file, in a field named 'file'.", [
      { path: "body.file", message: "Exactly one file is required." },
    ]);
  }
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" && value.trim() !== "" ? value : undefined;
  };
  const fields = uploadFieldsSchema.safeParse({ title: text("title"), assistantId: text("assistantId"), language: text("language") });
  if (!fields.success) {
    const errors = fieldErrorsFromZod(fields.error).map((e) => ({ ...e, path: `body.${e.path}` }));
    throw new Invalid("VALIDATION_FAILED", `The upload is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`, errors);
  }
  if (file.size > KNOWLEDGE_UPLOAD_LIMIT_BYTES) throw fileTooLarge();
  return { ...fields.data, bytes: new Uint8Array(await file.arrayBuffer()), filename: file.name, claimedMimeType: file.type || null };
}

export function knowledgeRoutes() {
  const router = newRouter();

  router.openapi(listRoute, async (c) => c.json({ items: await listKnowledgeSources(c.get("ctx"), c.get("org"), c.req.valid("query")) }, 200));

  router.openapi(addRoute, async (c) => c.json(await addPastedSource(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("json"), requestMeta(c)), 202));

  router.openapi(uploadRoute, async (c) =>
    c.json(await addUploadedSource(c.get("ctx"), c.get("org"), c.get("user").id, await readUploadForm(c), requestMeta(c)), 202),
  );

  // Before /knowledge/{sourceId}, which would otherwise take "search" for an id.
  router.openapi(searchRoute, async (c) => {
    const { q, assistantId, limit } = c.req.valid("query");
    return c.json({ items: await searchKnowledge(c.get("ctx"), c.get("org").organizationId, { query: q, assistantId, limit }) }, 200);
  });

  router.openapi(getRoute, async (c) => c.json(await getKnowledgeSource(c.get("ctx"), c.get("org"), c.req.valid("param").sourceId), 200));

  router.openapi(deleteRoute, async (c) => {
    await deleteKnowledgeSource(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("param").sourceId, requestMeta(c));
    return c.body(null, 204);
  });

  router.openapi(reprocessRoute, async (c) => c.json(await reprocessKnowledgeSource(c.get("ctx"), c.get("org"), c.req.valid("param").sourceId), 202));

  return router;
}
