// Stores raw vendor messages in vendor_events with group commit: a message is written at once when
// a connection is free; messages arriving while EVENT_STORE_WRITERS statements are in flight are
// written together by the next one (one multi-row INSERT, one commit, one WAL flush). Each caller
// is answered only after the statement holding its message committed, so nothing is acknowledged
// that was not stored, and a busy server stores many messages per commit instead of queueing for
// connections. Runs on the platform pool, whose connections are switchboard_platform.
import type { AppContext } from "../../context.js";
import { newId } from "../../db/ids.js";

/** Statements in flight at once (each holds a platform-pool connection for one round trip). */
const EVENT_STORE_WRITERS = 4;
/** Bounds one statement: rows, and bytes of payload (a report can be a few megabytes). */
const EVENT_STORE_BATCH_MAX_ROWS = 200;
const EVENT_STORE_BATCH_MAX_BYTES = 8 * 1024 * 1024;
const COLUMNS_PER_ROW = 8;

export type VendorEventRow = {
  provider: "vapi" | "sandbox";
  idempotencyKey: string;
  type: string;
  providerCallId: string | null;
  organizationId: string | null;
  /** The body exactly as received (valid JSON). */
  payload: string;
  /** Stored as already processed: kept for the record, never applied by ingestion. */
  processed: boolean;
};

type Pending = { row: VendorEventRow; resolve: () => void; reject: (error: unknown) => void };
type Writer = { queue: Pending[]; inFlight: number };

// One writer per platform (tests run several in one process), not a module-level singleton.
const writers = new WeakMap<AppContext, Writer>();

/** A failure of the data of one row (not of the connection): the batch is retried row by row. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && code.startsWith("22");
}

async function insertRows(ctx: AppContext, rows: VendorEventRow[]): Promise<void> {
  const values: unknown[] = [];
  const tuples = rows.map((row, index) => {
    const base = index * COLUMNS_PER_ROW;
    values.push(newId("vev"), row.provider, row.idempotencyKey, row.type, row.providerCallId, row.organizationId, row.payload, row.processed);
    // clock_timestamp(): rows of one statement keep the order they arrived in (ingestion applies in that order).
    return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7}::jsonb, clock_timestamp(),
      CASE WHEN $${base + 8}::boolean THEN clock_timestamp() END)`;
  });
  await ctx.db.platformPool.query(
    `INSERT INTO vendor_events (id, provider, idempotency_key, type, provider_call_id, organization_id, payload, received_at, processed_at)
     VALUES ${tuples.join(", ")} ON CONFLICT (provider, idempotency_key) DO NOTHING`,
    values,
  );
}

function takeBatch(queue: Pending[]): Pending[] {
  let bytes = 0;
  let count = 0;
  while (count < queue.length && count < EVENT_STORE_BATCH_MAX_ROWS) {
    bytes += queue[count]!.row.payload.length;
    if (count > 0 && bytes > EVENT_STORE_BATCH_MAX_BYTES) break;
    count++;
  }
  return queue.splice(0, count);
}

async function flush(ctx: AppContext, writer: Writer): Promise<void> {
  writer.inFlight++;
  try {
    while (writer.queue.length > 0) {
      const batch = takeBatch(writer.queue);
      try {
        await insertRows(
          ctx,
          batch.map((pending) => pending.row),
        );
        for (const pending of batch) pending.resolve();
      } catch (error) {
        if (batch.length === 1 || !isDataError(error)) {
          for (const pending of batch) pending.reject(error);
          continue;
        }
        // One row's data is refused (say, a \u0000 in a string): store the others one by one.
        for (const pending of batch) await insertRows(ctx, [pending.row]).then(pending.resolve, pending.reject);
      }
    }
  } finally {
    writer.inFlight--;
  }
}

/** Resolves once the message is committed (a duplicate of a stored one counts as stored); rejects when it could not be. */
export function storeVendorEvent(ctx: AppContext, row: VendorEventRow): Promise<void> {
  let writer = writers.get(ctx);
  if (!writer) {
    writer = { queue: [], inFlight: 0 };
    writers.set(ctx, writer);
  }
  const stored = new Promise<void>((resolve, reject) => writer.queue.push({ row, resolve, reject }));
  if (writer.inFlight < EVENT_STORE_WRITERS) void flush(ctx, writer);
  return stored;
}
