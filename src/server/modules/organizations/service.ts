// Organizations: create (with their first owner), list a user's, read, update, soft-delete.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { isUniqueViolation } from "../../db/errors.js";
import { newId } from "../../db/ids.js";
import { enterTenant, withAccount, withPlatform, withTenant } from "../../db/transaction.js";
import { Conflict, Invalid, NotFound } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { recordAudit } from "../audit/service.js";
import { ensureBillingAccount } from "../billing/account.js";
import { plans } from "../plans/schema.js";
import { invitations, memberships, type OrganizationSettings, organizations, type Role } from "./schema.js";
import { slugFromName, withRandomSuffix } from "./slugs.js";

export type OrganizationView = {
  id: string;
  name: string;
  slug: string;
  timezone: string;
  settings: OrganizationSettings;
  plan: { id: string; name: string };
  status: "active" | "past_due" | "suspended";
  role: Role;
  createdAt: string;
};

const SLUG_ATTEMPTS = 5;

export async function findOrgAccess(ctx: AppContext, userId: string, organizationId: string): Promise<OrgAccess | null> {
  return withTenant(ctx.db, organizationId, async (tx) => {
    const [row] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .where(and(eq(memberships.userId, userId), isNull(organizations.deletedAt)));
    return row ? { organizationId, role: row.role } : null;
  });
}

/**
 * Creates an organization and its owner's membership inside the caller's transaction, which
 * from here on is scoped to the new organization.
 */
export async function createOrganizationInTransaction(
  tx: Db,
  input: { name: string; slug?: string; timezone?: string; ownerUserId: string },
  meta: RequestMeta | null,
  now: Date,
): Promise<string> {
  const id = newId("org");
  await enterTenant(tx, id);
  const base = input.slug ?? slugFromName(input.name);
  let inserted = false;
  for (let attempt = 0; attempt < SLUG_ATTEMPTS && !inserted; attempt++) {
    const slug = attempt === 0 ? base : withRandomSuffix(base);
    // The slug index spans every tenant, which RLS hides; ON CONFLICT still sees the index.
    const result = await tx.execute(sql`
      INSERT INTO organizations (id, name, slug, timezone, created_at, updated_at)
      VALUES (${id}, ${input.name}, ${slug}, ${input.timezone ?? "UTC"}, ${now}, ${now})
      ON CONFLICT (slug) WHERE deleted_at IS NULL DO NOTHING
      RETURNING id`);
    inserted = result.rows.length === 1;
    if (!inserted && input.slug) throw new Conflict("SLUG_TAKEN", `The URL slug "${input.slug}" is taken. Choose another.`);
  }
  if (!inserted) throw new Conflict("SLUG_TAKEN", "Could not find a free URL slug for this name. Choose one.");
  await tx.insert(memberships).values({ organizationId: id, userId: input.ownerUserId, role: "owner", createdAt: now, updatedAt: now });
  await ensureBillingAccount(tx, id, now);
  await recordAudit(tx, { action: "org.created", organizationId: id, actorUserId: input.ownerUserId, targetType: "organization", targetId: id }, meta, now);
  return id;
}

export async function createOrganization(
  ctx: AppContext,
  input: { name: string; slug?: string; timezone?: string },
  userId: string,
  meta: RequestMeta,
): Promise<OrganizationView> {
  const now = ctx.clock.now();
  const id = await withAccount(ctx.db, (tx) => createOrganizationInTransaction(tx, { ...input, ownerUserId: userId }, meta, now));
  return getOrganization(ctx, { organizationId: id, role: "owner" });
}

const organizationColumns = {
  id: organizations.id,
  name: organizations.name,
  slug: organizations.slug,
  timezone: organizations.timezone,
  settings: organizations.settings,
  status: organizations.status,
  createdAt: organizations.createdAt,
  planId: plans.id,
  planName: plans.name,
};

type OrganizationRow = {
  id: string;
  name: string;
  slug: string;
  timezone: string;
  settings: OrganizationSettings;
  status: "active" | "past_due" | "suspended";
  createdAt: Date;
  planId: string;
  planName: string;
};

