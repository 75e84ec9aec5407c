// The assistant form's values and their round trip to the API: defaults from a template or a
// saved assistant, the request body (prices typed in currency units → priceCents, business hours
// per weekday → a flat weekly list), the zod schema built from the template's variables, and the
// mapping of the API's error paths (body.variables.menu.3.priceCents) back onto the controls.
import { z } from "zod";
import type {
  AfterHours,
  Assistant,
  AssistantBody,
  AssistantStatus,
  BusinessHours,
  DirectoryEntry,
  MenuItem,
  NotificationRecipient,
  Template,
  ToolName,
  VariableDefinition,
  VariableValues,
} from "../api/assistants";
import { centsToInput, parseMoney } from "./money";

// ---------------------------------------------------------------------------------------------
// Form values

export type RangeForm = { open: string; close: string };
export type DayForm = { closed: boolean; ranges: RangeForm[] };
/**
 * Business hours as edited: one entry per weekday (index 0 = Sunday, like the API's `day`).
 * `enabled` is false for an optional hours variable left unset ("deliver whenever we are open").
 */
export type HoursForm = { enabled: boolean; timezone: string; days: DayForm[]; holidays: { date: string; name: string }[] };
export type MenuChoiceForm = { name: string; priceDelta: string };
export type MenuOptionForm = { name: string; required: boolean; multiple: boolean; choices: MenuChoiceForm[] };
export type MenuRowForm = { name: string; description: string; category: string; price: string; duration: string; options: MenuOptionForm[] };
export type DirectoryRowForm = { name: string; role: string; phone: string };
export type RecipientForm = { name: string; email: string; phone: string };
export type VariableFormValue = string | string[] | HoursForm | MenuRowForm[] | DirectoryRowForm[];

export type AssistantFormValues = {
  name: string;
  status: AssistantStatus;
  customPrompt: string;
  firstMessage: string;
  variables: Record<string, VariableFormValue>;
  voice: { provider: string; voiceId: string };
  model: { provider: string; model: string };
  languages: string[];
  businessHours: HoursForm;
  afterHours: { mode: AfterHours["mode"]; forwardTo: string; greeting: string };
  transferDirectory: DirectoryRowForm[];
  notificationRecipients: RecipientForm[];
  enabledTools: ToolName[];
};

export const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
/** Weekdays in the order a week is shown: Monday first. */
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;
export const DEFAULT_RANGE: RangeForm = { open: "09:00", close: "17:00" };

export const emptyMenuRow = (): MenuRowForm => ({ name: "", description: "", category: "", price: "", duration: "", options: [] });
export const emptyDirectoryRow = (): DirectoryRowForm => ({ name: "", role: "", phone: "" });

export function defaultHours(timezone: string): HoursForm {
  return {
    enabled: true,
    timezone,
    days: WEEKDAY_NAMES.map((_, day) => ({ closed: day === 0 || day === 6, ranges: [{ ...DEFAULT_RANGE }] })),
    holidays: [],
  };
}

export function hoursToForm(hours: BusinessHours | undefined, fallbackTimezone: string): HoursForm {
  if (!hours) return defaultHours(fallbackTimezone);
  const days: DayForm[] = WEEKDAY_NAMES.map(() => ({ closed: true, ranges: [] }));
  for (const range of hours.weekly) {
    const day = days[range.day];
    if (!day) continue;
    day.closed = false;
    // "24:00" (end of the day) is what a time input calls "00:00": closing at or before opening means past midnight.
    day.ranges.push({ open: range.open, close: range.close === "24:00" ? "00:00" : range.close });
  }
  // A closed day keeps a range ready for when it is opened again.
  for (const day of days) if (day.ranges.length === 0) day.ranges.push({ ...DEFAULT_RANGE });
  return { enabled: true, timezone: hours.timezone || fallbackTimezone, days, holidays: hours.holidays.map((h) => ({ date: h.date, name: h.name ?? "" })) };
}

function isHoursForm(value: unknown): value is HoursForm {
  return typeof value === "object" && value !== null && "days" in value && Array.isArray((value as HoursForm).days);
}

function isBusinessHours(value: unknown): value is BusinessHours {
  return typeof value === "object" && value !== null && "weekly" in value && Array.isArray((value as BusinessHours).weekly);
}

