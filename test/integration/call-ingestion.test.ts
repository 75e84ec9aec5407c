// Batch ingestion of stored Vapi messages (modules/calls/ingest-batch.ts, ingest-worker.ts): many
// calls' messages interleaved and applied together, the same call's messages split between
// transactions racing each other, the report applied (and its hook run) once per call, contacts
// counted once, live events in order, and the webhook refusing (503) what it could not store.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onCallReportApplied } from "../../src/server/modules/calls/ingest.js";
import { applyPendingEvents } from "../../src/server/modules/calls/ingest-batch.js";
import {
  assistantRequestMessage,
  type CallFacts,
  endOfCallReportMessage,
  statusUpdateMessage,
  transcriptMessage,
} from "../../src/server/modules/sandbox/messages.js";
import { createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

const SECRET = "vapi-shared-secret-ingestion-0123456789";
const ALWAYS_OPEN = { timezone: "UTC", weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: "00:00", close: "23:59" })), holidays: [] };
const CREATED_AT_MS = Date.parse("2026-03-02T15:04:05.000Z");
const at = (seconds: number) => CREATED_AT_MS + seconds * 1000;

let t: TestPlatform;
// Runs of the report hook per call id (a batch that rolled back would count too: any double count fails a test).
const hookRuns = new Map<string, number>();

beforeAll(async () => {
  t = await startTestPlatform({ env: { VAPI_WEBHOOK_SECRET: SECRET } });
  onCallReportApplied(async (tx, call) => {
    await tx.$client.query("SELECT 1");
    hookRuns.set(call.callId, (hookRuns.get(call.callId) ?? 0) + 1);
  });
});
afterAll(async () => {
  await t?.stop();
});

type Tenant = { owner: TestOrgOwner; organizationId: string; phoneNumberId: string; vapiNumberId: string; assistantId: string };
let numberSequence = 0;

async function createTenant(): Promise<Tenant> {
  const owner = await createOrgWithOwner(t);
  const organizationId = owner.organizationId;
  const assistantId = `ast_${randomBytes(8).toString("hex")}`;
  await t.ownerQuery(
    `INSERT INTO assistants (organization_id, id, name, status, custom_prompt, first_message, voice, model, business_hours, after_hours, enabled_tools)
     VALUES ($1, $2, 'Front desk', 'active', 'You answer the phone for {{business_name}}.', 'Hello.', $3, $4, $5, '{"mode":"take_message"}', '["takeMessage"]')`,
    [
      organizationId,
      assistantId,
      JSON.stringify({ provider: "vapi", voiceId: "Elliot" }),
      JSON.stringify({ provider: "openai", model: "gpt-4o-mini" }),
      JSON.stringify(ALWAYS_OPEN),
    ],
  );
  const phoneNumberId = `pn_${randomBytes(8).toString("hex")}`;
  const number = `+1415555${String(3000 + numberSequence++).padStart(4, "0")}`;
  const vapiNumberId = `vapi-pn-${randomBytes(6).toString("hex")}`;
  await t.ownerQuery(
    `INSERT INTO phone_numbers (organization_id, id, number, provider, provider_number_id, vapi_phone_number_id, routing) VALUES ($1, $2, $3, 'vapi', $4, $4, $5)`,
    [organizationId, phoneNumberId, number, vapiNumberId, JSON.stringify({ openAssistantId: assistantId, afterHours: { mode: "same_assistant" } })],
  );
  await t.ownerQuery(
    `INSERT INTO phone_number_directory (number, provider, provider_number_id, vapi_phone_number_id, organization_id, phone_number_id) VALUES ($1, 'vapi', $2, $2, $3, $4)`,
    [number, vapiNumberId, organizationId, phoneNumberId],
  );
  return { owner, organizationId, phoneNumberId, vapiNumberId, assistantId };
}

function facts(tenant: Tenant, id: string, caller: string): CallFacts {
  return { id, orgId: "vapi-org", createdAtMs: CREATED_AT_MS, phoneNumberId: tenant.vapiNumberId, callerNumber: caller };
}

