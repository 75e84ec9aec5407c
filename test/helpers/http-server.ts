// Serves a whole test platform over real HTTP on a free port, with the built web app, so a browser
// can drive it and emailed links (APP_URL) point back at it.
import type { Server } from "node:http";
import { createServer } from "node:net";
import path from "node:path";
import { serve } from "@hono/node-server";
import { startTestPlatform, type TestPlatform } from "./platform.js";

export const BUILT_WEB_ROOT = path.resolve("dist/web");

export type TestHttpServer = TestPlatform & { url: string };

/** A port the OS says is free right now (another process could still take it before we listen). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function listen(platform: TestPlatform, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: platform.platform.app.fetch, port, hostname: "127.0.0.1" }) as Server;
    server.once("listening", () => resolve(server));
    server.once("error", reject);
  });
}

export async function startTestHttpServer(options: { env?: Record<string, string>; webRoot?: string } = {}): Promise<TestHttpServer> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const platform = await startTestPlatform({ env: { APP_URL: url, ...options.env }, webRoot: options.webRoot ?? BUILT_WEB_ROOT });
  let server: Server;
  try {
    server = await listen(platform, port);
  } catch (error) {
    await platform.stop();
    throw error;
  }
  return {
    ...platform,
    url,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await platform.stop();
    },
  };
}
