// The signed-in user's own account: GET /me with memberships, PATCH /me, and changing the
// sign-in email (confirmed from the new address, with a notice to the old one).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRows, expectProblem, mailJobsTo } from "../helpers/auth.js";
import { createOrgWithOwner, signIn, type TestOrgOwner, tokenFromLink, uniqueEmail } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

function me(token: string) {
  return t.api.get("/api/v1/me", { token });
}

describe("GET /me", () => {
  it("without a token is 401 UNAUTHENTICATED", async () => {
    expectProblem(await t.api.get("/api/v1/me"), 401, "UNAUTHENTICATED");
  });

  it("shows the user and every organization they belong to, with their role in each", async () => {
    const owner = await createOrgWithOwner(t, { name: "Mia Member", organizationName: "Zulu Dental" });
    const created = await t.api.post("/api/v1/orgs", { name: "Alpha Plumbing" }, { token: owner.accessToken });
    expect(created.status, created.text).toBe(201);

    const res = await me(owner.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      id: owner.userId,
      email: owner.email,
      name: "Mia Member",
      emailVerified: false,
      pendingEmail: null,
      isSuperAdmin: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(res.body.memberships.map((m: { name: string; role: string }) => [m.name, m.role])).toEqual([
      ["Alpha Plumbing", "owner"],
      ["Zulu Dental", "owner"],
    ]);
    expect(res.body.user).not.toHaveProperty("passwordHash");
    expect(res.text).not.toContain("argon2");
  });

  it("does not show another user's organizations", async () => {
    const a = await createOrgWithOwner(t);
    const b = await createOrgWithOwner(t);
    const res = await me(a.accessToken);
    expect(res.body.memberships.map((m: { id: string }) => m.id)).toEqual([a.organizationId]);
    expect(res.body.memberships.map((m: { id: string }) => m.id)).not.toContain(b.organizationId);
  });
});

describe("PATCH /me", () => {
  it("updates the name", async () => {
    const owner = await createOrgWithOwner(t, { name: "Old Name" });
    const res = await t.api.patch("/api/v1/me", { name: "New Name" }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: owner.userId, email: owner.email, name: "New Name" });
    expect((await me(owner.accessToken)).body.user.name).toBe("New Name");
    const { rows } = await t.ownerQuery<{ name: string; changed: boolean }>("SELECT name, updated_at > created_at AS changed FROM users WHERE id = $1", [
      owner.userId,
    ]);
    expect(rows).toEqual([{ name: "New Name", changed: true }]);
  });

  it("without a token is 401 and changes nothing", async () => {
    const owner = await createOrgWithOwner(t, { name: "Kept Name" });
    expectProblem(await t.api.patch("/api/v1/me", { name: "Hijacked" }), 401, "UNAUTHENTICATED");
    expect((await me(owner.accessToken)).body.user.name).toBe("Kept Name");
  });

  it.each([
    ["an empty name", { name: "" }, ["body.name"]],
    ["a blank name", { name: "   " }, ["body.name"]],
    ["a name over 120 characters", { name: "n".repeat(121) }, ["body.name"]],
    ["no name", {}, ["body.name"]],
    ["an email field", { name: "Fine", email: "takeover@example.com" }, ["body.email"]],
    ["a super-admin flag", { name: "Fine", isSuperAdmin: true }, ["body.isSuperAdmin"]],
  ])("with %s is 422 and changes nothing", async (_label, body, paths) => {
    const owner = await createOrgWithOwner(t, { name: "Steady Name" });
    const problem = expectProblem(await t.api.patch("/api/v1/me", body, { token: owner.accessToken }), 422, "VALIDATION_FAILED");
    expect((problem.errors ?? []).map((e) => e.path)).toEqual(paths);
    const user = (await me(owner.accessToken)).body.user;
    expect(user).toMatchObject({ name: "Steady Name", email: owner.email, isSuperAdmin: false });
  });
});

