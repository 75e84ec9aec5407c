// Sign-up and email verification: the account, its first organization and owner membership are
// created together (or not at all), the verification email arrives over SMTP, and its link works once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRows, countRows, expectProblem, mailJobsTo } from "../helpers/auth.js";
import { createOrgWithOwner, tokenFromLink, uniqueEmail } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

function signupInput(overrides: Partial<{ email: string; password: string; name: string; organizationName: string }> = {}) {
  return { email: uniqueEmail("signup"), password: "correct horse battery staple", name: "Sam Signup", organizationName: "Signup Dental", ...overrides };
}

async function usersWithEmail(email: string) {
  return countRows(t, "SELECT id FROM users WHERE lower(email) = lower($1)", [email]);
}

describe("sign-up", () => {
  it("answers 201 with a token pair, the user id and the organization id", async () => {
    const input = signupInput();
    const res = await t.api.post("/api/v1/auth/signup", input);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^rt_/),
      tokenType: "Bearer",
      expiresIn: 900,
      userId: expect.stringMatching(/^usr_/),
      organizationId: expect.stringMatching(/^org_/),
    });
    expect(res.body.accessToken.split(".")).toHaveLength(3);
  });

  it("creates the user, the organization and an owner membership, shown by GET /me", async () => {
    const input = signupInput({ organizationName: "Harbor Vet Clinic" });
    const res = await t.api.post("/api/v1/auth/signup", input);
    expect(res.status, res.text).toBe(201);

    const me = await t.api.get("/api/v1/me", { token: res.body.accessToken });
    expect(me.status, me.text).toBe(200);
    expect(me.body.user).toMatchObject({
      id: res.body.userId,
      email: input.email,
      name: input.name,
      emailVerified: false,
      pendingEmail: null,
      isSuperAdmin: false,
    });
    expect(me.body.memberships).toHaveLength(1);
    expect(me.body.memberships[0]).toMatchObject({
      id: res.body.organizationId,
      name: "Harbor Vet Clinic",
      slug: expect.stringMatching(/^harbor-vet-clinic/),
      role: "owner",
      status: "active",
    });

    const { rows } = await t.ownerQuery("SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2", [res.body.organizationId, res.body.userId]);
    expect(rows).toEqual([{ role: "owner" }]);
    const stored = await t.ownerQuery<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = $1", [res.body.userId]);
    expect(stored.rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
    expect(stored.rows[0]?.password_hash).not.toContain(input.password);
    expect(await auditRows(t, "auth.signup", { actorUserId: res.body.userId })).toHaveLength(1);
    expect(await auditRows(t, "org.created", { actorUserId: res.body.userId })).toEqual([
      expect.objectContaining({ organization_id: res.body.organizationId }),
    ]);
  });

  it("stores the email in lower case, trimmed", async () => {
    const email = uniqueEmail("MixedCase");
    const res = await t.api.post("/api/v1/auth/signup", signupInput({ email: `  ${email.toUpperCase()} ` }));
    expect(res.status, res.text).toBe(201);
    const { rows } = await t.ownerQuery<{ email: string }>("SELECT email FROM users WHERE id = $1", [res.body.userId]);
    expect(rows[0]?.email).toBe(email.toLowerCase());
  });

  it("sets the refresh token as an httpOnly, SameSite=Strict cookie scoped to the auth routes", async () => {
    const res = await t.api.post("/api/v1/auth/signup", signupInput());
    expect(res.status, res.text).toBe(201);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toContain(`sb_refresh=${res.body.refreshToken}`);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\/api\/v1\/auth/i);
    expect(cookie).toMatch(/;\s*Max-Age=2592000/i);
  });

  it("sends a verification email over SMTP whose link verifies the address", async () => {
    const input = signupInput({ name: "Vera Verify" });
    const res = await t.api.post("/api/v1/auth/signup", input);
    expect(res.status, res.text).toBe(201);

    const mail = await t.mail.waitFor(input.email);
    expect(mail.subject).toBe("Verify your email for Switchboard");
    expect(mail.text).toContain("Welcome to Switchboard, Vera Verify");
    const link = mail.links.find((l) => l.includes("/verify-email?token="));
    expect(link).toMatch(/^http:\/\/localhost:3000\/verify-email\?token=ve_/);
    const token = tokenFromLink(mail.links, "/verify-email");

    const verified = await t.api.post("/api/v1/auth/verify-email", { token });
    expect(verified.status, verified.text).toBe(204);
    const me = await t.api.get("/api/v1/me", { token: res.body.accessToken });
    expect(me.body.user.emailVerified).toBe(true);
    const { rows } = await t.ownerQuery<{ email_verified_at: Date | null }>("SELECT email_verified_at FROM users WHERE id = $1", [res.body.userId]);
    expect(rows[0]?.email_verified_at).toBeInstanceOf(Date);
    expect(await auditRows(t, "auth.email.verified", { actorUserId: res.body.userId })).toHaveLength(1);
  });

  it("a verification token works only once", async () => {
    const input = signupInput();
    await t.api.post("/api/v1/auth/signup", input);
    const token = tokenFromLink((await t.mail.waitFor(input.email)).links, "/verify-email");
    expect((await t.api.post("/api/v1/auth/verify-email", { token })).status).toBe(204);
    expectProblem(await t.api.post("/api/v1/auth/verify-email", { token }), 422, "TOKEN_INVALID");
  });

  it("a made-up or expired verification token is refused", async () => {
    expectProblem(await t.api.post("/api/v1/auth/verify-email", { token: "ve_not-a-real-token" }), 422, "TOKEN_INVALID");

    const input = signupInput();
    const res = await t.api.post("/api/v1/auth/signup", input);
    const token = tokenFromLink((await t.mail.waitFor(input.email)).links, "/verify-email");
    t.clock.advance(24 * 60 * 60 * 1000 + 60_000);
    expectProblem(await t.api.post("/api/v1/auth/verify-email", { token }), 422, "TOKEN_INVALID");
    const { rows } = await t.ownerQuery("SELECT email_verified_at FROM users WHERE id = $1", [res.body.userId]);
    expect(rows[0]?.email_verified_at).toBeNull();
  });

  it("a password-reset token cannot be used to verify an email", async () => {
    const owner = await createOrgWithOwner(t);
    await t.mail.waitFor(owner.email, (m) => m.subject.startsWith("Verify"));
    expect((await t.api.post("/api/v1/auth/forgot-password", { email: owner.email })).status).toBe(202);
    const resetToken = tokenFromLink((await t.mail.waitFor(owner.email, (m) => m.subject.startsWith("Reset"))).links, "/reset-password");
    expectProblem(await t.api.post("/api/v1/auth/verify-email", { token: resetToken }), 422, "TOKEN_INVALID");
  });
});

