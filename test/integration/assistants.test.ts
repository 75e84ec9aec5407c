// Assistants: creating from every shipped template and from a custom prompt, precise validation
// errors, reading, updating (status, variables, template upgrades), duplicating, deleting, the
// plan's assistant limit under concurrency, the audit trail, and every route's security cases.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiTemplate,
  assistantsPath,
  CUSTOM_PROMPT,
  createAssistantVia,
  createCustom,
  createFromTemplate,
  fetchTemplate,
  listShippedTemplates,
  sampleValues,
  templateWithVariable,
} from "../helpers/assistants.js";
import { addTeammate, createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { describeRouteSecurity, type SecurityOrg } from "../helpers/route-security.js";

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

async function orgOnPlan(plan: "free" | "starter" | "pro" | "enterprise" = "enterprise"): Promise<TestOrgOwner> {
  const owner = await createOrgWithOwner(t);
  if (plan !== "free") await t.ownerQuery("UPDATE organizations SET plan_id = $1 WHERE id = $2", [plan, owner.organizationId]);
  return owner;
}

const assistantPath = (owner: TestOrgOwner, id: string) => `${assistantsPath(owner)}/${id}`;

function expectValidationErrors(res: { status: number; body: any; text: string; headers: Headers }, paths: string[], code = "VALIDATION_FAILED") {
  expect(res.status, res.text).toBe(422);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(res.body.code).toBe(code);
  expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(paths));
}

async function auditRows(organizationId: string) {
  const { rows } = await t.ownerQuery<{ action: string; actor_user_id: string; target_id: string; metadata: Record<string, unknown> }>(
    "SELECT action, actor_user_id, target_id, metadata FROM audit_log WHERE organization_id = $1 AND action LIKE 'assistant.%' ORDER BY created_at, id",
    [organizationId],
  );
  return rows;
}

const MON_FRI_9_TO_5 = [1, 2, 3, 4, 5].map((day) => ({ day, open: "09:00", close: "17:00" }));

