// The one prompt renderer: template (or custom prompt) + variable values + business hours +
// "now" in the business's time zone → the final system prompt, first message and tool list.
// Also the prompt-template engine every prompt, greeting and first message goes through.
import type { BusinessHours, DirectoryEntry, TemplateDefinition, ToolName, VariableDefinition, VariableValues } from "../templates/types.js";
import { describeWeeklyHours, effectiveTimeZone, isExistingIsoDate, localWallClockAt, type OpenStatus, openStatusAt } from "./business-hours.js";
import type { AfterHours } from "./schema.js";
import { type ToolDefinition, toolDefinitions } from "./tool-catalog.js";

export type RenderInput = {
  businessName: string;
  template: Pick<TemplateDefinition, "systemPrompt" | "greeting" | "variables" | "tools"> | null;
  /** Wins over the template's systemPrompt when set; same template syntax and keys. */
  customPrompt: string | null;
  /** Overrides the template's greeting when set; may use the same placeholders. */
  firstMessage: string | null;
  variables: VariableValues;
  businessHours: BusinessHours;
  afterHours: AfterHours;
  transferDirectory: DirectoryEntry[];
  /** The tools offered to the model (the template's `tools` only seed this when an assistant is created). */
  enabledTools: ToolName[];
  now: Date;
};

export type RenderedAssistant = {
  systemPrompt: string;
  firstMessage: string;
  tools: ToolDefinition[];
  openNow: boolean;
  /** ISO instant of the next opening when closed now; null when open or never opening. */
  nextOpening: string | null;
};

/**
 * The placeholders every prompt can use, filled from the organization, the assistant and the
 * clock. A template variable with one of these keys is ignored: the built-in wins.
 */
export const PROMPT_BUILT_INS = {
  business_name: "The organization's name.",
  today: "Today's weekday and date in the business's time zone, e.g. Monday, March 2, 2026.",
  current_time: "The local time now, HH:MM (24-hour).",
  timezone: "The business's IANA time zone, e.g. America/New_York.",
  open_now: '"open" or "closed". Never empty, so use is_open / is_closed for sections.',
  is_open: '"yes" when open now, else empty: {{#is_open}}…{{/is_open}}.',
  is_closed: '"yes" when closed now, else empty: {{#is_closed}}…{{/is_closed}}.',
  closes_at: "When open: when this opening ends, e.g. today at 17:00; else empty.",
  next_opening: "When closed: the next opening, e.g. tomorrow (Tuesday, March 3) at 09:00; else empty.",
  business_hours: "The weekly hours, e.g. Monday–Friday 09:00–17:00; Saturday–Sunday closed.",
  holidays: "Upcoming holiday closures, e.g. Friday, December 25, 2026 (Christmas Day); empty when none.",
  after_hours_instructions: "What to do when the business is closed: take a message, forward, or the after-hours greeting.",
  transfer_directory: "One line per transfer destination, Name — role: +E164; empty when none.",
} as const satisfies Record<string, string>;
export type PromptBuiltInKey = keyof typeof PROMPT_BUILT_INS;

export const MAX_RENDERED_MENU_ITEMS = 500;
const MAX_RENDERED_DESCRIPTION_LENGTH = 200;
const MAX_RENDERED_DIRECTORY_ENTRIES = 100;
const MAX_LISTED_HOLIDAYS = 10;
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// The template engine
// ---------------------------------------------------------------------------------------------

export type PromptContext = Readonly<Record<string, string | undefined>>;

