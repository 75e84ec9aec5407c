// The role matrix of PRODUCT.md §1, in one place. Routes name a permission; the authorize
// middleware looks the caller's role up here. The UI only hides what this refuses.
import type { Role } from "./schema.js";

const ALL: readonly Role[] = ["owner", "admin", "member", "viewer"];
const MANAGERS: readonly Role[] = ["owner", "admin"];
const EDITORS: readonly Role[] = ["owner", "admin", "member"];

export const PERMISSIONS = {
  "org:read": ALL,
  "org:update": MANAGERS,
  "org:delete": ["owner"],
  "billing:read": MANAGERS,
  "billing:manage": ["owner"],
  "members:read": ALL,
  "members:manage": MANAGERS,
  "invitations:manage": MANAGERS,
  "ownership:transfer": ["owner"],
  "audit:read": MANAGERS,
  "assistants:read": ALL,
  "assistants:write": EDITORS,
  /** Talking to an assistant in the test console (a test call: real tools, inbox items). */
  "assistants:test": EDITORS,
  "knowledge:read": ALL,
  "knowledge:write": EDITORS,
  "inbox:read": ALL,
  "inbox:write": EDITORS,
  "calls:read": ALL,
  "analytics:read": ALL,
  "numbers:read": ALL,
  "numbers:manage": MANAGERS,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleAllows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Only an owner may grant the owner role or change an owner's role. */
export function mayAssignRole(actor: Role, from: Role | null, to: Role): boolean {
  if (to === "owner" || from === "owner") return actor === "owner";
  return roleAllows(actor, "members:manage");
}
