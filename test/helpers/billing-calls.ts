// Arrange helpers for usage and billing tests: an organization with an assistant on a Vapi number,
// calls played through POST /webhooks/vapi exactly as Vapi sends them (assistant-request,
// end-of-call-report), waiting for ingestion, and a second app instance on the same database.
import { randomBytes } from "node:crypto";
import pino from "pino";
import { expect } from "vitest";
import { assistantRequestMessage, type CallFacts, endOfCallReportMessage } from "../../src/server/modules/sandbox/messages.js";
import { type Platform, startPlatform } from "../../src/server/platform.js";
import { createOrgWithOwner, type TestOrgOwner } from "./fixtures.js";
import type { TestPlatform } from "./platform.js";

/** The credential Vapi sends to /webhooks/vapi in these tests (startTestPlatform env VAPI_WEBHOOK_SECRET). */
export const VAPI_SECRET = "vapi-billing-secret-0123456789";
export const BILLING_TEST_ENV = { VAPI_WEBHOOK_SECRET: VAPI_SECRET };

const ALWAYS_OPEN = { timezone: "UTC", weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: "00:00", close: "24:00" })), holidays: [] };

export type BillingTenant = { owner: TestOrgOwner; organizationId: string; assistantId: string; number: string; vapiNumberId: string };

let numberSequence = 0;

/** An organization (through the API) with an active assistant answering a Vapi number (arranged in the database). */
export async function createBillingTenant(t: TestPlatform, options: { plan?: string; timezone?: string } = {}): Promise<BillingTenant> {
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
  const number = `+1312555${String(1000 + numberSequence++).padStart(4, "0")}`;
  const vapiNumberId = `vapi-pn-${randomBytes(6).toString("hex")}`;
  await t.ownerQuery(
    `INSERT INTO phone_numbers (organization_id, id, number, provider, provider_number_id, vapi_phone_number_id, vapi_status, routing)
     VALUES ($1, $2, $3, 'vapi', $4, $4, 'connected', $5)`,
    [organizationId, phoneNumberId, number, vapiNumberId, JSON.stringify({ openAssistantId: assistantId, afterHours: { mode: "same_assistant" } })],
  );
  await t.ownerQuery(
    "INSERT INTO phone_number_directory (number, provider, provider_number_id, vapi_phone_number_id, organization_id, phone_number_id) VALUES ($1, 'vapi', $2, $2, $3, $4)",
    [number, vapiNumberId, organizationId, phoneNumberId],
  );
  if (options.plan) await t.ownerQuery("UPDATE organizations SET plan_id = $2 WHERE id = $1", [organizationId, options.plan]);
  return { owner, organizationId, assistantId, number, vapiNumberId };
}

export function callFacts(tenant: BillingTenant, id: string, createdAtMs: number): CallFacts {
  return { id, orgId: "vapi-org", createdAtMs, phoneNumberId: tenant.vapiNumberId, callerNumber: "+12125550123" };
}

export type Fetchable = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

/** POSTs one server message to /webhooks/vapi with Vapi's bearer credential. */
export async function postVapi(app: Fetchable, message: unknown): Promise<{ status: number; body: any }> {
  const res = await app.request("/webhooks/vapi", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${VAPI_SECRET}` },
    body: JSON.stringify({ message }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export type ReportOptions = { durationSeconds: number; cost?: number; createdAtMs?: number; timestampMs?: number };

/** The end-of-call report of a call that lasted durationSeconds (Vapi's current layout). */
export function endOfCallReport(tenant: BillingTenant, callId: string, options: ReportOptions) {
  const createdAtMs = options.createdAtMs ?? Date.now();
  const startedAtMs = createdAtMs + 1000;
  const endedAtMs = startedAtMs + options.durationSeconds * 1000;
  return endOfCallReportMessage(callFacts(tenant, callId, createdAtMs), {
    timestamp: options.timestampMs ?? endedAtMs + 500,
    endedReason: "customer-ended-call",
    cost: options.cost ?? 0.05,
    startedAtMs,
    endedAtMs,
    messages: [
      { role: "bot", message: "Hello.", time: startedAtMs, endTime: startedAtMs + 1000, secondsFromStart: 0 },
      { role: "user", message: "Just checking the hours.", time: startedAtMs + 2000, endTime: startedAtMs + 3000, secondsFromStart: 2 },
    ],
    summary: "The caller asked about the hours.",
    structuredData: { outcome: "question_answered" },
    successEvaluation: "true",
  });
}

/** The assistant-request Vapi sends when a call to the tenant's number starts. */
export function assistantRequest(tenant: BillingTenant, callId: string, createdAtMs: number) {
  return assistantRequestMessage(callFacts(tenant, callId, createdAtMs), createdAtMs);
}

export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until every stored message of these calls has been applied by call ingestion. */
export async function waitUntilIngested(t: TestPlatform, providerCallIds: string[]): Promise<void> {
  await waitFor(async () => {
    const { rows } = await t.ownerQuery<{ stored: number; pending: number }>(
      "SELECT count(*)::int AS stored, count(*) FILTER (WHERE processed_at IS NULL)::int AS pending FROM vendor_events WHERE provider_call_id = ANY($1)",
      [providerCallIds],
    );
    return rows[0]!.stored > 0 && rows[0]!.pending === 0;
  });
}

/** Plays complete calls (end-of-call reports) and waits until they are ingested. */
export async function playCalls(t: TestPlatform, tenant: BillingTenant, calls: (ReportOptions & { id?: string })[]): Promise<string[]> {
  const ids = calls.map((call) => call.id ?? `call-${randomBytes(6).toString("hex")}`);
  const results = await Promise.all(calls.map((call, index) => postVapi(t.platform.app, endOfCallReport(tenant, ids[index]!, call))));
  for (const res of results) expect(res.status).toBe(200);
  await waitUntilIngested(t, ids);
  return ids;
}

/** A second app instance on the same database (own pools, job workers and ingestion loop), as a load balancer would run. */
export async function startSecondInstance(t: TestPlatform): Promise<Platform> {
  return startPlatform({
    config: t.platform.ctx.config,
    clock: t.clock,
    logger: pino({ level: "silent" }),
    rateLimitKeyPrefix: `bf-second-${randomBytes(4).toString("hex")}`,
    skipMigrations: true,
  });
}
