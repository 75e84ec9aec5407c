// The calls a tool-call or transfer request refers to, remembered per process once their row was
// upserted: a call sends several tool calls, and its row's identity (our id, assistant, number,
// caller, test flag) does not change once those fields are filled, so later requests skip the
// upsert's transaction. An entry is used only when the message adds nothing the row lacked.
import type { AppContext } from "../../context.js";
import type { CallContext } from "../calls/call-context.js";

/** Longer than any call: an entry outliving its call is harmless, only memory. */
const CALL_CONTEXT_TTL_MS = 2 * 60 * 60 * 1000;
const CALL_CONTEXT_MAX_ENTRIES = 20_000;

type Entry = { call: CallContext; expiresAtMs: number };

// One cache per platform (tests run several in one process), not a module-level singleton.
const caches = new WeakMap<AppContext, Map<string, Entry>>();

function keyOf(organizationId: string, providerCallId: string, startedAt: Date): string {
  return `${organizationId}|${providerCallId}|${startedAt.getTime()}`;
}

export function cachedCallContext(
  ctx: AppContext,
  key: { organizationId: string; providerCallId: string; startedAt: Date },
  wanted: { assistantId: string | null; callerNumber: string | null },
): CallContext | null {
  const entry = caches.get(ctx)?.get(keyOf(key.organizationId, key.providerCallId, key.startedAt));
  if (!entry || entry.expiresAtMs < Date.now()) return null;
  // The upsert would fill a field the row still lacks: not served from memory then.
  if ((entry.call.assistantId === null && wanted.assistantId !== null) || (entry.call.callerNumber === null && wanted.callerNumber !== null)) return null;
  return entry.call;
}

export function rememberCallContext(ctx: AppContext, call: CallContext): void {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new Map();
    caches.set(ctx, cache);
  }
  if (cache.size >= CALL_CONTEXT_MAX_ENTRIES) cache.clear();
  cache.set(keyOf(call.organizationId, call.providerCallId, call.startedAt), { call, expiresAtMs: Date.now() + CALL_CONTEXT_TTL_MS });
}
