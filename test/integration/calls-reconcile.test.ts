// The calls.reconcile job: calls whose end-of-call report never came are fetched from Vapi's API
// (the official SDK against the Vapi stand-in, `GET /call/{id}` in Vapi's Call shape) once
// RECONCILE_AFTER_MS has passed on the platform's clock, and applied exactly like a report; calls
// with a report are not fetched, one call Vapi cannot give does not stop the others, and a second
// run changes nothing.
import type { Vapi } from "@vapi-ai/server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onCallReportApplied } from "../../src/server/modules/calls/ingest.js";
import { RECONCILE_AFTER_MS, reconcileCalls } from "../../src/server/modules/calls/reconcile.js";
import {
  assistantRequestMessage,
  type CallFacts,
  endOfCallReportMessage,
  statusUpdateMessage,
  vapiCallObject,
} from "../../src/server/modules/sandbox/messages.js";
import { createCustom } from "../helpers/assistants.js";
import { createOrgWithOwner, signIn, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { startVapiStandIn, type VapiStandIn } from "../helpers/vapi-stand-in.js";

const SECRET = "vapi-shared-secret-0123456789";

let t: TestPlatform;
let vapiApi: VapiStandIn;
let owner: TestOrgOwner;
let number: { id: string; number: string; vapiId: string };
/** The calls whose report the usage hook saw, in order (this file's organization only). */
const metered: string[] = [];

beforeAll(async () => {
  vapiApi = await startVapiStandIn();
  t = await startTestPlatform({ env: { VAPI_API_KEY: "vapi-test-key", VAPI_BASE_URL: vapiApi.url, VAPI_WEBHOOK_SECRET: SECRET } });
  owner = await createOrgWithOwner(t);
  await t.ownerQuery("UPDATE organizations SET plan_id = 'enterprise' WHERE id = $1", [owner.organizationId]);
  const assistant = await createCustom(t, owner);
  const res = await t.api.post(
    `/api/v1/orgs/${owner.organizationId}/phone-numbers`,
    { provider: "vapi", areaCode: "512", assistantId: assistant.id },
    { token: owner.accessToken },
  );
  expect(res.status, res.text).toBe(201);
  number = { id: res.body.id, number: res.body.number, vapiId: vapiApi.phoneNumbers().find((n) => n.number === res.body.number)!.id };
  onCallReportApplied(async (_tx, call) => {
    if (call.organizationId === owner.organizationId) metered.push(call.callId);
  });
});
afterAll(async () => {
  await t?.stop();
  await vapiApi?.stop();
});

function factsOf(callId: string, createdAtMs: number): CallFacts {
  return { id: callId, orgId: "vapi-org-stand-in", createdAtMs, phoneNumberId: number.vapiId, number: number.number, callerNumber: "+12125550123" };
}

const conversation = (createdAtMs: number): Vapi.ArtifactMessagesItem[] => [
  { role: "system", message: "You answer the phone.", time: createdAtMs, secondsFromStart: 0 },
  { role: "bot", message: "Thanks for calling, how can I help?", time: createdAtMs + 1000, endTime: createdAtMs + 3000, secondsFromStart: 1 },
  { role: "user", message: "Please ask Sam to call me back.", time: createdAtMs + 4000, endTime: createdAtMs + 6500, secondsFromStart: 4 },
  { role: "bot", message: "I'll pass that on. Goodbye!", time: createdAtMs + 7000, endTime: createdAtMs + 9000, secondsFromStart: 7 },
];

/** The end-of-call report Vapi would have sent for the call. */
function reportOf(callId: string, createdAtMs: number) {
  return endOfCallReportMessage(factsOf(callId, createdAtMs), {
    timestamp: createdAtMs + 62_000,
    endedReason: "customer-ended-call",
    cost: 0.0875,
    startedAtMs: createdAtMs + 1000,
    endedAtMs: createdAtMs + 61_000,
    messages: conversation(createdAtMs),
    recordingUrl: `https://storage.vapi.ai/${callId}.wav`,
    summary: "The caller asked Sam to call back.",
    structuredData: { outcome: "callback_requested", callerName: "Alex" },
    successEvaluation: "true",
  });
}

/** The same call as `GET /call/{id}` answers it once ended: Vapi's Call with its artifact, analysis and cost. */
function endedCallOf(callId: string, createdAtMs: number): Vapi.Call {
  const report = reportOf(callId, createdAtMs);
  return {
    ...vapiCallObject({
      ...factsOf(callId, createdAtMs),
      status: "ended",
      startedAtMs: createdAtMs + 1000,
      endedAtMs: createdAtMs + 61_000,
      endedReason: "customer-ended-call",
    }),
    artifact: report.artifact,
    analysis: report.analysis,
    cost: report.cost,
    costs: [],
  };
}

async function send(message: unknown) {
  const res = await t.platform.app.request("/webhooks/vapi", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}` },
    body: JSON.stringify({ message }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Starts a call as Vapi does: assistant-request, then in progress. */
async function startCall(callId: string, createdAtMs: number) {
  await send(assistantRequestMessage(factsOf(callId, createdAtMs), createdAtMs));
  await send(statusUpdateMessage(factsOf(callId, createdAtMs), "in-progress", createdAtMs + 2000));
}

async function allIngested(callIds: string[]) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { rows } = await t.ownerQuery<{ pending: number }>(
      "SELECT count(*)::int AS pending FROM vendor_events WHERE provider_call_id = ANY($1) AND processed_at IS NULL",
      [callIds],
    );
    if (rows[0]!.pending === 0) return;
    if (Date.now() > deadline) throw new Error("the call events were not ingested in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function callIdOf(providerCallId: string): Promise<string> {
  const { rows } = await t.ownerQuery<{ id: string }>("SELECT id FROM calls WHERE provider_call_id = $1", [providerCallId]);
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

/** Moves the platform's clock on; the owner signs in again, since access tokens live 15 minutes. */
async function advanceClock(ms: number) {
  t.clock.advance(ms);
  const res = await signIn(t, owner.email, owner.password);
  expect(res.status, res.text).toBe(200);
  owner = { ...owner, accessToken: res.body.accessToken };
}

async function detailOf(providerCallId: string) {
  const res = await t.api.get(`/api/v1/orgs/${owner.organizationId}/calls/${await callIdOf(providerCallId)}`, { token: owner.accessToken });
  expect(res.status, res.text).toBe(200);
  return res.body as Record<string, any>;
}

/** What a report decides about a call, without the ids and times that differ between two calls. */
function reportedState(detail: Record<string, any>) {
  return {
    status: detail.status,
    endedReason: detail.endedReason,
    durationSeconds: detail.durationSeconds,
    summary: detail.summary,
    outcome: detail.outcome,
    structuredData: detail.structuredData,
    successEvaluation: detail.successEvaluation,
    costUsd: detail.costUsd,
    transcript: detail.transcript,
    segments: detail.segments,
    isTest: detail.isTest,
  };
}

const fetchesOf = (providerCallId: string) => vapiApi.requests.filter((r) => r.method === "GET" && r.path === `/call/${providerCallId}`).length;

describe("calls.reconcile", () => {
  it("fetches the calls whose report never came, applies them like a report, skips the others, and a second run changes nothing", async () => {
    const base = t.clock.now().getTime();
    // Oldest first: the calls Vapi cannot give come before those it can, so they must not stop the run.
    const ids = {
      missing: "rc-missing",
      failing: "rc-failing",
      lost: "rc-lost",
      endedWithoutReport: "rc-ended-no-report",
      reported: "rc-reported",
    };
    const createdAt: Record<string, number> = {
      [ids.missing]: base,
      [ids.failing]: base + 1000,
      [ids.lost]: base + 2000,
      [ids.endedWithoutReport]: base + 3000,
      [ids.reported]: base + 4000,
    };
    for (const id of Object.values(ids)) await startCall(id, createdAt[id]!);
    await send(
      statusUpdateMessage(
        { ...factsOf(ids.endedWithoutReport, createdAt[ids.endedWithoutReport]!), endedReason: "customer-ended-call" },
        "ended",
        base + 70_000,
      ),
    );
    await send(reportOf(ids.reported, createdAt[ids.reported]!));
    await allIngested(Object.values(ids));
    expect(metered).toEqual([await callIdOf(ids.reported)]);

    vapiApi.callFailures.set(ids.missing, 404);
    vapiApi.callFailures.set(ids.failing, 500);
    for (const id of [ids.lost, ids.endedWithoutReport, ids.reported]) vapiApi.calls.set(id, endedCallOf(id, createdAt[id]!));

    // Too early: nothing is fetched before RECONCILE_AFTER_MS has passed.
    expect(await reconcileCalls(t.platform.ctx)).toBe(0);
    expect(vapiApi.requests.filter((r) => r.path.startsWith("/call/"))).toEqual([]);

    // Past RECONCILE_AFTER_MS since each call's last message (the "ended" status came at base + 70 s).
    await advanceClock(RECONCILE_AFTER_MS + 5 * 60_000);
    const fresh = "rc-fresh";
    await startCall(fresh, t.clock.now().getTime());
    await allIngested([fresh]);

    expect(await reconcileCalls(t.platform.ctx)).toBe(2);
    for (const id of [ids.missing, ids.failing, ids.lost, ids.endedWithoutReport]) expect(fetchesOf(id), id).toBe(1);
    expect(fetchesOf(ids.reported)).toBe(0);
    expect(fetchesOf(fresh)).toBe(0);

    // Applied exactly like the report the other call received through the webhook.
    const reported = reportedState(await detailOf(ids.reported));
    expect(reported).toMatchObject({
      status: "ended",
      endedReason: "customer-ended-call",
      durationSeconds: 60,
      summary: "The caller asked Sam to call back.",
      successEvaluation: "true",
      isTest: false,
    });
    expect(reported.segments.map((s: { speaker: string }) => s.speaker)).toEqual(["assistant", "caller", "assistant"]);
    const lost = await detailOf(ids.lost);
    expect(reportedState(lost)).toEqual(reported);
    expect(lost.recordingUrl).toBe(`https://storage.vapi.ai/${ids.lost}.wav`);
    expect(reportedState(await detailOf(ids.endedWithoutReport))).toEqual(reported);
    for (const id of [ids.missing, ids.failing]) expect((await detailOf(id)).status, id).toBe("in-progress");
    expect((await detailOf(fresh)).status).toBe("in-progress");

    const expectedMetered = [ids.reported, ids.lost, ids.endedWithoutReport];
    const meteredIds = await Promise.all(expectedMetered.map(callIdOf));
    expect([...metered].sort()).toEqual([...meteredIds].sort());

    // A second run: the reconciled calls are not fetched again, nothing is metered twice, nothing changes.
    const before = await Promise.all([ids.lost, ids.endedWithoutReport].map(detailOf));
    expect(await reconcileCalls(t.platform.ctx)).toBe(0);
    expect(fetchesOf(ids.lost)).toBe(1);
    expect(fetchesOf(ids.endedWithoutReport)).toBe(1);
    expect([...metered].sort()).toEqual([...meteredIds].sort());
    expect(await Promise.all([ids.lost, ids.endedWithoutReport].map(detailOf))).toEqual(before);

    // Once Vapi can give the missing call, the next run applies it too.
    vapiApi.callFailures.delete(ids.missing);
    vapiApi.calls.set(ids.missing, endedCallOf(ids.missing, createdAt[ids.missing]!));
    expect(await reconcileCalls(t.platform.ctx)).toBe(1);
    expect(reportedState(await detailOf(ids.missing))).toEqual(reported);
  });

  it("never fetches sandbox calls, and does nothing without a Vapi key", async () => {
    const { rows } = await t.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM calls WHERE organization_id = $1 AND provider = 'sandbox'", [
      owner.organizationId,
    ]);
    expect(rows[0]!.count).toBe(0);
    const sandbox = await t.api.post(
      `/api/v1/orgs/${owner.organizationId}/phone-numbers`,
      { provider: "sandbox", areaCode: "415" },
      { token: owner.accessToken },
    );
    expect(sandbox.status, sandbox.text).toBe(201);
    const providerCallId = "rc-sandbox";
    await t.ownerQuery(
      `INSERT INTO calls (organization_id, id, started_at, provider, provider_call_id, phone_number_id, status, is_test)
       VALUES ($1, 'call_rcsandbox0001', $2, 'sandbox', $3, $4, 'in-progress', true)`,
      [owner.organizationId, new Date(t.clock.now().getTime() - RECONCILE_AFTER_MS - 60_000), providerCallId, sandbox.body.id],
    );
    await reconcileCalls(t.platform.ctx);
    expect(fetchesOf(providerCallId)).toBe(0);

    const keyless = { ...t.platform.ctx, config: { ...t.platform.ctx.config, vapi: { ...t.platform.ctx.config.vapi, apiKey: undefined } } };
    const requestsBefore = vapiApi.requests.length;
    expect(await reconcileCalls(keyless as typeof t.platform.ctx)).toBe(0);
    expect(vapiApi.requests.length).toBe(requestsBefore);
  });
});
