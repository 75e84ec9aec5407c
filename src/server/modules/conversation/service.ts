// Test sessions (the console's backend): each is a sandbox web call through the app's own POST
// /webhooks/vapi, so it leaves a real call record (a test call: not metered), transcript, tool
// actions and inbox items. A turn speaks the caller's line, runs the conversation engine (whose
// tool calls become tool-calls messages to the webhook), speaks the reply, and stores the engine's
// and the call's state in PostgreSQL, so the next turn may run on any instance.

import { randomBytes } from "node:crypto";
import { and, eq, lt, or, sql } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { withPlatform, withTenant } from "../../db/transaction.js";
import { BadRequest, Conflict, NotFound } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import { renderInputOf } from "../assistants/render-input.js";
import { renderAssistant } from "../assistants/render-prompt.js";
import { findAssistant, organizationProfile } from "../assistants/service.js";
import { SandboxCall, SandboxCallError, type SandboxCallState } from "../sandbox/driver.js";
import { inProcessTransport, SANDBOX_DEFAULT_CALLER } from "../sandbox/service.js";
import { getTemplate } from "../templates/service.js";
import type { MenuItem } from "../templates/types.js";
import { sandboxWebhookSecret } from "../vapi-webhook/authenticate.js";
import { signTestSessionToken } from "../vapi-webhook/console-call.js";
import type { ConversationEngine, ConversationEntry, EngineAssistant, EngineEvent, EngineTurnResult } from "./engine.js";
import { conversationEngineFor } from "./engines.js";
import { type TEST_SESSION_STATUSES, testSessions } from "./schema.js";

/** Longest caller line the console accepts (a phone turn is a sentence or two). */
export const TEST_MESSAGE_MAX_CHARS = 1_000;
export const TEST_SESSION_MAX_TURNS = 60;
export const TEST_SESSIONS_OPEN_MAX = 5;
/** A session nobody spoke in for this long is ended by the "test-sessions.end-idle" job. */
export const TEST_SESSION_IDLE_MS = 15 * 60_000;
/** A turn never takes longer than this: the engine is abandoned with an error event and a spoken apology. */
export const TEST_TURN_TIMEOUT_MS = 45_000;
/** How long a claimed turn blocks another one if its instance died mid-turn. */
const TURN_LEASE_MS = TEST_TURN_TIMEOUT_MS + 30_000;
const IDLE_SWEEP_BATCH = 50;
const TIMEOUT_REPLY = "I'm sorry, I'm having trouble right now. Could you say that again?";
const BROKEN_REPLY = "I'm sorry, something went wrong on our side.";
/** Custom-prompt assistants (no template) follow the general office's conversation. */
const DEFAULT_CONVERSATION_TEMPLATE = "general-office";

type SessionRow = typeof testSessions.$inferSelect;

export type TestSessionView = {
  id: string;
  assistantId: string;
  status: (typeof TEST_SESSION_STATUSES)[number];
  engine: "template" | "llm";
  callId: string | null;
  callerNumber: string | null;
  turnCount: number;
  maxTurns: number;
  transcript: ConversationEntry[];
  createdAt: string;
  lastActivityAt: string;
  endedAt: string | null;
  endedReason: string | null;
};

/** One NDJSON line of a turn: an engine event, then `done`. */
export type TestTurnLine = EngineEvent | { type: "done"; text: string; endCall: boolean; session: TestSessionView };

function toView(row: SessionRow): TestSessionView {
  return {
    id: row.id,
    assistantId: row.assistantId,
    status: row.status,
    engine: row.engine,
    callId: row.callId,
    callerNumber: row.callerNumber,
    turnCount: row.turnCount,
    maxTurns: TEST_SESSION_MAX_TURNS,
    transcript: row.history as ConversationEntry[],
    createdAt: row.createdAt.toISOString(),
    lastActivityAt: row.lastActivityAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
    endedReason: row.endedReason,
  };
}

async function findSession(tx: Db, organizationId: string, sessionId: string): Promise<SessionRow> {
  const [row] = await tx
    .select()
    .from(testSessions)
    .where(and(eq(testSessions.organizationId, organizationId), eq(testSessions.id, sessionId)));
  if (!row) throw new NotFound("Test session");
  return row;
}

function callOptions(ctx: AppContext) {
  return { secret: sandboxWebhookSecret(ctx.accessTokenKey), now: () => ctx.clock.now().getTime() };
}

