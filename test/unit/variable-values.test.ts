// Variable values against their definitions: every type valid and invalid, required and defaults,
// unknown keys, precise error paths, big menus, and the lenient validation for live previews.
import { describe, expect, it } from "vitest";
import type { FieldError } from "../../src/server/errors.js";
import type { MenuItem, VariableDefinition } from "../../src/server/modules/templates/types.js";
import { validateVariableValues, validateVariableValuesLeniently } from "../../src/server/modules/templates/variable-values.js";

const base = { label: "A label", required: false };

const definitions = {
  text: { ...base, key: "tagline", type: "text" },
  shortText: { ...base, key: "code", type: "text", maxLength: 5 },
  textarea: { ...base, key: "policies", type: "textarea" },
  phone: { ...base, key: "main_phone", type: "phone" },
  email: { ...base, key: "contact_email", type: "email" },
  url: { ...base, key: "website", type: "url" },
  number: { ...base, key: "delivery_fee", type: "number", min: 0, max: 50, unit: "USD" },
  integer: { ...base, key: "party_size", type: "number", integer: true, min: 1 },
  select: {
    ...base,
    key: "tone",
    type: "select",
    options: [
      { value: "friendly", label: "Friendly" },
      { value: "formal", label: "Formal" },
    ],
  },
  multiselect: {
    ...base,
    key: "payment_methods",
    type: "multiselect",
    options: [
      { value: "cash", label: "Cash" },
      { value: "card", label: "Card" },
      { value: "apple_pay", label: "Apple Pay" },
    ],
  },
  businessHours: { ...base, key: "kitchen_hours", type: "business_hours" },
  menu: { ...base, key: "menu", type: "menu", currency: "USD" },
  directory: { ...base, key: "staff", type: "directory" },
} satisfies Record<string, VariableDefinition>;

type Definition = VariableDefinition;

function validate(definition: Definition, value: unknown) {
  return validateVariableValues([definition], { [definition.key]: value });
}

function errorsOf(result: ReturnType<typeof validateVariableValues>): FieldError[] {
  return result.ok ? [] : result.errors;
}

