// Organizations (the tenant root), their memberships and invitations. Every tenant table keeps
// organization_id in its primary key and in every unique and foreign key (Citus-ready), and
// carries the tenant policies.
import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { tenantPolicies } from "../../db/roles.js";
import { users } from "../auth/schema.js";
import { plans } from "../plans/schema.js";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export type OrganizationSettings = {
  defaultLanguage?: string;
  recordingDisclosure?: "auto" | "always" | "never";
  /** Sandbox mode: only sandbox numbers may be provisioned and every call is a test call (not metered or billed). */
  sandboxMode?: boolean;
};

export const organizations = pgTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    timezone: text("timezone").notNull().default("UTC"),
    settings: jsonb("settings").$type<OrganizationSettings>().notNull().default({}),
    planId: text("plan_id")
      .notNull()
      .default("free")
      .references(() => plans.id),
    status: text("status", { enum: ["active", "past_due", "suspended"] })
      .notNull()
      .default("active"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    deletedAt: timestamptz("deleted_at"),
    deletedBy: text("deleted_by"),
  },
  (t) => [
    // Slugs are unique among live organizations; a deleted one frees its slug.
    uniqueIndex("organizations_slug_key").on(t.slug).where(sql`${t.deletedAt} IS NULL`),
    ...tenantPolicies(t.id),
  ],
).enableRLS();

export const memberships = pgTable(
  "memberships",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.userId] }),
    // Serves "which organizations is this user in" (GET /me, GET /orgs).
    index("memberships_user_id_idx").on(t.userId),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();

export const invitations = pgTable(
  "invitations",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    id: text("id").notNull(),
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    lastSentAt: timestamptz("last_sent_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull(),
    acceptedAt: timestamptz("accepted_at"),
    acceptedBy: text("accepted_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    uniqueIndex("invitations_token_hash_key").on(t.organizationId, t.tokenHash),
    // Serves the token look-up of the accept page.
    index("invitations_token_hash_idx").on(t.tokenHash),
    // At most one open invitation per address and organization.
    uniqueIndex("invitations_open_email_key").on(t.organizationId, sql`lower(${t.email})`).where(sql`${t.acceptedAt} IS NULL AND ${t.revokedAt} IS NULL`),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();
