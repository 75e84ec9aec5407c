// The call ingestion worker: one loop per app instance applies stored Vapi messages in batches,
// one tenant transaction per organization (ingest-batch.ts). The webhook wakes it after storing a
// message; it also looks every INGEST_POLL_INTERVAL_MS for messages another instance stored or a
// failed pass left. Safe with any number of instances: batches claim with FOR UPDATE SKIP LOCKED,
// and the same call applied by two transactions at once serialises on its row.
import type { AppContext } from "../../context.js";
import { applyPendingEvents, type BatchResult, INGEST_BATCH_MAX_EVENTS } from "./ingest-batch.js";

/** Fallback polling when nothing woke the worker. */
export const INGEST_POLL_INTERVAL_MS = 1_000;
/**
 * Before a pass (unless a backlog remains) the worker waits, so messages arriving meanwhile are
 * applied together: each organization costs a transaction of about eight statements per pass
 * whatever its number of messages, so with many organizations sending a trickle each, the pause
 * grows (INGEST_GATHER_MS_PER_ORGANIZATION each, up to INGEST_GATHER_MAX_MS: the delay live
 * dashboards see), and the CPU stays with live replies. After a productive pass it is short.
 */
export const INGEST_GATHER_MIN_MS = 100;
export const INGEST_GATHER_MAX_MS = 1_000;
const INGEST_GATHER_MS_PER_ORGANIZATION = 20;
/** Messages per organization in a pass above which the next pass follows after the minimum pause. */
const PRODUCTIVE_PASS_MESSAGES_PER_ORGANIZATION = 8;
/** Organizations applied at once: PostgreSQL works on one while Node folds the next. */
const INGEST_PARALLEL_ORGANIZATIONS = 3;
const PENDING_ORGANIZATIONS_PER_PASS = 500;
const TRANSIENT_RETRIES = 3;

export type CallIngestionWorker = {
  /** A message was stored: apply it soon. */
  wake(): void;
  /** Applies everything pending now (one or more passes), for tests and shutdown. */
  drain(): Promise<number>;
  stop(): Promise<void>;
};

const workers = new WeakMap<AppContext, CallIngestionWorker>();

/** Wakes this instance's worker, if it runs (the webhook calls this after storing a message). */
export function wakeCallIngestion(ctx: AppContext): void {
  workers.get(ctx)?.wake();
}

/** A SQLSTATE worth retrying at once: deadlock, serialization failure. */
function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "40P01" || code === "40001";
}

/** The database answered with an error about the data (not a lost connection or an outage). */
function isStatementError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !/^(08|53|57|58)/.test(code) && !isTransientConflict(error);
}

async function withConflictRetries(work: () => Promise<BatchResult>): Promise<BatchResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientConflict(error) || attempt >= TRANSIENT_RETRIES) throw error;
    }
  }
}

/** Organizations with pending messages (vendor_events_pending_idx), across tenants: one statement on the platform pool. */
async function pendingOrganizations(ctx: AppContext): Promise<string[]> {
  const { rows } = await ctx.db.platformPool.query<{ organization_id: string }>({
    name: "ingest-pending-organizations",
    text: `SELECT DISTINCT organization_id FROM vendor_events WHERE processed_at IS NULL AND organization_id IS NOT NULL LIMIT $1`,
    values: [PENDING_ORGANIZATIONS_PER_PASS],
  });
  return rows.map((row) => row.organization_id);
}

/**
 * Applies one organization's pending messages. When a batch fails on its data, each call's messages
 * are retried alone, so one bad message holds back only its own call; a call whose messages fail
 * alone too is marked processed with the error (kept for inspection) instead of blocking the queue.
 */
async function applyOrganization(ctx: AppContext, organizationId: string): Promise<{ applied: number; more: boolean }> {
  let result: BatchResult;
  try {
    result = await withConflictRetries(() => applyPendingEvents(ctx, organizationId));
  } catch (error) {
    if (!isStatementError(error)) throw error;
    ctx.logger.warn({ err: error, organizationId }, "a batch of call events failed; applying its calls one by one");
    return { applied: await applyCallByCall(ctx, organizationId), more: true };
  }
  return { applied: result.applied, more: result.claimed >= INGEST_BATCH_MAX_EVENTS };
}