function variableToForm(definition: VariableDefinition, value: unknown, timezone: string): VariableFormValue {
  switch (definition.type) {
    case "business_hours": {
      // An optional schedule (delivery hours) stays off until someone sets it.
      const hours = hoursToForm(isBusinessHours(value) ? value : undefined, timezone);
      return { ...hours, enabled: definition.required || isBusinessHours(value) };
    }
    case "menu": {
      const items = Array.isArray(value) ? (value as MenuItem[]) : [];
      return items.map((item) => ({
        name: item.name ?? "",
        description: item.description ?? "",
        category: item.category ?? "",
        price: typeof item.priceCents === "number" ? centsToInput(item.priceCents, definition.currency) : "",
        duration: item.durationMinutes !== undefined ? String(item.durationMinutes) : "",
        options: (item.options ?? []).map((option) => ({
          name: option.name,
          required: option.required ?? false,
          multiple: option.multiple ?? false,
          choices: option.choices.map((choice) => ({ name: choice.name, priceDelta: centsToInput(choice.priceDeltaCents, definition.currency) })),
        })),
      }));
    }
    case "directory": {
      const entries = Array.isArray(value) ? (value as DirectoryEntry[]) : [];
      return entries.map((entry) => ({ name: entry.name ?? "", role: entry.role ?? "", phone: entry.phone ?? "" }));
    }
    case "multiselect":
      return Array.isArray(value) ? value.map(String) : (definition.default ?? []);
    case "number":
      if (typeof value === "number") return String(value);
      return definition.default !== undefined ? String(definition.default) : "";
    default:
      if (typeof value === "string") return value;
      return definition.default ?? "";
  }
}

type DefaultsInput = {
  template: Template | null;
  assistant?: Assistant | undefined;
  organizationTimezone: string;
  recipient?: RecipientForm | undefined;
};

/** The form's starting values: a saved assistant's, or a new one's from the template. */
export function formDefaults({ template, assistant, organizationTimezone, recipient }: DefaultsInput): AssistantFormValues {
  const timezone = assistant?.businessHours.timezone ?? organizationTimezone;
  const variables: Record<string, VariableFormValue> = {};
  for (const definition of template?.variables ?? []) variables[definition.key] = variableToForm(definition, assistant?.variables[definition.key], timezone);
  const afterHours = assistant?.afterHours ?? { mode: "take_message" };
  return {
    name: assistant?.name ?? "",
    status: assistant?.status ?? "draft",
    customPrompt: assistant?.customPrompt ?? "",
    firstMessage: assistant?.firstMessage ?? "",
    variables,
    voice: assistant?.voice ?? template?.suggestedVoice ?? { provider: "", voiceId: "" },
    model: assistant?.model ?? { provider: "", model: "" },
    languages: assistant?.languages ?? ["en"],
    businessHours: hoursToForm(assistant?.businessHours, timezone),
    afterHours: {
      mode: afterHours.mode,
      forwardTo: afterHours.mode === "forward" ? afterHours.forwardTo : "",
      greeting: afterHours.mode === "greeting" ? afterHours.greeting : "",
    },
    transferDirectory: (assistant?.transferDirectory ?? []).map((entry) => ({ name: entry.name, role: entry.role, phone: entry.phone })),
    notificationRecipients: assistant
      ? assistant.notificationRecipients.map((r) => ({ name: r.name ?? "", email: r.email ?? "", phone: r.phone ?? "" }))
      : recipient
        ? [recipient]
        : [],
    enabledTools: assistant?.enabledTools ?? template?.tools ?? ["takeMessage"],
  };
}

// ---------------------------------------------------------------------------------------------
// Form values → request body

/** "+1 (415) 555-0123" → "+14155550123": what the API's E.164 check expects. */
export function normalizePhone(text: string): string {
  return text.trim().replace(/[\s().-]/g, "");
}

const E164 = /^\+[1-9]\d{6,14}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Where each entry of a converted `weekly` list came from: weekly.3 → days.2.ranges.1. */
export type WeeklyOrigin = string[];

export function hoursToBody(form: HoursForm, lenient: boolean): { hours: BusinessHours; origins: WeeklyOrigin } {
  const weekly: BusinessHours["weekly"] = [];
  const origins: WeeklyOrigin = [];
  form.days.forEach((day, index) => {
    if (day.closed) return;
    day.ranges.forEach((range, r) => {
      if (lenient && (!TIME.test(range.open) || !TIME.test(range.close))) return;
      weekly.push({ day: index as BusinessHours["weekly"][number]["day"], open: range.open, close: range.close });
      origins.push(`days.${index}.ranges.${r}`);
    });
  });
  const holidays = form.holidays
    .filter((holiday) => !lenient || DATE.test(holiday.date))
    .map((holiday) => (holiday.name.trim() ? { date: holiday.date, name: holiday.name.trim() } : { date: holiday.date }));
  return { hours: { timezone: form.timezone, weekly, holidays }, origins };
}

