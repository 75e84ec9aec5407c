// The Stripe Billing Portal: where an owner changes the card, downloads Stripe's invoices or
// cancels. Changes made there come back through the webhook like any other.
import type { AppContext } from "../../../context.js";
import { callStripe, requireStripe } from "./client.js";
import { ensureStripeCustomer } from "./customers.js";

export async function openBillingPortal(ctx: AppContext, organizationId: string): Promise<{ url: string }> {
  const { stripe } = requireStripe(ctx);
  const customer = await ensureStripeCustomer(ctx, organizationId);
  const session = await callStripe(ctx, "billingPortal.sessions.create", () =>
    stripe.billingPortal.sessions.create({ customer, return_url: `${ctx.config.appUrl}/orgs/${organizationId}/billing` }),
  );
  return { url: session.url };
}
