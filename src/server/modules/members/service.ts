// Team membership: list, change role, remove, leave, transfer ownership. An organization always
// keeps at least one owner: owner rows are locked while a change that could remove one runs.
import { and, asc, count, eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { withTenant } from "../../db/transaction.js";
import { Conflict, Forbidden, Invalid, NotFound } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { recordAudit } from "../audit/service.js";
import { users } from "../auth/schema.js";
import { mayAssignRole } from "../organizations/permissions.js";
import { memberships, type Role } from "../organizations/schema.js";

export type MemberView = { userId: string; name: string; email: string; role: Role; joinedAt: string };

export async function listMembers(ctx: AppContext, access: OrgAccess): Promise<MemberView[]> {
  const rows = await withTenant(ctx.db, access.organizationId, (tx) =>
    tx
      .select({ userId: memberships.userId, role: memberships.role, joinedAt: memberships.createdAt, name: users.name, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.organizationId, access.organizationId))
      .orderBy(asc(memberships.createdAt)),
  );
  return rows.map((row) => ({ ...row, joinedAt: row.joinedAt.toISOString() }));
}

export async function countMembers(tx: Db, organizationId: string): Promise<number> {
  const [row] = await tx.select({ value: count() }).from(memberships).where(eq(memberships.organizationId, organizationId));
  return row?.value ?? 0;
}

async function lockMembership(tx: Db, organizationId: string, userId: string) {
  const [row] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
    .for("update");
  if (!row) throw new NotFound("Member");
  return row;
}

/** Locks every owner row, so two concurrent demotions cannot both pass the last-owner check. */
async function lockOwners(tx: Db, organizationId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, "owner")))
    .for("update");
  return rows.map((row) => row.userId);
}

/**
 * The caller's role as it is now, inside the locked transaction: a role read by the middleware a
 * moment earlier may have been changed by a concurrent request.
 */
async function currentRoleOf(tx: Db, organizationId: string, actorUserId: string): Promise<Role> {
  const [row] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, actorUserId)))
    .for("update");
  if (!row) throw new NotFound("Organization");
  return row.role;
}

function lastOwner() {
  return new Conflict("LAST_OWNER", "An organization must keep at least one owner. Make someone else an owner first, or delete the organization.");
}

export async function changeMemberRole(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  targetUserId: string,
  role: Role,
  meta: RequestMeta,
): Promise<MemberView> {
  const now = ctx.clock.now();
  await withTenant(ctx.db, access.organizationId, async (tx) => {
    const owners = await lockOwners(tx, access.organizationId);
    const actorRole = await currentRoleOf(tx, access.organizationId, actorUserId);
    const target = await lockMembership(tx, access.organizationId, targetUserId);
    if (target.role === role) return;
    if (!mayAssignRole(actorRole, target.role, role)) throw new Forbidden("FORBIDDEN", "Only an owner may grant the owner role or change an owner's role.");
    if (target.role === "owner" && owners.length <= 1) throw lastOwner();
    await tx
      .update(memberships)
      .set({ role, updatedAt: now })
      .where(and(eq(memberships.organizationId, access.organizationId), eq(memberships.userId, targetUserId)));
    await recordAudit(
      tx,
      {
        action: "member.role_changed",
        organizationId: access.organizationId,
        actorUserId,
        targetType: "user",
        targetId: targetUserId,
        metadata: { from: target.role, to: role },
      },
      meta,
      now,
    );
  });
  const member = (await listMembers(ctx, access)).find((m) => m.userId === targetUserId);
  if (!member) throw new NotFound("Member");
  return member;
}

/** Removes a member, or the caller themself (leaving). */
export async function removeMember(ctx: AppContext, access: OrgAccess, actorUserId: string, targetUserId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  const leaving = actorUserId === targetUserId;
  await withTenant(ctx.db, access.organizationId, async (tx) => {
    const owners = await lockOwners(tx, access.organizationId);
    const actorRole = await currentRoleOf(tx, access.organizationId, actorUserId);
    const target = await lockMembership(tx, access.organizationId, targetUserId);
    if (!leaving && !mayAssignRole(actorRole, target.role, target.role)) {
      throw new Forbidden("FORBIDDEN", "Only an owner may remove an owner.");
    }
    if (target.role === "owner" && owners.length <= 1) throw lastOwner();
    await tx.delete(memberships).where(and(eq(memberships.organizationId, access.organizationId), eq(memberships.userId, targetUserId)));
    await recordAudit(
      tx,
      {
        action: leaving ? "member.left" : "member.removed",
        organizationId: access.organizationId,
        actorUserId,
        targetType: "user",
        targetId: targetUserId,
        metadata: { role: target.role },
      },
      meta,
      now,
    );
  });
}

/** The caller hands ownership to another member and becomes an admin. */
export async function transferOwnership(ctx: AppContext, access: OrgAccess, actorUserId: string, newOwnerUserId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  if (newOwnerUserId === actorUserId) {
    throw new Invalid("VALIDATION_FAILED", "You already own this organization. Choose another member.", [
      { path: "body.userId", message: "Choose a member other than yourself." },
    ]);
  }
  await withTenant(ctx.db, access.organizationId, async (tx) => {
    await lockOwners(tx, access.organizationId);
    if ((await currentRoleOf(tx, access.organizationId, actorUserId)) !== "owner") {
      throw new Forbidden("FORBIDDEN", "Only an owner may transfer ownership.");
    }
    const target = await lockMembership(tx, access.organizationId, newOwnerUserId);
    await tx
      .update(memberships)
      .set({ role: "owner", updatedAt: now })
      .where(and(eq(memberships.organizationId, access.organizationId), eq(memberships.userId, newOwnerUserId)));
    await tx
      .update(memberships)
      .set({ role: "admin", updatedAt: now })
      .where(and(eq(memberships.organizationId, access.organizationId), eq(memberships.userId, actorUserId)));
    await recordAudit(
      tx,
      {
        action: "org.ownership_transferred",
        organizationId: access.organizationId,
        actorUserId,
        targetType: "user",
        targetId: newOwnerUserId,
        metadata: { previousRole: target.role },
      },
      meta,
      now,
    );
  });
}
