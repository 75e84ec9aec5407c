// Templates, assistants and knowledge: their types (from the API's OpenAPI schema), query keys,
// reads and writes, in one place so every view names the same data the same way.
import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import type { VariableDefinition } from "../../server/modules/templates/types";
import { api, unwrap } from "./client";
import type { components } from "./schema";

export type { BusinessHours, DirectoryEntry, MenuItem, VariableValues, Voice } from "../../server/modules/templates/types";

type Schemas = components["schemas"];

/** A template; its variables typed by the templates contract (the API's schema describes the same union). */
export type Template = Omit<Schemas["Template"], "variables"> & { variables: VariableDefinition[] };
export type { VariableDefinition };
export type Industry = Schemas["Industry"];
export type ToolName = Schemas["ToolName"];
export type Assistant = Schemas["Assistant"];
export type AssistantStatus = Schemas["AssistantStatus"];
export type AfterHours = Schemas["AfterHours"];
export type NotificationRecipient = Schemas["NotificationRecipient"];
/** The body of POST /assistants; a PATCH and the previews take the same fields. */
export type AssistantBody = Schemas["AssistantInput"];
export type AssistantPatch = Schemas["AssistantPatch"];
export type AssistantPreview = Schemas["RenderedAssistant"];
export type KnowledgeSource = Schemas["KnowledgeSource"];
export type KnowledgeKind = KnowledgeSource["kind"];
export type KnowledgeStatus = KnowledgeSource["status"];
/** snippetHtml: escaped text with <mark> around the matched words, nothing else (the server guarantees it). */
export type KnowledgeSearchHit = Schemas["KnowledgeSearchHit"];

export const assistantKeys = {
  templates: (industry?: Industry) => ["templates", industry ?? "all"] as const,
  template: (slug: string) => ["templates", "one", slug] as const,
  assistants: (orgId: string) => ["organizations", orgId, "assistants"] as const,
  assistant: (orgId: string, assistantId: string) => ["organizations", orgId, "assistants", assistantId] as const,
  preview: (orgId: string, assistantId: string | null, body: string) => ["organizations", orgId, "assistant-preview", assistantId ?? "draft", body] as const,
  knowledge: (orgId: string, assistantId: string | null) => ["organizations", orgId, "knowledge", assistantId ?? "org"] as const,
  knowledgeAll: (orgId: string) => ["organizations", orgId, "knowledge"] as const,
  knowledgeSearch: (orgId: string, assistantId: string | null, q: string) => ["organizations", orgId, "knowledge-search", assistantId ?? "org", q] as const,
};

const asTemplate = (template: Schemas["Template"]) => template as Template;

export const templatesQuery = () =>
  queryOptions({
    queryKey: assistantKeys.templates(),
    queryFn: async () => (await unwrap(api.GET("/api/v1/templates"))).items.map(asTemplate),
    staleTime: 5 * 60_000,
  });

export const templateQuery = (slug: string) =>
  queryOptions({
    queryKey: assistantKeys.template(slug),
    queryFn: async () => asTemplate(await unwrap(api.GET("/api/v1/templates/{slug}", { params: { path: { slug } } }))),
    staleTime: 5 * 60_000,
  });

export const assistantsQuery = (orgId: string) =>
  queryOptions({
    queryKey: assistantKeys.assistants(orgId),
    queryFn: async () => (await unwrap(api.GET("/api/v1/orgs/{orgId}/assistants", { params: { path: { orgId } } }))).items,
  });

export const assistantQuery = (orgId: string, assistantId: string) =>
  queryOptions({
    queryKey: assistantKeys.assistant(orgId, assistantId),
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}/assistants/{assistantId}", { params: { path: { orgId, assistantId } } })),
  });

/**
 * The rendered prompt for the form's current values (a JSON body, so equal bodies share a cache
 * entry): a saved assistant previews its stored values with the form's as overrides, an unsaved
 * one previews the draft.
 */
export const previewQuery = (orgId: string, assistantId: string | null, bodyJson: string) =>
  queryOptions({
    queryKey: assistantKeys.preview(orgId, assistantId, bodyJson),
    queryFn: ({ signal }) => {
      const body = JSON.parse(bodyJson) as Record<string, unknown>;
      return assistantId
        ? unwrap(
            api.POST("/api/v1/orgs/{orgId}/assistants/{assistantId}/preview", { params: { path: { orgId, assistantId } }, body: { overrides: body }, signal }),
          )
        : unwrap(api.POST("/api/v1/orgs/{orgId}/assistants/preview", { params: { path: { orgId } }, body, signal }));
    },
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 60_000,
    retry: false,
  });

export const createAssistant = (orgId: string, body: AssistantBody) =>
  unwrap(api.POST("/api/v1/orgs/{orgId}/assistants", { params: { path: { orgId } }, body }));

export const updateAssistant = (orgId: string, assistantId: string, body: AssistantPatch) =>
  unwrap(api.PATCH("/api/v1/orgs/{orgId}/assistants/{assistantId}", { params: { path: { orgId, assistantId } }, body }));

export const duplicateAssistant = (orgId: string, assistantId: string) =>
  unwrap(api.POST("/api/v1/orgs/{orgId}/assistants/{assistantId}/duplicate", { params: { path: { orgId, assistantId } } }));

export const deleteAssistant = (orgId: string, assistantId: string) =>
  unwrap(api.DELETE("/api/v1/orgs/{orgId}/assistants/{assistantId}", { params: { path: { orgId, assistantId } } }));

/** Knowledge sources of one scope: the organization's own (assistantId null), or what one assistant uses. */
export const knowledgeQuery = (orgId: string, assistantId: string | null) =>
  queryOptions({
    queryKey: assistantKeys.knowledge(orgId, assistantId),
    queryFn: async () =>
      (await unwrap(api.GET("/api/v1/orgs/{orgId}/knowledge", { params: { path: { orgId }, query: assistantId ? { assistantId } : {} } }))).items,
    // Sources being processed change status on their own: look again until they settle.
    refetchInterval: (query) => (query.state.data?.some((source) => source.status === "queued" || source.status === "processing") ? 1500 : false),
  });

export const knowledgeSearchQuery = (orgId: string, assistantId: string | null, q: string) =>
  queryOptions({
    queryKey: assistantKeys.knowledgeSearch(orgId, assistantId, q),
    queryFn: async ({ signal }) =>
      (
        await unwrap(
          api.GET("/api/v1/orgs/{orgId}/knowledge/search", { params: { path: { orgId }, query: { q, ...(assistantId ? { assistantId } : {}) } }, signal }),
        )
      ).items,
    enabled: q.trim().length > 0,
    placeholderData: keepPreviousData,
  });

export const createTextSource = (orgId: string, body: { title: string; kind: "text" | "markdown" | "html"; content: string; assistantId?: string }) =>
  unwrap(api.POST("/api/v1/orgs/{orgId}/knowledge", { params: { path: { orgId } }, body }));

export const deleteSource = (orgId: string, sourceId: string) =>
  unwrap(api.DELETE("/api/v1/orgs/{orgId}/knowledge/{sourceId}", { params: { path: { orgId, sourceId } } }));

export const reprocessSource = (orgId: string, sourceId: string) =>
  unwrap(api.POST("/api/v1/orgs/{orgId}/knowledge/{sourceId}/reprocess", { params: { path: { orgId, sourceId } } }));

/** Uploads go through XMLHttpRequest (see upload.ts) for their progress events. */
export const knowledgeUploadPath = (orgId: string) => `/api/v1/orgs/${encodeURIComponent(orgId)}/knowledge/upload`;
