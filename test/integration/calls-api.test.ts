// Calls API: list filters (dates in the organization's time zone), full-text search, cursor
// pagination, the streamed CSV export (escaping, formula guard), one call's detail, the
// overview's stats, and the live event stream (LISTEN/NOTIFY, per organization, only on commit,
// stream tokens); plus every route's security cases.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "../../src/server/db/transaction.js";
import { csvCell } from "../../src/server/modules/calls/csv.js";
import { type CallEvent, createCallEventHub, publishCallEvent } from "../../src/server/modules/calls/live.js";
import { createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { insertAssistant } from "../helpers/knowledge.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { describeRouteSecurity, type SecurityOrg } from "../helpers/route-security.js";

let t: TestPlatform;

/** 22:30 on 28 February in New York, already 1 March in UTC: "today" and "this month" must follow the organization's zone. */
const NOW = new Date("2026-03-01T03:30:00Z");

type CallRow = {
  id?: string;
  startedAt: string;
  status?: string;
  assistantId?: string | null;
  phoneNumberId?: string | null;
  callerNumber?: string | null;
  durationSeconds?: number | null;
  endedReason?: string | null;
  structuredData?: Record<string, unknown> | null;
  summary?: string | null;
  transcript?: string | null;
  isTest?: boolean;
  recordingUrl?: string | null;
};

async function insertCall(organizationId: string, row: CallRow): Promise<string> {
  const id = row.id ?? `call_${randomBytes(8).toString("hex")}`;
  await t.ownerQuery(
    `INSERT INTO calls (organization_id, id, started_at, provider, provider_call_id, status, assistant_id, phone_number_id, caller_number,
                        duration_seconds, ended_reason, structured_data, summary, transcript, is_test, recording_url)
     VALUES ($1, $2, $3, 'sandbox', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      organizationId,
      id,
      row.startedAt,
      `vapi-${id}`,
      row.status ?? "ended",
      row.assistantId ?? null,
      row.phoneNumberId ?? null,
      row.callerNumber ?? null,
      row.durationSeconds ?? null,
      row.endedReason ?? null,
      row.structuredData === undefined ? null : JSON.stringify(row.structuredData),
      row.summary ?? null,
      row.transcript ?? null,
      row.isTest ?? false,
      row.recordingUrl ?? null,
    ],
  );
  return id;
}

const callsPath = (orgId: string) => `/api/v1/orgs/${orgId}/calls`;

let a: TestOrgOwner;
let b: TestOrgOwner;
let assistantA: string;
const ids: Record<string, string> = {};
const EVIL_SUMMARY = '=HYPERLINK("http://evil.example","click"), wants a refund\nsecond line';

beforeAll(async () => {
  t = await startTestPlatform();
  t.clock.set(NOW);
  [a, b] = await Promise.all([createOrgWithOwner(t), createOrgWithOwner(t)]);
  await t.ownerQuery("UPDATE organizations SET timezone = 'America/New_York' WHERE id = $1", [a.organizationId]);
  assistantA = await insertAssistant(t, a.organizationId, "Front desk");
  ids.today = await insertCall(a.organizationId, {
    startedAt: "2026-02-28T20:00:00Z",
    assistantId: assistantA,
    phoneNumberId: "pn_main",
    callerNumber: "+14155550100",
    durationSeconds: 120,
    endedReason: "customer-ended-call",
    structuredData: { outcome: "booked", service: "haircut" },
    summary: "Booked a haircut for Tuesday.",
    transcript: "Caller: I would like to book a haircut appointment for Tuesday.\nAssistant: You are booked.",
    recordingUrl: "https://storage.example/rec/1.wav",
  });
  // 20:00 in New York on 28 February, 01:00 UTC on 1 March: today, not tomorrow.
  ids.live = await insertCall(a.organizationId, { startedAt: "2026-03-01T01:00:00Z", status: "in-progress", callerNumber: "+14155550199" });
  ids.refund = await insertCall(a.organizationId, {
    startedAt: "2026-02-10T15:00:00Z",
    phoneNumberId: "pn_other",
    callerNumber: "+442071234567",
    durationSeconds: 300,
    endedReason: "customer-ended-call",
    summary: EVIL_SUMMARY,
    transcript: "Caller: my order arrived cold.",
  });
  ids.test = await insertCall(a.organizationId, {
    startedAt: "2026-02-27T12:00:00Z",
    callerNumber: "+14155550100",
    durationSeconds: 600,
    endedReason: "assistant-ended-call",
    isTest: true,
  });
  ids.january = await insertCall(a.organizationId, { startedAt: "2026-01-20T15:00:00Z", durationSeconds: 60, endedReason: "customer-ended-call" });
  // 23:30 on 30 January in New York: the first day of the 30-day series (31 January in UTC).
  ids.seriesStart = await insertCall(a.organizationId, { startedAt: "2026-01-31T04:30:00Z", durationSeconds: 60, endedReason: "silence-timed-out" });
  ids.otherOrg = await insertCall(b.organizationId, {
    startedAt: "2026-02-28T21:00:00Z",
    durationSeconds: 30,
    summary: "Booked a haircut.",
    transcript: "I want to book a haircut appointment.",
  });
});
afterAll(() => t?.stop());

async function list(owner: TestOrgOwner, query = "") {
  const res = await t.api.get(`${callsPath(owner.organizationId)}${query}`, { token: owner.accessToken });
  expect(res.status, res.text).toBe(200);
  return res.body as { items: { id: string; [key: string]: unknown }[]; nextCursor: string | null };
}

const idsOf = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);

describe("GET /calls", () => {
  it("lists the organization's calls newest first, with the assistant's name and the outcome", async () => {
    const page = await list(a);
    expect(idsOf(page)).toEqual([ids.live, ids.today, ids.test, ids.refund, ids.seriesStart, ids.january]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[1]).toMatchObject({
      id: ids.today,
      status: "ended",
      startedAt: "2026-02-28T20:00:00.000Z",
      durationSeconds: 120,
      callerNumber: "+14155550100",
      assistantId: assistantA,
      assistantName: "Front desk",
      outcome: "booked",
      isTest: false,
    });
    expect(page.items[3]).toMatchObject({ id: ids.refund, outcome: "customer-ended-call", assistantName: null });
  });

  it.each([
    ["?from=2026-02-28&to=2026-02-28", ["live", "today"]],
    ["?from=2026-02-01&to=2026-02-27", ["test", "refund"]],
    ["?from=2026-02-28T00:00:00Z&to=2026-03-01T00:00:00Z", ["today"]],
    ["?from=2026-01-31", ["live", "today", "test", "refund"]],
    ["?to=2026-01-30", ["seriesStart", "january"]],
  ])("filters by date range %s (dates in the organization's time zone)", async (query, expected) => {
    expect(idsOf(await list(a, query))).toEqual(expected.map((key) => ids[key]));
  });

  it("filters by assistant, number, status, outcome, caller prefix and test flag", async () => {
    expect(idsOf(await list(a, `?assistantId=${assistantA}`))).toEqual([ids.today]);
    expect(idsOf(await list(a, "?phoneNumberId=pn_other"))).toEqual([ids.refund]);
    expect(idsOf(await list(a, "?status=in-progress"))).toEqual([ids.live]);
    expect(idsOf(await list(a, "?outcome=booked"))).toEqual([ids.today]);
    expect(idsOf(await list(a, "?outcome=customer-ended-call"))).toEqual([ids.refund, ids.january]);
    expect(idsOf(await list(a, `?caller=${encodeURIComponent("+44")}`))).toEqual([ids.refund]);
    expect(idsOf(await list(a, `?caller=${encodeURIComponent("+1415555")}`))).toEqual([ids.live, ids.today, ids.test]);
    expect(idsOf(await list(a, "?isTest=true"))).toEqual([ids.test]);
    expect(idsOf(await list(a, "?isTest=false&status=ended&from=2026-02-01"))).toEqual([ids.today, ids.refund]);
  });

  it("searches transcripts and summaries with stemming, within the organization only", async () => {
    expect(idsOf(await list(a, "?q=haircut"))).toEqual([ids.today]);
    expect(idsOf(await list(a, `?q=${encodeURIComponent("booking appointments")}`))).toEqual([ids.today]);
    expect(idsOf(await list(a, "?q=refunds"))).toEqual([ids.refund]);
    expect(idsOf(await list(a, "?q=cold"))).toEqual([ids.refund]);
    expect(idsOf(await list(a, `?q=${encodeURIComponent('"arrived cold" -haircut')}`))).toEqual([ids.refund]);
    expect(idsOf(await list(a, "?q=pizza"))).toEqual([]);
    expect(idsOf(await list(b, "?q=haircut"))).toEqual([ids.otherOrg]);
  });

  it("the search expression is the GIN index's, so the index can serve it", async () => {
    // A multi-statement query answers one result per statement; the third is the plan.
    const results = (await t.ownerQuery(
      `BEGIN; SET LOCAL enable_seqscan = off;
       EXPLAIN SELECT id FROM calls c WHERE to_tsvector('english', coalesce(c.transcript, '') || ' ' || coalesce(c.summary, '')) @@ websearch_to_tsquery('english', 'haircut');
       COMMIT`,
    )) as unknown as { rows: { "QUERY PLAN": string }[] }[];
    const plan = results[2]!.rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan).toContain("Bitmap Index Scan");
  });

  it("pages with an opaque cursor: every call once, in order, even with identical start times", async () => {
    const owner = await createOrgWithOwner(t);
    const expected: { id: string; startedAt: string }[] = [];
    for (let i = 0; i < 37; i++) {
      // Pairs share a start time (down to the microsecond) across two months; ids break the tie.
      const startedAt = new Date(Date.parse("2026-01-25T10:00:00.123456Z") + Math.floor(i / 2) * 2 * 86_400_000).toISOString().replace("Z", "456Z");
      const id = `call_p${String(i).padStart(3, "0")}`;
      await insertCall(owner.organizationId, { id, startedAt });
      expected.push({ id, startedAt });
    }
    expected.sort((x, y) => (x.startedAt === y.startedAt ? y.id.localeCompare(x.id) : y.startedAt.localeCompare(x.startedAt)));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(owner, `?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(10);
      seen.push(...idsOf(page));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(expected.map((e) => e.id));
    expect(new Set(seen).size).toBe(37);
  });

  it("rejects a malformed cursor, a limit over 100 and a bad caller prefix with 422", async () => {
    for (const query of ["?cursor=not-a-cursor", "?limit=101", "?caller=abc", "?from=yesterday", "?status=done"]) {
      const res = await t.api.get(`${callsPath(a.organizationId)}${query}`, { token: a.accessToken });
      expect(res.status, `${query}: ${res.text}`).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
  });
});

