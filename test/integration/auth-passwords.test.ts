// Forgot/reset password (emailed single-use link, 1 hour, signs every session out) and change
// password (needs the current one, keeps this session, signs the others out, sends a notice).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRows, expectProblem, mailJobsTo, sessionsOf } from "../helpers/auth.js";
import { createOrgWithOwner, signIn, type TestOrgOwner, tokenFromLink, uniqueEmail } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

const NEW_PASSWORD = "a brand new passphrase";

function me(token: string) {
  return t.api.get("/api/v1/me", { token });
}

async function requestReset(owner: { email: string }) {
  const res = await t.api.post("/api/v1/auth/forgot-password", { email: owner.email });
  expect(res.status, res.text).toBe(202);
  const mail = await t.mail.waitFor(owner.email, (m) => m.subject === "Reset your Switchboard password");
  return { mail, token: tokenFromLink(mail.links, "/reset-password") };
}

function reset(token: string, password = NEW_PASSWORD) {
  return t.api.post("/api/v1/auth/reset-password", { token, password });
}

describe("forgot password", () => {
  it("emails a link to /reset-password?token=… and answers 202", async () => {
    const owner = await createOrgWithOwner(t);
    const res = await t.api.post("/api/v1/auth/forgot-password", { email: owner.email });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ message: "If an account exists for this address, a reset link is on its way." });
    const mail = await t.mail.waitFor(owner.email, (m) => m.subject === "Reset your Switchboard password");
    expect(mail.links.find((l) => l.includes("/reset-password"))).toMatch(/^http:\/\/localhost:3000\/reset-password\?token=pr_[\w-]+$/);
    expect(mail.text).toContain("expires in 1 hour");
    expect(await auditRows(t, "auth.password.reset_requested", { actorUserId: owner.userId })).toHaveLength(1);
  });

  it("finds the account whatever the case of the address", async () => {
    const owner = await createOrgWithOwner(t);
    expect((await t.api.post("/api/v1/auth/forgot-password", { email: owner.email.toUpperCase() })).status).toBe(202);
    await t.mail.waitFor(owner.email, (m) => m.subject.startsWith("Reset"));
  });

  it("answers an unknown email with the same 202 and sends no mail", async () => {
    const owner = await createOrgWithOwner(t);
    const unknown = uniqueEmail("nobody");
    const known = await t.api.post("/api/v1/auth/forgot-password", { email: owner.email });
    const res = await t.api.post("/api/v1/auth/forgot-password", { email: unknown });
    expect(res.status).toBe(known.status);
    expect(res.body).toEqual(known.body);
    expect(res.headers.get("content-type")).toBe(known.headers.get("content-type"));
    // By the time the known address's mail has arrived, the queue has passed the unknown one's turn.
    await t.mail.waitFor(owner.email, (m) => m.subject.startsWith("Reset"));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(t.mail.messages.filter((m) => m.to.includes(unknown))).toEqual([]);
    expect(await mailJobsTo(t, unknown)).toBe(0);
    expect(await t.ownerQuery("SELECT id FROM one_time_tokens WHERE email = $1", [unknown]).then((r) => r.rowCount)).toBe(0);
  });
});

