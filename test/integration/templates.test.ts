// The public templates API (PRODUCT.md §4) and the loader behind it: every shipped template is
// served without signing in, a changed file becomes a new version while old versions stay
// readable, concurrent starts add one version, and an invalid file stops the start.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase } from "../../src/server/db/client.js";
import { syncTemplates, TemplateFileError } from "../../src/server/modules/templates/loader.js";
import { INDUSTRIES, type TemplateDefinition } from "../../src/server/modules/templates/types.js";
import { TEMPLATES_DIRECTORY } from "../../src/server/platform.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;
let shipped: TemplateDefinition[];
const scratchDirectories: string[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  const names = (await readdir(TEMPLATES_DIRECTORY)).filter((name) => name.endsWith(".json"));
  shipped = await Promise.all(names.map(async (name) => JSON.parse(await readFile(path.join(TEMPLATES_DIRECTORY, name), "utf8")) as TemplateDefinition));
});
afterAll(async () => {
  await t?.stop();
  for (const directory of scratchDirectories) await rm(directory, { recursive: true, force: true });
});

const shippedTemplate = (slug: string) => {
  const found = shipped.find((template) => template.slug === slug);
  if (!found) throw new Error(`${slug}.json is not shipped`);
  return structuredClone(found);
};

/** A directory holding these template files (by slug), for syncTemplates. */
async function templateDirectory(files: Record<string, unknown>): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "switchboard-templates-"));
  scratchDirectories.push(directory);
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(directory, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return directory;
}

async function versionsOf(slug: string): Promise<number[]> {
  const { rows } = await t.ownerQuery<{ version: number }>("SELECT version FROM templates WHERE slug = $1 ORDER BY version", [slug]);
  return rows.map((row) => row.version);
}

async function templateRowCount(): Promise<number> {
  const { rows } = await t.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM templates");
  return rows[0]!.count;
}

/** The listed templates that come from /templates, not from this file's own sync tests (slugs "test-…"). */
const shippedItems = (items: any[]) => items.filter((item) => !item.slug.startsWith("test-"));

