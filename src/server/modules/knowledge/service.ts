// The knowledge base's rules: adding a source (pasted text or an uploaded file, for the whole
// organization or one assistant), listing, reading, deleting and reprocessing it. Adding stores the
// bytes and enqueues "knowledge.ingest" in the same transaction; the job does the reading.
import { and, desc, eq, isNull, or, sql } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { withTenant } from "../../db/transaction.js";
import { Invalid, NotFound, PayloadTooLarge } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { assistants } from "../assistants/schema.js";
import { recordAudit } from "../audit/service.js";
import { detectFileType, KNOWLEDGE_MIME_TYPES } from "./detect-file-type.js";
import { type KnowledgeKind, type KnowledgeStatus, knowledgeContents, knowledgeSources } from "./schema.js";

/** The largest file an upload may carry (10 MiB); README "Upload limits". */
export const KNOWLEDGE_UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;
export const KNOWLEDGE_TITLE_MAX_CHARS = 200;

/**
 * PostgreSQL text-search configurations a source may use (stemming and stop words of its
 * language; "simple" does neither). Each is also checked against pg_ts_config when used.
 */
export const KNOWLEDGE_LANGUAGES = [
  "simple",
  "english",
  "french",
  "german",
  "spanish",
  "italian",
  "portuguese",
  "dutch",
  "danish",
  "swedish",
  "norwegian",
  "finnish",
] as const;
export type KnowledgeLanguage = (typeof KNOWLEDGE_LANGUAGES)[number];
export const DEFAULT_KNOWLEDGE_LANGUAGE: KnowledgeLanguage = "english";

/**
 * A source still "processing" this long after its last change lost its job (a crash outlived
 * the queue's retries); it is shown as failed so that it can be reprocessed. Extraction itself
 * stops after a minute.
 */
export const PROCESSING_STALE_AFTER_MS = 20 * 60 * 1000;
export const STALE_PROCESSING_REASON = "Processing was interrupted. Reprocess the source to try again.";

type SourceRow = typeof knowledgeSources.$inferSelect;

export type KnowledgeSourceView = {
  id: string;
  title: string;
  kind: KnowledgeKind;
  filename: string | null;
  mimeType: string | null;
  sizeBytes: number;
  language: string;
  status: KnowledgeStatus;
  failureReason: string | null;
  chunkCount: number;
  assistantId: string | null;
  createdAt: string;
  updatedAt: string;
  processedAt: string | null;
};

function toView(row: SourceRow, now: Date): KnowledgeSourceView {
  const stale = row.status === "processing" && now.getTime() - row.updatedAt.getTime() > PROCESSING_STALE_AFTER_MS;
  return {
    id: row.id,
    title: row.title,
    kind: row.kind,
    filename: row.filename,
    mimeType: row.mimeType,
    sizeBytes: row.sizeBytes,
    language: row.language,
    status: stale ? "failed" : row.status,
    failureReason: stale ? STALE_PROCESSING_REASON : row.failureReason,
    chunkCount: row.chunkCount,
    assistantId: row.assistantId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
  };
}

/** Whether the organization has this assistant (knowledge scoped to it must name a real one). */
export async function assistantExists(tx: Db, organizationId: string, assistantId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: assistants.id })
    .from(assistants)
    .where(and(eq(assistants.organizationId, organizationId), eq(assistants.id, assistantId)));
  return Boolean(row);
}

export async function assertAssistant(tx: Db, organizationId: string, assistantId: string | null): Promise<void> {
  if (assistantId !== null && !(await assistantExists(tx, organizationId, assistantId))) throw new NotFound("Assistant");
}

/** The allow-list says which configurations we support; pg_ts_config says this database has it. */
async function assertLanguageInstalled(tx: Db, language: string) {
  const { rows } = await tx.execute<{ cfgname: string }>(sql`SELECT cfgname FROM pg_ts_config WHERE cfgname = ${language}`);
  if (rows.length === 0) {
    throw new Invalid("VALIDATION_FAILED", `The text-search language "${language}" is not available on this database.`, [
      { path: "body.language", message: "Not available on this database." },
    ]);
  }
}

