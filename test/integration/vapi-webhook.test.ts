// POST /webhooks/vapi: authentication schemes, raw storage and idempotency, tenant resolution,
// assistant-request (shape and fallbacks), tool-calls, and end-of-call ingestion in both layouts,
// replayed twice and shuffled.
import { createHmac, randomBytes } from "node:crypto";
import type { Vapi } from "@vapi-ai/server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assistantRequestMessage,
  type CallFacts,
  endOfCallReportMessage,
  statusUpdateMessage,
  toolCallsMessage,
  transcriptMessage,
  vapiCallObject,
} from "../../src/server/modules/sandbox/messages.js";
import { sandboxWebhookSecret } from "../../src/server/modules/vapi-webhook/authenticate.js";
import { createOrgWithOwner } from "../helpers/fixtures.js";
import { addReady } from "../helpers/knowledge.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

const SECRET = "vapi-shared-secret-0123456789";
const HMAC_SECRET = "vapi-hmac-secret-0123456789abc";
const ALWAYS_OPEN = { timezone: "UTC", weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: "00:00", close: "23:59" })), holidays: [] };

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ env: { VAPI_WEBHOOK_SECRET: SECRET, VAPI_WEBHOOK_HMAC_SECRET: HMAC_SECRET } });
});
afterAll(async () => {
  await t?.stop();
});

let numberSequence = 0;

type Tenant = { organizationId: string; phoneNumberId: string; number: string; vapiNumberId: string; assistantId: string; accessToken: string };

async function createTenant(options: { assistantStatus?: string; plan?: string; number?: string; provider?: "vapi" | "sandbox" } = {}): Promise<Tenant> {
  const owner = await createOrgWithOwner(t);
  const organizationId = owner.organizationId;
  const assistantId = `ast_${randomBytes(8).toString("hex")}`;
  await t.ownerQuery(
    `INSERT INTO assistants (organization_id, id, name, status, custom_prompt, first_message, voice, model, business_hours, after_hours, enabled_tools)
     VALUES ($1, $2, 'Front desk', $3, 'You answer the phone for {{business_name}}.', 'Hello, thanks for calling {{business_name}}.', $4, $5, $6, '{"mode":"take_message"}', $7)`,
    [
      organizationId,
      assistantId,
      options.assistantStatus ?? "active",
      JSON.stringify({ provider: "vapi", voiceId: "Elliot" }),
      JSON.stringify({ provider: "openai", model: "gpt-4o-mini" }),
      JSON.stringify(ALWAYS_OPEN),
      JSON.stringify(["takeMessage", "scheduleCallback"]),
    ],
  );
  const phoneNumberId = `pn_${randomBytes(8).toString("hex")}`;
  // Each test file has its own database, so a counter keeps numbers unique (random ones collided).
  const number = options.number ?? `+1415555${String(1000 + numberSequence++).padStart(4, "0")}`;
  const vapiNumberId = `vapi-pn-${randomBytes(6).toString("hex")}`;
  // A sandbox number has no vendor id: Vapi never heard of it.
  const provider = options.provider ?? "vapi";
  const vendorId = provider === "vapi" ? vapiNumberId : null;
  await t.ownerQuery(
    `INSERT INTO phone_numbers (organization_id, id, number, provider, provider_number_id, vapi_phone_number_id, vapi_status, routing)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`,
    [
      organizationId,
      phoneNumberId,
      number,
      provider,
      vendorId,
      provider === "vapi" ? "connected" : "not_applicable",
      JSON.stringify({ openAssistantId: assistantId, afterHours: { mode: "same_assistant" } }),
    ],
  );
  await t.ownerQuery(
    `INSERT INTO phone_number_directory (number, provider, provider_number_id, vapi_phone_number_id, organization_id, phone_number_id) VALUES ($1, $2, $3, $3, $4, $5)`,
    [number, provider, vendorId, organizationId, phoneNumberId],
  );
  if (options.plan) await t.ownerQuery("UPDATE organizations SET plan_id = $2 WHERE id = $1", [organizationId, options.plan]);
  return { organizationId, phoneNumberId, number, vapiNumberId, assistantId, accessToken: owner.accessToken };
}

