// Account flows: sign up, sign in, verify email, forgot/reset password, change password and
// email, sign out. Emails are enqueued in the same transaction as the change (outbox).
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { isUniqueViolation } from "../../db/errors.js";
import { newId } from "../../db/ids.js";
import { withAccount } from "../../db/transaction.js";
import { Conflict, Invalid, NotFound, Unauthorized } from "../../errors.js";
import type { AuthenticatedUser } from "../../http/env.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { recordAudit } from "../audit/service.js";
import { createOrganizationInTransaction } from "../organizations/service.js";
import { emailChangedMessage, passwordChangedMessage, resetPasswordMessage, verifyEmailMessage } from "./emails.js";
import { hashPassword, verifyAgainstDecoy, verifyPassword } from "./passwords.js";
import { oneTimeTokens, users } from "./schema.js";
import { revokeAllSessions, revokeSession, startSession, type TokenPair, tokensForSession } from "./sessions.js";
import { hashToken, newOpaqueToken } from "./tokens.js";

export const VERIFY_EMAIL_TTL_SECONDS = 24 * 60 * 60;
export const RESET_PASSWORD_TTL_SECONDS = 60 * 60;

export type User = typeof users.$inferSelect;

export async function findUserByEmail(tx: Db, email: string): Promise<User | undefined> {
  const [user] = await tx.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return user;
}

async function createOneTimeToken(tx: Db, userId: string, purpose: "verify_email" | "reset_password", email: string, ttlSeconds: number, now: Date) {
  const token = newOpaqueToken(purpose === "verify_email" ? "ve" : "pr");
  await tx.insert(oneTimeTokens).values({
    id: newId("ott"),
    userId,
    purpose,
    email,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
  });
  return token;
}

/** Spends a one-time token: valid only once, before it expires, for its purpose. */
async function spendOneTimeToken(tx: Db, token: string, purpose: "verify_email" | "reset_password", now: Date) {
  const [spent] = await tx
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(
      and(eq(oneTimeTokens.tokenHash, hashToken(token)), eq(oneTimeTokens.purpose, purpose), isNull(oneTimeTokens.usedAt), gt(oneTimeTokens.expiresAt, now)),
    )
    .returning();
  return spent;
}

export async function insertUser(tx: Db, input: { email: string; name: string; password: string; verified: boolean }, now: Date): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  try {
    const [user] = await tx
      .insert(users)
      .values({
        id: newId("usr"),
        email: input.email,
        name: input.name,
        passwordHash,
        emailVerifiedAt: input.verified ? now : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!user) throw new Error("user insert returned nothing");
    return user;
  } catch (error) {
    if (isUniqueViolation(error, "users_email_lower_key")) throw emailTaken();
    throw error;
  }
}

function emailTaken() {
  return new Conflict("EMAIL_TAKEN", "An account with this email already exists. Sign in instead, or reset your password.");
}

export type SignupInput = { email: string; password: string; name: string; organizationName: string };

export async function signup(ctx: AppContext, input: SignupInput, meta: RequestMeta) {
  const now = ctx.clock.now();
  const result = await withAccount(ctx.db, async (tx) => {
    if (await findUserByEmail(tx, input.email)) throw emailTaken();
    const user = await insertUser(tx, { ...input, verified: false }, now);
    await recordAudit(tx, { action: "auth.signup", actorUserId: user.id, targetType: "user", targetId: user.id }, meta, now);
    const verifyToken = await createOneTimeToken(tx, user.id, "verify_email", user.email, VERIFY_EMAIL_TTL_SECONDS, now);
    await ctx.jobs.enqueue(tx, "mail.send", verifyEmailMessage(ctx.config.appUrl, user.email, user.name, verifyToken, false));
    const session = await startSession(tx, user.id, meta, now);
    const organizationId = await createOrganizationInTransaction(tx, { name: input.organizationName, ownerUserId: user.id }, meta, now);
    return { user, session, organizationId };
  });
  const tokens = await tokensForSession(ctx, result.user.id, result.session, now);
  return { ...tokens, userId: result.user.id, organizationId: result.organizationId };
}

