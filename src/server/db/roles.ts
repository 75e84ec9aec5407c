// The two database roles the running app uses; neither owns a table. Tenant work runs as
// APP_ROLE under row-level security; PLATFORM_ROLE serves the few cross-tenant lookups.
import { sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { pgPolicy, pgRole } from "drizzle-orm/pg-core";

export const APP_ROLE_NAME = "switchboard_app";
export const PLATFORM_ROLE_NAME = "switchboard_platform";

export const appRole = pgRole(APP_ROLE_NAME).existing();
export const platformRole = pgRole(PLATFORM_ROLE_NAME).existing();

/** The current tenant, as set by withTenant(); NULL when none is set, so nothing matches. */
export const currentTenant = sql`NULLIF(current_setting('app.organization_id', true), '')`;

/** The two policies every tenant table carries: the app sees its tenant only; the platform role sees all. */
export function tenantPolicies(tenantColumn: AnyPgColumn) {
  return [
    pgPolicy("tenant_isolation", {
      as: "permissive",
      for: "all",
      to: appRole,
      using: sql`${tenantColumn} = ${currentTenant}`,
      withCheck: sql`${tenantColumn} = ${currentTenant}`,
    }),
    pgPolicy("platform_access", { as: "permissive", for: "all", to: platformRole, using: sql`true`, withCheck: sql`true` }),
  ];
}