const CREATED_AT_MS = Date.parse("2026-03-02T15:04:05.000Z");
const at = (seconds: number) => CREATED_AT_MS + seconds * 1000;

/** A call to the tenant's Vapi number, as Vapi identifies it (call.phoneNumberId). */
function callFacts(tenant: Tenant, id: string, caller = "+12125550123"): CallFacts {
  return { id, orgId: "vapi-org", createdAtMs: CREATED_AT_MS, phoneNumberId: tenant.vapiNumberId, callerNumber: caller };
}

function vapiCall(tenant: Tenant, id: string, caller?: string): Vapi.Call {
  return vapiCallObject(callFacts(tenant, id, caller));
}

function assistantRequest(tenant: Tenant, callId: string, caller?: string): Vapi.ServerMessageAssistantRequest {
  return assistantRequestMessage(callFacts(tenant, callId, caller), at(0));
}

function statusUpdate(tenant: Tenant, callId: string, status: Vapi.ServerMessageStatusUpdateStatus, second: number): Vapi.ServerMessageStatusUpdate {
  return statusUpdateMessage(callFacts(tenant, callId), status, at(second));
}

function transcript(tenant: Tenant, callId: string): Vapi.ServerMessageTranscript {
  return transcriptMessage(callFacts(tenant, callId), "user", "I'd like to leave a message", at(5));
}

function toolCalls(tenant: Tenant, callId: string, args: string | Record<string, unknown>): Vapi.ServerMessageToolCalls {
  return toolCallsMessage(callFacts(tenant, callId), [{ id: `tc-${callId}`, name: "takeMessage", arguments: args }], at(8));
}

function conversationMessages(count: number): Vapi.ArtifactMessagesItem[] {
  const messages: Vapi.ArtifactMessagesItem[] = [{ role: "system", message: "You answer the phone.", time: at(0), secondsFromStart: 0 }];
  for (let i = 0; i < count; i++) {
    const start = 1 + i * 2;
    messages.push(
      i % 2 === 0
        ? { role: "bot", message: `Assistant line ${i}`, time: at(start), endTime: at(start + 1.5), secondsFromStart: start }
        : { role: "user", message: `Caller line ${i}`, time: at(start), endTime: at(start + 1.5), secondsFromStart: start },
    );
  }
  return messages;
}

function endOfCallReport(tenant: Tenant, callId: string, turns = 4): Vapi.ServerMessageEndOfCallReport {
  return endOfCallReportMessage(callFacts(tenant, callId), {
    timestamp: at(60),
    endedReason: "customer-ended-call",
    cost: 0.1234,
    startedAtMs: at(1),
    endedAtMs: at(61),
    messages: conversationMessages(turns),
    transcript: "AI: Hello\nUser: Hi",
    recordingUrl: "https://storage.vapi.ai/rec-1.wav",
    summary: "The caller left a message.",
    structuredData: { outcome: "message_taken", callerName: "Sam" },
    successEvaluation: "true",
  });
}

/** The legacy layout: transcript, summary and recordingUrl on the message itself. */
function legacyEndOfCallReport(tenant: Tenant, callId: string) {
  return {
    type: "end-of-call-report",
    endedReason: "assistant-ended-call",
    call: vapiCall(tenant, callId),
    timestamp: at(61),
    transcript: "AI: Hello, thanks for calling.\nUser: Please call me back.\nAI: Will do.",
    summary: "Callback requested.",
    recordingUrl: "https://storage.vapi.ai/legacy.wav",
    durationSeconds: 42,
    messages: [],
  };
}

type Auth = "bearer" | "x-vapi-secret" | "hmac" | "none" | { bearer: string } | { hmacAt: number };

