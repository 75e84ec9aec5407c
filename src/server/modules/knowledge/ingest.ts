// The "knowledge.ingest" job: marks a source processing, extracts and chunks its text, then in one
// transaction replaces its chunks and marks it ready. Every way out leaves the source ready or
// failed with a reason, never processing: a permanent failure is recorded and not retried.
import { and, eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { withTenant } from "../../db/transaction.js";
import { JOB_QUEUES, type JobPayloads } from "../../jobs/registry.js";
import { chunkBlocks, type TextChunk } from "./chunk-text.js";
import { EXTRACTION_TIME_LIMIT_MS, ExtractionFailed, type ExtractionLimits, extractBlocks, MAX_EXTRACTED_CHARS } from "./extract-text.js";
import { knowledgeChunks, knowledgeContents, knowledgeSources } from "./schema.js";

/** Rows per INSERT statement when storing chunks (a 2-million-character document is ~2,000 chunks). */
const CHUNK_INSERT_BATCH = 250;

const UNREADABLE_REASON = "The file could not be read. Check that it opens on your computer, then upload it again.";
const TEMPORARY_FAILURE_REASON = "Indexing failed because of a temporary problem. Reprocess the source to try again.";

type IngestContext = Pick<AppContext, "db" | "clock" | "logger">;
type IngestPayload = JobPayloads["knowledge.ingest"];

const sourceKey = ({ organizationId, sourceId }: IngestPayload) => and(eq(knowledgeSources.organizationId, organizationId), eq(knowledgeSources.id, sourceId));

const chunksOf = ({ organizationId, sourceId }: IngestPayload) =>
  and(eq(knowledgeChunks.organizationId, organizationId), eq(knowledgeChunks.sourceId, sourceId));

/** Locks the source row: ingest runs of one source (a reprocess during a run) write one at a time. */
async function lockSource(tx: Db, payload: IngestPayload) {
  const [source] = await tx
    .select({ kind: knowledgeSources.kind, assistantId: knowledgeSources.assistantId, language: knowledgeSources.language })
    .from(knowledgeSources)
    .where(sourceKey(payload))
    .for("update");
  return source;
}

async function claimSource(ctx: IngestContext, payload: IngestPayload) {
  return withTenant(ctx.db, payload.organizationId, async (tx) => {
    const source = await lockSource(tx, payload);
    if (!source) return null;
    const [content] = await tx
      .select({ bytes: knowledgeContents.bytes })
      .from(knowledgeContents)
      .where(and(eq(knowledgeContents.organizationId, payload.organizationId), eq(knowledgeContents.sourceId, payload.sourceId)));
    await tx.update(knowledgeSources).set({ status: "processing", failureReason: null, updatedAt: ctx.clock.now() }).where(sourceKey(payload));
    return { kind: source.kind, bytes: new Uint8Array(content?.bytes ?? []) };
  });
}

async function storeChunks(ctx: IngestContext, payload: IngestPayload, chunks: TextChunk[]) {
  await withTenant(ctx.db, payload.organizationId, async (tx) => {
    const source = await lockSource(tx, payload);
    if (!source) return; // deleted while it was being read
    await tx.delete(knowledgeChunks).where(chunksOf(payload));
    for (let start = 0; start < chunks.length; start += CHUNK_INSERT_BATCH) {
      await tx.insert(knowledgeChunks).values(
        chunks.slice(start, start + CHUNK_INSERT_BATCH).map((chunk, i) => ({
          organizationId: payload.organizationId,
          sourceId: payload.sourceId,
          ordinal: start + i,
          assistantId: source.assistantId,
          heading: chunk.heading,
          content: chunk.content,
          language: source.language,
        })),
      );
    }
    const now = ctx.clock.now();
    await tx
      .update(knowledgeSources)
      .set({ status: "ready", failureReason: null, chunkCount: chunks.length, processedAt: now, updatedAt: now })
      .where(sourceKey(payload));
  });
}

/** A failed source has nothing indexed: chunks of an earlier successful run go too. */
async function markFailed(ctx: IngestContext, payload: IngestPayload, reason: string) {
  await withTenant(ctx.db, payload.organizationId, async (tx) => {
    if (!(await lockSource(tx, payload))) return;
    await tx.delete(knowledgeChunks).where(chunksOf(payload));
    const now = ctx.clock.now();
    await tx
      .update(knowledgeSources)
      .set({ status: "failed", failureReason: reason, chunkCount: 0, processedAt: now, updatedAt: now })
      .where(sourceKey(payload));
  });
}

export async function ingestKnowledgeSource(
  ctx: IngestContext,
  payload: IngestPayload,
  job: { retryCount: number },
  limits: ExtractionLimits = { timeLimitMs: EXTRACTION_TIME_LIMIT_MS, maxChars: MAX_EXTRACTED_CHARS },
): Promise<void> {
  const log = ctx.logger.child({ job: "knowledge.ingest", ...payload });
  try {
    const claimed = await claimSource(ctx, payload);
    if (!claimed) return;
    let chunks: TextChunk[];
    try {
      // Reading the same bytes again would fail the same way: permanent, recorded, not retried.
      chunks = chunkBlocks(await extractBlocks(claimed.kind, claimed.bytes, limits));
    } catch (error) {
      if (!(error instanceof ExtractionFailed)) log.warn({ err: error }, "extraction failed unexpectedly");
      await markFailed(ctx, payload, error instanceof ExtractionFailed ? error.reason : UNREADABLE_REASON);
      return;
    }
    await storeChunks(ctx, payload, chunks);
  } catch (error) {
    // The database (or the process) failed: let the queue retry, and record the failure on the last attempt.
    if (job.retryCount < JOB_QUEUES["knowledge.ingest"].retryLimit) throw error;
    log.error({ err: error }, "ingest failed on its last attempt");
    await markFailed(ctx, payload, TEMPORARY_FAILURE_REASON).catch((markError: unknown) => log.error({ err: markError }, "could not record the failure"));
  }
}
