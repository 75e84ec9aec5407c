// What middleware puts on a request for the handlers after it.
import type { Logger } from "pino";
import type { AppContext } from "../context.js";
import type { Role } from "../modules/organizations/schema.js";

export type AuthenticatedUser = {
  id: string;
  email: string;
  name: string;
  isSuperAdmin: boolean;
  emailVerified: boolean;
  sessionId: string;
};

export type OrgAccess = { organizationId: string; role: Role };

export type AppEnv = {
  Variables: {
    requestId: string;
    logger: Logger;
    ctx: AppContext;
    clientIp: string;
    user: AuthenticatedUser;
    org: OrgAccess;
  };
};
