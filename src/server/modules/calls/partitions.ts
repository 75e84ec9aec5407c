// Monthly partitions of calls and transcript_segments: the daily "calls.ensure-partitions" job keeps
// the next months ready, and ingestion makes sure a call's own month exists before inserting it
// (a row in the DEFAULT partition would block creating that month later).
import { sql } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import { withPlatform } from "../../db/transaction.js";

export const PARTITION_MONTHS_AHEAD = 3;

function monthStart(at: Date): string {
  return `${at.toISOString().slice(0, 7)}-01`;
}

// Months known to exist, per database: creating a partition is idempotent but takes locks.
const ensuredMonths = new WeakMap<AppContext, Set<string>>();

export async function ensureCallPartition(ctx: AppContext, at: Date): Promise<void> {
  const month = monthStart(at);
  let known = ensuredMonths.get(ctx);
  if (!known) {
    known = new Set();
    ensuredMonths.set(ctx, known);
  }
  if (known.has(month)) return;
  try {
    await withPlatform(ctx.db, (tx) => tx.execute(sql`SELECT ensure_call_partitions(${month}::date)`));
  } catch (error) {
    // A month far in the past whose rows already sit in the DEFAULT partition cannot get its own:
    // the rows stay in DEFAULT, which is correct, only slower to scan.
    ctx.logger.warn({ err: error, month }, "could not create the call partitions of a month; its calls stay in the default partition");
  }
  known.add(month);
}

/** The "calls.ensure-partitions" job: this month and the next PARTITION_MONTHS_AHEAD. */
export async function ensureUpcomingCallPartitions(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now();
  for (let offset = 0; offset <= PARTITION_MONTHS_AHEAD; offset++) {
    await ensureCallPartition(ctx, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)));
  }
}
