// The super admin's view of the platform: every organization and user, searchable, and the dev
// mailbox. All of it is cross-tenant, so it runs on the platform role.
import { and, count, desc, eq, ilike, isNull, or, type SQL, sql } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import { withAccount, withPlatform } from "../../db/transaction.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { recordAudit } from "../audit/service.js";
import { hashPassword } from "../auth/passwords.js";
import { users } from "../auth/schema.js";
import { findUserByEmail, insertUser } from "../auth/service.js";
import { devMailbox } from "../mail/schema.js";
import { memberships, organizations } from "../organizations/schema.js";
import { plans } from "../plans/schema.js";

export type Page = { limit: number; offset: number };

function likePattern(q: string): string {
  return `%${q.replaceAll("\\", "\\\\").replaceAll("%", "\\%").replaceAll("_", "\\_")}%`;
}

export async function searchOrganizations(ctx: AppContext, query: { q?: string; includeDeleted?: boolean } & Page) {
  const filters: (SQL | undefined)[] = [query.includeDeleted ? undefined : isNull(organizations.deletedAt)];
  if (query.q) {
    const pattern = likePattern(query.q);
    filters.push(or(ilike(organizations.name, pattern), ilike(organizations.slug, pattern), eq(organizations.id, query.q)));
  }
  return withPlatform(ctx.db, async (tx) => {
    const where = and(...filters);
    const memberCount = tx
      .select({ organizationId: memberships.organizationId, members: count().as("members") })
      .from(memberships)
      .groupBy(memberships.organizationId)
      .as("member_count");
    const rows = await tx
      .select({
        id: organizations.id,
        name: organizations.name,
        slug: organizations.slug,
        status: organizations.status,
        planId: organizations.planId,
        planName: plans.name,
        members: sql<number>`coalesce(${memberCount.members}, 0)::int`,
        createdAt: organizations.createdAt,
        deletedAt: organizations.deletedAt,
      })
      .from(organizations)
      .innerJoin(plans, eq(plans.id, organizations.planId))
      .leftJoin(memberCount, eq(memberCount.organizationId, organizations.id))
      .where(where)
      .orderBy(desc(organizations.createdAt))
      .limit(query.limit)
      .offset(query.offset);
    const [total] = await tx.select({ value: count() }).from(organizations).where(where);
    return {
      total: total?.value ?? 0,
      items: rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString(), deletedAt: row.deletedAt?.toISOString() ?? null })),
    };
  });
}

export async function searchUsers(ctx: AppContext, query: { q?: string } & Page) {
  const where = query.q ? or(ilike(users.email, likePattern(query.q)), ilike(users.name, likePattern(query.q)), eq(users.id, query.q)) : undefined;
  return withPlatform(ctx.db, async (tx) => {
    const rows = await tx
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        isSuperAdmin: users.isSuperAdmin,
        emailVerifiedAt: users.emailVerifiedAt,
        createdAt: users.createdAt,
        organizations: sql<number>`(SELECT count(*)::int FROM ${memberships} WHERE ${memberships.userId} = ${users.id})`,
      })
      .from(users)
      .where(where)
      .orderBy(desc(users.createdAt))
      .limit(query.limit)
      .offset(query.offset);
    const [total] = await tx.select({ value: count() }).from(users).where(where);
    return {
      total: total?.value ?? 0,
      items: rows.map((row) => ({ ...row, emailVerified: row.emailVerifiedAt !== null, emailVerifiedAt: undefined, createdAt: row.createdAt.toISOString() })),
    };
  });
}

export async function listDevMailbox(ctx: AppContext, query: { to?: string } & Page) {
  return withPlatform(ctx.db, async (tx) => {
    const rows = await tx
      .select()
      .from(devMailbox)
      .where(query.to ? ilike(devMailbox.to, likePattern(query.to)) : undefined)
      .orderBy(desc(devMailbox.createdAt))
      .limit(query.limit)
      .offset(query.offset);
    return rows.map((row) => ({
      id: row.id,
      to: row.to,
      from: row.from,
      subject: row.subject,
      text: row.text,
      html: row.html,
      createdAt: row.createdAt.toISOString(),
    }));
  });
}

/**
 * Makes the account a super admin, creating it (verified, no organization) if needed. Used on first
 * start with ADMIN_EMAIL/ADMIN_PASSWORD and by `npm run admin:create`.
 */
export async function ensureSuperAdmin(ctx: AppContext, input: { email: string; password: string; name?: string }, meta: RequestMeta | null) {
  const now = ctx.clock.now();
  const email = input.email.trim().toLowerCase();
  return withAccount(ctx.db, async (tx) => {
    const existing = await findUserByEmail(tx, email);
    if (existing?.isSuperAdmin) return { userId: existing.id, created: false };
    let userId: string;
    if (existing) {
      await tx
        .update(users)
        .set({ isSuperAdmin: true, passwordHash: await hashPassword(input.password), updatedAt: now })
        .where(eq(users.id, existing.id));
      userId = existing.id;
    } else {
      const user = await insertUser(tx, { email, name: input.name ?? "Platform admin", password: input.password, verified: true }, now);
      await tx.update(users).set({ isSuperAdmin: true }).where(eq(users.id, user.id));
      userId = user.id;
    }
    await recordAudit(tx, { action: "admin.super_admin_created", actorUserId: userId, targetType: "user", targetId: userId }, meta, now);
    return { userId, created: !existing };
  });
}