describe("reset password", () => {
  it("sets the new password: the old one then fails and the new one works", async () => {
    const owner = await createOrgWithOwner(t);
    const { token } = await requestReset(owner);
    const res = await reset(token);
    expect(res.status, res.text).toBe(204);
    expectProblem(await signIn(t, owner.email, owner.password), 401, "INVALID_CREDENTIALS");
    expect((await signIn(t, owner.email, NEW_PASSWORD)).status).toBe(200);
    expect(await auditRows(t, "auth.password.reset", { actorUserId: owner.userId })).toHaveLength(1);
    await t.mail.waitFor(owner.email, (m) => m.subject === "Your Switchboard password was changed");
  });

  it("works only once: the second use is 422 TOKEN_INVALID", async () => {
    const owner = await createOrgWithOwner(t);
    const { token } = await requestReset(owner);
    expect((await reset(token)).status).toBe(204);
    expectProblem(await reset(token, "yet another passphrase"), 422, "TOKEN_INVALID");
    expect((await signIn(t, owner.email, NEW_PASSWORD)).status).toBe(200);
  });

  it("concurrent resets with one link: exactly one succeeds", async () => {
    const owner = await createOrgWithOwner(t);
    const { token } = await requestReset(owner);
    const candidates = ["first candidate pw", "second candidate pw", "third candidate pw"];
    const results = await Promise.all(candidates.map((password) => reset(token, password)));
    expect(results.map((r) => r.status).sort()).toEqual([204, 422, 422]);
    const winner = candidates[results.findIndex((r) => r.status === 204)] as string;
    for (const password of candidates) {
      expect((await signIn(t, owner.email, password)).status, password).toBe(password === winner ? 200 : 401);
    }
  });

  it("signs out every session of the account", async () => {
    const owner = await createOrgWithOwner(t);
    const laptop = (await signIn(t, owner.email, owner.password)).body;
    const { token } = await requestReset(owner);
    expect((await reset(token)).status).toBe(204);
    for (const session of [owner, laptop]) {
      expectProblem(await me(session.accessToken), 401, "TOKEN_INVALID");
      expect((await t.api.post("/api/v1/auth/refresh", { refreshToken: session.refreshToken })).status).toBe(401);
    }
    const sessions = await sessionsOf(t, owner.userId);
    expect(sessions.map((s) => s.revoked_reason)).toEqual(["password_reset", "password_reset"]);
  });

  it("a reset link older than 1 hour is refused and the password stays the same", async () => {
    const owner = await createOrgWithOwner(t);
    const { token } = await requestReset(owner);
    t.clock.advance(61 * 60 * 1000);
    expectProblem(await reset(token), 422, "TOKEN_INVALID");
    expect((await signIn(t, owner.email, owner.password)).status).toBe(200);
    expectProblem(await signIn(t, owner.email, NEW_PASSWORD), 401, "INVALID_CREDENTIALS");
  });

  it("a reset link still works just before the hour is up", async () => {
    const owner = await createOrgWithOwner(t);
    const { token } = await requestReset(owner);
    t.clock.advance(59 * 60 * 1000);
    expect((await reset(token)).status).toBe(204);
  });

  it("using one reset link cancels the other links still out there", async () => {
    const owner = await createOrgWithOwner(t);
    const first = await requestReset(owner);
    const second = await requestReset(owner);
    expect((await reset(second.token)).status).toBe(204);
    expectProblem(await reset(first.token, "sneaky other password"), 422, "TOKEN_INVALID");
    expect((await signIn(t, owner.email, NEW_PASSWORD)).status).toBe(200);
  });

  it("a made-up token or a verification token is 422 TOKEN_INVALID", async () => {
    const owner = await createOrgWithOwner(t);
    const verifyToken = tokenFromLink((await t.mail.waitFor(owner.email, (m) => m.subject.startsWith("Verify"))).links, "/verify-email");
    expectProblem(await reset("pr_made-up"), 422, "TOKEN_INVALID");
    expectProblem(await reset(verifyToken), 422, "TOKEN_INVALID");
    expect((await signIn(t, owner.email, owner.password)).status).toBe(200);
  });

  it("a too-short new password is 422 and does not spend the link", async () => {
    const owner = await createOrgWithOwner(t);
    const { token } = await requestReset(owner);
    const problem = expectProblem(await reset(token, "short"), 422, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([expect.objectContaining({ path: "body.password" })]);
    expect((await reset(token)).status).toBe(204);
  });

  it("following the reset link verifies an unverified address", async () => {
    const owner = await createOrgWithOwner(t);
    expect((await me(owner.accessToken)).body.user.emailVerified).toBe(false);
    const { token } = await requestReset(owner);
    expect((await reset(token)).status).toBe(204);
    const signedIn = await signIn(t, owner.email, NEW_PASSWORD);
    expect((await me(signedIn.body.accessToken)).body.user.emailVerified).toBe(true);
  });
});

describe("change password", () => {
  function changePassword(owner: { accessToken: string }, currentPassword: string, newPassword = NEW_PASSWORD) {
    return t.api.post("/api/v1/me/password", { currentPassword, newPassword }, { token: owner.accessToken });
  }

  it("with a wrong current password is 422 INVALID_CREDENTIALS on body.currentPassword and changes nothing", async () => {
    const owner = await createOrgWithOwner(t);
    const other = (await signIn(t, owner.email, owner.password)).body;
    const problem = expectProblem(await changePassword(owner, "not my password"), 422, "INVALID_CREDENTIALS");
    expect(problem.errors).toEqual([expect.objectContaining({ path: "body.currentPassword" })]);
    expect((await signIn(t, owner.email, owner.password)).status).toBe(200);
    expect((await me(other.accessToken)).status).toBe(200);
    expect(await auditRows(t, "auth.password.changed", { actorUserId: owner.userId })).toHaveLength(0);
  });

  it("signs out the other sessions but keeps the current one", async () => {
    const owner = await createOrgWithOwner(t);
    const other = (await signIn(t, owner.email, owner.password)).body;
    const res = await changePassword(owner, owner.password);
    expect(res.status, res.text).toBe(204);

    expect((await me(owner.accessToken)).status).toBe(200);
    const rotated = await t.api.post("/api/v1/auth/refresh", { refreshToken: owner.refreshToken });
    expect(rotated.status).toBe(200);
    expectProblem(await me(other.accessToken), 401, "TOKEN_INVALID");
    expect((await t.api.post("/api/v1/auth/refresh", { refreshToken: other.refreshToken })).status).toBe(401);
    expect((await sessionsOf(t, owner.userId)).map((s) => s.revoked_reason)).toEqual([null, "password_changed"]);
  });

  it("the new password works and the old one does not", async () => {
    const owner = await createOrgWithOwner(t);
    expect((await changePassword(owner, owner.password)).status).toBe(204);
    expectProblem(await signIn(t, owner.email, owner.password), 401, "INVALID_CREDENTIALS");
    expect((await signIn(t, owner.email, NEW_PASSWORD)).status).toBe(200);
  });

  it("emails a notice and records auth.password.changed", async () => {
    const owner = await createOrgWithOwner(t);
    expect((await changePassword(owner, owner.password)).status).toBe(204);
    const notice = await t.mail.waitFor(owner.email, (m) => m.subject === "Your Switchboard password was changed");
    expect(notice.text).toContain("If this was not you, reset your password now");
    expect(await auditRows(t, "auth.password.changed", { actorUserId: owner.userId })).toEqual([
      expect.objectContaining({ target_id: owner.userId, ip: expect.any(String) }),
    ]);
    const { rows } = await t.ownerQuery<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = $1", [owner.userId]);
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
  });

  it("a too-short new password is 422 on body.newPassword", async () => {
    const owner: TestOrgOwner = await createOrgWithOwner(t);
    const problem = expectProblem(await changePassword(owner, owner.password, "short"), 422, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([expect.objectContaining({ path: "body.newPassword" })]);
  });

  it("requires a signed-in user", async () => {
    expectProblem(await t.api.post("/api/v1/me/password", { currentPassword: "whatever1234", newPassword: NEW_PASSWORD }), 401, "UNAUTHENTICATED");
  });
});