export async function signin(ctx: AppContext, input: { email: string; password: string }, meta: RequestMeta): Promise<TokenPair> {
  const accountKey = `signin:account:${input.email}`;
  const ipKey = `signin:ip:${meta.ip}`;
  // Counted before the password is checked, so concurrent guesses cannot slip past the limit.
  await ctx.bruteForce.consume([accountKey, ipKey]);
  const now = ctx.clock.now();
  const user = await withAccount(ctx.db, (tx) => findUserByEmail(tx, input.email));
  const passwordMatches = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDecoy(input.password);
  if (!user || !passwordMatches) {
    await withAccount(ctx.db, (tx) =>
      recordAudit(
        tx,
        { action: "auth.signin.failed", actorUserId: user?.id ?? null, metadata: { email: input.email, reason: user ? "wrong_password" : "unknown_email" } },
        meta,
        now,
      ),
    );
    throw new Unauthorized("INVALID_CREDENTIALS", "The email or password is incorrect.");
  }
  await Promise.all([ctx.bruteForce.clear(accountKey), ctx.bruteForce.refund([ipKey])]);
  const session = await withAccount(ctx.db, async (tx) => {
    await recordAudit(tx, { action: "auth.signin.succeeded", actorUserId: user.id, targetType: "user", targetId: user.id }, meta, now);
    return startSession(tx, user.id, meta, now);
  });
  return tokensForSession(ctx, user.id, session, now);
}

export async function verifyEmail(ctx: AppContext, token: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  await withAccount(ctx.db, async (tx) => {
    const spent = await spendOneTimeToken(tx, token, "verify_email", now);
    if (!spent) throw new Invalid("TOKEN_INVALID", "This verification link is invalid, expired or already used. Ask for a new one.");
    const [user] = await tx.select().from(users).where(eq(users.id, spent.userId)).for("update");
    if (!user) throw new NotFound("User");
    if (spent.email.toLowerCase() === user.email.toLowerCase()) {
      await tx.update(users).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, user.id));
      await recordAudit(tx, { action: "auth.email.verified", actorUserId: user.id, targetType: "user", targetId: user.id }, meta, now);
      return;
    }
    // A verified change of address.
    if (user.pendingEmail?.toLowerCase() !== spent.email.toLowerCase()) {
      throw new Invalid("TOKEN_INVALID", "This link is for an email change that was replaced by a newer one.");
    }
    try {
      await tx.update(users).set({ email: spent.email, pendingEmail: null, emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, user.id));
    } catch (error) {
      if (isUniqueViolation(error, "users_email_lower_key")) throw emailTaken();
      throw error;
    }
    await recordAudit(
      tx,
      { action: "auth.email.changed", actorUserId: user.id, targetType: "user", targetId: user.id, metadata: { from: user.email, to: spent.email } },
      meta,
      now,
    );
    await ctx.jobs.enqueue(tx, "mail.send", emailChangedMessage(user.email, spent.email));
  });
}

export async function resendVerification(ctx: AppContext, user: AuthenticatedUser): Promise<void> {
  if (user.emailVerified) return;
  await ctx.bruteForce.consume([`verify:account:${user.id}`]);
  const now = ctx.clock.now();
  await withAccount(ctx.db, async (tx) => {
    const token = await createOneTimeToken(tx, user.id, "verify_email", user.email, VERIFY_EMAIL_TTL_SECONDS, now);
    await ctx.jobs.enqueue(tx, "mail.send", verifyEmailMessage(ctx.config.appUrl, user.email, user.name, token, false));
  });
}

/** Always answers the same way, whether or not the account exists. */
export async function forgotPassword(ctx: AppContext, email: string, meta: RequestMeta): Promise<void> {
  await ctx.bruteForce.consume([`forgot:account:${email}`, `forgot:ip:${meta.ip}`]);
  const now = ctx.clock.now();
  await withAccount(ctx.db, async (tx) => {
    const user = await findUserByEmail(tx, email);
    if (!user) return;
    const token = await createOneTimeToken(tx, user.id, "reset_password", user.email, RESET_PASSWORD_TTL_SECONDS, now);
    await recordAudit(tx, { action: "auth.password.reset_requested", actorUserId: user.id, targetType: "user", targetId: user.id }, meta, now);
    await ctx.jobs.enqueue(tx, "mail.send", resetPasswordMessage(ctx.config.appUrl, user.email, token));
  });
}