describe("change email", () => {
  function changeEmail(owner: TestOrgOwner, newEmail: string, password = owner.password) {
    return t.api.post("/api/v1/me/email", { newEmail, password }, { token: owner.accessToken });
  }

  async function confirmationFor(newEmail: string) {
    const mail = await t.mail.waitFor(newEmail, (m) => m.subject === "Confirm your new email address");
    return tokenFromLink(mail.links, "/verify-email");
  }

  it("with a wrong password is 422 INVALID_CREDENTIALS and sends nothing", async () => {
    const owner = await createOrgWithOwner(t);
    const newEmail = uniqueEmail("new");
    const problem = expectProblem(await changeEmail(owner, newEmail, "not my password"), 422, "INVALID_CREDENTIALS");
    expect(problem.errors).toEqual([expect.objectContaining({ path: "body.password" })]);
    expect((await me(owner.accessToken)).body.user.pendingEmail).toBeNull();
    expect(await mailJobsTo(t, newEmail)).toBe(0);
  });

  it("to an address another account uses is 409 EMAIL_TAKEN, in any case", async () => {
    const owner = await createOrgWithOwner(t);
    const other = await createOrgWithOwner(t);
    expectProblem(await changeEmail(owner, other.email), 409, "EMAIL_TAKEN");
    expectProblem(await changeEmail(owner, other.email.toUpperCase()), 409, "EMAIL_TAKEN");
    expect((await me(owner.accessToken)).body.user.pendingEmail).toBeNull();
  });

  it("to the current address is 422", async () => {
    const owner = await createOrgWithOwner(t);
    const problem = expectProblem(await changeEmail(owner, owner.email.toUpperCase()), 422, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([expect.objectContaining({ path: "body.newEmail" })]);
  });

  it("to an invalid address is 422 on body.newEmail", async () => {
    const owner = await createOrgWithOwner(t);
    const problem = expectProblem(await changeEmail(owner, "not-an-address"), 422, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([expect.objectContaining({ path: "body.newEmail" })]);
  });

  it("requires a signed-in user", async () => {
    expectProblem(await t.api.post("/api/v1/me/email", { newEmail: uniqueEmail("x"), password: "whatever1234" }), 401, "UNAUTHENTICATED");
  });

  it("sends the confirmation to the new address and changes nothing until it is followed", async () => {
    const owner = await createOrgWithOwner(t);
    const newEmail = uniqueEmail("moved");
    const res = await changeEmail(owner, newEmail);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toEqual({ message: "Check the new address for a confirmation link." });

    const mail = await t.mail.waitFor(newEmail, (m) => m.subject === "Confirm your new email address");
    expect(mail.links.find((l) => l.includes("/verify-email"))).toMatch(/^http:\/\/localhost:3000\/verify-email\?token=ve_/);
    expect((await me(owner.accessToken)).body.user).toMatchObject({ email: owner.email, pendingEmail: newEmail });
    expect((await signIn(t, owner.email, owner.password)).status).toBe(200);
    expectProblem(await signIn(t, newEmail, owner.password), 401, "INVALID_CREDENTIALS");
    expect(await auditRows(t, "auth.email.change_requested", { actorUserId: owner.userId })).toEqual([expect.objectContaining({ metadata: { to: newEmail } })]);
  });

  it("following the confirmation link applies the change, notifies the old address and is audited", async () => {
    const owner = await createOrgWithOwner(t);
    const newEmail = uniqueEmail("moved");
    expect((await changeEmail(owner, newEmail)).status).toBe(202);
    const confirmed = await t.api.post("/api/v1/auth/verify-email", { token: await confirmationFor(newEmail) });
    expect(confirmed.status, confirmed.text).toBe(204);

    expect((await me(owner.accessToken)).body.user).toMatchObject({ email: newEmail, pendingEmail: null, emailVerified: true });
    expect((await signIn(t, newEmail, owner.password)).status).toBe(200);
    expectProblem(await signIn(t, owner.email, owner.password), 401, "INVALID_CREDENTIALS");

    const notice = await t.mail.waitFor(owner.email, (m) => m.subject === "Your Switchboard sign-in email was changed");
    expect(notice.text).toContain(newEmail);
    expect(await auditRows(t, "auth.email.changed", { actorUserId: owner.userId })).toEqual([
      expect.objectContaining({ target_id: owner.userId, metadata: { from: owner.email, to: newEmail } }),
    ]);
  });

  it("the confirmation link works only once", async () => {
    const owner = await createOrgWithOwner(t);
    const newEmail = uniqueEmail("once");
    await changeEmail(owner, newEmail);
    const token = await confirmationFor(newEmail);
    expect((await t.api.post("/api/v1/auth/verify-email", { token })).status).toBe(204);
    expectProblem(await t.api.post("/api/v1/auth/verify-email", { token }), 422, "TOKEN_INVALID");
  });

  it("a newer change request replaces the older one: the older link no longer works", async () => {
    const owner = await createOrgWithOwner(t);
    const first = uniqueEmail("first");
    const second = uniqueEmail("second");
    await changeEmail(owner, first);
    const firstToken = await confirmationFor(first);
    await changeEmail(owner, second);
    const secondToken = await confirmationFor(second);

    expectProblem(await t.api.post("/api/v1/auth/verify-email", { token: firstToken }), 422, "TOKEN_INVALID");
    expect((await me(owner.accessToken)).body.user).toMatchObject({ email: owner.email, pendingEmail: second });
    expect((await t.api.post("/api/v1/auth/verify-email", { token: secondToken })).status).toBe(204);
    expect((await me(owner.accessToken)).body.user).toMatchObject({ email: second, pendingEmail: null });
  });

  it("if someone else takes the new address before it is confirmed, confirming is 409 and nothing changes", async () => {
    const owner = await createOrgWithOwner(t);
    const contested = uniqueEmail("contested");
    await changeEmail(owner, contested);
    const token = await confirmationFor(contested);
    await createOrgWithOwner(t, { email: contested });

    expectProblem(await t.api.post("/api/v1/auth/verify-email", { token }), 409, "EMAIL_TAKEN");
    expect((await me(owner.accessToken)).body.user).toMatchObject({ email: owner.email, pendingEmail: contested });
    const { rows } = await t.ownerQuery("SELECT id FROM users WHERE lower(email) = lower($1)", [contested]);
    expect(rows).toHaveLength(1);
  });

  it("a password-reset link sent to the previous address stops working after the change", async () => {
    const owner = await createOrgWithOwner(t);
    expect((await t.api.post("/api/v1/auth/forgot-password", { email: owner.email })).status).toBe(202);
    const resetMail = await t.mail.waitFor(owner.email, (m) => m.subject === "Reset your Switchboard password");
    const resetToken = tokenFromLink(resetMail.links, "/reset-password");
    const newEmail = uniqueEmail("moved-away");
    await changeEmail(owner, newEmail);
    expect((await t.api.post("/api/v1/auth/verify-email", { token: await confirmationFor(newEmail) })).status).toBe(204);

    expectProblem(await t.api.post("/api/v1/auth/reset-password", { token: resetToken, password: "taken over password" }), 422, "TOKEN_INVALID");
    expect((await signIn(t, newEmail, owner.password)).status).toBe(200);
    expect((await me(owner.accessToken)).status).toBe(200);
  });

  it("a sign-up verification link for the previous address verifies nothing after the change", async () => {
    const owner = await createOrgWithOwner(t);
    const oldVerify = tokenFromLink((await t.mail.waitFor(owner.email, (m) => m.subject.startsWith("Verify"))).links, "/verify-email");
    const newEmail = uniqueEmail("after");
    await changeEmail(owner, newEmail);
    expect((await t.api.post("/api/v1/auth/verify-email", { token: await confirmationFor(newEmail) })).status).toBe(204);
    expectProblem(await t.api.post("/api/v1/auth/verify-email", { token: oldVerify }), 422, "TOKEN_INVALID");
    expect((await me(owner.accessToken)).body.user).toMatchObject({ email: newEmail });
  });
});

describe("password re-checks", () => {
  it("a signed-in session gets 5 wrong guesses of the current password per 15 minutes, across password and email changes", async () => {
    const owner = await createOrgWithOwner(t);
    for (let i = 0; i < 3; i++) {
      const res = await t.api.post(
        "/api/v1/me/password",
        { currentPassword: `wrong guess ${i}`, newPassword: "a brand new password" },
        { token: owner.accessToken },
      );
      expectProblem(res, 422, "INVALID_CREDENTIALS");
    }
    for (let i = 0; i < 2; i++) {
      const res = await t.api.post("/api/v1/me/email", { newEmail: uniqueEmail("new"), password: `wrong guess ${i}` }, { token: owner.accessToken });
      expectProblem(res, 422, "INVALID_CREDENTIALS");
    }
    const blocked = await t.api.post(
      "/api/v1/me/password",
      { currentPassword: owner.password, newPassword: "a brand new password" },
      { token: owner.accessToken },
    );
    expectProblem(blocked, 429, "RATE_LIMITED");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    const stillOld = await signIn(t, owner.email, owner.password);
    expect(stillOld.status).toBe(200);
  });

  it("a right password does not use up an attempt", async () => {
    const owner = await createOrgWithOwner(t);
    let password = owner.password;
    for (let i = 0; i < 6; i++) {
      const next = `rotated password number ${i}`;
      const res = await t.api.post("/api/v1/me/password", { currentPassword: password, newPassword: next }, { token: owner.accessToken });
      expect(res.status, res.text).toBe(204);
      password = next;
    }
  });
});