// A tag is "{{", at most 100 characters without braces, "}}"; the body must then be a key with an
// optional #, ^ or / in front (spaces allowed), like definition-schema.ts's scanPromptTags.
const TAG_PATTERN = /\{\{([^{}]{1,100})\}\}/g;
const TAG_BODY_PATTERN = /^\s*([#^/]?)\s*([A-Za-z0-9_]+)\s*$/;

type Token =
  | { kind: "text"; text: string }
  | { kind: "value"; key: string }
  /** closeIndex is the index of the matching close tag, or -1 when there is none (then the tag is literal). */
  | { kind: "section"; key: string; raw: string; inverted: boolean; closeIndex: number }
  | { kind: "close"; key: string; raw: string; matched: boolean };

function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  let textStart = 0;
  for (const match of template.matchAll(TAG_PATTERN)) {
    const body = TAG_BODY_PATTERN.exec(match[1]!);
    if (!body) continue; // not a tag: stays part of the text
    if (match.index > textStart) tokens.push({ kind: "text", text: template.slice(textStart, match.index) });
    const [raw, sigil, key] = [match[0], body[1], body[2]!];
    if (sigil === "#" || sigil === "^") tokens.push({ kind: "section", key, raw, inverted: sigil === "^", closeIndex: -1 });
    else if (sigil === "/") tokens.push({ kind: "close", key, raw, matched: false });
    else tokens.push({ kind: "value", key });
    textStart = match.index + raw.length;
  }
  if (textStart < template.length) tokens.push({ kind: "text", text: template.slice(textStart) });
  return tokens;
}

/**
 * Pairs each close tag with the innermost open section of the same key. Sections opened inside it
 * and still open are left unpaired (literal), so paired sections always nest properly.
 */
function pairSections(tokens: Token[]): void {
  const openSections: number[] = [];
  tokens.forEach((token, index) => {
    if (token.kind === "section") openSections.push(index);
    if (token.kind !== "close") return;
    const position = openSections.findLastIndex((openIndex) => (tokens[openIndex] as { key: string }).key === token.key);
    if (position === -1) return;
    (tokens[openSections[position]!] as { closeIndex: number }).closeIndex = index;
    token.matched = true;
    openSections.length = position;
  });
}

function contextValue(context: PromptContext, key: string): string {
  if (!Object.hasOwn(context, key)) return "";
  const value = context[key];
  return typeof value === "string" ? value : "";
}

/**
 * Renders a prompt template: {{key}} inserts a value; {{#key}}…{{/key}} keeps its body only when the
 * value is non-blank, {{^key}}…{{/key}} only when it is blank. Unknown keys are empty; malformed or
 * unbalanced tags stay as literal text. Values are inserted in one pass and never scanned again, so a
 * value containing "{{…}}" appears literally. Never throws.
 */
export function renderPromptTemplate(template: string, context: PromptContext): string {
  if (typeof template !== "string" || template === "") return "";
  const tokens = tokenize(template);
  pairSections(tokens);
  const output: string[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    switch (token.kind) {
      case "text":
        output.push(token.text);
        break;
      case "value":
        output.push(contextValue(context, token.key));
        break;
      case "section": {
        if (token.closeIndex === -1) {
          output.push(token.raw);
          break;
        }
        const hasValue = contextValue(context, token.key).trim() !== "";
        if (hasValue === token.inverted) index = token.closeIndex; // skip the body and its close tag
        break;
      }
      case "close":
        if (!token.matched) output.push(token.raw);
        break;
    }
  }
  return output.join("");
}

// ---------------------------------------------------------------------------------------------
// Formatting values for a prompt
// ---------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonBlankString(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/** Collapses newlines and runs of spaces: list lines must stay one line each. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

function shortened(value: string, maxLength: number): string {
  const characters = [...value];
  return characters.length <= maxLength ? value : `${characters.slice(0, maxLength - 1).join("")}…`;
}

/** Intl formatting costs microseconds a call and menus repeat the same amounts (option deltas above all). */
function memoized(format: (minorUnits: number) => string): (minorUnits: number) => string {
  const cache = new Map<number, string>();
  return (minorUnits) => {
    let text = cache.get(minorUnits);
    if (text === undefined) {
      text = format(minorUnits);
      if (cache.size < 10_000) cache.set(minorUnits, text);
    }
    return text;
  };
}

type MoneyFormat = { price: (minorUnits: number) => string; delta: (minorUnits: number) => string };
const moneyFormats = new Map<string, MoneyFormat>();

/** Prices are in minor units; a currency without them (JPY) divides by 1. Unknown codes fall back to "12.50 XYZ". */
function moneyFormat(currency: string): MoneyFormat {
  const cached = moneyFormats.get(currency);
  if (cached) return cached;
  let format: MoneyFormat;
  try {
    const price = new Intl.NumberFormat("en-US", { style: "currency", currency });
    const delta = new Intl.NumberFormat("en-US", { style: "currency", currency, signDisplay: "always" });
    const divisor = 10 ** (price.resolvedOptions().maximumFractionDigits ?? 2);
    format = { price: memoized((minor) => price.format(minor / divisor)), delta: memoized((minor) => delta.format(minor / divisor)) };
  } catch {
    const code = oneLine(currency).slice(0, 8);
    format = {
      price: (minor) => `${(minor / 100).toFixed(2)} ${code}`.trim(),
      delta: (minor) => `${minor < 0 ? "-" : "+"}${(Math.abs(minor) / 100).toFixed(2)} ${code}`.trim(),
    };
  }
  if (moneyFormats.size < 200) moneyFormats.set(currency, format);
  return format;
}

function isWholeNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

function formatMenuOption(option: unknown, money: MoneyFormat): string | null {
  const name = isRecord(option) ? nonBlankString(option.name) : null;
  if (!isRecord(option) || !name || !Array.isArray(option.choices)) return null;
  const choices = option.choices
    .filter((choice): choice is { name: string; priceDeltaCents: number } => isRecord(choice) && !!nonBlankString(choice.name))
    .map((choice) => (isWholeNumber(choice.priceDeltaCents) ? `${oneLine(choice.name)} ${money.delta(choice.priceDeltaCents)}` : oneLine(choice.name)));
  if (choices.length === 0) return null;
  const flags = [option.required === true ? "required" : null, option.multiple === true ? "any number" : null].filter(Boolean);
  return `${oneLine(name)}${flags.length > 0 ? ` (${flags.join(", ")})` : ""}: ${choices.join(", ")}`;
}

/** "Category: Name — $12.50, 30 min (options: Size: Small +$0.00, Large +$2.00) — description", or null when not a menu item. */
function formatMenuItem(item: unknown, money: MoneyFormat): string | null {
  if (!isRecord(item) || !nonBlankString(item.name) || !isWholeNumber(item.priceCents)) return null;
  const category = nonBlankString(item.category);
  let line = `${category ? `${oneLine(category)}: ` : ""}${oneLine(item.name as string)} — ${money.price(item.priceCents)}`;
  if (isWholeNumber(item.durationMinutes) && item.durationMinutes > 0) line += `, ${item.durationMinutes} min`;
  const options = Array.isArray(item.options) ? item.options.map((option) => formatMenuOption(option, money)).filter((text) => text !== null) : [];
  if (options.length > 0) line += ` (options: ${options.join("; ")})`;
  const description = nonBlankString(item.description);
  if (description) line += ` — ${shortened(oneLine(description), MAX_RENDERED_DESCRIPTION_LENGTH)}`;
  return line;
}

/** One line per item, the first MAX_RENDERED_MENU_ITEMS of them, then "…and N more items." */
export function formatMenu(items: unknown, currency = "USD"): string {
  if (!Array.isArray(items)) return "";
  const money = moneyFormat(currency);
  const lines: string[] = [];
  let hidden = 0;
  for (const item of items) {
    if (lines.length >= MAX_RENDERED_MENU_ITEMS) {
      if (isRecord(item) && nonBlankString(item.name) && isWholeNumber(item.priceCents)) hidden++;
      continue;
    }
    const line = formatMenuItem(item, money);
    if (line !== null) lines.push(line);
  }
  if (hidden > 0) lines.push(`…and ${hidden.toLocaleString("en-US")} more ${hidden === 1 ? "item" : "items"}.`);
  return lines.join("\n");
}

function directoryEntriesOf(entries: unknown): DirectoryEntry[] {
  if (!Array.isArray(entries)) return [];
  return entries
    .filter((entry): entry is DirectoryEntry => isRecord(entry) && !!nonBlankString(entry.name) && !!nonBlankString(entry.phone))
    .map((entry) => ({ name: oneLine(entry.name), role: typeof entry.role === "string" ? oneLine(entry.role) : "", phone: oneLine(entry.phone) }));
}

/** One line per entry: "Name — role: +E164" ("Name: +E164" without a role). */
export function formatDirectory(entries: unknown): string {
  const valid = directoryEntriesOf(entries);
  const lines = valid.slice(0, MAX_RENDERED_DIRECTORY_ENTRIES).map((entry) => `${entry.name}${entry.role ? ` — ${entry.role}` : ""}: ${entry.phone}`);
  if (valid.length > MAX_RENDERED_DIRECTORY_ENTRIES) lines.push(`…and ${valid.length - MAX_RENDERED_DIRECTORY_ENTRIES} more.`);
  return lines.join("\n");
}

function looksLikeBusinessHours(value: unknown): value is BusinessHours {
  return isRecord(value) && Array.isArray(value.weekly);
}

function formatNumber(value: number, unit: string | undefined): string {
  return unit && unit.trim() !== "" ? `${value} ${oneLine(unit)}` : String(value);
}

/** A variable's value as prompt text, by its definition's type; "" when missing or of the wrong type. */
export function formatVariableValue(definition: VariableDefinition, value: unknown): string {
  switch (definition.type) {
    case "text":
    case "textarea":
    case "phone":
    case "email":
    case "url":
      return typeof value === "string" ? value : "";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? formatNumber(value, definition.unit) : "";
    case "select":
      return typeof value === "string" ? (definition.options.find((option) => option.value === value)?.label ?? "") : "";
    case "multiselect": {
      if (!Array.isArray(value)) return "";
      const chosen = new Set(value);
      return definition.options
        .filter((option) => chosen.has(option.value))
        .map((option) => option.label)
        .join(", ");
    }
    case "business_hours":
      return looksLikeBusinessHours(value) ? describeWeeklyHours(value) : "";
    case "menu":
      return formatMenu(value, typeof definition.currency === "string" ? definition.currency : "USD");
    case "directory":
      return formatDirectory(value);
    default:
      return "";
  }
}

/** A value without a definition (custom prompts, keys a newer template version dropped), by its shape. */
function formatUntypedValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (looksLikeBusinessHours(value)) return describeWeeklyHours(value);
  if (!Array.isArray(value) || value.length === 0) return "";
  if (value.every((element) => typeof element === "string")) return value.join(", ");
  if (isRecord(value[0]) && "priceCents" in value[0]) return formatMenu(value);
  if (isRecord(value[0]) && "phone" in value[0]) return formatDirectory(value);
  return "";
}

