// Invitations by email: create, list, resend (a new link), revoke, and accept, by a new or an
// existing user. Single use, 7-day expiry; a pending invitation holds a seat of the plan.
import { and, count, eq, gt, isNull, sql } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { withPlatform, withTenant } from "../../db/transaction.js";
import { Conflict, Forbidden, NotFound } from "../../errors.js";
import type { AuthenticatedUser, OrgAccess } from "../../http/env.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { recordAudit } from "../audit/service.js";
import { users } from "../auth/schema.js";
import { findUserByEmail, insertUser } from "../auth/service.js";
import { startSession, type TokenPair, tokensForSession } from "../auth/sessions.js";
import { hashToken, newOpaqueToken } from "../auth/tokens.js";
import { countMembers } from "../members/service.js";
import { mayAssignRole } from "../organizations/permissions.js";
import { invitations, memberships, organizations, type Role } from "../organizations/schema.js";
import { assertMayAdd } from "../plans/service.js";
import { invitationMessage } from "./emails.js";

export const INVITATION_TTL_SECONDS = 7 * 24 * 60 * 60;

type Invitation = typeof invitations.$inferSelect;

export type InvitationView = {
  id: string;
  email: string;
  role: Role;
  status: "pending" | "expired";
  invitedBy: string | null;
  createdAt: string;
  lastSentAt: string;
  expiresAt: string;
};

function toView(row: Invitation, now: Date): InvitationView {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status: row.expiresAt > now ? "pending" : "expired",
    invitedBy: row.invitedBy,
    createdAt: row.createdAt.toISOString(),
    lastSentAt: row.lastSentAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

const openInvitation = (organizationId: string) =>
  and(eq(invitations.organizationId, organizationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt));

/**
 * Locks the organization's row: changes that take a seat (invite, resend, accept) run one at a
 * time per organization, so concurrent ones cannot all pass the seat check. Lock order everywhere:
 * organization, then invitations.
 */
async function lockOrganizationSeats(tx: Db, organizationId: string) {
  const [org] = await tx.select({ deletedAt: organizations.deletedAt }).from(organizations).where(eq(organizations.id, organizationId)).for("update");
  return org;
}

async function countPendingInvitations(tx: Db, organizationId: string, now: Date): Promise<number> {
  const [row] = await tx
    .select({ value: count() })
    .from(invitations)
    .where(and(openInvitation(organizationId), gt(invitations.expiresAt, now)));
  return row?.value ?? 0;
}

async function sendInvitationEmail(
  ctx: AppContext,
  tx: Db,
  organizationId: string,
  inviterUserId: string,
  invitation: { email: string; role: Role },
  token: string,
) {
  const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, organizationId));
  const [inviter] = await tx.select({ name: users.name }).from(users).where(eq(users.id, inviterUserId));
  await ctx.jobs.enqueue(
    tx,
    "mail.send",
    invitationMessage({
      appUrl: ctx.config.appUrl,
      to: invitation.email,
      token,
      organizationName: org?.name ?? "an organization",
      inviterName: inviter?.name ?? "A teammate",
      role: invitation.role,
    }),
  );
}

export async function createInvitation(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  input: { email: string; role: Role },
  meta: RequestMeta,
): Promise<InvitationView> {
  if (!mayAssignRole(access.role, null, input.role)) throw new Forbidden("FORBIDDEN", "Only an owner may invite another owner.");
  const now = ctx.clock.now();
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    await lockOrganizationSeats(tx, access.organizationId);
    const [alreadyMember] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.organizationId, access.organizationId), sql`lower(${users.email}) = ${input.email}`));
    if (alreadyMember) throw new Conflict("ALREADY_MEMBER", `${input.email} is already a member of this organization.`);
    const [open] = await tx
      .select()
      .from(invitations)
      .where(and(openInvitation(access.organizationId), sql`lower(${invitations.email}) = ${input.email}`))
      .for("update");
    if (open && open.expiresAt > now) throw new Conflict("INVITATION_PENDING", `${input.email} already has a pending invitation. Resend it instead.`);
    if (open)
      await tx
        .update(invitations)
        .set({ revokedAt: now })
        .where(and(eq(invitations.organizationId, access.organizationId), eq(invitations.id, open.id)));
    const seatsUsed = (await countMembers(tx, access.organizationId)) + (await countPendingInvitations(tx, access.organizationId, now));
    await assertMayAdd(tx, access.organizationId, "seats", seatsUsed);
    const token = newOpaqueToken("inv");
    const [created] = await tx
      .insert(invitations)
      .values({
        organizationId: access.organizationId,
        id: newId("inv"),
        email: input.email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedBy: actorUserId,
        createdAt: now,
        lastSentAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_SECONDS * 1000),
      })
      .returning();
    if (!created) throw new Error("invitation insert returned nothing");
    await recordAudit(
      tx,
      {
        action: "invitation.created",
        organizationId: access.organizationId,
        actorUserId,
        targetType: "invitation",
        targetId: created.id,
        metadata: { email: input.email, role: input.role },
      },
      meta,
      now,
    );
    await sendInvitationEmail(ctx, tx, access.organizationId, actorUserId, created, token);
    return toView(created, now);
  });
}

