// The durable job queue (pg-boss, in the same PostgreSQL). Jobs are enqueued inside the unit of
// work that causes them (outbox), so a rolled-back change never sends its email.
import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import type { Db } from "../db/client.js";
import { JOB_QUEUES, type JobName, type JobPayloads } from "./registry.js";

const POLL_INTERVAL_SECONDS = 0.5;

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], meta: { id: string; retryCount: number }) => Promise<void>;

/** startAfterSeconds: run no earlier than this many seconds from now (relative, so the database's clock decides). */
export type EnqueueOptions = { startAfterSeconds?: number };

export type Jobs = {
  /** Enqueue inside the caller's transaction: the job exists only if that transaction commits. */
  enqueue<N extends JobName>(tx: Db, name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<void>;
  register<N extends JobName>(name: N, handler: JobHandler<N>): void;
  /** A recurring job (cron, UTC), installed at start; pg-boss runs each occurrence once across instances. */
  schedule<N extends JobName>(name: N, cron: string, payload: JobPayloads[N]): void;
  start(): Promise<void>;
  stop(): Promise<void>;
};

/** Creates pg-boss's tables and our queues; run by the migration step as the owner. */
export async function installJobQueueSchema(ownerUrl: string): Promise<void> {
  const boss = new PgBoss({ connectionString: ownerUrl, supervise: false, schedule: false, max: 1 });
  boss.on("error", () => {});
  await boss.start();
  try {
    for (const [name, options] of Object.entries(JOB_QUEUES)) await boss.createQueue(name, { name, ...options });
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

export function createJobQueue(ownerUrl: string, onError: (error: unknown) => void): Jobs {
  const boss = new PgBoss({ connectionString: ownerUrl, max: 4, migrate: false });
  boss.on("error", onError);
  const handlers = new Map<JobName, JobHandler<JobName>>();
  const schedules: { name: JobName; cron: string; payload: object }[] = [];
  let started = false;
  // pg-boss's insert is one long parameterised statement: prepared once per connection (by name)
  // instead of parsed and planned at every enqueue.
  const statementNames = new Map<string, string>();
  const statementName = (text: string) => {
    let name = statementNames.get(text);
    if (!name) {
      // Named by the text itself, so any two queues sharing a connection agree on what a name means.
      name = `pgboss-${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
      statementNames.set(text, name);
    }
    return name;
  };

  return {
    async enqueue(tx, name, payload, options = {}) {
      await boss.send(name, payload as object, {
        ...(options.startAfterSeconds && options.startAfterSeconds > 0 ? { startAfter: Math.ceil(options.startAfterSeconds) } : {}),
        db: {
          executeSql: async (text: string, values: unknown[]) => {
            const result = await tx.$client.query({ name: statementName(text), text, values });
            return { rows: result.rows };
          },
        },
      });
    },
    register(name, handler) {
      handlers.set(name, handler as JobHandler<JobName>);
    },
    schedule(name, cron, payload) {
      schedules.push({ name, cron, payload: payload as object });
    },
    async start() {
      await boss.start();
      started = true;
      for (const { name, cron, payload } of schedules) await boss.schedule(name, cron, payload);
      for (const [name, handler] of handlers) {
        let workerId = "";
        workerId = await boss.work(name, { pollingIntervalSeconds: POLL_INTERVAL_SECONDS, includeMetadata: true }, async (jobs) => {
          for (const job of jobs) await handler(job.data as never, { id: job.id, retryCount: job.retryCount });
          // pg-boss waits the polling interval after every fetch, even a full one, which caps a queue
          // at one job per interval; after a job, fetch again at once so a backlog drains.
          boss.notifyWorker(workerId);
        });
      }
    },
    async stop() {
      if (started) await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