// ---------------------------------------------------------------------------------------------
// Built-ins: the clock, the hours, after-hours behaviour
// ---------------------------------------------------------------------------------------------

const longDateFormat = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", weekday: "long", month: "long", day: "numeric", year: "numeric" });
const longDateWithoutYearFormat = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", weekday: "long", month: "long", day: "numeric" });

/** "Monday, March 2, 2026" for a local date "2026-03-02" (no year when `omitYear`). */
function formatLocalDate(isoDate: string, omitYear = false): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  return (omitYear ? longDateWithoutYearFormat : longDateFormat).format(date);
}

type Situation = { timeZone: string; now: Date; local: { date: string; time: string } | null; status: OpenStatus };

/** "today at 17:00", "tomorrow (Tuesday, March 3) at 09:00", "Thursday, March 5 at 09:00". */
function describeMoment(moment: Date, situation: Situation): string {
  const local = localWallClockAt(situation.timeZone, moment);
  if (!local) return "";
  const today = situation.local?.date;
  const daysAhead = today ? Math.round((Date.parse(local.date) - Date.parse(today)) / DAY_MS) : Number.NaN;
  const sameYear = today?.slice(0, 4) === local.date.slice(0, 4);
  if (daysAhead === 0) return `today at ${local.time}`;
  if (daysAhead === 1) return `tomorrow (${formatLocalDate(local.date, sameYear)}) at ${local.time}`;
  return `${formatLocalDate(local.date, sameYear)} at ${local.time}`;
}

