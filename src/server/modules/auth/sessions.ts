// Sessions and their rotating refresh tokens. Each refresh spends the presented token and issues
// a new one in the same session (the token family); presenting a spent token again means it
// was stolen or replayed, so the whole session is revoked.
import { and, eq, isNull, ne } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { withAccount } from "../../db/transaction.js";
import { Unauthorized } from "../../errors.js";
import type { AuthenticatedUser } from "../../http/env.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { recordAudit } from "../audit/service.js";
import { refreshTokens, sessions, users } from "./schema.js";
import { ACCESS_TOKEN_TTL_SECONDS, hashToken, newOpaqueToken, REFRESH_TOKEN_TTL_SECONDS, signAccessToken, verifyAccessToken } from "./tokens.js";

export type TokenPair = { accessToken: string; refreshToken: string; tokenType: "Bearer"; expiresIn: number };

async function issueRefreshToken(tx: Db, sessionId: string, now: Date): Promise<string> {
  const refreshToken = newOpaqueToken("rt");
  await tx.insert(refreshTokens).values({
    id: newId("rtk"),
    sessionId,
    tokenHash: hashToken(refreshToken),
    createdAt: now,
    expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000),
  });
  return refreshToken;
}

async function tokenPair(ctx: AppContext, userId: string, sessionId: string, refreshToken: string, now: Date): Promise<TokenPair> {
  const accessToken = await signAccessToken(ctx.accessTokenKey, { userId, sessionId }, now);
  return { accessToken, refreshToken, tokenType: "Bearer", expiresIn: ACCESS_TOKEN_TTL_SECONDS };
}

/** Starts a session inside the caller's transaction; sign the access token after it commits. */
export async function startSession(tx: Db, userId: string, meta: RequestMeta, now: Date) {
  const sessionId = newId("ses");
  await tx.insert(sessions).values({ id: sessionId, userId, ip: meta.ip, userAgent: meta.userAgent, createdAt: now, lastUsedAt: now });
  const refreshToken = await issueRefreshToken(tx, sessionId, now);
  return { sessionId, refreshToken };
}

export function tokensForSession(ctx: AppContext, userId: string, session: { sessionId: string; refreshToken: string }, now: Date) {
  return tokenPair(ctx, userId, session.sessionId, session.refreshToken, now);
}

export async function rotateRefreshToken(ctx: AppContext, presented: string, meta: RequestMeta): Promise<TokenPair> {
  const now = ctx.clock.now();
  const tokenHash = hashToken(presented);
  const outcome = await withAccount(ctx.db, async (tx) => {
    // Spending is one atomic UPDATE, so two concurrent refreshes cannot both succeed.
    const [spent] = await tx
      .update(refreshTokens)
      .set({ usedAt: now })
      .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.usedAt)))
      .returning();
    if (!spent) {
      const [reused] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
      if (!reused) return { kind: "unknown" as const };
      const [session] = await tx
        .update(sessions)
        .set({ revokedAt: now, revokedReason: "refresh_token_reused" })
        .where(and(eq(sessions.id, reused.sessionId), isNull(sessions.revokedAt)))
        .returning();
      if (session) {
        await recordAudit(tx, { action: "auth.refresh_token.reused", actorUserId: session.userId, targetType: "session", targetId: session.id }, meta, now);
      }
      return { kind: "reused" as const };
    }
    const [session] = await tx.select().from(sessions).where(eq(sessions.id, spent.sessionId));
    if (!session || session.revokedAt) return { kind: "revoked" as const };
    if (spent.expiresAt <= now) return { kind: "expired" as const };
    await tx.update(sessions).set({ lastUsedAt: now, ip: meta.ip }).where(eq(sessions.id, session.id));
    const refreshToken = await issueRefreshToken(tx, session.id, now);
    return { kind: "rotated" as const, userId: session.userId, sessionId: session.id, refreshToken };
  });
  switch (outcome.kind) {
    case "rotated":
      return tokenPair(ctx, outcome.userId, outcome.sessionId, outcome.refreshToken, now);
    case "reused":
      throw new Unauthorized("REFRESH_TOKEN_REUSED", "This refresh token was already used; the session has been signed out for safety. Sign in again.");
    case "expired":
      throw new Unauthorized("TOKEN_EXPIRED", "The session has expired. Sign in again.");
    default:
      throw new Unauthorized("TOKEN_INVALID", "The refresh token is not valid. Sign in again.");
  }
}

/** Verifies an access token and that its session is still live; revocation takes effect at once. */
export async function authenticateAccessToken(ctx: AppContext, token: string): Promise<AuthenticatedUser> {
  const claims = await verifyAccessToken(ctx.accessTokenKey, token, ctx.clock.now());
  const [row] = await withAccount(ctx.db, (tx) =>
    tx
      .select({ user: users, revokedAt: sessions.revokedAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.id, claims.sessionId), eq(sessions.userId, claims.userId))),
  );
  if (!row || row.revokedAt) throw new Unauthorized("TOKEN_INVALID", "This session has ended. Sign in again.");
  return {
    id: row.user.id,
    email: row.user.email,
    name: row.user.name,
    isSuperAdmin: row.user.isSuperAdmin,
    emailVerified: row.user.emailVerifiedAt !== null,
    sessionId: claims.sessionId,
  };
}

export async function revokeSessionByRefreshToken(ctx: AppContext, presented: string): Promise<void> {
  const now = ctx.clock.now();
  await withAccount(ctx.db, async (tx) => {
    const [token] = await tx
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashToken(presented)));
    if (token) await revokeSession(tx, token.sessionId, "signed_out", now);
  });
}

export async function revokeSession(tx: Db, sessionId: string, reason: string, now: Date): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Revokes every live session of a user, optionally keeping one (the caller's own). */
export async function revokeAllSessions(tx: Db, userId: string, reason: string, now: Date, keepSessionId?: string): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keepSessionId ? ne(sessions.id, keepSessionId) : undefined));
}