export async function resetPassword(ctx: AppContext, token: string, newPassword: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  const passwordHash = await hashPassword(newPassword);
  await withAccount(ctx.db, async (tx) => {
    const spent = await spendOneTimeToken(tx, token, "reset_password", now);
    if (!spent) throw new Invalid("TOKEN_INVALID", "This reset link is invalid, expired or already used. Ask for a new one.");
    // A link sent to an address the account has since moved away from must not take it over.
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, spent.userId)).for("update");
    if (!user || user.email.toLowerCase() !== spent.email.toLowerCase()) {
      throw new Invalid("TOKEN_INVALID", "This reset link was sent to an address this account no longer uses. Ask for a new one.");
    }
    // Following the emailed link proves the address, so it counts as verified.
    await tx
      .update(users)
      .set({ passwordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})`, updatedAt: now })
      .where(eq(users.id, spent.userId));
    // Any other reset links still out there stop working too.
    await tx
      .update(oneTimeTokens)
      .set({ usedAt: now })
      .where(and(eq(oneTimeTokens.userId, spent.userId), eq(oneTimeTokens.purpose, "reset_password"), isNull(oneTimeTokens.usedAt)));
    await revokeAllSessions(tx, spent.userId, "password_reset", now);
    await recordAudit(tx, { action: "auth.password.reset", actorUserId: spent.userId, targetType: "user", targetId: spent.userId }, meta, now);
    await ctx.jobs.enqueue(tx, "mail.send", passwordChangedMessage(spent.email));
  });
}

/**
 * Re-checks a signed-in user's password before a sensitive change. Limited like sign-in, so a
 * stolen session cannot be used to guess the password.
 */
async function confirmPassword(ctx: AppContext, user: User, password: string, field: string): Promise<void> {
  const key = `password-check:${user.id}`;
  await ctx.bruteForce.consume([key]);
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw new Invalid("INVALID_CREDENTIALS", "The password is incorrect.", [{ path: field, message: "Incorrect password." }]);
  }
  await ctx.bruteForce.refund([key]);
}

export async function changePassword(
  ctx: AppContext,
  actor: AuthenticatedUser,
  input: { currentPassword: string; newPassword: string },
  meta: RequestMeta,
): Promise<void> {
  const now = ctx.clock.now();
  const user = await withAccount(ctx.db, async (tx) => (await tx.select().from(users).where(eq(users.id, actor.id)))[0]);
  if (!user) throw new NotFound("User");
  await confirmPassword(ctx, user, input.currentPassword, "body.currentPassword");
  const passwordHash = await hashPassword(input.newPassword);
  await withAccount(ctx.db, async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, actor.id));
    await revokeAllSessions(tx, actor.id, "password_changed", now, actor.sessionId);
    await recordAudit(tx, { action: "auth.password.changed", actorUserId: actor.id, targetType: "user", targetId: actor.id }, meta, now);
    await ctx.jobs.enqueue(tx, "mail.send", passwordChangedMessage(user.email));
  });
}

export async function requestEmailChange(
  ctx: AppContext,
  actor: AuthenticatedUser,
  input: { newEmail: string; password: string },
  meta: RequestMeta,
): Promise<void> {
  const now = ctx.clock.now();
  await withAccount(ctx.db, async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, actor.id)).for("update");
    if (!user) throw new NotFound("User");
    await confirmPassword(ctx, user, input.password, "body.password");
    if (user.email.toLowerCase() === input.newEmail)
      throw new Invalid("VALIDATION_FAILED", "This is already your email address.", [{ path: "body.newEmail", message: "Same as the current address." }]);
    if (await findUserByEmail(tx, input.newEmail)) throw emailTaken();
    await tx.update(users).set({ pendingEmail: input.newEmail, updatedAt: now }).where(eq(users.id, user.id));
    const token = await createOneTimeToken(tx, user.id, "verify_email", input.newEmail, VERIFY_EMAIL_TTL_SECONDS, now);
    await recordAudit(
      tx,
      { action: "auth.email.change_requested", actorUserId: user.id, targetType: "user", targetId: user.id, metadata: { to: input.newEmail } },
      meta,
      now,
    );
    await ctx.jobs.enqueue(tx, "mail.send", verifyEmailMessage(ctx.config.appUrl, input.newEmail, user.name, token, true));
  });
}

export async function updateProfile(ctx: AppContext, actor: AuthenticatedUser, input: { name: string }): Promise<void> {
  const now = ctx.clock.now();
  await withAccount(ctx.db, (tx) => tx.update(users).set({ name: input.name, updatedAt: now }).where(eq(users.id, actor.id)));
}

export async function signOut(ctx: AppContext, sessionId: string): Promise<void> {
  const now = ctx.clock.now();
  await withAccount(ctx.db, (tx) => revokeSession(tx, sessionId, "signed_out", now));
}

export async function signOutEverywhere(ctx: AppContext, actor: AuthenticatedUser, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  await withAccount(ctx.db, async (tx) => {
    await revokeAllSessions(tx, actor.id, "signed_out_everywhere", now);
    await recordAudit(tx, { action: "auth.signout_everywhere", actorUserId: actor.id, targetType: "user", targetId: actor.id }, meta, now);
  });
}

export async function getUser(ctx: AppContext, userId: string): Promise<User> {
  const [user] = await withAccount(ctx.db, (tx) => tx.select().from(users).where(eq(users.id, userId)));
  if (!user) throw new NotFound("User");
  return user;
}