function toView(row: OrganizationRow, role: Role): OrganizationView {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    timezone: row.timezone,
    settings: row.settings,
    plan: { id: row.planId, name: row.planName },
    status: row.status,
    role,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Every live organization the user belongs to: a cross-tenant read, so it runs on the platform role. */
export async function listOrganizationsOfUser(ctx: AppContext, userId: string): Promise<OrganizationView[]> {
  const rows = await withPlatform(ctx.db, (tx) =>
    tx
      .select({ ...organizationColumns, role: memberships.role })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .innerJoin(plans, eq(plans.id, organizations.planId))
      .where(and(eq(memberships.userId, userId), isNull(organizations.deletedAt)))
      .orderBy(organizations.name),
  );
  return rows.map((row) => toView(row, row.role));
}

export async function getOrganization(ctx: AppContext, access: OrgAccess): Promise<OrganizationView> {
  const row = await withTenant(ctx.db, access.organizationId, async (tx) => {
    const [found] = await tx
      .select(organizationColumns)
      .from(organizations)
      .innerJoin(plans, eq(plans.id, organizations.planId))
      .where(and(eq(organizations.id, access.organizationId), isNull(organizations.deletedAt)));
    return found;
  });
  if (!row) throw new NotFound("Organization");
  return toView(row, access.role);
}

/**
 * Sandbox mode promises that nothing is metered, so it cannot be switched on while a real (Twilio or
 * Vapi) number could still take real calls: those would go unbilled. The organization row is locked
 * by the caller, as provisioning locks it, so the two cannot interleave.
 */
async function assertNoRealNumbers(tx: Db, organizationId: string): Promise<void> {
  const { rows } = await tx.$client.query<{ count: number }>(
    "SELECT count(*)::int AS count FROM phone_numbers WHERE organization_id = $1 AND provider <> 'sandbox' AND status = 'active'",
    [organizationId],
  );
  const real = rows[0]?.count ?? 0;
  if (real > 0) {
    throw new Conflict(
      "SANDBOX_MODE_REAL_NUMBERS",
      `Sandbox mode can't be switched on while this organization has ${real === 1 ? "a real phone number" : `${real} real phone numbers`}: their calls are real and billed. Release them first, or try the assistant in its test console.`,
    );
  }
}

export type OrganizationPatch = { name?: string; slug?: string; timezone?: string; settings?: OrganizationSettings };

export async function updateOrganization(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  patch: OrganizationPatch,
  meta: RequestMeta,
): Promise<OrganizationView> {
  const now = ctx.clock.now();
  await withTenant(ctx.db, access.organizationId, async (tx) => {
    const [current] = await tx.select().from(organizations).where(eq(organizations.id, access.organizationId)).for("update");
    if (!current) throw new NotFound("Organization");
    if (patch.settings?.sandboxMode === true && !current.settings.sandboxMode) await assertNoRealNumbers(tx, access.organizationId);
    await tx
      .update(organizations)
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.slug !== undefined ? { slug: patch.slug } : {}),
        ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
        ...(patch.settings !== undefined ? { settings: { ...current.settings, ...patch.settings } } : {}),
        updatedAt: now,
      })
      .where(eq(organizations.id, access.organizationId))
      .catch((error: unknown) => {
        if (isUniqueViolation(error, "organizations_slug_key")) throw new Conflict("SLUG_TAKEN", `The URL slug "${patch.slug}" is taken. Choose another.`);
        throw error;
      });
    const changed = Object.keys(patch).filter((key) => patch[key as keyof OrganizationPatch] !== undefined);
    await recordAudit(
      tx,
      {
        action: "org.updated",
        organizationId: access.organizationId,
        actorUserId,
        targetType: "organization",
        targetId: access.organizationId,
        metadata: { changed },
      },
      meta,
      now,
    );
    const sandboxMode = patch.settings?.sandboxMode;
    if (sandboxMode !== undefined && sandboxMode !== (current.settings.sandboxMode ?? false)) {
      await recordAudit(
        tx,
        {
          action: "org.sandbox_mode_changed",
          organizationId: access.organizationId,
          actorUserId,
          targetType: "organization",
          targetId: access.organizationId,
          metadata: { sandboxMode },
        },
        meta,
        now,
      );
    }
  });
  return getOrganization(ctx, access);
}

/** Soft delete: the organization disappears for everyone; its rows stay for the retention period. */
export async function deleteOrganization(ctx: AppContext, access: OrgAccess, actorUserId: string, confirmation: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  await withTenant(ctx.db, access.organizationId, async (tx) => {
    const [current] = await tx.select().from(organizations).where(eq(organizations.id, access.organizationId)).for("update");
    if (!current || current.deletedAt) throw new NotFound("Organization");
    if (confirmation !== current.slug) {
      throw new Invalid("CONFIRMATION_MISMATCH", `Type the organization's URL slug ("${current.slug}") to confirm deletion.`, [
        { path: "body.confirm", message: "Does not match the organization's slug." },
      ]);
    }
    await tx.update(organizations).set({ deletedAt: now, deletedBy: actorUserId, updatedAt: now }).where(eq(organizations.id, access.organizationId));
    await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.organizationId, access.organizationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
    await recordAudit(
      tx,
      {
        action: "org.deleted",
        organizationId: access.organizationId,
        actorUserId,
        targetType: "organization",
        targetId: access.organizationId,
        metadata: { name: current.name, slug: current.slug },
      },
      meta,
      now,
    );
  });
}
