// Sign-up, sign-in, token refresh, sign-out, email verification and password reset.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { Unauthorized } from "../../errors.js";
import { requireUser } from "../../http/authorize.js";
import type { AppEnv } from "../../http/env.js";
import { requestMeta } from "../../http/request-meta.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { emailSchema, jsonBody, jsonContent, noContent, problemResponses, requiredText } from "../../http/schemas.js";
import { MAX_PASSWORD_LENGTH, passwordSchema } from "./passwords.js";
import { forgotPassword, resendVerification, resetPassword, signin, signOut, signOutEverywhere, signup, verifyEmail } from "./service.js";
import { authenticateAccessToken, revokeSessionByRefreshToken, rotateRefreshToken, type TokenPair } from "./sessions.js";
import { REFRESH_TOKEN_TTL_SECONDS } from "./tokens.js";

export const REFRESH_COOKIE = "sb_refresh";
const REFRESH_COOKIE_PATH = "/api/v1/auth";

const tokenPairSchema = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int().openapi({ description: "Seconds until the access token expires" }),
  })
  .openapi("TokenPair");

const signupBody = z
  .strictObject({
    email: emailSchema,
    password: passwordSchema,
    name: requiredText(120),
    organizationName: requiredText(120),
  })
  .openapi("SignupRequest");

const signinBody = z.strictObject({ email: emailSchema, password: z.string().min(1).max(MAX_PASSWORD_LENGTH) }).openapi("SigninRequest");
const refreshBody = z.strictObject({ refreshToken: z.string().max(200).optional() });
const tokenBody = z.strictObject({ token: z.string().min(1).max(200) });

/** The web app keeps the refresh token in an httpOnly cookie that only the auth routes receive. */
export function keepRefreshCookie(c: Context<AppEnv>, tokens: TokenPair) {
  setCookie(c, REFRESH_COOKIE, tokens.refreshToken, {
    httpOnly: true,
    sameSite: "Strict",
    secure: c.get("ctx").config.appUrl.startsWith("https://"),
    path: REFRESH_COOKIE_PATH,
    maxAge: REFRESH_TOKEN_TTL_SECONDS,
  });
}

const signupRoute = createRoute({
  method: "post",
  path: "/auth/signup",
  tags: ["Auth"],
  summary: "Create an account and its first organization",
  description: "Creates the user, an organization owned by them, and sends a verification email.",
  request: jsonBody(signupBody),
  responses: {
    201: jsonContent(tokenPairSchema.extend({ userId: z.string(), organizationId: z.string() }), "Signed up and signed in"),
    ...problemResponses(400, 409, 413, 422),
  },
});

const signinRoute = createRoute({
  method: "post",
  path: "/auth/signin",
  tags: ["Auth"],
  summary: "Sign in with email and password",
  description: "Limited to 5 failed attempts per 15 minutes per account and per IP.",
  request: jsonBody(signinBody),
  responses: { 200: jsonContent(tokenPairSchema, "Signed in"), ...problemResponses(400, 401, 422, 429) },
});

const refreshRoute = createRoute({
  method: "post",
  path: "/auth/refresh",
  tags: ["Auth"],
  summary: "Exchange a refresh token for a new token pair",
  description: `The refresh token comes in the body or the httpOnly \`${REFRESH_COOKIE}\` cookie. It is spent: re-using it signs the session out.`,
  request: { body: { required: false, content: { "application/json": { schema: refreshBody } } } },
  responses: { 200: jsonContent(tokenPairSchema, "New tokens"), ...problemResponses(400, 401, 422) },
});

const signoutRoute = createRoute({
  method: "post",
  path: "/auth/signout",
  tags: ["Auth"],
  summary: "Sign out this session",
  request: { body: { required: false, content: { "application/json": { schema: refreshBody } } } },
  responses: { ...noContent, ...problemResponses(400, 422) },
});

const signoutAllRoute = createRoute({
  method: "post",
  path: "/auth/signout-all",
  tags: ["Auth"],
  summary: "Sign out every session of this account",
  security: bearerSecurity,
  middleware: [requireUser] as const,
  responses: { ...noContent, ...problemResponses(401) },
});

