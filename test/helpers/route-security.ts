// The common security cases every org-scoped route gets (STYLE.md, Tests): 401 without
// credentials, 404 (never 403) for another organization's id or sub-resource id, 403 for each
// role the route refuses. Two organizations with one user per role are created once per platform.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/server/modules/organizations/schema.js";
import type { ApiResponse } from "./api.js";
import { addTeammate, createOrgWithOwner, type TestOrgOwner, type TestUser, uniqueEmail } from "./fixtures.js";
import type { TestPlatform } from "./platform.js";

/** One organization with a user in every role and one pending invitation. */
export type SecurityOrg = {
  organizationId: string;
  slug: string;
  owner: TestOrgOwner;
  admin: TestUser;
  member: TestUser;
  viewer: TestUser;
  /** A pending invitation of this organization. */
  invitationId: string;
};

export type SecurityWorld = { a: SecurityOrg; b: SecurityOrg };

/** The ids a route's path placeholders and body are filled from (plus the spec's own subResourceIds). */
export type RouteIds = { orgId: string; slug: string; userId: string; invitationId: string; [subResource: string]: string };

export type RouteSecuritySpec = {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** The full path with placeholders, e.g. "/api/v1/orgs/{orgId}/members/{userId}". */
  path: string;
  /** Roles of the organization that must get 403 FORBIDDEN. */
  deniedRoles?: readonly Role[];
  /** A valid request body, so that a refusal can only come from authorization. */
  body?: (ids: RouteIds) => unknown;
  /**
   * The route names a member or invitation in its body (not its path), so it also gets the case
   * "a sub-resource id of another organization is 404". Path placeholders imply it.
   */
  bodyCarriesIds?: boolean;
  /**
   * Ids for the route's other placeholders (e.g. {assistantId}): a resource of the given
   * organization, made by the test file. Memoize it per organization if several routes share it.
   */
  subResourceIds?: (t: TestPlatform, org: SecurityOrg) => Promise<Record<string, string>>;
};

const worlds = new WeakMap<TestPlatform, Promise<SecurityWorld>>();

async function createSecurityOrg(t: TestPlatform, label: string): Promise<SecurityOrg> {
  const owner = await createOrgWithOwner(t, { organizationName: `Security ${label} ${randomBytes(2).toString("hex")}` });
  // Free allows 2 seats; this organization needs 5 (four members and a pending invitation).
  await t.ownerQuery("UPDATE organizations SET plan_id = 'pro' WHERE id = $1", [owner.organizationId]);
  const [admin, member, viewer] = await Promise.all([
    addTeammate(t, owner, "admin", `${label}-admin`),
    addTeammate(t, owner, "member", `${label}-member`),
    addTeammate(t, owner, "viewer", `${label}-viewer`),
  ]);
  const invite = await t.api.post(
    `/api/v1/orgs/${owner.organizationId}/invitations`,
    { email: uniqueEmail(`${label}-pending`), role: "member" },
    { token: owner.accessToken },
  );
  expect(invite.status, invite.text).toBe(201);
  const { rows } = await t.ownerQuery<{ slug: string }>("SELECT slug FROM organizations WHERE id = $1", [owner.organizationId]);
  return { organizationId: owner.organizationId, slug: rows[0]!.slug, owner, admin, member, viewer, invitationId: invite.body.id };
}

/** The two organizations of the security cases, created on first use and shared by the test file. */
export function securityWorld(t: TestPlatform): Promise<SecurityWorld> {
  let world = worlds.get(t);
  if (!world) {
    world = Promise.all([createSecurityOrg(t, "a"), createSecurityOrg(t, "b")]).then(([a, b]) => ({ a, b }));
    worlds.set(t, world);
  }
  return world;
}

function idsOf(org: SecurityOrg): RouteIds {
  return { orgId: org.organizationId, slug: org.slug, userId: org.member.userId, invitationId: org.invitationId };
}

function fillPath(path: string, ids: RouteIds): string {
  return path.replaceAll(/\{(\w+)\}/g, (_, name: string) => {
    const value = ids[name as keyof RouteIds];
    if (value === undefined) throw new Error(`route-security: no id for {${name}} in ${path}`);
    return encodeURIComponent(value);
  });
}

function expectProblem(res: ApiResponse, status: number, code: string) {
  expect({ status: res.status, code: res.body?.code }, res.text).toEqual({ status, code });
  expect(res.headers.get("content-type")).toContain("application/problem+json");
}

/**
 * Declares the security cases of one route:
 *   describeRouteSecurity(() => t, { method: "PATCH", path: "/api/v1/orgs/{orgId}/members/{userId}", deniedRoles: ["member", "viewer"], body: () => ({ role: "viewer" }) })
 */
export function describeRouteSecurity(getT: () => TestPlatform, spec: RouteSecuritySpec) {
  const { method, path } = spec;
  const hasSubIds = /\{(?!orgId\}|slug\})\w+\}/.test(path) || spec.bodyCarriesIds === true;

  describe(`security: ${method} ${path}`, () => {
    let t: TestPlatform;
    let world: SecurityWorld;
    let idsA: RouteIds;
    let idsB: RouteIds;
    beforeAll(async () => {
      t = getT();
      world = await securityWorld(t);
      idsA = { ...idsOf(world.a), ...(await spec.subResourceIds?.(t, world.a)) };
      idsB = { ...idsOf(world.b), ...(await spec.subResourceIds?.(t, world.b)) };
    });

    const call = (ids: RouteIds, token?: string) => t.api.request(method, fillPath(path, ids), { token, body: spec.body?.(ids) });

    it("answers 401 UNAUTHENTICATED without credentials", async () => {
      expectProblem(await call(idsA), 401, "UNAUTHENTICATED");
    });

    it("answers 401 for a token that is not a valid access token", async () => {
      const res = await call(idsA, "not-a-jwt");
      expect(res.status, res.text).toBe(401);
    });

    it("answers 404 (never 403) to a user of another organization, even its owner", async () => {
      expectProblem(await call(idsA, world.b.owner.accessToken), 404, "NOT_FOUND");
      expectProblem(await call(idsA, world.b.viewer.accessToken), 404, "NOT_FOUND");
    });

    it("answers 404 for an organization id that does not exist", async () => {
      expectProblem(await call({ ...idsA, orgId: "org_doesnotexist00000000000000" }, world.a.owner.accessToken), 404, "NOT_FOUND");
    });

    if (hasSubIds) {
      it("answers 404 when the owner names a member, invitation or other sub-resource of another organization", async () => {
        const foreign = { ...idsB, orgId: world.a.organizationId, slug: world.a.slug };
        expectProblem(await call(foreign, world.a.owner.accessToken), 404, "NOT_FOUND");
      });
    }

    for (const role of spec.deniedRoles ?? []) {
      it(`answers 403 FORBIDDEN to a ${role}`, async () => {
        const caller = world.a[role];
        expectProblem(await call(idsA, caller.accessToken), 403, "FORBIDDEN");
      });
    }
  });
}
