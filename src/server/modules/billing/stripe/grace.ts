// The end of the grace period: a past_due organization whose grace_ends_at has passed is
// suspended (its calls get the fallback) until a paid invoice brings it back. Runs from a cron job.
import type { AppContext } from "../../../context.js";
import { withPlatform, withTenant } from "../../../db/transaction.js";
import { lockBillingState, writeBillingChange } from "./subscription-state.js";

/** Suspends every organization whose grace period is over; returns their ids. */
export async function suspendOverdueOrganizations(ctx: AppContext): Promise<string[]> {
  const now = ctx.clock.now();
  const { rows } = await withPlatform(ctx.db, (tx) =>
    tx.$client.query<{ organization_id: string }>(
      `SELECT b.organization_id FROM billing_accounts b JOIN organizations o ON o.id = b.organization_id
       WHERE o.status = 'past_due' AND o.deleted_at IS NULL AND b.grace_ends_at <= $1`,
      [now],
    ),
  );
  const suspended: string[] = [];
  for (const { organization_id: organizationId } of rows) {
    // Re-checked under the account's lock: a payment may have arrived since the scan.
    const done = await withTenant(ctx.db, organizationId, async (tx) => {
      const state = await lockBillingState(tx, organizationId, now);
      if (!state) return false;
      const graceEndsAt = state.account.graceEndsAt;
      if (state.status !== "past_due" || !graceEndsAt || graceEndsAt > now) return false;
      await writeBillingChange(ctx, tx, state, { status: "suspended", reason: "The grace period for the failed payment ended." });
      return true;
    });
    if (done) suspended.push(organizationId);
  }
  return suspended;
}