export async function listInvitations(ctx: AppContext, access: OrgAccess): Promise<InvitationView[]> {
  const now = ctx.clock.now();
  const rows = await withTenant(ctx.db, access.organizationId, (tx) =>
    tx.select().from(invitations).where(openInvitation(access.organizationId)).orderBy(invitations.createdAt),
  );
  return rows.map((row) => toView(row, now));
}

async function lockOpenInvitation(tx: Db, organizationId: string, invitationId: string): Promise<Invitation> {
  const [row] = await tx
    .select()
    .from(invitations)
    .where(and(openInvitation(organizationId), eq(invitations.id, invitationId)))
    .for("update");
  if (!row) throw new NotFound("Invitation");
  return row;
}

/** Sends a fresh link (the old one stops working) and restarts the 7 days. */
export async function resendInvitation(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  invitationId: string,
  meta: RequestMeta,
): Promise<InvitationView> {
  const now = ctx.clock.now();
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    await lockOrganizationSeats(tx, access.organizationId);
    const current = await lockOpenInvitation(tx, access.organizationId, invitationId);
    // An expired invitation stopped holding a seat; reviving it needs a free one again.
    if (current.expiresAt <= now) {
      const seatsUsed = (await countMembers(tx, access.organizationId)) + (await countPendingInvitations(tx, access.organizationId, now));
      await assertMayAdd(tx, access.organizationId, "seats", seatsUsed);
    }
    const token = newOpaqueToken("inv");
    const [updated] = await tx
      .update(invitations)
      .set({ tokenHash: hashToken(token), lastSentAt: now, expiresAt: new Date(now.getTime() + INVITATION_TTL_SECONDS * 1000) })
      .where(and(eq(invitations.organizationId, access.organizationId), eq(invitations.id, current.id)))
      .returning();
    if (!updated) throw new NotFound("Invitation");
    await recordAudit(
      tx,
      { action: "invitation.resent", organizationId: access.organizationId, actorUserId, targetType: "invitation", targetId: current.id },
      meta,
      now,
    );
    await sendInvitationEmail(ctx, tx, access.organizationId, actorUserId, updated, token);
    return toView(updated, now);
  });
}

export async function revokeInvitation(ctx: AppContext, access: OrgAccess, actorUserId: string, invitationId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  await withTenant(ctx.db, access.organizationId, async (tx) => {
    const current = await lockOpenInvitation(tx, access.organizationId, invitationId);
    await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.organizationId, access.organizationId), eq(invitations.id, current.id)));
    await recordAudit(
      tx,
      {
        action: "invitation.revoked",
        organizationId: access.organizationId,
        actorUserId,
        targetType: "invitation",
        targetId: current.id,
        metadata: { email: current.email },
      },
      meta,
      now,
    );
  });
}

function invalidInvitation(reason: string) {
  return new NotFound("Invitation", "INVITATION_INVALID", reason);
}

/** The only look-up by token: tokens are global, so it runs on the platform role. */
async function findOrganizationOfToken(ctx: AppContext, token: string): Promise<string> {
  const [row] = await withPlatform(ctx.db, (tx) =>
    tx
      .select({ organizationId: invitations.organizationId })
      .from(invitations)
      .where(eq(invitations.tokenHash, hashToken(token))),
  );
  if (!row) throw invalidInvitation("This invitation link is not valid. Ask for a new invitation.");
  return row.organizationId;
}