async function applyCallByCall(ctx: AppContext, organizationId: string): Promise<number> {
  const { rows } = await ctx.db.platformPool.query<{ id: string; call: string | null }>(
    `SELECT id, provider_call_id AS call FROM vendor_events WHERE organization_id = $1 AND processed_at IS NULL ORDER BY received_at, id LIMIT $2`,
    [organizationId, INGEST_BATCH_MAX_EVENTS],
  );
  const byCall = new Map<string, string[]>();
  for (const row of rows) {
    const key = row.call ?? row.id;
    byCall.set(key, [...(byCall.get(key) ?? []), row.id]);
  }
  let applied = 0;
  for (const eventIds of byCall.values()) {
    try {
      applied += (await withConflictRetries(() => applyPendingEvents(ctx, organizationId, { eventIds }))).applied;
    } catch (error) {
      if (!isStatementError(error)) throw error;
      ctx.logger.error({ err: error, organizationId, eventIds }, "could not apply a call's events; marking them failed");
      await ctx.db.platformPool.query("UPDATE vendor_events SET processed_at = now(), error = $2 WHERE id = ANY($1::text[]) AND processed_at IS NULL", [
        eventIds,
        `ingestion failed: ${(error as Error).message}`.slice(0, 1000),
      ]);
    }
  }
  return applied;
}

/** One pass over every organization with pending messages; returns how many were applied and whether more remain. */
async function runPass(ctx: AppContext): Promise<{ applied: number; more: boolean; organizations: number }> {
  const organizations = await pendingOrganizations(ctx);
  let applied = 0;
  let more = organizations.length >= PENDING_ORGANIZATIONS_PER_PASS;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(INGEST_PARALLEL_ORGANIZATIONS, organizations.length) }, async () => {
      while (next < organizations.length) {
        const outcome = await applyOrganization(ctx, organizations[next++]!);
        applied += outcome.applied;
        more ||= outcome.more;
      }
    }),
  );
  return { applied, more, organizations: organizations.length };
}

function gatherMsAfter(pass: { applied: number; organizations: number }): number {
  if (pass.organizations === 0 || pass.applied / pass.organizations >= PRODUCTIVE_PASS_MESSAGES_PER_ORGANIZATION) return INGEST_GATHER_MIN_MS;
  return Math.min(INGEST_GATHER_MAX_MS, Math.max(INGEST_GATHER_MIN_MS, pass.organizations * INGEST_GATHER_MS_PER_ORGANIZATION));
}

/** Starts this instance's worker (platform.ts); stop() waits for the pass in progress. */
export function startCallIngestion(ctx: AppContext): CallIngestionWorker {
  let stopped = false;
  let woken = false;
  /** Ends the current pause early; set only while a wake may cut it short. */
  let interrupt: (() => void) | null = null;

  const pause = (ms: number, interruptible: boolean) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        interrupt = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      interrupt = interruptible ? done : null;
    });

  const loop = async () => {
    let more = false;
    let gatherMs = INGEST_GATHER_MIN_MS;
    while (!stopped) {
      // Messages that arrive together (a burst, or a reply's own message) are applied together.
      if (!more) await pause(gatherMs, false);
      woken = false;
      try {
        const pass = await runPass(ctx);
        more = pass.more;
        gatherMs = gatherMsAfter(pass);
      } catch (error) {
        // The database is unavailable, or the pass failed another way: the messages stay pending.
        ctx.logger.warn({ err: error }, "call ingestion pass failed; retrying");
        more = false;
        await pause(INGEST_POLL_INTERVAL_MS, false);
        continue;
      }
      if (!more && !woken && !stopped) await pause(INGEST_POLL_INTERVAL_MS, true);
    }
  };

  const running = loop().catch((error: unknown) => ctx.logger.error({ err: error }, "call ingestion stopped"));
  const worker: CallIngestionWorker = {
    wake() {
      woken = true;
      interrupt?.();
    },
    async drain() {
      let total = 0;
      for (;;) {
        const outcome = await runPass(ctx);
        total += outcome.applied;
        if (!outcome.more) return total;
      }
    },
    async stop() {
      stopped = true;
      workers.delete(ctx);
      interrupt?.();
      await running;
    },
  };
  workers.set(ctx, worker);
  return worker;
}