function menuToBody(rows: MenuRowForm[], currency: string, lenient: boolean): MenuItem[] {
  const items: MenuItem[] = [];
  for (const row of rows) {
    const priceCents = parseMoney(row.price, currency);
    if (lenient && (!row.name.trim() || priceCents === null)) continue;
    const item: MenuItem = { name: row.name.trim(), priceCents: priceCents ?? 0 };
    if (row.description.trim()) item.description = row.description.trim();
    if (row.category.trim()) item.category = row.category.trim();
    const duration = Number.parseInt(row.duration, 10);
    if (row.duration.trim() && Number.isFinite(duration)) item.durationMinutes = duration;
    const options = row.options
      .filter((option) => !lenient || option.name.trim())
      .map((option) => ({
        name: option.name.trim(),
        required: option.required,
        multiple: option.multiple,
        choices: option.choices
          .filter((choice) => !lenient || choice.name.trim())
          .map((choice) => ({ name: choice.name.trim(), priceDeltaCents: parseMoney(choice.priceDelta || "0", currency, { allowNegative: true }) ?? 0 })),
      }));
    if (options.length > 0) item.options = options;
    items.push(item);
  }
  return items;
}

function directoryToBody(rows: DirectoryRowForm[], lenient: boolean): DirectoryEntry[] {
  return rows
    .filter((row) => !lenient || (row.name.trim() && row.phone.trim()))
    .map((row) => ({ name: row.name.trim(), role: row.role.trim(), phone: normalizePhone(row.phone) }));
}

export type BodyResult = { body: AssistantBody; origins: Record<string, WeeklyOrigin> };

/**
 * The request body for the form's values. `lenient` (for the live preview) leaves out what is not
 * filled in well enough to send yet, so half-typed rows do not turn the preview into an error.
 */
export function toBody(values: AssistantFormValues, template: Template | null, { lenient = false } = {}): BodyResult {
  const origins: Record<string, WeeklyOrigin> = {};
  const variables: VariableValues = {};
  for (const definition of template?.variables ?? []) {
    const value = values.variables[definition.key];
    if (value === undefined) continue;
    switch (definition.type) {
      case "business_hours": {
        if (!isHoursForm(value) || (!definition.required && !value.enabled)) break;
        const { hours, origins: weekly } = hoursToBody(value, lenient);
        variables[definition.key] = hours;
        origins[`variables.${definition.key}`] = weekly;
        break;
      }
      case "menu":
        if (Array.isArray(value)) variables[definition.key] = menuToBody(value as MenuRowForm[], definition.currency, lenient);
        break;
      case "directory":
        if (Array.isArray(value)) variables[definition.key] = directoryToBody(value as DirectoryRowForm[], lenient);
        break;
      case "multiselect":
        if (Array.isArray(value)) variables[definition.key] = value as string[];
        break;
      case "number": {
        const text = String(value).trim();
        const number = Number(text);
        if (text !== "" && Number.isFinite(number)) variables[definition.key] = number;
        break;
      }
      case "phone": {
        const text = normalizePhone(String(value));
        if (text && (!lenient || E164.test(text))) variables[definition.key] = text;
        break;
      }
      default: {
        const text = String(value).trim();
        if (text) variables[definition.key] = text;
      }
    }
  }

  const converted = hoursToBody(values.businessHours, lenient);
  const businessHours = converted.hours;
  origins.businessHours = converted.origins;

  const mode = values.afterHours.mode;
  const afterHours: AfterHours =
    mode === "forward"
      ? { mode, forwardTo: normalizePhone(values.afterHours.forwardTo) }
      : mode === "greeting"
        ? { mode, greeting: values.afterHours.greeting.trim() }
        : { mode: "take_message" };

  const recipients: NotificationRecipient[] = values.notificationRecipients
    .map((r) => {
      const recipient: NotificationRecipient = {};
      if (r.name.trim()) recipient.name = r.name.trim();
      if (r.email.trim()) recipient.email = r.email.trim();
      if (r.phone.trim()) recipient.phone = normalizePhone(r.phone);
      return recipient;
    })
    .filter((r) => !lenient || r.email || r.phone);

  const body: AssistantBody = {
    name: values.name.trim() || (lenient ? "Untitled assistant" : ""),
    ...(template ? { templateSlug: template.slug, variables } : { customPrompt: values.customPrompt }),
    firstMessage: values.firstMessage.trim() || null,
    languages: values.languages,
    businessHours,
    afterHours: lenient && mode === "forward" && !E164.test(normalizePhone(values.afterHours.forwardTo)) ? { mode: "take_message" } : afterHours,
    transferDirectory: directoryToBody(values.transferDirectory, lenient),
    notificationRecipients: recipients,
    enabledTools: values.enabledTools,
    status: values.status,
  };
  // Voice and model: both parts, or neither for the API's default (the template's suggested voice, or the platform's).
  if (values.voice.provider.trim() && values.voice.voiceId.trim())
    body.voice = { provider: values.voice.provider.trim(), voiceId: values.voice.voiceId.trim() };
  if (values.model.provider.trim() && values.model.model.trim()) body.model = { provider: values.model.provider.trim(), model: values.model.model.trim() };
  return { body, origins };
}

