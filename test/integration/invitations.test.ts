// Invitations by email: the link that arrives over SMTP, preview, accepting as a new or an
// existing user, single use, expiry, resend, revoke, duplicates, seats, who may invite whom,
// and the audit trail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTeammate, createOrgWithOwner, signIn, type TestOrgOwner, tokenFromLink, uniqueEmail } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { describeRouteSecurity } from "../helpers/route-security.js";
import type { ReceivedMail } from "../helpers/smtp.js";

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;
const NEW_PASSWORD = "a brand new password";

async function proOrg(): Promise<TestOrgOwner> {
  const owner = await createOrgWithOwner(t);
  await t.ownerQuery("UPDATE organizations SET plan_id = 'pro' WHERE id = $1", [owner.organizationId]);
  return owner;
}

const invitationsPath = (owner: TestOrgOwner) => `/api/v1/orgs/${owner.organizationId}/invitations`;

const isInvitationMail = (mail: ReceivedMail) => mail.links.some((link) => link.includes("/invitations/"));

/** Invites an address and returns the invitation and the token from the link that arrived by email. */
async function invite(owner: TestOrgOwner, email: string, role = "member", token = owner.accessToken) {
  const res = await t.api.post(invitationsPath(owner), { email, role }, { token });
  expect(res.status, res.text).toBe(201);
  const mail = await t.mail.waitFor(email, isInvitationMail);
  return { invitation: res.body, mail, token: tokenFromLink(mail.links, "/invitations/") };
}

async function auditActions(organizationId: string, prefix: string) {
  const { rows } = await t.ownerQuery<{ action: string; actor_user_id: string; target_id: string }>(
    "SELECT action, actor_user_id, target_id FROM audit_log WHERE organization_id = $1 AND action LIKE $2 ORDER BY created_at",
    [organizationId, `${prefix}%`],
  );
  return rows;
}

/** Moves the platform clock forward for the body of a test and back afterwards (access tokens live 15 minutes). */
async function later<T>(ms: number, body: () => Promise<T>): Promise<T> {
  t.clock.advance(ms);
  try {
    return await body();
  } finally {
    t.clock.advance(-ms);
  }
}