function upcomingHolidays(hours: BusinessHours, today: string | undefined): string {
  if (!today || !Array.isArray(hours?.holidays)) return "";
  const byDate = new Map<string, string>();
  for (const holiday of hours.holidays) {
    if (!isRecord(holiday) || typeof holiday.date !== "string" || !isExistingIsoDate(holiday.date) || holiday.date < today) continue;
    if (!byDate.has(holiday.date)) byDate.set(holiday.date, typeof holiday.name === "string" ? oneLine(holiday.name) : "");
  }
  return [...byDate.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, MAX_LISTED_HOLIDAYS)
    .map(([date, name]) => `${formatLocalDate(date)}${name ? ` (${name})` : ""}`)
    .join("; ");
}

const TAKE_MESSAGE_INSTRUCTIONS =
  "When the business is closed, tell callers so and when it next opens, and offer to take a message with their name, callback number and what they need; staff will call back during business hours.";

/**
 * after_hours_instructions: what the assistant does when the business is closed. `renderGreeting`
 * fills the placeholders of an after-hours greeting (as the first message would say it).
 */
export function describeAfterHours(afterHours: AfterHours | null | undefined, renderGreeting: (greeting: string) => string = (greeting) => greeting): string {
  if (afterHours?.mode === "forward" && nonBlankString(afterHours.forwardTo)) {
    const number = oneLine(afterHours.forwardTo);
    return `When the business is closed, calls are forwarded to ${number}. If you are speaking with a caller while it is closed, tell them when it next opens and offer to take a message, or give them the after-hours number ${number}.`;
  }
  if (afterHours?.mode === "greeting" && nonBlankString(afterHours.greeting)) {
    return `When the business is closed, greet callers with: "${oneLine(renderGreeting(afterHours.greeting))}" Then tell them when it next opens and offer to take a message.`;
  }
  return TAKE_MESSAGE_INSTRUCTIONS;
}

