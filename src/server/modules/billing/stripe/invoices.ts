// Stripe invoices mirrored into the invoices table (source 'stripe', keyed by stripe_invoice_id),
// so the billing page lists them beside the platform's own, and paid/failed payments move the
// organization between active, past_due and back.
import { and, eq, gt, ne, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { AppContext } from "../../../context.js";
import type { Db } from "../../../db/client.js";
import { newId } from "../../../db/ids.js";
import { plans } from "../../plans/schema.js";
import { invoiceLines, invoices } from "../schema.js";
import { type ApplyOutcome, type BillingState, idOf, lockBillingState, writeBillingChange } from "./subscription-state.js";

const fromUnix = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);

/** The subscription an invoice bills (its parent since API 2025-03-31; `subscription` before). */
export function subscriptionOfInvoice(invoice: Stripe.Invoice): string | null {
  const parent = idOf(invoice.parent?.subscription_details?.subscription ?? null);
  if (parent) return parent;
  const legacy = (invoice as unknown as { subscription?: string | { id: string } | null }).subscription;
  return idOf(legacy ?? null);
}

function priceOfLine(line: Stripe.InvoiceLineItem): string | null {
  const price = line.pricing?.price_details?.price;
  if (price) return typeof price === "string" ? price : price.id;
  const legacy = (line as unknown as { price?: { id: string } | null }).price;
  return legacy?.id ?? null;
}

/** Inserts or updates the mirror of a Stripe invoice; returns its status before this update (null if new). */
async function mirrorInvoice(ctx: AppContext, tx: Db, state: BillingState, invoice: Stripe.Invoice, status: "open" | "paid") {
  const organizationId = state.account.organizationId;
  const [existing] = await tx
    .select({ id: invoices.id, status: invoices.status })
    .from(invoices)
    .where(and(eq(invoices.organizationId, organizationId), eq(invoices.stripeInvoiceId, invoice.id)));
  const now = ctx.clock.now();
  const paidAt = status === "paid" ? (fromUnix(invoice.status_transitions?.paid_at) ?? now) : null;
  if (existing) {
    // A paid invoice stays paid: a late payment_failed for it changes nothing.
    if (existing.status === "open" && status === "paid") {
      await tx
        .update(invoices)
        .set({ status: "paid", paidAt, hostedInvoiceUrl: invoice.hosted_invoice_url ?? null, invoicePdfUrl: invoice.invoice_pdf ?? null, updatedAt: now })
        .where(and(eq(invoices.organizationId, organizationId), eq(invoices.id, existing.id)));
    }
    return existing.status;
  }

  const lines = invoice.lines?.data ?? [];
  const priceIds = lines.map(priceOfLine).filter((id): id is string => id !== null);
  const catalog = priceIds.length > 0 ? await tx.select().from(plans) : [];
  const planOfPrice = (price: string | null) => catalog.find((p) => p.stripePriceId === price) ?? null;
  const isOveragePrice = (price: string | null) =>
    catalog.some((p) => price !== null && (p.stripeOverageCallPriceId === price || p.stripeOverageMinutePriceId === price));
  const planLine = lines.find((line) => planOfPrice(priceOfLine(line)) !== null);
  const period = planLine?.period ?? { start: invoice.period_start, end: invoice.period_end };
  const taxCents = (invoice.total_taxes ?? []).reduce((sum, tax) => sum + tax.amount, 0);
  const id = newId("ivc");
  const number =
    invoice.number ??
    `SB-${now.getUTCFullYear()}-${String((await tx.execute<{ n: string }>(sql`SELECT nextval('invoice_number_seq')::text AS n`)).rows[0]?.n ?? "0").padStart(6, "0")}`;
  await tx.insert(invoices).values({
    organizationId,
    id,
    number,
    source: "stripe",
    status,
    periodStart: new Date(period.start * 1000),
    periodEnd: new Date(period.end * 1000),
    planId: planLine ? (planOfPrice(priceOfLine(planLine))?.id ?? null) : null,
    currency: invoice.currency,
    subtotalCents: invoice.total - taxCents,
    taxCents,
    totalCents: invoice.total,
    billTo: {
      name: invoice.customer_name ?? state.account.billingName ?? state.name,
      email: invoice.customer_email ?? state.account.billingEmail,
      address: state.account.billingAddress,
    },
    issuedAt: fromUnix(invoice.status_transitions?.finalized_at) ?? fromUnix(invoice.created) ?? now,
    paidAt,
    stripeInvoiceId: invoice.id,
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    invoicePdfUrl: invoice.invoice_pdf ?? null,
  });
  if (lines.length > 0) {
    await tx.insert(invoiceLines).values(
      lines.map((line, position) => {
        const quantity = line.quantity ?? 1;
        return {
          organizationId,
          invoiceId: id,
          position,
          kind: isOveragePrice(priceOfLine(line)) ? ("overage" as const) : ("plan" as const),
          description: (line.description ?? "Subscription").slice(0, 500),
          quantity,
          unitCents: quantity > 0 ? Math.round(line.amount / quantity) : line.amount,
          amountCents: line.amount,
        };
      }),
    );
  }
  return null;
}

/**
 * invoice.paid / invoice.payment_failed for the organization of this tenant transaction. A paid
 * invoice of the current subscription brings a past_due or suspended organization back to active,
 * unless a later invoice of it is still unpaid; a failed one makes an active organization past_due
 * with a grace period of BILLING_GRACE_DAYS.
 */
export async function applyInvoiceEvent(
  ctx: AppContext,
  tx: Db,
  organizationId: string,
  invoice: Stripe.Invoice,
  paid: boolean,
  reason: string,
): Promise<ApplyOutcome> {
  const state = await lockBillingState(tx, organizationId, ctx.clock.now());
  if (!state) return { outcome: "ignored", detail: "The organization has no billing account." };
  if (state.deletedAt) return { outcome: "ignored", detail: "The organization was deleted." };
  const before = await mirrorInvoice(ctx, tx, state, invoice, paid ? "paid" : "open");
  const subscriptionId = subscriptionOfInvoice(invoice);
  const current = state.account.stripeSubscriptionId;
  if (subscriptionId !== null && current !== null && subscriptionId !== current) {
    return { outcome: "applied", detail: "The invoice of an earlier subscription was recorded; the organization's status is unchanged." };
  }
  if (paid) {
    if (state.status === "active") return { outcome: "applied", detail: null };
    const issuedAt = fromUnix(invoice.status_transitions?.finalized_at) ?? fromUnix(invoice.created) ?? ctx.clock.now();
    const [laterUnpaid] = await tx
      .select({ id: invoices.id })
      .from(invoices)
      .where(
        and(
          eq(invoices.organizationId, organizationId),
          eq(invoices.source, "stripe"),
          eq(invoices.status, "open"),
          ne(invoices.stripeInvoiceId, invoice.id),
          gt(invoices.issuedAt, issuedAt),
        ),
      )
      .limit(1);
    if (laterUnpaid) return { outcome: "applied", detail: "A later invoice is still unpaid; the organization stays past due." };
    await writeBillingChange(ctx, tx, state, {
      status: "active",
      reason,
      account: { subscriptionStatus: current ? "active" : state.account.subscriptionStatus },
    });
    return { outcome: "applied", detail: null };
  }
  if (before === "paid") return { outcome: "ignored", detail: "The invoice was already paid (the failure was delivered late)." };
  if (state.status === "active")
    await writeBillingChange(ctx, tx, state, {
      status: "past_due",
      reason,
      account: { subscriptionStatus: current ? "past_due" : state.account.subscriptionStatus },
    });
  return { outcome: "applied", detail: null };
}