const pizza: MenuItem = {
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

const kitchenHours = { timezone: "America/New_York", weekly: [{ day: 1, open: "11:00", close: "22:00" }], holidays: [] };

describe("valid values, normalized", () => {
  const cases: [name: string, definition: Definition, input: unknown, expected: unknown][] = [
    ["text as given", definitions.text, "Best pizza in town 🍕", "Best pizza in town 🍕"],
    ["text keeps surrounding spaces", definitions.text, "  spaced  ", "  spaced  "],
    ["text at its maxLength", definitions.shortText, "ABCDE", "ABCDE"],
    ["right-to-left text", definitions.text, "مرحبا بكم", "مرحبا بكم"],
    ["textarea with newlines", definitions.textarea, "Line 1\nLine 2\n\nLine 4", "Line 1\nLine 2\n\nLine 4"],
    ["textarea of 20,000 characters", definitions.textarea, "x".repeat(20_000), "x".repeat(20_000)],
    ["phone in E.164", definitions.phone, "+14155550123", "+14155550123"],
    ["phone with punctuation becomes E.164", definitions.phone, "+1 (415) 555-0123", "+14155550123"],
    ["phone with spaces, German", definitions.phone, " +49 30 901820 ", "+4930901820"],
    ["email is trimmed and lowercased", definitions.email, "  Front.Desk@Example.COM ", "front.desk@example.com"],
    ["https url", definitions.url, "https://example.com/menu?x=1", "https://example.com/menu?x=1"],
    ["http url, trimmed", definitions.url, " http://example.com ", "http://example.com"],
    ["number", definitions.number, 4.5, 4.5],
    ["number at min", definitions.number, 0, 0],
    ["number at max", definitions.number, 50, 50],
    ["integer", definitions.integer, 12, 12],
    ["select option", definitions.select, "formal", "formal"],
    ["multiselect subset", definitions.multiselect, ["card", "cash"], ["card", "cash"]],
    ["multiselect of one", definitions.multiselect, ["apple_pay"], ["apple_pay"]],
    ["business hours, holidays defaulted", definitions.businessHours, { timezone: "UTC", weekly: [] }, { timezone: "UTC", weekly: [], holidays: [] }],
    ["business hours", definitions.businessHours, kitchenHours, kitchenHours],
    ["menu", definitions.menu, [pizza, { name: "Water", priceCents: 0 }], [pizza, { name: "Water", priceCents: 0 }]],
    [
      "menu service with a duration",
      definitions.menu,
      [{ name: "Cut", priceCents: 4500, durationMinutes: 30 }],
      [{ name: "Cut", priceCents: 4500, durationMinutes: 30 }],
    ],
    [
      "menu option choices may be cheaper",
      definitions.menu,
      [{ name: "Tea", priceCents: 300, options: [{ name: "Size", choices: [{ name: "Small", priceDeltaCents: -50 }] }] }],
      [{ name: "Tea", priceCents: 300, options: [{ name: "Size", choices: [{ name: "Small", priceDeltaCents: -50 }] }] }],
    ],
    [
      "directory: phones normalized, role defaults to empty",
      definitions.directory,
      [
        { name: "Dr. Rivera", role: "Dentist", phone: "+1 415 555 0123" },
        { name: "Billing", phone: "+4930901820" },
      ],
      [
        { name: "Dr. Rivera", role: "Dentist", phone: "+14155550123" },
        { name: "Billing", role: "", phone: "+4930901820" },
      ],
    ],
  ];
  it.each(cases)("%s", (_name, definition, input, expected) => {
    expect(validate(definition, input)).toEqual({ ok: true, values: { [definition.key]: expected } });
  });
});

describe("invalid values, with precise paths", () => {
  const cases: [name: string, definition: Definition, input: unknown, path: string, message: RegExp][] = [
    ["text that is a number", definitions.text, 42, "body.variables.tagline", /Enter text/],
    ["text over the default 2,000", definitions.text, "x".repeat(2_001), "body.variables.tagline", /at most 2000/],
    ["text over its maxLength", definitions.shortText, "ABCDEF", "body.variables.code", /at most 5/],
    ["text with NUL", definitions.text, "a\u0000b", "body.variables.tagline", /NUL/],
    ["text with a lone surrogate", definitions.text, "a\uD800b", "body.variables.tagline", /Unicode/],
    ["textarea over 20,000", definitions.textarea, "x".repeat(20_001), "body.variables.policies", /at most 20000/],
    ["phone without a country code", definitions.phone, "4155550123", "body.variables.main_phone", /international format/],
    ["phone too short", definitions.phone, "+1415555012", "body.variables.main_phone", /valid phone number/],
    ["phone inside a sentence", definitions.phone, "call +14155550123 now", "body.variables.main_phone", /valid phone number/],
    ["phone with an extension", definitions.phone, "+14155550123 ext 5", "body.variables.main_phone", /valid phone number/],
    ["phone as a number", definitions.phone, 14155550123, "body.variables.main_phone", /Enter text/],
    ["email without a domain", definitions.email, "front-desk@", "body.variables.contact_email", /valid email/],
    ["url with another scheme", definitions.url, "ftp://example.com", "body.variables.website", /http/],
    ["url with javascript:", definitions.url, "javascript:alert(1)", "body.variables.website", /http/],
    ["url that is not one", definitions.url, "example dot com", "body.variables.website", /http/],
    ["number as a string", definitions.number, "4.5", "body.variables.delivery_fee", /Enter a number/],
    ["number below min", definitions.number, -1, "body.variables.delivery_fee", /at least 0/],
    ["number above max", definitions.number, 50.01, "body.variables.delivery_fee", /at most 50/],
    ["number that is not whole", definitions.integer, 2.5, "body.variables.party_size", /whole number/],
    ["number that is NaN", definitions.number, Number.NaN, "body.variables.delivery_fee", /number/],
    ["number that is infinite", definitions.number, Number.POSITIVE_INFINITY, "body.variables.delivery_fee", /./],
    ["select outside the options", definitions.select, "sarcastic", "body.variables.tone", /Choose one of: Friendly, Formal/],
    ["select by label instead of value", definitions.select, "Friendly", "body.variables.tone", /Choose one of/],
    ["multiselect not a list", definitions.multiselect, "cash", "body.variables.payment_methods", /list/],
    ["multiselect with an unknown option", definitions.multiselect, ["cash", "bitcoin"], "body.variables.payment_methods.1", /Choose from/],
    ["multiselect with a duplicate", definitions.multiselect, ["cash", "card", "cash"], "body.variables.payment_methods.2", /twice/],
    ["business hours with a bad zone", definitions.businessHours, { ...kitchenHours, timezone: "Moon/Base" }, "body.variables.kitchen_hours.timezone", /IANA/],
    [
      "business hours with a bad day",
      definitions.businessHours,
      { ...kitchenHours, weekly: [{ day: 8, open: "09:00", close: "17:00" }] },
      "body.variables.kitchen_hours.weekly.0.day",
      /day/,
    ],
    ["business hours that is a string", definitions.businessHours, "9 to 5", "body.variables.kitchen_hours", /object/],
    ["menu that is an object", definitions.menu, { items: [] }, "body.variables.menu", /list/],
    ["menu item without a name", definitions.menu, [{ priceCents: 100 }], "body.variables.menu.0.name", /^Required\.$/],
    ["menu item with a blank name", definitions.menu, [{ name: "  ", priceCents: 100 }], "body.variables.menu.0.name", /empty/],
    [
      "menu price in dollars",
      definitions.menu,
      [pizza, pizza, pizza, { name: "Soda", priceCents: 2.5 }],
      "body.variables.menu.3.priceCents",
      /whole number of cents/,
    ],
    ["menu price negative", definitions.menu, [{ name: "Soda", priceCents: -1 }], "body.variables.menu.0.priceCents", /negative/],
    ["menu price as a string", definitions.menu, [{ name: "Soda", priceCents: "250" }], "body.variables.menu.0.priceCents", /Enter a number/],
    ["menu item with an unknown field", definitions.menu, [{ name: "Soda", priceCents: 250, color: "red" }], "body.variables.menu.0.color", /Unknown field/],
    ["menu duration of zero", definitions.menu, [{ name: "Cut", priceCents: 100, durationMinutes: 0 }], "body.variables.menu.0.durationMinutes", /at least 1/],
    [
      "menu option choice with a fractional delta",
      definitions.menu,
      [
        {
          name: "Tea",
          priceCents: 300,
          options: [
            {
              name: "Size",
              choices: [
                { name: "S", priceDeltaCents: 0 },
                { name: "L", priceDeltaCents: 0.5 },
              ],
            },
          ],
        },
      ],
      "body.variables.menu.0.options.0.choices.1.priceDeltaCents",
      /whole number of cents/,
    ],
    [
      "menu option without choices",
      definitions.menu,
      [{ name: "Tea", priceCents: 300, options: [{ name: "Size", choices: [] }] }],
      "body.variables.menu.0.options.0.choices",
      /at least one/,
    ],
    ["menu of 5,001 items", definitions.menu, Array.from({ length: 5_001 }, () => ({ name: "Item", priceCents: 100 })), "body.variables.menu", /at most 5000/],
    ["directory entry without a phone", definitions.directory, [{ name: "Billing", role: "Billing" }], "body.variables.staff.0.phone", /^Required\.$/],
    [
      "directory entry with a local phone",
      definitions.directory,
      [
        { name: "A", role: "", phone: "+14155550123" },
        { name: "B", role: "", phone: "555-0123" },
      ],
      "body.variables.staff.1.phone",
      /international/,
    ],
    ["directory entry without a name", definitions.directory, [{ name: "", role: "Sales", phone: "+14155550123" }], "body.variables.staff.0.name", /empty/],
  ];
  it.each(cases)("rejects %s", (_name, definition, input, path, message) => {
    const errors = errorsOf(validate(definition, input));
    expect(errors.length).toBeGreaterThan(0);
    const error = errors.find((candidate) => candidate.path === path);
    expect(error, `no error at ${path}: ${JSON.stringify(errors)}`).toBeDefined();
    expect(error!.message).toMatch(message);
  });
});

describe("required variables and defaults", () => {
  const required = (definition: Definition): Definition => ({ ...definition, required: true });

  it.each([
    ["missing", undefined],
    ["null", null],
    ["an empty string", ""],
    ["only spaces", "   "],
    ["an empty list", []],
  ])("a required variable that is %s is Required.", (_name, value) => {
    const values = value === undefined ? {} : { tagline: value };
    expect(validateVariableValues([required(definitions.text)], values)).toEqual({
      ok: false,
      errors: [{ path: "body.variables.tagline", message: "Required.", code: "required" }],
    });
  });

  it.each([
    ["menu", definitions.menu],
    ["directory", definitions.directory],
    ["multiselect", definitions.multiselect],
    ["business_hours", definitions.businessHours],
    ["number", definitions.number],
  ])("a required %s that is missing is Required.", (_name, definition) => {
    expect(errorsOf(validateVariableValues([required(definition)], {}))).toEqual([
      { path: `body.variables.${definition.key}`, message: "Required.", code: "required" },
    ]);
  });

  it("a required number of 0 is present", () => {
    expect(validateVariableValues([required(definitions.number)], { delivery_fee: 0 })).toEqual({ ok: true, values: { delivery_fee: 0 } });
  });

  it("optional variables may be missing, null or blank, and are left out", () => {
    const all = Object.values(definitions);
    expect(validateVariableValues(all, {})).toEqual({ ok: true, values: {} });
    expect(validateVariableValues(all, { tagline: null, website: "", menu: [] })).toEqual({ ok: true, values: {} });
  });

  it("fills defaults in for missing optional variables", () => {
    const withDefaults: Definition[] = [
      { ...definitions.text, default: "Fresh every day" },
      { ...definitions.number, default: 3 },
      { ...definitions.select, default: "friendly" },
      { ...definitions.multiselect, default: ["cash", "card"] },
    ];
    expect(validateVariableValues(withDefaults, { tagline: "" })).toEqual({
      ok: true,
      values: { tagline: "Fresh every day", delivery_fee: 3, tone: "friendly", payment_methods: ["cash", "card"] },
    });
  });

  it("a given value wins over the default", () => {
    expect(validateVariableValues([{ ...definitions.number, default: 3 }], { delivery_fee: 7 })).toEqual({ ok: true, values: { delivery_fee: 7 } });
  });

  it("a default list is copied, not shared", () => {
    const definition: Definition = { ...definitions.multiselect, default: ["cash"] };
    const result = validateVariableValues([definition], {});
    if (!result.ok) throw new Error("expected ok");
    (result.values.payment_methods as string[]).push("card");
    expect(definition.default).toEqual(["cash"]);
  });

  it("a required variable with a default still has to be given", () => {
    expect(errorsOf(validateVariableValues([{ ...definitions.text, required: true, default: "x" }], {}))).toEqual([
      { path: "body.variables.tagline", message: "Required.", code: "required" },
    ]);
  });
});

describe("unknown keys, odd containers and paths", () => {
  it("reports every unknown variable", () => {
    expect(validateVariableValues([definitions.text], { tagline: "ok", tagLine: "typo", extra: 1 })).toEqual({
      ok: false,
      errors: [
        { path: "body.variables.tagLine", message: "Unknown variable.", code: "unknown_variable" },
        { path: "body.variables.extra", message: "Unknown variable.", code: "unknown_variable" },
      ],
    });
  });

  it("treats __proto__ and constructor as unknown keys, not as inherited values", () => {
    const values = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "x"}');
    const errors = errorsOf(validateVariableValues([definitions.text], values));
    expect(errors.map((error) => error.path)).toEqual(["body.variables.__proto__", "body.variables.constructor"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("does not read a variable from the prototype chain", () => {
    const definition: Definition = { ...definitions.text, key: "toString", required: true };
    expect(errorsOf(validateVariableValues([definition], {}))).toEqual([{ path: "body.variables.toString", message: "Required.", code: "required" }]);
  });

  it.each([
    ["a list", []],
    ["a string", "menu"],
    ["a number", 7],
  ])("values that are %s fail at the prefix", (_name, values) => {
    expect(validateVariableValues([definitions.text], values)).toEqual({
      ok: false,
      errors: [{ path: "body.variables", message: "Expected an object of variable values.", code: "invalid_type" }],
    });
  });

  it.each([null, undefined])("values that are %s count as none given", (values) => {
    expect(validateVariableValues([definitions.text], values)).toEqual({ ok: true, values: {} });
    expect(errorsOf(validateVariableValues([{ ...definitions.text, required: true }], values))).toHaveLength(1);
  });

  it.each([
    ["variables", "variables.menu.0.priceCents"],
    ["", "menu.0.priceCents"],
    ["body.assistant.variables", "body.assistant.variables.menu.0.priceCents"],
  ])("uses the path prefix %j", (prefix, path) => {
    const result = validateVariableValues([definitions.menu], { menu: [{ name: "Soda", priceCents: -5 }] }, prefix);
    expect(errorsOf(result).map((error) => error.path)).toEqual([path]);
  });

  it("reports errors of several variables together, in definition order, unknown keys last", () => {
    const result = validateVariableValues([{ ...definitions.text, required: true }, definitions.phone, definitions.number], {
      nope: true,
      delivery_fee: 99,
      main_phone: "123",
    });
    expect(errorsOf(result).map((error) => [error.path, error.message])).toEqual([
      ["body.variables.tagline", "Required."],
      ["body.variables.main_phone", "Enter a valid phone number in international format, e.g. +14155550123."],
      ["body.variables.delivery_fee", "Must be at most 50."],
      ["body.variables.nope", "Unknown variable."],
    ]);
  });

  it("uses the first definition of a key defined twice", () => {
    const result = validateVariableValues([definitions.text, { ...definitions.number, key: "tagline" }], { tagline: "words" });
    expect(result).toEqual({ ok: true, values: { tagline: "words" } });
  });
});

describe("big menus", () => {
  const bigMenu = (count: number): MenuItem[] =>
    Array.from({ length: count }, (_, index) => ({
      name: `Dish ${index}`,
      category: index % 2 ? "Pizza" : "Pasta",
      description: "With a description of reasonable length for a dish on a menu.",
      priceCents: 500 + index,
      options: [
        {
          name: "Size",
          choices: [
            { name: "Regular", priceDeltaCents: 0 },
            { name: "Large", priceDeltaCents: 300 },
          ],
        },
      ],
    }));

  it("validates a 2,000-item menu quickly", () => {
    const menu = bigMenu(2_000);
    const started = performance.now();
    const result = validateVariableValues([definitions.menu], { menu });
    expect(performance.now() - started).toBeLessThan(500);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.values.menu).toHaveLength(2_000);
  });

  it("accepts exactly 5,000 items", () => {
    expect(validateVariableValues([definitions.menu], { menu: bigMenu(5_000) }).ok).toBe(true);
  });

  it("points at the one bad item among 2,000", () => {
    const menu = bigMenu(2_000) as unknown[];
    menu[1_234] = { name: "Broken", priceCents: 9.99 };
    expect(errorsOf(validateVariableValues([definitions.menu], { menu }))).toEqual([
      { path: "body.variables.menu.1234.priceCents", message: "Use a whole number of cents.", code: "invalid_type" },
    ]);
  });
});

describe("validateVariableValuesLeniently (live preview)", () => {
  const all = Object.values(definitions) as Definition[];

  it("keeps the valid values and reports the same issues as the strict validation", () => {
    const values = { tagline: "Hello", main_phone: "nope", delivery_fee: 5, unknown: 1 };
    const lenient = validateVariableValuesLeniently(all, values);
    expect(lenient.values).toEqual({ tagline: "Hello", delivery_fee: 5 });
    expect(lenient.issues).toEqual(errorsOf(validateVariableValues(all, values)));
  });

  it("keeps the valid items of a menu and directory", () => {
    const lenient = validateVariableValuesLeniently([definitions.menu, definitions.directory], {
      menu: [pizza, { name: "Broken", priceCents: -1 }, { name: "Water", priceCents: 0 }],
      staff: [
        { name: "A", role: "x", phone: "bad" },
        { name: "B", role: "y", phone: "+1 415 555 0123" },
      ],
    });
    expect(lenient.values).toEqual({ menu: [pizza, { name: "Water", priceCents: 0 }], staff: [{ name: "B", role: "y", phone: "+14155550123" }] });
    expect(lenient.issues.map((issue) => issue.path)).toEqual(["body.variables.menu.1.priceCents", "body.variables.staff.0.phone"]);
  });

  it("keeps the known options of a multiselect, once each", () => {
    const lenient = validateVariableValuesLeniently([definitions.multiselect], { payment_methods: ["cash", "bitcoin", "cash", 3] });
    expect(lenient.values).toEqual({ payment_methods: ["cash"] });
    expect(lenient.issues.length).toBeGreaterThan(0);
  });

  it("fills defaults in even for required variables, and still reports them", () => {
    const lenient = validateVariableValuesLeniently([{ ...definitions.text, required: true, default: "Fallback" }], {});
    expect(lenient).toEqual({ values: { tagline: "Fallback" }, issues: [{ path: "body.variables.tagline", message: "Required.", code: "required" }] });
  });

  it("drops a list with no valid element", () => {
    expect(validateVariableValuesLeniently([definitions.menu], { menu: [{ name: "" }] }).values).toEqual({});
  });

  it.each([
    ["a string", "oops"],
    ["a list", [1, 2, 3]],
    ["a number", 42],
    ["nested garbage", { menu: "x", tagline: { deep: [null] }, payment_methods: [null], kitchen_hours: [] }],
  ])("never fails on %s", (_name, values) => {
    const lenient = validateVariableValuesLeniently(all, values);
    expect(lenient.values).toBeTypeOf("object");
    expect(Array.isArray(lenient.issues)).toBe(true);
  });
});
