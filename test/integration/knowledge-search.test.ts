// Searching the knowledge base: relevance on a small corpus, safe highlights (escaped text and
// <mark> only), assistant scope, ready sources only, deletion, tenant isolation, validation, and
// searchKnowledge() as the lookupKnowledge tool will call it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchKnowledge } from "../../src/server/modules/knowledge/search.js";
import { createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { addReady, insertAssistant, knowledgePath } from "../helpers/knowledge.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;
let owner: TestOrgOwner;
const ids: Record<string, string> = {};

type Hit = { sourceId: string; sourceTitle: string; ordinal: number; heading: string | null; snippetHtml: string; rank: number };

async function search(org: TestOrgOwner, q: string, params: Record<string, string> = {}): Promise<Hit[]> {
  const query = new URLSearchParams({ q, ...params });
  const res = await t.api.get(knowledgePath(org, `/search?${query}`), { token: org.accessToken });
  expect(res.status, res.text).toBe(200);
  return res.body.items;
}

const CORPUS = {
  parking: {
    title: "Getting here",
    kind: "markdown",
    content: `# Getting here

We are on Harbour Street, next to the old lighthouse. Buses 12 and 40 stop at the door.

## Parking

Free parking for guests is available behind the building, in the car park off Mill Lane.
The car park has 40 spaces and two charging points for electric cars. Parking is free for three hours.

## Accessibility

The entrance has a ramp and the restrooms are wheelchair accessible.`,
  },
  allergens: {
    title: "Allergens and diets",
    kind: "markdown",
    content: `# Allergens

Every dish on our menu lists the fourteen major allergens. Our kitchen handles nuts, sesame and gluten,
so we cannot guarantee that any dish is free of traces.

## Gluten-free and vegan options

We offer gluten-free bread and pasta, and at least three vegan main courses every day.`,
  },
  hours: {
    title: "Opening hours",
    kind: "text",
    content: `We are open Monday to Friday from 8 am to 10 pm, and on weekends from 9 am to 11 pm.

The kitchen closes one hour before the restaurant does. We are closed on Christmas Day.`,
  },
  refunds: {
    title: "Refund policy",
    kind: "html",
    content: `<h1>Refunds</h1><p>If you are not happy with a gift voucher, we refund it in full within 30 days of purchase.</p>
<p>Deposits for group bookings are refundable until 48 hours before the booking.</p>`,
  },
  xss: {
    title: "Developer notes <b>bold</b>",
    kind: "text",
    content: `Never paste <script>alert("stolen")</script> into the booking widget; the widget escapes it.
An image tag like <img src=x onerror=alert(1)> is shown as text, as is "quoted" & 'single' text.
\uE000forged\uE001 markers are not highlights.`,
  },
} as const;

beforeAll(async () => {
  t = await startTestPlatform();
  owner = await createOrgWithOwner(t);
  for (const [key, source] of Object.entries(CORPUS)) ids[key] = (await addReady(t, owner, source)).id;
});
afterAll(() => t?.stop());

describe("relevance", () => {
  it.each([
    ["where can I park my car", "parking", "Parking"],
    ["do you have gluten free dishes", "allergens", "Allergens"],
    ["vegan main courses", "allergens", "Gluten-free and vegan options"],
    ["are you open on sunday", "hours", null],
    ["can I get my deposit refunded", "refunds", "Refunds"],
    ["wheelchair ramp", "parking", "Accessibility"],
  ])("%s → the %s source's chunk ranks first", async (q, source, heading) => {
    const hits = await search(owner, q);
    expect(hits.length, JSON.stringify(hits)).toBeGreaterThan(0);
    expect(hits[0]).toMatchObject({ sourceId: ids[source], sourceTitle: CORPUS[source as keyof typeof CORPUS].title, heading });
  });

  it("ranks best first with ranks between 0 and 1, and honours limit", async () => {
    const hits = await search(owner, "parking OR allergens OR refund OR open", { limit: "3" });
    expect(hits).toHaveLength(3);
    for (const hit of hits) expect(hit.rank > 0 && hit.rank < 1, String(hit.rank)).toBe(true);
    expect(hits.map((hit) => hit.rank)).toEqual([...hits.map((hit) => hit.rank)].sort((x, y) => y - x));
  });

  it("understands web-search syntax: phrases and exclusions", async () => {
    expect((await search(owner, '"charging points"')).map((hit) => hit.sourceId)).toEqual([ids.parking]);
    expect((await search(owner, "free -parking")).map((hit) => hit.sourceId)).not.toContain(ids.parking);
  });

  it("finds nothing (200, no items) for a query of only stop words or unknown words", async () => {
    expect(await search(owner, "the and of")).toEqual([]);
    expect(await search(owner, "xylophone")).toEqual([]);
  });
});

describe("highlights", () => {
  it("mark the matched words with <mark>", async () => {
    const [hit] = await search(owner, "charging points");
    expect(hit?.snippetHtml).toMatch(/<mark>charging<\/mark> <mark>points<\/mark>/);
  });

  it("are escaped text plus <mark> and nothing else, whatever the content holds", async () => {
    const hits = await search(owner, "widget image quoted");
    const hit = hits.find((h) => h.sourceId === ids.xss);
    expect(hit, JSON.stringify(hits)).toBeDefined();
    const html = hit!.snippetHtml;
    expect(html).toContain("<mark>");
    expect(html).not.toMatch(/<script|<img|<b>/i);
    // ts_headline drops what its parser reads as tags (<script>); whatever else looks like markup is escaped.
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&quot;<mark>quoted</mark>&quot; &amp; &#39;single&#39;");
    // Nothing but <mark> and </mark> is markup.
    expect(html.replaceAll(/<\/?mark>/g, "")).not.toMatch(/[<>]/);
    // The title is returned as plain text for the client to escape.
    expect(hit!.sourceTitle).toBe("Developer notes <b>bold</b>");
  });

  it("cannot be forged by content containing the private marker characters", async () => {
    const [hit] = await search(owner, "markers highlights");
    expect(hit?.sourceId).toBe(ids.xss);
    expect(hit?.snippetHtml).not.toContain("<mark>forged</mark>");
    expect(hit?.snippetHtml).not.toMatch(/[\uE000\uE001]/);
  });
});

describe("what is searched", () => {
  it("only ready sources", async () => {
    await t.ownerQuery("UPDATE knowledge_sources SET status = 'processing' WHERE id = $1", [ids.hours]);
    try {
      expect((await search(owner, "christmas")).map((hit) => hit.sourceId)).not.toContain(ids.hours);
    } finally {
      await t.ownerQuery("UPDATE knowledge_sources SET status = 'ready' WHERE id = $1", [ids.hours]);
    }
    expect((await search(owner, "christmas")).map((hit) => hit.sourceId)).toContain(ids.hours);
  });

  it("organization-wide knowledge always; an assistant's own only with its id; another assistant's never", async () => {
    const org = await createOrgWithOwner(t);
    const [first, second] = [await insertAssistant(t, org.organizationId, "First"), await insertAssistant(t, org.organizationId, "Second")];
    const shared = await addReady(t, org, { title: "Shared", kind: "text", content: "Truffle pasta is on the menu." });
    const mine = await addReady(t, org, { title: "First's", kind: "text", content: "Truffle risotto on request.", assistantId: first });
    const theirs = await addReady(t, org, { title: "Second's", kind: "text", content: "Truffle pizza on Fridays.", assistantId: second });

    const found = async (params: Record<string, string>) => (await search(org, "truffle", params)).map((hit) => hit.sourceId).sort();
    expect(await found({})).toEqual([shared.id]);
    expect(await found({ assistantId: first })).toEqual([shared.id, mine.id].sort());
    expect(await found({ assistantId: second })).toEqual([shared.id, theirs.id].sort());
    const unknown = await t.api.get(knowledgePath(org, "/search?q=truffle&assistantId=ast_unknown"), { token: org.accessToken });
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 404, code: "NOT_FOUND" });

    const list = await t.api.get(knowledgePath(org, `?assistantId=${first}`), { token: org.accessToken });
    expect(list.body.items.map((s: { id: string }) => s.id).sort()).toEqual([shared.id, mine.id].sort());
    expect((await t.api.get(knowledgePath(org), { token: org.accessToken })).body.items).toHaveLength(3);
    expect((await t.api.get(knowledgePath(org, "?assistantId=ast_unknown"), { token: org.accessToken })).status).toBe(404);
  });

  it("a deleted source is no longer found", async () => {
    const org = await createOrgWithOwner(t);
    const source = await addReady(t, org, { title: "Temporary", kind: "text", content: "The pop-up bar runs until September." });
    expect((await search(org, "pop-up bar")).map((hit) => hit.sourceId)).toEqual([source.id]);
    expect((await t.api.delete(knowledgePath(org, `/${source.id}`), undefined, { token: org.accessToken })).status).toBe(204);
    expect(await search(org, "pop-up bar")).toEqual([]);
  });

  it("one organization's search never returns another's chunks", async () => {
    const other = await createOrgWithOwner(t);
    expect(await search(other, "parking")).toEqual([]);
    expect(await search(other, "charging points")).toEqual([]);
    // Naming the first organization's assistant is 404: it is not one of this organization's.
    const foreignAssistant = await insertAssistant(t, owner.organizationId);
    await addReady(t, owner, { title: "Scoped", kind: "text", content: "Valet parking on Saturdays.", assistantId: foreignAssistant });
    const res = await t.api.get(knowledgePath(other, `/search?q=valet&assistantId=${foreignAssistant}`), { token: other.accessToken });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: "NOT_FOUND" });
    expect((await search(owner, "valet", { assistantId: foreignAssistant })).map((hit) => hit.sourceTitle)).toEqual(["Scoped"]);
  });
});

describe("validation", () => {
  it.each([
    ["an empty q", "?q="],
    ["a whitespace q", "?q=%20%20%09"],
    ["a missing q", ""],
    ["limit 0", "?q=parking&limit=0"],
    ["limit above 20", "?q=parking&limit=21"],
    ["a q over 500 characters", `?q=${"a".repeat(501)}`],
  ])("answers 422 for %s", async (_label, query) => {
    const res = await t.api.get(knowledgePath(owner, `/search${query}`), { token: owner.accessToken });
    expect(res.status, res.text).toBe(422);
    expect(res.body.code).toBe("VALIDATION_FAILED");
  });
});

describe("searchKnowledge()", () => {
  it("is the one entry point (for the lookupKnowledge tool): same results as the API", async () => {
    const direct = await searchKnowledge(t.platform.ctx, owner.organizationId, { query: "where can I park my car", limit: 5 });
    expect(direct).toEqual(await search(owner, "where can I park my car"));
    await expect(searchKnowledge(t.platform.ctx, owner.organizationId, { query: "  ", limit: 5 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});
