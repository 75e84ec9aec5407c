// Test sessions of the console: one conversation with an assistant, played as a sandbox web call
// through the real webhook path. Persisted so any app instance can take the next turn.
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { tenantPolicies } from "../../db/roles.js";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const TEST_SESSION_STATUSES = ["open", "ended"] as const;
export type TestSessionStatus = (typeof TEST_SESSION_STATUSES)[number];

export const testSessions = pgTable(
  "test_sessions",
  {
    organizationId: text("organization_id").notNull(),
    id: text("id").notNull(),
    assistantId: text("assistant_id").notNull(),
    /** The member who opened the console. */
    createdByUserId: text("created_by_user_id").notNull(),
    /** "template" or "llm": the engine chosen when the session opened. */
    engine: text("engine", { enum: ["template", "llm"] }).notNull(),
    status: text("status", { enum: TEST_SESSION_STATUSES }).notNull().default("open"),
    /** The simulated vendor call id, and our call id once the webhook admitted the call. */
    providerCallId: text("provider_call_id").notNull(),
    callId: text("call_id"),
    callerNumber: text("caller_number"),
    /** The conversation so far (ConversationEntry[]), oldest first. */
    history: jsonb("history").$type<unknown[]>().notNull().default([]),
    /** The engine's own state between turns (opaque JSON). */
    engineState: jsonb("engine_state"),
    /** The sandbox call's state between turns (simulated clock, messages sent so far). */
    callState: jsonb("call_state").$type<Record<string, unknown>>().notNull(),
    turnCount: integer("turn_count").notNull().default(0),
    /** Set while a turn runs, so a second concurrent turn is refused rather than interleaved. */
    busyUntil: timestamptz("busy_until"),
    lastActivityAt: timestamptz("last_activity_at").notNull(),
    endedAt: timestamptz("ended_at"),
    endedReason: text("ended_reason"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.id] }),
    // Serves the open-sessions count per organization.
    index("test_sessions_org_status_idx").on(t.organizationId, t.status),
    // Serves the idle sweep (open sessions, oldest activity first) across organizations.
    index("test_sessions_idle_idx").on(t.status, t.lastActivityAt),
    ...tenantPolicies(t.organizationId),
  ],
).enableRLS();
