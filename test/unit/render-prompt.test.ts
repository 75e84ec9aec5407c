// The prompt renderer: the template engine (sections, malformed tags, no injection), every built-in,
// every variable type's formatting, the status section, first-message rules, tools, odd input, size.
import { describe, expect, it } from "vitest";
import {
  buildPromptContext,
  FALLBACK_SYSTEM_PROMPT,
  formatMenu,
  PROMPT_BUILT_INS,
  type RenderInput,
  renderAssistant,
  renderPromptTemplate,
} from "../../src/server/modules/assistants/render-prompt.js";
import type { BusinessHours, MenuItem, VariableDefinition, WeeklyRange } from "../../src/server/modules/templates/types.js";

const weekdays = ([1, 2, 3, 4, 5] as const).map((day): WeeklyRange => ({ day, open: "09:00", close: "17:00" }));
const saturday: WeeklyRange = { day: 6, open: "10:00", close: "14:00" };

const businessHours: BusinessHours = {
  timezone: "America/New_York",
  weekly: [...weekdays, saturday],
  holidays: [
    { date: "2026-12-25", name: "Christmas Day" },
    { date: "2026-01-01", name: "New Year's Day" },
    { date: "2026-07-03", name: "Independence Day observed" },
  ],
};

// Monday 2026-03-02, 10:04 in New York (EST, UTC-5).
const MONDAY_MORNING = new Date("2026-03-02T15:04:00Z");

function input(overrides: Partial<RenderInput> = {}): RenderInput {
  return {
    businessName: "Bella Napoli",
    template: {
      systemPrompt: "You are the receptionist of {{business_name}}.",
      greeting: "Thanks for calling {{business_name}}!",
      variables: [],
      tools: ["takeMessage"],
    },
    customPrompt: null,
    firstMessage: null,
    variables: {},
    businessHours,
    afterHours: { mode: "take_message" },
    transferDirectory: [],
    enabledTools: ["takeMessage", "lookupKnowledge"],
    now: MONDAY_MORNING,
    ...overrides,
  };
}

function templateWith(variables: VariableDefinition[], systemPrompt = "x"): RenderInput["template"] {
  return { systemPrompt, greeting: "Hello!", variables, tools: [] };
}

