// Test sessions (the console's API) through the template engine: scripted conversations for every
// template's main tasks, asserting the tool calls made, their arguments, the inbox items created and
// the test call record; plus bad input, failures, and the route security cases.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endIdleTestSessions } from "../../src/server/modules/conversation/service.js";
import { parseCallerLines, simulateAssistantConversation } from "../../src/server/modules/conversation/simulate.js";
import { createFromTemplate } from "../helpers/assistants.js";
import { createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { describeRouteSecurity } from "../helpers/route-security.js";
import { webCallTestMessage } from "../helpers/test-session-messages.js";

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

const EVERY_DAY = (open: string, close: string) => ({
  timezone: "America/Chicago",
  weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open, close })),
  holidays: [],
});
const CLOSED_ALWAYS = { timezone: "America/Chicago", weekly: [], holidays: [] };

type Line = { type: string; [key: string]: any };
type Turn = { status: number; lines: Line[]; text: string; done: Line | undefined; body: any };

async function say(owner: TestOrgOwner, sessionId: string, text: string): Promise<Turn> {
  const res = await t.api.post(`/api/v1/orgs/${owner.organizationId}/test-sessions/${sessionId}/messages`, { text }, { token: owner.accessToken });
  if (res.status !== 200) return { status: res.status, lines: [], text: "", done: undefined, body: res.body };
  expect(res.headers.get("content-type")).toContain("application/x-ndjson");
  const lines = res.text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Line);
  const done = lines.at(-1);
  expect(done?.type).toBe("done");
  return { status: 200, lines, text: done?.text ?? "", done, body: undefined };
}