type NewSource = {
  title: string;
  kind: KnowledgeKind;
  filename: string | null;
  mimeType: string;
  bytes: Uint8Array;
  assistantId: string | null;
  language: KnowledgeLanguage;
};

async function insertSource(ctx: AppContext, access: OrgAccess, actorUserId: string, input: NewSource, meta: RequestMeta): Promise<KnowledgeSourceView> {
  const now = ctx.clock.now();
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    await assertAssistant(tx, access.organizationId, input.assistantId);
    await assertLanguageInstalled(tx, input.language);
    const [created] = await tx
      .insert(knowledgeSources)
      .values({
        organizationId: access.organizationId,
        id: newId("ksrc"),
        assistantId: input.assistantId,
        title: input.title,
        kind: input.kind,
        filename: input.filename,
        mimeType: input.mimeType,
        sizeBytes: input.bytes.byteLength,
        language: input.language,
        status: "queued",
        createdBy: actorUserId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!created) throw new Error("knowledge source insert returned nothing");
    await tx.insert(knowledgeContents).values({
      organizationId: access.organizationId,
      sourceId: created.id,
      bytes: Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength),
    });
    await recordAudit(
      tx,
      {
        action: "knowledge.source_added",
        organizationId: access.organizationId,
        actorUserId,
        targetType: "knowledge_source",
        targetId: created.id,
        metadata: { title: created.title, kind: created.kind, assistantId: created.assistantId },
      },
      meta,
      now,
    );
    await ctx.jobs.enqueue(tx, "knowledge.ingest", { organizationId: access.organizationId, sourceId: created.id });
    return toView(created, now);
  });
}

export type PastedSourceInput = {
  title: string;
  kind: "text" | "markdown" | "html";
  content: string;
  assistantId?: string | undefined;
  language?: KnowledgeLanguage | undefined;
};

/** Pasted text, Markdown or HTML; HTML is turned into text by the ingest job, like an uploaded page. */
export function addPastedSource(ctx: AppContext, access: OrgAccess, actorUserId: string, input: PastedSourceInput, meta: RequestMeta) {
  return insertSource(
    ctx,
    access,
    actorUserId,
    {
      title: input.title.trim(),
      kind: input.kind,
      filename: null,
      mimeType: KNOWLEDGE_MIME_TYPES[input.kind],
      bytes: Buffer.from(input.content, "utf8"),
      assistantId: input.assistantId ?? null,
      language: input.language ?? DEFAULT_KNOWLEDGE_LANGUAGE,
    },
    meta,
  );
}

export type UploadedSourceInput = {
  bytes: Uint8Array;
  filename: string;
  /** The Content-Type the client sent for the file: a hint between text formats, never trusted for binary ones. */
  claimedMimeType: string | null;
  title?: string | undefined;
  assistantId?: string | undefined;
  language?: KnowledgeLanguage | undefined;
};

/** The name as shown back: no path, no control characters, at most 255 characters (keeping the extension). */
export function cleanFilename(name: string): string {
  const base = (name.split(/[/\\]/).pop() ?? "")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, "")
    .toWellFormed()
    .normalize("NFC")
    .trim();
  if (base.length <= 255) return base;
  const dot = base.lastIndexOf(".");
  const extension = dot > 0 && base.length - dot <= 16 ? base.slice(dot) : "";
  return base.slice(0, 255 - extension.length) + extension;
}

function titleFromFilename(filename: string): string {
  const withoutExtension = filename.replace(/\.[A-Za-z0-9]{1,8}$/, "").trim();
  return (withoutExtension || filename || "Untitled document").slice(0, KNOWLEDGE_TITLE_MAX_CHARS);
}

