// Billing: one account per organization (its subscription and billing period), the usage ledger
// (one row per metered call — its primary key is what makes metering exactly-once), per-period
// totals and daily rollups, the usage alerts already sent, and invoices with their lines.
// Every table is a tenant table: organization_id leads every key (Citus-ready) and the tenant
// policies apply. Money is integer US cents; provider cost is USD with six decimals, as calls.cost_usd.
import { sql } from "drizzle-orm";
import { boolean, date, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { tenantPolicies } from "../../db/roles.js";
import { organizations } from "../organizations/schema.js";
import { plans } from "../plans/schema.js";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export type BillingAddress = {
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
};

/**
 * One row per organization, created with it (and backfilled by the migration). The billing mode
 * is platform-wide (Stripe keys configured or not); the Stripe columns stay null in manual mode.
 * current_period_* is the period usage is metered into: Stripe's subscription period when there is
 * one, otherwise monthly periods anchored at period_anchor_at in the organization's time zone.
 */
export const billingAccounts = pgTable(
  "billing_accounts",
  {
    organizationId: text("organization_id")
      .primaryKey()
      .references(() => organizations.id),
    /** Created by Stripe, one per organization. Looked up by the Stripe webhook (index below). */
    stripeCustomerId: text("stripe_customer_id"),
    stripeSubscriptionId: text("stripe_subscription_id"),
    /** Stripe's subscription status as last seen (active, trialing, past_due, canceled, …); null without a subscription. */
    subscriptionStatus: text("subscription_status"),
    /** Where monthly periods without a subscription are anchored (the day of month, at 00:00 in the organization's time zone). */
    periodAnchorAt: timestamptz("period_anchor_at").notNull().defaultNow(),
    currentPeriodStart: timestamptz("current_period_start").notNull(),
    currentPeriodEnd: timestamptz("current_period_end").notNull(),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    /** A plan change (a downgrade) that takes effect when the current period ends. */
    scheduledPlanId: text("scheduled_plan_id").references(() => plans.id),
    pastDueSince: timestamptz("past_due_since"),
    graceEndsAt: timestamptz("grace_ends_at"),
    /** Printed on receipts; falls back to the organization's name. */
    billingName: text("billing_name"),
    billingEmail: text("billing_email"),
    billingAddress: jsonb("billing_address").$type<BillingAddress>().notNull().default({}),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    // Serves the Stripe webhook's tenant look-up. Not a unique index: a unique key on a tenant
    // table must include organization_id (Citus); Stripe issues each customer id once.
    index("billing_accounts_stripe_customer_idx").on(t.stripeCustomerId),
    // Serves the period-close job: accounts whose period has ended.
    index("billing_accounts_period_end_idx").on(t.currentPeriodEnd),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();

/**
 * The usage ledger: one row per metered call. Its primary key (organization_id, call_id) makes
 * metering exactly-once under duplicate, concurrent or reordered delivery and across instances:
 * only the transaction whose INSERT … ON CONFLICT DO NOTHING inserted the row adds to the totals.
 */
export const usageRecords = pgTable(
  "usage_records",
  {
    organizationId: text("organization_id").notNull(),
    callId: text("call_id").notNull(),
    callStartedAt: timestamptz("call_started_at").notNull(),
    /** The billing period the call was metered into (usage_periods.period_start). */
    periodStart: timestamptz("period_start").notNull(),
    /** The call's day in the organization's time zone (the daily rollups' key). */
    day: date("day", { mode: "string" }).notNull(),
    assistantId: text("assistant_id"),
    planId: text("plan_id").notNull(),
    /** The call's duration as reported. */
    billableSeconds: integer("billable_seconds").notNull(),
    /** billable_seconds rounded as the plan says (per call, up to whole minutes by default). */
    billedSeconds: integer("billed_seconds").notNull(),
    /** Usage beyond the plan's limits in this period, counted when the call was metered. */
    overageCalls: integer("overage_calls").notNull().default(0),
    overageSeconds: integer("overage_seconds").notNull().default(0),
    /** What the voice provider charges the platform for the call. */
    providerCostUsd: numeric("provider_cost_usd", { precision: 12, scale: 6 }).notNull().default("0"),
    meteredAt: timestamptz("metered_at").notNull().defaultNow(),
    /** Set once the overage of this call was reported to Stripe as metered usage. */
    overageReportedAt: timestamptz("overage_reported_at"),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.callId] }),
    index("usage_records_period_idx").on(t.organizationId, t.periodStart),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();

/**
 * Per-period totals, updated in the metering transaction: reading the current period's usage is one
 * primary-key lookup. closed_at is set by the period-close job.
 */
export const usagePeriods = pgTable(
  "usage_periods",
  {
    organizationId: text("organization_id").notNull(),
    periodStart: timestamptz("period_start").notNull(),
    periodEnd: timestamptz("period_end").notNull(),
    calls: integer("calls").notNull().default(0),
    billableSeconds: integer("billable_seconds").notNull().default(0),
    billedSeconds: integer("billed_seconds").notNull().default(0),
    overageCalls: integer("overage_calls").notNull().default(0),
    overageSeconds: integer("overage_seconds").notNull().default(0),
    providerCostUsd: numeric("provider_cost_usd", { precision: 14, scale: 6 }).notNull().default("0"),
    closedAt: timestamptz("closed_at"),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.periodStart] }), ...tenantPolicies(t.organizationId)],
).enableRLS();

