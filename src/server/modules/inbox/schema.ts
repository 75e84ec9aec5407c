// The inbox (what calls leave for the team: messages, callback requests, appointments, orders),
// appointments with no double booking, and contacts (callers remembered by number).
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { tenantPolicies } from "../../db/roles.js";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const INBOX_KINDS = ["message", "callback", "appointment", "order", "driver_callout"] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];
export const INBOX_STATUSES = ["new", "in_progress", "done", "cancelled"] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export type InboxNote = { id: string; authorUserId: string; text: string; createdAt: string };

export const inboxItems = pgTable(
  "inbox_items",
  {
    organizationId: text("organization_id").notNull(),
    id: text("id").notNull(),
    kind: text("kind", { enum: INBOX_KINDS }).notNull(),
    status: text("status", { enum: INBOX_STATUSES }).notNull().default("new"),
    title: text("title").notNull(),
    /** The kind's fields (message text, callback time, order lines and total…). */
    details: jsonb("details").$type<Record<string, unknown>>().notNull(),
    callId: text("call_id"),
    assistantId: text("assistant_id"),
    contactId: text("contact_id"),
    callerName: text("caller_name"),
    callerNumber: text("caller_number"),
    assigneeUserId: text("assignee_user_id"),
    notes: jsonb("notes").$type<InboxNote[]>().notNull().default([]),
    dueAt: timestamptz("due_at"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    // Serves the inbox list filtered by status/kind, newest first.
    index("inbox_items_org_status_created_idx").on(t.organizationId, t.status, t.createdAt),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();

/** No two live appointments of one assistant and provider overlap (exclusion constraint in the migration). */
export const appointments = pgTable(
  "appointments",
  {
    organizationId: text("organization_id").notNull(),
    id: text("id").notNull(),
    assistantId: text("assistant_id").notNull(),
    /** The staff member booked, or "" when the business books without one. */
    provider: text("provider").notNull().default(""),
    service: text("service").notNull(),
    startsAt: timestamptz("starts_at").notNull(),
    endsAt: timestamptz("ends_at").notNull(),
    status: text("status", { enum: ["booked", "cancelled"] })
      .notNull()
      .default("booked"),
    callerName: text("caller_name"),
    callerNumber: text("caller_number"),
    notes: text("notes"),
    callId: text("call_id"),
    inboxItemId: text("inbox_item_id"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    index("appointments_org_starts_idx").on(t.organizationId, t.startsAt),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();

export const contacts = pgTable(
  "contacts",
  {
    organizationId: text("organization_id").notNull(),
    id: text("id").notNull(),
    /** E.164. */
    phone: text("phone").notNull(),
    name: text("name"),
    notes: text("notes"),
    callCount: integer("call_count").notNull().default(0),
    firstSeenAt: timestamptz("first_seen_at").notNull().defaultNow(),
    lastSeenAt: timestamptz("last_seen_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    uniqueIndex("contacts_org_phone_key").on(t.organizationId, t.phone),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();
