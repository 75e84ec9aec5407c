// The Stripe customer of an organization: created on first need (checkout or portal), once, with
// an idempotency key per organization so concurrent first requests get the same customer.
import { createHash } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { AppContext } from "../../../context.js";
import { withTenant } from "../../../db/transaction.js";
import { NotFound } from "../../../errors.js";
import { billingAccounts } from "../schema.js";
import { callStripe, requireStripe } from "./client.js";
import { lockBillingState } from "./subscription-state.js";

/** The organization's Stripe customer id, creating the customer at Stripe if it has none. */
export async function ensureStripeCustomer(ctx: AppContext, organizationId: string): Promise<string> {
  const { stripe } = requireStripe(ctx);
  const state = await withTenant(ctx.db, organizationId, (tx) => lockBillingState(tx, organizationId, ctx.clock.now()));
  if (!state || state.deletedAt) throw new NotFound("Organization");
  if (state.account.stripeCustomerId) return state.account.stripeCustomerId;

  const params = {
    name: state.account.billingName ?? state.name,
    ...(state.account.billingEmail ? { email: state.account.billingEmail } : {}),
    metadata: { organizationId },
  };
  // Stripe refuses a key re-used with other parameters, so the key names them (a renamed organization gets a fresh key).
  const paramsHash = createHash("sha256").update(JSON.stringify(params)).digest("hex").slice(0, 16);
  const customer = await callStripe(ctx, "customers.create", () =>
    stripe.customers.create(params, { idempotencyKey: `switchboard-customer-${organizationId}-${paramsHash}` }),
  );
  // A concurrent request may have stored its customer first; the first one stored wins.
  return withTenant(ctx.db, organizationId, async (tx) => {
    await tx
      .update(billingAccounts)
      .set({ stripeCustomerId: customer.id, updatedAt: ctx.clock.now() })
      .where(and(eq(billingAccounts.organizationId, organizationId), isNull(billingAccounts.stripeCustomerId)));
    const [row] = await tx.select({ id: billingAccounts.stripeCustomerId }).from(billingAccounts).where(eq(billingAccounts.organizationId, organizationId));
    return row?.id ?? customer.id;
  });
}
