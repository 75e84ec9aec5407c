// Stores verified Stripe events (once per event id) and applies them from the job queue:
//   checkout.session.completed            → links the customer and subscription to the organization
//   customer.subscription.created|updated|deleted → plan, period, status, scheduled changes
//   invoice.paid | invoice.payment_failed → the invoice mirror; active ↔ past_due
// Out-of-order delivery: a subscription event older than (or as old as) the newest one already
// applied, or older than the account's last change, or about a subscription that is not the
// organization's current one, is "in doubt": the subscription is fetched from Stripe and its
// current state applied instead of the event's copy. Unknown customers and deleted organizations
// are stored and marked ignored. The event row is marked processed in the transaction that applies it.
import { and, desc, eq, isNotNull, ne } from "drizzle-orm";
import type Stripe from "stripe";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { asPlatformWithin, withPlatform, withTenant } from "../../db/transaction.js";
import { stripeClient } from "../billing/stripe/client.js";
import { applyInvoiceEvent, subscriptionOfInvoice } from "../billing/stripe/invoices.js";
import { type StripeEventOutcome, stripeEvents } from "../billing/stripe/schema.js";
import { type ApplyOutcome, applySubscription, idOf } from "../billing/stripe/subscription-state.js";

type StoredEvent = typeof stripeEvents.$inferSelect;

function objectOf(event: Stripe.Event): Record<string, unknown> {
  return event.data.object as unknown as Record<string, unknown>;
}

function subscriptionIdOf(event: Stripe.Event): string | null {
  const object = objectOf(event);
  if (event.type.startsWith("customer.subscription.")) return typeof object.id === "string" ? object.id : null;
  if (event.type.startsWith("invoice.")) return subscriptionOfInvoice(event.data.object as Stripe.Invoice);
  if (event.type === "checkout.session.completed") return idOf(object.subscription as string | { id: string } | null);
  return null;
}

/** Stores a verified event; false when it was stored before (a re-delivery, not processed again). */
export async function storeStripeEvent(ctx: AppContext, event: Stripe.Event): Promise<boolean> {
  return withPlatform(ctx.db, async (tx) => {
    const inserted = await tx
      .insert(stripeEvents)
      .values({
        id: event.id,
        type: event.type,
        stripeCreatedAt: new Date(event.created * 1000),
        subscriptionId: subscriptionIdOf(event),
        customerId: idOf(objectOf(event).customer as string | { id: string } | null),
        payload: event,
        receivedAt: ctx.clock.now(),
      })
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id });
    // Enqueued in the same transaction: the job exists exactly when the event was stored.
    if (inserted.length > 0) await ctx.jobs.enqueue(tx, "stripe.process-event", { eventId: event.id });
    return inserted.length > 0;
  });
}

async function markProcessed(ctx: AppContext, tx: Db, eventId: string, outcome: StripeEventOutcome, detail: string | null): Promise<void> {
  await tx.update(stripeEvents).set({ processedAt: ctx.clock.now(), outcome, detail }).where(eq(stripeEvents.id, eventId));
}

function ignore(ctx: AppContext, eventId: string, detail: string): Promise<void> {
  ctx.logger.info({ eventId, detail }, "ignored a Stripe event");
  return withPlatform(ctx.db, (tx) => markProcessed(ctx, tx, eventId, "ignored", detail));
}

/** Applies work in the organization's tenant transaction and marks the event processed in it. */
function applyInTenant(ctx: AppContext, organizationId: string, eventId: string, work: (tx: Db) => Promise<ApplyOutcome>): Promise<void> {
  return withTenant(ctx.db, organizationId, async (tx) => {
    const result = await work(tx);
    await asPlatformWithin(tx, (platform) => markProcessed(ctx, platform, eventId, result.outcome, result.detail));
  });
}

type ResolvedAccount = { organizationId: string; subscriptionId: string | null; updatedAt: Date; deleted: boolean };

/** The organization of a Stripe customer (or, for a customer not linked yet, the one its metadata names). */
async function resolveAccount(ctx: AppContext, customerId: string | null, organizationId: string | null): Promise<ResolvedAccount | null> {
  if (!customerId) return null;
  const { rows } = await withPlatform(ctx.db, (tx) =>
    tx.$client.query<{ organization_id: string; stripe_subscription_id: string | null; updated_at: Date; deleted_at: Date | null }>(
      `SELECT b.organization_id, b.stripe_subscription_id, b.updated_at, o.deleted_at
       FROM billing_accounts b JOIN organizations o ON o.id = b.organization_id
       WHERE b.stripe_customer_id = $1
          OR (b.stripe_customer_id IS NULL AND b.organization_id = $2)
       ORDER BY (b.stripe_customer_id = $1) DESC NULLS LAST
       LIMIT 1`,
      [customerId, organizationId],
    ),
  );
  const row = rows[0];
  if (!row) return null;
  return { organizationId: row.organization_id, subscriptionId: row.stripe_subscription_id, updatedAt: row.updated_at, deleted: row.deleted_at !== null };
}