const verifyRoute = createRoute({
  method: "post",
  path: "/auth/verify-email",
  tags: ["Auth"],
  summary: "Verify an email address with the emailed token",
  request: jsonBody(tokenBody),
  responses: { ...noContent, ...problemResponses(400, 422) },
});

const resendRoute = createRoute({
  method: "post",
  path: "/auth/resend-verification",
  tags: ["Auth"],
  summary: "Send the verification email again",
  security: bearerSecurity,
  middleware: [requireUser] as const,
  responses: { ...noContent, ...problemResponses(401, 429) },
});

const forgotRoute = createRoute({
  method: "post",
  path: "/auth/forgot-password",
  tags: ["Auth"],
  summary: "Email a password reset link",
  description: "Answers the same whether or not the account exists. Limited to 5 per 15 minutes per account and per IP.",
  request: jsonBody(z.strictObject({ email: emailSchema })),
  responses: { 202: jsonContent(z.object({ message: z.string() }), "Accepted"), ...problemResponses(400, 422, 429) },
});

const resetRoute = createRoute({
  method: "post",
  path: "/auth/reset-password",
  tags: ["Auth"],
  summary: "Choose a new password with the emailed token",
  description: "The token works once within 1 hour; every session of the account is signed out.",
  request: jsonBody(z.strictObject({ token: z.string().min(1).max(200), password: passwordSchema })),
  responses: { ...noContent, ...problemResponses(400, 422) },
});

export function authRoutes() {
  const router = newRouter();

  router.openapi(signupRoute, async (c) => {
    const result = await signup(c.get("ctx"), c.req.valid("json"), requestMeta(c));
    keepRefreshCookie(c, result);
    return c.json(result, 201);
  });

  router.openapi(signinRoute, async (c) => {
    const tokens = await signin(c.get("ctx"), c.req.valid("json"), requestMeta(c));
    keepRefreshCookie(c, tokens);
    return c.json(tokens, 200);
  });

  router.openapi(refreshRoute, async (c) => {
    const presented = c.req.valid("json")?.refreshToken ?? getCookie(c, REFRESH_COOKIE);
    if (!presented) throw new Unauthorized("UNAUTHENTICATED", "No refresh token was sent.");
    const tokens = await rotateRefreshToken(c.get("ctx"), presented, requestMeta(c));
    keepRefreshCookie(c, tokens);
    return c.json(tokens, 200);
  });

  router.openapi(signoutRoute, async (c) => {
    const ctx = c.get("ctx");
    const presented = c.req.valid("json")?.refreshToken ?? getCookie(c, REFRESH_COOKIE);
    const bearer = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (presented) await revokeSessionByRefreshToken(ctx, presented);
    if (bearer) {
      const user = await authenticateAccessToken(ctx, bearer).catch(() => null);
      if (user) await signOut(ctx, user.sessionId);
    }
    deleteCookie(c, REFRESH_COOKIE, { path: REFRESH_COOKIE_PATH });
    return c.body(null, 204);
  });

  router.openapi(signoutAllRoute, async (c) => {
    await signOutEverywhere(c.get("ctx"), c.get("user"), requestMeta(c));
    deleteCookie(c, REFRESH_COOKIE, { path: REFRESH_COOKIE_PATH });
    return c.body(null, 204);
  });

  router.openapi(verifyRoute, async (c) => {
    await verifyEmail(c.get("ctx"), c.req.valid("json").token, requestMeta(c));
    return c.body(null, 204);
  });

  router.openapi(resendRoute, async (c) => {
    await resendVerification(c.get("ctx"), c.get("user"));
    return c.body(null, 204);
  });

  router.openapi(forgotRoute, async (c) => {
    await forgotPassword(c.get("ctx"), c.req.valid("json").email, requestMeta(c));
    return c.json({ message: "If an account exists for this address, a reset link is on its way." }, 202);
  });

  router.openapi(resetRoute, async (c) => {
    const body = c.req.valid("json");
    await resetPassword(c.get("ctx"), body.token, body.password, requestMeta(c));
    return c.body(null, 204);
  });

  return router;
}