describe("creating from a template", () => {
  it("every shipped template accepts values built from its own variable definitions, with the template's defaults", async () => {
    const templates = await listShippedTemplates(t);
    expect(templates.length).toBeGreaterThan(0);
    const owner = await orgOnPlan("enterprise");
    for (const listed of templates) {
      const template = await fetchTemplate(t, listed.slug);
      const variables = sampleValues(template.variables);
      const res = await t.api.post(
        assistantsPath(owner),
        { name: `${template.name} desk`, templateSlug: template.slug, variables },
        { token: owner.accessToken },
      );
      expect(res.status, `${template.slug}: ${res.text}`).toBe(201);
      expect(res.body).toMatchObject({
        name: `${template.name} desk`,
        status: "draft",
        templateSlug: template.slug,
        templateVersion: template.version,
        customPrompt: null,
        firstMessage: null,
        voice: template.suggestedVoice,
        model: { provider: "openai", model: "gpt-4o-mini" },
        languages: ["en"],
        businessHours: { timezone: "UTC", weekly: MON_FRI_9_TO_5, holidays: [] },
        afterHours: { mode: "take_message" },
        transferDirectory: [],
        notificationRecipients: [],
        enabledTools: template.tools,
      });
      expect(res.body.id).toMatch(/^ast_[0-9a-z]{16}$/);
      expect(res.body.variables).toMatchObject(variables);
      const read = await t.api.get(assistantPath(owner, res.body.id), { token: owner.accessToken });
      expect(read.body).toEqual(res.body);
    }
  });

  it("fills a template's default values for optional variables left out", async () => {
    const templates = await listShippedTemplates(t);
    const withDefault = templates
      .flatMap((template) => template.variables.map((variable) => ({ template, variable })))
      .find(({ variable }) => "default" in variable && !variable.required);
    if (!withDefault) return;
    const { template, variable } = withDefault;
    const owner = await orgOnPlan();
    const values = sampleValues(template.variables);
    delete values[variable.key];
    const created = await createAssistantVia(t, owner, { name: "Defaults", templateSlug: template.slug, variables: values });
    expect(created.variables[variable.key]).toEqual((variable as { default: unknown }).default);
  });

  it("starts with Monday–Friday 9:00–17:00 in the organization's time zone", async () => {
    const owner = await orgOnPlan();
    const patched = await t.api.patch(`/api/v1/orgs/${owner.organizationId}`, { timezone: "Europe/Paris" }, { token: owner.accessToken });
    expect(patched.status, patched.text).toBe(200);
    const created = await createCustom(t, owner);
    expect(created.businessHours).toEqual({ timezone: "Europe/Paris", weekly: MON_FRI_9_TO_5, holidays: [] });
  });

  it("keeps the settings sent instead of the defaults, with phone numbers in E.164", async () => {
    const owner = await orgOnPlan();
    const { template } = await templateWithVariable(t, "menu");
    const created = await createFromTemplate(t, owner, template.slug, {
      firstMessage: "Hello, you've reached us!",
      voice: { provider: "11labs", voiceId: "rachel" },
      model: { provider: "openai", model: "gpt-4o" },
      languages: ["en-US", "es"],
      businessHours: { timezone: "America/New_York", weekly: [{ day: 6, open: "10:00", close: "14:00" }], holidays: [{ date: "2026-12-25" }] },
      afterHours: { mode: "forward", forwardTo: "+1 415 555 2671" },
      transferDirectory: [{ name: "Kitchen", role: "Head chef", phone: "+44 20 7183 8750" }],
      notificationRecipients: [{ name: "Manager", email: "Boss@Example.com" }, { phone: "+33 6 12 34 56 78" }],
      enabledTools: ["takeMessage"],
      status: "active",
    });
    expect(created).toMatchObject({
      firstMessage: "Hello, you've reached us!",
      voice: { provider: "11labs", voiceId: "rachel" },
      model: { provider: "openai", model: "gpt-4o" },
      languages: ["en-US", "es"],
      businessHours: { timezone: "America/New_York", weekly: [{ day: 6, open: "10:00", close: "14:00" }], holidays: [{ date: "2026-12-25" }] },
      afterHours: { mode: "forward", forwardTo: "+14155552671" },
      transferDirectory: [{ name: "Kitchen", role: "Head chef", phone: "+442071838750" }],
      notificationRecipients: [{ name: "Manager", email: "boss@example.com" }, { phone: "+33612345678" }],
      enabledTools: ["takeMessage"],
      status: "active",
    });
  });

  it("answers 422 with the exact path of each wrongly typed variable value", async () => {
    const { template, variable: menu } = await templateWithVariable(t, "menu");
    const owner = await orgOnPlan();
    const variables = sampleValues(template.variables);
    const items = variables[menu.key] as Record<string, unknown>[];
    items[3] = { ...items[3], priceCents: "twelve" };
    const number = template.variables.find((v) => v.type === "number");
    if (number) variables[number.key] = "a lot";
    const res = await t.api.post(assistantsPath(owner), { name: "Typed", templateSlug: template.slug, variables }, { token: owner.accessToken });
    expectValidationErrors(res, [`body.variables.${menu.key}.3.priceCents`, ...(number ? [`body.variables.${number.key}`] : [])]);
  });

  it("answers 422 for a missing required variable, naming it", async () => {
    const templates = await listShippedTemplates(t);
    const found = templates
      .flatMap((template) => template.variables.map((variable) => ({ template, variable })))
      .find(({ variable }) => variable.required && !("default" in variable));
    expect(found).toBeDefined();
    const { template, variable } = found!;
    const owner = await orgOnPlan();
    const variables = sampleValues(template.variables);
    delete variables[variable.key];
    const res = await t.api.post(assistantsPath(owner), { name: "Missing", templateSlug: template.slug, variables }, { token: owner.accessToken });
    expectValidationErrors(res, [`body.variables.${variable.key}`]);
  });

  it("answers 422 for a variable the template does not define", async () => {
    const [template] = await listShippedTemplates(t);
    const owner = await orgOnPlan();
    const variables = { ...sampleValues(template!.variables), not_a_variable: "surprise" };
    const res = await t.api.post(assistantsPath(owner), { name: "Unknown", templateSlug: template!.slug, variables }, { token: owner.accessToken });
    expectValidationErrors(res, ["body.variables.not_a_variable"]);
  });

  it("answers 422 TEMPLATE_NOT_FOUND at body.templateSlug for a template that does not exist, and creates nothing", async () => {
    const owner = await orgOnPlan();
    const res = await t.api.post(assistantsPath(owner), { name: "Ghost", templateSlug: "no-such-template", variables: {} }, { token: owner.accessToken });
    expectValidationErrors(res, ["body.templateSlug"], "TEMPLATE_NOT_FOUND");
    const list = await t.api.get(assistantsPath(owner), { token: owner.accessToken });
    expect(list.body.items).toEqual([]);
  });

  it("answers 422 when both or neither of templateSlug and customPrompt are sent", async () => {
    const [template] = await listShippedTemplates(t);
    const owner = await orgOnPlan();
    const both = await t.api.post(
      assistantsPath(owner),
      { name: "Both", templateSlug: template!.slug, variables: sampleValues(template!.variables), customPrompt: CUSTOM_PROMPT },
      { token: owner.accessToken },
    );
    expectValidationErrors(both, ["body.templateSlug", "body.customPrompt"]);
    const neither = await t.api.post(assistantsPath(owner), { name: "Neither" }, { token: owner.accessToken });
    expectValidationErrors(neither, ["body.templateSlug", "body.customPrompt"]);
    // customPrompt: null counts as not sent.
    const nullPrompt = await t.api.post(
      assistantsPath(owner),
      { name: "Null prompt", templateSlug: template!.slug, variables: sampleValues(template!.variables), customPrompt: null },
      { token: owner.accessToken },
    );
    expect(nullPrompt.status, nullPrompt.text).toBe(201);
    expect(nullPrompt.body.customPrompt).toBeNull();
  });

  it.each([
    ["an empty name", { name: "  " }, "body.name"],
    ["a NUL in the name", { name: "Front\u0000desk" }, "body.name"],
    ["a lone surrogate in the first message", { firstMessage: "Hi \ud800" }, "body.firstMessage"],
    ["a custom prompt over 50,000 characters", { customPrompt: "x".repeat(50_001) }, "body.customPrompt"],
    [
      "a national phone number in the directory",
      { transferDirectory: [{ name: "Ops", role: "Dispatch", phone: "415 555 2671" }] },
      "body.transferDirectory.0.phone",
    ],
    ["an impossible phone number", { afterHours: { mode: "forward", forwardTo: "+1 000" } }, "body.afterHours.forwardTo"],
    ["an after-hours mode that does not exist", { afterHours: { mode: "voicemail" } }, "body.afterHours.mode"],
    ["a recipient with neither email nor phone", { notificationRecipients: [{ name: "Nobody" }] }, "body.notificationRecipients.0"],
    ["a recipient with a broken email", { notificationRecipients: [{ email: "not-an-email" }] }, "body.notificationRecipients.0.email"],
    ["a tool that does not exist", { enabledTools: ["takeMessage", "launchRocket"] }, "body.enabledTools.1"],
    ["a tool listed twice", { enabledTools: ["takeMessage", "takeMessage"] }, "body.enabledTools.1"],
    ["a language that is not a language tag", { languages: ["English please"] }, "body.languages.0"],
    ["no language at all", { languages: [] }, "body.languages"],
    ["an unknown time zone", { businessHours: { timezone: "Mars/Olympus", weekly: [], holidays: [] } }, "body.businessHours.timezone"],
    ["a voice without an id", { voice: { provider: "11labs", voiceId: "" } }, "body.voice.voiceId"],
    ["a status that does not exist", { status: "archived" }, "body.status"],
    ["a field that does not exist", { color: "blue" }, "body.color"],
  ])("answers 422 for %s", async (_label, change, path) => {
    const owner = await orgOnPlan();
    const res = await t.api.post(assistantsPath(owner), { name: "Checked", customPrompt: CUSTOM_PROMPT, ...change }, { token: owner.accessToken });
    expectValidationErrors(res, [path]);
  });
});

