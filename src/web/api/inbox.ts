// The inbox on the client: what callers left (messages, callbacks, appointments, orders, driver
// call-outs), one item with its appointment, the status workflow, assignees and notes.
import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components, paths } from "./schema";

export type InboxItem = components["schemas"]["InboxItem"];
export type InboxItemDetail = paths["/api/v1/orgs/{orgId}/inbox/{itemId}"]["get"]["responses"][200]["content"]["application/json"];
export type InboxKind = InboxItem["kind"];
export type InboxStatus = InboxItem["status"];
export type InboxFilters = { kind?: InboxKind; status?: InboxStatus; assignee?: string; q?: string };

export const INBOX_KINDS: InboxKind[] = ["message", "callback", "appointment", "order", "driver_callout"];
export const INBOX_STATUSES: InboxStatus[] = ["new", "in_progress", "done", "cancelled"];

export const KIND_LABELS: Record<InboxKind, string> = {
  message: "Message",
  callback: "Callback",
  appointment: "Appointment",
  order: "Order",
  driver_callout: "Driver call-out",
};

export const STATUS_LABELS: Record<InboxStatus, string> = { new: "New", in_progress: "In progress", done: "Done", cancelled: "Cancelled" };

/** Where each status may go next (the server enforces the same rules). */
export const STATUS_TRANSITIONS: Record<InboxStatus, readonly InboxStatus[]> = {
  new: ["in_progress", "done", "cancelled"],
  in_progress: ["new", "done", "cancelled"],
  done: ["in_progress"],
  cancelled: ["new"],
};

export const inboxKeys = {
  all: (orgId: string) => ["inbox", orgId] as const,
  list: (orgId: string, filters: InboxFilters, cursor: string | undefined) => ["inbox", orgId, "list", filters, cursor ?? null] as const,
  item: (orgId: string, itemId: string) => ["inbox", orgId, "item", itemId] as const,
};

export const INBOX_PAGE_SIZE = 25;

export const inboxQuery = (orgId: string, filters: InboxFilters, cursor?: string) =>
  queryOptions({
    queryKey: inboxKeys.list(orgId, filters, cursor),
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}/inbox", { params: { path: { orgId }, query: { ...filters, cursor, limit: INBOX_PAGE_SIZE } } })),
    placeholderData: keepPreviousData,
  });

export const inboxItemQuery = (orgId: string, itemId: string) =>
  queryOptions({
    queryKey: inboxKeys.item(orgId, itemId),
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}/inbox/{itemId}", { params: { path: { orgId, itemId } } })),
  });

export const updateInboxItem = (orgId: string, itemId: string, body: { status?: InboxStatus; assigneeUserId?: string | null }) =>
  unwrap(api.PATCH("/api/v1/orgs/{orgId}/inbox/{itemId}", { params: { path: { orgId, itemId } }, body }));

export const addInboxNote = (orgId: string, itemId: string, text: string) =>
  unwrap(api.POST("/api/v1/orgs/{orgId}/inbox/{itemId}/notes", { params: { path: { orgId, itemId } }, body: { text } }));