/** A PATCH (or a saved assistant's preview overrides) has no templateSlug, and a custom prompt only without a template. */
export function toPatchBody(body: AssistantBody): Partial<AssistantBody> {
  const { templateSlug, ...patch } = body;
  if (templateSlug) delete patch.customPrompt;
  return patch;
}

// ---------------------------------------------------------------------------------------------
// Validation (the cheap part; the API checks everything again)

const phoneField = (required: boolean) =>
  z.string().superRefine((value, ctx) => {
    const phone = normalizePhone(value);
    if (!phone) {
      if (required) ctx.addIssue({ code: "custom", message: "Enter a phone number." });
      return;
    }
    if (!E164.test(phone)) ctx.addIssue({ code: "custom", message: "Use the international format, like +1 415 555 0123." });
  });

const hoursSchema = z.object({
  enabled: z.boolean(),
  timezone: z.string().min(1, "Choose a time zone."),
  days: z.array(
    z.object({
      closed: z.boolean(),
      ranges: z.array(z.object({ open: z.string(), close: z.string() })),
    }),
  ),
  holidays: z.array(z.object({ date: z.string().regex(DATE, "Pick a date."), name: z.string().max(120, "Use at most 120 characters.") })),
});

function checkRanges(days: DayForm[], ctx: z.RefinementCtx, prefix: (string | number)[]) {
  days.forEach((day, d) => {
    if (day.closed) return;
    day.ranges.forEach((range, r) => {
      if (!TIME.test(range.open)) ctx.addIssue({ code: "custom", path: [...prefix, "days", d, "ranges", r, "open"], message: "Enter an opening time." });
      if (!TIME.test(range.close)) ctx.addIssue({ code: "custom", path: [...prefix, "days", d, "ranges", r, "close"], message: "Enter a closing time." });
      else if (range.open === range.close)
        ctx.addIssue({ code: "custom", path: [...prefix, "days", d, "ranges", r, "close"], message: "Opening and closing times are the same." });
    });
  });
}

const directoryRowSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(120, "Use at most 120 characters."),
  role: z.string().max(120, "Use at most 120 characters."),
  phone: phoneField(true),
});

