// Serves the built React app (dist/web) with its Content-Security-Policy; any path that is not
// a file gets index.html so the client-side router can take it.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";
import type { AppEnv } from "./env.js";

export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  // Call recordings play straight from the voice vendor's storage (any https origin; media cannot run script).
  "media-src 'self' blob: https:",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join("; ");

export function mountWebApp(app: Hono<AppEnv>, webRoot: string) {
  const indexFile = path.join(webRoot, "index.html");
  const built = existsSync(indexFile);
  const indexHtml = built
    ? readFileSync(indexFile, "utf8")
    : "<!doctype html><title>Switchboard</title><p>The web app is not built. Run <code>npm run build:web</code>.</p>";
  app.use("/assets/*", serveStatic({ root: path.relative(process.cwd(), webRoot) || "." }));
  app.use("/assets/*", async (c, next) => {
    await next();
    if (c.res.status === 200) c.header("cache-control", "public, max-age=31536000, immutable");
  });
  app.get("*", (c) => {
    c.header("content-security-policy", WEB_CONTENT_SECURITY_POLICY);
    c.header("cache-control", "no-cache");
    return c.html(indexHtml);
  });
}