/** RFC 4180 parsing, to read back what the export wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  return rows;
}

describe("GET /calls/export.csv", () => {
  it("streams RFC 4180 CSV of the filtered calls, quoting and guarding against formulas", async () => {
    const res = await t.api.get(`${callsPath(a.organizationId)}/export.csv?from=2026-02-01&to=2026-02-28`, { token: a.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="calls-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.text.endsWith("\r\n")).toBe(true);
    expect(res.text).toContain('"\'=HYPERLINK(""http://evil.example"",""click""), wants a refund\nsecond line"');
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual([
      "id",
      "started_at",
      "ended_at",
      "duration_seconds",
      "status",
      "caller_number",
      "assistant_id",
      "assistant_name",
      "phone_number_id",
      "outcome",
      "ended_reason",
      "success_evaluation",
      "cost_usd",
      "is_test",
      "summary",
    ]);
    expect(rows.map((r) => r[0])).toEqual([ids.live, ids.today, ids.test, ids.refund]);
    const refund = rows[3]!;
    expect(refund[5]).toBe("+442071234567");
    expect(refund[14]).toBe(`'${EVIL_SUMMARY}`);
    expect(rows[1]).toEqual([
      ids.today,
      "2026-02-28T20:00:00.000Z",
      "",
      "120",
      "ended",
      "+14155550100",
      assistantA,
      "Front desk",
      "pn_main",
      "booked",
      "customer-ended-call",
      "",
      "",
      "false",
      "Booked a haircut for Tuesday.",
    ]);
  });

  it("applies search and test filters too, and only the organization's calls", async () => {
    const res = await t.api.get(`${callsPath(a.organizationId)}/export.csv?q=haircut&isTest=false`, { token: a.accessToken });
    expect(res.status).toBe(200);
    expect(
      parseCsv(res.text)
        .slice(1)
        .map((r) => r[0]),
    ).toEqual([ids.today]);
  });

  it.each([
    ["=1+1", "'=1+1"],
    ["+SUM(A1)", "'+SUM(A1)"],
    ["-2+3", "'-2+3"],
    ["@cmd", "'@cmd"],
    ["\tx", "'\tx"],
    ["+14155550100", "+14155550100"],
    ["-3.5", "-3.5"],
    ['say "hi"', '"say ""hi"""'],
    ["a,b", '"a,b"'],
    ["plain", "plain"],
  ])("a cell %j is written as %j", (value, written) => {
    expect(csvCell(value)).toBe(written);
  });
});

describe("GET /calls/{callId}", () => {
  it("returns the call with its transcript segments, actions and inbox items", async () => {
    const org = a.organizationId;
    await t.ownerQuery(
      `INSERT INTO transcript_segments (organization_id, call_id, started_at, seq, speaker, text, start_offset_ms, end_offset_ms)
       VALUES ($1, $2, '2026-02-28T20:00:00Z', 2, 'assistant', 'You are booked.', 4200, 5100),
              ($1, $2, '2026-02-28T20:00:00Z', 1, 'caller', 'I would like a haircut.', 1000, 3900)`,
      [org, ids.today],
    );
    await t.ownerQuery(
      `INSERT INTO inbox_items (organization_id, id, kind, title, details, call_id) VALUES ($1, 'inb_one', 'appointment', 'Haircut', '{}', $2)`,
      [org, ids.today],
    );
    await t.ownerQuery(
      `INSERT INTO call_actions (organization_id, id, call_id, provider_tool_call_id, tool, arguments, outcome, result, inbox_item_id)
       VALUES ($1, 'act_one', $2, 'tc_1', 'bookAppointment', '{"service":"haircut"}', 'succeeded', 'Booked for Tuesday 10:00.', 'inb_one')`,
      [org, ids.today],
    );
    const res = await t.api.get(`${callsPath(org)}/${ids.today}`, { token: a.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id: ids.today,
      assistantName: "Front desk",
      summary: "Booked a haircut for Tuesday.",
      structuredData: { outcome: "booked", service: "haircut" },
      recordingUrl: "https://storage.example/rec/1.wav",
      segments: [
        { seq: 1, speaker: "caller", text: "I would like a haircut.", startOffsetMs: 1000, endOffsetMs: 3900 },
        { seq: 2, speaker: "assistant", text: "You are booked.", startOffsetMs: 4200, endOffsetMs: 5100 },
      ],
      actions: [{ id: "act_one", tool: "bookAppointment", arguments: { service: "haircut" }, outcome: "succeeded", inboxItemId: "inb_one" }],
      inboxItemIds: ["inb_one"],
    });
  });

  it("answers 404 for another organization's call and for an unknown id", async () => {
    for (const id of [ids.otherOrg, "call_nope"]) {
      const res = await t.api.get(`${callsPath(a.organizationId)}/${id}`, { token: a.accessToken });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("NOT_FOUND");
    }
  });
});

describe("GET /calls/stats", () => {
  it("counts today, this month, minutes, active calls, outcomes and 30 days in the organization's time zone", async () => {
    const res = await t.api.get(`${callsPath(a.organizationId)}/stats`, { token: a.accessToken });
    expect(res.status, res.text).toBe(200);
    const stats = res.body;
    expect(stats).toMatchObject({
      timezone: "America/New_York",
      callsToday: 2,
      callsThisMonth: 4,
      // 120 s + 300 s; the 600 s test call and the running call do not count.
      minutesThisMonth: 7,
      activeCalls: 1,
      outcomes: { booked: 1, "customer-ended-call": 1, "assistant-ended-call": 1, unknown: 1 },
    });
    expect(stats.perDay).toHaveLength(30);
    expect(stats.perDay[0]).toEqual({ date: "2026-01-30", calls: 1, minutes: 1 });
    expect(stats.perDay.at(-1)).toEqual({ date: "2026-02-28", calls: 2, minutes: 2 });
    expect(stats.perDay.at(-2)).toEqual({ date: "2026-02-27", calls: 1, minutes: 0 });
    expect(stats.perDay.find((d: { date: string }) => d.date === "2026-02-10")).toEqual({ date: "2026-02-10", calls: 1, minutes: 5 });
    expect(stats.perDay.reduce((sum: number, d: { calls: number }) => sum + d.calls, 0)).toBe(5);
  });

  it("in UTC the same calls fall on other days", async () => {
    const res = await t.api.get(`${callsPath(b.organizationId)}/stats`, { token: b.accessToken });
    // 21:00 UTC on 28 February is yesterday for a UTC organization at 03:30 on 1 March.
    expect(res.body).toMatchObject({ timezone: "UTC", callsToday: 0, callsThisMonth: 0, minutesThisMonth: 0, activeCalls: 0, outcomes: {} });
    expect(res.body.perDay.at(-1)).toEqual({ date: "2026-03-01", calls: 0, minutes: 0 });
    expect(res.body.perDay.at(-2)).toEqual({ date: "2026-02-28", calls: 1, minutes: 0.5 });
  });
});

type SseEvent = { event: string; data: string };

/** Reads server-sent events from a response body; comments (heartbeats) are skipped. */
function sseReader(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    async next(timeoutMs = 3000): Promise<SseEvent | null> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n").filter((line) => !line.startsWith(":"));
          if (lines.length === 0) continue;
          const event =
            lines
              .find((l) => l.startsWith("event:"))
              ?.slice(6)
              .trim() ?? "message";
          const data = lines
            .filter((l) => l.startsWith("data:"))
            .map((l) => l.slice(5).trimStart())
            .join("\n");
          return { event, data };
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) return null;
        const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), remaining))]);
        if (chunk === null) return null;
        if (chunk.done) return null;
        buffer += chunk.value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

