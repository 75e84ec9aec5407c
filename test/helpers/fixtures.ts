// Arrange helpers: accounts, organizations and teammates created through the public API,
// following the links in the emails the real SMTP server received.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { Role } from "../../src/server/modules/organizations/schema.js";
import type { TestPlatform } from "./platform.js";

export type TestUser = { userId: string; email: string; password: string; name: string; accessToken: string; refreshToken: string };
export type TestOrgOwner = TestUser & { organizationId: string; organizationName: string };

export function uniqueEmail(label = "user"): string {
  return `${label}-${randomBytes(4).toString("hex")}@example.com`;
}

export async function createOrgWithOwner(
  t: TestPlatform,
  overrides: Partial<{ email: string; password: string; name: string; organizationName: string }> = {},
): Promise<TestOrgOwner> {
  const input = {
    email: overrides.email ?? uniqueEmail("owner"),
    password: overrides.password ?? "correct horse battery staple",
    name: overrides.name ?? "Olive Owner",
    organizationName: overrides.organizationName ?? `Org ${randomBytes(3).toString("hex")}`,
  };
  const res = await t.api.post("/api/v1/auth/signup", input);
  expect(res.status, res.text).toBe(201);
  return { ...input, userId: res.body.userId, organizationId: res.body.organizationId, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
}

/** The token at the end of the first link in an email that matches the path (e.g. "/invitations/"). */
export function tokenFromLink(links: string[], pathPart: string): string {
  const link = links.find((l) => l.includes(pathPart));
  if (!link) throw new Error(`no link containing ${pathPart} in ${links.join(", ")}`);
  const url = new URL(link);
  return url.searchParams.get("token") ?? decodeURIComponent(url.pathname.split("/").pop() ?? "");
}

/** Invites a new person and has them accept with a fresh account; returns them signed in. */
export async function addTeammate(t: TestPlatform, owner: TestOrgOwner, role: Role, label: string = role): Promise<TestUser> {
  const email = uniqueEmail(label);
  const invite = await t.api.post(`/api/v1/orgs/${owner.organizationId}/invitations`, { email, role }, { token: owner.accessToken });
  expect(invite.status, invite.text).toBe(201);
  const mail = await t.mail.waitFor(email);
  const token = tokenFromLink(mail.links, "/invitations/");
  const password = "teammate password 123";
  const name = `Teammate ${label}`;
  const accepted = await t.api.post(`/api/v1/invitations/${token}/accept`, { name, password });
  expect(accepted.status, accepted.text).toBe(200);
  return {
    userId: await userIdOf(t, accepted.body.accessToken),
    email,
    password,
    name,
    accessToken: accepted.body.accessToken,
    refreshToken: accepted.body.refreshToken,
  };
}

async function userIdOf(t: TestPlatform, accessToken: string): Promise<string> {
  const me = await t.api.get("/api/v1/me", { token: accessToken });
  return me.body.user.id;
}

export async function signIn(t: TestPlatform, email: string, password: string) {
  return t.api.post("/api/v1/auth/signin", { email, password });
}
