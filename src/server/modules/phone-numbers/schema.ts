// Phone numbers: an organization's numbers (with routing rules), the platform-wide directory that
// maps a dialled number or a vendor's number id to its organization (the tenant resolution of
// every inbound call), and customers' own vendor credentials, stored encrypted.
import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { tenantPolicies } from "../../db/roles.js";
import { organizations } from "../organizations/schema.js";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const PHONE_PROVIDERS = ["sandbox", "twilio", "vapi"] as const;
export type PhoneProvider = (typeof PHONE_PROVIDERS)[number];

/**
 * Whether a number's calls reach our assistants through Vapi: `connected` (a Vapi number, or a
 * Twilio number imported into Vapi), `not_configured` (a Twilio number bought while the platform had
 * no Vapi key: its calls hear "not in service"), `not_applicable` (sandbox numbers).
 */
export const VAPI_STATUSES = ["connected", "not_configured", "not_applicable"] as const;
export type VapiStatus = (typeof VAPI_STATUSES)[number];

/** Where a call goes. Open hours: `openAssistantId`; after hours: another assistant, a forward, or message taking. */
export type Routing = {
  openAssistantId: string | null;
  afterHours: { mode: "same_assistant" } | { mode: "assistant"; assistantId: string } | { mode: "forward"; forwardTo: string } | { mode: "take_message" };
};

export const phoneNumbers = pgTable(
  "phone_numbers",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    id: text("id").notNull(),
    /** E.164. */
    number: text("number").notNull(),
    provider: text("provider", { enum: PHONE_PROVIDERS }).notNull(),
    /** The vendor's id for the number (Twilio IncomingPhoneNumber SID, Vapi phone number id). */
    providerNumberId: text("provider_number_id"),
    /** Vapi's id for the number (a Vapi number's own, or an imported Twilio number's); calls carry it as call.phoneNumberId. */
    vapiPhoneNumberId: text("vapi_phone_number_id"),
    vapiStatus: text("vapi_status", { enum: VAPI_STATUSES }).notNull().default("not_applicable"),
    /** A customer's own vendor account (provider_credentials), or null for the platform's. */
    credentialsId: text("credentials_id"),
    label: text("label"),
    status: text("status", { enum: ["active", "released"] })
      .notNull()
      .default("active"),
    routing: jsonb("routing")
      .$type<Routing>()
      .notNull()
      .default({ openAssistantId: null, afterHours: { mode: "same_assistant" } }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    releasedAt: timestamptz("released_at"),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    index("phone_numbers_org_created_idx").on(t.organizationId, t.createdAt),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();

/**
 * The platform's directory of live numbers, read (on the platform role) before any tenant is
 * known: a dialled number or a vendor's number id → its organization. Keyed by the number, which
 * is unique across the platform, so on Citus it is a reference table rather than distributed.
 * One row per active number; a released number leaves it.
 */
export const phoneNumberDirectory = pgTable(
  "phone_number_directory",
  {
    number: text("number").primaryKey(),
    provider: text("provider", { enum: PHONE_PROVIDERS }).notNull(),
    providerNumberId: text("provider_number_id"),
    /** Vapi's id for the number: resolves call.phoneNumberId of Vapi numbers and of Twilio numbers imported into Vapi. */
    vapiPhoneNumberId: text("vapi_phone_number_id"),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    phoneNumberId: text("phone_number_id").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("phone_number_directory_provider_id_key").on(t.provider, t.providerNumberId).where(sql`${t.providerNumberId} IS NOT NULL`),
    uniqueIndex("phone_number_directory_vapi_id_key").on(t.vapiPhoneNumberId).where(sql`${t.vapiPhoneNumberId} IS NOT NULL`),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();

/** A customer's own vendor account (e.g. Twilio Account SID + auth token); the secret is AES-256-GCM encrypted. */
export const providerCredentials = pgTable(
  "provider_credentials",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    id: text("id").notNull(),
    provider: text("provider", { enum: ["twilio"] }).notNull(),
    accountId: text("account_id").notNull(),
    /** base64(iv ‖ ciphertext ‖ tag), key from configuration. */
    secretEncrypted: text("secret_encrypted").notNull(),
    label: text("label"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.id] }), ...tenantPolicies(t.organizationId)],
).enableRLS();