async function post(body: unknown, auth: Auth = "bearer") {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (auth === "bearer") headers.authorization = `Bearer ${SECRET}`;
  else if (auth === "x-vapi-secret") headers["x-vapi-secret"] = SECRET;
  else if (typeof auth === "object" && "bearer" in auth) headers.authorization = `Bearer ${auth.bearer}`;
  else if (auth === "hmac" || (typeof auth === "object" && "hmacAt" in auth)) {
    const timestamp = String(Math.floor((auth === "hmac" ? Date.now() : auth.hmacAt) / 1000));
    headers["x-vapi-timestamp"] = timestamp;
    headers["x-vapi-signature"] = createHmac("sha256", HMAC_SECRET).update(`${timestamp}.${raw}`).digest("hex");
  }
  const res = await t.platform.app.request("/webhooks/vapi", { method: "POST", headers, body: raw });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, body: json as Record<string, any>, text };
}

async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function eventsProcessed(providerCallId: string) {
  return waitFor(async () => {
    const { rows } = await t.ownerQuery<{ pending: number }>(
      "SELECT count(*)::int AS pending FROM vendor_events WHERE provider_call_id = $1 AND processed_at IS NULL",
      [providerCallId],
    );
    return rows[0]!.pending === 0;
  });
}

async function callRow(providerCallId: string) {
  const { rows } = await t.ownerQuery("SELECT * FROM calls WHERE provider_call_id = $1", [providerCallId]);
  return rows;
}

function finalState(row: Record<string, any>) {
  const { id, created_at, updated_at, report_received_at, last_event_at, contact_id, ...rest } = row;
  return rest;
}

describe("authentication", () => {
  it("accepts the bearer credential, the legacy X-Vapi-Secret header and a fresh HMAC signature", async () => {
    const tenant = await createTenant();
    for (const auth of ["bearer", "x-vapi-secret", "hmac"] as const) {
      const res = await post({ message: statusUpdate(tenant, `call-auth-${auth}`, "ringing", 1) }, auth);
      expect(res.status, res.text).toBe(200);
    }
  });

  it("refuses a missing or wrong secret and a stale HMAC timestamp with 401, and audits it", async () => {
    const body = { message: { type: "status-update", status: "ringing" } };
    expect((await post(body, "none")).status).toBe(401);
    expect((await post(body, { bearer: "not-the-secret-at-all" })).status).toBe(401);
    expect((await post(body, { hmacAt: Date.now() - 10 * 60 * 1000 })).status).toBe(401);
    const { rows } = await t.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM audit_log WHERE action = 'webhook.rejected'");
    expect(rows[0]!.count).toBeGreaterThanOrEqual(3);
  });

  it("admits the sandbox secret only for sandbox numbers", async () => {
    const tenant = await createTenant();
    const sandboxSecret = sandboxWebhookSecret(t.platform.ctx.accessTokenKey);
    const res = await post({ message: assistantRequest(tenant, "call-sandbox-vapi-number") }, { bearer: sandboxSecret });
    expect(res.status).toBe(200);
    expect(res.body.error).toBeTypeOf("string");
    expect(await callRow("call-sandbox-vapi-number")).toHaveLength(0);
  });

  it("answers malformed JSON with 400", async () => {
    expect((await post("{not json", "bearer")).status).toBe(400);
    expect((await post({ nope: true }, "bearer")).status).toBe(400);
  });
});

