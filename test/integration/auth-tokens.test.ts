// Access tokens: short-lived HS256 JWTs bound to a live session. Anything expired, forged,
// tampered with, unsigned or malformed is 401 problem+json.
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../helpers/auth.js";
import { createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;
let owner: TestOrgOwner;
let other: TestOrgOwner;

beforeAll(async () => {
  t = await startTestPlatform();
  owner = await createOrgWithOwner(t);
  other = await createOrgWithOwner(t);
});
afterAll(() => t?.stop());

function b64url(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[index] ?? "", "base64url").toString("utf8"));
}

function me(token: string) {
  return t.api.get("/api/v1/me", { token });
}

/** Signs claims like the server does, but with a key, algorithm and claims the test chooses. */
async function sign(key: Uint8Array, claims: { sub?: string; sid?: string; iss?: string; aud?: string; expInSeconds?: number }, alg = "HS256") {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  const jwt = new SignJWT(claims.sid === undefined ? {} : { sid: claims.sid })
    .setProtectedHeader({ alg, typ: "JWT" })
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expInSeconds ?? 900));
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  if (claims.iss !== undefined) jwt.setIssuer(claims.iss);
  if (claims.aud !== undefined) jwt.setAudience(claims.aud);
  return jwt.sign(key);
}

function validClaims(token: string) {
  const payload = decodePart(token, 1);
  return { sub: payload.sub as string, sid: payload.sid as string, iss: "switchboard", aud: "switchboard-api" };
}