function menuOf(variables: Record<string, unknown>): MenuItem[] {
  for (const key of ["menu", "services", "service_menu", "job_price_list"]) {
    const value = variables[key];
    if (Array.isArray(value) && value.length > 0) return value as MenuItem[];
  }
  for (const value of Object.values(variables)) {
    if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "object" && item !== null && "priceCents" in item))
      return value as MenuItem[];
  }
  return [];
}

/** Everything the engine may know about the assistant, rendered for `now`. */
async function engineAssistantOf(ctx: AppContext, organizationId: string, assistantId: string, now: Date): Promise<EngineAssistant> {
  const { assistant, profile } = await withTenant(ctx.db, organizationId, async (tx) => ({
    assistant: await findAssistant(tx, organizationId, assistantId),
    profile: await organizationProfile(tx, organizationId),
  }));
  const template = assistant.templateSlug ? await getTemplate(ctx, assistant.templateSlug, assistant.templateVersion ?? undefined).catch(() => null) : null;
  const rendered = renderAssistant(renderInputOf(assistant, profile.name, template?.definition ?? null, now));
  return {
    organizationId,
    assistantId,
    businessName: profile.name,
    timezone: assistant.businessHours?.timezone ?? profile.timezone,
    rendered,
    enabledTools: assistant.enabledTools,
    template: template?.definition ?? null,
    variables: assistant.variables,
    businessHours: assistant.businessHours,
    menu: menuOf(assistant.variables as Record<string, unknown>),
    transferDirectory: assistant.transferDirectory,
  };
}

async function engineFor(ctx: AppContext): Promise<ConversationEngine> {
  const fallback = ctx.config.llm ? null : await getTemplate(ctx, DEFAULT_CONVERSATION_TEMPLATE).catch(() => null);
  return conversationEngineFor(ctx.config, { defaultConversation: fallback?.definition.conversation ?? null });
}

export async function createTestSession(
  ctx: AppContext,
  access: OrgAccess,
  userId: string,
  assistantId: string,
  input: { callerNumber?: string | undefined },
): Promise<TestSessionView> {
  const { organizationId } = access;
  const now = ctx.clock.now();
  await withTenant(ctx.db, organizationId, async (tx) => {
    await findAssistant(tx, organizationId, assistantId);
    const { rows } = await tx.$client.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM test_sessions WHERE organization_id = $1 AND status = 'open' AND last_activity_at > $2",
      [organizationId, new Date(now.getTime() - TEST_SESSION_IDLE_MS)],
    );
    if (rows[0]!.count >= TEST_SESSIONS_OPEN_MAX)
      throw new Conflict(
        "TEST_SESSION_LIMIT_REACHED",
        `An organization may have ${TEST_SESSIONS_OPEN_MAX} test sessions open at once; end one (or wait ${TEST_SESSION_IDLE_MS / 60_000} minutes) first.`,
      );
  });
  const id = newId("tses");
  const providerCallId = `sandbox-web-${randomBytes(12).toString("hex")}`;
  const callerNumber = input.callerNumber ?? SANDBOX_DEFAULT_CALLER;
  const token = signTestSessionToken(ctx.accessTokenKey, { organizationId, testSessionId: id, assistantId });
  const call = await SandboxCall.dial(await inProcessTransport(ctx), callOptions(ctx), {
    secret: sandboxWebhookSecret(ctx.accessTokenKey),
    callType: "webCall",
    callerNumber,
    providerCallId,
    startedAtMs: now.getTime(),
    assistantOverrides: { metadata: { testSessionToken: token } },
    realTime: true,
  }).catch((error: unknown) => {
    // The webhook refuses calls of a suspended organization, as it would a real call.
    if (error instanceof SandboxCallError)
      throw new Conflict("TEST_SESSION_ENDED", "The test call could not start: this organization cannot take calls right now.");
    throw error;
  });
  await call.connect();
  const greeting = call.state.facts.assistant?.firstMessage;
  const history: ConversationEntry[] = [];
  if (typeof greeting === "string" && greeting !== "") {
    await call.speak("assistant", greeting);
    history.push({ role: "assistant", text: greeting });
  }
  const engine = await engineFor(ctx);
  const [row] = await withTenant(ctx.db, organizationId, (tx) =>
    tx
      .insert(testSessions)
      .values({
        organizationId,
        id,
        assistantId,
        createdByUserId: userId,
        engine: engine.kind,
        providerCallId,
        callId: call.callId,
        callerNumber,
        history,
        engineState: null,
        callState: call.state as unknown as Record<string, unknown>,
        lastActivityAt: ctx.clock.now(),
      })
      .returning(),
  );
  return toView(row!);
}

