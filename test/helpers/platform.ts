// Starts a whole Switchboard for one test file: its own database cloned from the migrated
// template, a real SMTP server, a clock the test can move, and an API client over app.request().
import { randomBytes } from "node:crypto";
import pg from "pg";
import pino from "pino";
import { inject } from "vitest";
import { loadConfig } from "../../src/server/config.js";
import type { Clock } from "../../src/server/context.js";
import { type Platform, startPlatform } from "../../src/server/platform.js";
import { type ApiClient, createApiClient } from "./api.js";
import { startMailServer, type TestMailServer } from "./smtp.js";

export type TestClock = Clock & { advance(ms: number): void; set(date: Date): void };

/** Follows real time, plus whatever the test has moved it forward by. */
export function createTestClock(): TestClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: (ms) => {
      offsetMs += ms;
    },
    set: (date) => {
      offsetMs = date.getTime() - Date.now();
    },
  };
}

export type TestPlatform = {
  platform: Platform;
  api: ApiClient;
  mail: TestMailServer;
  clock: TestClock;
  databaseUrl: string;
  /** Runs SQL as the database owner (bypasses the app roles): for assertions and catalog checks only. */
  ownerQuery<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  stop(): Promise<void>;
};

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = inject("serverUrl");
  const database = `${inject("databasePrefix")}${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database} TEMPLATE ${inject("templateDatabase")}`);
  await admin.end();
  return {
    url: withDatabase(serverUrl, database),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function startTestPlatform(options: { env?: Record<string, string>; webRoot?: string } = {}): Promise<TestPlatform> {
  const database = await createTestDatabase();
  const mail = await startMailServer();
  const clock = createTestClock();
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    APP_URL: "http://localhost:3000",
    APP_SECRET: randomBytes(32).toString("hex"),
    SMTP_URL: mail.url,
    TRUST_PROXY: "true",
    LOG_LEVEL: "silent",
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...options.env,
  });
  const platform = await startPlatform({
    config,
    clock,
    logger: pino({ level: "silent" }),
    rateLimitKeyPrefix: `bf-test-${randomBytes(4).toString("hex")}`,
    skipMigrations: true,
    webRoot: options.webRoot,
  });
  const owner = new pg.Pool({ connectionString: database.url, max: 2 });
  // pool.end() resolves before its sockets close, so dropping the database WITH (FORCE) can hit an
  // idle connection; without a listener that error would surface as an uncaught exception.
  owner.on("error", () => {});
  return {
    platform,
    api: createApiClient(platform.app),
    mail,
    clock,
    databaseUrl: database.url,
    ownerQuery: (text, values) => owner.query(text, values),
    stop: async () => {
      await platform.stop();
      await owner.end();
      await mail.stop();
      await database.drop();
    },
  };
}