/** Daily rollup per organization, by the call's day in the organization's time zone. */
export const usageDaily = pgTable(
  "usage_daily",
  {
    organizationId: text("organization_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    calls: integer("calls").notNull().default(0),
    billableSeconds: integer("billable_seconds").notNull().default(0),
    billedSeconds: integer("billed_seconds").notNull().default(0),
    providerCostUsd: numeric("provider_cost_usd", { precision: 14, scale: 6 }).notNull().default("0"),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.day] }), ...tenantPolicies(t.organizationId)],
).enableRLS();

/** Daily rollup per assistant; calls without an assistant (fallbacks) are under assistant_id ''. */
export const usageDailyAssistants = pgTable(
  "usage_daily_assistants",
  {
    organizationId: text("organization_id").notNull(),
    assistantId: text("assistant_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    calls: integer("calls").notNull().default(0),
    billableSeconds: integer("billable_seconds").notNull().default(0),
    billedSeconds: integer("billed_seconds").notNull().default(0),
    providerCostUsd: numeric("provider_cost_usd", { precision: 14, scale: 6 }).notNull().default("0"),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.assistantId, t.day] }), ...tenantPolicies(t.organizationId)],
).enableRLS();

export const USAGE_METRICS = ["calls", "minutes"] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];
export const USAGE_ALERT_THRESHOLDS = [80, 100] as const;

/** Threshold alerts sent: the primary key lets each (period, metric, threshold) alert go out once. */
export const usageAlerts = pgTable(
  "usage_alerts",
  {
    organizationId: text("organization_id").notNull(),
    periodStart: timestamptz("period_start").notNull(),
    metric: text("metric", { enum: USAGE_METRICS }).notNull(),
    /** Percent of the limit: 80 or 100. */
    threshold: integer("threshold").notNull(),
    /** Usage and limit when the threshold was crossed (minutes for the minutes metric). */
    used: numeric("used", { precision: 14, scale: 2 }).notNull(),
    limit: integer("limit").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.periodStart, t.metric, t.threshold] }), ...tenantPolicies(t.organizationId)],
).enableRLS();

export const INVOICE_STATUSES = ["open", "paid", "void"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export type InvoiceBillTo = { name: string; email: string | null; address: BillingAddress };

/**
 * Invoices: issued by the platform in manual billing mode (source 'manual', one per organization
 * and period), or mirrored from Stripe (source 'stripe', keyed by stripe_invoice_id). Numbers come
 * from the platform-wide sequence invoice_number_seq (SB-<year>-<000123>).
 */
export const invoices = pgTable(
  "invoices",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    id: text("id").notNull(),
    number: text("number").notNull(),
    source: text("source", { enum: ["manual", "stripe"] }).notNull(),
    status: text("status", { enum: INVOICE_STATUSES }).notNull().default("open"),
    periodStart: timestamptz("period_start").notNull(),
    periodEnd: timestamptz("period_end").notNull(),
    planId: text("plan_id").references(() => plans.id),
    currency: text("currency").notNull().default("usd"),
    subtotalCents: integer("subtotal_cents").notNull(),
    taxCents: integer("tax_cents").notNull().default(0),
    totalCents: integer("total_cents").notNull(),
    /** Who the receipt is made out to, as it was when issued. */
    billTo: jsonb("bill_to").$type<InvoiceBillTo>().notNull(),
    issuedAt: timestamptz("issued_at").notNull(),
    paidAt: timestamptz("paid_at"),
    voidedAt: timestamptz("voided_at"),
    stripeInvoiceId: text("stripe_invoice_id"),
    /** Stripe's hosted invoice page and PDF, for mirrored invoices. */
    hostedInvoiceUrl: text("hosted_invoice_url"),
    invoicePdfUrl: text("invoice_pdf_url"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    // The platform issues at most one invoice per organization and period.
    uniqueIndex("invoices_manual_period_key").on(t.organizationId, t.periodStart).where(sql`${t.source} = 'manual'`),
    uniqueIndex("invoices_stripe_invoice_key").on(t.organizationId, t.stripeInvoiceId),
    // Numbers are unique by the sequence; this key also serves look-ups by number.
    uniqueIndex("invoices_number_key").on(t.organizationId, t.number),
    // Serves the invoices list (newest first).
    index("invoices_org_issued_idx").on(t.organizationId, t.issuedAt, t.id),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();

export const INVOICE_LINE_KINDS = ["plan", "overage"] as const;

export const invoiceLines = pgTable(
  "invoice_lines",
  {
    organizationId: text("organization_id").notNull(),
    invoiceId: text("invoice_id").notNull(),
    position: integer("position").notNull(),
    kind: text("kind", { enum: INVOICE_LINE_KINDS }).notNull(),
    description: text("description").notNull(),
    quantity: integer("quantity").notNull(),
    unitCents: integer("unit_cents").notNull(),
    amountCents: integer("amount_cents").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.invoiceId, t.position] }),
    foreignKey({ columns: [t.organizationId, t.invoiceId], foreignColumns: [invoices.organizationId, invoices.id] }).onDelete("cascade"),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();