function builtInValues(input: RenderInput, situation: Situation): Record<PromptBuiltInKey, string> {
  const { status } = situation;
  return {
    business_name: oneLine(typeof input.businessName === "string" ? input.businessName : "") || "the business",
    today: situation.local ? formatLocalDate(situation.local.date) : "",
    current_time: situation.local?.time ?? "",
    timezone: situation.timeZone,
    open_now: status.open ? "open" : "closed",
    is_open: status.open ? "yes" : "",
    is_closed: status.open ? "" : "yes",
    closes_at: status.open && status.closesAt ? describeMoment(status.closesAt, situation) : "",
    next_opening: !status.open && status.nextOpening ? describeMoment(status.nextOpening, situation) : "",
    business_hours: describeWeeklyHours(input.businessHours),
    holidays: upcomingHolidays(input.businessHours, situation.local?.date),
    after_hours_instructions: "", // filled by contextFor: its greeting may use the other keys
    transfer_directory: formatDirectory(input.transferDirectory),
  };
}

/** Every key a prompt can use: the variables (formatted by type), then the built-ins over them. */
export function buildPromptContext(input: RenderInput): Record<string, string> {
  return contextFor(input, situationOf(input));
}

function contextFor(input: RenderInput, situation: Situation): Record<string, string> {
  const context: Record<string, string> = Object.create(null);
  const variables: Record<string, unknown> = isRecord(input.variables) ? input.variables : {};
  const definitions = Array.isArray(input.template?.variables) ? input.template.variables : [];
  for (const [key, value] of Object.entries(variables)) context[key] = formatUntypedValue(value);
  for (const definition of definitions) {
    if (!isRecord(definition) || typeof definition.key !== "string") continue;
    const given = Object.hasOwn(variables, definition.key) ? variables[definition.key] : undefined;
    const value = given ?? ("default" in definition ? definition.default : undefined);
    try {
      context[definition.key] = formatVariableValue(definition, value);
    } catch {
      context[definition.key] = ""; // a malformed stored definition (say, a select without options) must not break the call
    }
  }
  Object.assign(context, builtInValues(input, situation));
  context.after_hours_instructions = describeAfterHours(input.afterHours, (greeting) => renderPromptTemplate(greeting, context));
  return context;
}

