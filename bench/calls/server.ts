// The bench database and the server under test: a fresh PostgreSQL database (created here, dropped
// at the end), and a real Switchboard process (`npx tsx src/server/main.ts`) on a free loopback port.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export function databaseUrlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function createDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type RunningServer = { url: string; pid: number; logFile: string; stop: () => Promise<void> };

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server was not ready within ${timeoutMs} ms`);
}

/** Starts `npx tsx src/server/main.ts` in its own process group (so its children stop with it). */
export async function startServer(input: { databaseUrl: string; webhookSecret: string; port: number }): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-"));
  const logFile = path.join(dataDir, "server.log");
  const url = `http://127.0.0.1:${input.port}`;
  const child = spawn("npx", ["tsx", "src/server/main.ts"], {
    cwd: process.cwd(),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "development",
      DATABASE_URL: input.databaseUrl,
      VAPI_WEBHOOK_SECRET: input.webhookSecret,
      LOG_LEVEL: "warn",
      PORT: String(input.port),
      HOST: "127.0.0.1",
      APP_URL: url,
      DATA_DIR: dataDir,
      APP_SECRET: `bench-app-secret-${process.pid}-0123456789abcdef`,
      REDIS_URL: "",
      SMTP_URL: "",
    },
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const pid = child.pid!;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {}
    }, 12_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilReady(url, child, 90_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- server log ---\n${tail(logFile)}`);
  }
  return {
    url,
    pid,
    logFile,
    stop: async () => {
      await stop();
      log.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Counts of lines at each pino level in the server's log (warn and above only, as LOG_LEVEL=warn). */
export function logLevels(file: string): Record<string, number> {
  const counts: Record<string, number> = {};
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return counts;
  }
  for (const line of text.split("\n")) {
    const match = /"level":(\d+)/.exec(line);
    if (!match) continue;
    const name = { "40": "warn", "50": "error", "60": "fatal" }[match[1]!] ?? `level${match[1]}`;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
