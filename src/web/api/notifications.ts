// Notification settings on the client: which events email and text whom, and quiet hours.
import { queryOptions } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

export type NotificationSettings = components["schemas"]["NotificationSettings"];
export type NotificationSettingsInput = components["schemas"]["NotificationSettingsInput"];
export type NotificationEvent = NotificationSettings["email"]["events"][number];

export const NOTIFICATION_EVENTS: { value: NotificationEvent; label: string; description: string }[] = [
  { value: "message", label: "Messages", description: "A caller left a message" },
  { value: "callback", label: "Callback requests", description: "A caller asked to be called back" },
  { value: "appointment_booked", label: "Appointments booked", description: "" },
  { value: "appointment_cancelled", label: "Appointments cancelled", description: "" },
  { value: "order", label: "Orders", description: "" },
  { value: "driver_callout", label: "Driver call-outs", description: "A driver called in sick or late" },
  { value: "urgent_escalation", label: "Urgent escalations", description: "A caller could not be put through and needs a call back now" },
];

/** Limits the server enforces too (MAX_NOTIFICATION_EMAILS, MAX_NOTIFICATION_SMS_NUMBERS). */
export const MAX_NOTIFICATION_EMAILS = 10;
export const MAX_NOTIFICATION_SMS_NUMBERS = 5;

export const notificationSettingsKey = (orgId: string) => ["organizations", orgId, "notification-settings"] as const;

export const notificationSettingsQuery = (orgId: string) =>
  queryOptions({
    queryKey: notificationSettingsKey(orgId),
    queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}/notification-settings", { params: { path: { orgId } } })),
  });

export function saveNotificationSettings(orgId: string, body: NotificationSettingsInput) {
  return unwrap(api.PUT("/api/v1/orgs/{orgId}/notification-settings", { params: { path: { orgId } }, body }));
}