function assertUsable(invitation: Invitation | undefined, now: Date): asserts invitation is Invitation {
  if (!invitation) throw invalidInvitation("This invitation link is not valid. Ask for a new invitation.");
  if (invitation.acceptedAt) throw invalidInvitation("This invitation has already been used.");
  if (invitation.revokedAt) throw invalidInvitation("This invitation was withdrawn or replaced by a newer one.");
  if (invitation.expiresAt <= now) throw invalidInvitation("This invitation has expired. Ask for a new one.");
}

export type InvitationPreview = {
  organizationName: string;
  email: string;
  role: Role;
  inviterName: string | null;
  expiresAt: string;
  accountExists: boolean;
};

export async function previewInvitation(ctx: AppContext, token: string): Promise<InvitationPreview> {
  const now = ctx.clock.now();
  const organizationId = await findOrganizationOfToken(ctx, token);
  return withTenant(ctx.db, organizationId, async (tx) => {
    const [row] = await tx
      .select({ invitation: invitations, organizationName: organizations.name, deletedAt: organizations.deletedAt })
      .from(invitations)
      .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
      .where(eq(invitations.tokenHash, hashToken(token)));
    assertUsable(row?.deletedAt ? undefined : row?.invitation, now);
    const invitation = row?.invitation as Invitation;
    const [inviter] = invitation.invitedBy ? await tx.select({ name: users.name }).from(users).where(eq(users.id, invitation.invitedBy)) : [];
    return {
      organizationName: row?.organizationName ?? "",
      email: invitation.email,
      role: invitation.role,
      inviterName: inviter?.name ?? null,
      expiresAt: invitation.expiresAt.toISOString(),
      accountExists: Boolean(await findUserByEmail(tx, invitation.email)),
    };
  });
}

export type AcceptInput = { kind: "existing"; user: AuthenticatedUser } | { kind: "new"; name: string; password: string };

export type AcceptResult = { organizationId: string; role: Role; tokens?: TokenPair };

export async function acceptInvitation(ctx: AppContext, token: string, input: AcceptInput, meta: RequestMeta): Promise<AcceptResult> {
  const now = ctx.clock.now();
  const organizationId = await findOrganizationOfToken(ctx, token);
  const result = await withTenant(ctx.db, organizationId, async (tx) => {
    const org = await lockOrganizationSeats(tx, organizationId);
    const [locked] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.organizationId, organizationId), eq(invitations.tokenHash, hashToken(token))))
      .for("update");
    const invitation = org && !org.deletedAt ? locked : undefined;
    assertUsable(invitation, now);

    let userId: string;
    let session: Awaited<ReturnType<typeof startSession>> | undefined;
    if (input.kind === "existing") {
      if (input.user.email.toLowerCase() !== invitation.email.toLowerCase()) {
        throw new Forbidden(
          "INVITATION_EMAIL_MISMATCH",
          `This invitation is for ${invitation.email}; you are signed in as ${input.user.email}. Sign in with the invited address.`,
        );
      }
      userId = input.user.id;
    } else {
      if (await findUserByEmail(tx, invitation.email)) {
        throw new Conflict("EMAIL_TAKEN", `An account for ${invitation.email} already exists. Sign in to accept the invitation.`);
      }
      // The link arrived by email, so the address is verified.
      const user = await insertUser(tx, { email: invitation.email, name: input.name, password: input.password, verified: true }, now);
      userId = user.id;
      session = await startSession(tx, userId, meta, now);
    }
    const [existing] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
    if (existing) throw new Conflict("ALREADY_MEMBER", "You are already a member of this organization.");
    // The pending invitation already held its seat; only members count now.
    await assertMayAdd(tx, organizationId, "seats", await countMembers(tx, organizationId));
    await tx.insert(memberships).values({ organizationId, userId, role: invitation.role, createdAt: now, updatedAt: now });
    await tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedBy: userId })
      .where(and(eq(invitations.organizationId, organizationId), eq(invitations.id, invitation.id)));
    await recordAudit(
      tx,
      {
        action: "invitation.accepted",
        organizationId,
        actorUserId: userId,
        targetType: "invitation",
        targetId: invitation.id,
        metadata: { role: invitation.role },
      },
      meta,
      now,
    );
    return { userId, role: invitation.role, session };
  });
  const tokens = result.session ? await tokensForSession(ctx, result.userId, result.session, now) : undefined;
  return { organizationId, role: result.role, ...(tokens ? { tokens } : {}) };
}