export async function getTestSession(ctx: AppContext, access: OrgAccess, sessionId: string): Promise<TestSessionView> {
  return toView(await withTenant(ctx.db, access.organizationId, (tx) => findSession(tx, access.organizationId, sessionId)));
}

/** Claims the session for one turn (or its end); refuses an ended or busy session. */
async function claimSession(ctx: AppContext, organizationId: string, sessionId: string, purpose: "turn" | "end"): Promise<SessionRow> {
  const now = ctx.clock.now();
  return withTenant(ctx.db, organizationId, async (tx) => {
    const row = await findSession(tx, organizationId, sessionId);
    if (row.status === "ended") throw new Conflict("TEST_SESSION_ENDED", "This test session has ended; start a new one.");
    if (purpose === "turn" && row.turnCount >= TEST_SESSION_MAX_TURNS)
      throw new Conflict("TEST_SESSION_LIMIT_REACHED", `A test session has at most ${TEST_SESSION_MAX_TURNS} turns; start a new one.`);
    const [claimed] = await tx
      .update(testSessions)
      .set({ busyUntil: new Date(now.getTime() + TURN_LEASE_MS) })
      .where(
        and(
          eq(testSessions.organizationId, organizationId),
          eq(testSessions.id, sessionId),
          eq(testSessions.status, "open"),
          or(sql`${testSessions.busyUntil} IS NULL`, lt(testSessions.busyUntil, now)),
        ),
      )
      .returning();
    if (!claimed) throw new Conflict("TEST_SESSION_BUSY", "The assistant is still answering the previous line; wait for it to finish.");
    return claimed;
  });
}

async function saveSession(ctx: AppContext, row: SessionRow, changes: Partial<typeof testSessions.$inferInsert>): Promise<SessionRow> {
  const [saved] = await withTenant(ctx.db, row.organizationId, (tx) =>
    tx
      .update(testSessions)
      .set({ ...changes, busyUntil: null, updatedAt: ctx.clock.now() })
      .where(and(eq(testSessions.organizationId, row.organizationId), eq(testSessions.id, row.id)))
      .returning(),
  );
  return saved!;
}

/** Checks the line and claims the session; the returned function runs the turn, writing each NDJSON line. */
export async function startTestTurn(
  ctx: AppContext,
  access: OrgAccess,
  sessionId: string,
  text: string,
): Promise<(emit: (line: TestTurnLine) => void) => Promise<void>> {
  if (text.length > TEST_MESSAGE_MAX_CHARS)
    throw new BadRequest("TEXT_TOO_LONG", `A line has at most ${TEST_MESSAGE_MAX_CHARS} characters; this one has ${text.length}.`);
  const row = await claimSession(ctx, access.organizationId, sessionId, "turn");
  return (emit) => runTurn(ctx, row, text, emit);
}

