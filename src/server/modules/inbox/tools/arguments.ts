// The arguments of each in-call tool, validated with the same shapes the tool catalog gives the
// model (assistants/tool-catalog.ts), and turned into one-line messages the model can act on.
import { z } from "@hono/zod-openapi";
import { isExistingIsoDate } from "../../assistants/business-hours.js";
import type { ToolName } from "../../templates/types.js";
import { e164PhoneSchema } from "../../templates/variable-values.js";

const TEXT_MAX_CHARS = 2_000;

const text = (max = TEXT_MAX_CHARS) =>
  z
    .string()
    .transform((value) => value.replaceAll(String.fromCharCode(0), "").replace(/\s+/g, " ").trim())
    .pipe(z.string().min(1, "is empty").max(max, `is longer than ${max} characters`));
const optionalText = (max = TEXT_MAX_CHARS) =>
  z.preprocess((value) => (value === null || (typeof value === "string" && value.trim() === "") ? undefined : value), text(max).optional());

const isoDate = z.string().trim().refine(isExistingIsoDate, "is not a real date in the form YYYY-MM-DD");
const timeOfDay = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'is not a time of day like "14:30"');
/** Models sometimes send numbers as strings ("2"); accept those, refuse anything else. */
const positiveInteger = z.preprocess(
  (value) => (typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z.number().int("must be a whole number").min(1, "must be at least 1").max(99, "must be at most 99"),
);

const callerName = text(120);
const callbackNumber = z.string().pipe(e164PhoneSchema);

export const TOOL_ARGUMENT_SCHEMAS = {
  takeMessage: z.object({
    callerName,
    callbackNumber,
    message: text(),
    urgency: z.enum(["low", "normal", "urgent"]).catch("normal"),
  }),
  scheduleCallback: z.object({ callerName, callbackNumber, preferredTime: text(200), reason: text() }),
  checkAvailability: z.object({ service: text(200), date: isoDate, time: timeOfDay.optional().catch(undefined), provider: optionalText(120) }),
  bookAppointment: z.object({
    callerName,
    callbackNumber,
    service: text(200),
    startsAt: z.string().trim().min(1, "is empty"),
    provider: optionalText(120),
    notes: optionalText(),
  }),
  cancelAppointment: z.object({ callerName, callbackNumber, appointmentDate: z.string().trim().min(10, "is not a date"), reason: optionalText() }),
  takeOrder: z
    .object({
      items: z
        .array(z.object({ name: text(200), quantity: positiveInteger, options: z.array(text(200)).max(20).optional() }), "must be a list of items")
        .min(1, "must have at least one item")
        .max(50, "has more than 50 lines"),
      fulfillment: z.enum(["pickup", "delivery"], "must be pickup or delivery"),
      deliveryAddress: optionalText(500),
      callerName,
      callbackNumber,
      notes: optionalText(),
    })
    .superRefine((order, context) => {
      if (order.fulfillment === "delivery" && !order.deliveryAddress)
        context.addIssue({ code: "custom", path: ["deliveryAddress"], message: "is needed for a delivery" });
    }),
  transferCall: z.object({ destination: text(200), reason: optionalText() }),
  lookupKnowledge: z.object({ query: text(500) }),
  logDriverCallout: z.object({
    driverId: text(60),
    driverName: text(120),
    shiftDate: isoDate,
    shiftStart: timeOfDay.optional().catch(undefined),
    reason: text(),
    expectedReturn: optionalText(200),
  }),
} satisfies Record<ToolName, z.ZodType>;

export type ToolArguments<N extends ToolName> = z.output<(typeof TOOL_ARGUMENT_SCHEMAS)[N]>;

export type ParsedArguments = { ok: true; value: Record<string, unknown> } | { ok: false; raw: Record<string, unknown>; error: string };

const FIELD_LABELS: Record<string, string> = {
  callerName: "the caller's name",
  callbackNumber: "the callback number",
  deliveryAddress: "the delivery address",
  startsAt: "the appointment time",
  appointmentDate: "the appointment date",
  preferredTime: "the preferred time",
  shiftDate: "the shift date",
};

/** JSON text or an object → an object; anything else is refused with a message for the model. */
export function readArguments(raw: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; raw: Record<string, unknown>; error: string } {
  let value: unknown = raw;
  if (typeof raw === "string") {
    if (raw.trim() === "") value = {};
    else {
      try {
        value = JSON.parse(raw);
      } catch {
        return {
          ok: false,
          raw: { unparsed: raw.slice(0, 10_000) },
          error: "I couldn't read the details of that request; please ask the caller again and retry.",
        };
      }
    }
  }
  if (value === undefined || value === null) value = {};
  if (typeof value !== "object" || Array.isArray(value))
    return {
      ok: false,
      raw: { unparsed: String(raw).slice(0, 10_000) },
      error: "I couldn't read the details of that request; please ask the caller again and retry.",
    };
  return { ok: true, value: value as Record<string, unknown> };
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/** Validates one tool's arguments; the failure names the field in words the model can ask about. */
export function validateArguments<N extends ToolName>(
  name: N,
  value: Record<string, unknown>,
): { ok: true; args: ToolArguments<N> } | { ok: false; error: string } {
  const parsed = TOOL_ARGUMENT_SCHEMAS[name].safeParse(value);
  if (parsed.success) return { ok: true, args: parsed.data as ToolArguments<N> };
  const issue = parsed.error.issues[0]!;
  const path = issue.path.filter((part): part is string | number => typeof part === "string" || typeof part === "number");
  const field = String(path.at(-1) ?? "");
  const label = FIELD_LABELS[field] ?? (path.length > 0 ? path.map(String).join(".") : "the request");
  const missing = issue.code === "invalid_type" && valueAt(value, path) === undefined;
  const problem = missing ? "is missing" : issue.message.replace(/\s+/g, " ");
  return { ok: false, error: `I couldn't use ${label}: ${problem}. Please check it with the caller and try again.` };
}
