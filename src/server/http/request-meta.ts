// Who is calling from where: the client IP (from X-Forwarded-For, as appended by one trusted proxy, only when TRUST_PROXY is set)
// and user agent, recorded on sessions and audit rows.
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import type { AppEnv } from "./env.js";

export type RequestMeta = { ip: string; userAgent: string | null };

export function clientIp(c: Context<AppEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    // The last entry is the one our own proxy appended; earlier entries are whatever the client sent.
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // in-process requests (app.request) have no socket
  }
}

export function requestMeta(c: Context<AppEnv>): RequestMeta {
  return { ip: c.get("clientIp"), userAgent: c.req.header("user-agent")?.slice(0, 512) ?? null };
}