describe("assistant-request", () => {
  it("answers a transient assistant with tools pointing back, serverMessages, an analysis plan and metadata", async () => {
    const tenant = await createTenant();
    await t.ownerQuery(`UPDATE organizations SET settings = '{"recordingDisclosure":"always"}' WHERE id = $1`, [tenant.organizationId]);
    const res = await post({ message: assistantRequest(tenant, "call-ar-shape") });
    expect(res.status, res.text).toBe(200);
    const assistant = res.body.assistant as Vapi.CreateAssistantDto & { model: any };
    expect(assistant.model.messages[0].role).toBe("system");
    expect(assistant.model.messages[0].content).toContain("You answer the phone for");
    expect(assistant.model.tools.map((tool: any) => tool.function.name)).toEqual(["takeMessage", "scheduleCallback"]);
    for (const tool of assistant.model.tools) expect(tool.server.url).toBe("http://localhost:3000/webhooks/vapi");
    expect(assistant.serverMessages).toEqual(expect.arrayContaining(["end-of-call-report", "status-update", "tool-calls"]));
    expect(assistant.analysisPlan?.structuredDataPlan?.schema?.properties).toHaveProperty("outcome");
    expect(assistant.firstMessage).toMatch(/may be recorded/);
    const [row] = await callRow("call-ar-shape");
    expect(assistant.metadata).toEqual({ organizationId: tenant.organizationId, assistantId: tenant.assistantId, callId: row!.id });
    expect(row!.fallback).toBeNull();
  });

  it("discloses recording on auto only for all-party-consent callers", async () => {
    const tenant = await createTenant();
    const newYork = await post({ message: assistantRequest(tenant, "call-consent-ny", "+12125550100") });
    expect(newYork.body.assistant.firstMessage).not.toMatch(/recorded/);
    const california = await post({ message: assistantRequest(tenant, "call-consent-ca", "+14155550100") });
    expect(california.body.assistant.firstMessage).toMatch(/recorded/);
  });

  it("falls back to a message-taking assistant for a paused assistant, a suspended org, an exhausted Free plan and the concurrency limit", async () => {
    const paused = await createTenant({ assistantStatus: "paused" });
    const suspended = await createTenant();
    await t.ownerQuery("UPDATE organizations SET status = 'suspended' WHERE id = $1", [suspended.organizationId]);
    const exhausted = await createTenant();
    const { rows: plan } = await t.ownerQuery<{ calls_per_month: number }>("SELECT calls_per_month FROM plans WHERE id = 'free'");
    // The current billing period's metered usage is at the plan's calls limit.
    await t.ownerQuery(
      `INSERT INTO usage_periods (organization_id, period_start, period_end, calls)
       SELECT organization_id, current_period_start, current_period_end, $2 FROM billing_accounts WHERE organization_id = $1`,
      [exhausted.organizationId, plan[0]!.calls_per_month],
    );
    const busy = await createTenant();
    await t.ownerQuery(
      `INSERT INTO calls (organization_id, id, started_at, provider, provider_call_id, status) VALUES ($1, 'call_live', now(), 'vapi', 'live-1', 'in-progress')`,
      [busy.organizationId],
    );
    const cases: [Tenant, string][] = [
      [paused, "assistant_unavailable"],
      [suspended, "organization_suspended"],
      [exhausted, "monthly_calls_exhausted"],
      [busy, "concurrency_limit"],
    ];
    for (const [tenant, reason] of cases) {
      const callId = `call-fallback-${reason}`;
      const res = await post({ message: { ...assistantRequest(tenant, callId), call: { ...vapiCall(tenant, callId), createdAt: new Date().toISOString() } } });
      expect(res.status, res.text).toBe(200);
      expect(
        res.body.assistant.model.tools.map((tool: any) => tool.function.name),
        reason,
      ).toEqual(["takeMessage"]);
      expect(res.body.assistant.metadata.fallback).toBe(reason);
      expect((await callRow(callId))[0]!.fallback).toBe(reason);
    }
  });

  it("forwards instead when the routing has a forward number", async () => {
    const tenant = await createTenant({ assistantStatus: "paused" });
    await t.ownerQuery(`UPDATE phone_numbers SET routing = jsonb_set(routing, '{afterHours}', '{"mode":"forward","forwardTo":"+13125550199"}') WHERE id = $1`, [
      tenant.phoneNumberId,
    ]);
    // Routing is cached per process; this fresh tenant's number was never looked up before.
    const res = await post({ message: assistantRequest(tenant, "call-forward") });
    expect(res.body.destination).toMatchObject({ type: "number", number: "+13125550199" });
  });

  it("politely refuses an unknown number and keeps the raw event", async () => {
    const res = await post({
      message: {
        type: "assistant-request",
        call: { id: "call-unknown", createdAt: "2026-03-02T15:04:05.000Z", phoneNumberId: "nope" },
        phoneNumber: { number: "+19995550000" },
        timestamp: 1,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.error).toMatch(/not in service/);
    const { rows } = await t.ownerQuery("SELECT organization_id, payload FROM vendor_events WHERE provider_call_id = 'call-unknown'");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.organization_id).toBeNull();
  });
});

describe("tool-calls", () => {
  it("passes arguments given as a string and as an object to the tool runner and answers { results }", async () => {
    const tenant = await createTenant();
    for (const [callId, args] of [
      ["call-tools-string", JSON.stringify({ callerName: "Sam", callbackNumber: "+12125550123", message: "Call me" })],
      ["call-tools-object", { callerName: "Sam", callbackNumber: "+12125550123", message: "Call me" }],
    ] as const) {
      const res = await post({ message: toolCalls(tenant, callId, args) });
      expect(res.status, res.text).toBe(200);
      expect(res.body.results).toHaveLength(1);
      const [result] = res.body.results;
      expect(result.toolCallId).toBe(`tc-${callId}`);
      expect(result.name).toBe("takeMessage");
      expect(result.error, JSON.stringify(result)).toBeUndefined();
      expect(typeof result.result).toBe("string");
      expect(result.result).not.toContain("\n");
      expect(await callRow(callId)).toHaveLength(1);
      const { rows } = await t.ownerQuery<{ kind: string; details: { message?: string } }>(
        "SELECT i.kind, i.details FROM inbox_items i JOIN call_actions a ON a.organization_id = i.organization_id AND a.inbox_item_id = i.id WHERE a.provider_tool_call_id = $1",
        [`tc-${callId}`],
      );
      expect(rows).toEqual([{ kind: "message", details: expect.objectContaining({ message: "Call me" }) }]);
    }
  });
});

describe("call records", () => {
  async function replay(messages: unknown[]) {
    for (const message of messages) expect((await post({ message })).status).toBe(200);
  }

  it("ingests a realistic sequence; duplicates and a shuffled order leave the same final row", async () => {
    const tenant = await createTenant();
    const sequence = (id: string) => [
      assistantRequest(tenant, id),
      statusUpdate(tenant, id, "in-progress", 2),
      transcript(tenant, id),
      toolCalls(tenant, id, { callerName: "Sam", message: "Call me" }),
      endOfCallReport(tenant, id),
      statusUpdate(tenant, id, "ended", 62),
    ];
    await replay(sequence("call-seq-a"));
    await replay(sequence("call-seq-a"));
    const shuffled = sequence("call-seq-b");
    await replay([shuffled[4], shuffled[5], shuffled[1], shuffled[2], shuffled[0], shuffled[3], shuffled[4]]);
    await eventsProcessed("call-seq-a");
    await eventsProcessed("call-seq-b");

    const [a] = await callRow("call-seq-a");
    const [b] = await callRow("call-seq-b");
    expect(a).toMatchObject({
      status: "ended",
      ended_reason: "customer-ended-call",
      summary: "The caller left a message.",
      structured_data: { outcome: "message_taken", callerName: "Sam" },
      success_evaluation: "true",
      recording_url: "https://storage.vapi.ai/rec-1.wav",
      cost_usd: "0.123400",
      duration_seconds: 60,
      caller_number: "+12125550123",
      assistant_id: tenant.assistantId,
      phone_number_id: tenant.phoneNumberId,
    });
    expect(a!.report_received_at).not.toBeNull();
    expect({ ...finalState(b!), provider_call_id: "x" }).toEqual({ ...finalState(a!), provider_call_id: "x" });

    const { rows: events } = await t.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM vendor_events WHERE provider_call_id = 'call-seq-a'");
    expect(events[0]!.count).toBe(6);
    const { rows: segments } = await t.ownerQuery(
      "SELECT seq, speaker, text, start_offset_ms, end_offset_ms FROM transcript_segments WHERE call_id = $1 ORDER BY seq",
      [a!.id],
    );
    expect(segments).toHaveLength(4);
    expect(segments[0]).toEqual({ seq: 0, speaker: "assistant", text: "Assistant line 0", start_offset_ms: 1000, end_offset_ms: 2500 });
    expect(segments[1]!.speaker).toBe("caller");
    const { rows: contacts } = await t.ownerQuery("SELECT phone, call_count FROM contacts WHERE organization_id = $1", [tenant.organizationId]);
    expect(contacts).toEqual([{ phone: "+12125550123", call_count: 2 }]);
  });

  it("tells the organization's live dashboards when a call starts, changes and ends", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const seen: { type: string; status: string }[] = [];
    const seenByOther: unknown[] = [];
    const stop = t.platform.ctx.callEvents.subscribe(tenant.organizationId, {
      onEvent: (e) => seen.push({ type: e.type, status: e.call.status }),
      onClose: () => {},
    });
    const stopOther = t.platform.ctx.callEvents.subscribe(other.organizationId, { onEvent: (e) => seenByOther.push(e), onClose: () => {} });
    try {
      await replay([assistantRequest(tenant, "call-live"), statusUpdate(tenant, "call-live", "in-progress", 2), endOfCallReport(tenant, "call-live")]);
      await waitFor(async () => seen.some((e) => e.type === "call.ended"));
      expect(seen[0]).toEqual({ type: "call.started", status: "queued" });
      expect(seen).toContainEqual({ type: "call.updated", status: "in-progress" });
      expect(seen.at(-1)).toEqual({ type: "call.ended", status: "ended" });
      expect(seenByOther).toEqual([]);
    } finally {
      stop();
      stopOther();
    }
  });

  it("accepts the legacy end-of-call layout", async () => {
    const tenant = await createTenant();
    await replay([statusUpdate(tenant, "call-legacy", "in-progress", 2), legacyEndOfCallReport(tenant, "call-legacy")]);
    await eventsProcessed("call-legacy");
    const [row] = await callRow("call-legacy");
    expect(row).toMatchObject({
      status: "ended",
      summary: "Callback requested.",
      recording_url: "https://storage.vapi.ai/legacy.wav",
      duration_seconds: 42,
      ended_reason: "assistant-ended-call",
    });
    const { rows } = await t.ownerQuery("SELECT speaker, text FROM transcript_segments WHERE call_id = $1 ORDER BY seq", [row!.id]);
    expect(rows).toEqual([
      { speaker: "assistant", text: "Hello, thanks for calling." },
      { speaker: "caller", text: "Please call me back." },
      { speaker: "assistant", text: "Will do." },
    ]);
  });

  it("acknowledges unknown message types with 200 and stores them", async () => {
    const tenant = await createTenant();
    const res = await post({ message: { type: "some-future-type", call: vapiCall(tenant, "call-future"), timestamp: at(3) } });
    expect(res.status).toBe(200);
    await eventsProcessed("call-future");
    expect(await callRow("call-future")).toHaveLength(1);
  });

  it("ingests a giant transcript of 5,000 messages", async () => {
    const tenant = await createTenant();
    const res = await post({ message: endOfCallReport(tenant, "call-giant", 5000) });
    expect(res.status, res.text).toBe(200);
    await eventsProcessed("call-giant");
    const [row] = await callRow("call-giant");
    const { rows } = await t.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM transcript_segments WHERE call_id = $1", [row!.id]);
    expect(rows[0]!.count).toBe(5000);
  });

  it("keeps tenants apart: org A's number never touches org B's rows", async () => {
    const a = await createTenant();
    const b = await createTenant();
    // A message for B's call id but dialled to A's number lands in A.
    await replay([endOfCallReport(a, "call-iso")]);
    await eventsProcessed("call-iso");
    const rows = await callRow("call-iso");
    expect(rows.map((row) => row.organization_id)).toEqual([a.organizationId]);
    const { rows: bRows } = await t.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM calls WHERE organization_id = $1", [b.organizationId]);
    expect(bRows[0]!.count).toBe(0);
  });
});

