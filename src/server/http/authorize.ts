// Route-level authorization, declared next to each route's schema:
//   middleware: [requireUser]                      any signed-in user
//   middleware: [requireOrg("members:manage")]     a member of {orgId} whose role allows it
//   middleware: [requireSuperAdmin]                a platform super admin
// A caller who is not a member of the organization gets 404, never 403, so ids reveal nothing.
import type { Context, MiddlewareHandler, Next } from "hono";
import { Forbidden, NotFound, Unauthorized } from "../errors.js";
import { authenticateAccessToken } from "../modules/auth/sessions.js";
import { type Permission, roleAllows } from "../modules/organizations/permissions.js";
import { findOrgAccess } from "../modules/organizations/service.js";
import type { AppEnv } from "./env.js";

const MAX_ID_LENGTH = 64;

async function loadUser(c: Context<AppEnv>): Promise<void> {
  const header = c.req.header("authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1]) throw new Unauthorized("UNAUTHENTICATED", "Sign in first: send an access token as 'Authorization: Bearer <token>'.");
  c.set("user", await authenticateAccessToken(c.get("ctx"), match[1]));
}

export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  await loadUser(c);
  await next();
};

export const requireSuperAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  await loadUser(c);
  if (!c.get("user").isSuperAdmin) throw new Forbidden("SUPER_ADMIN_ONLY", "Only platform super admins may do this.");
  await next();
};

export function requireOrg(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c: Context<AppEnv>, next: Next) => {
    await loadUser(c);
    const organizationId = c.req.param("orgId");
    if (!organizationId || organizationId.length > MAX_ID_LENGTH) throw new NotFound("Organization");
    const access = await findOrgAccess(c.get("ctx"), c.get("user").id, organizationId);
    if (!access) throw new NotFound("Organization");
    if (!roleAllows(access.role, permission)) {
      throw new Forbidden("FORBIDDEN", `Your role (${access.role}) may not do this.`, { requiredPermission: permission });
    }
    c.set("org", access);
    await next();
  };
}
