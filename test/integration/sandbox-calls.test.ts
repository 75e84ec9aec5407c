// Sandbox calls: the scripted call driver through the real webhook path (in-process and over HTTP
// from the CLI), the API that starts one in the background, and which numbers it accepts.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSandboxCall } from "../../src/server/modules/sandbox/service.js";
import { createFromTemplate } from "../helpers/assistants.js";
import { createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestHttpServer, type TestHttpServer } from "../helpers/http-server.js";
import { describeRouteSecurity } from "../helpers/route-security.js";

let t: TestHttpServer;
let tmp: string;

beforeAll(async () => {
  t = await startTestHttpServer();
  tmp = await mkdtemp(path.join(tmpdir(), "switchboard-sandbox-"));
});
afterAll(async () => {
  await t?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

type Restaurant = { owner: TestOrgOwner; assistantId: string; phoneNumberId: string; number: string };

/** An organization with an active restaurant assistant (menu: "Dish number 1"…) answering a new sandbox number. */
async function createRestaurant(): Promise<Restaurant> {
  const owner = await createOrgWithOwner(t);
  const assistant = await createFromTemplate(t, owner, "restaurant", { status: "active" });
  const res = await t.api.post(
    `/api/v1/orgs/${owner.organizationId}/phone-numbers`,
    { provider: "sandbox", areaCode: String(200 + Math.floor(Math.random() * 700)), assistantId: assistant.id },
    { token: owner.accessToken },
  );
  expect(res.status, res.text).toBe(201);
  return { owner, assistantId: assistant.id, phoneNumberId: res.body.id, number: res.body.number };
}

async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function endedCall(where: string, value: string) {
  return waitFor(async () => {
    const { rows } = await t.ownerQuery(`SELECT * FROM calls WHERE ${where} = $1 AND status = 'ended' AND summary IS NOT NULL`, [value]);
    return rows[0];
  });
}

const ORDER_SCRIPT = `# A pickup order
caller: Hi, I'd like to order something for pickup.
assistant: Of course! What would you like?
caller: Two of Dish number 1, please. My name is Sam Rivera.

tool: takeOrder {"items":[{"name":"Dish number 1","quantity":2}],"fulfillment":"pickup","callerName":"Sam Rivera","callbackNumber":"{{caller}}"}
caller: Perfect, thanks. Bye!
`;

describe("runSandboxCall", () => {
  it("plays a scripted restaurant order through the webhook: transcript, summary, order, action and live events", async () => {
    const shop = await createRestaurant();
    const events: { type: string; callId: string }[] = [];
    const stop = t.platform.ctx.callEvents.subscribe(shop.owner.organizationId, {
      onEvent: (event) => events.push({ type: event.type, callId: event.call.id }),
      onClose: () => {},
    });
    try {
      const result = await runSandboxCall(t.platform.ctx, {
        organizationId: shop.owner.organizationId,
        phoneNumberId: shop.phoneNumberId,
        callerNumber: "+12125550188",
        script: ORDER_SCRIPT,
      });

      expect(result.callId).toMatch(/^call_/);
      expect(result.toolResults).toHaveLength(1);
      expect(result.toolResults[0]).toMatchObject({ name: "takeOrder", arguments: { callbackNumber: "+12125550188" } });
      expect(result.toolResults[0]!.result, result.toolResults[0]!.error).toBeTypeOf("string");
      // The greeting first; after the tool line the assistant reads the tool's result, as no line was scripted.
      expect(result.transcript.map((turn) => turn.speaker)).toEqual(["assistant", "caller", "assistant", "caller", "tool", "assistant", "caller"]);
      expect(result.transcript[5]!.text).toBe(result.toolResults[0]!.result);
      for (const [index, turn] of result.transcript.entries()) {
        if (index > 0) expect(turn.secondsFromStart).toBeGreaterThan(result.transcript[index - 1]!.secondsFromStart);
      }

      const call = await endedCall("id", result.callId!);
      expect(call).toMatchObject({
        organization_id: shop.owner.organizationId,
        provider: "sandbox",
        provider_call_id: result.providerCallId,
        status: "ended",
        ended_reason: "customer-ended-call",
        caller_number: "+12125550188",
        assistant_id: shop.assistantId,
        phone_number_id: shop.phoneNumberId,
        success_evaluation: "true",
        is_test: true, // every call on a sandbox number is a test call
        fallback: null,
      });
      expect(call.summary).toContain("Sam Rivera");
      expect(call.structured_data).toMatchObject({ outcome: "order_placed", callerName: "Sam Rivera", callbackNumber: "+12125550188" });
      expect(call.duration_seconds).toBeGreaterThan(5);
      expect(Number(call.cost_usd)).toBe(0);

      const { rows: segments } = await t.ownerQuery<{ speaker: string; text: string; start_offset_ms: number }>(
        "SELECT speaker, text, start_offset_ms FROM transcript_segments WHERE call_id = $1 ORDER BY seq",
        [call.id],
      );
      expect(segments.map((segment) => segment.speaker)).toEqual(["assistant", "caller", "assistant", "caller", "tool", "tool", "assistant", "caller"]);
      expect(segments[1]!.text).toBe("Hi, I'd like to order something for pickup.");
      expect(segments[4]!.text).toContain("takeOrder(");

      const { rows: actions } = await t.ownerQuery<{ tool: string; outcome: string; inbox_item_id: string | null }>(
        "SELECT tool, outcome, inbox_item_id FROM call_actions WHERE call_id = $1",
        [call.id],
      );
      expect(actions).toEqual([{ tool: "takeOrder", outcome: "succeeded", inbox_item_id: expect.any(String) }]);
      const { rows: items } = await t.ownerQuery<{ kind: string; call_id: string; details: Record<string, unknown> }>(
        "SELECT kind, call_id, details FROM inbox_items WHERE id = $1",
        [actions[0]!.inbox_item_id],
      );
      expect(items[0]).toMatchObject({ kind: "order", call_id: call.id });

      // Every message got its own idempotency key (none collapsed), all stored as sandbox events.
      const { rows: stored } = await t.ownerQuery<{ type: string; provider: string; count: number }>(
        "SELECT type, provider, count(*)::int AS count FROM vendor_events WHERE provider_call_id = $1 GROUP BY type, provider ORDER BY type",
        [result.providerCallId],
      );
      expect(stored).toEqual([
        { type: "assistant-request", provider: "sandbox", count: 1 },
        { type: "conversation-update", provider: "sandbox", count: 7 },
        { type: "end-of-call-report", provider: "sandbox", count: 1 },
        { type: "speech-update", provider: "sandbox", count: 12 },
        { type: "status-update", provider: "sandbox", count: 3 },
        { type: "tool-calls", provider: "sandbox", count: 1 },
        { type: "transcript", provider: "sandbox", count: 6 },
      ]);

      await waitFor(async () => events.some((event) => event.type === "call.ended"));
      expect(events[0]).toEqual({ type: "call.started", callId: result.callId });
      expect(events.at(-1)).toEqual({ type: "call.ended", callId: result.callId });
    } finally {
      stop();
    }
  });

  it("refuses a script it cannot read, naming the line", async () => {
    const shop = await createRestaurant();
    await expect(
      runSandboxCall(t.platform.ctx, {
        organizationId: shop.owner.organizationId,
        phoneNumberId: shop.phoneNumberId,
        script: "caller: hi\ntool: takeOrder {nope",
      }),
    ).rejects.toMatchObject({ status: 422, errors: [{ path: "body.script", message: expect.stringContaining("line 2") }] });
  });
});

describe("POST /api/v1/orgs/{orgId}/sandbox/calls", () => {
  const path = (orgId: string) => `/api/v1/orgs/${orgId}/sandbox/calls`;

  it("answers 202 and plays the industry's default call in the background, marked as a test call", async () => {
    const shop = await createRestaurant();
    const res = await t.api.post(path(shop.owner.organizationId), { phoneNumberId: shop.phoneNumberId }, { token: shop.owner.accessToken });
    expect(res.status, res.text).toBe(202);
    expect(res.body.providerCallId).toMatch(/^sandbox-/);

    const call = await endedCall("provider_call_id", res.body.providerCallId);
    expect(call).toMatchObject({ organization_id: shop.owner.organizationId, is_test: true, caller_number: "+13125550142" });
    expect(call.structured_data).toMatchObject({ outcome: "message_taken" });
    const { rows } = await t.ownerQuery<{ kind: string; title: string }>("SELECT kind FROM inbox_items WHERE call_id = $1", [call.id]);
    expect(rows).toEqual([{ kind: "message" }]);
    // Listed by the calls API like any other call.
    const detail = await t.api.get(`/api/v1/orgs/${shop.owner.organizationId}/calls/${call.id}`, { token: shop.owner.accessToken });
    expect(detail.status, detail.text).toBe(200);
    expect(detail.body.segments.length).toBeGreaterThan(4);
  });

  it("answers 404 for another organization's number and 422 for a real (non-sandbox) number, a bad script or a pace over 2 s", async () => {
    const shop = await createRestaurant();
    const other = await createRestaurant();
    const token = { token: shop.owner.accessToken };
    const foreign = await t.api.post(path(shop.owner.organizationId), { phoneNumberId: other.phoneNumberId }, token);
    expect({ status: foreign.status, code: foreign.body.code }).toEqual({ status: 404, code: "NOT_FOUND" });

    const realId = `pn_${randomBytes(8).toString("hex")}`;
    await t.ownerQuery(
      `INSERT INTO phone_numbers (organization_id, id, number, provider, provider_number_id, routing) VALUES ($1, $2, $3, 'vapi', $4, '{"openAssistantId":null,"afterHours":{"mode":"same_assistant"}}')`,
      [shop.owner.organizationId, realId, `+1628${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`, `vapi-${realId}`],
    );
    const real = await t.api.post(path(shop.owner.organizationId), { phoneNumberId: realId }, token);
    expect({ status: real.status, path: real.body.errors?.[0]?.path }).toEqual({ status: 422, path: "body.phoneNumberId" });

    const badScript = await t.api.post(path(shop.owner.organizationId), { phoneNumberId: shop.phoneNumberId, script: "the caller says hi" }, token);
    expect({ status: badScript.status, path: badScript.body.errors?.[0]?.path }).toEqual({ status: 422, path: "body.script" });
    const tooSlow = await t.api.post(path(shop.owner.organizationId), { phoneNumberId: shop.phoneNumberId, paceMs: 5000 }, token);
    expect(tooSlow.status).toBe(422);
  });
});

describe("npm run call:simulate", () => {
  it("plays a call over real HTTP with the secret derived from DATA_DIR, printing the transcript and our call id", async () => {
    const shop = await createRestaurant();
    const dataDir = path.join(tmp, "data");
    const scriptFile = path.join(tmp, "order.txt");
    await writeFile(scriptFile, ORDER_SCRIPT);
    await import("node:fs/promises").then(async (fs) => {
      await fs.mkdir(dataDir, { recursive: true });
      await fs.writeFile(path.join(dataDir, "app-secret"), t.platform.ctx.config.appSecret!);
    });
    const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: dataDir, APP_SECRET: undefined, NODE_ENV: "development" };
    delete env.APP_SECRET;
    const { stdout } = await promisify(execFile)(
      "npx",
      ["tsx", "src/server/cli/simulate-call.ts", "--number", shop.number, "--url", t.url, "--script", scriptFile, "--caller", "+12125550177"],
      { env, timeout: 60_000 },
    );
    expect(stdout).toContain("Caller     Two of Dish number 1, please. My name is Sam Rivera.");
    expect(stdout).toMatch(/Tool\s+takeOrder → /);
    const callId = /Call id: (call_\w+)/.exec(stdout)?.[1];
    expect(callId, stdout).toBeDefined();
    const call = await endedCall("id", callId!);
    expect(call).toMatchObject({ organization_id: shop.owner.organizationId, caller_number: "+12125550177", provider: "sandbox" });
    expect(call.structured_data).toMatchObject({ outcome: "order_placed" });
  }, 90_000);

  it("refuses a number outside the sandbox range", async () => {
    const run = promisify(execFile)("npx", ["tsx", "src/server/cli/simulate-call.ts", "--number", "+14155552671", "--url", t.url], {
      env: { ...process.env, APP_SECRET: t.platform.ctx.config.appSecret! },
      timeout: 60_000,
    });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("not a sandbox number") });
  }, 60_000);
});

describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/sandbox/calls",
  deniedRoles: ["viewer"],
  body: () => ({ phoneNumberId: "pn_security" }),
});