function situationOf(input: RenderInput): Situation {
  const now = input.now instanceof Date && Number.isFinite(input.now.getTime()) ? input.now : new Date(0);
  const timeZone = effectiveTimeZone(input.businessHours);
  return { timeZone, now, local: localWallClockAt(timeZone, now), status: openStatusAt(input.businessHours, now) };
}

// ---------------------------------------------------------------------------------------------
// The assistant
// ---------------------------------------------------------------------------------------------

/** Used when the assistant has neither a custom prompt nor a template prompt. */
export const FALLBACK_SYSTEM_PROMPT = `You are the phone receptionist for {{business_name}}, answering calls on the business's behalf. Be warm, clear and brief: this is a phone call, so use short sentences, ask one question at a time and never read out long lists.

## How to help
- Find out what the caller needs and help with it, using the information below and your tools.
- Never invent prices, availability, policies or promises. When you do not know, say so and offer to take a message.
- Before ending the call, confirm the caller's name and callback number by reading them back.

## Business hours
{{business_hours}} (time zone: {{timezone}})
{{#holidays}}Closed on these upcoming holidays: {{holidays}}.{{/holidays}}

{{#transfer_directory}}## Transfers
You can transfer callers to:
{{transfer_directory}}{{/transfer_directory}}`;

export const FALLBACK_GREETING = "Thank you for calling {{business_name}}. How can I help you today?";

/** Always appended, so the model knows the present even when a template forgot to say it. */
function currentStatusSection(context: PromptContext, status: OpenStatus): string {
  const lines = ["## Current status"];
  const today = contextValue(context, "today");
  if (today) lines.push(`- Now: ${today}, ${contextValue(context, "current_time")} (${contextValue(context, "timezone")}).`);
  if (status.open) {
    const closesAt = contextValue(context, "closes_at");
    lines.push(closesAt ? `- The business is open now, until ${closesAt}.` : "- The business is open now.");
  } else {
    const holiday = status.holiday ? ` for ${oneLine(status.holiday)}` : "";
    const nextOpening = contextValue(context, "next_opening");
    lines.push(
      nextOpening
        ? `- The business is closed now${holiday}. It next opens ${nextOpening}.`
        : `- The business is closed now${holiday}, with no opening hours scheduled; do not promise when it opens.`,
    );
  }
  lines.push(`- After hours: ${contextValue(context, "after_hours_instructions")}`);
  return lines.join("\n");
}

function tidyPrompt(text: string): string {
  return text
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export function renderAssistant(input: RenderInput): RenderedAssistant {
  const situation = situationOf(input);
  const { status } = situation;
  const context = contextFor(input, situation);
  const render = (template: string | null | undefined) => (typeof template === "string" ? tidyPrompt(renderPromptTemplate(template, context)) : "");

  const promptTemplate = nonBlankString(input.customPrompt) ?? nonBlankString(input.template?.systemPrompt) ?? FALLBACK_SYSTEM_PROMPT;
  const body = render(promptTemplate);
  const systemPrompt = tidyPrompt(`${body}\n\n${currentStatusSection(context, status)}`);

  const afterHoursGreeting = !status.open && input.afterHours?.mode === "greeting" ? input.afterHours.greeting : null;
  const greetings = [afterHoursGreeting, input.firstMessage, input.template?.greeting, FALLBACK_GREETING];
  const firstMessage = greetings.map(render).find((text) => text !== "") ?? render(FALLBACK_GREETING);

  const directory = directoryEntriesOf(input.transferDirectory);
  const enabledTools = (Array.isArray(input.enabledTools) ? input.enabledTools : []).filter((name) => name !== "transferCall" || directory.length > 0);
  const tools = toolDefinitions(enabledTools, { transferDestinations: directory.flatMap((entry) => [entry.name, entry.role]) });

  return {
    systemPrompt,
    firstMessage,
    tools,
    openNow: status.open,
    nextOpening: !status.open && status.nextOpening ? status.nextOpening.toISOString() : null,
  };
}