describe("custom assistants", () => {
  it("are created from a custom prompt, with the platform's defaults", async () => {
    const owner = await orgOnPlan();
    const created = await createCustom(t, owner);
    expect(created).toMatchObject({
      name: "Custom receptionist",
      status: "draft",
      templateSlug: null,
      templateVersion: null,
      variables: {},
      customPrompt: CUSTOM_PROMPT,
      firstMessage: null,
      model: { provider: "openai", model: "gpt-4o-mini" },
      languages: ["en"],
      afterHours: { mode: "take_message" },
      enabledTools: ["takeMessage"],
    });
    expect(created.voice).toEqual({ provider: expect.any(String), voiceId: expect.any(String) });
  });

  it("take a prompt of exactly 50,000 characters", async () => {
    const owner = await orgOnPlan();
    const created = await createCustom(t, owner, { customPrompt: "y".repeat(50_000) });
    expect(created.customPrompt).toHaveLength(50_000);
  });

  it("take no template variables (422 at the variable's path)", async () => {
    const owner = await orgOnPlan();
    const res = await t.api.post(
      assistantsPath(owner),
      { name: "Custom", customPrompt: CUSTOM_PROMPT, variables: { address: "1 Main St" } },
      { token: owner.accessToken },
    );
    expectValidationErrors(res, ["body.variables.address"]);
  });
});

