// Assistants: one AI receptionist of an organization, built from a template (plus variable
// values) or from a custom prompt.
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { tenantPolicies } from "../../db/roles.js";
import { organizations } from "../organizations/schema.js";
import type { BusinessHours, DirectoryEntry, ToolName, VariableValues, Voice } from "../templates/types.js";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const ASSISTANT_STATUSES = ["draft", "active", "paused"] as const;
export type AssistantStatus = (typeof ASSISTANT_STATUSES)[number];

export type AfterHours = { mode: "take_message" } | { mode: "forward"; forwardTo: string } | { mode: "greeting"; greeting: string };

export type ModelChoice = { provider: string; model: string };

export type NotificationRecipient = { email?: string; phone?: string; name?: string };

export const assistants = pgTable(
  "assistants",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    id: text("id").notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: ASSISTANT_STATUSES }).notNull().default("draft"),
    templateSlug: text("template_slug"),
    templateVersion: integer("template_version"),
    variables: jsonb("variables").$type<VariableValues>().notNull().default({}),
    /** A fully custom system prompt (prompt-template syntax); null when built from a template. */
    customPrompt: text("custom_prompt"),
    firstMessage: text("first_message"),
    voice: jsonb("voice").$type<Voice>().notNull(),
    model: jsonb("model").$type<ModelChoice>().notNull(),
    languages: jsonb("languages").$type<string[]>().notNull().default(["en"]),
    businessHours: jsonb("business_hours").$type<BusinessHours>().notNull(),
    afterHours: jsonb("after_hours").$type<AfterHours>().notNull().default({ mode: "take_message" }),
    transferDirectory: jsonb("transfer_directory").$type<DirectoryEntry[]>().notNull().default([]),
    notificationRecipients: jsonb("notification_recipients").$type<NotificationRecipient[]>().notNull().default([]),
    enabledTools: jsonb("enabled_tools").$type<ToolName[]>().notNull().default([]),
    createdBy: text("created_by"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    // Serves the assistants list, newest first.
    index("assistants_org_created_idx").on(t.organizationId, t.createdAt),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();