async function runTurn(ctx: AppContext, row: SessionRow, text: string, emit: (line: TestTurnLine) => void): Promise<void> {
  const call = SandboxCall.resume(await inProcessTransport(ctx), callOptions(ctx), row.callState as unknown as SandboxCallState);
  const history = [...(row.history as ConversationEntry[])];
  const added: ConversationEntry[] = [];
  let result: EngineTurnResult = { text: "", state: row.engineState };
  let transferred = false;
  try {
    const callerText = text.trim();
    if (callerText !== "") {
      await call.speak("caller", callerText);
      added.push({ role: "caller", text: callerText });
    }
    const now = ctx.clock.now();
    const assistant = await engineAssistantOf(ctx, row.organizationId, row.assistantId, now);
    const engine = await engineFor(ctx);
    const controller = new AbortController();
    let timedOut = false;
    const generator = engine.reply({
      assistant,
      history,
      callerText,
      state: row.engineState ?? null,
      now,
      signal: controller.signal,
      callerNumber: row.callerNumber,
      invokeTool: async ({ name, arguments: args }) => {
        if (timedOut) return { toolCallId: "", name, error: "The turn timed out, so the tool did not run." };
        const run = await call.callTool(name, args);
        added.push({
          role: "tool",
          toolCallId: run.toolCallId,
          name,
          arguments: run.arguments,
          ...(run.result !== undefined ? { result: run.result } : {}),
          ...(run.error !== undefined ? { error: run.error } : {}),
        });
        if (name === "transferCall" && run.result !== undefined) transferred = true;
        return {
          toolCallId: run.toolCallId,
          name,
          ...(run.result !== undefined ? { result: run.result } : {}),
          ...(run.error !== undefined ? { error: run.error } : {}),
        };
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), TEST_TURN_TIMEOUT_MS);
    });
    try {
      for (;;) {
        const next = await Promise.race([generator.next(), deadline]);
        if (next === "timeout") {
          timedOut = true;
          controller.abort();
          void generator.return({ text: "", state: row.engineState }).catch(() => {});
          emit({ type: "error", message: `The assistant took longer than ${TEST_TURN_TIMEOUT_MS / 1000} seconds to answer.` });
          emit({ type: "text-delta", text: TIMEOUT_REPLY });
          result = { text: TIMEOUT_REPLY, state: row.engineState };
          break;
        }
        if (next.done) {
          result = next.value;
          break;
        }
        emit(next.value);
      }
    } finally {
      clearTimeout(timer);
    }
    if (result.text.trim() !== "") {
      await call.speak("assistant", result.text);
      added.push({ role: "assistant", text: result.text });
    }
    if (result.endCall) await call.end(transferred ? "assistant-forwarded-call" : "assistant-ended-call");
  } catch (error) {
    ctx.logger.error({ err: error, testSessionId: row.id, organizationId: row.organizationId }, "a test session turn failed");
    emit({ type: "error", message: "The test call could not continue (the call webhook did not answer); start a new session." });
    result = { text: BROKEN_REPLY, state: row.engineState };
    added.push({ role: "assistant", text: BROKEN_REPLY });
    await call.abandon();
  }
  const ended = call.ended;
  const saved = await saveSession(ctx, row, {
    history: [...history, ...added],
    engineState: (result.state ?? null) as never,
    callState: call.state as unknown as Record<string, unknown>,
    turnCount: row.turnCount + 1,
    lastActivityAt: ctx.clock.now(),
    ...(ended ? { status: "ended" as const, endedAt: ctx.clock.now(), endedReason: String(call.state.facts.endedReason ?? "assistant-ended-call") } : {}),
  });
  emit({ type: "done", text: result.text, endCall: ended, session: toView(saved) });
}

async function endClaimed(ctx: AppContext, row: SessionRow, endedReason: "customer-ended-call" | "silence-timed-out"): Promise<SessionRow> {
  const call = SandboxCall.resume(await inProcessTransport(ctx), callOptions(ctx), row.callState as unknown as SandboxCallState);
  try {
    if (!call.ended) await call.end(endedReason);
  } catch (error) {
    ctx.logger.error({ err: error, testSessionId: row.id }, "could not end a test session's call");
    await call.abandon();
  }
  return saveSession(ctx, row, {
    status: "ended",
    endedAt: ctx.clock.now(),
    endedReason,
    callState: call.state as unknown as Record<string, unknown>,
    lastActivityAt: ctx.clock.now(),
  });
}

/** Hangs up: the call ends and gets its end-of-call report. Ending an ended session changes nothing. */
export async function endTestSession(ctx: AppContext, access: OrgAccess, sessionId: string): Promise<TestSessionView> {
  const current = await getTestSession(ctx, access, sessionId);
  if (current.status === "ended") return current;
  const row = await claimSession(ctx, access.organizationId, sessionId, "end");
  return toView(await endClaimed(ctx, row, "customer-ended-call"));
}

/** The "test-sessions.end-idle" job: ends sessions nobody spoke in for TEST_SESSION_IDLE_MS, so their calls get a report. */
export async function endIdleTestSessions(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  // Across organizations on the platform role; test_sessions_idle_idx serves it.
  const idle = await withPlatform(ctx.db, (tx) =>
    tx
      .select({ organizationId: testSessions.organizationId, id: testSessions.id })
      .from(testSessions)
      .where(and(eq(testSessions.status, "open"), lt(testSessions.lastActivityAt, new Date(now.getTime() - TEST_SESSION_IDLE_MS))))
      .limit(IDLE_SWEEP_BATCH),
  );
  let ended = 0;
  for (const session of idle) {
    try {
      const row = await claimSession(ctx, session.organizationId, session.id, "end");
      await endClaimed(ctx, row, "silence-timed-out");
      ended += 1;
    } catch (error) {
      // Busy (a turn is running, so it is not idle) or ended meanwhile: leave it.
      if (!(error instanceof Conflict)) ctx.logger.error({ err: error, testSessionId: session.id }, "could not end an idle test session");
    }
  }
  return ended;
}