describe("reading and listing", () => {
  it("lists the organization's assistants newest first, filtered by status", async () => {
    const owner = await orgOnPlan();
    const first = await createCustom(t, owner, { name: "First" });
    t.clock.advance(1000);
    const second = await createCustom(t, owner, { name: "Second", status: "active" });
    t.clock.advance(1000);
    const third = await createCustom(t, owner, { name: "Third", status: "paused" });
    t.clock.advance(-2000);
    const all = await t.api.get(assistantsPath(owner), { token: owner.accessToken });
    expect(all.status, all.text).toBe(200);
    expect(all.body.items.map((a: { id: string }) => a.id)).toEqual([third.id, second.id, first.id]);
    const active = await t.api.get(`${assistantsPath(owner)}?status=active`, { token: owner.accessToken });
    expect(active.body.items.map((a: { id: string }) => a.id)).toEqual([second.id]);
    const bad = await t.api.get(`${assistantsPath(owner)}?status=deleted`, { token: owner.accessToken });
    expectValidationErrors(bad, ["query.status"]);
  });

  it("lets a viewer read", async () => {
    const owner = await orgOnPlan();
    const created = await createCustom(t, owner);
    const viewer = await addTeammate(t, owner, "viewer");
    const list = await t.api.get(assistantsPath(owner), { token: viewer.accessToken });
    expect(list.body.items).toHaveLength(1);
    const one = await t.api.get(assistantPath(owner, created.id), { token: viewer.accessToken });
    expect(one.body).toEqual(created);
  });

  it("answers 404 for an assistant id that does not exist", async () => {
    const owner = await orgOnPlan();
    const res = await t.api.get(assistantPath(owner, "ast_doesnotexist0000000000000"), { token: owner.accessToken });
    expect(res.status, res.text).toBe(404);
    expect(res.body.code).toBe("NOT_FOUND");
  });
});

