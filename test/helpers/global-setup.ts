// Once per test run: find a PostgreSQL (DATABASE_URL, else an embedded one in a temp dir),
// migrate a template database, and hand its URL to the test files, which clone it per file.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../src/server/db/embedded.js";
import { migrateDatabase } from "../../src/server/db/migrate.js";

declare module "vitest" {
  export interface ProvidedContext {
    serverUrl: string;
    templateDatabase: string;
    /** Names this run's per-file databases, so concurrent runs on one server drop only their own. */
    databasePrefix: string;
  }
}

const EMBEDDED_TEST_PORT = 54331;

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export default async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let embeddedDir: string | undefined;
  if (!serverUrl) {
    embeddedDir = await mkdtemp(path.join(tmpdir(), "switchboard-test-pg-"));
    const embedded = await startEmbeddedPostgres({ dataDir: embeddedDir, port: EMBEDDED_TEST_PORT, database: "postgres" });
    serverUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const templateDatabase = `switchboard_template_${process.pid}`;
  const databasePrefix = `sbtest${process.pid}_`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase}`);
  await admin.query(`CREATE DATABASE ${templateDatabase}`);
  await migrateDatabase(withDatabase(serverUrl, templateDatabase));
  project.provide("serverUrl", serverUrl);
  project.provide("templateDatabase", templateDatabase);
  project.provide("databasePrefix", databasePrefix);

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1) OR datname = $2`, [
      databasePrefix,
      templateDatabase,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
    await admin.end();
    if (stopEmbedded) await stopEmbedded();
    if (embeddedDir) await rm(embeddedDir, { recursive: true, force: true });
  };
}
