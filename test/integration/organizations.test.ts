// Organizations: listing yours, creating (slugs), reading, updating, deleting with confirmation,
// and the organization's audit log; plus the common security cases of each route.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTeammate, createOrgWithOwner, type TestOrgOwner, tokenFromLink, uniqueEmail } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { describeRouteSecurity } from "../helpers/route-security.js";

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

const hex = () => randomBytes(3).toString("hex");

async function auditActions(organizationId: string): Promise<string[]> {
  const { rows } = await t.ownerQuery<{ action: string }>("SELECT action FROM audit_log WHERE organization_id = $1 ORDER BY created_at", [organizationId]);
  return rows.map((r) => r.action);
}

async function slugOf(owner: TestOrgOwner): Promise<string> {
  const res = await t.api.get(`/api/v1/orgs/${owner.organizationId}`, { token: owner.accessToken });
  expect(res.status, res.text).toBe(200);
  return res.body.slug;
}

describe("GET /orgs", () => {
  it("lists only the organizations the caller belongs to, with the caller's role in each", async () => {
    const alice = await createOrgWithOwner(t, { organizationName: `Alice Bakery ${hex()}` });
    const bob = await createOrgWithOwner(t, { organizationName: `Bob Garage ${hex()}` });
    const second = await t.api.post("/api/v1/orgs", { name: `Alice Second ${hex()}` }, { token: alice.accessToken });
    expect(second.status, second.text).toBe(201);
    const viewerInBob = await addTeammate(t, bob, "viewer");

    const aliceList = await t.api.get("/api/v1/orgs", { token: alice.accessToken });
    expect(aliceList.status).toBe(200);
    expect(aliceList.body.items.map((o: { id: string }) => o.id).sort()).toEqual([alice.organizationId, second.body.id].sort());
    expect(aliceList.body.items.every((o: { role: string }) => o.role === "owner")).toBe(true);

    const viewerList = await t.api.get("/api/v1/orgs", { token: viewerInBob.accessToken });
    expect(viewerList.body.items).toEqual([expect.objectContaining({ id: bob.organizationId, role: "viewer", name: bob.organizationName })]);
  });

  it("answers 401 without credentials", async () => {
    const res = await t.api.get("/api/v1/orgs");
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("UNAUTHENTICATED");
  });
});