async function open(owner: TestOrgOwner, assistantId: string, body: Record<string, unknown> = {}) {
  const res = await t.api.post(`/api/v1/orgs/${owner.organizationId}/assistants/${assistantId}/test-sessions`, body, { token: owner.accessToken });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** Plays caller lines in order; returns every turn. */
async function converse(owner: TestOrgOwner, sessionId: string, lines: string[]): Promise<Turn[]> {
  const turns: Turn[] = [];
  for (const line of lines) {
    const turn = await say(owner, sessionId, line);
    expect(turn.status, JSON.stringify(turn.body)).toBe(200);
    turns.push(turn);
  }
  return turns;
}

function toolCalls(turns: Turn[]) {
  return turns.flatMap((turn) => turn.lines.filter((line) => line.type === "tool-call").map((line) => ({ name: line.name, arguments: line.arguments })));
}
function toolResults(turns: Turn[]) {
  return turns.flatMap((turn) => turn.lines.filter((line) => line.type === "tool-result"));
}

async function inboxOf(callId: string) {
  const { rows } = await t.ownerQuery<{ kind: string; details: Record<string, any>; caller_name: string | null }>(
    "SELECT kind, details, caller_name FROM inbox_items WHERE call_id = $1 ORDER BY created_at",
    [callId],
  );
  return rows;
}

async function waitForEndedCall(callId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await t.ownerQuery("SELECT * FROM calls WHERE id = $1 AND status = 'ended' AND summary IS NOT NULL", [callId]);
    if (rows[0]) return rows[0] as Record<string, any>;
    if (Date.now() > deadline) {
      const { rows: events } = await t.ownerQuery("SELECT type, processed_at, error, organization_id FROM vendor_events ORDER BY received_at DESC LIMIT 5");
      const { rows: calls } = await t.ownerQuery("SELECT status, summary, report_received_at FROM calls WHERE id = $1", [callId]);
      throw new Error(`call ${callId} was not ingested: ${JSON.stringify({ events, calls })}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const CLINIC_SERVICES = [
  { name: "Cleaning", priceCents: 12000, durationMinutes: 60 },
  { name: "Checkup", priceCents: 9000, durationMinutes: 30 },
];

describe("the dental clinic", () => {
  it("books an appointment: checks availability, books the chosen time, leaves an appointment in the inbox, and the call is a test call", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await createFromTemplate(t, owner, "dental-clinic", { businessHours: EVERY_DAY("08:00", "18:00") });
    await t.api.patch(
      `/api/v1/orgs/${owner.organizationId}/assistants/${assistant.id}`,
      { variables: { ...assistant.variables, services: CLINIC_SERVICES } },
      { token: owner.accessToken },
    );
    const session = await open(owner, assistant.id, { callerNumber: "+12125550188" });
    expect(session).toMatchObject({ status: "open", engine: "template", callId: expect.stringMatching(/^call_/) });
    expect(session.transcript[0]).toMatchObject({ role: "assistant", text: expect.stringContaining("virtual front desk") });

    const turns = await converse(owner, session.id, [
      "Hi, I'd like to book a cleaning tomorrow at 10am.",
      "My name is Sam Rivera.",
      "Yes, that's fine.",
      "Yes please.",
      "No, that's all, thanks.",
    ]);
    const calls = toolCalls(turns);
    expect(calls.map((call) => call.name)).toEqual(["checkAvailability", "bookAppointment"]);
    expect(calls[0]!.arguments).toMatchObject({ service: "Cleaning", time: "10:00" });
    expect(calls[1]!.arguments).toMatchObject({
      service: "Cleaning",
      callerName: "Sam Rivera",
      callbackNumber: "+12125550188",
      startsAt: expect.stringMatching(/T10:00$/),
    });
    expect(toolResults(turns).every((line) => line.result !== undefined)).toBe(true);
    expect(turns.at(-1)!.done!.endCall).toBe(true);

    const items = await inboxOf(session.callId);
    expect(items).toMatchObject([{ kind: "appointment", caller_name: "Sam Rivera", details: { service: "Cleaning" } }]);
    const call = await waitForEndedCall(session.callId);
    expect(call).toMatchObject({ is_test: true, provider: "sandbox", assistant_id: assistant.id, caller_number: "+12125550188", phone_number_id: null });
    expect(call.transcript).toContain("Sam Rivera");
    const { rows: actions } = await t.ownerQuery("SELECT tool, outcome FROM call_actions WHERE call_id = $1 ORDER BY created_at", [session.callId]);
    expect(actions).toEqual([
      { tool: "checkAvailability", outcome: "succeeded" },
      { tool: "bookAppointment", outcome: "succeeded" },
    ]);
    const state = await t.api.get(`/api/v1/orgs/${owner.organizationId}/test-sessions/${session.id}`, { token: owner.accessToken });
    expect(state.body).toMatchObject({ status: "ended", endedReason: "assistant-ended-call" });
  });
});

async function clinic(owner: TestOrgOwner, extra: Record<string, unknown> = {}) {
  const assistant = await createFromTemplate(t, owner, "dental-clinic", { businessHours: EVERY_DAY("08:00", "18:00"), ...extra });
  const res = await t.api.patch(
    `/api/v1/orgs/${owner.organizationId}/assistants/${assistant.id}`,
    { variables: { ...assistant.variables, services: CLINIC_SERVICES } },
    { token: owner.accessToken },
  );
  expect(res.status, res.text).toBe(200);
  return assistant;
}

describe("recovering from callers and tools", () => {
  it("re-asks for an impossible date, ignores nonsense and silence, and survives a switch of intent midway", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await clinic(owner);
    const session = await open(owner, assistant.id);
    const turns = await converse(owner, session.id, [
      "I need to book a checkup.",
      "February 30th",
      "",
      "purple monkey dishwasher",
      "Actually, can I just leave a message instead?",
    ]);
    expect(turns[1]!.text).toMatch(/couldn't use that date/i);
    expect(turns[1]!.text).toMatch(/what day/i);
    expect(turns[2]!.text).toMatch(/didn't hear anything/i);
    expect(turns[3]!.text).toMatch(/didn't catch that|not sure I follow/i);
    expect(turns[4]!.text).toMatch(/let's do that instead/i);
    const rest = await converse(owner, session.id, ["Dana Lee", "yes", "Please ask Dr. Patel to call me about my crown.", "yes"]);
    const calls = toolCalls([...turns, ...rest]);
    expect(calls.map((call) => call.name)).toEqual(["takeMessage"]);
    expect(calls[0]!.arguments).toMatchObject({
      callerName: "Dana Lee",
      callbackNumber: "+13125550142",
      message: expect.stringContaining("crown"),
      urgency: "normal",
    });
    expect(await inboxOf(session.callId)).toMatchObject([{ kind: "message", caller_name: "Dana Lee" }]);
  });

  it("offers other times when the chosen slot was taken meanwhile (a refused booking), then books one", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await clinic(owner);
    const first = await open(owner, assistant.id, { callerNumber: "+12125550101" });
    const second = await open(owner, assistant.id, { callerNumber: "+12125550102" });
    // Both callers reach the confirmation for the same slot; the first books it.
    await converse(owner, second.id, ["I'd like to book a cleaning tomorrow at 9am", "Chris Park", "yes"]);
    await converse(owner, first.id, ["I'd like to book a cleaning tomorrow at 9am", "Alex Kim", "yes", "yes"]);
    const refused = await say(owner, second.id, "yes");
    const results = toolResults([refused]);
    expect(results.map((line) => [line.name, line.error !== undefined])).toEqual([["bookAppointment", true]]);
    expect(refused.text).toMatch(/just taken/i);
    const rebooked = await converse(owner, second.id, ["the first one", "yes"]);
    const booked = toolResults(rebooked).filter((line) => line.name === "bookAppointment");
    expect(booked.at(-1)!.result).toMatch(/^Booked/);
    expect(await inboxOf(second.callId)).toMatchObject([{ kind: "appointment", caller_name: "Chris Park" }]);
  });

  it("takes a message when the business is closed and the caller asks to be put through", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await createFromTemplate(t, owner, "general-office", {
      businessHours: CLOSED_ALWAYS,
      transferDirectory: [{ name: "Maria Lopez", role: "Office manager", phone: "+14155552671" }],
    });
    const session = await open(owner, assistant.id);
    const turns = await converse(owner, session.id, [
      "Can I speak to Maria Lopez please?",
      "Jordan Smith",
      "yes",
      "Ask her to call me about the lease renewal.",
      "yes",
      "no thanks, bye",
    ]);
    const calls = toolCalls(turns);
    expect(calls.map((call) => call.name)).toEqual(["transferCall", "takeMessage"]);
    expect(calls[0]!.arguments).toMatchObject({ destination: "Maria Lopez" });
    expect(toolResults(turns)[0]!.error).toMatch(/closed/);
    expect(turns[0]!.text).toMatch(/can't take your call right now/);
    expect(calls[1]!.arguments).toMatchObject({ callerName: "Jordan Smith", message: expect.stringContaining("lease") });
    expect(await inboxOf(session.callId)).toMatchObject([{ kind: "message" }]);
  });

  it("transfers while open and the call ends as forwarded", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await createFromTemplate(t, owner, "general-office", {
      businessHours: EVERY_DAY("00:00", "00:00"),
      transferDirectory: [{ name: "Maria Lopez", role: "Office manager", phone: "+14155552671" }],
    });
    const session = await open(owner, assistant.id);
    const [turn] = await converse(owner, session.id, ["Can I talk to the office manager?"]);
    expect(toolResults([turn!])).toMatchObject([{ name: "transferCall", result: expect.stringContaining("Maria Lopez") }]);
    expect(turn!.done).toMatchObject({ endCall: true, session: { status: "ended", endedReason: "assistant-forwarded-call" } });
  });
});

describe("every template's main task", () => {
  it("restaurant: takes a pickup order with a required option, priced by the menu", async () => {
    const owner = await createOrgWithOwner(t);
    const menu = [
      {
        name: "Margherita",
        priceCents: 1400,
        options: [
          {
            name: "Size",
            required: true,
            choices: [
              { name: "Small", priceDeltaCents: 0 },
              { name: "Large", priceDeltaCents: 400 },
            ],
          },
        ],
      },
      { name: "Caesar Salad", priceCents: 1100 },
    ];
    const assistant = await createFromTemplate(t, owner, "restaurant", { businessHours: EVERY_DAY("00:00", "00:00") });
    const patched = await t.api.patch(
      `/api/v1/orgs/${owner.organizationId}/assistants/${assistant.id}`,
      { variables: { ...assistant.variables, menu } },
      { token: owner.accessToken },
    );
    expect(patched.status, patched.text).toBe(200);
    const session = await open(owner, assistant.id);
    const turns = await converse(owner, session.id, [
      "Hi, I'd like to order two margheritas and a caesar salad for pickup.",
      "Large please",
      "Sam",
      "yes",
      "yes",
    ]);
    const calls = toolCalls(turns);
    expect(calls.map((call) => call.name)).toEqual(["takeOrder"]);
    expect(calls[0]!.arguments).toMatchObject({
      fulfillment: "pickup",
      callerName: "Sam",
      items: [
        { name: "Margherita", quantity: 2, options: ["Large"] },
        { name: "Caesar Salad", quantity: 1, options: [] },
      ],
    });
    expect(turns.at(-1)!.text).toContain("$47.00");
    const [item] = await inboxOf(session.callId);
    expect(item).toMatchObject({ kind: "order", details: { totalCents: 4700 } });
  });

  it("salon: books a treatment from the price list", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await createFromTemplate(t, owner, "salon-spa", { businessHours: EVERY_DAY("08:00", "18:00") });
    await t.api.patch(
      `/api/v1/orgs/${owner.organizationId}/assistants/${assistant.id}`,
      {
        variables: {
          ...assistant.variables,
          services: [
            { name: "Haircut", priceCents: 4500, durationMinutes: 45 },
            { name: "Manicure", priceCents: 3000, durationMinutes: 30 },
          ],
        },
      },
      { token: owner.accessToken },
    );
    const session = await open(owner, assistant.id);
    const turns = await converse(owner, session.id, ["Can I book a haircut for tomorrow?", "11am", "Robin Hale", "yes", "yes"]);
    // 11:00 was not among the times first offered, so it is checked before it is confirmed.
    expect(toolCalls(turns).map((call) => call.name)).toEqual(["checkAvailability", "checkAvailability", "bookAppointment"]);
    expect(toolCalls(turns)[2]!.arguments).toMatchObject({ startsAt: expect.stringMatching(/T11:00$/), callerName: "Robin Hale" });
    expect(await inboxOf(session.callId)).toMatchObject([{ kind: "appointment", details: { service: "Haircut" } }]);
  });

  it("legal office: schedules a callback about a new matter", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await createFromTemplate(t, owner, "legal-office");
    const session = await open(owner, assistant.id);
    const turns = await converse(owner, session.id, [
      "Hi, I need a lawyer, can someone call me back?",
      "Pat Quinn",
      "yes",
      "tomorrow after 3pm",
      "A dispute with my landlord over a deposit.",
      "yes",
    ]);
    const calls = toolCalls(turns);
    expect(calls.map((call) => call.name)).toEqual(["scheduleCallback"]);
    expect(calls[0]!.arguments).toMatchObject({ callerName: "Pat Quinn", preferredTime: "tomorrow after 3pm", reason: expect.stringContaining("landlord") });
    expect(await inboxOf(session.callId)).toMatchObject([{ kind: "callback" }]);
  });

  it("home services: arranges a callback for a repair", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await createFromTemplate(t, owner, "home-services");
    const session = await open(owner, assistant.id);
    const turns = await converse(owner, session.id, [
      "My kitchen pipe is leaking, can you send someone?",
      "Lee Wong",
      "415 555 0123",
      "this afternoon",
      "Water leaking under the sink.",
      "yes",
    ]);
    const calls = toolCalls(turns);
    expect(calls.map((call) => call.name)).toEqual(["scheduleCallback"]);
    expect(calls[0]!.arguments).toMatchObject({ callerName: "Lee Wong", callbackNumber: "+14155550123" });
    expect(await inboxOf(session.callId)).toMatchObject([{ kind: "callback" }]);
  });

  it("logistics: logs a driver call-out", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await createFromTemplate(t, owner, "logistics-dispatch");
    const session = await open(owner, assistant.id);
    const turns = await converse(owner, session.id, [
      "Hi, I'm calling out sick, I can't make my shift.",
      "D-4471",
      "Maria Gomez",
      "tomorrow",
      "I have the flu.",
      "yes",
    ]);
    const calls = toolCalls(turns);
    expect(calls.map((call) => call.name)).toEqual(["logDriverCallout"]);
    expect(calls[0]!.arguments).toMatchObject({ driverId: "D-4471", driverName: "Maria Gomez", reason: "I have the flu." });
    expect(await inboxOf(session.callId)).toMatchObject([{ kind: "driver_callout" }]);
  });

  it("answers from the knowledge base, and offers a message when it has nothing", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await createFromTemplate(t, owner, "general-office");
    const source = await t.api.post(
      `/api/v1/orgs/${owner.organizationId}/knowledge`,
      { title: "Parking", kind: "markdown", content: "# Parking\nVisitors park free in the garage on Elm Street. Validate your ticket at reception." },
      { token: owner.accessToken },
    );
    expect(source.status, source.text).toBeLessThan(300);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { rows } = await t.ownerQuery("SELECT count(*)::int AS n FROM knowledge_chunks WHERE organization_id = $1", [owner.organizationId]);
      if ((rows[0] as { n: number }).n > 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const session = await open(owner, assistant.id);
    const turns = await converse(owner, session.id, ["Where can I park?", "What is the wifi password?"]);
    expect(toolCalls(turns).map((call) => call.name)).toEqual(["lookupKnowledge", "lookupKnowledge"]);
    expect(turns[0]!.text).toMatch(/garage on Elm Street/);
    expect(turns[1]!.text).toMatch(/leave a message/);
  });
});

describe("test session API", () => {
  it("refuses a line that is too long (400), an unknown session (404), and a turn after the end (409); ending twice is fine", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await clinic(owner);
    const session = await open(owner, assistant.id);
    const long = await say(owner, session.id, "x".repeat(1_001));
    expect({ status: long.status, code: long.body.code }).toEqual({ status: 400, code: "TEXT_TOO_LONG" });
    const unknown = await say(owner, "tses_0000000000000000000000000", "hi");
    expect(unknown.status).toBe(404);
    const end = await t.api.post(`/api/v1/orgs/${owner.organizationId}/test-sessions/${session.id}/end`, undefined, { token: owner.accessToken });
    expect(end.body).toMatchObject({ status: "ended", endedReason: "customer-ended-call" });
    const again = await t.api.post(`/api/v1/orgs/${owner.organizationId}/test-sessions/${session.id}/end`, undefined, { token: owner.accessToken });
    expect(again.status).toBe(200);
    const after = await say(owner, session.id, "hello?");
    expect({ status: after.status, code: after.body.code }).toEqual({ status: 409, code: "TEST_SESSION_ENDED" });
    const call = await waitForEndedCall(session.callId);
    expect(call.is_test).toBe(true);
  });

  it("ends sessions idle for 15 minutes, so their call gets its report", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await clinic(owner);
    const session = await open(owner, assistant.id);
    expect(await endIdleTestSessions(t.platform.ctx)).toBe(0);
    t.clock.advance(16 * 60_000);
    try {
      expect(await endIdleTestSessions(t.platform.ctx)).toBeGreaterThanOrEqual(1);
    } finally {
      t.clock.advance(-16 * 60_000);
    }
    const state = await t.api.get(`/api/v1/orgs/${owner.organizationId}/test-sessions/${session.id}`, { token: owner.accessToken });
    expect(state.body).toMatchObject({ status: "ended", endedReason: "silence-timed-out" });
    await waitForEndedCall(session.callId);
  });
});

describe("npm run call:simulate -- --assistant", () => {
  const script = `# A caller leaves a message
Hi, can I leave a message for the team?
Sam Rivera
(silence)
yes
Please call me back about my invoice.
yes
bye
`;

  it("reads caller lines (comments, blanks, silence) and plays them through the engine and the webhook", async () => {
    expect(parseCallerLines(script)).toEqual([
      "Hi, can I leave a message for the team?",
      "Sam Rivera",
      "",
      "yes",
      "Please call me back about my invoice.",
      "yes",
      "bye",
    ]);
    const owner = await createOrgWithOwner(t);
    const assistant = await createFromTemplate(t, owner, "general-office");
    const printed: string[] = [];
    const { organizationId, session } = await simulateAssistantConversation(t.platform.ctx, {
      assistantId: assistant.id,
      lines: parseCallerLines(script),
      onEvent: (event) => printed.push(event.kind === "line" ? event.line.type : event.kind),
    });
    expect(organizationId).toBe(owner.organizationId);
    expect(session).toMatchObject({ status: "ended", engine: "template" });
    expect(printed).toContain("tool-call");
    expect(await inboxOf(session.callId!)).toMatchObject([
      { kind: "message", caller_name: "Sam Rivera", details: { message: expect.stringContaining("invoice") } },
    ]);
    expect((await waitForEndedCall(session.callId!)).is_test).toBe(true);
  });

  it("runs as a command against the database and prints the transcript with tool calls", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await createFromTemplate(t, owner, "general-office");
    const dir = await mkdtemp(path.join(tmpdir(), "switchboard-console-"));
    try {
      const file = path.join(dir, "lines.txt");
      await writeFile(file, script);
      const { stdout } = await promisify(execFile)("npx", ["tsx", "src/server/cli/simulate-call.ts", "--assistant", assistant.id, "--script", file], {
        env: { ...process.env, DATABASE_URL: t.databaseUrl, APP_SECRET: t.platform.ctx.config.appSecret!, LOG_LEVEL: "silent", NODE_ENV: "development" },
        timeout: 90_000,
      });
      expect(stdout).toContain("Caller     Hi, can I leave a message for the team?");
      expect(stdout).toMatch(/Tool call {2}takeMessage \{.*"callerName":"Sam Rivera"/);
      expect(stdout).toMatch(/Result {5}takeMessage → Message recorded/);
      expect(stdout).toMatch(/Call ended \(assistant-ended-call\)\. Engine: template\. Call id: call_/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("the webhook and console web calls", () => {
  it("resolves a web call's tenant only from a session token the server signed, and only with the sandbox secret", async () => {
    const owner = await createOrgWithOwner(t);
    const assistant = await clinic(owner);
    const session = await open(owner, assistant.id);
    const secret = webCallTestMessage.sandboxSecret(t);
    const post = (body: unknown, credential = secret) => t.api.post("/webhooks/vapi", body, { headers: { authorization: `Bearer ${credential}` } });

    const good = webCallTestMessage.assistantRequest(
      `sandbox-web-probe-${Date.now()}`,
      webCallTestMessage.tokenOf(t, owner.organizationId, session.id, assistant.id),
    );
    const answered = await post(good);
    expect(answered.status).toBe(200);
    expect(answered.body.assistant?.metadata).toMatchObject({ organizationId: owner.organizationId, assistantId: assistant.id, testSessionId: session.id });

    // A token with a changed organization (or a bad signature) resolves to nobody.
    const other = await createOrgWithOwner(t);
    const token = webCallTestMessage.tokenOf(t, owner.organizationId, session.id, assistant.id);
    const forged = token.replace(owner.organizationId, other.organizationId);
    const refused = await post(webCallTestMessage.assistantRequest(`sandbox-web-forged-${Date.now()}`, forged));
    expect(refused.body).toEqual({ error: expect.stringContaining("not in service") });
    const tampered = await post(webCallTestMessage.assistantRequest(`sandbox-web-tampered-${Date.now()}`, `${token.slice(0, -2)}xx`));
    expect(tampered.body).toEqual({ error: expect.stringContaining("not in service") });
    const { rows } = await t.ownerQuery("SELECT count(*)::int AS n FROM calls WHERE organization_id = $1", [other.organizationId]);
    expect(rows[0]).toEqual({ n: 0 });
  });
});

const sessionIds = new Map<string, Promise<Record<string, string>>>();
function idsFor(org: { organizationId: string; owner: TestOrgOwner }) {
  let ids = sessionIds.get(org.organizationId);
  if (!ids) {
    ids = (async () => {
      const assistant = await createFromTemplate(t, org.owner, "general-office");
      const session = await open(org.owner, assistant.id);
      return { assistantId: assistant.id as string, sessionId: session.id as string };
    })();
    sessionIds.set(org.organizationId, ids);
  }
  return ids;
}

const subResourceIds = (_t: TestPlatform, org: { organizationId: string; owner: TestOrgOwner }) => idsFor(org);
describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/assistants/{assistantId}/test-sessions",
  deniedRoles: ["viewer"],
  body: () => ({}),
  subResourceIds,
});
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/test-sessions/{sessionId}", deniedRoles: ["viewer"], subResourceIds });
describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/test-sessions/{sessionId}/messages",
  deniedRoles: ["viewer"],
  body: () => ({ text: "hello" }),
  subResourceIds,
});
describeRouteSecurity(() => t, { method: "POST", path: "/api/v1/orgs/{orgId}/test-sessions/{sessionId}/end", deniedRoles: ["viewer"], subResourceIds });
