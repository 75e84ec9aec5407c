// The platform super admin: created from ADMIN_EMAIL/ADMIN_PASSWORD at start, searches every
// organization and user across tenants, and reads the dev mailbox when no SMTP server is set.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/server/config.js";
import { addTeammate, createOrgWithOwner, signIn, type TestOrgOwner, uniqueEmail } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

const ADMIN_EMAIL = "root@switchboard.test";
const ADMIN_PASSWORD = "super admin password 1";

let t: TestPlatform;
let adminToken: string;

beforeAll(async () => {
  t = await startTestPlatform({ env: { ADMIN_EMAIL, ADMIN_PASSWORD } });
  const res = await signIn(t, ADMIN_EMAIL, ADMIN_PASSWORD);
  expect(res.status, res.text).toBe(200);
  adminToken = res.body.accessToken;
});
afterAll(() => t?.stop());

describe("the first super admin", () => {
  it("is created from ADMIN_EMAIL and ADMIN_PASSWORD at start, verified, with no organization, and audited", async () => {
    const me = await t.api.get("/api/v1/me", { token: adminToken });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: ADMIN_EMAIL, isSuperAdmin: true, emailVerified: true });
    expect(me.body.memberships).toEqual([]);
    const { rows } = await t.ownerQuery<{ action: string; organization_id: string | null }>(
      "SELECT action, organization_id FROM audit_log WHERE action = 'admin.super_admin_created' AND actor_user_id = $1",
      [me.body.user.id],
    );
    expect(rows).toEqual([{ action: "admin.super_admin_created", organization_id: null }]);
  });

  it("has no implicit access to an organization's own routes (those stay 404)", async () => {
    const owner = await createOrgWithOwner(t);
    const res = await t.api.get(`/api/v1/orgs/${owner.organizationId}`, { token: adminToken });
    expect(res.status).toBe(404);
  });
});

