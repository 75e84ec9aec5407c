// Per-organization notification preferences: which events notify on which channel (email, SMS),
// who receives them, and quiet hours. One row per organization; no row means the defaults
// (DEFAULT_NOTIFICATION_SETTINGS in settings.ts).
import { boolean, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { tenantPolicies } from "../../db/roles.js";
import { organizations } from "../organizations/schema.js";

export const NOTIFICATION_EVENTS = [
  "message",
  "callback",
  "appointment_booked",
  "appointment_cancelled",
  "order",
  "driver_callout",
  "urgent_escalation",
] as const;
export type NotificationEventName = (typeof NOTIFICATION_EVENTS)[number];

/** Local wall-clock times in the organization's time zone; a period belongs to the day it starts on (0 = Sunday). */
export type QuietHours = { start: string; end: string; days: (0 | 1 | 2 | 3 | 4 | 5 | 6)[] };

export const notificationSettings = pgTable(
  "notification_settings",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    emailEvents: jsonb("email_events").$type<NotificationEventName[]>().notNull(),
    /** Email the organization's owners (whoever they are when the event happens). */
    emailOwners: boolean("email_owners").notNull(),
    emailAddresses: jsonb("email_addresses").$type<string[]>().notNull(),
    smsEvents: jsonb("sms_events").$type<NotificationEventName[]>().notNull(),
    /** E.164 numbers. */
    smsNumbers: jsonb("sms_numbers").$type<string[]>().notNull(),
    /** Null: no quiet hours. */
    quietHours: jsonb("quiet_hours").$type<QuietHours>(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedBy: text("updated_by"),
  },
  (t) => [primaryKey({ columns: [t.organizationId] }), ...tenantPolicies(t.organizationId)],
).enableRLS();
