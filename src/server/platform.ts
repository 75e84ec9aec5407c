// Assembles a running platform from configuration: database (embedded when DATABASE_URL is
// unset), migrations, pools, job queue, mail, limits, and the HTTP app. main.ts and the tests
// both start Switchboard through here; tests pass their own clock and database.
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import pino, { type Logger } from "pino";
import { buildApp } from "./app.js";
import type { Config } from "./config.js";
import { type AppContext, type Clock, systemClock } from "./context.js";
import { connectDatabase } from "./db/client.js";
import { startEmbeddedPostgres } from "./db/embedded.js";
import { migrateDatabase } from "./db/migrate.js";
import { createBruteForceGuard } from "./http/brute-force.js";
import { registerJobHandlers } from "./jobs/handlers.js";
import { createJobQueue } from "./jobs/queue.js";
import { ensureSuperAdmin } from "./modules/admin/service.js";
import { deriveAccessTokenKey } from "./modules/auth/tokens.js";
import { startCallIngestion } from "./modules/calls/ingest-worker.js";
import { createCallEventHub } from "./modules/calls/live.js";
import { createMailTransport } from "./modules/mail/mailer.js";
import { secretsKeyFrom } from "./modules/phone-numbers/encryption.js";
import { syncTemplates } from "./modules/templates/loader.js";
import { loadOrCreateDevSecret } from "./secrets.js";

/** The industry template files, shipped with the code. */
export const TEMPLATES_DIRECTORY = fileURLToPath(new URL("../../templates", import.meta.url));

export type Platform = {
  ctx: AppContext;
  app: ReturnType<typeof buildApp>;
  databaseUrl: string;
  stop: () => Promise<void>;
};

export type PlatformOptions = {
  config: Config;
  logger?: Logger;
  clock?: Clock;
  /** Separates brute-force counters of platforms sharing one Redis (tests). */
  rateLimitKeyPrefix?: string;
  /** Skip migrations when the database is known to be current (tests clone a migrated template). */
  skipMigrations?: boolean;
  webRoot?: string;
};

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { config } = options;
  const logger = options.logger ?? pino({ level: config.logLevel, redact: ["req.headers.authorization", "*.password", "*.token", "*.refreshToken"] });
  const stops: (() => Promise<unknown>)[] = [];

  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    logger.info({ dataDir: config.dataDir, port: config.embeddedPgPort }, "DATABASE_URL is unset: starting the embedded PostgreSQL");
    const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, onLog: (line) => logger.debug({ postgres: line }) });
    databaseUrl = embedded.url;
    stops.push(embedded.stop);
  }
  if (!options.skipMigrations) await migrateDatabase(databaseUrl);

  const db = connectDatabase(databaseUrl, { onIdleError: (error) => logger.warn({ err: error }, "an idle database connection was closed") });
  stops.unshift(db.close);
  const jobs = createJobQueue(databaseUrl, (error) => logger.error({ err: error }, "job queue error"));
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true }) : undefined;
  if (redis) stops.unshift(async () => redis.quit());
  const templates = await syncTemplates(db, TEMPLATES_DIRECTORY);
  logger.debug(templates, "industry templates loaded");
  const appSecret = config.appSecret ?? (await loadOrCreateDevSecret(config.dataDir));
  const callEvents = createCallEventHub({ databaseUrl, logger });
  await callEvents.start();
  stops.unshift(() => callEvents.stop());

  const ctx: AppContext = {
    config,
    db,
    jobs,
    clock: options.clock ?? systemClock,
    logger,
    bruteForce: createBruteForceGuard({ redis, keyPrefix: options.rateLimitKeyPrefix ?? "bf" }),
    accessTokenKey: deriveAccessTokenKey(appSecret),
    secretsKey: secretsKeyFrom(config.encryptionKey, appSecret),
    callEvents,
  };

  const mail = createMailTransport({ smtpUrl: config.smtpUrl, from: config.mailFrom, db });
  registerJobHandlers(jobs, { mail, ctx });
  await jobs.start();
  stops.unshift(() => jobs.stop());
  // Applies stored Vapi messages to calls; stopped before the job queue and the pools.
  const callIngestion = startCallIngestion(ctx);
  stops.unshift(() => callIngestion.stop());

  if (config.adminEmail && config.adminPassword) {
    const admin = await ensureSuperAdmin(ctx, { email: config.adminEmail, password: config.adminPassword }, null);
    if (admin.created) logger.info({ email: config.adminEmail }, "created the first super admin from ADMIN_EMAIL");
  }

  const app = buildApp(ctx, { webRoot: options.webRoot });
  return {
    ctx,
    app,
    databaseUrl,
    stop: async () => {
      for (const stop of stops) await stop().catch((error: unknown) => logger.error({ err: error }, "error while stopping"));
    },
  };
}