function expectProblem(res: { status: number; headers: Headers; body: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(res.body).toMatchObject({ status, code });
}

describe("GET /api/v1/templates", () => {
  it("lists every shipped template, one per industry at least, without signing in", async () => {
    const res = await t.api.get("/api/v1/templates");
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(7);
    expect(
      shippedItems(res.body.items)
        .map((item: any) => item.slug)
        .sort(),
    ).toEqual(shipped.map((template) => template.slug).sort());
    expect(new Set(res.body.items.map((item: any) => item.industry))).toEqual(new Set(INDUSTRIES));
    for (const item of shippedItems(res.body.items)) expect(item.version).toBe(1);
  });

  it("serves each template exactly as its file defines it, plus its version", async () => {
    const res = await t.api.get("/api/v1/templates");
    for (const item of shippedItems(res.body.items)) {
      const file = shippedTemplate(item.slug);
      expect(item).toEqual({ ...file, version: 1 });
      expect(Object.keys(item).sort()).toEqual(
        [
          "slug",
          "version",
          "industry",
          "name",
          "description",
          "greeting",
          "systemPrompt",
          "variables",
          "tools",
          "suggestedVoice",
          "sampleConversation",
          "conversation",
        ].sort(),
      );
    }
  });

  it("lists in the gallery's industry order", async () => {
    const res = await t.api.get("/api/v1/templates");
    const order = res.body.items.map((item: any) => INDUSTRIES.indexOf(item.industry));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it.each(INDUSTRIES)("filters by industry: %s", async (industry) => {
    const res = await t.api.get(`/api/v1/templates?industry=${industry}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(1);
    for (const item of res.body.items) expect(item.industry).toBe(industry);
    expect(
      shippedItems(res.body.items)
        .map((item: any) => item.slug)
        .sort(),
    ).toEqual(
      shipped
        .filter((template) => template.industry === industry)
        .map((template) => template.slug)
        .sort(),
    );
  });

  it.each(["bakery", "RESTAURANT", ""])("answers 422 for the industry %j", async (industry) => {
    const res = await t.api.get(`/api/v1/templates?industry=${industry}`);
    expectProblem(res, 422, "VALIDATION_FAILED");
    expect(res.body.errors).toEqual([expect.objectContaining({ path: "query.industry" })]);
  });
});

describe("GET /api/v1/templates/{slug}", () => {
  it("returns one template without signing in", async () => {
    const res = await t.api.get("/api/v1/templates/dental-clinic");
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ ...shippedTemplate("dental-clinic"), version: 1 });
  });

  it("answers 404 TEMPLATE_NOT_FOUND for an unknown slug", async () => {
    const res = await t.api.get("/api/v1/templates/bakery");
    expectProblem(res, 404, "TEMPLATE_NOT_FOUND");
    expect(res.body.detail).toContain("bakery");
  });

  it("answers 404 TEMPLATE_NOT_FOUND for a version that does not exist", async () => {
    const res = await t.api.get("/api/v1/templates/restaurant?version=99");
    expectProblem(res, 404, "TEMPLATE_NOT_FOUND");
    expect(res.body.detail).toContain("version 99");
  });

  it.each(["0", "-1", "1.5", "two"])("answers 422 for the version %j", async (version) => {
    const res = await t.api.get(`/api/v1/templates/restaurant?version=${version}`);
    expectProblem(res, 422, "VALIDATION_FAILED");
    expect(res.body.errors).toEqual([expect.objectContaining({ path: "query.version" })]);
  });

  it("is described in the OpenAPI document with named schemas", async () => {
    const res = await t.api.get("/openapi.json");
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(["/api/v1/templates", "/api/v1/templates/{slug}"]));
    expect(Object.keys(res.body.components.schemas)).toEqual(
      expect.arrayContaining([
        "Template",
        "TemplateVariable",
        "TemplateMenuVariable",
        "TemplateDirectoryVariable",
        "TemplateConversationTurn",
        "Voice",
        "Industry",
      ]),
    );
    expect(res.body.paths["/api/v1/templates/{slug}"].get.security).toBeUndefined();
  });
});

describe("syncing template files", () => {
  // Each test uses its own slug, so each stands alone.
  const bistro = (slug: string) => ({ ...shippedTemplate("restaurant"), slug, name: "Test Bistro" });
  const sync = async (slug: string, content: unknown) => syncTemplates(t.platform.ctx.db, await templateDirectory({ [`${slug}.json`]: content }));

  it("inserts version 1 of a new template and leaves the other templates alone", async () => {
    const slug = "test-bistro-new";
    const before = await templateRowCount();
    expect(await sync(slug, bistro(slug))).toEqual({ loaded: 1, newVersions: 1, created: 1, updated: 0, unchanged: 0 });
    expect(await versionsOf(slug)).toEqual([1]);
    expect(await templateRowCount()).toBe(before + 1);
    const res = await t.api.get(`/api/v1/templates/${slug}`);
    expect(res.body).toEqual({ ...bistro(slug), version: 1 });
  });

  it("adds no version for an unchanged file, even reformatted with its keys reordered", async () => {
    const slug = "test-bistro-same";
    await sync(slug, bistro(slug));
    const reordered = Object.fromEntries(Object.entries(bistro(slug)).reverse());
    expect(await sync(slug, JSON.stringify(reordered))).toEqual({ loaded: 1, newVersions: 0, created: 0, updated: 0, unchanged: 1 });
    expect(await versionsOf(slug)).toEqual([1]);
  });

  it("a changed file becomes version 2: served as the latest, while version 1 stays readable", async () => {
    const slug = "test-bistro-changed";
    await sync(slug, bistro(slug));
    const changed = { ...bistro(slug), name: "Test Bistro & Bar", greeting: "Good evening, {{business_name}}! Would you like to order?" };
    expect(await sync(slug, changed)).toEqual({ loaded: 1, newVersions: 1, created: 0, updated: 1, unchanged: 0 });
    expect(await versionsOf(slug)).toEqual([1, 2]);

    const latest = await t.api.get(`/api/v1/templates/${slug}`);
    expect(latest.body).toEqual({ ...changed, version: 2 });
    const first = await t.api.get(`/api/v1/templates/${slug}?version=1`);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({ ...bistro(slug), version: 1 });
    const listed = await t.api.get("/api/v1/templates?industry=restaurant");
    expect(listed.body.items.filter((item: any) => item.slug === slug)).toEqual([{ ...changed, version: 2 }]);

    expect((await sync(slug, changed)).newVersions).toBe(0);
    expect(await versionsOf(slug)).toEqual([1, 2]);
  });

  it("two instances syncing the same change at once add exactly one version", async () => {
    const slug = "test-bistro-race";
    await sync(slug, bistro(slug));
    const changed = { ...bistro(slug), name: "Test Bistro, second edition" };
    const directory = await templateDirectory({ [`${slug}.json`]: changed });
    // Each "instance" has its own pools, as two processes starting together would.
    const instances = [connectDatabase(t.databaseUrl), connectDatabase(t.databaseUrl)];
    try {
      const results = await Promise.all(instances.map((db) => syncTemplates(db, directory)));
      expect(results.map((result) => result.newVersions).sort()).toEqual([0, 1]);
    } finally {
      await Promise.all(instances.map((db) => db.close()));
    }
    expect(await versionsOf(slug)).toEqual([1, 2]);
    const latest = await t.api.get(`/api/v1/templates/${slug}`);
    expect(latest.body).toMatchObject({ version: 2, name: "Test Bistro, second edition" });
  });

  it("the shipped directory, synced again, adds nothing", async () => {
    const result = await syncTemplates(t.platform.ctx.db, TEMPLATES_DIRECTORY);
    expect(result).toMatchObject({ loaded: shipped.length, newVersions: 0, unchanged: shipped.length });
  });
});

describe("an invalid template file stops the sync", () => {
  const base = () => ({ ...shippedTemplate("general-office"), slug: "test-invalid" });

  it.each<[string, (template: any) => void, RegExp]>([
    ["an unknown tool", (template) => template.tools.push("launchRocket"), /tools\.\d+: Invalid option/],
    [
      "an undefined placeholder",
      (template) => (template.systemPrompt += " Parking: {{parking_info}}."),
      /\{\{parking_info\}\} is neither a variable of this template nor a built-in/,
    ],
    ["a duplicate variable key", (template) => template.variables.push({ ...template.variables[0] }), /The variable key "office_description" is defined twice/],
  ])("with %s, naming the file and the problem, and inserting nothing", async (_, mutate, problem) => {
    const template = base();
    mutate(template);
    const valid = { ...shippedTemplate("salon-spa"), slug: "test-valid-neighbour" };
    const directory = await templateDirectory({ "test-invalid.json": template, "test-valid-neighbour.json": valid });
    const before = await templateRowCount();

    const error = await syncTemplates(t.platform.ctx.db, directory).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TemplateFileError);
    const message = (error as Error).message;
    expect(message).toContain(path.join(directory, "test-invalid.json"));
    expect(message).toMatch(problem);
    expect(message).not.toContain("test-valid-neighbour.json");
    expect(await templateRowCount()).toBe(before);
  });

  it("names every invalid file at once: bad JSON, and a slug that does not match the file name", async () => {
    const directory = await templateDirectory({ "broken.json": "{ not json", "test-renamed.json": base() });
    await expect(syncTemplates(t.platform.ctx.db, directory)).rejects.toThrow(
      /broken\.json is invalid:\n {2}- not valid JSON[\s\S]*test-renamed\.json is invalid:\n {2}- slug: "test-invalid" must match the file name/,
    );
  });

  it("ignores files that are not JSON", async () => {
    const directory = await templateDirectory({ "README.md": "# notes", "test-valid-only.json": { ...base(), slug: "test-valid-only" } });
    expect(await syncTemplates(t.platform.ctx.db, directory)).toMatchObject({ loaded: 1, created: 1 });
  });
});
