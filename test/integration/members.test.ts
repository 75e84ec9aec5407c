// Team members: listing, role changes (who may grant what), the last-owner rule (also under
// concurrency), removal, leaving, ownership transfer, and their audit rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTeammate, createOrgWithOwner, type TestOrgOwner, type TestUser } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { describeRouteSecurity } from "../helpers/route-security.js";

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

/** An organization on Pro (15 seats), so it can hold a user in every role. */
async function proOrg(): Promise<TestOrgOwner> {
  const owner = await createOrgWithOwner(t);
  await t.ownerQuery("UPDATE organizations SET plan_id = 'pro' WHERE id = $1", [owner.organizationId]);
  return owner;
}

async function roleOf(organizationId: string, userId: string): Promise<string | null> {
  const { rows } = await t.ownerQuery<{ role: string }>("SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2", [organizationId, userId]);
  return rows[0]?.role ?? null;
}

async function ownerCount(organizationId: string): Promise<number> {
  const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM memberships WHERE organization_id = $1 AND role = 'owner'", [
    organizationId,
  ]);
  return rows[0]?.n ?? 0;
}

async function auditRows(organizationId: string, action: string) {
  const { rows } = await t.ownerQuery<{ actor_user_id: string; target_id: string; metadata: Record<string, unknown> }>(
    "SELECT actor_user_id, target_id, metadata FROM audit_log WHERE organization_id = $1 AND action = $2 ORDER BY created_at",
    [organizationId, action],
  );
  return rows;
}

const membersPath = (owner: TestOrgOwner, userId = "") => `/api/v1/orgs/${owner.organizationId}/members${userId ? `/${userId}` : ""}`;

