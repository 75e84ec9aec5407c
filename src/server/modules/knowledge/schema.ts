// The knowledge base: sources (a pasted text or an uploaded file, for one assistant or the whole
// organization), their original bytes, and the chunks that full-text search ranks.
import { sql } from "drizzle-orm";
import { customType, foreignKey, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { tenantPolicies } from "../../db/roles.js";
import { assistants } from "../assistants/schema.js";
import { organizations } from "../organizations/schema.js";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
const regconfig = customType<{ data: string }>({ dataType: () => "regconfig" });
const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

export const KNOWLEDGE_KINDS = ["text", "markdown", "html", "pdf", "docx"] as const;
export type KnowledgeKind = (typeof KNOWLEDGE_KINDS)[number];
export const KNOWLEDGE_STATUSES = ["queued", "processing", "ready", "failed"] as const;
export type KnowledgeStatus = (typeof KNOWLEDGE_STATUSES)[number];

export const knowledgeSources = pgTable(
  "knowledge_sources",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    id: text("id").notNull(),
    /** Null: the whole organization's knowledge; else only this assistant's. */
    assistantId: text("assistant_id"),
    title: text("title").notNull(),
    kind: text("kind", { enum: KNOWLEDGE_KINDS }).notNull(),
    filename: text("filename"),
    mimeType: text("mime_type"),
    sizeBytes: integer("size_bytes").notNull(),
    /** PostgreSQL text-search configuration used for this source's chunks (english, french, simple…). */
    language: regconfig("language").notNull().default(sql`'english'::regconfig`),
    status: text("status", { enum: KNOWLEDGE_STATUSES }).notNull().default("queued"),
    failureReason: text("failure_reason"),
    chunkCount: integer("chunk_count").notNull().default(0),
    createdBy: text("created_by"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    processedAt: timestamptz("processed_at"),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    foreignKey({ columns: [t.organizationId, t.assistantId], foreignColumns: [assistants.organizationId, assistants.id] }).onDelete("cascade"),
    // Serves the sources list, newest first.
    index("knowledge_sources_org_created_idx").on(t.organizationId, t.createdAt),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();

/** The uploaded bytes (or pasted text), kept apart so listing sources never reads them. */
export const knowledgeContents = pgTable(
  "knowledge_contents",
  {
    organizationId: text("organization_id").notNull(),
    sourceId: text("source_id").notNull(),
    bytes: bytea("bytes").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.sourceId] }),
    foreignKey({ columns: [t.organizationId, t.sourceId], foreignColumns: [knowledgeSources.organizationId, knowledgeSources.id] }).onDelete("cascade"),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();

export const knowledgeChunks = pgTable(
  "knowledge_chunks",
  {
    organizationId: text("organization_id").notNull(),
    sourceId: text("source_id").notNull(),
    ordinal: integer("ordinal").notNull(),
    /** Copied from the source so search can filter by scope without a join. */
    assistantId: text("assistant_id"),
    heading: text("heading"),
    content: text("content").notNull(),
    language: regconfig("language").notNull(),
    searchVector: tsvector("search_vector")
      .notNull()
      .generatedAlwaysAs(sql`setweight(to_tsvector(language, coalesce(heading, '')), 'A') || setweight(to_tsvector(language, content), 'B')`),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.sourceId, t.ordinal] }),
    foreignKey({ columns: [t.organizationId, t.sourceId], foreignColumns: [knowledgeSources.organizationId, knowledgeSources.id] }).onDelete("cascade"),
    // Full-text search over an organization's chunks.
    index("knowledge_chunks_search_idx").using("gin", t.searchVector),
    index("knowledge_chunks_org_assistant_idx").on(t.organizationId, t.assistantId),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();
