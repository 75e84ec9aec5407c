// The plans catalog (read, and edited by super admins) and the one limits service: "may this organization add another X?".
// Callers pass how many X the organization has now; the plan says how many it may have.
import { asc, eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { withAccount, withPlatform } from "../../db/transaction.js";
import type { ErrorCode } from "../../errors.js";
import { LimitReached, NotFound } from "../../errors.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { recordAudit } from "../audit/service.js";
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

/** A plan as the API shows it; Stripe price ids only to super admins. */
export function planView(plan: Plan) {
  return {
    id: plan.id,
    name: plan.name,
    priceCents: plan.priceCents,
    callsPerMonth: plan.callsPerMonth,
    minutesPerMonth: plan.minutesPerMonth,
    concurrentCalls: plan.concurrentCalls,
    assistants: plan.assistants,
    phoneNumbers: plan.phoneNumbers,
    seats: plan.seats,
    features: plan.features,
    billingIncrementSeconds: plan.billingIncrementSeconds,
    overageCallCents: plan.overageCallCents,
    overageMinuteCents: plan.overageMinuteCents,
  };
}

export function adminPlanView(plan: Plan) {
  return {
    ...planView(plan),
    stripePriceId: plan.stripePriceId,
    stripeOverageCallPriceId: plan.stripeOverageCallPriceId,
    stripeOverageMinutePriceId: plan.stripeOverageMinutePriceId,
    sortOrder: plan.sortOrder,
    updatedAt: plan.updatedAt.toISOString(),
  };
}

export type PlanPatch = Partial<
  Pick<
    Plan,
    | "name"
    | "priceCents"
    | "callsPerMonth"
    | "minutesPerMonth"
    | "concurrentCalls"
    | "assistants"
    | "phoneNumbers"
    | "seats"
    | "features"
    | "billingIncrementSeconds"
    | "overageCallCents"
    | "overageMinuteCents"
    | "stripePriceId"
    | "stripeOverageCallPriceId"
    | "stripeOverageMinutePriceId"
    | "sortOrder"
  >
>;

/**
 * A super admin edits a plan of the catalog. Organizations on it get the new limits and features at
 * once: nothing caches a plan beyond one request. Audited with the fields before and after.
 */
export async function updatePlan(ctx: AppContext, planId: string, patch: PlanPatch, actorUserId: string, meta: RequestMeta) {
  const now = ctx.clock.now();
  return withPlatform(ctx.db, async (tx) => {
    const [before] = await tx.select().from(plans).where(eq(plans.id, planId)).for("update");
    if (!before) throw new NotFound("Plan");
    const changed = Object.fromEntries(
      Object.entries(patch).filter(([key, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify(before[key as keyof Plan])),
    ) as PlanPatch;
    if (Object.keys(changed).length === 0) return adminPlanView(before);
    const [after] = await tx
      .update(plans)
      .set({ ...changed, updatedAt: now })
      .where(eq(plans.id, planId))
      .returning();
    const previous = Object.fromEntries(Object.keys(changed).map((key) => [key, before[key as keyof Plan]]));
    await recordAudit(
      tx,
      { action: "admin.plan_updated", actorUserId, targetType: "plan", targetId: planId, metadata: { before: previous, after: changed } },
      meta,
      now,
    );
    return adminPlanView(after!);
  });
}

export async function listPlansForAdmin(ctx: AppContext) {
  const rows = await withPlatform(ctx.db, (tx) => tx.select().from(plans).orderBy(asc(plans.sortOrder)));
  return rows.map(adminPlanView);
}