describe("GET /orgs/{orgId}/members", () => {
  it("lists every member with name, email, role and join time, to any role", async () => {
    const owner = await proOrg();
    const admin = await addTeammate(t, owner, "admin");
    const viewer = await addTeammate(t, owner, "viewer");
    const res = await t.api.get(membersPath(owner), { token: viewer.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toEqual([
      { userId: owner.userId, name: owner.name, email: owner.email, role: "owner", joinedAt: expect.any(String) },
      { userId: admin.userId, name: admin.name, email: admin.email, role: "admin", joinedAt: expect.any(String) },
      { userId: viewer.userId, name: viewer.name, email: viewer.email, role: "viewer", joinedAt: expect.any(String) },
    ]);
  });

  it("never lists members of another organization", async () => {
    const owner = await proOrg();
    await addTeammate(t, await proOrg(), "member");
    const res = await t.api.get(membersPath(owner), { token: owner.accessToken });
    expect(res.body.items.map((m: { userId: string }) => m.userId)).toEqual([owner.userId]);
  });
});

describe("PATCH /orgs/{orgId}/members/{userId}", () => {
  let owner: TestOrgOwner;
  let admin: TestUser;
  let member: TestUser;

  beforeAll(async () => {
    owner = await proOrg();
    [admin, member] = await Promise.all([addTeammate(t, owner, "admin"), addTeammate(t, owner, "member")]);
  });

  it("lets an admin make a member a viewer, and records member.role_changed", async () => {
    const res = await t.api.patch(membersPath(owner, member.userId), { role: "viewer" }, { token: admin.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ userId: member.userId, role: "viewer", email: member.email });
    expect(await roleOf(owner.organizationId, member.userId)).toBe("viewer");
    expect(await auditRows(owner.organizationId, "member.role_changed")).toContainEqual({
      actor_user_id: admin.userId,
      target_id: member.userId,
      metadata: { from: "member", to: "viewer" },
    });
  });

  it("refuses an admin who grants the owner role, to others or to themself (403)", async () => {
    for (const target of [member.userId, admin.userId]) {
      const res = await t.api.patch(membersPath(owner, target), { role: "owner" }, { token: admin.accessToken });
      expect(res.status, res.text).toBe(403);
      expect(res.body.code).toBe("FORBIDDEN");
    }
    expect(await ownerCount(owner.organizationId)).toBe(1);
  });

  it("refuses an admin who changes an owner's role (403)", async () => {
    const res = await t.api.patch(membersPath(owner, owner.userId), { role: "member" }, { token: admin.accessToken });
    expect(res.status, res.text).toBe(403);
    expect(res.body.code).toBe("FORBIDDEN");
    expect(await roleOf(owner.organizationId, owner.userId)).toBe("owner");
  });

  it("lets an owner make someone an owner, after which either may be demoted but not both", async () => {
    const org = await proOrg();
    const second = await addTeammate(t, org, "admin");
    const promote = await t.api.patch(membersPath(org, second.userId), { role: "owner" }, { token: org.accessToken });
    expect(promote.status, promote.text).toBe(200);
    expect(promote.body.role).toBe("owner");
    expect(await ownerCount(org.organizationId)).toBe(2);

    const demoteFirst = await t.api.patch(membersPath(org, org.userId), { role: "admin" }, { token: second.accessToken });
    expect(demoteFirst.status, demoteFirst.text).toBe(200);
    const demoteLast = await t.api.patch(membersPath(org, second.userId), { role: "admin" }, { token: second.accessToken });
    expect(demoteLast.status, demoteLast.text).toBe(409);
    expect(demoteLast.body.code).toBe("LAST_OWNER");
    expect(await roleOf(org.organizationId, second.userId)).toBe("owner");
  });

  it("never demotes the last owner, not even by themself (409 LAST_OWNER)", async () => {
    const org = await proOrg();
    const res = await t.api.patch(membersPath(org, org.userId), { role: "admin" }, { token: org.accessToken });
    expect(res.status, res.text).toBe(409);
    expect(res.body.code).toBe("LAST_OWNER");
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await roleOf(org.organizationId, org.userId)).toBe("owner");
  });

  it("keeps exactly one owner when two owners demote each other at the same time", async () => {
    for (let round = 0; round < 5; round++) {
      const org = await proOrg();
      const other = await addTeammate(t, org, "admin");
      expect((await t.api.patch(membersPath(org, other.userId), { role: "owner" }, { token: org.accessToken })).status).toBe(200);

      const results = await Promise.all([
        t.api.patch(membersPath(org, other.userId), { role: "admin" }, { token: org.accessToken }),
        t.api.patch(membersPath(org, org.userId), { role: "admin" }, { token: other.accessToken }),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses[0], results.map((r) => r.text).join(" | ")).toBe(200);
      // The loser either finds itself no longer an owner (403) or the target the last owner (409).
      expect([403, 409]).toContain(statuses[1]);
      expect(await ownerCount(org.organizationId)).toBe(1);
    }
  });

  it("keeps exactly one owner when two owners leave at the same time", async () => {
    const org = await proOrg();
    const other = await addTeammate(t, org, "admin");
    expect((await t.api.patch(membersPath(org, other.userId), { role: "owner" }, { token: org.accessToken })).status).toBe(200);
    const results = await Promise.all([
      t.api.delete(membersPath(org, "me"), undefined, { token: org.accessToken }),
      t.api.delete(membersPath(org, "me"), undefined, { token: other.accessToken }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
    expect(await ownerCount(org.organizationId)).toBe(1);
  });

  it("answers 404 for a user who is not a member", async () => {
    const stranger = await createOrgWithOwner(t);
    const res = await t.api.patch(membersPath(owner, stranger.userId), { role: "viewer" }, { token: owner.accessToken });
    expect(res.status).toBe(404);
  });

  it("answers 422 for an unknown role", async () => {
    const res = await t.api.patch(membersPath(owner, member.userId), { role: "superuser" }, { token: owner.accessToken });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain("body.role");
  });
});

describe("DELETE /orgs/{orgId}/members/{userId}", () => {
  it("removes a member, whose access is then 404, and records member.removed", async () => {
    const owner = await proOrg();
    const admin = await addTeammate(t, owner, "admin");
    const member = await addTeammate(t, owner, "member");
    expect((await t.api.get(`/api/v1/orgs/${owner.organizationId}`, { token: member.accessToken })).status).toBe(200);

    const res = await t.api.delete(membersPath(owner, member.userId), undefined, { token: admin.accessToken });
    expect(res.status, res.text).toBe(204);
    expect(await roleOf(owner.organizationId, member.userId)).toBeNull();
    for (const path of ["", "/members", "/invitations"]) {
      const after = await t.api.get(`/api/v1/orgs/${owner.organizationId}${path}`, { token: member.accessToken });
      expect({ path, status: after.status }).toEqual({ path, status: 404 });
    }
    const me = await t.api.get("/api/v1/me", { token: member.accessToken });
    expect(me.body.memberships).toEqual([]);
    expect(await auditRows(owner.organizationId, "member.removed")).toEqual([
      { actor_user_id: admin.userId, target_id: member.userId, metadata: { role: "member" } },
    ]);
  });

  it("refuses an admin who removes an owner (403)", async () => {
    const owner = await proOrg();
    const admin = await addTeammate(t, owner, "admin");
    const res = await t.api.delete(membersPath(owner, owner.userId), undefined, { token: admin.accessToken });
    expect(res.status, res.text).toBe(403);
    expect(await roleOf(owner.organizationId, owner.userId)).toBe("owner");
  });

  it("never removes the last owner (409 LAST_OWNER)", async () => {
    const owner = await proOrg();
    const res = await t.api.delete(membersPath(owner, owner.userId), undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(409);
    expect(res.body.code).toBe("LAST_OWNER");
  });

  it("lets an owner remove another owner", async () => {
    const owner = await proOrg();
    const other = await addTeammate(t, owner, "owner");
    const res = await t.api.delete(membersPath(owner, other.userId), undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(204);
    expect(await ownerCount(owner.organizationId)).toBe(1);
  });

  it("frees the seat: on Free, a removed member makes room for a new invitation", async () => {
    const owner = await createOrgWithOwner(t);
    const member = await addTeammate(t, owner, "member");
    const full = await t.api.post(
      `/api/v1/orgs/${owner.organizationId}/invitations`,
      { email: "third@example.com", role: "viewer" },
      { token: owner.accessToken },
    );
    expect(full.status).toBe(403);
    expect((await t.api.delete(membersPath(owner, member.userId), undefined, { token: owner.accessToken })).status).toBe(204);
    const room = await t.api.post(
      `/api/v1/orgs/${owner.organizationId}/invitations`,
      { email: "third@example.com", role: "viewer" },
      { token: owner.accessToken },
    );
    expect(room.status, room.text).toBe(201);
  });
});

describe("DELETE /orgs/{orgId}/members/me (leave)", () => {
  it("lets a member leave, after which the organization is 404 for them, and records member.left", async () => {
    const owner = await proOrg();
    const viewer = await addTeammate(t, owner, "viewer");
    const res = await t.api.delete(membersPath(owner, "me"), undefined, { token: viewer.accessToken });
    expect(res.status, res.text).toBe(204);
    expect(await roleOf(owner.organizationId, viewer.userId)).toBeNull();
    expect((await t.api.get(`/api/v1/orgs/${owner.organizationId}`, { token: viewer.accessToken })).status).toBe(404);
    expect(await auditRows(owner.organizationId, "member.left")).toEqual([
      { actor_user_id: viewer.userId, target_id: viewer.userId, metadata: { role: "viewer" } },
    ]);
  });

  it("refuses the last owner with 409 LAST_OWNER", async () => {
    const owner = await proOrg();
    const res = await t.api.delete(membersPath(owner, "me"), undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(409);
    expect(res.body.code).toBe("LAST_OWNER");
    expect(await roleOf(owner.organizationId, owner.userId)).toBe("owner");
  });

  it("lets an owner leave when another owner remains", async () => {
    const owner = await proOrg();
    const other = await addTeammate(t, owner, "owner");
    const res = await t.api.delete(membersPath(owner, "me"), undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(204);
    expect(await roleOf(owner.organizationId, other.userId)).toBe("owner");
    expect(await ownerCount(owner.organizationId)).toBe(1);
  });
});

describe("POST /orgs/{orgId}/transfer-ownership", () => {
  it("makes the target the owner and the previous owner an admin, and records org.ownership_transferred", async () => {
    const owner = await proOrg();
    const admin = await addTeammate(t, owner, "admin");
    const res = await t.api.post(`/api/v1/orgs/${owner.organizationId}/transfer-ownership`, { userId: admin.userId }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(204);
    expect(await roleOf(owner.organizationId, admin.userId)).toBe("owner");
    expect(await roleOf(owner.organizationId, owner.userId)).toBe("admin");
    expect(await auditRows(owner.organizationId, "org.ownership_transferred")).toEqual([
      { actor_user_id: owner.userId, target_id: admin.userId, metadata: { previousRole: "admin" } },
    ]);

    // The former owner is now an admin: no second transfer, no deleting.
    const again = await t.api.post(`/api/v1/orgs/${owner.organizationId}/transfer-ownership`, { userId: owner.userId }, { token: owner.accessToken });
    expect(again.status).toBe(403);
    const org = await t.api.get(`/api/v1/orgs/${owner.organizationId}`, { token: admin.accessToken });
    expect(org.body.role).toBe("owner");
  });

  it("answers 404 for a target who is not a member, and changes nothing", async () => {
    const owner = await proOrg();
    const stranger = await createOrgWithOwner(t);
    const res = await t.api.post(`/api/v1/orgs/${owner.organizationId}/transfer-ownership`, { userId: stranger.userId }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(404);
    expect(await roleOf(owner.organizationId, owner.userId)).toBe("owner");
    expect(await roleOf(stranger.organizationId, stranger.userId)).toBe("owner");
  });

  it("refuses a transfer to yourself with 422 and keeps you the owner", async () => {
    const owner = await proOrg();
    const res = await t.api.post(`/api/v1/orgs/${owner.organizationId}/transfer-ownership`, { userId: owner.userId }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(422);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(await roleOf(owner.organizationId, owner.userId)).toBe("owner");
  });

  it("can hand ownership to a viewer", async () => {
    const owner = await proOrg();
    const viewer = await addTeammate(t, owner, "viewer");
    const res = await t.api.post(`/api/v1/orgs/${owner.organizationId}/transfer-ownership`, { userId: viewer.userId }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(204);
    expect(await roleOf(owner.organizationId, viewer.userId)).toBe("owner");
    expect(await ownerCount(owner.organizationId)).toBe(1);
  });
});

describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/members" });
describeRouteSecurity(() => t, {
  method: "PATCH",
  path: "/api/v1/orgs/{orgId}/members/{userId}",
  deniedRoles: ["member", "viewer"],
  body: () => ({ role: "viewer" }),
});
describeRouteSecurity(() => t, { method: "DELETE", path: "/api/v1/orgs/{orgId}/members/{userId}", deniedRoles: ["member", "viewer"] });
describeRouteSecurity(() => t, { method: "DELETE", path: "/api/v1/orgs/{orgId}/members/me" });
describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/transfer-ownership",
  deniedRoles: ["admin", "member", "viewer"],
  body: (ids) => ({ userId: ids.userId }),
  bodyCarriesIds: true,
});

describe("a role that changed a moment ago", () => {
  // The middleware reads the caller's role before the handler runs; the rules must use the role
  // as it is inside the locked transaction, not that earlier reading.
  it("a demoted owner can no longer grant owner, remove an owner or transfer ownership with a request already past the middleware", async () => {
    const { changeMemberRole, removeMember, transferOwnership } = await import("../../src/server/modules/members/service.js");
    const owner = await proOrg();
    const second = await addTeammate(t, owner, "owner", "second-owner");
    const member = await addTeammate(t, owner, "member");
    const stale = { organizationId: owner.organizationId, role: "owner" as const };
    const demoted = await t.api.patch(membersPath(owner, owner.userId), { role: "admin" }, { token: second.accessToken });
    expect(demoted.status, demoted.text).toBe(200);
    const meta = { ip: "127.0.0.1", userAgent: null };
    await expect(changeMemberRole(t.platform.ctx, stale, owner.userId, member.userId, "owner", meta)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(removeMember(t.platform.ctx, stale, owner.userId, second.userId, meta)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(transferOwnership(t.platform.ctx, stale, owner.userId, member.userId, meta)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await roleOf(owner.organizationId, member.userId)).toBe("member");
    expect(await roleOf(owner.organizationId, second.userId)).toBe("owner");
  });
});
