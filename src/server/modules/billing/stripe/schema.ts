// Stripe's side of billing: every webhook event as received (a platform log, keyed by Stripe's
// event id, so a re-delivery is stored and applied once), and the overage reported to Stripe as
// metered usage, one row per organization and billing period.
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { tenantPolicies } from "../../../db/roles.js";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const STRIPE_EVENT_OUTCOMES = ["applied", "ignored"] as const;
export type StripeEventOutcome = (typeof STRIPE_EVENT_OUTCOMES)[number];

/**
 * Stripe webhook events, stored raw before they are acknowledged, on the platform role only (the
 * tenant is found while processing). No organization_id: the customer id in the payload leads to it.
 */
export const stripeEvents = pgTable(
  "stripe_events",
  {
    /** Stripe's event id (evt_…): a re-delivered event conflicts here and is not processed again. */
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    /** The event's `created`, by Stripe's clock: orders events about one subscription. */
    stripeCreatedAt: timestamptz("stripe_created_at").notNull(),
    /** The subscription the event is about, if any (out-of-order checks read the latest applied one). */
    subscriptionId: text("subscription_id"),
    customerId: text("customer_id"),
    payload: jsonb("payload").notNull(),
    receivedAt: timestamptz("received_at").notNull().defaultNow(),
    processedAt: timestamptz("processed_at"),
    outcome: text("outcome", { enum: STRIPE_EVENT_OUTCOMES }),
    /** Why an event was ignored (unknown customer, deleted organization, stale, …). */
    detail: text("detail"),
  },
  (t) => [
    // Serves the out-of-order check: the newest applied event of a subscription.
    index("stripe_events_subscription_idx").on(t.subscriptionId, t.stripeCreatedAt),
  ],
);

/**
 * Overage of one ended billing period, reported to Stripe as Billing meter events. The primary key
 * makes the report once per organization and period; reported_at is set when Stripe accepted it.
 */
export const stripeOverageReports = pgTable(
  "stripe_overage_reports",
  {
    organizationId: text("organization_id").notNull(),
    periodStart: timestamptz("period_start").notNull(),
    periodEnd: timestamptz("period_end").notNull(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    overageCalls: integer("overage_calls"),
    /** Whole minutes, rounded up from the period's overage seconds. */
    overageMinutes: integer("overage_minutes"),
    reportedAt: timestamptz("reported_at"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.periodStart] }), ...tenantPolicies(t.organizationId)],
).enableRLS();
