// Sessions: refresh tokens rotate on every use and a re-used one signs the whole session (the
// token family) out; sign-out ends one session, sign-out-everywhere ends them all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRows, expectProblem, sessionsOf } from "../helpers/auth.js";
import { createOrgWithOwner, signIn, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

function refresh(refreshToken: string) {
  return t.api.post("/api/v1/auth/refresh", { refreshToken });
}

function refreshWithCookie(refreshToken: string) {
  return t.api.post("/api/v1/auth/refresh", undefined, { headers: { cookie: `sb_refresh=${refreshToken}` } });
}

function me(token: string) {
  return t.api.get("/api/v1/me", { token });
}

async function secondSession(owner: TestOrgOwner) {
  const res = await signIn(t, owner.email, owner.password);
  expect(res.status, res.text).toBe(200);
  return res.body as { accessToken: string; refreshToken: string };
}

describe("refresh token rotation", () => {
  it("a refresh returns a new token pair in the same session and spends the old refresh token", async () => {
    const owner = await createOrgWithOwner(t);
    const res = await refresh(owner.refreshToken);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.stringMatching(/^rt_/), tokenType: "Bearer", expiresIn: 900 });
    expect(res.body.refreshToken).not.toBe(owner.refreshToken);
    expect(res.headers.get("set-cookie")).toContain(`sb_refresh=${res.body.refreshToken}`);
    expect((await me(res.body.accessToken)).status).toBe(200);

    const { rows } = await t.ownerQuery<{ used: boolean }>(
      "SELECT rt.used_at IS NOT NULL AS used FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id WHERE s.user_id = $1 ORDER BY rt.created_at, rt.used_at NULLS LAST",
      [owner.userId],
    );
    expect(rows).toEqual([{ used: true }, { used: false }]);
    expect(await sessionsOf(t, owner.userId)).toHaveLength(1);
  });

  it("the new refresh token rotates again, and the chain keeps working", async () => {
    const owner = await createOrgWithOwner(t);
    let current = owner.refreshToken;
    for (let i = 0; i < 4; i++) {
      const res = await refresh(current);
      expect(res.status, res.text).toBe(200);
      current = res.body.refreshToken;
    }
    const last = await refresh(current);
    expect(last.status).toBe(200);
    expect((await me(last.body.accessToken)).status).toBe(200);
  });

  it("re-using a rotated refresh token is 401 REFRESH_TOKEN_REUSED and revokes the family", async () => {
    const owner = await createOrgWithOwner(t);
    const rotated = await refresh(owner.refreshToken);
    expect(rotated.status).toBe(200);

    expectProblem(await refresh(owner.refreshToken), 401, "REFRESH_TOKEN_REUSED");

    // The newest refresh token and every access token of the session stop working too.
    expectProblem(await refresh(rotated.body.refreshToken), 401, "TOKEN_INVALID");
    expectProblem(await me(rotated.body.accessToken), 401, "TOKEN_INVALID");
    expectProblem(await me(owner.accessToken), 401, "TOKEN_INVALID");
    expect(await sessionsOf(t, owner.userId)).toEqual([expect.objectContaining({ revoked_at: expect.any(Date), revoked_reason: "refresh_token_reused" })]);
    expect(await auditRows(t, "auth.refresh_token.reused", { actorUserId: owner.userId })).toHaveLength(1);
  });

  it("a reused refresh token revokes only its own session; the user's other sessions keep working", async () => {
    const owner = await createOrgWithOwner(t);
    const laptop = await secondSession(owner);
    expect((await refresh(owner.refreshToken)).status).toBe(200);
    expect((await refresh(owner.refreshToken)).status).toBe(401);
    expect((await me(laptop.accessToken)).status).toBe(200);
    expect((await refresh(laptop.refreshToken)).status).toBe(200);
  });

  it("re-using the refresh token from further back in the chain also revokes the family", async () => {
    const owner = await createOrgWithOwner(t);
    const first = await refresh(owner.refreshToken);
    const second = await refresh(first.body.refreshToken);
    expect(second.status).toBe(200);
    expectProblem(await refresh(owner.refreshToken), 401, "REFRESH_TOKEN_REUSED");
    expectProblem(await me(second.body.accessToken), 401, "TOKEN_INVALID");
    expectProblem(await refresh(second.body.refreshToken), 401, "TOKEN_INVALID");
  });

  it("refresh works with the sb_refresh cookie instead of a body, and sets the next cookie", async () => {
    const owner = await createOrgWithOwner(t);
    const res = await refreshWithCookie(owner.refreshToken);
    expect(res.status, res.text).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toContain(`sb_refresh=${res.body.refreshToken}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect((await me(res.body.accessToken)).status).toBe(200);
    // The cookie's token was spent like a body token.
    expectProblem(await refreshWithCookie(owner.refreshToken), 401, "REFRESH_TOKEN_REUSED");
  });

  it("refresh with neither a body nor a cookie is 401 UNAUTHENTICATED", async () => {
    expectProblem(await t.api.post("/api/v1/auth/refresh"), 401, "UNAUTHENTICATED");
    expectProblem(await t.api.post("/api/v1/auth/refresh", {}), 401, "UNAUTHENTICATED");
  });

  it("an unknown refresh token is 401 TOKEN_INVALID", async () => {
    expectProblem(await refresh("rt_made-up-token"), 401, "TOKEN_INVALID");
  });

  it("an access token is not accepted as a refresh token", async () => {
    const owner = await createOrgWithOwner(t);
    const res = await refresh(owner.accessToken);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get("content-type")).toMatch(/problem\+json/);
    expect((await refresh(owner.refreshToken)).status).toBe(200);
  });

  it("concurrent refreshes of one token: exactly one succeeds", async () => {
    const owner = await createOrgWithOwner(t);
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(owner.refreshToken)));
    const statuses = results.map((r) => r.status);
    expect(
      statuses.filter((s) => s === 200),
      results.map((r) => r.text).join("\n"),
    ).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(4);
    for (const r of results.filter((x) => x.status === 401)) expect(r.headers.get("content-type")).toMatch(/problem\+json/);
    const issued = await t.ownerQuery("SELECT rt.id FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id WHERE s.user_id = $1", [owner.userId]);
    expect(issued.rows).toHaveLength(2); // the original and exactly one successor
  });
});

describe("sign out", () => {
  it("revokes that session: its access and refresh tokens stop working, other sessions keep working", async () => {
    const owner = await createOrgWithOwner(t);
    const other = await secondSession(owner);
    const res = await t.api.post("/api/v1/auth/signout", { refreshToken: owner.refreshToken }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/^sb_refresh=;.*Max-Age=0/i);

    expectProblem(await me(owner.accessToken), 401, "TOKEN_INVALID");
    expect((await refresh(owner.refreshToken)).status).toBe(401);
    expect((await me(other.accessToken)).status).toBe(200);
    expect((await refresh(other.refreshToken)).status).toBe(200);
    const sessions = await sessionsOf(t, owner.userId);
    expect(sessions.map((s) => s.revoked_reason)).toEqual(["signed_out", null]);
  });

  it("with only the access token, the session's refresh token stops working too", async () => {
    const owner = await createOrgWithOwner(t);
    expect((await t.api.post("/api/v1/auth/signout", undefined, { token: owner.accessToken })).status).toBe(204);
    expect((await me(owner.accessToken)).status).toBe(401);
    expect((await refresh(owner.refreshToken)).status).toBe(401);
  });

  it("with only the refresh cookie, the session's access token stops working too", async () => {
    const owner = await createOrgWithOwner(t);
    const res = await t.api.post("/api/v1/auth/signout", undefined, { headers: { cookie: `sb_refresh=${owner.refreshToken}` } });
    expect(res.status).toBe(204);
    expect((await me(owner.accessToken)).status).toBe(401);
    expect((await refresh(owner.refreshToken)).status).toBe(401);
  });

  it("with no credentials answers 204 and revokes nothing", async () => {
    const owner = await createOrgWithOwner(t);
    expect((await t.api.post("/api/v1/auth/signout")).status).toBe(204);
    expect((await me(owner.accessToken)).status).toBe(200);
  });

  it("a signed-out user can sign in again", async () => {
    const owner = await createOrgWithOwner(t);
    await t.api.post("/api/v1/auth/signout", { refreshToken: owner.refreshToken }, { token: owner.accessToken });
    const again = await signIn(t, owner.email, owner.password);
    expect(again.status).toBe(200);
    expect((await me(again.body.accessToken)).status).toBe(200);
  });

  it("sign out everywhere revokes every session of the user and no one else's", async () => {
    const owner = await createOrgWithOwner(t);
    const bystander = await createOrgWithOwner(t);
    const tablet = await secondSession(owner);
    const phone = await secondSession(owner);
    const res = await t.api.post("/api/v1/auth/signout-all", undefined, { token: tablet.accessToken });
    expect(res.status, res.text).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/^sb_refresh=;.*Max-Age=0/i);

    for (const session of [owner, tablet, phone]) {
      expectProblem(await me(session.accessToken), 401, "TOKEN_INVALID");
      expect((await refresh(session.refreshToken)).status).toBe(401);
    }
    const sessions = await sessionsOf(t, owner.userId);
    expect(sessions).toHaveLength(3);
    expect(sessions.every((s) => s.revoked_reason === "signed_out_everywhere")).toBe(true);
    expect((await me(bystander.accessToken)).status).toBe(200);
    expect(await auditRows(t, "auth.signout_everywhere", { actorUserId: owner.userId })).toHaveLength(1);
  });

  it("sign out everywhere requires a signed-in user", async () => {
    expectProblem(await t.api.post("/api/v1/auth/signout-all"), 401, "UNAUTHENTICATED");
  });
});

describe("session lifetime", () => {
  it("a refresh token older than 30 days is 401 TOKEN_EXPIRED", async () => {
    const owner = await createOrgWithOwner(t);
    t.clock.advance(31 * 24 * 60 * 60 * 1000);
    expectProblem(await refresh(owner.refreshToken), 401, "TOKEN_EXPIRED");
  });
});
