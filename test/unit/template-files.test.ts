// The shipped industry templates (/templates/*.json) and the schema that guards them: every file
// is valid, together they cover every industry and every variable type, and the schema rejects the
// mistakes a template author is likely to make.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROMPT_BUILT_INS } from "../../src/server/modules/assistants/render-prompt.js";
import { BUILT_IN_PROMPT_KEYS, parseTemplateDefinition, scanPromptTags } from "../../src/server/modules/templates/definition-schema.js";
import { canonicalJson, templateContentHash } from "../../src/server/modules/templates/loader.js";
import { INDUSTRIES, type TemplateDefinition, VARIABLE_TYPES } from "../../src/server/modules/templates/types.js";
import { TEMPLATES_DIRECTORY } from "../../src/server/platform.js";

const fileNames = readdirSync(TEMPLATES_DIRECTORY)
  .filter((name) => name.endsWith(".json"))
  .sort();
const shipped = fileNames.map((name) => ({ name, json: JSON.parse(readFileSync(path.join(TEMPLATES_DIRECTORY, name), "utf8")) as TemplateDefinition }));

describe("the shipped template files", () => {
  it("there are at least seven", () => {
    expect(fileNames.length).toBeGreaterThanOrEqual(7);
  });

  it.each(shipped)("$name is a valid template named after its slug", ({ name, json }) => {
    const result = parseTemplateDefinition(json);
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(name).toBe(`${json.slug}.json`);
  });

  it.each(shipped)("$name has a 6 to 12 turn sample conversation that opens with the assistant", ({ json }) => {
    expect(json.sampleConversation.length).toBeGreaterThanOrEqual(6);
    expect(json.sampleConversation.length).toBeLessThanOrEqual(12);
    expect(json.sampleConversation[0]?.speaker).toBe("assistant");
    expect(new Set(json.sampleConversation.map((turn) => turn.speaker))).toEqual(new Set(["assistant", "caller"]));
  });

  it.each(shipped)("$name mixes required and optional variables, and suggests a Vapi voice", ({ json }) => {
    expect(json.variables.some((variable) => variable.required)).toBe(true);
    expect(json.variables.some((variable) => !variable.required)).toBe(true);
    expect(json.suggestedVoice.provider).toBe("vapi");
  });

  it.each(shipped)("$name leaves the business name and hours to the built-ins", ({ json }) => {
    const keys = json.variables.map((variable) => variable.key);
    for (const builtIn of BUILT_IN_PROMPT_KEYS) expect(keys).not.toContain(builtIn);
    expect(json.systemPrompt).toContain("{{business_name}}");
    expect(json.greeting).toContain("{{business_name}}");
  });

  it.each(shipped)("$name never repeats a number's unit after it (the renderer appends the unit)", ({ json }) => {
    for (const variable of json.variables) {
      if (variable.type !== "number" || !variable.unit) continue;
      const firstWord = variable.unit.split(" ")[0]!;
      for (const text of [json.systemPrompt, json.greeting]) expect(text.toLowerCase()).not.toContain(`{{${variable.key}}} ${firstWord.toLowerCase()}`);
    }
  });

  it("cover every industry", () => {
    expect(new Set(shipped.map(({ json }) => json.industry))).toEqual(new Set(INDUSTRIES));
  });

  it("use every variable type somewhere", () => {
    const used = new Set(shipped.flatMap(({ json }) => json.variables.map((variable) => variable.type)));
    expect([...VARIABLE_TYPES].filter((type) => !used.has(type))).toEqual([]);
  });

  it.each([
    ["restaurant", ["takeOrder", "takeMessage", "transferCall", "lookupKnowledge"]],
    ["dental-clinic", ["checkAvailability", "bookAppointment", "cancelAppointment", "takeMessage", "transferCall", "lookupKnowledge"]],
    ["legal-office", ["scheduleCallback", "bookAppointment", "takeMessage", "transferCall", "lookupKnowledge"]],
    ["home-services", ["scheduleCallback", "takeMessage", "transferCall", "lookupKnowledge"]],
    ["logistics-dispatch", ["logDriverCallout", "takeMessage", "transferCall", "lookupKnowledge"]],
    ["salon-spa", ["checkAvailability", "bookAppointment", "cancelAppointment", "takeMessage", "lookupKnowledge"]],
    ["general-office", ["takeMessage", "transferCall", "scheduleCallback", "lookupKnowledge"]],
  ])("%s enables exactly the tools its industry needs", (slug, tools) => {
    const template = shipped.find(({ json }) => json.slug === slug);
    expect(template, `${slug}.json is shipped`).toBeDefined();
    expect([...template!.json.tools].sort()).toEqual([...tools].sort());
  });

  it("the clinic and legal prompts draw the line on advice, and the clinic sends emergencies to 911", () => {
    const prompt = (slug: string) => shipped.find(({ json }) => json.slug === slug)!.json.systemPrompt;
    expect(prompt("dental-clinic")).toMatch(/never give medical advice/i);
    expect(prompt("dental-clinic")).toContain("911");
    expect(prompt("legal-office")).toMatch(/never give legal advice/i);
  });
});

