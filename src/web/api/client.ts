// The typed API client (openapi-fetch over the generated schema.d.ts). It sends the in-memory
// access token, and when the API answers 401 TOKEN_EXPIRED it refreshes once and retries.
import createClient from "openapi-fetch";
import { toApiProblem } from "./problem";
import type { paths } from "./schema";
import { endSession, getSession, refreshSession } from "./session";

function withBearer(request: Request, token: string | null): Request {
  if (!token) return request;
  const authorized = new Request(request);
  authorized.headers.set("authorization", `Bearer ${token}`);
  return authorized;
}

async function problemCode(response: Response): Promise<string | undefined> {
  if (response.status !== 401) return undefined;
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  return typeof body === "object" && body !== null && "code" in body ? String(body.code) : undefined;
}

/** fetch() with the session's bearer token and one refresh on TOKEN_EXPIRED; also for streamed bodies the typed client cannot read. */
export async function authorizedFetch(request: Request): Promise<Response> {
  // An explicit Authorization header (e.g. accepting an invitation right after signing in) wins.
  if (request.headers.has("authorization")) return fetch(request);
  const token = getSession().accessToken;
  const retry = token ? request.clone() : null;
  const response = await fetch(withBearer(request, token));
  if (!retry) return response;
  const code = await problemCode(response);
  if (code === "TOKEN_EXPIRED") {
    const fresh = await refreshSession();
    return fresh ? fetch(withBearer(retry, fresh)) : response;
  }
  // The session was revoked elsewhere (signed out everywhere, password changed): we are signed out.
  if (code === "TOKEN_INVALID") endSession();
  return response;
}

export const api = createClient<paths>({ baseUrl: "", fetch: authorizedFetch, credentials: "same-origin" });

type FetchResult<T> = { data?: T; error?: unknown; response: Response };

/** Awaits an openapi-fetch call and returns its data, or throws an ApiProblem (for TanStack Query). */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (error) {
    throw toApiProblem(error);
  }
  if (!result.response.ok) throw toApiProblem(result.error, result.response);
  return result.data as T;
}
