// Calls and their transcripts, range-partitioned by month on started_at (the provider's call
// creation time, identical in every message about a call, so upserts find their partition), the
// actions tools took during a call, and the raw vendor messages as received.
import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { tenantPolicies } from "../../db/roles.js";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const CALL_STATUSES = ["queued", "ringing", "in-progress", "forwarding", "ended"] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** Partitioned by RANGE (started_at) in the migration; a job creates next months' partitions ahead. */
export const calls = pgTable(
  "calls",
  {
    organizationId: text("organization_id").notNull(),
    id: text("id").notNull(),
    startedAt: timestamptz("started_at").notNull(),
    provider: text("provider", { enum: ["vapi", "sandbox"] }).notNull(),
    providerCallId: text("provider_call_id").notNull(),
    phoneNumberId: text("phone_number_id"),
    assistantId: text("assistant_id"),
    callerNumber: text("caller_number"),
    contactId: text("contact_id"),
    status: text("status", { enum: CALL_STATUSES }).notNull().default("queued"),
    /** True when the call was answered by a fallback (paused assistant, suspended org, limits). */
    fallback: text("fallback"),
    endedReason: text("ended_reason"),
    endedAt: timestamptz("ended_at"),
    durationSeconds: integer("duration_seconds"),
    summary: text("summary"),
    structuredData: jsonb("structured_data").$type<Record<string, unknown>>(),
    successEvaluation: text("success_evaluation"),
    recordingUrl: text("recording_url"),
    costUsd: numeric("cost_usd", { precision: 12, scale: 6 }),
    costBreakdown: jsonb("cost_breakdown").$type<Record<string, unknown>>(),
    /** The whole transcript as text, for full-text search. */
    transcript: text("transcript"),
    isTest: boolean("is_test").notNull().default(false),
    /** Set once when the end-of-call report was applied; usage is metered exactly then. */
    reportReceivedAt: timestamptz("report_received_at"),
    lastEventAt: timestamptz("last_event_at"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id, t.startedAt] }),
    uniqueIndex("calls_provider_call_key").on(t.organizationId, t.providerCallId, t.startedAt),
    // Serves the calls list (newest first) and the overview's counts.
    index("calls_org_started_idx").on(t.organizationId, t.startedAt),
    index("calls_transcript_search_idx").using("gin", sql`to_tsvector('english', coalesce(${t.transcript}, '') || ' ' || coalesce(${t.summary}, ''))`),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();

/** Partitioned like calls, by the call's started_at. */
export const transcriptSegments = pgTable(
  "transcript_segments",
  {
    organizationId: text("organization_id").notNull(),
    callId: text("call_id").notNull(),
    startedAt: timestamptz("started_at").notNull(),
    seq: integer("seq").notNull(),
    speaker: text("speaker", { enum: ["assistant", "caller", "system", "tool"] }).notNull(),
    text: text("text").notNull(),
    startOffsetMs: integer("start_offset_ms"),
    endOffsetMs: integer("end_offset_ms"),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.callId, t.startedAt, t.seq] }), ...tenantPolicies(t.organizationId)],
).enableRLS();

/** One row per tool call the assistant made; the provider's tool-call id makes retries idempotent. */
export const callActions = pgTable(
  "call_actions",
  {
    organizationId: text("organization_id").notNull(),
    id: text("id").notNull(),
    callId: text("call_id").notNull(),
    providerToolCallId: text("provider_tool_call_id").notNull(),
    tool: text("tool").notNull(),
    arguments: jsonb("arguments").$type<Record<string, unknown>>().notNull(),
    outcome: text("outcome", { enum: ["succeeded", "rejected", "failed"] }).notNull(),
    result: text("result").notNull(),
    inboxItemId: text("inbox_item_id"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    uniqueIndex("call_actions_tool_call_key").on(t.organizationId, t.providerToolCallId),
    index("call_actions_call_idx").on(t.organizationId, t.callId),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();

/**
 * Every message a voice vendor sent, stored raw (on the platform role) before anything else
 * happens: a platform log like audit_log, since the tenant may not be known yet. The idempotency key (call id + type + timestamp) drops exact
 * re-deliveries.
 */
export const vendorEvents = pgTable(
  "vendor_events",
  {
    id: text("id").primaryKey(),
    provider: text("provider").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    type: text("type").notNull(),
    providerCallId: text("provider_call_id"),
    /** The organization the message was resolved to; null when its number is unknown. */
    organizationId: text("organization_id"),
    payload: jsonb("payload").notNull(),
    receivedAt: timestamptz("received_at").notNull().defaultNow(),
    processedAt: timestamptz("processed_at"),
    error: text("error"),
  },
  (t) => [
    uniqueIndex("vendor_events_idempotency_key").on(t.provider, t.idempotencyKey),
    index("vendor_events_call_idx").on(t.providerCallId),
    // Serves call ingestion: the organizations with pending messages, and each one's oldest first.
    index("vendor_events_pending_idx").on(t.organizationId, t.receivedAt).where(sql`${t.processedAt} IS NULL AND ${t.organizationId} IS NOT NULL`),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();
