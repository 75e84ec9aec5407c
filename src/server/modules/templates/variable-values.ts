// Validates an assistant's variable values against its template's variable definitions, with a
// precise error per field; normalizes what it accepts (E.164 phones, lowercase emails, defaults).
import { z } from "@hono/zod-openapi";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { FieldError } from "../../errors.js";
import { emailSchema, requiredText, storableText } from "../../http/schemas.js";
import { businessHoursSchema } from "../assistants/business-hours.js";
import type { DirectoryEntry, MenuItem, VariableDefinition, VariableValue, VariableValues } from "./types.js";

export type VariableValidation = { ok: true; values: VariableValues } | { ok: false; errors: FieldError[] };

export const DEFAULT_TEXT_MAX_LENGTH = 2_000;
export const DEFAULT_TEXTAREA_MAX_LENGTH = 20_000;
export const MAX_MENU_ITEMS = 5_000;
export const MAX_DIRECTORY_ENTRIES = 200;
const MAX_URL_LENGTH = 2_048;
/** $1,000,000.00: far above any menu price, well inside a safe integer. */
const MAX_PRICE_CENTS = 100_000_000;
const MAX_SERVICE_DURATION_MINUTES = 24 * 60;

const REQUIRED_MESSAGE = "Required.";
const UNKNOWN_VARIABLE_MESSAGE = "Unknown variable.";

// Digits, spaces and the usual punctuation only: parsePhoneNumberFromString would otherwise pull a
// number out of surrounding text ("call +1… now") or accept an extension.
const PHONE_CHARACTERS_PATTERN = /^\+[\d\s().-]+$/;

/** A phone number in international format, normalized to E.164 ("+1 (415) 555-0123" → "+14155550123"). */
export const e164PhoneSchema = z
  .string()
  .max(40, "Use at most 40 characters.")
  .transform((value, context) => {
    const trimmed = value.trim();
    const parsed = PHONE_CHARACTERS_PATTERN.test(trimmed) ? parsePhoneNumberFromString(trimmed) : undefined;
    if (!parsed?.isValid()) {
      context.addIssue({ code: "custom", message: "Enter a valid phone number in international format, e.g. +14155550123." });
      return z.NEVER;
    }
    return parsed.number as string;
  })
  .openapi({ description: "International format; stored as E.164", example: "+14155550123" });