describe("updating", () => {
  it("changes only the fields sent and moves updatedAt", async () => {
    const owner = await orgOnPlan();
    const created = await createCustom(t, owner);
    t.clock.advance(5000);
    const res = await t.api.patch(
      assistantPath(owner, created.id),
      { name: "Renamed", voice: { provider: "11labs", voiceId: "adam" }, transferDirectory: [{ name: "Sam", role: "Sales", phone: "+14155552671" }] },
      { token: owner.accessToken },
    );
    t.clock.advance(-5000);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      ...created,
      name: "Renamed",
      voice: { provider: "11labs", voiceId: "adam" },
      transferDirectory: [{ name: "Sam", role: "Sales", phone: "+14155552671" }],
      updatedAt: expect.any(String),
    });
    expect(Date.parse(res.body.updatedAt) - Date.parse(created.updatedAt)).toBeGreaterThanOrEqual(5000);
  });

  it("toggles the status between draft, active and paused", async () => {
    const owner = await orgOnPlan();
    const created = await createCustom(t, owner);
    for (const status of ["active", "paused", "active", "draft"]) {
      const res = await t.api.patch(assistantPath(owner, created.id), { status }, { token: owner.accessToken });
      expect(res.status, res.text).toBe(200);
      expect(res.body.status).toBe(status);
    }
    const bad = await t.api.patch(assistantPath(owner, created.id), { status: "deleted" }, { token: owner.accessToken });
    expectValidationErrors(bad, ["body.status"]);
    const rows = await auditRows(owner.organizationId);
    expect(rows.filter((r) => r.action === "assistant.updated").map((r) => r.metadata.status)).toEqual([
      { from: "draft", to: "active" },
      { from: "active", to: "paused" },
      { from: "paused", to: "active" },
      { from: "active", to: "draft" },
    ]);
  });

  it("replaces the variable values as a whole, checked against the assistant's template version", async () => {
    const { template, variable: menu } = await templateWithVariable(t, "menu");
    const owner = await orgOnPlan();
    const created = await createFromTemplate(t, owner, template.slug);
    const values = sampleValues(template.variables);
    values[menu.key] = [{ name: "Only dish", priceCents: 999 }];
    const res = await t.api.patch(assistantPath(owner, created.id), { variables: values }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.variables[menu.key]).toEqual([{ name: "Only dish", priceCents: 999 }]);
    expect(res.body.templateVersion).toBe(created.templateVersion);

    const wrong = await t.api.patch(
      assistantPath(owner, created.id),
      { variables: { ...values, [menu.key]: [{ name: "Free lunch", priceCents: -5 }] } },
      { token: owner.accessToken },
    );
    expectValidationErrors(wrong, [`body.variables.${menu.key}.0.priceCents`]);
    // A required variable left out of the new values is missing, not kept.
    const required = template.variables.find((v) => v.required && !("default" in v))!;
    const partial = { ...values };
    delete partial[required.key];
    const missing = await t.api.patch(assistantPath(owner, created.id), { variables: partial }, { token: owner.accessToken });
    expectValidationErrors(missing, [`body.variables.${required.key}`]);
    const unchanged = await t.api.get(assistantPath(owner, created.id), { token: owner.accessToken });
    expect(unchanged.body.variables[menu.key]).toEqual([{ name: "Only dish", priceCents: 999 }]);
  });

  it("sets firstMessage back to null (the template's greeting) and keeps the rest", async () => {
    const owner = await orgOnPlan();
    const [template] = await listShippedTemplates(t);
    const created = await createFromTemplate(t, owner, template!.slug, { firstMessage: "Howdy!" });
    expect(created.firstMessage).toBe("Howdy!");
    const res = await t.api.patch(assistantPath(owner, created.id), { firstMessage: null }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.firstMessage).toBeNull();
  });

  it("refuses a custom prompt on a template assistant, template upgrades of custom ones, and templateSlug", async () => {
    const owner = await orgOnPlan();
    const [template] = await listShippedTemplates(t);
    const fromTemplate = await createFromTemplate(t, owner, template!.slug);
    const custom = await createCustom(t, owner);
    const prompt = await t.api.patch(assistantPath(owner, fromTemplate.id), { customPrompt: "Be a pirate." }, { token: owner.accessToken });
    expectValidationErrors(prompt, ["body.customPrompt"]);
    const upgrade = await t.api.patch(assistantPath(owner, custom.id), { upgradeTemplate: true }, { token: owner.accessToken });
    expectValidationErrors(upgrade, ["body.upgradeTemplate"]);
    const slug = await t.api.patch(assistantPath(owner, custom.id), { templateSlug: template!.slug }, { token: owner.accessToken });
    expectValidationErrors(slug, ["body.templateSlug"]);
    const rewritten = await t.api.patch(assistantPath(owner, custom.id), { customPrompt: "Answer in haiku." }, { token: owner.accessToken });
    expect(rewritten.status, rewritten.text).toBe(200);
    expect(rewritten.body.customPrompt).toBe("Answer in haiku.");
  });

  it("an empty patch changes nothing and records nothing", async () => {
    const owner = await orgOnPlan();
    const created = await createCustom(t, owner);
    const res = await t.api.patch(assistantPath(owner, created.id), {}, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual(created);
    expect((await auditRows(owner.organizationId)).map((r) => r.action)).toEqual(["assistant.created"]);
  });

  describe("upgrading to the template's latest version", () => {
    let base: ApiTemplate;
    let slug: string;

    /** Publishes a version of a test-only template the way the loader stores one. */
    async function publish(version: number, definition: Record<string, unknown>) {
      await t.ownerQuery("INSERT INTO templates (slug, version, industry, name, content_hash, definition) VALUES ($1, $2, 'office', $3, $4, $5)", [
        slug,
        version,
        definition.name,
        randomBytes(8).toString("hex"),
        JSON.stringify(definition),
      ]);
    }

    beforeAll(async () => {
      base = (await listShippedTemplates(t))[0]!;
      slug = `upgrade-test-${randomBytes(3).toString("hex")}`;
      const { version: _version, ...definition } = base as ApiTemplate & Record<string, unknown>;
      await publish(1, { ...definition, slug });
    });

    it("re-validates the values against the new version and moves templateVersion", async () => {
      const owner = await orgOnPlan();
      const values = sampleValues(base.variables);
      const created = await createAssistantVia(t, owner, { name: "Upgrade me", templateSlug: slug, variables: values });
      expect(created.templateVersion).toBe(1);

      const { version: _version, ...definition } = base as ApiTemplate & Record<string, unknown>;
      await publish(2, {
        ...definition,
        slug,
        variables: [...base.variables, { key: "parking_notes", type: "text", label: "Parking", required: true }],
        systemPrompt: `${base.systemPrompt}\nParking: {{parking_notes}}`,
      });

      // Editing values alone still checks them against version 1, which has no parking_notes.
      const stillOld = await t.api.patch(
        assistantPath(owner, created.id),
        { variables: { ...values, parking_notes: "Lot behind" } },
        { token: owner.accessToken },
      );
      expectValidationErrors(stillOld, ["body.variables.parking_notes"]);

      const missing = await t.api.patch(assistantPath(owner, created.id), { upgradeTemplate: true }, { token: owner.accessToken });
      expectValidationErrors(missing, ["body.variables.parking_notes"]);
      const upgraded = await t.api.patch(
        assistantPath(owner, created.id),
        { upgradeTemplate: true, variables: { ...values, parking_notes: "Free lot behind the building" } },
        { token: owner.accessToken },
      );
      expect(upgraded.status, upgraded.text).toBe(200);
      expect(upgraded.body.templateVersion).toBe(2);
      expect(upgraded.body.variables.parking_notes).toBe("Free lot behind the building");
      const rows = await auditRows(owner.organizationId);
      expect(rows.at(-1)?.metadata.templateVersion).toEqual({ from: 1, to: 2 });

      // A new assistant starts on the latest version.
      const fresh = await createAssistantVia(t, owner, { name: "Fresh", templateSlug: slug, variables: { ...values, parking_notes: "Street" } });
      expect(fresh.templateVersion).toBe(2);
    });

    it("a preview can show the upgrade before it is made, listing the values the new version needs", async () => {
      const owner = await orgOnPlan();
      const values = sampleValues(base.variables);
      const { version: _version, ...definition } = base as ApiTemplate & Record<string, unknown>;
      const previewSlug = `${slug}-preview`;
      const publishAs = (version: number, def: Record<string, unknown>) =>
        t.ownerQuery("INSERT INTO templates (slug, version, industry, name, content_hash, definition) VALUES ($1, $2, 'office', $3, $4, $5)", [
          previewSlug,
          version,
          def.name,
          randomBytes(8).toString("hex"),
          JSON.stringify({ ...def, slug: previewSlug }),
        ]);
      await publishAs(1, definition);
      const created = await createAssistantVia(t, owner, { name: "Preview upgrade", templateSlug: previewSlug, variables: values });
      await publishAs(2, {
        ...definition,
        variables: [...base.variables, { key: "parking_notes", type: "text", label: "Parking", required: true }],
        systemPrompt: `${base.systemPrompt}\nParking rules: {{parking_notes}}{{^parking_notes}}none yet{{/parking_notes}}`,
      });
      const previewPath = `${assistantPath(owner, created.id)}/preview`;
      const current = await t.api.post(previewPath, {}, { token: owner.accessToken });
      expect(current.status, current.text).toBe(200);
      expect(current.body.systemPrompt).not.toContain("Parking rules");
      const upgraded = await t.api.post(previewPath, { overrides: { upgradeTemplate: true } }, { token: owner.accessToken });
      expect(upgraded.status, upgraded.text).toBe(200);
      expect(upgraded.body.systemPrompt).toContain("Parking rules: none yet");
      expect(upgraded.body.issues.map((i: { path: string }) => i.path)).toEqual(["body.overrides.variables.parking_notes"]);
      const custom = await createCustom(t, owner);
      const refused = await t.api.post(`${assistantPath(owner, custom.id)}/preview`, { overrides: { upgradeTemplate: true } }, { token: owner.accessToken });
      expect(refused.status, refused.text).toBe(200);
      expect(refused.body.issues.map((i: { path: string }) => i.path)).toEqual(["body.overrides.upgradeTemplate"]);
    });
  });
});

