// The plans catalog and the one limits service: "may this organization add another X?".
// Callers pass how many X the organization has now; the plan says how many it may have.
import { asc, eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { withAccount } from "../../db/transaction.js";
import type { ErrorCode } from "../../errors.js";
import { LimitReached } from "../../errors.js";
import { organizations } from "../organizations/schema.js";
import { plans } from "./schema.js";

export type Plan = typeof plans.$inferSelect;

export type LimitedResource = "seats" | "assistants" | "phoneNumbers";

const RESOURCE_LABELS: Record<LimitedResource, { noun: string; code: ErrorCode }> = {
  seats: { noun: "seats (members and pending invitations)", code: "SEAT_LIMIT_REACHED" },
  assistants: { noun: "assistants", code: "ASSISTANT_LIMIT_REACHED" },
  phoneNumbers: { noun: "phone numbers", code: "PHONE_NUMBER_LIMIT_REACHED" },
};

export function listPlans(ctx: AppContext): Promise<Plan[]> {
  return withAccount(ctx.db, (tx) => tx.select().from(plans).orderBy(asc(plans.sortOrder)));
}

/** The plan of the organization set on this tenant transaction. */
export async function planOfOrganization(tx: Db, organizationId: string): Promise<Plan> {
  const [row] = await tx
    .select({ plan: plans })
    .from(organizations)
    .innerJoin(plans, eq(plans.id, organizations.planId))
    .where(eq(organizations.id, organizationId));
  if (!row) throw new Error(`organization ${organizationId} has no plan`);
  return row.plan;
}

export type LimitCheck = { allowed: boolean; limit: number | null; used: number; planName: string };

export async function checkLimit(tx: Db, organizationId: string, resource: LimitedResource, used: number): Promise<LimitCheck> {
  const plan = await planOfOrganization(tx, organizationId);
  const limit = plan[resource];
  return { allowed: limit === null || used < limit, limit, used, planName: plan.name };
}

export async function assertMayAdd(tx: Db, organizationId: string, resource: LimitedResource, used: number): Promise<void> {
  const check = await checkLimit(tx, organizationId, resource, used);
  if (!check.allowed) {
    const { noun, code } = RESOURCE_LABELS[resource];
    throw new LimitReached(
      code,
      `The ${check.planName} plan includes ${check.limit} ${noun}; this organization uses ${check.used}. Upgrade the plan to add more.`,
      {
        limit: check.limit,
        used: check.used,
        resource,
      },
    );
  }
}