function isHttpUrl(value: string): boolean {
  if (/\s/.test(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}

export const httpUrlSchema = z
  .string()
  .trim()
  .max(MAX_URL_LENGTH, `Use at most ${MAX_URL_LENGTH} characters.`)
  .refine(isHttpUrl, "Enter a web address starting with http:// or https://.")
  .openapi({ format: "uri", example: "https://example.com/menu" });

const centsSchema = (minimum: number) =>
  z
    .number()
    .int("Use a whole number of cents.")
    .min(minimum, minimum === 0 ? "Must not be negative." : `Must be at least ${minimum}.`)
    .max(MAX_PRICE_CENTS, `Must be at most ${MAX_PRICE_CENTS}.`);

export const menuOptionSchema = z
  .strictObject({
    name: requiredText(120),
    choices: z
      .array(z.strictObject({ name: requiredText(120), priceDeltaCents: centsSchema(-MAX_PRICE_CENTS) }))
      .min(1, "Offer at least one choice.")
      .max(100, "Use at most 100 choices."),
    required: z.boolean().optional(),
    multiple: z.boolean().optional(),
  })
  .openapi("MenuItemOption");

export const menuItemSchema = z
  .strictObject({
    name: requiredText(200),
    description: storableText(2_000).optional(),
    category: storableText(120).optional(),
    priceCents: centsSchema(0).openapi({ description: "Price in minor units (cents)", example: 1250 }),
    durationMinutes: z
      .number()
      .int("Use whole minutes.")
      .min(1, "Must be at least 1.")
      .max(MAX_SERVICE_DURATION_MINUTES, `Must be at most ${MAX_SERVICE_DURATION_MINUTES}.`)
      .optional(),
    options: z.array(menuOptionSchema).max(20, "Use at most 20 options.").optional(),
  })
  .openapi("MenuItem");

export const menuSchema = z.array(menuItemSchema).max(MAX_MENU_ITEMS, `Use at most ${MAX_MENU_ITEMS} items.`);

export const directoryEntrySchema = z
  .strictObject({
    name: requiredText(120).openapi({ example: "Dr. Rivera" }),
    role: storableText(120).default("").openapi({ description: "Role or department", example: "Billing" }),
    phone: e164PhoneSchema,
  })
  .openapi("DirectoryEntry");

export const directorySchema = z.array(directoryEntrySchema).max(MAX_DIRECTORY_ENTRIES, `Use at most ${MAX_DIRECTORY_ENTRIES} entries.`);

function optionList(options: { value: string; label: string }[]): string {
  return options.map((option) => option.label).join(", ");
}

/** The zod schema of one variable's value (presence is checked separately: see validateVariableValues). */
export function variableValueSchema(definition: VariableDefinition): z.ZodType<VariableValue> {
  switch (definition.type) {
    case "text":
      return storableText(definition.maxLength ?? DEFAULT_TEXT_MAX_LENGTH);
    case "textarea":
      return storableText(definition.maxLength ?? DEFAULT_TEXTAREA_MAX_LENGTH);
    case "phone":
      return e164PhoneSchema;
    case "email":
      return emailSchema;
    case "url":
      return httpUrlSchema;
    case "number": {
      let schema = z.number();
      if (definition.integer) schema = schema.int("Must be a whole number.");
      if (definition.min !== undefined) schema = schema.min(definition.min, `Must be at least ${definition.min}.`);
      if (definition.max !== undefined) schema = schema.max(definition.max, `Must be at most ${definition.max}.`);
      return schema;
    }
    case "select": {
      const allowed = new Set(definition.options.map((option) => option.value));
      return z.string().refine((value) => allowed.has(value), `Choose one of: ${optionList(definition.options)}.`);
    }
    case "multiselect": {
      const allowed = new Set(definition.options.map((option) => option.value));
      return z.array(z.string()).superRefine((values, context) => {
        const seen = new Set<string>();
        values.forEach((value, index) => {
          if (!allowed.has(value)) context.addIssue({ code: "custom", path: [index], message: `Choose from: ${optionList(definition.options)}.` });
          else if (seen.has(value)) context.addIssue({ code: "custom", path: [index], message: "Chosen twice." });
          seen.add(value);
        });
      });
    }
    case "business_hours":
      return businessHoursSchema;
    case "menu":
      return menuSchema as z.ZodType<MenuItem[]>;
    case "directory":
      return directorySchema as z.ZodType<DirectoryEntry[]>;
  }
}

/** Missing, null, blank text or an empty list: what "Required." is about. */
function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** Zod's wording for wrong types is technical; say it the way a form would. */
const friendlyIssueMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== "invalid_type") return undefined;
  if (issue.input === undefined) return REQUIRED_MESSAGE;
  switch (issue.expected) {
    case "string":
      return "Enter text.";
    case "number":
    case "int":
      return "Enter a number.";
    case "array":
      return "Expected a list.";
    case "object":
      return "Expected an object.";
    case "boolean":
      return "Expected true or false.";
    default:
      return undefined;
  }
};

function joinPath(segments: readonly (string | number)[]): string {
  return segments.filter((segment) => segment !== "").join(".");
}

function fieldErrorsOf(error: z.ZodError, basePath: readonly (string | number)[]): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = [...basePath, ...issue.path.map((segment) => (typeof segment === "symbol" ? String(segment) : segment))];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: joinPath([...path, key]), message: "Unknown field.", code: "unrecognized_key" }));
    }
    return [{ path: joinPath(path), message: issue.message, code: issue.code }];
  });
}

function cloneDefault(value: VariableValue): VariableValue {
  return Array.isArray(value) ? structuredClone(value) : value;
}

/** `raw` is kept when the value was given but invalid, so the lenient validation can salvage parts of it. */
type VariableOutcome = { key: string; value?: VariableValue; errors: FieldError[]; raw?: unknown };

/** A key defined twice keeps its first definition (template validation rejects duplicates; stored data may predate it). */
function definitionsByFirstKey(definitions: VariableDefinition[]): Map<string, VariableDefinition> {
  const byKey = new Map<string, VariableDefinition>();
  for (const definition of Array.isArray(definitions) ? definitions : []) if (!byKey.has(definition.key)) byKey.set(definition.key, definition);
  return byKey;
}

