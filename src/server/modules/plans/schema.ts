// The plans catalog: a platform reference table (no tenant), edited by super admins.
// A null limit means unlimited.
import { integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const plans = pgTable("plans", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  priceCents: integer("price_cents"),
  callsPerMonth: integer("calls_per_month"),
  minutesPerMonth: integer("minutes_per_month"),
  concurrentCalls: integer("concurrent_calls"),
  assistants: integer("assistants"),
  phoneNumbers: integer("phone_numbers"),
  seats: integer("seats"),
  features: jsonb("features").$type<string[]>().notNull().default([]),
  stripePriceId: text("stripe_price_id"),
  sortOrder: integer("sort_order").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