/** When the newest event already applied for this subscription was created (Stripe's clock). */
async function newestAppliedEventAt(ctx: AppContext, subscriptionId: string, exceptEventId: string): Promise<Date | null> {
  const [row] = await withPlatform(ctx.db, (tx) =>
    tx
      .select({ at: stripeEvents.stripeCreatedAt })
      .from(stripeEvents)
      .where(
        and(
          eq(stripeEvents.subscriptionId, subscriptionId),
          eq(stripeEvents.outcome, "applied"),
          isNotNull(stripeEvents.processedAt),
          ne(stripeEvents.id, exceptEventId),
        ),
      )
      .orderBy(desc(stripeEvents.stripeCreatedAt))
      .limit(1),
  );
  return row?.at ?? null;
}

async function onCheckoutCompleted(ctx: AppContext, stored: StoredEvent, event: Stripe.Event): Promise<void> {
  const session = event.data.object as Stripe.Checkout.Session;
  if (session.mode !== "subscription") return ignore(ctx, stored.id, "Not a subscription checkout.");
  const organizationId = session.client_reference_id ?? session.metadata?.organizationId ?? null;
  const customerId = idOf(session.customer);
  const subscriptionId = idOf(session.subscription);
  if (!organizationId || !customerId || !subscriptionId) return ignore(ctx, stored.id, "The session names no organization, customer or subscription.");
  const account = await resolveAccount(ctx, customerId, organizationId);
  if (!account) return ignore(ctx, stored.id, `No organization has Stripe customer ${customerId}.`);
  if (account.organizationId !== organizationId) return ignore(ctx, stored.id, `Stripe customer ${customerId} belongs to another organization.`);
  if (account.deleted) return ignore(ctx, stored.id, "The organization was deleted.");
  // The session only names the subscription: its state comes from Stripe.
  const subscription = await stripeClient(ctx.config.stripe!).subscriptions.retrieve(subscriptionId);
  await applyInTenant(ctx, organizationId, stored.id, (tx) => applySubscription(ctx, tx, organizationId, subscription, { reason: event.type }));
}

async function onSubscriptionEvent(ctx: AppContext, stored: StoredEvent, event: Stripe.Event): Promise<void> {
  const payload = event.data.object as Stripe.Subscription;
  const customerId = idOf(payload.customer);
  const account = await resolveAccount(ctx, customerId, payload.metadata?.organizationId ?? null);
  if (!account) return ignore(ctx, stored.id, `No organization has Stripe customer ${customerId}.`);
  if (account.deleted) return ignore(ctx, stored.id, "The organization was deleted.");
  let subscription = payload;
  let detail: string | null = null;
  // A cancellation is final, so a deleted event's copy is never stale.
  if (event.type !== "customer.subscription.deleted") {
    const newestApplied = await newestAppliedEventAt(ctx, payload.id, stored.id);
    const created = stored.stripeCreatedAt.getTime();
    const inDoubt =
      (newestApplied !== null && created <= newestApplied.getTime()) ||
      created <= account.updatedAt.getTime() ||
      (account.subscriptionId !== null && account.subscriptionId !== payload.id);
    if (inDoubt) {
      subscription = await stripeClient(ctx.config.stripe!).subscriptions.retrieve(payload.id);
      detail = "Applied the subscription as Stripe holds it now (the event may be out of date).";
    }
  }
  await applyInTenant(ctx, account.organizationId, stored.id, async (tx) => {
    const result = await applySubscription(ctx, tx, account.organizationId, subscription, { reason: event.type });
    return { outcome: result.outcome, detail: result.detail ?? detail };
  });
}

async function onInvoiceEvent(ctx: AppContext, stored: StoredEvent, event: Stripe.Event, paid: boolean): Promise<void> {
  const invoice = event.data.object as Stripe.Invoice;
  const customerId = idOf(invoice.customer);
  const account = await resolveAccount(ctx, customerId, invoice.parent?.subscription_details?.metadata?.organizationId ?? null);
  if (!account) return ignore(ctx, stored.id, `No organization has Stripe customer ${customerId}.`);
  if (account.deleted) return ignore(ctx, stored.id, "The organization was deleted.");
  await applyInTenant(ctx, account.organizationId, stored.id, (tx) => applyInvoiceEvent(ctx, tx, account.organizationId, invoice, paid, event.type));
}

/** The job: applies one stored event, once. A Stripe or database failure throws, and the queue retries. */
export async function processStripeEvent(ctx: AppContext, job: { eventId: string }): Promise<void> {
  const [stored] = await withPlatform(ctx.db, (tx) => tx.select().from(stripeEvents).where(eq(stripeEvents.id, job.eventId)));
  if (!stored || stored.processedAt) return;
  if (!ctx.config.stripe) return ignore(ctx, stored.id, "Stripe billing is not configured.");
  const event = stored.payload as Stripe.Event;
  switch (event.type) {
    case "checkout.session.completed":
      return onCheckoutCompleted(ctx, stored, event);
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
      return onSubscriptionEvent(ctx, stored, event);
    case "invoice.paid":
      return onInvoiceEvent(ctx, stored, event, true);
    case "invoice.payment_failed":
      return onInvoiceEvent(ctx, stored, event, false);
    default:
      return ignore(ctx, stored.id, `Switchboard does not act on ${event.type}.`);
  }
}