/** A small valid template to break one thing at a time. */
function validTemplate(): Record<string, any> {
  return {
    slug: "test-cafe",
    industry: "restaurant",
    name: "Test café",
    description: "A café for tests.",
    greeting: "Hello from {{business_name}}!",
    systemPrompt: "You answer for {{business_name}} at {{address}}.{{#wifi}} Wi-Fi: {{wifi}}.{{/wifi}}{{^wifi}} No Wi-Fi.{{/wifi}} Hours: {{business_hours}}",
    variables: [
      { key: "address", type: "text", label: "Address", required: true },
      {
        key: "wifi",
        type: "select",
        label: "Wi-Fi",
        required: false,
        options: [
          { value: "free", label: "Free" },
          { value: "paid", label: "Paid" },
        ],
        default: "free",
      },
    ],
    tools: ["takeMessage"],
    suggestedVoice: { provider: "vapi", voiceId: "Elliot" },
    sampleConversation: [{ speaker: "assistant", text: "Hello!" }],
  };
}

function problemsOf(mutate: (template: Record<string, any>) => void): string[] {
  const template = validTemplate();
  mutate(template);
  const result = parseTemplateDefinition(template);
  return result.ok ? [] : result.problems;
}

describe("the template definition schema", () => {
  it("accepts the small valid template", () => {
    expect(problemsOf(() => {})).toEqual([]);
  });

  it.each<[string, (template: Record<string, any>) => void, RegExp]>([
    ["an unknown tool", (t) => t.tools.push("orderPizza"), /^tools\.1: /],
    ["a tool listed twice", (t) => t.tools.push("takeMessage"), /tools\.1: The tool "takeMessage" is listed twice/],
    ["no tools", (t) => (t.tools = []), /tools: Enable at least one tool/],
    [
      "an undefined placeholder",
      (t) => (t.systemPrompt += " {{parking}}"),
      /systemPrompt: \{\{parking\}\} is neither a variable of this template nor a built-in/,
    ],
    ["an undefined section in the greeting", (t) => (t.greeting += "{{#promo}}Promo!{{/promo}}"), /greeting: \{\{promo\}\} is neither/],
    [
      "a duplicate variable key",
      (t) => t.variables.push({ key: "address", type: "textarea", label: "Again", required: false }),
      /variables\.2\.key: The variable key "address" is defined twice/,
    ],
    [
      "a built-in as a variable key",
      (t) => t.variables.push({ key: "business_name", type: "text", label: "Name", required: true }),
      /"business_name" is a built-in/,
    ],
    [
      "a variable the prompt never uses",
      (t) => t.variables.push({ key: "parking", type: "text", label: "Parking", required: false }),
      /The variable "parking" is not used/,
    ],
    ["a key that is not snake_case", (t) => (t.variables[0].key = "streetAddress"), /variables\.0\.key: Use snake_case/],
    ["a section never closed", (t) => (t.systemPrompt += "{{#wifi}}"), /\{\{#wifi\}\} is never closed/],
    ["sections closed out of order", (t) => (t.systemPrompt += "{{#wifi}}{{^address}}{{/wifi}}{{/address}}"), /closes the section \{\{\^address\}\}/],
    ["a close without an open", (t) => (t.systemPrompt += "{{/wifi}}"), /closes a section that was never opened/],
    ["a malformed tag", (t) => (t.systemPrompt += "{{ address | upper }}"), /is not a tag/],
    ["a stray brace pair", (t) => (t.systemPrompt += " {{address"), /unmatched \{\{/],
    ["a select default that is not an option", (t) => (t.variables[1].default = "none"), /variables\.1\.default: The default "none" is not one of the options/],
    ["a select option listed twice", (t) => t.variables[1].options.push({ value: "free", label: "Also free" }), /Option "free" is listed twice/],
    ["an unknown variable type", (t) => (t.variables[0].type = "color"), /variables\.0\.type/],
    ["a field misspelled", (t) => (t.variables[0].requried = true), /unknown field\(s\) "requried"/],
    ["a menu without a currency", (t) => t.variables.push({ key: "menu", type: "menu", label: "Menu", required: true }), /variables\.2\.currency/],
    [
      "a number default out of range",
      (t) => t.variables.push({ key: "lead", type: "number", label: "Lead", required: true, min: 5, max: 60, default: 90 }),
      /default is above max/,
    ],
    ["a phone default not in E.164", (t) => t.variables.push({ key: "line", type: "phone", label: "Line", required: false, default: "555-0101" }), /E\.164/],
    [
      "an email default that is not an address",
      (t) => t.variables.push({ key: "mail", type: "email", label: "Mail", required: false, default: "nope" }),
      /valid email/,
    ],
    [
      "a url default that is not http(s)",
      (t) => t.variables.push({ key: "site", type: "url", label: "Site", required: false, default: "ftp://x.example" }),
      /http\(s\) URL/,
    ],
    ["a bad slug", (t) => (t.slug = "Test Cafe"), /^slug: /],
    ["an unknown industry", (t) => (t.industry = "bakery"), /^industry: /],
    ["an empty sample conversation", (t) => (t.sampleConversation = []), /sampleConversation: Show at least one turn/],
    ["an empty prompt", (t) => (t.systemPrompt = "   "), /systemPrompt: Must not be empty/],
  ])("rejects %s", (_, mutate, expected) => {
    const problems = problemsOf(mutate);
    expect(
      problems.some((problem) => expected.test(problem)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("knows exactly the built-in keys the prompt renderer fills", () => {
    expect([...BUILT_IN_PROMPT_KEYS].sort()).toEqual(Object.keys(PROMPT_BUILT_INS).sort());
  });

  it("accepts every built-in key in a prompt", () => {
    expect(problemsOf((t) => (t.systemPrompt += BUILT_IN_PROMPT_KEYS.map((key) => `{{${key}}}`).join(" ")))).toEqual([]);
  });

  it("reads tags with their kinds, tolerating spaces inside the braces", () => {
    expect(scanPromptTags("a {{ x }} {{#y}}b{{/y}} {{^z}}c{{/ z }}")).toEqual({
      tags: [
        { kind: "value", key: "x", index: 2 },
        { kind: "section", key: "y", index: 10 },
        { kind: "close", key: "y", index: 17 },
        { kind: "inverted", key: "z", index: 24 },
        { kind: "close", key: "z", index: 31 },
      ],
      problems: [],
    });
  });
});

describe("the content hash", () => {
  it("ignores key order and formatting, and changes with the content", () => {
    const template = parseTemplateDefinition(validTemplate());
    if (!template.ok) throw new Error(template.problems.join("\n"));
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(template.definition).reverse())));
    expect(canonicalJson(reordered)).toBe(canonicalJson(template.definition));
    expect(templateContentHash(reordered)).toBe(templateContentHash(template.definition));
    expect(templateContentHash({ ...template.definition, name: "Renamed" })).not.toBe(templateContentHash(template.definition));
    expect(templateContentHash(template.definition)).toMatch(/^[0-9a-f]{64}$/);
  });
});