describe("sign-up with an address that is taken", () => {
  it("answers 409 EMAIL_TAKEN and writes nothing: no second user, no orphan organization", async () => {
    const first = signupInput();
    expect((await t.api.post("/api/v1/auth/signup", first)).status).toBe(201);
    const orgsBefore = await countRows(t, "SELECT id FROM organizations");
    const membershipsBefore = await countRows(t, "SELECT user_id FROM memberships");
    const sessionsBefore = await countRows(t, "SELECT id FROM sessions");

    const again = await t.api.post("/api/v1/auth/signup", signupInput({ email: first.email, organizationName: "Second Try Ltd" }));
    expectProblem(again, 409, "EMAIL_TAKEN");
    expect(again.headers.get("set-cookie")).toBeNull();

    expect(await usersWithEmail(first.email)).toBe(1);
    expect(await countRows(t, "SELECT id FROM organizations")).toBe(orgsBefore);
    expect(await countRows(t, "SELECT id FROM organizations WHERE name = 'Second Try Ltd'")).toBe(0);
    expect(await countRows(t, "SELECT user_id FROM memberships")).toBe(membershipsBefore);
    expect(await countRows(t, "SELECT id FROM sessions")).toBe(sessionsBefore);
    expect(await countRows(t, "SELECT id FROM organizations o WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = o.id)")).toBe(0);
    // Only the first sign-up's verification email was queued.
    expect(await mailJobsTo(t, first.email)).toBe(1);
  });

  it("treats the same address in another case as taken", async () => {
    const first = signupInput();
    expect((await t.api.post("/api/v1/auth/signup", first)).status).toBe(201);
    const [local, domain] = first.email.split("@") as [string, string];
    const shouted = `${local.toUpperCase()}@${domain.toUpperCase()}`;
    expectProblem(await t.api.post("/api/v1/auth/signup", signupInput({ email: shouted })), 409, "EMAIL_TAKEN");
    expect(await usersWithEmail(first.email)).toBe(1);
  });

  it("two concurrent sign-ups with one address: one succeeds, the other is 409, one user and one organization remain", async () => {
    const email = uniqueEmail("race");
    const orgName = `Race ${email}`;
    const results = await Promise.all([0, 1, 2].map(() => t.api.post("/api/v1/auth/signup", signupInput({ email, organizationName: orgName }))));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, results.map((r) => r.text).join("\n")).toEqual([201, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expectProblem(r, 409, "EMAIL_TAKEN");
    expect(await usersWithEmail(email)).toBe(1);
    expect(await countRows(t, "SELECT id FROM organizations WHERE name = $1", [orgName])).toBe(1);
  });
});

describe("resend verification", () => {
  it("sends a new working verification link to an unverified user", async () => {
    const owner = await createOrgWithOwner(t);
    await t.mail.waitFor(owner.email, (m) => m.subject.startsWith("Verify"));
    const res = await t.api.post("/api/v1/auth/resend-verification", undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(204);
    const mail = await t.mail.waitFor(owner.email, (m) => m.subject.startsWith("Verify"));
    expect((await t.api.post("/api/v1/auth/verify-email", { token: tokenFromLink(mail.links, "/verify-email") })).status).toBe(204);
    const me = await t.api.get("/api/v1/me", { token: owner.accessToken });
    expect(me.body.user.emailVerified).toBe(true);
  });

  it("sends nothing to a user who is already verified", async () => {
    const owner = await createOrgWithOwner(t);
    const token = tokenFromLink((await t.mail.waitFor(owner.email)).links, "/verify-email");
    expect((await t.api.post("/api/v1/auth/verify-email", { token })).status).toBe(204);
    expect((await t.api.post("/api/v1/auth/resend-verification", undefined, { token: owner.accessToken })).status).toBe(204);
    expect(await mailJobsTo(t, owner.email)).toBe(1);
  });

  it("is limited to 5 per 15 minutes per account", async () => {
    const owner = await createOrgWithOwner(t);
    for (let i = 0; i < 5; i++) {
      expect((await t.api.post("/api/v1/auth/resend-verification", undefined, { token: owner.accessToken })).status).toBe(204);
    }
    const limited = await t.api.post("/api/v1/auth/resend-verification", undefined, { token: owner.accessToken });
    expectProblem(limited, 429, "RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await mailJobsTo(t, owner.email)).toBe(6);
  });

  it("requires a signed-in user", async () => {
    expectProblem(await t.api.post("/api/v1/auth/resend-verification"), 401, "UNAUTHENTICATED");
  });
});