describe("knowledge and transfer lookups read, never write", () => {
  /** The metadata our assistant-request answer gives the transient assistant; Vapi sends it back with every message. */
  const metadataOf = (tenant: { organizationId: string; assistantId: string }, callId: string | null = null) => ({
    organizationId: tenant.organizationId,
    assistantId: tenant.assistantId,
    callId,
  });

  function knowledgeRequest(tenant: Tenant, callId: string, question: string, metadata: Record<string, unknown> | null, second = 9) {
    const facts = callFacts(tenant, callId);
    return {
      type: "knowledge-base-request",
      call: vapiCallObject(metadata ? { ...facts, assistant: { metadata } } : facts),
      ...(metadata ? { assistant: { metadata } } : {}),
      messages: [{ role: "user", message: question, time: at(second), secondsFromStart: second }],
      messagesOpenAIFormatted: [{ role: "user", content: question }],
      timestamp: at(second),
    };
  }

  function transferRequest(tenant: Tenant, callId: string, destination: string, metadata: Record<string, unknown> | null) {
    const facts = callFacts(tenant, callId);
    const toolCall = { id: `tc-transfer-${callId}`, type: "function", function: { name: "transferCall", arguments: JSON.stringify({ destination }) } };
    return {
      type: "transfer-destination-request",
      call: vapiCallObject(metadata ? { ...facts, assistant: { metadata } } : facts),
      ...(metadata ? { assistant: { metadata } } : {}),
      artifact: { messages: [{ role: "tool_calls", toolCalls: [toolCall], time: at(20), secondsFromStart: 20 }] },
      timestamp: at(20),
    };
  }

  async function withParkingKnowledge(tenant: Tenant, street: string) {
    await addReady(t, tenant, {
      title: "Directions",
      kind: "text",
      content: `Parking\n\nFree parking is behind the building on ${street}.`,
      assistantId: tenant.assistantId,
    });
  }

  it("a knowledge-base-request alone writes no call row and searches the knowledge of the assistant in its metadata", async () => {
    const tenant = await createTenant();
    await withParkingKnowledge(tenant, "Elm Street");
    const res = await post({ message: knowledgeRequest(tenant, "call-kb-alone", "where can I park?", metadataOf(tenant)) });
    expect(res.status, res.text).toBe(200);
    expect(res.body.documents.map((d: { content: string }) => d.content).join(" ")).toMatch(/Elm Street/);
    for (const document of res.body.documents) expect(document.content).not.toContain("\n");
    // The raw message is kept, already processed: ingestion has nothing to write for a lookup.
    const { rows } = await t.ownerQuery<{ processed: boolean }>(
      "SELECT processed_at IS NOT NULL AS processed FROM vendor_events WHERE provider_call_id = 'call-kb-alone'",
    );
    expect(rows).toEqual([{ processed: true }]);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // longer than the ingestion worker's polling interval
    expect(await callRow("call-kb-alone")).toHaveLength(0);
  });

  it("without metadata the call row's assistant is read; with neither, only organization-wide knowledge is searched", async () => {
    const tenant = await createTenant();
    await withParkingKnowledge(tenant, "Birch Lane");
    expect((await post({ message: assistantRequest(tenant, "call-kb-row") })).status).toBe(200);
    const [before] = await callRow("call-kb-row");
    const fromRow = await post({ message: knowledgeRequest(tenant, "call-kb-row", "where can I park?", null) });
    expect(fromRow.body.documents.map((d: { content: string }) => d.content).join(" ")).toMatch(/Birch Lane/);
    const [after] = await callRow("call-kb-row");
    expect(after!.updated_at).toEqual(before!.updated_at);
    const unknownCall = await post({ message: knowledgeRequest(tenant, "call-kb-nothing", "where can I park?", null) });
    expect(unknownCall.status).toBe(200);
    expect(unknownCall.body.documents).toEqual([]);
    expect(await callRow("call-kb-nothing")).toHaveLength(0);
  });

  it("metadata naming another organization's assistant never reaches that organization's knowledge", async () => {
    const a = await createTenant();
    const b = await createTenant();
    await withParkingKnowledge(b, "Oak Avenue");
    for (const metadata of [
      { organizationId: a.organizationId, assistantId: b.assistantId },
      { organizationId: b.organizationId, assistantId: b.assistantId },
    ]) {
      const res = await post({ message: knowledgeRequest(a, `call-kb-foreign-${metadata.organizationId}`, "where can I park?", metadata) });
      expect(res.status, res.text).toBe(200);
      expect(res.body.documents).toEqual([]);
    }
    // The same question to B's own number finds it: the knowledge exists, it is only out of A's reach.
    const own = await post({ message: knowledgeRequest(b, "call-kb-own", "where can I park?", metadataOf(b)) });
    expect(own.body.documents.map((d: { content: string }) => d.content).join(" ")).toMatch(/Oak Avenue/);
  });

  it("a transfer-destination-request answers from the metadata's assistant without writing the call", async () => {
    const tenant = await createTenant();
    await t.ownerQuery("UPDATE assistants SET transfer_directory = $2 WHERE id = $1", [
      tenant.assistantId,
      JSON.stringify([{ name: "Sales", role: "sales", phone: "+13125550111" }]),
    ]);
    const res = await post({ message: transferRequest(tenant, "call-transfer-meta", "Sales", metadataOf(tenant, "call_meta0000000001")) });
    expect(res.status, res.text).toBe(200);
    expect(res.body.destination).toMatchObject({ type: "number", number: "+13125550111" });
    expect(await callRow("call-transfer-meta")).toHaveLength(0);

    const stranger = await createTenant();
    const foreign = await post({ message: transferRequest(tenant, "call-transfer-foreign", "Sales", metadataOf(stranger, "call_meta0000000002")) });
    expect(foreign.status).toBe(200);
    expect(foreign.body.destination).toBeUndefined();
    expect(foreign.body.error).toMatch(/transfer/i);
    expect(await callRow("call-transfer-foreign")).toHaveLength(0);
  });
});