describe("access tokens", () => {
  it("a valid token works on GET /me", async () => {
    const res = await me(owner.accessToken);
    expect(res.status, res.text).toBe(200);
    expect(res.body.user.id).toBe(owner.userId);
  });

  it("the token is HS256 with the user as subject, the session id, issuer, audience and a 15-minute lifetime", async () => {
    expect(decodePart(owner.accessToken, 0)).toEqual({ alg: "HS256", typ: "JWT" });
    const payload = decodePart(owner.accessToken, 1);
    expect(payload).toMatchObject({ sub: owner.userId, sid: expect.stringMatching(/^ses_/), iss: "switchboard", aud: "switchboard-api" });
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
  });

  it("the bearer scheme is case-insensitive", async () => {
    const res = await t.api.get("/api/v1/me", { headers: { authorization: `bearer ${owner.accessToken}` } });
    expect(res.status).toBe(200);
  });

  it("no token is 401 UNAUTHENTICATED", async () => {
    expectProblem(await t.api.get("/api/v1/me"), 401, "UNAUTHENTICATED");
  });

  it.each([
    ["a Basic header", "Basic dXNlcjpwYXNz"],
    ["Bearer with no token", "Bearer "],
    ["Bearer with two parts", "Bearer abc def"],
    ["a bare token without scheme", "eyJhbGciOiJIUzI1NiJ9.e30.x"],
  ])("%s is 401 UNAUTHENTICATED", async (_label, authorization) => {
    expectProblem(await t.api.get("/api/v1/me", { headers: { authorization } }), 401, "UNAUTHENTICATED");
  });

  it("an expired token is 401 TOKEN_EXPIRED", async () => {
    const fresh = await createOrgWithOwner(t);
    t.clock.advance(16 * 60 * 1000);
    const problem = expectProblem(await me(fresh.accessToken), 401, "TOKEN_EXPIRED");
    expect(problem.detail).toMatch(/expired/i);
    // A refreshed token works again.
    const refreshed = await t.api.post("/api/v1/auth/refresh", { refreshToken: fresh.refreshToken });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect((await me(refreshed.body.accessToken)).status).toBe(200);
  });

  it("a token is still valid just before its 15 minutes are up", async () => {
    const fresh = await createOrgWithOwner(t);
    t.clock.advance(14 * 60 * 1000);
    expect((await me(fresh.accessToken)).status).toBe(200);
  });

  it("a token signed with another key is 401 TOKEN_INVALID", async () => {
    const forged = await sign(new Uint8Array(randomBytes(32)), validClaims(owner.accessToken));
    expectProblem(await me(forged), 401, "TOKEN_INVALID");
  });

  it('an unsigned token (alg "none") is 401 TOKEN_INVALID', async () => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const payload = { ...validClaims(owner.accessToken), iat: now, exp: now + 900 };
    expectProblem(await me(`${b64url({ alg: "none", typ: "JWT" })}.${b64url(payload)}.`), 401, "TOKEN_INVALID");
    expectProblem(await me(`${b64url({ alg: "none", typ: "JWT" })}.${b64url(payload)}`), 401, "TOKEN_INVALID");
    expectProblem(await me(`${b64url({ alg: "NONE" })}.${b64url(payload)}.${owner.accessToken.split(".")[2]}`), 401, "TOKEN_INVALID");
  });

  it("a token whose payload was changed to another user is 401 TOKEN_INVALID", async () => {
    const [header, payload, signature] = owner.accessToken.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const tampered = `${header}.${b64url({ ...claims, sub: other.userId })}.${signature}`;
    expectProblem(await me(tampered), 401, "TOKEN_INVALID");
    const extended = `${header}.${b64url({ ...claims, exp: claims.exp + 86_400 })}.${signature}`;
    expectProblem(await me(extended), 401, "TOKEN_INVALID");
  });

  it("a token with a flipped signature byte is 401 TOKEN_INVALID", async () => {
    const [header, payload, signature] = owner.accessToken.split(".") as [string, string, string];
    const bytes = Buffer.from(signature, "base64url");
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    expectProblem(await me(`${header}.${payload}.${bytes.toString("base64url")}`), 401, "TOKEN_INVALID");
  });

  it.each([
    ["random text", "garbage"],
    ["three empty parts", ".."],
    ["non-base64 parts", "%%%.&&&.***"],
    ["JSON that is not an object", `${b64url("[]")}.${b64url("[]")}.sig`],
    ["a very long token", "a".repeat(10_000)],
  ])("a malformed token (%s) is 401 TOKEN_INVALID", async (_label, token) => {
    expectProblem(await me(token), 401, "TOKEN_INVALID");
  });

  it("a token signed with the server's key but the wrong issuer, audience or algorithm is refused", async () => {
    const key = t.platform.ctx.accessTokenKey;
    const claims = validClaims(owner.accessToken);
    expect((await me(await sign(key, claims))).status).toBe(200); // the control: right key, right claims
    expectProblem(await me(await sign(key, { ...claims, iss: "someone-else" })), 401, "TOKEN_INVALID");
    expectProblem(await me(await sign(key, { ...claims, aud: "another-api" })), 401, "TOKEN_INVALID");
    expectProblem(await me(await sign(key, claims, "HS512")), 401, "TOKEN_INVALID");
    expectProblem(await me(await sign(key, { ...claims, sid: undefined })), 401, "TOKEN_INVALID");
    expectProblem(await me(await sign(key, { ...claims, sub: undefined })), 401, "TOKEN_INVALID");
  });

  it("a correctly signed token naming a session that does not exist, or another user's session, is refused", async () => {
    const key = t.platform.ctx.accessTokenKey;
    const mine = validClaims(owner.accessToken);
    const theirs = validClaims(other.accessToken);
    expectProblem(await me(await sign(key, { ...mine, sid: "ses_doesnotexist" })), 401, "TOKEN_INVALID");
    expectProblem(await me(await sign(key, { ...mine, sid: theirs.sid })), 401, "TOKEN_INVALID");
  });

  it("a refresh token is not accepted as an access token", async () => {
    expectProblem(await me(owner.refreshToken), 401, "TOKEN_INVALID");
  });

  it("a refused token gets a body that reveals no library internals", async () => {
    const res = await me("garbage");
    expect(res.text).not.toMatch(/jose|JWS|stack|at \w+ \(/);
  });
});