describe("deleting", () => {
  it("answers 204, then 404, and removes the knowledge sources scoped to the assistant", async () => {
    const owner = await orgOnPlan();
    const doomed = await createCustom(t, owner, { name: "Doomed" });
    const kept = await createCustom(t, owner, { name: "Kept" });
    const insertSource = (id: string, assistantId: string | null) =>
      t.ownerQuery("INSERT INTO knowledge_sources (organization_id, id, assistant_id, title, kind, size_bytes) VALUES ($1, $2, $3, $4, 'text', 5)", [
        owner.organizationId,
        id,
        assistantId,
        `Source ${id}`,
      ]);
    await insertSource("kns_doomed", doomed.id);
    await insertSource("kns_kept", kept.id);
    await insertSource("kns_org", null);

    const res = await t.api.delete(assistantPath(owner, doomed.id), undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(204);
    expect((await t.api.get(assistantPath(owner, doomed.id), { token: owner.accessToken })).status).toBe(404);
    const again = await t.api.delete(assistantPath(owner, doomed.id), undefined, { token: owner.accessToken });
    expect(again.status, again.text).toBe(404);

    const { rows } = await t.ownerQuery<{ id: string }>("SELECT id FROM knowledge_sources WHERE organization_id = $1 ORDER BY id", [owner.organizationId]);
    expect(rows.map((r) => r.id)).toEqual(["kns_kept", "kns_org"]);
    const list = await t.api.get(assistantsPath(owner), { token: owner.accessToken });
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([kept.id]);
  });

  it("lets a member delete, not a viewer", async () => {
    const owner = await orgOnPlan();
    const [member, viewer] = await Promise.all([addTeammate(t, owner, "member"), addTeammate(t, owner, "viewer")]);
    const created = await createCustom(t, owner);
    const refused = await t.api.delete(assistantPath(owner, created.id), undefined, { token: viewer.accessToken });
    expect(refused.status, refused.text).toBe(403);
    const res = await t.api.delete(assistantPath(owner, created.id), undefined, { token: member.accessToken });
    expect(res.status, res.text).toBe(204);
  });
});

describe("duplicating", () => {
  it('copies everything as a draft named "<name> (copy)" with a new id', async () => {
    const owner = await orgOnPlan();
    const [template] = await listShippedTemplates(t);
    const source = await createFromTemplate(t, owner, template!.slug, { status: "active", languages: ["en", "fr"] });
    const res = await t.api.post(`${assistantPath(owner, source.id)}/duplicate`, undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      ...source,
      id: expect.stringMatching(/^ast_/),
      name: `${source.name} (copy)`,
      status: "draft",
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(res.body.id).not.toBe(source.id);
    const list = await t.api.get(assistantsPath(owner), { token: owner.accessToken });
    expect(list.body.items).toHaveLength(2);
  });

  it("shortens a long name so the copy's name still fits in 120 characters", async () => {
    const owner = await orgOnPlan();
    const source = await createCustom(t, owner, { name: `${"n".repeat(118)}😀` });
    const res = await t.api.post(`${assistantPath(owner, source.id)}/duplicate`, undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(201);
    expect(res.body.name).toBe(`${"n".repeat(113)} (copy)`);
  });

  it("answers 404 for an assistant that does not exist", async () => {
    const owner = await orgOnPlan();
    const res = await t.api.post(`${assistantPath(owner, "ast_nope")}/duplicate`, undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(404);
  });
});

describe("plan limits", () => {
  function expectLimitReached(res: { status: number; body: any; text: string; headers: Headers }) {
    expect(res.status, res.text).toBe(403);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body).toMatchObject({ code: "ASSISTANT_LIMIT_REACHED", status: 403, resource: "assistants" });
  }

  it("Free allows 1 assistant: the second is 403 ASSISTANT_LIMIT_REACHED, and deleting frees the place", async () => {
    const owner = await orgOnPlan("free");
    const first = await createCustom(t, owner);
    const second = await t.api.post(assistantsPath(owner), { name: "Second", customPrompt: CUSTOM_PROMPT }, { token: owner.accessToken });
    expectLimitReached(second);
    expect(second.body).toMatchObject({ limit: 1, used: 1 });
    expect(second.body.detail).toContain("Free");
    await t.api.delete(assistantPath(owner, first.id), undefined, { token: owner.accessToken });
    await createCustom(t, owner, { name: "Replacement" });
  });

  it("Starter allows 3, duplicates included", async () => {
    const owner = await orgOnPlan("starter");
    const first = await createCustom(t, owner);
    await createCustom(t, owner);
    const copy = await t.api.post(`${assistantPath(owner, first.id)}/duplicate`, undefined, { token: owner.accessToken });
    expect(copy.status, copy.text).toBe(201);
    expectLimitReached(await t.api.post(assistantsPath(owner), { name: "Fourth", customPrompt: CUSTOM_PROMPT }, { token: owner.accessToken }));
    expectLimitReached(await t.api.post(`${assistantPath(owner, first.id)}/duplicate`, undefined, { token: owner.accessToken }));
  });

  it("a duplicate on Free is over the limit", async () => {
    const owner = await orgOnPlan("free");
    const only = await createCustom(t, owner);
    expectLimitReached(await t.api.post(`${assistantPath(owner, only.id)}/duplicate`, undefined, { token: owner.accessToken }));
  });

  it("concurrent creates on Free: exactly one succeeds", async () => {
    const owner = await orgOnPlan("free");
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => t.api.post(assistantsPath(owner), { name: `Racer ${i}`, customPrompt: CUSTOM_PROMPT }, { token: owner.accessToken })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 403, 403, 403, 403, 403]);
    const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM assistants WHERE organization_id = $1", [owner.organizationId]);
    expect(rows[0]?.n).toBe(1);
  });

  it("concurrent creates and duplicates on Starter never exceed 3", async () => {
    const owner = await orgOnPlan("starter");
    const source = await createCustom(t, owner);
    const results = await Promise.all([
      ...Array.from({ length: 3 }, (_, i) =>
        t.api.post(assistantsPath(owner), { name: `Racer ${i}`, customPrompt: CUSTOM_PROMPT }, { token: owner.accessToken }),
      ),
      ...Array.from({ length: 3 }, () => t.api.post(`${assistantPath(owner, source.id)}/duplicate`, undefined, { token: owner.accessToken })),
    ]);
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 403)).toHaveLength(4);
  });

  it("Enterprise has no limit", async () => {
    const owner = await orgOnPlan("enterprise");
    for (let i = 0; i < 12; i++) await createCustom(t, owner, { name: `Line ${i}` });
    const list = await t.api.get(assistantsPath(owner), { token: owner.accessToken });
    expect(list.body.items).toHaveLength(12);
  });
});