/** The work shared by the strict and the lenient validation: one outcome per definition, plus unknown keys. */
function validateEach(definitions: VariableDefinition[], values: unknown, pathPrefix: string): { outcomes: VariableOutcome[]; errors: FieldError[] } {
  if (values !== undefined && values !== null && (typeof values !== "object" || Array.isArray(values))) {
    return { outcomes: [], errors: [{ path: pathPrefix, message: "Expected an object of variable values.", code: "invalid_type" }] };
  }
  const given = (values ?? {}) as Record<string, unknown>;
  const definitionsByKey = definitionsByFirstKey(definitions);

  const outcomes: VariableOutcome[] = [];
  for (const definition of definitionsByKey.values()) {
    const path = [pathPrefix, definition.key];
    const raw = Object.hasOwn(given, definition.key) ? given[definition.key] : undefined;
    const fallback = "default" in definition ? definition.default : undefined;
    if (isEmptyValue(raw)) {
      if (definition.required) outcomes.push({ key: definition.key, errors: [{ path: joinPath(path), message: REQUIRED_MESSAGE, code: "required" }] });
      else outcomes.push({ key: definition.key, value: fallback === undefined ? undefined : cloneDefault(fallback), errors: [] });
      continue;
    }
    const schema = variableValueSchema(definition);
    const result = schema.safeParse(raw, { error: friendlyIssueMessages });
    outcomes.push(
      result.success ? { key: definition.key, value: result.data, errors: [] } : { key: definition.key, errors: fieldErrorsOf(result.error, path), raw },
    );
  }
  const errors: FieldError[] = Object.keys(given)
    .filter((key) => !definitionsByKey.has(key))
    .map((key) => ({ path: joinPath([pathPrefix, key]), message: UNKNOWN_VARIABLE_MESSAGE, code: "unknown_variable" }));
  return { outcomes, errors };
}

function valuesOf(outcomes: VariableOutcome[]): VariableValues {
  return Object.fromEntries(outcomes.filter((outcome) => outcome.value !== undefined).map((outcome) => [outcome.key, outcome.value!]));
}

/**
 * Validates every variable: required ones present, each value of its type, no unknown keys.
 * On success the values are normalized and missing optional variables get their defaults.
 * Error paths are prefixed with `pathPrefix` (e.g. "body.variables"), then the key and any index:
 * "body.variables.menu.3.priceCents".
 */
export function validateVariableValues(definitions: VariableDefinition[], values: unknown, pathPrefix = "body.variables"): VariableValidation {
  const { outcomes, errors: unknownKeyErrors } = validateEach(definitions, values, pathPrefix);
  const errors = [...outcomes.flatMap((outcome) => outcome.errors), ...unknownKeyErrors];
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values: valuesOf(outcomes) };
}

/** The valid elements of a list whose whole failed: menu items, directory entries, chosen options. */
function validElements(definition: VariableDefinition | undefined, raw: unknown): VariableValue | undefined {
  if (!definition || !Array.isArray(raw)) return undefined;
  if (definition.type === "multiselect") {
    const allowed = new Set(definition.options.map((option) => option.value));
    const kept = [...new Set(raw.filter((value): value is string => typeof value === "string" && allowed.has(value)))];
    return kept.length > 0 ? kept : undefined;
  }
  const elementSchema = definition.type === "menu" ? menuItemSchema : definition.type === "directory" ? directoryEntrySchema : null;
  if (!elementSchema) return undefined;
  const limit = definition.type === "menu" ? MAX_MENU_ITEMS : MAX_DIRECTORY_ENTRIES;
  const kept: unknown[] = [];
  for (const element of raw.slice(0, limit)) {
    const result = elementSchema.safeParse(element);
    if (result.success) kept.push(result.data);
  }
  return kept.length > 0 ? (kept as VariableValue) : undefined;
}

/**
 * For live previews while a form is being filled in: never fails. `values` holds what is valid
 * (defaults filled in even for required variables; of a list, its valid elements), and `issues`
 * every problem validateVariableValues would report.
 */
export function validateVariableValuesLeniently(
  definitions: VariableDefinition[],
  values: unknown,
  pathPrefix = "body.variables",
): { values: VariableValues; issues: FieldError[] } {
  const { outcomes, errors: unknownKeyErrors } = validateEach(definitions, values, pathPrefix);
  const definitionsByKey = definitionsByFirstKey(definitions);
  const lenient = outcomes.map((outcome): VariableOutcome => {
    if (outcome.value !== undefined) return outcome;
    const definition = definitionsByKey.get(outcome.key);
    if (outcome.raw === undefined) {
      const fallback = definition && "default" in definition ? definition.default : undefined;
      return { ...outcome, value: fallback === undefined ? undefined : cloneDefault(fallback) };
    }
    return { ...outcome, value: validElements(definition, outcome.raw) };
  });
  return { values: valuesOf(lenient), issues: [...outcomes.flatMap((outcome) => outcome.errors), ...unknownKeyErrors] };
}