/** A whole call's notifications, as Vapi sends them (no reply types: those are applied while answering). */
function callMessages(tenant: Tenant, id: string, caller: string): Record<string, unknown>[] {
  const f = facts(tenant, id, caller);
  return [
    statusUpdateMessage(f, "ringing", at(1)),
    statusUpdateMessage(f, "in-progress", at(2)),
    transcriptMessage(f, "assistant", "Hello, how can I help?", at(3)),
    transcriptMessage(f, "user", "Please call me back.", at(4)),
    endOfCallReportMessage(f, {
      timestamp: at(30),
      endedReason: "customer-ended-call",
      cost: 0.05,
      startedAtMs: at(1),
      endedAtMs: at(31),
      messages: [
        { role: "bot", message: "Hello, how can I help?", time: at(3), endTime: at(4), secondsFromStart: 2 },
        { role: "user", message: "Please call me back.", time: at(4), endTime: at(5), secondsFromStart: 3 },
      ],
      summary: `Summary of ${id}`,
      structuredData: { outcome: "callback_requested" },
      successEvaluation: "true",
    }),
    statusUpdateMessage(f, "ended", at(32)),
  ] as unknown as Record<string, unknown>[];
}

/** Stores messages as the webhook would, without waking anything: the tests decide who applies them. */
async function storeRaw(tenant: Tenant, messages: Record<string, unknown>[]): Promise<string[]> {
  const ids: string[] = [];
  for (const message of messages) {
    const id = `vev_${randomBytes(10).toString("hex")}`;
    const call = message.call as { id: string };
    await t.ownerQuery(
      `INSERT INTO vendor_events (id, provider, idempotency_key, type, provider_call_id, organization_id, payload) VALUES ($1, 'vapi', $2, $3, $4, $5, $6)`,
      [id, `${call.id}:${String(message.type)}:${String(message.timestamp)}:${id}`, message.type, call.id, tenant.organizationId, JSON.stringify({ message })],
    );
    ids.push(id);
  }
  return ids;
}