describe("the audit trail", () => {
  it("records who created, updated, duplicated and deleted which assistant", async () => {
    const owner = await orgOnPlan();
    const member = await addTeammate(t, owner, "member");
    const created = await createCustom(t, owner);
    await t.api.patch(assistantPath(owner, created.id), { name: "Renamed", status: "active" }, { token: member.accessToken });
    const copy = await t.api.post(`${assistantPath(owner, created.id)}/duplicate`, undefined, { token: member.accessToken });
    await t.api.delete(assistantPath(owner, created.id), undefined, { token: owner.accessToken });
    const rows = await auditRows(owner.organizationId);
    expect(rows.map(({ action, actor_user_id, target_id }) => ({ action, actor_user_id, target_id }))).toEqual([
      { action: "assistant.created", actor_user_id: owner.userId, target_id: created.id },
      { action: "assistant.updated", actor_user_id: member.userId, target_id: created.id },
      { action: "assistant.duplicated", actor_user_id: member.userId, target_id: copy.body.id },
      { action: "assistant.deleted", actor_user_id: owner.userId, target_id: created.id },
    ]);
    expect(rows[1]?.metadata).toMatchObject({ fields: expect.arrayContaining(["name", "status"]) });
    expect(rows[2]?.metadata).toMatchObject({ sourceId: created.id });
  });

  it("a refused change records nothing", async () => {
    const owner = await orgOnPlan("free");
    await createCustom(t, owner);
    await t.api.post(assistantsPath(owner), { name: "Over", customPrompt: CUSTOM_PROMPT }, { token: owner.accessToken });
    await t.api.post(assistantsPath(owner), { name: "Bad", templateSlug: "nope" }, { token: owner.accessToken });
    expect((await auditRows(owner.organizationId)).map((r) => r.action)).toEqual(["assistant.created"]);
  });
});

