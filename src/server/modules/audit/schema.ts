// The audit log: append-only (the runtime roles may only insert and read; a trigger refuses
// UPDATE and DELETE). Organization events carry organization_id and are readable by that tenant;
// account events (sign-in, password) have none and are readable by the platform role only.
import { sql } from "drizzle-orm";
import { index, jsonb, pgPolicy, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { appRole, currentTenant, platformRole } from "../../db/roles.js";

export const auditLog = pgTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id"),
    actorUserId: text("actor_user_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    // Serves the organization's audit page, newest first.
    index("audit_log_org_created_idx").on(t.organizationId, t.createdAt),
    index("audit_log_actor_created_idx").on(t.actorUserId, t.createdAt),
    pgPolicy("tenant_read", { for: "select", to: appRole, using: sql`${t.organizationId} = ${currentTenant}` }),
    pgPolicy("tenant_append", {
      for: "insert",
      to: appRole,
      withCheck: sql`${t.organizationId} IS NULL OR ${t.organizationId} = ${currentTenant}`,
    }),
    pgPolicy("platform_access", { for: "all", to: platformRole, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();