describe("creating an invitation", () => {
  it("emails the invitee a link /invitations/<token> over SMTP and lists the invitation as pending", async () => {
    const owner = await proOrg();
    const email = uniqueEmail("invitee");
    const res = await t.api.post(invitationsPath(owner), { email: email.toUpperCase(), role: "admin" }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ email, role: "admin", status: "pending", invitedBy: owner.userId });
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)).toBe(SEVEN_DAYS_MS);

    const mail = await t.mail.waitFor(email);
    expect(mail.subject).toContain(owner.organizationName);
    expect(mail.text).toContain("an admin");
    const link = mail.links.find((l) => l.includes("/invitations/"));
    expect(link).toMatch(/^http:\/\/localhost:3000\/invitations\/inv_[^/\s]+$/);
    expect(mail.html).toContain(link);

    const list = await t.api.get(invitationsPath(owner), { token: owner.accessToken });
    expect(list.body.items).toEqual([expect.objectContaining({ id: res.body.id, email, role: "admin", status: "pending" })]);
    // Only the hash of the token is stored.
    const { rows } = await t.ownerQuery<{ token_hash: string }>("SELECT token_hash FROM invitations WHERE id = $1", [res.body.id]);
    expect(rows[0]?.token_hash).not.toContain(tokenFromLink(mail.links, "/invitations/"));
  });

  it("refuses a second pending invitation to the same address, in any letter case (409 INVITATION_PENDING)", async () => {
    const owner = await proOrg();
    const email = uniqueEmail("twice");
    await invite(owner, email);
    const res = await t.api.post(invitationsPath(owner), { email: email.toUpperCase(), role: "viewer" }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(409);
    expect(res.body.code).toBe("INVITATION_PENDING");
  });

  it("refuses to invite someone who is already a member (409 ALREADY_MEMBER)", async () => {
    const owner = await proOrg();
    const member = await addTeammate(t, owner, "member");
    for (const email of [member.email, owner.email.toUpperCase()]) {
      const res = await t.api.post(invitationsPath(owner), { email, role: "viewer" }, { token: owner.accessToken });
      expect(res.status, res.text).toBe(409);
      expect(res.body.code).toBe("ALREADY_MEMBER");
    }
  });

  it("refuses members and viewers (403)", async () => {
    const owner = await proOrg();
    for (const role of ["member", "viewer"] as const) {
      const teammate = await addTeammate(t, owner, role);
      const res = await t.api.post(invitationsPath(owner), { email: uniqueEmail(), role: "viewer" }, { token: teammate.accessToken });
      expect(res.status, res.text).toBe(403);
      expect(res.body.code).toBe("FORBIDDEN");
    }
  });

  it("lets an admin invite admins, members and viewers but not owners (403)", async () => {
    const owner = await proOrg();
    const admin = await addTeammate(t, owner, "admin");
    for (const role of ["admin", "member", "viewer"]) {
      const res = await t.api.post(invitationsPath(owner), { email: uniqueEmail(role), role }, { token: admin.accessToken });
      expect(res.status, res.text).toBe(201);
    }
    const asOwner = await t.api.post(invitationsPath(owner), { email: uniqueEmail("would-be-owner"), role: "owner" }, { token: admin.accessToken });
    expect(asOwner.status, asOwner.text).toBe(403);
    expect(asOwner.body.code).toBe("FORBIDDEN");
  });

  it("lets an owner invite another owner", async () => {
    const owner = await proOrg();
    const { token } = await invite(owner, uniqueEmail("co-owner"), "owner");
    const accepted = await t.api.post(`/api/v1/invitations/${token}/accept`, { name: "Co Owner", password: NEW_PASSWORD });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.role).toBe("owner");
  });

  it.each([
    ["an invalid email", { email: "not-an-email", role: "member" }, "body.email"],
    ["an unknown role", { email: "ok@example.com", role: "janitor" }, "body.role"],
    ["a missing role", { email: "ok@example.com" }, "body.role"],
  ])("answers 422 for %s", async (_label, body, path) => {
    const owner = await proOrg();
    const res = await t.api.post(invitationsPath(owner), body, { token: owner.accessToken });
    expect(res.status, res.text).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe("the seat limit", () => {
  it("on Free (2 seats) holds a seat for a pending invitation and refuses the next with 403 SEAT_LIMIT_REACHED", async () => {
    const owner = await createOrgWithOwner(t);
    const first = await invite(owner, uniqueEmail("seat-one"));
    const res = await t.api.post(invitationsPath(owner), { email: uniqueEmail("seat-two"), role: "member" }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(403);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body).toMatchObject({ status: 403, code: "SEAT_LIMIT_REACHED", title: "Plan limit reached", limit: 2, used: 2, resource: "seats" });
    expect(res.body.detail).toContain("Free");

    // Withdrawing the pending invitation frees its seat.
    expect((await t.api.delete(`${invitationsPath(owner)}/${first.invitation.id}`, undefined, { token: owner.accessToken })).status).toBe(204);
    const retry = await t.api.post(invitationsPath(owner), { email: uniqueEmail("seat-two"), role: "member" }, { token: owner.accessToken });
    expect(retry.status, retry.text).toBe(201);
  });

  it("two simultaneous invitations on Free cannot both take the last seat", async () => {
    for (let round = 0; round < 3; round++) {
      const owner = await createOrgWithOwner(t);
      const results = await Promise.all(
        ["race-a", "race-b", "race-c"].map((label) =>
          t.api.post(invitationsPath(owner), { email: uniqueEmail(label), role: "member" }, { token: owner.accessToken }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 403, 403]);
      const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM invitations WHERE organization_id = $1", [owner.organizationId]);
      expect(rows[0]?.n).toBe(1);
    }
  });

  it("an expired invitation no longer holds a seat", async () => {
    const owner = await createOrgWithOwner(t);
    await invite(owner, uniqueEmail("stale"));
    await later(SEVEN_DAYS_MS + 1000, async () => {
      const fresh = await signIn(t, owner.email, owner.password);
      const res = await t.api.post(invitationsPath(owner), { email: uniqueEmail("fresh"), role: "member" }, { token: fresh.body.accessToken });
      expect(res.status, res.text).toBe(201);
    });
  });

  it("resending an expired invitation when the seats are taken is refused with 403 SEAT_LIMIT_REACHED", async () => {
    const owner = await createOrgWithOwner(t);
    const stale = await invite(owner, uniqueEmail("stale"));
    await later(SEVEN_DAYS_MS + 1000, async () => {
      const token = (await signIn(t, owner.email, owner.password)).body.accessToken;
      expect((await t.api.post(invitationsPath(owner), { email: uniqueEmail("fresh"), role: "member" }, { token })).status).toBe(201);
      const resend = await t.api.post(`${invitationsPath(owner)}/${stale.invitation.id}/resend`, undefined, { token });
      expect(resend.status, resend.text).toBe(403);
      expect(resend.body.code).toBe("SEAT_LIMIT_REACHED");
      const { rows } = await t.ownerQuery<{ n: number }>(
        "SELECT count(*)::int AS n FROM invitations WHERE organization_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
        [owner.organizationId, t.clock.now()],
      );
      expect(rows[0]?.n).toBe(1);
    });
  });

  it("a plan change applies at once: on Starter the third seat is available", async () => {
    const owner = await createOrgWithOwner(t);
    await invite(owner, uniqueEmail("one"));
    expect((await t.api.post(invitationsPath(owner), { email: uniqueEmail("two"), role: "member" }, { token: owner.accessToken })).status).toBe(403);
    await t.ownerQuery("UPDATE organizations SET plan_id = 'starter' WHERE id = $1", [owner.organizationId]);
    expect((await t.api.post(invitationsPath(owner), { email: uniqueEmail("two"), role: "member" }, { token: owner.accessToken })).status).toBe(201);
  });
});

describe("previewing an invitation link", () => {
  it("shows the organization, role, address, inviter and whether an account exists, without signing in", async () => {
    const owner = await proOrg();
    const newcomer = await invite(owner, uniqueEmail("newcomer"), "viewer");
    const preview = await t.api.get(`/api/v1/invitations/${newcomer.token}`);
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toEqual({
      organizationName: owner.organizationName,
      email: newcomer.invitation.email,
      role: "viewer",
      inviterName: owner.name,
      expiresAt: newcomer.invitation.expiresAt,
      accountExists: false,
    });

    const existing = await createOrgWithOwner(t);
    const { token } = await invite(owner, existing.email);
    expect((await t.api.get(`/api/v1/invitations/${token}`)).body.accountExists).toBe(true);
  });

  it("answers 404 INVITATION_INVALID for an unknown token", async () => {
    const res = await t.api.get("/api/v1/invitations/inv_not-a-real-token");
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("INVITATION_INVALID");
  });
});

describe("accepting an invitation", () => {
  it("as a new user: creates a verified account with the invited role and signs it in", async () => {
    const owner = await proOrg();
    const { invitation, token } = await invite(owner, uniqueEmail("new"), "viewer");
    const res = await t.api.post(`/api/v1/invitations/${token}/accept`, { name: "Nina Newcomer", password: NEW_PASSWORD });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      organizationId: owner.organizationId,
      role: "viewer",
      tokenType: "Bearer",
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });

    const me = await t.api.get("/api/v1/me", { token: res.body.accessToken });
    expect(me.body.user).toMatchObject({ email: invitation.email, name: "Nina Newcomer", emailVerified: true });
    expect(me.body.memberships).toEqual([expect.objectContaining({ id: owner.organizationId, role: "viewer" })]);
    expect((await signIn(t, invitation.email, NEW_PASSWORD)).status).toBe(200);
    expect((await t.api.get(invitationsPath(owner), { token: owner.accessToken })).body.items).toEqual([]);
    const { rows } = await t.ownerQuery<{ accepted_by: string }>("SELECT accepted_by FROM invitations WHERE id = $1", [invitation.id]);
    expect(rows[0]?.accepted_by).toBe(me.body.user.id);
  });

  it("as a new user, requires a name and a password (422)", async () => {
    const owner = await proOrg();
    const { token } = await invite(owner, uniqueEmail("lazy"));
    const res = await t.api.post(`/api/v1/invitations/${token}/accept`, {});
    expect(res.status, res.text).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["body.name", "body.password"]);
    const weak = await t.api.post(`/api/v1/invitations/${token}/accept`, { name: "Lazy", password: "short" });
    expect(weak.status).toBe(422);
    expect((await t.api.get(`/api/v1/invitations/${token}`)).status).toBe(200);
  });

  it("as an existing user signed in with the invited address: joins with that account", async () => {
    const owner = await proOrg();
    const existing = await createOrgWithOwner(t);
    const { token } = await invite(owner, existing.email.toUpperCase(), "admin");
    const res = await t.api.post(`/api/v1/invitations/${token}/accept`, undefined, { token: existing.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ organizationId: owner.organizationId, role: "admin" });
    const orgs = await t.api.get("/api/v1/orgs", { token: existing.accessToken });
    expect(orgs.body.items.map((o: { id: string; role: string }) => [o.id, o.role]).sort()).toEqual(
      [
        [existing.organizationId, "owner"],
        [owner.organizationId, "admin"],
      ].sort(),
    );
  });

  it("signed in with a different address: 403 INVITATION_EMAIL_MISMATCH, and the link still works for the right person", async () => {
    const owner = await proOrg();
    const invitee = await createOrgWithOwner(t);
    const intruder = await createOrgWithOwner(t);
    const { token } = await invite(owner, invitee.email);
    const res = await t.api.post(`/api/v1/invitations/${token}/accept`, undefined, { token: intruder.accessToken });
    expect(res.status, res.text).toBe(403);
    expect(res.body.code).toBe("INVITATION_EMAIL_MISMATCH");
    expect((await t.api.get(`/api/v1/orgs/${owner.organizationId}`, { token: intruder.accessToken })).status).toBe(404);
    const right = await t.api.post(`/api/v1/invitations/${token}/accept`, undefined, { token: invitee.accessToken });
    expect(right.status, right.text).toBe(200);
  });

  it("for an address with an account, but not signed in: 409 EMAIL_TAKEN and no second account", async () => {
    const owner = await proOrg();
    const existing = await createOrgWithOwner(t);
    const { token } = await invite(owner, existing.email);
    const res = await t.api.post(`/api/v1/invitations/${token}/accept`, { name: "Impostor", password: NEW_PASSWORD });
    expect(res.status, res.text).toBe(409);
    expect(res.body.code).toBe("EMAIL_TAKEN");
    const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE lower(email) = lower($1)", [existing.email]);
    expect(rows[0]?.n).toBe(1);
    expect((await signIn(t, existing.email, NEW_PASSWORD)).status).toBe(401);
  });

  it("works once: a second accept is 404 INVITATION_INVALID", async () => {
    const owner = await proOrg();
    const { token } = await invite(owner, uniqueEmail("once"));
    expect((await t.api.post(`/api/v1/invitations/${token}/accept`, { name: "Once", password: NEW_PASSWORD })).status).toBe(200);
    const again = await t.api.post(`/api/v1/invitations/${token}/accept`, { name: "Twice", password: NEW_PASSWORD });
    expect(again.status, again.text).toBe(404);
    expect(again.body.code).toBe("INVITATION_INVALID");
    const preview = await t.api.get(`/api/v1/invitations/${token}`);
    expect(preview.status).toBe(404);
    expect(preview.body.code).toBe("INVITATION_INVALID");
  });

  it("two simultaneous accepts of one link make one member", async () => {
    const owner = await proOrg();
    const { token } = await invite(owner, uniqueEmail("race"));
    const results = await Promise.all([
      t.api.post(`/api/v1/invitations/${token}/accept`, { name: "Racer One", password: NEW_PASSWORD }),
      t.api.post(`/api/v1/invitations/${token}/accept`, { name: "Racer Two", password: NEW_PASSWORD }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
    const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM memberships WHERE organization_id = $1", [owner.organizationId]);
    expect(rows[0]?.n).toBe(2);
  });

  it("expires after 7 days: 404 INVITATION_INVALID, and it shows as expired", async () => {
    const owner = await proOrg();
    const { token } = await invite(owner, uniqueEmail("slow"));
    await later(SEVEN_DAYS_MS - 60_000, async () => {
      expect((await t.api.get(`/api/v1/invitations/${token}`)).status).toBe(200);
    });
    await later(SEVEN_DAYS_MS + 1000, async () => {
      const preview = await t.api.get(`/api/v1/invitations/${token}`);
      expect(preview.status).toBe(404);
      expect(preview.body.code).toBe("INVITATION_INVALID");
      const accept = await t.api.post(`/api/v1/invitations/${token}/accept`, { name: "Too Late", password: NEW_PASSWORD });
      expect(accept.status).toBe(404);
      expect(accept.body.code).toBe("INVITATION_INVALID");
      const fresh = (await signIn(t, owner.email, owner.password)).body.accessToken;
      const list = await t.api.get(invitationsPath(owner), { token: fresh });
      expect(list.body.items).toEqual([expect.objectContaining({ status: "expired" })]);
    });
  });

  it("an expired invitation can be replaced by a new one to the same address", async () => {
    const owner = await proOrg();
    const email = uniqueEmail("again");
    const old = await invite(owner, email);
    await later(SEVEN_DAYS_MS + 1000, async () => {
      const token = (await signIn(t, owner.email, owner.password)).body.accessToken;
      const res = await t.api.post(invitationsPath(owner), { email, role: "viewer" }, { token });
      expect(res.status, res.text).toBe(201);
      const list = await t.api.get(invitationsPath(owner), { token });
      expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([res.body.id]);
      expect(res.body.id).not.toBe(old.invitation.id);
    });
  });
});

describe("resending and revoking", () => {
  it("resend emails a new link, the old link stops working, and the 7 days restart", async () => {
    const owner = await proOrg();
    const email = uniqueEmail("resend");
    const first = await invite(owner, email);
    t.clock.advance(60_000);
    const res = await t.api.post(`${invitationsPath(owner)}/${first.invitation.id}/resend`, undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toBe(first.invitation.id);
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.parse(first.invitation.expiresAt));
    const second = tokenFromLink((await t.mail.waitFor(email, isInvitationMail)).links, "/invitations/");
    expect(second).not.toBe(first.token);

    const old = await t.api.get(`/api/v1/invitations/${first.token}`);
    expect(old.status).toBe(404);
    expect(old.body.code).toBe("INVITATION_INVALID");
    expect((await t.api.post(`/api/v1/invitations/${first.token}/accept`, { name: "Old Link", password: NEW_PASSWORD })).status).toBe(404);
    const accepted = await t.api.post(`/api/v1/invitations/${second}/accept`, { name: "New Link", password: NEW_PASSWORD });
    expect(accepted.status, accepted.text).toBe(200);
  });

  it("revoke kills the link and removes the invitation from the list", async () => {
    const owner = await proOrg();
    const admin = await addTeammate(t, owner, "admin");
    const { invitation, token } = await invite(owner, uniqueEmail("revoked"));
    const res = await t.api.delete(`${invitationsPath(owner)}/${invitation.id}`, undefined, { token: admin.accessToken });
    expect(res.status, res.text).toBe(204);
    const preview = await t.api.get(`/api/v1/invitations/${token}`);
    expect(preview.status).toBe(404);
    expect(preview.body.code).toBe("INVITATION_INVALID");
    expect((await t.api.get(invitationsPath(owner), { token: owner.accessToken })).body.items).toEqual([]);
    const again = await t.api.delete(`${invitationsPath(owner)}/${invitation.id}`, undefined, { token: owner.accessToken });
    expect(again.status).toBe(404);
    const resend = await t.api.post(`${invitationsPath(owner)}/${invitation.id}/resend`, undefined, { token: owner.accessToken });
    expect(resend.status).toBe(404);
  });

  it("an accepted invitation can be neither resent nor revoked (404)", async () => {
    const owner = await proOrg();
    const { invitation, token } = await invite(owner, uniqueEmail("done"));
    expect((await t.api.post(`/api/v1/invitations/${token}/accept`, { name: "Done", password: NEW_PASSWORD })).status).toBe(200);
    expect((await t.api.post(`${invitationsPath(owner)}/${invitation.id}/resend`, undefined, { token: owner.accessToken })).status).toBe(404);
    expect((await t.api.delete(`${invitationsPath(owner)}/${invitation.id}`, undefined, { token: owner.accessToken })).status).toBe(404);
  });
});

describe("the audit trail", () => {
  it("records invitation.created, resent, revoked and accepted with actor and invitation", async () => {
    const owner = await proOrg();
    const kept = await invite(owner, uniqueEmail("kept"));
    const dropped = await invite(owner, uniqueEmail("dropped"));
    expect((await t.api.post(`${invitationsPath(owner)}/${kept.invitation.id}/resend`, undefined, { token: owner.accessToken })).status).toBe(200);
    const resentToken = tokenFromLink((await t.mail.waitFor(kept.invitation.email, isInvitationMail)).links, "/invitations/");
    expect((await t.api.delete(`${invitationsPath(owner)}/${dropped.invitation.id}`, undefined, { token: owner.accessToken })).status).toBe(204);
    const accepted = await t.api.post(`/api/v1/invitations/${resentToken}/accept`, { name: "Kept", password: NEW_PASSWORD });
    expect(accepted.status).toBe(200);
    const newUserId = (await t.api.get("/api/v1/me", { token: accepted.body.accessToken })).body.user.id;

    expect(await auditActions(owner.organizationId, "invitation.")).toEqual([
      { action: "invitation.created", actor_user_id: owner.userId, target_id: kept.invitation.id },
      { action: "invitation.created", actor_user_id: owner.userId, target_id: dropped.invitation.id },
      { action: "invitation.resent", actor_user_id: owner.userId, target_id: kept.invitation.id },
      { action: "invitation.revoked", actor_user_id: owner.userId, target_id: dropped.invitation.id },
      { action: "invitation.accepted", actor_user_id: newUserId, target_id: kept.invitation.id },
    ]);
  });
});

describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/invitations" });
describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/invitations",
  deniedRoles: ["member", "viewer"],
  body: () => ({ email: uniqueEmail("security"), role: "viewer" }),
});
describeRouteSecurity(() => t, { method: "POST", path: "/api/v1/orgs/{orgId}/invitations/{invitationId}/resend", deniedRoles: ["member", "viewer"] });
describeRouteSecurity(() => t, { method: "DELETE", path: "/api/v1/orgs/{orgId}/invitations/{invitationId}", deniedRoles: ["member", "viewer"] });