describe("renderPromptTemplate", () => {
  const context = { name: "Ada", vip: "yes", blank: "   ", empty: "", a: "yes", b: "yes", no: "" };
  const cases: [name: string, template: string, expected: string][] = [
    ["inserts a value", "Hello {{name}}!", "Hello Ada!"],
    ["allows spaces inside a tag", "Hello {{ name }}!", "Hello Ada!"],
    ["allows a tag broken over lines", "Hello {{\n name\n}}!", "Hello Ada!"],
    ["an unknown key is empty", "Hello {{missing}}!", "Hello !"],
    ["keys are case-sensitive", "Hello {{Name}}!", "Hello !"],
    ["a section renders when its value is set", "{{#vip}}VIP {{name}}{{/vip}}", "VIP Ada"],
    ["a section is skipped for a blank value", "[{{#blank}}shown{{/blank}}]", "[]"],
    ["a section is skipped for an empty value", "[{{#empty}}shown{{/empty}}]", "[]"],
    ["a section is skipped for an unknown key", "[{{#missing}}shown{{/missing}}]", "[]"],
    ["an inverted section renders when the value is empty", "[{{^missing}}none{{/missing}}]", "[none]"],
    ["an inverted section is skipped when the value is set", "[{{^name}}none{{/name}}]", "[]"],
    ["sections with spaces in tags", "[{{ # vip }}yes{{ / vip }}]", "[yes]"],
    ["nested sections", "{{#a}}A{{#b}}B{{^no}}!{{/no}}{{/b}}{{/a}}", "AB!"],
    ["a skipped section skips what is nested in it", "{{#no}}A{{#b}}B{{/b}}{{/no}}C", "C"],
    ["the same key nested", "{{#a}}1{{#a}}2{{/a}}3{{/a}}", "123"],
    ["both kinds of one key", "{{#vip}}V{{/vip}}{{^vip}}N{{/vip}}", "V"],
    ["an unclosed section is literal", "{{#a}}body", "{{#a}}body"],
    ["a stray close is literal", "text{{/a}}", "text{{/a}}"],
    ["crossed sections: the inner one stays literal", "{{#a}}A{{#b}}B{{/a}}C{{/b}}", "A{{#b}}BC{{/b}}"],
    ["crossed sections, outer skipped", "{{#no}}A{{#b}}B{{/no}}C{{/b}}", "C{{/b}}"],
    ["a close of another key inside a section is literal", "{{#a}}x{{/b}}y{{/a}}", "x{{/b}}y"],
    ["empty braces are literal", "{{}} and {{ }}", "{{}} and {{ }}"],
    ["a key with a space is literal", "{{first name}}", "{{first name}}"],
    ["a key with a hyphen is literal", "{{first-name}}", "{{first-name}}"],
    ["a dotted key is literal", "{{name.first}}", "{{name.first}}"],
    ["a bare sigil is literal", "{{#}}{{/}}{{^}}", "{{#}}{{/}}{{^}}"],
    ["comment-like tags are literal", "{{!note}}", "{{!note}}"],
    ["triple braces keep the outer ones", "{{{name}}}", "{Ada}"],
    ["an opening without a close is literal", "{{name and more", "{{name and more"],
    ["a close without an opening is literal", "name}} here", "name}} here"],
    ["a tag in a tag: the inner one renders", "{{a {{name}}", "{{a Ada"],
    ["a key longer than a tag may be is literal", `{{${"k".repeat(120)}}}`, `{{${"k".repeat(120)}}}`],
    ["an empty template", "", ""],
    ["text without tags", "Plain text, 100% {braces} } {", "Plain text, 100% {braces} } {"],
    ["object keys do not leak", "[{{constructor}}{{__proto__}}{{toString}}{{hasOwnProperty}}]", "[]"],
    ["unicode around tags", "مرحبا {{name}} 👋 東京", "مرحبا Ada 👋 東京"],
  ];
  it.each(cases)("%s", (_name, template, expected) => {
    expect(renderPromptTemplate(template, context)).toBe(expected);
  });

  const injections: [name: string, value: string, template: string, expected: string][] = [
    ["a value that looks like a tag stays literal", "{{secret}}", "Hi {{v}}", "Hi {{secret}}"],
    ["a value that opens a section stays literal", "{{#x}}y{{/x}}", "[{{v}}]", "[{{#x}}y{{/x}}]"],
    ["a value cannot close the section it is in", "{{/a}}", "{{#a}}[{{v}}]{{/a}}", "[{{/a}}]"],
    ["a value cannot open a section around later text", "{{^a}}", "{{v}} hidden? {{/a}}", "{{^a}} hidden? {{/a}}"],
    ["half tags in values do not join with the template", "{{", "{{v}}name}}", "{{name}}"],
  ];
  it.each(injections)("%s", (_name, value, template, expected) => {
    expect(renderPromptTemplate(template, { a: "yes", v: value, secret: "TOP SECRET", name: "Ada" })).toBe(expected);
  });

  it("ignores context values that are not strings", () => {
    expect(renderPromptTemplate("[{{n}}]{{#n}}set{{/n}}", { n: 42 as unknown as string })).toBe("[]");
  });

  it.each([
    ["a non-string template", 42],
    ["null", null],
    ["undefined", undefined],
  ])("renders %s as empty", (_name, template) => {
    expect(renderPromptTemplate(template as unknown as string, { name: "Ada" })).toBe("");
  });

  it("handles 10,000 nested sections without recursion limits", () => {
    const depth = 10_000;
    const template = `${"{{#a}}".repeat(depth)}core${"{{/a}}".repeat(depth)}`;
    expect(renderPromptTemplate(template, { a: "yes" })).toBe("core");
    expect(renderPromptTemplate(template, {})).toBe("");
  });

  it("is linear on pathological input", () => {
    const started = performance.now();
    renderPromptTemplate(`{{${" ".repeat(200_000)}`, {});
    renderPromptTemplate("{{#a}}".repeat(20_000), { a: "yes" });
    renderPromptTemplate("{{name}} ".repeat(50_000), { name: "Ada" });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("built-in keys", () => {
  const cases: [name: string, overrides: Partial<RenderInput>, key: string, expected: string][] = [
    ["business_name", {}, "business_name", "Bella Napoli"],
    ["business_name on one line", { businessName: "Bella\nNapoli  Pizzeria" }, "business_name", "Bella Napoli Pizzeria"],
    ["business_name when blank", { businessName: "  " }, "business_name", "the business"],
    ["today", {}, "today", "Monday, March 2, 2026"],
    ["today is the local date, not UTC's", { now: new Date("2026-03-02T03:00:00Z") }, "today", "Sunday, March 1, 2026"],
    ["current_time", {}, "current_time", "10:04"],
    ["current_time after the DST change", { now: new Date("2026-03-09T15:04:00Z") }, "current_time", "11:04"],
    ["timezone", {}, "timezone", "America/New_York"],
    ["timezone falls back to UTC", { businessHours: { ...businessHours, timezone: "Not/AZone" } }, "timezone", "UTC"],
    ["open_now when open", {}, "open_now", "open"],
    ["open_now when closed", { now: new Date("2026-03-01T15:00:00Z") }, "open_now", "closed"],
    ["is_open when open", {}, "is_open", "yes"],
    ["is_open when closed", { now: new Date("2026-03-01T15:00:00Z") }, "is_open", ""],
    ["is_closed when closed", { now: new Date("2026-03-01T15:00:00Z") }, "is_closed", "yes"],
    ["is_closed when open", {}, "is_closed", ""],
    ["closes_at today", {}, "closes_at", "today at 17:00"],
    [
      "closes_at tomorrow for an overnight range",
      { businessHours: { ...businessHours, weekly: [{ day: 5, open: "22:00", close: "02:00" }] }, now: new Date("2026-03-07T04:00:00Z") },
      "closes_at",
      "tomorrow (Saturday, March 7) at 02:00",
    ],
    ["closes_at when closed", { now: new Date("2026-03-01T15:00:00Z") }, "closes_at", ""],
    ["next_opening later today", { now: new Date("2026-03-02T12:00:00Z") }, "next_opening", "today at 09:00"],
    ["next_opening tomorrow", { now: new Date("2026-03-06T23:00:00Z") }, "next_opening", "tomorrow (Saturday, March 7) at 10:00"],
    ["next_opening in a few days", { now: new Date("2026-03-07T20:00:00Z") }, "next_opening", "Monday, March 9 at 09:00"],
    [
      "next_opening next year says the year",
      { businessHours: { ...businessHours, holidays: [{ date: "2027-01-01" }] }, now: new Date("2026-12-31T23:00:00Z") },
      "next_opening",
      "Saturday, January 2, 2027 at 10:00",
    ],
    ["next_opening when open", {}, "next_opening", ""],
    ["next_opening when it never opens", { businessHours: { ...businessHours, weekly: [] }, now: new Date("2026-03-01T15:00:00Z") }, "next_opening", ""],
    ["business_hours", {}, "business_hours", "Monday–Friday 09:00–17:00; Saturday 10:00–14:00; Sunday closed"],
    ["holidays: upcoming only, in date order", {}, "holidays", "Friday, July 3, 2026 (Independence Day observed); Friday, December 25, 2026 (Christmas Day)"],
    [
      "holidays include today's",
      { now: new Date("2026-07-03T15:00:00Z") },
      "holidays",
      "Friday, July 3, 2026 (Independence Day observed); Friday, December 25, 2026 (Christmas Day)",
    ],
    ["holidays without a name", { businessHours: { ...businessHours, holidays: [{ date: "2026-05-25" }] } }, "holidays", "Monday, May 25, 2026"],
    ["holidays when none are ahead", { businessHours: { ...businessHours, holidays: [{ date: "2025-12-25" }] } }, "holidays", ""],
    ["transfer_directory when empty", {}, "transfer_directory", ""],
    [
      "transfer_directory, one line each",
      {
        transferDirectory: [
          { name: "Dr. Rivera", role: "Dentist", phone: "+14155550123" },
          { name: "Billing", role: "", phone: "+14155550124" },
        ],
      },
      "transfer_directory",
      "Dr. Rivera — Dentist: +14155550123\nBilling: +14155550124",
    ],
    ["after_hours_instructions: take a message", {}, "after_hours_instructions", expect.stringContaining("offer to take a message") as unknown as string],
    [
      "after_hours_instructions: forward",
      { afterHours: { mode: "forward", forwardTo: "+14155550199" } },
      "after_hours_instructions",
      expect.stringContaining("forwarded to +14155550199") as unknown as string,
    ],
    [
      "after_hours_instructions: greeting, with its placeholders filled",
      { afterHours: { mode: "greeting", greeting: "{{business_name}} is closed; we open {{next_opening}}." } },
      "after_hours_instructions",
      expect.stringContaining('"Bella Napoli is closed; we open .') as unknown as string,
    ],
  ];
  it.each(cases)("%s", (_name, overrides, key, expected) => {
    expect(buildPromptContext(input(overrides))[key]).toEqual(expected);
  });

  it("every documented built-in is in the context", () => {
    const context = buildPromptContext(input());
    for (const key of Object.keys(PROMPT_BUILT_INS)) expect(Object.hasOwn(context, key), key).toBe(true);
  });

  it("a variable cannot override a built-in", () => {
    const context = buildPromptContext(
      input({
        template: templateWith([{ key: "business_name", type: "text", label: "x", required: false }]),
        variables: { business_name: "Evil Corp", open_now: "open", is_open: "yes" },
        now: new Date("2026-03-01T15:00:00Z"),
      }),
    );
    expect([context.business_name, context.open_now, context.is_open]).toEqual(["Bella Napoli", "closed", ""]);
  });
});

const options = [
  { value: "cash", label: "Cash" },
  { value: "card", label: "Card" },
  { value: "apple_pay", label: "Apple Pay" },
];

const margherita: MenuItem = {
  name: "Margherita",
  category: "Pizza",
  description: "Tomato, mozzarella, basil",
  priceCents: 1250,
  options: [
    {
      name: "Size",
      required: true,
      choices: [
        { name: "Small", priceDeltaCents: 0 },
        { name: "Large", priceDeltaCents: 200 },
      ],
    },
  ],
};

describe("variables, formatted by type", () => {
  const base = { label: "Label", required: false };
  const cases: [name: string, definition: VariableDefinition, value: unknown, expected: string][] = [
    ["text", { ...base, key: "v", type: "text" }, "Wood-fired since 1962", "Wood-fired since 1962"],
    ["textarea keeps its lines", { ...base, key: "v", type: "textarea" }, "Line 1\nLine 2", "Line 1\nLine 2"],
    ["phone", { ...base, key: "v", type: "phone" }, "+14155550123", "+14155550123"],
    ["email", { ...base, key: "v", type: "email" }, "hi@example.com", "hi@example.com"],
    ["url", { ...base, key: "v", type: "url" }, "https://example.com", "https://example.com"],
    ["number with a unit", { ...base, key: "v", type: "number", unit: "minutes" }, 45, "45 minutes"],
    ["number without a unit", { ...base, key: "v", type: "number" }, 3.5, "3.5"],
    ["number zero", { ...base, key: "v", type: "number", unit: "USD" }, 0, "0 USD"],
    ["select shows its label", { ...base, key: "v", type: "select", options }, "apple_pay", "Apple Pay"],
    ["select outside its options is skipped", { ...base, key: "v", type: "select", options }, "bitcoin", ""],
    ["multiselect: labels joined", { ...base, key: "v", type: "multiselect", options }, ["card", "cash"], "Cash, Card"],
    ["multiselect skips unknown values", { ...base, key: "v", type: "multiselect", options }, ["card", "gold"], "Card"],
    ["business hours", { ...base, key: "v", type: "business_hours" }, businessHours, "Monday–Friday 09:00–17:00; Saturday 10:00–14:00; Sunday closed"],
    [
      "menu in its currency",
      { ...base, key: "v", type: "menu", currency: "EUR" },
      [margherita],
      "Pizza: Margherita — €12.50 (options: Size (required): Small +€0.00, Large +€2.00) — Tomato, mozzarella, basil",
    ],
    ["menu in a currency without minor units", { ...base, key: "v", type: "menu", currency: "JPY" }, [{ name: "Ramen", priceCents: 1200 }], "Ramen — ¥1,200"],
    ["menu in an unknown currency code", { ...base, key: "v", type: "menu", currency: "ZZ" }, [{ name: "Tea", priceCents: 250 }], "Tea — 2.50 ZZ"],
    [
      "menu service with a duration",
      { ...base, key: "v", type: "menu", currency: "USD" },
      [{ name: "Haircut", priceCents: 4500, durationMinutes: 30 }],
      "Haircut — $45.00, 30 min",
    ],
    [
      "menu option allowing several choices",
      { ...base, key: "v", type: "menu", currency: "USD" },
      [
        {
          name: "Pizza",
          priceCents: 1000,
          options: [
            {
              name: "Toppings",
              multiple: true,
              choices: [
                { name: "Olives", priceDeltaCents: 150 },
                { name: "Less cheese", priceDeltaCents: -50 },
              ],
            },
          ],
        },
      ],
      "Pizza — $10.00 (options: Toppings (any number): Olives +$1.50, Less cheese -$0.50)",
    ],
    [
      "menu lines stay one line each",
      { ...base, key: "v", type: "menu", currency: "USD" },
      [{ name: "Two\nLines", category: "Odd\tCategory", priceCents: 100, description: "Desc\n\nwith breaks" }],
      "Odd Category: Two Lines — $1.00 — Desc with breaks",
    ],
    [
      "menu skips malformed items",
      { ...base, key: "v", type: "menu", currency: "USD" },
      [null, "pizza", { name: "No price" }, { name: "Bad price", priceCents: "5" }, { priceCents: 5 }, { name: "Water", priceCents: 0 }],
      "Water — $0.00",
    ],
    [
      "directory",
      { ...base, key: "v", type: "directory" },
      [
        { name: "Front desk", role: "Reception", phone: "+14155550123" },
        { name: "", phone: "+1" },
      ],
      "Front desk — Reception: +14155550123",
    ],
    ["text of the wrong type is skipped", { ...base, key: "v", type: "text" }, 42, ""],
    ["number of the wrong type is skipped", { ...base, key: "v", type: "number" }, "12", ""],
    ["multiselect of the wrong type is skipped", { ...base, key: "v", type: "multiselect", options }, "cash", ""],
    ["business hours of the wrong type are skipped", { ...base, key: "v", type: "business_hours" }, "9 to 5", ""],
    ["menu of the wrong type is skipped", { ...base, key: "v", type: "menu", currency: "USD" }, { items: [] }, ""],
    ["directory of the wrong type is skipped", { ...base, key: "v", type: "directory" }, "Bob", ""],
    ["missing: the default", { ...base, key: "v", type: "number", unit: "USD", default: 3 }, undefined, "3 USD"],
    ["missing select: the default's label", { ...base, key: "v", type: "select", options, default: "card" }, undefined, "Card"],
    ["missing without a default", { ...base, key: "v", type: "text" }, undefined, ""],
  ];
  it.each(cases)("%s", (_name, definition, value, expected) => {
    const context = buildPromptContext(input({ template: templateWith([definition]), variables: value === undefined ? {} : { v: value as string } }));
    expect(context.v).toBe(expected);
  });

  const untyped: [name: string, value: unknown, expected: string][] = [
    ["a string", "hello", "hello"],
    ["a number", 7, "7"],
    ["a list of strings", ["a", "b"], "a, b"],
    ["a menu-like list", [{ name: "Tea", priceCents: 250 }], "Tea — $2.50"],
    ["a directory-like list", [{ name: "Bob", role: "Owner", phone: "+14155550123" }], "Bob — Owner: +14155550123"],
    ["hours-like", { timezone: "UTC", weekly: [], holidays: [] }, "Closed all week"],
    ["another object", { a: 1 }, ""],
    ["a boolean", true, ""],
  ];
  it.each(untyped)("without a definition (custom prompts): %s", (_name, value, expected) => {
    expect(buildPromptContext(input({ template: null, variables: { v: value as string } })).v).toBe(expected);
  });

  it("a malformed stored definition renders empty instead of failing", () => {
    const broken = { key: "v", type: "select", label: "x", required: false } as unknown as VariableDefinition;
    expect(buildPromptContext(input({ template: templateWith([broken]), variables: { v: "a" } })).v).toBe("");
  });
});

describe("menus in the prompt", () => {
  const menuOf = (count: number): MenuItem[] =>
    Array.from({ length: count }, (_, index) => ({ ...margherita, name: `Dish ${index}`, priceCents: 1000 + index }));

  it("caps the rendered menu at 500 items and says how many more there are", () => {
    const lines = formatMenu(menuOf(2_000), "USD").split("\n");
    expect(lines).toHaveLength(501);
    expect(lines[499]).toContain("Dish 499");
    expect(lines[500]).toBe("…and 1,500 more items.");
  });

  it("says 'item' for one more", () => {
    expect(formatMenu(menuOf(501), "USD").split("\n").at(-1)).toBe("…and 1 more item.");
  });

  it("does not count malformed items among the hidden ones", () => {
    const menu = [...menuOf(500), { name: "ok", priceCents: 1 }, { name: "broken" }];
    expect(formatMenu(menu, "USD").split("\n").at(-1)).toBe("…and 1 more item.");
  });

  it("shortens long descriptions", () => {
    const line = formatMenu([{ name: "Soup", priceCents: 500, description: "é".repeat(1_000) }], "USD");
    expect(line).toBe(`Soup — $5.00 — ${"é".repeat(199)}…`);
  });

  it("renders an assistant with a 2,000-item menu in well under 50 ms", () => {
    const renderInput = input({
      template: templateWith([{ key: "menu", type: "menu", currency: "USD", label: "Menu", required: true }], "Menu:\n{{menu}}"),
      variables: { menu: menuOf(2_000) },
    });
    renderAssistant(renderInput); // warm up Intl and the JIT
    const timings = Array.from({ length: 5 }, () => {
      const started = performance.now();
      renderAssistant(renderInput);
      return performance.now() - started;
    }).sort((a, b) => a - b);
    expect(timings[2]).toBeLessThan(50);
    expect(renderAssistant(renderInput).systemPrompt).toContain("…and 1,500 more items.");
  });
});

describe("renderAssistant: system prompt", () => {
  it("renders the template's prompt, then the current status", () => {
    const { systemPrompt } = renderAssistant(input());
    expect(systemPrompt).toMatch(/^You are the receptionist of Bella Napoli\.\n\n## Current status\n/);
    expect(systemPrompt).toContain("- Now: Monday, March 2, 2026, 10:04 (America/New_York).");
    expect(systemPrompt).toContain("- The business is open now, until today at 17:00.");
    expect(systemPrompt).toContain("- After hours: When the business is closed");
  });

  it("always ends with the current status section", () => {
    for (const now of [MONDAY_MORNING, new Date("2026-03-01T15:00:00Z"), new Date("2026-12-25T15:00:00Z")]) {
      const { systemPrompt } = renderAssistant(input({ now }));
      const lines = systemPrompt.split("\n");
      expect(lines.at(-4)).toBe("## Current status");
      expect(lines.at(-1)).toMatch(/^- After hours: /);
    }
  });

  it.each([
    [
      "closed with a next opening",
      new Date("2026-03-01T15:00:00Z"),
      businessHours,
      "- The business is closed now. It next opens tomorrow (Monday, March 2) at 09:00.",
    ],
    [
      "closed for a holiday",
      new Date("2026-12-25T15:00:00Z"),
      businessHours,
      "- The business is closed now for Christmas Day. It next opens tomorrow (Saturday, December 26) at 10:00.",
    ],
    [
      "closed for good",
      MONDAY_MORNING,
      { ...businessHours, weekly: [] },
      "- The business is closed now, with no opening hours scheduled; do not promise when it opens.",
    ],
    [
      "open around the clock",
      MONDAY_MORNING,
      { ...businessHours, weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, open: "00:00", close: "24:00" })), holidays: [] },
      "- The business is open now.",
    ],
  ])("status when %s", (_name, now, hours, line) => {
    expect(renderAssistant(input({ now, businessHours: hours })).systemPrompt.split("\n")).toContain(line);
  });

  it("a custom prompt wins over the template and can use variables and built-ins", () => {
    const { systemPrompt } = renderAssistant(
      input({ customPrompt: "Custom for {{business_name}}; special: {{special}}{{#is_open}}; open{{/is_open}}", variables: { special: "Calzone" } }),
    );
    expect(systemPrompt.split("\n")[0]).toBe("Custom for Bella Napoli; special: Calzone; open");
  });

  it("a blank custom prompt falls back to the template", () => {
    expect(renderAssistant(input({ customPrompt: "   " })).systemPrompt).toMatch(/^You are the receptionist of Bella Napoli\./);
  });

  it("falls back to a generic receptionist prompt without template or custom prompt", () => {
    const { systemPrompt } = renderAssistant(input({ template: null, transferDirectory: [{ name: "Luigi", role: "Owner", phone: "+14155550123" }] }));
    expect(systemPrompt).toContain("phone receptionist for Bella Napoli");
    expect(systemPrompt).toContain("Monday–Friday 09:00–17:00; Saturday 10:00–14:00; Sunday closed (time zone: America/New_York)");
    expect(systemPrompt).toContain("Closed on these upcoming holidays: Friday, July 3, 2026");
    expect(systemPrompt).toContain("Luigi — Owner: +14155550123");
    expect(systemPrompt).not.toMatch(/\{\{|\}\}/);
    expect(systemPrompt).not.toMatch(/\n{3,}/);
  });

  it("the fallback leaves out the transfer section without a directory", () => {
    const { systemPrompt } = renderAssistant(input({ template: null }));
    expect(systemPrompt).not.toContain("## Transfers");
    expect(FALLBACK_SYSTEM_PROMPT).toContain("{{#transfer_directory}}");
  });

  it("renders missing variables as empty", () => {
    const template = templateWith(
      [
        { key: "specials", type: "text", label: "Specials", required: false },
        { key: "fee", type: "number", label: "Fee", required: true },
      ],
      "Specials: {{specials}}.{{#fee}} Fee: {{fee}}.{{/fee}}{{^specials}} No specials today.{{/specials}}",
    );
    expect(renderAssistant(input({ template })).systemPrompt.split("\n")[0]).toBe("Specials: . No specials today.");
  });
});

describe("renderAssistant: injection stays literal", () => {
  const cases: [name: string, overrides: Partial<RenderInput>, literal: string][] = [
    [
      "a business name with tags",
      { businessName: "{{secret}} {{#is_open}}x{{/is_open}}", template: templateWith([], "Name: {{business_name}}") },
      "Name: {{secret}} {{#is_open}}x{{/is_open}}",
    ],
    [
      "a variable that names a built-in",
      { template: templateWith([{ key: "note", type: "text", label: "Note", required: false }], "Note: {{note}}"), variables: { note: "{{business_name}}" } },
      "Note: {{business_name}}",
    ],
    [
      "a variable that opens a section",
      {
        template: templateWith([{ key: "note", type: "text", label: "Note", required: false }], "Note: {{note}}"),
        variables: { note: "{{#open_now}}OPEN{{/open_now}}" },
      },
      "Note: {{#open_now}}OPEN{{/open_now}}",
    ],
    [
      "a directory entry with tags",
      { transferDirectory: [{ name: "{{transfer_directory}}", role: "{{^x}}", phone: "+14155550123" }], template: templateWith([], "{{transfer_directory}}") },
      "{{transfer_directory}} — {{^x}}: +14155550123",
    ],
    [
      "a menu item with tags",
      {
        template: templateWith([{ key: "menu", type: "menu", currency: "USD", label: "Menu", required: false }], "{{menu}}"),
        variables: { menu: [{ name: "{{#open_now}}", priceCents: 100 }] },
      },
      "{{#open_now}} — $1.00",
    ],
    [
      "a holiday name with tags",
      { template: templateWith([], "{{holidays}}"), businessHours: { ...businessHours, holidays: [{ date: "2026-12-25", name: "{{business_name}}" }] } },
      "Friday, December 25, 2026 ({{business_name}})",
    ],
  ];
  it.each(cases)("%s", (_name, overrides, literal) => {
    expect(renderAssistant(input(overrides)).systemPrompt).toContain(literal);
  });

  it("a first message cannot smuggle tags in through a value", () => {
    expect(renderAssistant(input({ businessName: "{{secret}}", firstMessage: "Hi, {{business_name}}" })).firstMessage).toBe("Hi, {{secret}}");
  });
});

describe("renderAssistant: first message", () => {
  const CLOSED = new Date("2026-03-01T15:00:00Z");
  const afterHoursGreeting: RenderInput["afterHours"] = { mode: "greeting", greeting: "{{business_name}} is closed. We open {{next_opening}}." };
  const cases: [name: string, overrides: Partial<RenderInput>, expected: string][] = [
    ["the first message when set, placeholders filled", { firstMessage: "Ciao from {{business_name}}!" }, "Ciao from Bella Napoli!"],
    ["else the template's greeting", {}, "Thanks for calling Bella Napoli!"],
    ["else a generic greeting", { template: null }, "Thank you for calling Bella Napoli. How can I help you today?"],
    ["a blank first message counts as unset", { firstMessage: "  " }, "Thanks for calling Bella Napoli!"],
    ["a first message that renders blank counts as unset", { firstMessage: "{{missing}}" }, "Thanks for calling Bella Napoli!"],
    [
      "closed with an after-hours greeting: that greeting",
      { now: CLOSED, afterHours: afterHoursGreeting, firstMessage: "Hi!" },
      "Bella Napoli is closed. We open tomorrow (Monday, March 2) at 09:00.",
    ],
    ["open with an after-hours greeting: the usual one", { afterHours: afterHoursGreeting, firstMessage: "Hi!" }, "Hi!"],
    ["closed, taking messages: the usual one", { now: CLOSED, firstMessage: "Hi!" }, "Hi!"],
    ["closed, forwarding: the usual one", { now: CLOSED, afterHours: { mode: "forward", forwardTo: "+14155550199" } }, "Thanks for calling Bella Napoli!"],
    [
      "closed with a blank after-hours greeting: the usual one",
      { now: CLOSED, afterHours: { mode: "greeting", greeting: " " } },
      "Thanks for calling Bella Napoli!",
    ],
  ];
  it.each(cases)("%s", (_name, overrides, expected) => {
    expect(renderAssistant(input(overrides)).firstMessage).toBe(expected);
  });
});

describe("renderAssistant: tools and status", () => {
  const directory = [{ name: "Dr. Rivera", role: "Dentist", phone: "+14155550123" }];
  const cases: [name: string, overrides: Partial<RenderInput>, expected: string[]][] = [
    ["the enabled tools, in order", { enabledTools: ["lookupKnowledge", "takeMessage"] }, ["lookupKnowledge", "takeMessage"]],
    ["transferCall is dropped without a directory", { enabledTools: ["takeMessage", "transferCall", "lookupKnowledge"] }, ["takeMessage", "lookupKnowledge"]],
    ["transferCall is kept with a directory", { enabledTools: ["transferCall", "takeMessage"], transferDirectory: directory }, ["transferCall", "takeMessage"]],
    ["a directory of only malformed entries counts as empty", { enabledTools: ["transferCall"], transferDirectory: [{ name: "", role: "", phone: "" }] }, []],
    ["lookupKnowledge is kept", { enabledTools: ["lookupKnowledge"] }, ["lookupKnowledge"]],
    ["duplicates are dropped", { enabledTools: ["takeMessage", "takeMessage"] }, ["takeMessage"]],
    ["no tools", { enabledTools: [] }, []],
  ];
  it.each(cases)("%s", (_name, overrides, expected) => {
    expect(renderAssistant(input(overrides)).tools.map((tool) => tool.name)).toEqual(expected);
  });

  it("transferCall lists the directory's names and roles", () => {
    const [transfer] = renderAssistant(input({ enabledTools: ["transferCall"], transferDirectory: directory })).tools;
    expect(JSON.stringify(transfer!.parameters.properties)).toContain("Dr. Rivera, Dentist");
  });

  it.each([
    ["open", MONDAY_MORNING, true, null],
    ["closed", new Date("2026-03-01T15:00:00Z"), false, "2026-03-02T14:00:00.000Z"],
  ])("reports open/closed and the next opening when %s", (_name, now, openNow, nextOpening) => {
    const rendered = renderAssistant(input({ now }));
    expect([rendered.openNow, rendered.nextOpening]).toEqual([openNow, nextOpening]);
  });
});

describe("renderAssistant: Unicode and odd input", () => {
  it("keeps emoji, right-to-left and CJK text intact", () => {
    const template = templateWith([{ key: "note", type: "textarea", label: "Note", required: false }], "{{business_name}} — {{note}}");
    const { systemPrompt, firstMessage } = renderAssistant(input({ businessName: "Café 東京 🍣", template, variables: { note: "שלום עולם 👋🏽 مرحبا" } }));
    expect(systemPrompt.split("\n")[0]).toBe("Café 東京 🍣 — שלום עולם 👋🏽 مرحبا");
    expect(firstMessage).toBe("Hello!");
  });

  const odd: [name: string, overrides: Record<string, unknown>][] = [
    ["everything empty", { template: null, customPrompt: null, firstMessage: null, variables: {}, transferDirectory: [], enabledTools: [] }],
    ["null collections", { variables: null, transferDirectory: null, enabledTools: null, afterHours: null }],
    ["hours without lists", { businessHours: { timezone: "Europe/Berlin" } }],
    ["hours that are null", { businessHours: null }],
    ["an invalid date", { now: new Date(Number.NaN) }],
    ["a business name that is not a string", { businessName: 42 }],
    ["a template without variables or prompt", { template: { greeting: null, systemPrompt: 7, variables: null, tools: null } }],
    ["variables of every wrong type", { variables: { a: null, b: { deep: { er: [] } }, c: [null, 1, "x"], d: Number.NaN, e: () => 1 } }],
    ["unknown tool names", { enabledTools: ["fax", 3, null] }],
    ["an unknown after-hours mode", { afterHours: { mode: "teleport" } }],
    ["a forward without a number", { afterHours: { mode: "forward" } }],
  ];
  it.each(odd)("never throws with %s", (_name, overrides) => {
    const rendered = renderAssistant({ ...input(), ...overrides } as RenderInput);
    expect(rendered.systemPrompt).toContain("## Current status");
    expect(rendered.firstMessage.length).toBeGreaterThan(0);
  });
});