describe("test calls", () => {
  async function callsOf(tenant: Tenant) {
    const res = await t.api.get(`/api/v1/orgs/${tenant.organizationId}/calls`, { token: tenant.accessToken });
    expect(res.status, res.text).toBe(200);
    return res.body.items as { id: string; isTest: boolean; status: string }[];
  }

  it("a call on a sandbox number is a test call even when Vapi's own credential sends its messages", async () => {
    const tenant = await createTenant({ provider: "sandbox", number: "+16465550142" });
    await post({ message: { ...assistantRequest(tenant, "call-sandbox-by-vapi"), phoneNumber: { number: tenant.number } } });
    await post({ message: { ...endOfCallReport(tenant, "call-sandbox-by-vapi"), phoneNumber: { number: tenant.number } } });
    await eventsProcessed("call-sandbox-by-vapi");
    const items = await callsOf(tenant);
    expect(items.map((c) => [c.status, c.isTest])).toEqual([["ended", true]]);
  });

  it("calls on a Vapi number are never test calls", async () => {
    const tenant = await createTenant();
    await post({ message: assistantRequest(tenant, "call-real-1") });
    await post({ message: endOfCallReport(tenant, "call-real-1") });
    // A report arriving first (no assistant-request seen) makes a real call too.
    await post({ message: endOfCallReport(tenant, "call-real-2") });
    await eventsProcessed("call-real-1");
    await eventsProcessed("call-real-2");
    const items = await callsOf(tenant);
    expect(items).toHaveLength(2);
    for (const item of items) expect(item.isTest).toBe(false);
  });
});