/** An uploaded file: its kind comes from its bytes (see detect-file-type.ts), not its name. */
export function addUploadedSource(ctx: AppContext, access: OrgAccess, actorUserId: string, input: UploadedSourceInput, meta: RequestMeta) {
  if (input.bytes.byteLength > KNOWLEDGE_UPLOAD_LIMIT_BYTES) {
    throw new PayloadTooLarge("FILE_TOO_LARGE", `The file is larger than the upload limit of ${KNOWLEDGE_UPLOAD_LIMIT_BYTES / 1024 / 1024} MiB.`, {
      limitBytes: KNOWLEDGE_UPLOAD_LIMIT_BYTES,
    });
  }
  const filename = cleanFilename(input.filename);
  const detected = detectFileType(input.bytes, filename, input.claimedMimeType);
  return insertSource(
    ctx,
    access,
    actorUserId,
    {
      title: input.title?.trim() || titleFromFilename(filename),
      kind: detected.kind,
      filename: filename || null,
      mimeType: detected.mimeType,
      bytes: input.bytes,
      assistantId: input.assistantId ?? null,
      language: input.language ?? DEFAULT_KNOWLEDGE_LANGUAGE,
    },
    meta,
  );
}

/**
 * All of the organization's sources, newest first (knowledge_sources_org_created_idx); with an
 * assistant, the sources that assistant uses: the organization-wide ones and its own (404 for an
 * assistant the organization does not have).
 */
export async function listKnowledgeSources(ctx: AppContext, access: OrgAccess, filter: { assistantId?: string | undefined }): Promise<KnowledgeSourceView[]> {
  const now = ctx.clock.now();
  const rows = await withTenant(ctx.db, access.organizationId, async (tx) => {
    await assertAssistant(tx, access.organizationId, filter.assistantId ?? null);
    return tx
      .select()
      .from(knowledgeSources)
      .where(
        and(
          eq(knowledgeSources.organizationId, access.organizationId),
          filter.assistantId !== undefined ? or(isNull(knowledgeSources.assistantId), eq(knowledgeSources.assistantId, filter.assistantId)) : undefined,
        ),
      )
      .orderBy(desc(knowledgeSources.createdAt), desc(knowledgeSources.id));
  });
  return rows.map((row) => toView(row, now));
}

const sourceKey = (organizationId: string, sourceId: string) => and(eq(knowledgeSources.organizationId, organizationId), eq(knowledgeSources.id, sourceId));

export async function getKnowledgeSource(ctx: AppContext, access: OrgAccess, sourceId: string): Promise<KnowledgeSourceView> {
  const now = ctx.clock.now();
  const [row] = await withTenant(ctx.db, access.organizationId, (tx) => tx.select().from(knowledgeSources).where(sourceKey(access.organizationId, sourceId)));
  if (!row) throw new NotFound("Knowledge source");
  return toView(row, now);
}

/** Deletes the source, its bytes and its chunks (foreign keys cascade), so search stops finding it at once. */
export async function deleteKnowledgeSource(ctx: AppContext, access: OrgAccess, actorUserId: string, sourceId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  await withTenant(ctx.db, access.organizationId, async (tx) => {
    const [deleted] = await tx
      .delete(knowledgeSources)
      .where(sourceKey(access.organizationId, sourceId))
      .returning({ id: knowledgeSources.id, title: knowledgeSources.title });
    if (!deleted) throw new NotFound("Knowledge source");
    await recordAudit(
      tx,
      {
        action: "knowledge.source_deleted",
        organizationId: access.organizationId,
        actorUserId,
        targetType: "knowledge_source",
        targetId: deleted.id,
        metadata: { title: deleted.title },
      },
      meta,
      now,
    );
  });
}

/**
 * Reads the stored bytes again (after a failure, or to pick up a better extractor). Always
 * enqueues: jobs for one source are idempotent and serialised on its row, so a second one costs
 * a re-read, while skipping it could leave a source whose job was lost queued for ever.
 */
export async function reprocessKnowledgeSource(ctx: AppContext, access: OrgAccess, sourceId: string): Promise<KnowledgeSourceView> {
  const now = ctx.clock.now();
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    const [current] = await tx.select().from(knowledgeSources).where(sourceKey(access.organizationId, sourceId)).for("update");
    if (!current) throw new NotFound("Knowledge source");
    const [updated] = await tx
      .update(knowledgeSources)
      .set({ status: "queued", failureReason: null, updatedAt: now })
      .where(sourceKey(access.organizationId, sourceId))
      .returning();
    if (!updated) throw new NotFound("Knowledge source");
    await ctx.jobs.enqueue(tx, "knowledge.ingest", { organizationId: access.organizationId, sourceId });
    return toView(updated, now);
  });
}
