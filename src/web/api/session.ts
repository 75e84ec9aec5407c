// The browser session: access token in memory only, refresh token in the httpOnly `sb_refresh` cookie.
// Refresh tokens rotate and a re-used one revokes the session, so refreshes share one in-flight promise.
import { toApiProblem } from "./problem";
import type { components } from "./schema";

export type SessionStatus = "restoring" | "signed-in" | "signed-out";
export type SessionSnapshot = { status: SessionStatus; accessToken: string | null };
type TokenPair = components["schemas"]["TokenPair"];

const REFRESH_PATH = "/api/v1/auth/refresh";
const REFRESH_LOCK_NAME = "switchboard-refresh";

let snapshot: SessionSnapshot = { status: "restoring", accessToken: null };
const listeners = new Set<() => void>();
let refreshInFlight: Promise<string | null> | null = null;
let restoring: Promise<void> | null = null;

function publish(next: SessionSnapshot) {
  snapshot = next;
  for (const listener of listeners) listener();
}

export function getSession(): SessionSnapshot {
  return snapshot;
}

export function subscribeToSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called with the tokens of a sign-up, sign-in or invitation acceptance. */
export function startSession(tokens: Pick<TokenPair, "accessToken">) {
  publish({ status: "signed-in", accessToken: tokens.accessToken });
}

export function endSession() {
  publish({ status: "signed-out", accessToken: null });
}

async function withRefreshLock<T>(work: () => Promise<T>): Promise<T> {
  // Two tabs share one cookie: without the lock, both could spend the same refresh token.
  if (typeof navigator !== "undefined" && navigator.locks) return navigator.locks.request(REFRESH_LOCK_NAME, work);
  return work();
}

async function postRefresh(): Promise<TokenPair> {
  const response = await fetch(REFRESH_PATH, {
    method: "POST",
    credentials: "same-origin",
  });
  const parsed: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw toApiProblem(parsed, response);
  return parsed as TokenPair;
}

/**
 * Exchanges the refresh cookie for a new access token. Concurrent callers share one request;
 * a refusal (401) ends the session. Resolves to the new token, or null when signed out.
 */
export function refreshSession(): Promise<string | null> {
  refreshInFlight ??= withRefreshLock(() => postRefresh())
    .then((tokens) => {
      startSession(tokens);
      return tokens.accessToken;
    })
    .catch((error: unknown) => {
      const problem = toApiProblem(error);
      // Offline is not signed out: keep what we have and let the view show the network error.
      if (problem.status === 0 && snapshot.status === "signed-in") throw problem;
      endSession();
      return null;
    })
    .finally(() => {
      refreshInFlight = null;
    });
  return refreshInFlight;
}

/** On page load: restore the session from the cookie, once. Later callers wait for the same attempt. */
export function restoreSession(): Promise<void> {
  restoring ??= refreshSession().then(
    () => undefined,
    () => {
      if (snapshot.status === "restoring") endSession();
    },
  );
  return restoring;
}
