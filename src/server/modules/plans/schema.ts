// The plans catalog: a platform reference table (no tenant), edited by super admins.
// A null limit means unlimited. Money is integer US cents.
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
  /** Each call's duration is rounded up to a multiple of this many seconds (60 = whole minutes per call). */
  billingIncrementSeconds: integer("billing_increment_seconds").notNull().default(60),
  /** Prices of usage beyond the monthly limits, in US cents; a plan with neither stops at its limits. */
  overageCallCents: integer("overage_call_cents"),
  overageMinuteCents: integer("overage_minute_cents"),
  /** Stripe metered prices the overage is reported against. */
  stripeOverageCallPriceId: text("stripe_overage_call_price_id"),
  stripeOverageMinutePriceId: text("stripe_overage_minute_price_id"),
  sortOrder: integer("sort_order").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