function variableSchema(definition: VariableDefinition): z.ZodType {
  const required = definition.required;
  switch (definition.type) {
    case "text":
    case "textarea": {
      let text = z.string().trim();
      if (required) text = text.min(1, `Enter ${definition.label.toLowerCase()}.`);
      if (definition.maxLength) text = text.max(definition.maxLength, `Use at most ${definition.maxLength} characters.`);
      return text;
    }
    case "phone":
      return phoneField(required);
    case "email":
      return z
        .string()
        .trim()
        .superRefine((value, ctx) => {
          if (!value) {
            if (required) ctx.addIssue({ code: "custom", message: "Enter an email address." });
          } else if (!z.email().safeParse(value).success) ctx.addIssue({ code: "custom", message: "Enter a valid email address." });
        });
    case "url":
      return z
        .string()
        .trim()
        .superRefine((value, ctx) => {
          if (!value) {
            if (required) ctx.addIssue({ code: "custom", message: "Enter a web address." });
          } else if (!/^https?:\/\/[^\s.]+\.[^\s]+$/i.test(value)) ctx.addIssue({ code: "custom", message: "Enter a full address, like https://example.com." });
        });
    case "number":
      return z.string().superRefine((value, ctx) => {
        const text = value.trim();
        if (!text) {
          if (required) ctx.addIssue({ code: "custom", message: "Enter a number." });
          return;
        }
        const number = Number(text);
        if (!Number.isFinite(number)) ctx.addIssue({ code: "custom", message: "Enter a number." });
        else if (definition.integer && !Number.isInteger(number)) ctx.addIssue({ code: "custom", message: "Enter a whole number." });
        else if (definition.min !== undefined && number < definition.min) ctx.addIssue({ code: "custom", message: `Enter at least ${definition.min}.` });
        else if (definition.max !== undefined && number > definition.max) ctx.addIssue({ code: "custom", message: `Enter at most ${definition.max}.` });
      });
    case "select":
      return required ? z.string().min(1, "Choose one.") : z.string();
    case "multiselect":
      return required ? z.array(z.string()).min(1, "Choose at least one.") : z.array(z.string());
    case "business_hours":
      return hoursSchema.superRefine((hours, ctx) => {
        if (hours.enabled) checkRanges(hours.days, ctx, []);
      });
    case "menu": {
      const money = (allowNegative: boolean, message: string) =>
        z.string().refine((value) => parseMoney(value || (allowNegative ? "0" : ""), definition.currency, { allowNegative }) !== null, message);
      const rows = z.array(
        z.object({
          name: z.string().trim().min(1, "Enter a name.").max(200, "Use at most 200 characters."),
          description: z.string(),
          category: z.string(),
          price: money(false, "Enter a price, like 12.50."),
          duration: z.string().refine((value) => !value.trim() || (/^\d+$/.test(value.trim()) && Number(value) > 0), "Enter minutes, like 30."),
          options: z.array(
            z.object({
              name: z.string().trim().min(1, "Name the option."),
              required: z.boolean(),
              multiple: z.boolean(),
              choices: z.array(z.object({ name: z.string().trim().min(1, "Name the choice."), priceDelta: money(true, "Enter an amount, like 1.50.") })),
            }),
          ),
        }),
      );
      return required ? rows.min(1, "Add at least one item.") : rows;
    }
    case "directory":
      return required ? z.array(directoryRowSchema).min(1, "Add at least one person or department.") : z.array(directoryRowSchema);
  }
}

/** The zod schema of the whole form, for this template (or a custom prompt when there is none). */
export function assistantFormSchema(template: Template | null): z.ZodType<AssistantFormValues, AssistantFormValues> {
  const variableShape: Record<string, z.ZodType> = {};
  for (const definition of template?.variables ?? []) variableShape[definition.key] = variableSchema(definition);
  return z
    .object({
      name: z.string().trim().min(1, "Name your assistant.").max(120, "Use at most 120 characters."),
      status: z.enum(["draft", "active", "paused"]),
      customPrompt: template ? z.string() : z.string().trim().min(1, "Write the instructions your assistant follows."),
      firstMessage: template ? z.string().max(1000, "Use at most 1000 characters.") : z.string().trim().min(1, "Enter what the assistant says first."),
      variables: z.object(variableShape),
      voice: z.object({ provider: z.string(), voiceId: z.string().max(100, "Use at most 100 characters.") }),
      model: z.object({ provider: z.string(), model: z.string() }),
      languages: z.array(z.string()).min(1, "Choose at least one language."),
      businessHours: hoursSchema,
      afterHours: z.object({ mode: z.enum(["take_message", "forward", "greeting"]), forwardTo: z.string(), greeting: z.string() }),
      transferDirectory: z.array(directoryRowSchema),
      notificationRecipients: z.array(z.object({ name: z.string(), email: z.string(), phone: z.string() })),
      enabledTools: z.array(z.string()),
    })
    .superRefine((values, ctx) => {
      checkRanges(values.businessHours.days, ctx, ["businessHours"]);
      if (values.afterHours.mode === "forward" && !E164.test(normalizePhone(values.afterHours.forwardTo)))
        ctx.addIssue({ code: "custom", path: ["afterHours", "forwardTo"], message: "Enter the number to forward to, like +1 415 555 0123." });
      if (values.afterHours.mode === "greeting" && !values.afterHours.greeting.trim())
        ctx.addIssue({ code: "custom", path: ["afterHours", "greeting"], message: "Enter what the assistant says after hours." });
      const bothModel = Boolean(values.model.provider.trim()) === Boolean(values.model.model.trim());
      if (!bothModel)
        ctx.addIssue({ code: "custom", path: ["model", values.model.provider.trim() ? "model" : "provider"], message: "Fill in both, or neither." });
      const bothVoice = Boolean(values.voice.provider.trim()) === Boolean(values.voice.voiceId.trim());
      if (!bothVoice)
        ctx.addIssue({ code: "custom", path: ["voice", values.voice.provider.trim() ? "voiceId" : "provider"], message: "Fill in both, or neither." });
      values.notificationRecipients.forEach((recipient, index) => {
        const email = recipient.email.trim();
        const phone = normalizePhone(recipient.phone);
        if (!email && !phone)
          ctx.addIssue({ code: "custom", path: ["notificationRecipients", index, "email"], message: "Enter an email address or a phone number." });
        if (email && !z.email().safeParse(email).success)
          ctx.addIssue({ code: "custom", path: ["notificationRecipients", index, "email"], message: "Enter a valid email address." });
        if (phone && !E164.test(phone))
          ctx.addIssue({ code: "custom", path: ["notificationRecipients", index, "phone"], message: "Use the international format, like +1 415 555 0123." });
      });
    }) as unknown as z.ZodType<AssistantFormValues, AssistantFormValues>;
}

