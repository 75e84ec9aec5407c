// The assistant's editable fields as zod schemas: the one definition of a valid name, voice,
// phone number, directory, recipient list…, used strictly by the routes and field by field by
// previews. The shapes a template variable shares (directory entry, phone) come from the templates feature.
import { z } from "@hono/zod-openapi";
import type { FieldError } from "../../errors.js";
import { emailSchema, requiredText } from "../../http/schemas.js";
import { TOOL_NAMES } from "../templates/types.js";
import { directoryEntrySchema, e164PhoneSchema } from "../templates/variable-values.js";
import { businessHoursSchema } from "./business-hours.js";
import { ASSISTANT_STATUSES } from "./schema.js";

export const MAX_ASSISTANT_NAME_LENGTH = 120;
export const MAX_CUSTOM_PROMPT_LENGTH = 50_000;
export const MAX_FIRST_MESSAGE_LENGTH = 2_000;
export const MAX_AFTER_HOURS_GREETING_LENGTH = 2_000;
export const MAX_LANGUAGES = 10;
export const MAX_TRANSFER_DIRECTORY_ENTRIES = 100;
export const MAX_NOTIFICATION_RECIPIENTS = 20;

/** BCP 47 in practice: a 2–3 letter language, then optional script, region or variant subtags (en, en-US, zh-Hant-TW). */
const LANGUAGE_TAG_PATTERN = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
/** Lower-case provider ids as voice and model providers name themselves: openai, 11labs, cartesia, azure-openai. */
const PROVIDER_PATTERN = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;
const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;

function noDuplicates<T>(key: (value: T) => string, what: string) {
  return (values: T[], context: z.RefinementCtx) => {
    const seen = new Set<string>();
    values.forEach((value, index) => {
      const k = key(value);
      if (seen.has(k)) context.addIssue({ code: "custom", path: [index], message: `${what} is listed twice.` });
      seen.add(k);
    });
  };
}

export const voiceSchema = z
  .strictObject({
    provider: z
      .string()
      .max(40, "Use at most 40 characters.")
      .regex(PROVIDER_PATTERN, "Use the provider's lower-case id, such as vapi or 11labs.")
      .openapi({ example: "vapi" }),
    voiceId: requiredText(200).openapi({ example: "Elliot" }),
  })
  .openapi("Voice");

export const modelSchema = z
  .strictObject({
    provider: z.string().max(40, "Use at most 40 characters.").regex(PROVIDER_PATTERN, "Use the provider's lower-case id, such as openai."),
    model: z.string().max(100, "Use at most 100 characters.").regex(MODEL_NAME_PATTERN, "Use the provider's model name, such as gpt-4o-mini."),
  })
  .openapi("ModelChoice");

export const languagesSchema = z
  .array(z.string().max(35, "Use at most 35 characters.").regex(LANGUAGE_TAG_PATTERN, "Use a language tag such as en, en-US or fr-CA."))
  .min(1, "List at least one language.")
  .max(MAX_LANGUAGES, `List at most ${MAX_LANGUAGES} languages.`)
  .superRefine(noDuplicates((tag) => tag.toLowerCase(), "This language"));

export const afterHoursSchema = z
  .discriminatedUnion("mode", [
    z.strictObject({ mode: z.literal("take_message") }),
    z.strictObject({ mode: z.literal("forward"), forwardTo: e164PhoneSchema }),
    z.strictObject({ mode: z.literal("greeting"), greeting: requiredText(MAX_AFTER_HOURS_GREETING_LENGTH) }),
  ])
  .openapi("AfterHoursInput", { description: "What the assistant does outside business hours" });

/** The same entry shape as a template's directory variable. */
export const transferDirectorySchema = z
  .array(directoryEntrySchema)
  .max(MAX_TRANSFER_DIRECTORY_ENTRIES, `List at most ${MAX_TRANSFER_DIRECTORY_ENTRIES} entries.`);

export const notificationRecipientsSchema = z
  .array(
    z
      .strictObject({ name: requiredText(120).optional(), email: emailSchema.optional(), phone: e164PhoneSchema.optional() })
      .refine((recipient) => recipient.email !== undefined || recipient.phone !== undefined, "Give an email address, a phone number or both."),
  )
  .max(MAX_NOTIFICATION_RECIPIENTS, `List at most ${MAX_NOTIFICATION_RECIPIENTS} recipients.`);

export const enabledToolsSchema = z.array(z.enum(TOOL_NAMES)).superRefine(noDuplicates((tool) => tool, "This tool"));

/** Values are checked against the template's variable definitions by the service (validateVariableValues). */
export const variablesSchema = z
  .record(z.string(), z.unknown())
  .openapi({ description: "Values of the template's variables, by key; validated against the template's definitions" });

/** The fields a caller sets on an assistant (besides templateSlug), each with its schema. */
export const assistantFieldSchemas = {
  name: requiredText(MAX_ASSISTANT_NAME_LENGTH),
  variables: variablesSchema,
  customPrompt: requiredText(MAX_CUSTOM_PROMPT_LENGTH),
  firstMessage: requiredText(MAX_FIRST_MESSAGE_LENGTH).nullable().openapi({ description: "What the assistant says first; null uses the template's greeting" }),
  voice: voiceSchema,
  model: modelSchema,
  languages: languagesSchema,
  businessHours: businessHoursSchema,
  afterHours: afterHoursSchema,
  transferDirectory: transferDirectorySchema,
  notificationRecipients: notificationRecipientsSchema,
  enabledTools: enabledToolsSchema,
  status: z.enum(ASSISTANT_STATUSES),
};

export type AssistantFieldName = keyof typeof assistantFieldSchemas;
export const ASSISTANT_FIELD_NAMES = Object.keys(assistantFieldSchemas) as AssistantFieldName[];

/** Zod's issues as the API's field errors, under a prefix such as "body.overrides". */
export function fieldErrorsOf(error: z.ZodError, pathPrefix: string): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = [pathPrefix, ...issue.path.map(String)].filter(Boolean).join(".");
    if (issue.code === "unrecognized_keys") return issue.keys.map((key) => ({ path: `${path}.${key}`, message: "Unknown field.", code: "unrecognized_key" }));
    return [{ path, message: issue.message, code: issue.code }];
  });
}
