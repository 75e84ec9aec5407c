// Rendered assistants for assistant-request, cached per process: a prompt depends only on its inputs
// and on "now" to the minute (local time, open or closed), so every call of the same minute to the
// same assistant version gets the same rendering without running the renderer again.
import type { AppContext } from "../../context.js";
import { type RenderedAssistant, type RenderInput, renderAssistant } from "../assistants/render-prompt.js";

const RENDER_CACHE_MAX_ENTRIES = 2_000;
const MINUTE_MS = 60_000;

// One cache per platform (tests run several in one process), not a module-level singleton.
const caches = new WeakMap<AppContext, Map<string, RenderedAssistant>>();

/** renderAssistant(input), reused for identical inputs within the same minute. */
export function renderAssistantCached(ctx: AppContext, input: RenderInput): RenderedAssistant {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new Map();
    caches.set(ctx, cache);
  }
  const { now, ...rest } = input;
  // The inputs themselves are the key (not an updated_at that a direct database edit may not move).
  const key = `${Math.floor(now.getTime() / MINUTE_MS)}|${JSON.stringify(rest)}`;
  let rendered = cache.get(key);
  if (!rendered) {
    rendered = renderAssistant(input);
    // Keys of past minutes are never asked again: dropping everything at the cap is enough.
    if (cache.size >= RENDER_CACHE_MAX_ENTRIES) cache.clear();
    cache.set(key, rendered);
  }
  return rendered;
}
