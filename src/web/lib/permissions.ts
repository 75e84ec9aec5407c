// What the caller's role may do, for hiding actions in the UI. The matrix itself is the server's
// (imported, not copied), so the UI cannot drift from what the API enforces.
import { mayAssignRole, type Permission, roleAllows } from "../../server/modules/organizations/permissions";
import type { components } from "../api/schema";

export type Role = components["schemas"]["Organization"]["role"];

export const ROLES: readonly Role[] = ["owner", "admin", "member", "viewer"];

export const ROLE_LABELS: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member", viewer: "Viewer" };

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: "Everything, including billing and deleting the organization",
  admin: "Everything except billing ownership and deleting the organization",
  member: "Works the inbox, edits assistants and knowledge",
  viewer: "Read-only: dashboard, calls and analytics",
};

export function can(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && roleAllows(role, permission);
}

/** The roles this actor may give someone who currently has `from` (null for a new invitation). */
export function assignableRoles(actor: Role, from: Role | null): Role[] {
  return ROLES.filter((to) => mayAssignRole(actor, from, to));
}
