// Live previews of the rendered prompt: saved assistants with unsaved edits, drafts that do not
// exist yet, business hours at a given instant, big menus, literal placeholders in values, and
// lenient handling of invalid input (listed in issues, never a 4xx or a 500).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiTemplate,
  assistantsPath,
  CUSTOM_PROMPT,
  createCustom,
  createFromTemplate,
  sampleMenu,
  sampleValues,
  templateWithVariable,
} from "../helpers/assistants.js";
import { createOrgWithOwner, signIn, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;
let owner: TestOrgOwner;
/** A shipped template with a menu and a text variable (the restaurant). */
let menuTemplate: ApiTemplate;
let menuKey: string;
let textKey: string;

beforeAll(async () => {
  t = await startTestPlatform();
  owner = await createOrgWithOwner(t, { organizationName: "Bella Vista Trattoria" });
  await t.ownerQuery("UPDATE organizations SET plan_id = 'enterprise' WHERE id = $1", [owner.organizationId]);
  const found = await templateWithVariable(t, "menu");
  menuTemplate = found.template;
  menuKey = found.variable.key;
  textKey = menuTemplate.variables.find((v) => v.type === "text" && v.required)?.key ?? menuTemplate.variables.find((v) => v.type === "text")!.key;
});
afterAll(() => t?.stop());

const previewPath = (id: string) => `${assistantsPath(owner)}/${id}/preview`;
const draftPreviewPath = () => `${assistantsPath(owner)}/preview`;

/** Mon–Fri 9:00–17:00 in New York. 2026-11-22 is a Sunday; 2026-11-23 a Monday. */
const NEW_YORK_HOURS = { timezone: "America/New_York", weekly: [1, 2, 3, 4, 5].map((day) => ({ day, open: "09:00", close: "17:00" })), holidays: [] };
const SUNDAY_AFTERNOON = "2026-11-22T20:00:00Z";
const MONDAY_MORNING = "2026-11-23T15:00:00Z";
const MONDAY_OPENING = "2026-11-23T14:00:00.000Z";

/** The renderer offers transferCall only when there is someone to transfer to. */
const toolsOffered = (enabledTools: string[], directory: unknown[]) => enabledTools.filter((name) => name !== "transferCall" || directory.length > 0);
const toolNames = (res: { body: { tools: { name: string }[] } }) => res.body.tools.map((tool) => tool.name);

describe("previewing a saved assistant", () => {
  it("renders the template with the organization's name as business_name, the values and the tools", async () => {
    const created = await createFromTemplate(t, owner, menuTemplate.slug);
    const res = await t.api.post(previewPath(created.id), {}, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.issues).toEqual([]);
    expect(res.body.systemPrompt).toContain("Bella Vista Trattoria");
    expect(res.body.systemPrompt).toContain(created.variables[textKey]);
    expect(res.body.systemPrompt).toContain("Dish number 1");
    expect(res.body.systemPrompt).not.toMatch(/\{\{[#^/]?\w+\}\}/);
    expect(res.body.firstMessage).toContain("Bella Vista Trattoria");
    expect(toolNames(res)).toEqual(toolsOffered(created.enabledTools, []));
    for (const tool of res.body.tools) {
      expect(tool.description).toEqual(expect.any(String));
      expect(tool.parameters).toMatchObject({ type: "object" });
    }
    expect(typeof res.body.openNow).toBe("boolean");

    const transferDirectory = [{ name: "Marco", role: "Manager", phone: "+14155552671" }];
    const withDirectory = await t.api.post(previewPath(created.id), { overrides: { transferDirectory } }, { token: owner.accessToken });
    expect(toolNames(withDirectory)).toEqual(toolsOffered(created.enabledTools, transferDirectory));
  });

  it("works without a body, and for a viewer", async () => {
    const created = await createCustom(t, owner);
    const res = await t.api.post(previewPath(created.id), undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.systemPrompt).toContain("You answer the phone for Bella Vista Trattoria.");
  });

  it("a variable change in the overrides changes the prompt, and nothing is saved", async () => {
    const created = await createFromTemplate(t, owner, menuTemplate.slug);
    const variables = { ...created.variables, [textKey]: "Corner of Fifth and Main, next to the bakery" };
    const res = await t.api.post(previewPath(created.id), { overrides: { variables } }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.issues).toEqual([]);
    expect(res.body.systemPrompt).toContain("Corner of Fifth and Main, next to the bakery");
    expect(res.body.systemPrompt).not.toContain(created.variables[textKey]);
    const saved = await t.api.get(`${assistantsPath(owner)}/${created.id}`, { token: owner.accessToken });
    expect(saved.body).toEqual(created);
  });

  it("a first message override replaces the template's greeting", async () => {
    const created = await createFromTemplate(t, owner, menuTemplate.slug);
    const res = await t.api.post(previewPath(created.id), { overrides: { firstMessage: "Ciao! Bella Vista here." } }, { token: owner.accessToken });
    expect(res.body.firstMessage).toBe("Ciao! Bella Vista here.");
  });

  it("at a closed time: openNow false, the next opening, and the after-hours instructions in the prompt", async () => {
    const created = await createFromTemplate(t, owner, menuTemplate.slug, {
      businessHours: NEW_YORK_HOURS,
      afterHours: { mode: "forward", forwardTo: "+14155552671" },
    });
    const closed = await t.api.post(previewPath(created.id), { at: SUNDAY_AFTERNOON }, { token: owner.accessToken });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body.openNow).toBe(false);
    expect(closed.body.nextOpening).toBe(MONDAY_OPENING);
    expect(closed.body.systemPrompt).toMatch(/\+1 ?\(?415\)?[ -]?555[ -]?2671|\+14155552671/);

    const open = await t.api.post(previewPath(created.id), { at: MONDAY_MORNING }, { token: owner.accessToken });
    expect(open.body.openNow).toBe(true);
    expect(open.body.nextOpening).toBeNull();
  });

  it("after-hours greeting overrides show in the prompt when closed", async () => {
    const created = await createCustom(t, owner, { businessHours: NEW_YORK_HOURS, customPrompt: "{{business_name}} desk.\n{{after_hours_instructions}}" });
    const res = await t.api.post(
      previewPath(created.id),
      { at: SUNDAY_AFTERNOON, overrides: { afterHours: { mode: "greeting", greeting: "We are closed for the weekend, call us Monday." } } },
      { token: owner.accessToken },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.openNow).toBe(false);
    expect(res.body.systemPrompt).toContain("We are closed for the weekend, call us Monday.");
  });

  it("defaults `at` to the platform clock", async () => {
    const org = await createOrgWithOwner(t);
    const created = await createCustom(t, org, { businessHours: NEW_YORK_HOURS });
    t.clock.set(new Date(SUNDAY_AFTERNOON));
    try {
      // A token issued at the moved clock (access tokens live 15 minutes).
      const signedIn = await signIn(t, org.email, org.password);
      expect(signedIn.status, signedIn.text).toBe(200);
      const res = await t.api.post(`${assistantsPath(org)}/${created.id}/preview`, {}, { token: signedIn.body.accessToken });
      expect(res.status, res.text).toBe(200);
      expect(res.body.openNow).toBe(false);
      expect(res.body.nextOpening).toBe(MONDAY_OPENING);
    } finally {
      t.clock.set(new Date());
    }
  });

  it("keeps a value containing {{business_name}} literal", async () => {
    const created = await createFromTemplate(t, owner, menuTemplate.slug);
    const variables = { ...created.variables, [textKey]: "Ask for {{business_name}} at the {{#open_now}}door{{/open_now}}" };
    const res = await t.api.post(previewPath(created.id), { overrides: { variables } }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.systemPrompt).toContain("Ask for {{business_name}} at the {{#open_now}}door{{/open_now}}");
  });

  it("skips invalid overrides and lists them in issues instead of failing", async () => {
    const created = await createFromTemplate(t, owner, menuTemplate.slug, { voice: { provider: "11labs", voiceId: "rachel" } });
    const menu = sampleMenu(3) as Record<string, unknown>[];
    menu[1] = { ...menu[1], priceCents: "cheap" };
    const res = await t.api.post(
      previewPath(created.id),
      {
        overrides: {
          voice: { provider: 42 },
          languages: "en",
          transferDirectory: [{ name: "Chef", role: "Kitchen", phone: "call me" }],
          afterHours: { mode: "teleport" },
          enabledTools: ["fly"],
          businessHours: { timezone: "Nowhere/Town", weekly: [] },
          variables: { ...created.variables, [menuKey]: menu, not_a_variable: 1 },
          favouriteColor: "blue",
          templateSlug: "other",
        },
      },
      { token: owner.accessToken },
    );
    expect(res.status, res.text).toBe(200);
    const paths = res.body.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "body.overrides.voice.provider",
        "body.overrides.languages",
        "body.overrides.transferDirectory.0.phone",
        "body.overrides.afterHours.mode",
        "body.overrides.enabledTools.0",
        "body.overrides.businessHours.timezone",
        `body.overrides.variables.${menuKey}.1.priceCents`,
        "body.overrides.variables.not_a_variable",
        "body.overrides.favouriteColor",
        "body.overrides.templateSlug",
      ]),
    );
    for (const issue of res.body.issues) expect(issue.message).toEqual(expect.any(String));
    // The saved values stand in for the skipped ones.
    expect(toolNames(res)).toEqual(toolsOffered(created.enabledTools, created.transferDirectory));
    expect(res.body.systemPrompt).toContain("Bella Vista Trattoria");
  });

  it("answers 422 for an `at` that is not a date-time, and 404 for an unknown assistant", async () => {
    const created = await createCustom(t, owner);
    const bad = await t.api.post(previewPath(created.id), { at: "next tuesday" }, { token: owner.accessToken });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(["body.at"]);
    const missing = await t.api.post(previewPath("ast_unknown"), {}, { token: owner.accessToken });
    expect(missing.status, missing.text).toBe(404);
  });

  it("renders a 2,000-item menu in under a second", async () => {
    const created = await createFromTemplate(t, owner, menuTemplate.slug);
    const variables = { ...created.variables, [menuKey]: sampleMenu(2000) };
    const started = performance.now();
    const res = await t.api.post(previewPath(created.id), { overrides: { variables } }, { token: owner.accessToken });
    const elapsedMs = performance.now() - started;
    expect(res.status, res.text.slice(0, 500)).toBe(200);
    expect(res.body.issues).toEqual([]);
    expect(res.body.systemPrompt).toContain("Dish number 1 ");
    expect(elapsedMs).toBeLessThan(1000);
  });
});

describe("previewing a draft", () => {
  const draftFromTemplate = (extra: Record<string, unknown> = {}) => ({
    name: "Draft",
    templateSlug: menuTemplate.slug,
    variables: sampleValues(menuTemplate.variables),
    ...extra,
  });

  it("renders a template draft with the defaults a created assistant would get, and writes nothing", async () => {
    const org = await createOrgWithOwner(t, { organizationName: "Draft Diner" });
    const res = await t.api.post(
      `${assistantsPath(org)}/preview`,
      { templateSlug: menuTemplate.slug, variables: sampleValues(menuTemplate.variables), at: MONDAY_MORNING },
      { token: org.accessToken },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.issues).toEqual([]);
    expect(res.body.systemPrompt).toContain("Draft Diner");
    expect(res.body.firstMessage).toContain("Draft Diner");
    expect(toolNames(res)).toEqual(toolsOffered(menuTemplate.tools, []));
    // Default hours: Mon–Fri 9–17 in the organization's zone (UTC): Monday 15:00 UTC is open.
    expect(res.body.openNow).toBe(true);
    const { rows } = await t.ownerQuery<{ n: number }>(
      "SELECT (SELECT count(*) FROM assistants WHERE organization_id = $1)::int + (SELECT count(*) FROM audit_log WHERE organization_id = $1 AND action LIKE 'assistant.%')::int AS n",
      [org.organizationId],
    );
    expect(rows[0]?.n).toBe(0);
  });

  it("renders a custom draft, filling built-in placeholders", async () => {
    const res = await t.api.post(draftPreviewPath(), { customPrompt: CUSTOM_PROMPT, firstMessage: "Hi there!" }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.systemPrompt).toContain("You answer the phone for Bella Vista Trattoria.");
    expect(res.body.firstMessage).toBe("Hi there!");
    expect(res.body.issues).toEqual([]);
  });

  it("a variable change changes the prompt", async () => {
    const one = await t.api.post(draftPreviewPath(), draftFromTemplate(), { token: owner.accessToken });
    const values = { ...sampleValues(menuTemplate.variables), [textKey]: "Pier 39, Fisherman's Wharf" };
    const two = await t.api.post(draftPreviewPath(), draftFromTemplate({ variables: values }), { token: owner.accessToken });
    expect(one.body.systemPrompt).not.toContain("Pier 39, Fisherman's Wharf");
    expect(two.body.systemPrompt).toContain("Pier 39, Fisherman's Wharf");
  });

  it("lists missing required variables and invalid fields as issues and still renders", async () => {
    const required = menuTemplate.variables.filter((v) => v.required && !("default" in v));
    const res = await t.api.post(
      draftPreviewPath(),
      { templateSlug: menuTemplate.slug, languages: ["??"], notificationRecipients: [{ name: "Nobody" }], mystery: true },
      { token: owner.accessToken },
    );
    expect(res.status, res.text).toBe(200);
    const paths = res.body.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([...required.map((v) => `body.variables.${v.key}`), "body.languages.0", "body.notificationRecipients.0", "body.mystery"]),
    );
    expect(res.body.systemPrompt).toContain("Bella Vista Trattoria");
  });

  it("renders an over-long custom prompt but lists it in issues", async () => {
    const res = await t.api.post(draftPreviewPath(), { customPrompt: `${"z".repeat(50_001)} END` }, { token: owner.accessToken });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["body.customPrompt"]);
  });

  it("at a closed time shows the after-hours behaviour", async () => {
    const res = await t.api.post(
      draftPreviewPath(),
      draftFromTemplate({
        businessHours: NEW_YORK_HOURS,
        afterHours: { mode: "greeting", greeting: "Closed now, back Monday at nine." },
        at: SUNDAY_AFTERNOON,
      }),
      { token: owner.accessToken },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.openNow).toBe(false);
    expect(res.body.nextOpening).toBe(MONDAY_OPENING);
    expect(res.body.systemPrompt).toContain("Closed now, back Monday at nine.");
  });

  it("keeps a value containing {{business_name}} literal", async () => {
    const values = { ...sampleValues(menuTemplate.variables), [textKey]: "{{business_name}}" };
    const res = await t.api.post(draftPreviewPath(), draftFromTemplate({ variables: values }), { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.systemPrompt).toContain("{{business_name}}");
  });

  it("renders a 2,000-item menu in under a second without failing", async () => {
    const values = { ...sampleValues(menuTemplate.variables), [menuKey]: sampleMenu(2000) };
    const body = draftFromTemplate({ variables: values });
    const started = performance.now();
    const res = await t.api.post(draftPreviewPath(), body, { token: owner.accessToken });
    const elapsedMs = performance.now() - started;
    expect(res.status, res.text.slice(0, 500)).toBe(200);
    expect(res.body.issues).toEqual([]);
    expect(res.body.systemPrompt).toContain("Dish number 1 ");
    expect(elapsedMs).toBeLessThan(1000);
  });

  it("answers 422 without a prompt source, with both, or with an unknown template", async () => {
    const neither = await t.api.post(draftPreviewPath(), { name: "Nothing" }, { token: owner.accessToken });
    expect(neither.status, neither.text).toBe(422);
    expect(neither.body.errors.map((e: { path: string }) => e.path)).toEqual(["body.templateSlug", "body.customPrompt"]);
    const both = await t.api.post(draftPreviewPath(), draftFromTemplate({ customPrompt: CUSTOM_PROMPT }), { token: owner.accessToken });
    expect(both.status, both.text).toBe(422);
    const unknown = await t.api.post(draftPreviewPath(), { templateSlug: "no-such-template" }, { token: owner.accessToken });
    expect(unknown.status, unknown.text).toBe(422);
    expect(unknown.body).toMatchObject({ code: "TEMPLATE_NOT_FOUND", errors: [expect.objectContaining({ path: "body.templateSlug" })] });
  });
});