async function post(message: unknown) {
  const res = await t.platform.app.request("/webhooks/vapi", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}` },
    body: JSON.stringify({ message }),
  });
  return { status: res.status, text: await res.text() };
}

async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function pendingOf(organizationId: string): Promise<number> {
  const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM vendor_events WHERE organization_id = $1 AND processed_at IS NULL", [
    organizationId,
  ]);
  return rows[0]!.n;
}

type CallRow = { id: string; provider_call_id: string; status: string; ended_reason: string | null; summary: string | null; duration_seconds: number | null };

async function callsOf(organizationId: string): Promise<CallRow[]> {
  const { rows } = await t.ownerQuery<CallRow>(
    "SELECT id, provider_call_id, status, ended_reason, summary, duration_seconds FROM calls WHERE organization_id = $1 ORDER BY provider_call_id",
    [organizationId],
  );
  return rows;
}

describe("batch ingestion", () => {
  it("applies interleaved messages of many calls together: every call ended, its report and transcript once, its caller a contact once", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const callCount = 30;
    const perCall = Array.from({ length: callCount }, (_, i) => callMessages(tenant, `batch-call-${i}`, `+1212555${String(1000 + (i % 10)).padStart(4, "0")}`));
    // Round-robin: message k of every call, then message k+1 of every call, … and the reports twice.
    const interleaved: Record<string, unknown>[] = [];
    for (let k = 0; k < perCall[0]!.length; k++) for (const messages of perCall) interleaved.push(messages[k]!);
    for (const messages of perCall) interleaved.push(messages[4]!);
    const seen: { type: string; status: string; id: string }[] = [];
    const stop = t.platform.ctx.callEvents.subscribe(tenant.organizationId, {
      onEvent: (event) => seen.push({ type: event.type, status: event.call.status, id: event.call.id }),
      onClose: () => {},
    });
    try {
      await storeRaw(tenant, interleaved);
      await waitFor(async () => (await pendingOf(tenant.organizationId)) === 0);
      const calls = await callsOf(tenant.organizationId);
      expect(calls).toHaveLength(callCount);
      for (const call of calls) {
        expect(call).toMatchObject({
          status: "ended",
          ended_reason: "customer-ended-call",
          summary: `Summary of ${call.provider_call_id}`,
          duration_seconds: 30,
        });
        expect(hookRuns.get(call.id)).toBe(1);
      }
      const { rows: segments } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM transcript_segments WHERE organization_id = $1", [
        tenant.organizationId,
      ]);
      expect(segments[0]!.n).toBe(callCount * 2);
      const { rows: contacts } = await t.ownerQuery<{ calls: number; contacts: number }>(
        "SELECT sum(call_count)::int AS calls, count(*)::int AS contacts FROM contacts WHERE organization_id = $1",
        [tenant.organizationId],
      );
      expect(contacts[0]).toEqual({ calls: callCount, contacts: 10 });
      // Every call was announced as ended, after any in-progress step of its own.
      await waitFor(async () => new Set(seen.filter((e) => e.type === "call.ended").map((e) => e.id)).size === callCount);
      for (const call of calls) {
        const own = seen.filter((e) => e.id === call.id);
        expect(own.at(-1)).toEqual({ type: "call.ended", status: "ended", id: call.id });
        expect(own.filter((e) => e.type === "call.ended")).toHaveLength(1);
      }
      expect(await callsOf(other.organizationId)).toEqual([]);
      const { rows: errors } = await t.ownerQuery<{ n: number }>(
        "SELECT count(*)::int AS n FROM vendor_events WHERE organization_id = $1 AND error IS NOT NULL",
        [tenant.organizationId],
      );
      expect(errors[0]!.n).toBe(0);

      // The dashboard's API shows the result: one call with its transcript.
      const list = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/calls?limit=100`, { token: tenant.owner.accessToken });
      expect(list.status).toBe(200);
      const detail = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/calls/${calls[0]!.id}`, { token: tenant.owner.accessToken });
      expect(detail.status, JSON.stringify(detail.body)).toBe(200);
      expect(detail.body.status).toBe("ended");
      expect(detail.body.segments.map((s: { text: string }) => s.text)).toEqual(["Hello, how can I help?", "Please call me back."]);
      const foreign = await t.api.get(`/api/v1/orgs/${other.organizationId}/calls/${calls[0]!.id}`, { token: other.owner.accessToken });
      expect(foreign.status).toBe(404);
    } finally {
      stop();
    }
  });

  it("two transactions racing over the same calls' messages apply each report once and count each caller once", async () => {
    const tenant = await createTenant();
    const callCount = 12;
    const idsByCall: string[][] = [];
    for (let i = 0; i < callCount; i++) idsByCall.push(await storeRaw(tenant, callMessages(tenant, `race-call-${i}`, `+1312555${String(2000 + i)}`)));
    // Each call's messages split between two sets (odd/even), each set applied by its own transactions at once,
    // while the worker and a third, unrestricted applier run too.
    const even = idsByCall.flatMap((ids) => ids.filter((_, k) => k % 2 === 0));
    const odd = idsByCall.flatMap((ids) => ids.filter((_, k) => k % 2 === 1));
    const ctx = t.platform.ctx;
    await Promise.all([
      applyPendingEvents(ctx, tenant.organizationId, { eventIds: even }),
      applyPendingEvents(ctx, tenant.organizationId, { eventIds: odd }),
      applyPendingEvents(ctx, tenant.organizationId),
      applyPendingEvents(ctx, tenant.organizationId, { eventIds: [...odd].reverse() }),
    ]);
    await waitFor(async () => (await pendingOf(tenant.organizationId)) === 0);
    const calls = await callsOf(tenant.organizationId);
    expect(calls).toHaveLength(callCount);
    for (const call of calls) {
      expect(call.status).toBe("ended");
      expect(call.summary).toBe(`Summary of ${call.provider_call_id}`);
      expect(hookRuns.get(call.id)).toBe(1);
    }
    const { rows: contacts } = await t.ownerQuery<{ phone: string; call_count: number }>("SELECT phone, call_count FROM contacts WHERE organization_id = $1", [
      tenant.organizationId,
    ]);
    expect(contacts).toHaveLength(callCount);
    for (const contact of contacts) expect(contact.call_count).toBe(1);
  });

  it("marks a message without a call as processed with its reason, and applies the rest of the batch", async () => {
    const tenant = await createTenant();
    const [broken] = await storeRaw(tenant, [{ type: "status-update", status: "ringing", call: { id: "call-without-created-at" }, timestamp: at(1) }]);
    await storeRaw(tenant, callMessages(tenant, "call-next-to-broken", "+14045550100"));
    await waitFor(async () => (await pendingOf(tenant.organizationId)) === 0);
    const { rows } = await t.ownerQuery<{ error: string | null }>("SELECT error FROM vendor_events WHERE id = $1", [broken]);
    expect(rows[0]!.error).toMatch(/carries no call/);
    expect((await callsOf(tenant.organizationId)).map((call) => call.status)).toEqual(["ended"]);
  });

  it("messages posted to the webhook are applied without any job, and duplicates change nothing", async () => {
    const tenant = await createTenant();
    const messages = [
      assistantRequestMessage(facts(tenant, "call-webhook-batch", "+16175550100"), at(0)),
      ...callMessages(tenant, "call-webhook-batch", "+16175550100"),
    ];
    for (const message of [...messages, ...messages]) expect((await post(message)).status).toBe(200);
    await waitFor(async () => (await pendingOf(tenant.organizationId)) === 0);
    const [call] = await callsOf(tenant.organizationId);
    expect(call).toMatchObject({ status: "ended", summary: "Summary of call-webhook-batch" });
    expect(hookRuns.get(call!.id)).toBe(1);
    const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM vendor_events WHERE provider_call_id = 'call-webhook-batch'");
    expect(rows[0]!.n).toBe(messages.length);
  });
});

describe("storing", () => {
  it("acknowledges each of many simultaneous messages only once stored, and one refused message fails alone", async () => {
    const tenant = await createTenant();
    const messages = Array.from({ length: 120 }, (_, i) => statusUpdateMessage(facts(tenant, `call-burst-${i}`, "+16175550142"), "ringing", at(1)));
    // PostgreSQL's jsonb refuses \u0000 in a string, though it is valid JSON: that message cannot be stored.
    const refused = { ...statusUpdateMessage(facts(tenant, "call-burst-refused", "+16175550142"), "ringing", at(1)), note: "nul \u0000 here" };
    const answers = await Promise.all([...messages, refused].map((message) => post(message)));
    expect(answers.slice(0, messages.length).every((answer) => answer.status === 200)).toBe(true);
    expect(answers.at(-1)!.status).toBe(503);
    const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM vendor_events WHERE provider_call_id LIKE 'call-burst-%'");
    expect(rows[0]!.n).toBe(messages.length);
    await waitFor(async () => (await callsOf(tenant.organizationId)).length === messages.length);
  });

  it("answers 503 and stores nothing when the event store has no connection to give", async () => {
    const tenant = await createTenant();
    const pool = t.platform.ctx.db.platformPool;
    const held: pg.PoolClient[] = [];
    while (held.length < pool.options.max) held.push(await pool.connect());
    try {
      const res = await post(statusUpdateMessage(facts(tenant, "call-not-stored", "+16175550199"), "ringing", at(1)));
      expect(res.status).toBe(503);
    } finally {
      for (const client of held) client.release();
    }
    const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM vendor_events WHERE provider_call_id = 'call-not-stored'");
    expect(rows[0]!.n).toBe(0);
    // The vendor's retry is stored and applied.
    expect((await post(statusUpdateMessage(facts(tenant, "call-not-stored", "+16175550199"), "ringing", at(1)))).status).toBe(200);
    await waitFor(async () => (await callsOf(tenant.organizationId)).some((call) => call.status === "ringing"));
  }, 20_000);
});
