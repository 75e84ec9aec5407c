// Calls on the client: list/detail/stats queries, the CSV download, and the live event stream
// (EventSource with a one-minute stream token) that refreshes every calls query on each event.
import { keepPreviousData, queryOptions, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, unwrap } from "./client";
import { toApiProblem } from "./problem";
import type { components, paths } from "./schema";
import { getSession } from "./session";

export type CallListItem = components["schemas"]["CallListItem"];
export type CallDetail = components["schemas"]["CallDetail"];
export type CallStats = components["schemas"]["CallStats"];
export type CallStatus = components["schemas"]["CallStatus"];
export type CallFilters = Omit<NonNullable<paths["/api/v1/orgs/{orgId}/calls"]["get"]["parameters"]["query"]>, "cursor" | "limit">;

export const callKeys = {
  all: (orgId: string) => ["calls", orgId] as const,
  list: (orgId: string, filters: CallFilters, cursor: string | undefined) => ["calls", orgId, "list", filters, cursor ?? null] as const,
  detail: (orgId: string, callId: string) => ["calls", orgId, "detail", callId] as const,
  stats: (orgId: string) => ["calls", orgId, "stats"] as const,
  active: (orgId: string) => ["calls", orgId, "active"] as const,
};

export const CALLS_PAGE_SIZE = 25;

export const callsQuery = (orgId: string, filters: CallFilters, cursor?: string) =>
  queryOptions({
    queryKey: callKeys.list(orgId, filters, cursor),
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}/calls", { params: { path: { orgId }, query: { ...filters, cursor, limit: CALLS_PAGE_SIZE } } })),
    placeholderData: keepPreviousData,
  });

export const callQuery = (orgId: string, callId: string) =>
  queryOptions({
    queryKey: callKeys.detail(orgId, callId),
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}/calls/{callId}", { params: { path: { orgId, callId } } })),
  });

export const callStatsQuery = (orgId: string) =>
  queryOptions({ queryKey: callKeys.stats(orgId), queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}/calls/stats", { params: { path: { orgId } } })) });

/** Calls not ended yet: the live panel's list (one page is plenty: plans cap concurrent calls). */
export const activeCallsQuery = (orgId: string) =>
  queryOptions({
    queryKey: callKeys.active(orgId),
    queryFn: async () => {
      const since = new Date(Date.now() - 12 * 3600 * 1000).toISOString();
      const page = await unwrap(api.GET("/api/v1/orgs/{orgId}/calls", { params: { path: { orgId }, query: { from: since, limit: 100 } } }));
      return page.items.filter((call) => call.status !== "ended");
    },
  });

export const plansQuery = () =>
  queryOptions({ queryKey: ["plans"], queryFn: async () => (await unwrap(api.GET("/api/v1/plans"))).items, staleTime: 10 * 60 * 1000 });

/** Downloads the export through the authorized client (a plain link could not send the bearer token). */
export async function downloadCallsCsv(orgId: string, filters: CallFilters): Promise<void> {
  const { data, error, response } = await api.GET("/api/v1/orgs/{orgId}/calls/export.csv", {
    params: { path: { orgId }, query: filters },
    parseAs: "blob",
  });
  if (!response.ok || !data) throw toApiProblem(error, response);
  const disposition = response.headers.get("content-disposition") ?? "";
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? "calls.csv";
  const url = URL.createObjectURL(data as Blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export type LiveState = "connecting" | "live" | "offline";

/**
 * Subscribes to the organization's call events while mounted: every event (and every reconnect,
 * since missed events are not replayed) invalidates the calls and inbox queries, so lists, stats,
 * the live panel and the inbox refetch without a reload. A closed stream reconnects with a fresh token.
 */
export function useCallEvents(orgId: string): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let failures = 0;
    // Calls create inbox items (messages, bookings, orders) as they go: refresh those views too.
    const refresh = () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: callKeys.all(orgId) }), queryClient.invalidateQueries({ queryKey: ["inbox", orgId] })]);

    const connect = async () => {
      if (stopped) return;
      try {
        if (!getSession().accessToken) throw new Error("signed out");
        const { token } = await unwrap(api.POST("/api/v1/orgs/{orgId}/calls/stream-token", { params: { path: { orgId } } }));
        if (stopped) return;
        source = new EventSource(`/api/v1/orgs/${encodeURIComponent(orgId)}/calls/stream?token=${encodeURIComponent(token)}`);
        source.addEventListener("ready", () => {
          failures = 0;
          setState("live");
          void refresh();
        });
        for (const type of ["call.started", "call.updated", "call.ended"]) source.addEventListener(type, () => void refresh());
        source.onerror = () => {
          // EventSource retries by itself with the same URL, whose token has expired by then: start over.
          source?.close();
          source = null;
          setState("offline");
          scheduleReconnect();
        };
      } catch {
        setState("offline");
        scheduleReconnect();
      }
    };
    const scheduleReconnect = () => {
      if (stopped) return;
      failures++;
      retryTimer = setTimeout(connect, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)));
    };

    void connect();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      source?.close();
    };
  }, [orgId, queryClient]);

  return state;
}
