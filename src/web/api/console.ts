// The test console on the client: test sessions (start, read, end) and one caller turn, whose
// reply the API streams as newline-delimited JSON engine events. EventSource cannot POST, so the
// turn is a fetch whose body is read line by line as it arrives.
import { queryOptions } from "@tanstack/react-query";
import type { EngineEvent } from "../../server/modules/conversation/engine";
import { api, authorizedFetch, unwrap } from "./client";
import { ApiProblem, toApiProblem } from "./problem";
import type { components } from "./schema";

export type { EngineEvent } from "../../server/modules/conversation/engine";

/** One entry of a session's transcript: a line said (text), or a tool call with its outcome. */
export type TestSessionEntry = components["schemas"]["TestSessionEntry"];
export type TestSession = components["schemas"]["TestSession"];

/** The last line of a turn: what the assistant said, whether it ended the call, and the session after it. */
export type TurnDone = { type: "done"; text: string; endCall?: boolean; session?: TestSession };
export type TurnEvent = EngineEvent | TurnDone;

export const consoleKeys = {
  session: (orgId: string, sessionId: string) => ["organizations", orgId, "test-sessions", sessionId] as const,
};

const orgPath = (orgId: string) => `/api/v1/orgs/${encodeURIComponent(orgId)}`;
const sessionPath = (orgId: string, sessionId: string) => `${orgPath(orgId)}/test-sessions/${encodeURIComponent(sessionId)}`;

async function send(path: string, init: { method: string; body?: unknown; signal?: AbortSignal; accept?: string }): Promise<Response> {
  const headers: Record<string, string> = { accept: init.accept ?? "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(path, {
    method: init.method,
    headers,
    credentials: "same-origin",
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  let response: Response;
  try {
    response = await authorizedFetch(request);
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw toApiProblem(error);
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    throw toApiProblem(body, response);
  }
  return response;
}

export const testSessionQuery = (orgId: string, sessionId: string) =>
  queryOptions({
    queryKey: consoleKeys.session(orgId, sessionId),
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}/test-sessions/{sessionId}", { params: { path: { orgId, sessionId } } })),
    // The console owns the conversation while it is open; a refetch would only reorder what it shows.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });

export function startTestSession(orgId: string, assistantId: string): Promise<TestSession> {
  return unwrap(api.POST("/api/v1/orgs/{orgId}/assistants/{assistantId}/test-sessions", { params: { path: { orgId, assistantId } } }));
}

export function endTestSession(orgId: string, sessionId: string): Promise<TestSession> {
  return unwrap(api.POST("/api/v1/orgs/{orgId}/test-sessions/{sessionId}/end", { params: { path: { orgId, sessionId } } }));
}

function parseLine(line: string): TurnEvent | null {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === "object" && parsed !== null && "type" in parsed ? (parsed as TurnEvent) : null;
  } catch {
    return null;
  }
}

const cutOff = () =>
  new ApiProblem({
    type: "about:blank",
    title: "Reply cut off",
    status: 0,
    code: "STREAM_CUT_OFF",
    detail: "The reply stopped before it was complete. Check your connection and send the line again.",
  });

/**
 * Sends the caller's line and reports each engine event as it arrives; resolves with the turn's
 * `done` line. Refusals (400, 404, 409…) reject with the API's problem before any event.
 */
export async function sendCallerLine(
  orgId: string,
  sessionId: string,
  text: string,
  onEvent: (event: EngineEvent) => void,
  signal?: AbortSignal,
): Promise<TurnDone> {
  const response = await send(`${sessionPath(orgId, sessionId)}/messages`, { method: "POST", body: { text }, accept: "application/x-ndjson", signal });
  if (!response.body) throw cutOff();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let done: TurnDone | null = null;
  const handle = (line: string) => {
    const event = line.trim() === "" ? null : parseLine(line);
    if (!event) return;
    if (event.type === "done") done = event;
    else onEvent(event);
  };
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      buffer += chunk.value;
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        handle(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
      }
    }
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw cutOff();
  }
  handle(buffer);
  if (!done) throw cutOff();
  return done;
}