async function streamToken(owner: TestOrgOwner): Promise<string> {
  const res = await t.api.post(`${callsPath(owner.organizationId)}/stream-token`, undefined, { token: owner.accessToken });
  expect(res.status, res.text).toBe(200);
  expect(Date.parse(res.body.expiresAt) - t.clock.now().getTime()).toBeLessThanOrEqual(60_000);
  return res.body.token;
}

async function openStream(owner: TestOrgOwner, query?: string) {
  const token = query ?? `token=${encodeURIComponent(await streamToken(owner))}`;
  const response = await t.platform.app.request(`${callsPath(owner.organizationId)}/stream?${token}`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const sse = sseReader(response);
  expect((await sse.next())?.event).toBe("ready");
  return sse;
}

function eventFor(owner: TestOrgOwner, type: CallEvent["type"], id: string): CallEvent {
  return {
    organizationId: owner.organizationId,
    type,
    call: { id, status: type === "call.ended" ? "ended" : "in-progress", callerNumber: "+14155550100", assistantId: null, startedAt: NOW },
  };
}

describe("GET /calls/stream", () => {
  it("delivers an organization's events to its subscribers only, and only once the transaction commits", async () => {
    const streamA = await openStream(a);
    const streamB = await openStream(b);
    try {
      await withTenant(t.platform.ctx.db, a.organizationId, (tx) => publishCallEvent(tx, eventFor(a, "call.started", "call_live_a")));
      const received = await streamA.next();
      expect(received?.event).toBe("call.started");
      expect(JSON.parse(received!.data)).toMatchObject({
        id: "call_live_a",
        status: "in-progress",
        callerNumber: "+14155550100",
        startedAt: NOW.toISOString(),
      });

      // A rolled-back transaction sends nothing: the next event A sees is the one committed after it.
      await expect(
        withTenant(t.platform.ctx.db, a.organizationId, async (tx) => {
          await publishCallEvent(tx, eventFor(a, "call.updated", "call_rolled_back"));
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      await withTenant(t.platform.ctx.db, a.organizationId, (tx) => publishCallEvent(tx, eventFor(a, "call.ended", "call_live_a")));
      const next = await streamA.next();
      expect(next?.event).toBe("call.ended");
      expect(JSON.parse(next!.data).id).toBe("call_live_a");

      // B saw none of A's events: its first event is its own.
      await withTenant(t.platform.ctx.db, b.organizationId, (tx) => publishCallEvent(tx, eventFor(b, "call.started", "call_live_b")));
      const forB = await streamB.next();
      expect(forB?.event).toBe("call.started");
      expect(JSON.parse(forB!.data).id).toBe("call_live_b");
      expect(await streamA.next(300)).toBeNull();
    } finally {
      await streamA.cancel();
      await streamB.cancel();
    }
  });

  it("reaches other app instances: a second hub on the same database receives the event", async () => {
    const other = createCallEventHub({ databaseUrl: t.databaseUrl, logger: t.platform.ctx.logger });
    await other.start();
    try {
      const received: CallEvent[] = [];
      other.subscribe(a.organizationId, { onEvent: (event) => received.push(event), onClose: () => {} });
      await withTenant(t.platform.ctx.db, a.organizationId, (tx) => publishCallEvent(tx, eventFor(a, "call.started", "call_elsewhere")));
      await expect.poll(() => received.map((e) => e.call.id), { timeout: 3000 }).toEqual(["call_elsewhere"]);
    } finally {
      await other.stop();
    }
  });

  it("accepts a bearer access token instead of a stream token", async () => {
    const response = await t.platform.app.request(`${callsPath(a.organizationId)}/stream`, { headers: { authorization: `Bearer ${a.accessToken}` } });
    expect(response.status).toBe(200);
    const sse = sseReader(response);
    expect((await sse.next())?.event).toBe("ready");
    await sse.cancel();
  });

  it("unsubscribes when the client goes away", async () => {
    const before = t.platform.ctx.callEvents.subscriberCount();
    const sse = await openStream(a);
    expect(t.platform.ctx.callEvents.subscriberCount()).toBe(before + 1);
    await sse.cancel();
    await expect.poll(() => t.platform.ctx.callEvents.subscriberCount()).toBe(before);
  });

  it("answers 401 for a malformed, expired, foreign or access token in ?token=", async () => {
    const expect401 = async (orgId: string, token: string, code: string) => {
      const res = await t.api.get(`${callsPath(orgId)}/stream?token=${encodeURIComponent(token)}`);
      expect({ status: res.status, code: res.body?.code }, res.text).toEqual({ status: 401, code });
    };
    await expect401(a.organizationId, "garbage", "TOKEN_INVALID");
    await expect401(a.organizationId, a.accessToken, "TOKEN_INVALID");
    const tokenA = await streamToken(a);
    await expect401(b.organizationId, tokenA, "TOKEN_INVALID");
    t.clock.advance(61_000);
    try {
      await expect401(a.organizationId, tokenA, "TOKEN_EXPIRED");
    } finally {
      t.clock.set(NOW);
    }
  });
});

// Security cases of every route: 401, 404 across organizations, no role denied (calls:read is everyone's).
const callOf = new Map<string, Promise<Record<string, string>>>();
const subResourceIds = (_t: TestPlatform, org: SecurityOrg) => {
  let made = callOf.get(org.organizationId);
  if (!made) {
    made = insertCall(org.organizationId, { startedAt: "2026-02-20T10:00:00Z" }).then((callId) => ({ callId }));
    callOf.set(org.organizationId, made);
  }
  return made;
};

describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/calls" });
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/calls/export.csv" });
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/calls/stats" });
describeRouteSecurity(() => t, { method: "POST", path: "/api/v1/orgs/{orgId}/calls/stream-token" });
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/calls/stream" });
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/calls/{callId}", subResourceIds });