// ---------------------------------------------------------------------------------------------
// API error paths → form fields

/**
 * "body.variables.menu.3.priceCents" → "variables.menu.3.price"; "body.businessHours.weekly.2.open"
 * → "businessHours.days.3.ranges.0.open" (through the origins recorded when the body was built).
 */
export function formPathOf(apiPath: string, template: Template | null, origins: Record<string, WeeklyOrigin>): string {
  const parts = apiPath.replace(/^body\.(overrides\.)?/, "").split(".");
  if (parts[0] === "variables" && parts[1]) {
    const key = parts[1];
    const definition = template?.variables.find((d) => d.key === key);
    const rest = parts.slice(2);
    if (definition?.type === "menu") {
      const renamed = rest.map((part) =>
        part === "priceCents" ? "price" : part === "durationMinutes" ? "duration" : part === "priceDeltaCents" ? "priceDelta" : part,
      );
      return ["variables", key, ...renamed].join(".");
    }
    if (definition?.type === "business_hours") return ["variables", key, ...hoursRest(rest, origins[`variables.${key}`])].join(".");
    return ["variables", key, ...rest].join(".");
  }
  if (parts[0] === "businessHours") return ["businessHours", ...hoursRest(parts.slice(1), origins.businessHours)].join(".");
  if (parts[0] === "customPrompt" || parts[0] === "templateSlug") return parts[0] === "templateSlug" ? "root.template" : "customPrompt";
  return parts.join(".");
}

function hoursRest(rest: string[], origin: WeeklyOrigin | undefined): string[] {
  if (rest[0] === "weekly" && rest[1] !== undefined) {
    const from = origin?.[Number(rest[1])];
    if (from) return [...from.split("."), ...rest.slice(2)];
    return ["days"];
  }
  return rest;
}

/** A person-readable name for an API error path, for the list of problems above the form. */
export function describePath(apiPath: string, template: Template | null): string {
  const parts = apiPath.replace(/^body\.(overrides\.)?/, "").split(".");
  const labels: Record<string, string> = {
    name: "Name",
    firstMessage: "First message",
    customPrompt: "Instructions",
    voice: "Voice",
    model: "Model",
    languages: "Languages",
    businessHours: "Business hours",
    afterHours: "After hours",
    transferDirectory: "Transfer directory",
    notificationRecipients: "Notification recipients",
    enabledTools: "Tools",
    status: "Status",
    templateSlug: "Template",
  };
  const [head, key, ...rest] = parts;
  if (head === "variables" && key) {
    const definition = template?.variables.find((d) => d.key === key);
    const label = definition?.label ?? key;
    const index = rest.find((part) => /^\d+$/.test(part));
    if (index !== undefined && (definition?.type === "menu" || definition?.type === "directory")) return `${label}, row ${Number(index) + 1}`;
    return label;
  }
  const label = labels[head ?? ""] ?? head ?? "";
  const index = [key, ...rest].find((part) => part !== undefined && /^\d+$/.test(part));
  return index !== undefined && (head === "transferDirectory" || head === "notificationRecipients") ? `${label}, row ${Number(index) + 1}` : label;
}