describe("POST /orgs", () => {
  it("creates an organization on the Free plan with the caller as its owner and a slug from its name", async () => {
    const user = await createOrgWithOwner(t);
    const name = `Bella Napoli Pizzería ${hex()}`;
    const res = await t.api.post("/api/v1/orgs", { name, timezone: "Europe/Rome" }, { token: user.accessToken });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ name, timezone: "Europe/Rome", role: "owner", plan: { id: "free", name: "Free" }, status: "active", settings: {} });
    expect(res.body.id).toMatch(/^org_/);
    expect(res.body.slug).toBe(name.toLowerCase().replace("í", "i").replaceAll(" ", "-"));

    const { rows } = await t.ownerQuery<{ user_id: string; role: string }>("SELECT user_id, role FROM memberships WHERE organization_id = $1", [res.body.id]);
    expect(rows).toEqual([{ user_id: user.userId, role: "owner" }]);
    expect(await auditActions(res.body.id)).toEqual(["org.created"]);
  });

  it("makes an automatic slug unique when the name's slug is taken, even by another tenant", async () => {
    const name = `Collision Dental ${hex()}`;
    const first = await createOrgWithOwner(t, { organizationName: name });
    const other = await createOrgWithOwner(t);
    const res = await t.api.post("/api/v1/orgs", { name }, { token: other.accessToken });
    expect(res.status, res.text).toBe(201);
    const base = await slugOf(first);
    expect(base).toBe(name.toLowerCase().replaceAll(" ", "-"));
    expect(res.body.slug).not.toBe(base);
    expect(res.body.slug).toMatch(new RegExp(`^${base}-[0-9a-f]{4}$`));
  });

  it("refuses an explicit slug that is taken, even by another tenant, with 409 SLUG_TAKEN", async () => {
    const first = await createOrgWithOwner(t);
    const taken = await slugOf(first);
    const other = await createOrgWithOwner(t);
    const res = await t.api.post("/api/v1/orgs", { name: "Anything", slug: taken }, { token: other.accessToken });
    expect(res.status, res.text).toBe(409);
    expect(res.body.code).toBe("SLUG_TAKEN");
    const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM organizations WHERE slug = $1", [taken]);
    expect(rows[0]?.n).toBe(1);
  });

  it("uses an explicit free slug as given", async () => {
    const user = await createOrgWithOwner(t);
    const slug = `my-shop-${hex()}`;
    const res = await t.api.post("/api/v1/orgs", { name: "My Shop", slug }, { token: user.accessToken });
    expect(res.status, res.text).toBe(201);
    expect(res.body.slug).toBe(slug);
  });

  it.each([
    ["a slug with spaces and capitals", { name: "X", slug: "Not A Slug" }, "body.slug"],
    ["a slug with a double dash", { name: "X", slug: "a--b" }, "body.slug"],
    ["an empty name", { name: "   " }, "body.name"],
    ["an unknown time zone", { name: "X", timezone: "Mars/Olympus_Mons" }, "body.timezone"],
    ["an unknown field", { name: "X", plan: "enterprise" }, "body.plan"],
  ])("answers 422 for %s", async (_label, body, path) => {
    const user = await createOrgWithOwner(t);
    const res = await t.api.post("/api/v1/orgs", body, { token: user.accessToken });
    expect(res.status, res.text).toBe(422);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe("GET /orgs/{orgId}", () => {
  it("returns the organization with the caller's role", async () => {
    const owner = await createOrgWithOwner(t);
    const viewer = await addTeammate(t, owner, "viewer");
    const res = await t.api.get(`/api/v1/orgs/${owner.organizationId}`, { token: viewer.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: owner.organizationId, name: owner.organizationName, timezone: "UTC", role: "viewer", plan: { id: "free" } });
  });
});

describe("PATCH /orgs/{orgId}", () => {
  it("updates name, slug, time zone and settings, merging settings, and records org.updated", async () => {
    const owner = await createOrgWithOwner(t);
    const slug = `renamed-${hex()}`;
    const first = await t.api.patch(
      `/api/v1/orgs/${owner.organizationId}`,
      { name: "Renamed Clinic", slug, timezone: "America/New_York", settings: { defaultLanguage: "en-US" } },
      { token: owner.accessToken },
    );
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ name: "Renamed Clinic", slug, timezone: "America/New_York", settings: { defaultLanguage: "en-US" } });

    const second = await t.api.patch(`/api/v1/orgs/${owner.organizationId}`, { settings: { recordingDisclosure: "always" } }, { token: owner.accessToken });
    expect(second.status, second.text).toBe(200);
    expect(second.body.settings).toEqual({ defaultLanguage: "en-US", recordingDisclosure: "always" });
    expect(second.body.name).toBe("Renamed Clinic");

    const { rows } = await t.ownerQuery<{ metadata: { changed: string[] } }>(
      "SELECT metadata FROM audit_log WHERE organization_id = $1 AND action = 'org.updated' ORDER BY created_at",
      [owner.organizationId],
    );
    expect(rows.map((r) => r.metadata.changed.sort())).toEqual([["name", "settings", "slug", "timezone"], ["settings"]]);
  });

  it("lets an admin update the organization", async () => {
    const owner = await createOrgWithOwner(t);
    const admin = await addTeammate(t, owner, "admin");
    const res = await t.api.patch(`/api/v1/orgs/${owner.organizationId}`, { name: "Admin Was Here" }, { token: admin.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ name: "Admin Was Here", role: "admin" });
  });

  it.each([
    ["an invalid IANA time zone", { timezone: "Europe/Atlantis" }, "body.timezone"],
    ["an unknown settings key", { settings: { favouriteColour: "teal" } }, "body.settings.favouriteColour"],
    ["an invalid recording disclosure", { settings: { recordingDisclosure: "sometimes" } }, "body.settings.recordingDisclosure"],
    ["a slug in the wrong format", { slug: "Bad_Slug!" }, "body.slug"],
    ["a slug ending in a dash", { slug: "trailing-" }, "body.slug"],
    ["an empty name", { name: "" }, "body.name"],
  ])("answers 422 for %s and changes nothing", async (_label, body, path) => {
    const owner = await createOrgWithOwner(t);
    const res = await t.api.patch(`/api/v1/orgs/${owner.organizationId}`, body, { token: owner.accessToken });
    expect(res.status, res.text).toBe(422);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    const { rows } = await t.ownerQuery<{ name: string; timezone: string; settings: unknown }>(
      "SELECT name, timezone, settings FROM organizations WHERE id = $1",
      [owner.organizationId],
    );
    expect(rows[0]).toEqual({ name: owner.organizationName, timezone: "UTC", settings: {} });
  });

  it("refuses a slug another tenant uses with 409 SLUG_TAKEN", async () => {
    const other = await createOrgWithOwner(t);
    const owner = await createOrgWithOwner(t);
    const res = await t.api.patch(`/api/v1/orgs/${owner.organizationId}`, { slug: await slugOf(other) }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(409);
    expect(res.body.code).toBe("SLUG_TAKEN");
  });

  it("accepts the organization's own slug unchanged", async () => {
    const owner = await createOrgWithOwner(t);
    const slug = await slugOf(owner);
    const res = await t.api.patch(`/api/v1/orgs/${owner.organizationId}`, { slug }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.slug).toBe(slug);
  });
});

describe("DELETE /orgs/{orgId}", () => {
  it("is for the owner only: an admin gets 403 and the organization stays", async () => {
    const owner = await createOrgWithOwner(t);
    const admin = await addTeammate(t, owner, "admin");
    const res = await t.api.delete(`/api/v1/orgs/${owner.organizationId}`, { confirm: await slugOf(owner) }, { token: admin.accessToken });
    expect(res.status, res.text).toBe(403);
    expect(res.body.code).toBe("FORBIDDEN");
    const { rows } = await t.ownerQuery<{ deleted_at: Date | null }>("SELECT deleted_at FROM organizations WHERE id = $1", [owner.organizationId]);
    expect(rows[0]?.deleted_at).toBeNull();
  });

  it("refuses a wrong confirmation with 422 CONFIRMATION_MISMATCH and keeps the organization", async () => {
    const owner = await createOrgWithOwner(t);
    const res = await t.api.delete(`/api/v1/orgs/${owner.organizationId}`, { confirm: owner.organizationName }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(422);
    expect(res.body.code).toBe("CONFIRMATION_MISMATCH");
    expect(res.body.errors).toEqual([expect.objectContaining({ path: "body.confirm" })]);
    expect((await t.api.get(`/api/v1/orgs/${owner.organizationId}`, { token: owner.accessToken })).status).toBe(200);
  });

  it("requires a confirmation body", async () => {
    const owner = await createOrgWithOwner(t);
    const res = await t.api.delete(`/api/v1/orgs/${owner.organizationId}`, undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(422);
  });

  describe("after the owner deletes with the slug as confirmation", () => {
    let owner: TestOrgOwner;
    let slug: string;
    let memberToken: string;
    let adminToken: string;
    let invitationToken: string;

    beforeAll(async () => {
      owner = await createOrgWithOwner(t, { organizationName: `Doomed Deli ${hex()}` });
      await t.ownerQuery("UPDATE organizations SET plan_id = 'pro' WHERE id = $1", [owner.organizationId]);
      slug = await slugOf(owner);
      memberToken = (await addTeammate(t, owner, "member")).accessToken;
      adminToken = (await addTeammate(t, owner, "admin")).accessToken;
      const pendingEmail = uniqueEmail("pending");
      const invite = await t.api.post(
        `/api/v1/orgs/${owner.organizationId}/invitations`,
        { email: pendingEmail, role: "viewer" },
        { token: owner.accessToken },
      );
      expect(invite.status, invite.text).toBe(201);
      invitationToken = tokenFromLink((await t.mail.waitFor(pendingEmail)).links, "/invitations/");
      const res = await t.api.delete(`/api/v1/orgs/${owner.organizationId}`, { confirm: slug }, { token: owner.accessToken });
      expect(res.status, res.text).toBe(204);
    });

    it("the organization is 404 for every member, on every route", async () => {
      for (const token of [owner.accessToken, adminToken, memberToken]) {
        // Even the audit log, which a member may not read: a deleted organization reveals nothing.
        for (const path of ["", "/members", "/invitations", "/audit-log"]) {
          const res = await t.api.get(`/api/v1/orgs/${owner.organizationId}${path}`, { token });
          expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 404, code: "NOT_FOUND" });
        }
      }
      const patch = await t.api.patch(`/api/v1/orgs/${owner.organizationId}`, { name: "Zombie" }, { token: owner.accessToken });
      expect(patch.status).toBe(404);
      const again = await t.api.delete(`/api/v1/orgs/${owner.organizationId}`, { confirm: slug }, { token: owner.accessToken });
      expect(again.status).toBe(404);
    });

    it("it is gone from GET /orgs and from GET /me", async () => {
      const list = await t.api.get("/api/v1/orgs", { token: owner.accessToken });
      expect(list.body.items.map((o: { id: string }) => o.id)).not.toContain(owner.organizationId);
      const me = await t.api.get("/api/v1/me", { token: memberToken });
      expect(me.status).toBe(200);
      expect(me.body.memberships).toEqual([]);
    });

    it("its slug is free again", async () => {
      const someone = await createOrgWithOwner(t);
      const res = await t.api.post("/api/v1/orgs", { name: "Reborn Deli", slug }, { token: someone.accessToken });
      expect(res.status, res.text).toBe(201);
      expect(res.body.slug).toBe(slug);
      expect(res.body.id).not.toBe(owner.organizationId);
    });

    it("its pending invitations are dead", async () => {
      const preview = await t.api.get(`/api/v1/invitations/${invitationToken}`);
      expect(preview.status).toBe(404);
      expect(preview.body.code).toBe("INVITATION_INVALID");
      const accept = await t.api.post(`/api/v1/invitations/${invitationToken}/accept`, { name: "Late Larry", password: "a long enough password" });
      expect(accept.status).toBe(404);
      expect(accept.body.code).toBe("INVITATION_INVALID");
      const { rows } = await t.ownerQuery<{ open: number }>(
        "SELECT count(*)::int AS open FROM invitations WHERE organization_id = $1 AND revoked_at IS NULL AND accepted_at IS NULL",
        [owner.organizationId],
      );
      expect(rows[0]?.open).toBe(0);
    });

    it("an org.deleted audit row records who deleted it, and the row itself is kept (soft delete)", async () => {
      const { rows } = await t.ownerQuery<{ actor_user_id: string; metadata: { slug: string } }>(
        "SELECT actor_user_id, metadata FROM audit_log WHERE organization_id = $1 AND action = 'org.deleted'",
        [owner.organizationId],
      );
      expect(rows).toEqual([{ actor_user_id: owner.userId, metadata: expect.objectContaining({ slug }) }]);
      const org = await t.ownerQuery<{ deleted_by: string; deleted_at: Date | null }>("SELECT deleted_by, deleted_at FROM organizations WHERE id = $1", [
        owner.organizationId,
      ]);
      expect(org.rows[0]?.deleted_by).toBe(owner.userId);
      expect(org.rows[0]?.deleted_at).not.toBeNull();
    });
  });
});

describe("GET /orgs/{orgId}/audit-log", () => {
  it("returns the organization's entries newest first, to an admin, and pages with before", async () => {
    const owner = await createOrgWithOwner(t);
    const admin = await addTeammate(t, owner, "admin");
    t.clock.advance(1_000);
    const update = await t.api.patch(`/api/v1/orgs/${owner.organizationId}`, { name: "Audited" }, { token: owner.accessToken });
    expect(update.status).toBe(200);
    t.clock.advance(1_000);
    const changed = await t.api.patch(`/api/v1/orgs/${owner.organizationId}/members/${admin.userId}`, { role: "member" }, { token: owner.accessToken });
    expect(changed.status, changed.text).toBe(200);
    t.clock.advance(1_000);
    const back = await t.api.patch(`/api/v1/orgs/${owner.organizationId}/members/${admin.userId}`, { role: "admin" }, { token: owner.accessToken });
    expect(back.status, back.text).toBe(200);

    const res = await t.api.get(`/api/v1/orgs/${owner.organizationId}/audit-log`, { token: admin.accessToken });
    expect(res.status, res.text).toBe(200);
    const actions = res.body.items.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 3)).toEqual(["member.role_changed", "member.role_changed", "org.updated"]);
    expect(actions.at(-1)).toBe("org.created");
    expect(actions).toContain("invitation.accepted");
    const times = res.body.items.map((e: { createdAt: string }) => Date.parse(e.createdAt));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(res.body.items[0]).toMatchObject({
      actorUserId: owner.userId,
      targetType: "user",
      targetId: admin.userId,
      metadata: { from: "member", to: "admin" },
    });

    const page = await t.api.get(`/api/v1/orgs/${owner.organizationId}/audit-log?limit=2`, { token: admin.accessToken });
    expect(page.body.items).toHaveLength(2);
    const older = await t.api.get(`/api/v1/orgs/${owner.organizationId}/audit-log?before=${encodeURIComponent(res.body.items[2].createdAt)}`, {
      token: admin.accessToken,
    });
    expect(older.status, older.text).toBe(200);
    expect(older.body.items.map((e: { action: string }) => e.action)).not.toContain("org.updated");
    expect(older.body.items.map((e: { action: string }) => e.action)).toContain("org.created");
  });

  it("shows only the organization's own entries, never account events or another tenant's", async () => {
    const owner = await createOrgWithOwner(t);
    const other = await createOrgWithOwner(t);
    await t.api.patch(`/api/v1/orgs/${other.organizationId}`, { name: "Other Renamed" }, { token: other.accessToken });
    const res = await t.api.get(`/api/v1/orgs/${owner.organizationId}/audit-log`, { token: owner.accessToken });
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(["org.created"]);
  });

  it("is refused to a member with 403", async () => {
    const owner = await createOrgWithOwner(t);
    const member = await addTeammate(t, owner, "member");
    const res = await t.api.get(`/api/v1/orgs/${owner.organizationId}/audit-log`, { token: member.accessToken });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("FORBIDDEN");
  });

  it("answers 422 for a limit out of range", async () => {
    const owner = await createOrgWithOwner(t);
    const res = await t.api.get(`/api/v1/orgs/${owner.organizationId}/audit-log?limit=1000`, { token: owner.accessToken });
    expect(res.status).toBe(422);
  });
});

describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}" });
describeRouteSecurity(() => t, { method: "PATCH", path: "/api/v1/orgs/{orgId}", deniedRoles: ["member", "viewer"], body: () => ({ name: "Hijacked" }) });
describeRouteSecurity(() => t, {
  method: "DELETE",
  path: "/api/v1/orgs/{orgId}",
  deniedRoles: ["admin", "member", "viewer"],
  body: (ids) => ({ confirm: ids.slug }),
});
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/audit-log", deniedRoles: ["member", "viewer"] });