describe("GET /api/v1/admin/organizations", () => {
  const marker = `Zephyr${Date.now().toString(36)}`;
  let orgs: TestOrgOwner[];

  beforeAll(async () => {
    orgs = [];
    for (const label of ["Dental", "Plumbing", "Bistro", "Legal", "Salon"]) {
      orgs.push(await createOrgWithOwner(t, { organizationName: `${marker} ${label}` }));
      t.clock.advance(1_000); // distinct creation times, so the newest-first order is certain
    }
    await createOrgWithOwner(t, { organizationName: "Unrelated Garage" });
    await addTeammate(t, orgs[0]!, "member");
  });

  it("finds organizations of every tenant by part of the name, case-insensitively, newest first, with plan and member count", async () => {
    const res = await t.api.get(`/api/v1/admin/organizations?q=${marker.toLowerCase()}`, { token: adminToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.total).toBe(5);
    expect(res.body.items.map((o: { id: string }) => o.id)).toEqual(orgs.map((o) => o.organizationId).reverse());
    expect(res.body.items.at(-1)).toMatchObject({ name: `${marker} Dental`, status: "active", planId: "free", planName: "Free", members: 2, deletedAt: null });
  });

  it("finds an organization by slug and by id", async () => {
    const slug = `${marker.toLowerCase()}-bistro`;
    const bySlug = await t.api.get(`/api/v1/admin/organizations?q=${slug}`, { token: adminToken });
    expect(bySlug.body.items.map((o: { slug: string }) => o.slug)).toEqual([slug]);
    const byId = await t.api.get(`/api/v1/admin/organizations?q=${orgs[3]!.organizationId}`, { token: adminToken });
    expect(byId.body).toMatchObject({ total: 1, items: [{ id: orgs[3]!.organizationId, name: `${marker} Legal` }] });
  });

  it("paginates with limit and offset, reporting the total", async () => {
    const pages = [];
    for (const offset of [0, 2, 4]) {
      const res = await t.api.get(`/api/v1/admin/organizations?q=${marker}&limit=2&offset=${offset}`, { token: adminToken });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(5);
      pages.push(res.body.items.map((o: { id: string }) => o.id));
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(orgs.map((o) => o.organizationId).reverse());
    const past = await t.api.get(`/api/v1/admin/organizations?q=${marker}&limit=2&offset=10`, { token: adminToken });
    expect(past.body).toEqual({ total: 5, items: [] });
  });

  it("without q lists every organization", async () => {
    const res = await t.api.get("/api/v1/admin/organizations?limit=200", { token: adminToken });
    const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM organizations WHERE deleted_at IS NULL");
    expect(res.body.total).toBe(rows[0]?.n);
    expect(res.body.items).toHaveLength(rows[0]?.n ?? -1);
  });

  it("treats % and _ in q literally", async () => {
    for (const q of ["%", "_", "%25"]) {
      const res = await t.api.get(`/api/v1/admin/organizations?q=${encodeURIComponent(q)}`, { token: adminToken });
      expect({ q, total: res.body.total }).toEqual({ q, total: 0 });
    }
  });

  it("hides deleted organizations unless includeDeleted=true", async () => {
    const doomed = await createOrgWithOwner(t, { organizationName: `${marker}gone Deli` });
    const slug = (await t.api.get(`/api/v1/orgs/${doomed.organizationId}`, { token: doomed.accessToken })).body.slug;
    expect((await t.api.delete(`/api/v1/orgs/${doomed.organizationId}`, { confirm: slug }, { token: doomed.accessToken })).status).toBe(204);
    const hidden = await t.api.get(`/api/v1/admin/organizations?q=${marker}gone`, { token: adminToken });
    expect(hidden.body).toEqual({ total: 0, items: [] });
    const shown = await t.api.get(`/api/v1/admin/organizations?q=${marker}gone&includeDeleted=true`, { token: adminToken });
    expect(shown.body.total).toBe(1);
    expect(shown.body.items[0].deletedAt).toEqual(expect.any(String));
  });

  it.each([["limit=0"], ["limit=201"], ["offset=-1"], ["limit=abc"]])("answers 422 for %s", async (query) => {
    const res = await t.api.get(`/api/v1/admin/organizations?${query}`, { token: adminToken });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("VALIDATION_FAILED");
  });
});

describe("GET /api/v1/admin/users", () => {
  const marker = `quokka${Date.now().toString(36)}`;
  let alice: TestOrgOwner;

  beforeAll(async () => {
    alice = await createOrgWithOwner(t, { email: `alice.${marker}@example.com`, name: "Alice Anders" });
    t.clock.advance(1_000);
    await createOrgWithOwner(t, { email: `bob.${marker}@example.com`, name: `Bob ${marker}` });
    t.clock.advance(1_000);
    await createOrgWithOwner(t, { email: `carol.${marker}@example.com`, name: "Carol Chen" });
    await t.api.post("/api/v1/orgs", { name: "Alice Second" }, { token: alice.accessToken });
  });

  it("finds users of every tenant by email or name, newest first, with their organization count", async () => {
    const res = await t.api.get(`/api/v1/admin/users?q=${marker.toUpperCase()}`, { token: adminToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.items.map((u: { email: string }) => u.email)).toEqual([
      `carol.${marker}@example.com`,
      `bob.${marker}@example.com`,
      `alice.${marker}@example.com`,
    ]);
    expect(res.body.items[2]).toMatchObject({ id: alice.userId, name: "Alice Anders", isSuperAdmin: false, emailVerified: false, organizations: 2 });
    expect(res.body.items[2]).not.toHaveProperty("passwordHash");

    const byName = await t.api.get("/api/v1/admin/users?q=carol%20chen", { token: adminToken });
    expect(byName.body.items.map((u: { name: string }) => u.name)).toContain("Carol Chen");
    const byId = await t.api.get(`/api/v1/admin/users?q=${alice.userId}`, { token: adminToken });
    expect(byId.body).toMatchObject({ total: 1, items: [{ id: alice.userId }] });
  });

  it("paginates with limit and offset, reporting the total", async () => {
    const first = await t.api.get(`/api/v1/admin/users?q=${marker}&limit=2`, { token: adminToken });
    const second = await t.api.get(`/api/v1/admin/users?q=${marker}&limit=2&offset=2`, { token: adminToken });
    expect([first.body.total, second.body.total]).toEqual([3, 3]);
    expect(first.body.items).toHaveLength(2);
    expect(second.body.items.map((u: { id: string }) => u.id)).toEqual([alice.userId]);
  });

  it("shows the super admin as such", async () => {
    const res = await t.api.get(`/api/v1/admin/users?q=${ADMIN_EMAIL}`, { token: adminToken });
    expect(res.body.items).toEqual([expect.objectContaining({ email: ADMIN_EMAIL, isSuperAdmin: true, organizations: 0 })]);
  });
});

describe("who may use the admin API", () => {
  const adminPaths = ["/api/v1/admin/organizations", "/api/v1/admin/users", "/api/v1/admin/mailbox"];

  it.each(adminPaths)("GET %s answers 401 UNAUTHENTICATED without a token", async (path) => {
    const res = await t.api.get(path);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("UNAUTHENTICATED");
  });

  it.each(adminPaths)("GET %s answers 403 SUPER_ADMIN_ONLY to an organization owner", async (path) => {
    const owner = await createOrgWithOwner(t);
    const res = await t.api.get(path, { token: owner.accessToken });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("SUPER_ADMIN_ONLY");
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("with SMTP unset", () => {
  let devT: TestPlatform;
  let devAdminToken: string;

  beforeAll(async () => {
    devT = await startTestPlatform({ env: { SMTP_URL: "", ADMIN_EMAIL, ADMIN_PASSWORD } });
    devAdminToken = (await signIn(devT, ADMIN_EMAIL, ADMIN_PASSWORD)).body.accessToken;
  });
  afterAll(() => devT?.stop());

  it("an empty SMTP_URL counts as unset", () => {
    expect(loadConfig({ SMTP_URL: "" }).smtpUrl).toBeUndefined();
    expect(devT.platform.ctx.config.smtpUrl).toBeUndefined();
  });

  it("mail lands in the dev mailbox, readable by the super admin at GET /admin/mailbox?to=", async () => {
    const email = uniqueEmail("devbox");
    const signup = await devT.api.post("/api/v1/auth/signup", { email, password: "dev mailbox password", name: "Dee Dev", organizationName: "Dev Diner" });
    expect(signup.status, signup.text).toBe(201);

    let items: { to: string; subject: string; text: string; from: string }[] = [];
    const deadline = Date.now() + 15_000;
    while (items.length === 0 && Date.now() < deadline) {
      const res = await devT.api.get(`/api/v1/admin/mailbox?to=${encodeURIComponent(email.toUpperCase())}`, { token: devAdminToken });
      expect(res.status, res.text).toBe(200);
      items = res.body.items;
      if (items.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(items).toEqual([expect.objectContaining({ to: email, subject: expect.stringMatching(/verify/i), from: expect.stringContaining("Switchboard") })]);
    expect(items[0]?.text).toContain("/verify-email?token=");
    expect(devT.mail.messages.filter((m) => m.to.includes(email))).toEqual([]);

    const others = await devT.api.get("/api/v1/admin/mailbox?to=nobody-at-all@example.com", { token: devAdminToken });
    expect(others.body.items).toEqual([]);
  });
});
