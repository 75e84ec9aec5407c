// Composition root: config → platform (database, migrations, jobs) → HTTP server → graceful shutdown.
import http from "node:http";
import { serve } from "@hono/node-server";
import { ConfigError, loadConfig } from "./config.js";
import { startPlatform } from "./platform.js";

const SHUTDOWN_GRACE_MS = 10_000;
/**
 * Vapi and load balancers keep a connection open between a call's messages. A server closing an
 * idle connection just as the client reuses it resets that request, so ours outwait theirs.
 */
const HTTP_KEEP_ALIVE_TIMEOUT_MS = 65_000;

async function main() {
  const config = loadConfig();
  const platform = await startPlatform({ config });
  const { logger } = platform.ctx;
  const server = serve({ fetch: platform.app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info({ url: config.appUrl, port: info.port }, `Switchboard is listening on ${config.appUrl}`);
  });
  if (server instanceof http.Server) {
    server.keepAliveTimeout = HTTP_KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = HTTP_KEEP_ALIVE_TIMEOUT_MS + 1_000;
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    const forced = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    // Open event streams would hold server.close() until the grace period ends; their clients reconnect elsewhere.
    platform.ctx.callEvents.closeStreams();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await platform.stop();
    clearTimeout(forced);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