// One assistant per security organization, shared by the routes that name one.
const securityAssistants = new Map<string, Promise<string>>();
function securityAssistant(tp: TestPlatform, org: SecurityOrg): Promise<Record<string, string>> {
  let id = securityAssistants.get(org.organizationId);
  if (!id) {
    id = createCustom(tp, org.owner, { name: "Security desk" }).then((a) => a.id as string);
    securityAssistants.set(org.organizationId, id);
  }
  return id.then((assistantId) => ({ assistantId }));
}

const validCreateBody = () => ({ name: "Security check", customPrompt: CUSTOM_PROMPT });

describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/assistants" });
describeRouteSecurity(() => t, { method: "POST", path: "/api/v1/orgs/{orgId}/assistants", deniedRoles: ["viewer"], body: validCreateBody });
describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/assistants/preview",
  deniedRoles: ["viewer"],
  body: validCreateBody,
});
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/assistants/{assistantId}", subResourceIds: securityAssistant });
describeRouteSecurity(() => t, {
  method: "PATCH",
  path: "/api/v1/orgs/{orgId}/assistants/{assistantId}",
  deniedRoles: ["viewer"],
  body: () => ({ name: "Renamed by security" }),
  subResourceIds: securityAssistant,
});
describeRouteSecurity(() => t, {
  method: "DELETE",
  path: "/api/v1/orgs/{orgId}/assistants/{assistantId}",
  deniedRoles: ["viewer"],
  subResourceIds: securityAssistant,
});
describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/assistants/{assistantId}/duplicate",
  deniedRoles: ["viewer"],
  subResourceIds: securityAssistant,
});
describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/assistants/{assistantId}/preview",
  body: () => ({ overrides: { firstMessage: "Hi" } }),
  subResourceIds: securityAssistant,
});
