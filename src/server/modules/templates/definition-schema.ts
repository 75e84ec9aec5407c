// The complete validation of an industry template file (/templates/<slug>.json): shape, variable
// definitions by type, tools, and every {{placeholder}} of the prompt and greeting. The loader
// refuses to start on a file this rejects; the API reuses the same shapes for its responses.
import { z } from "@hono/zod-openapi";
import { isValidPhoneNumber } from "libphonenumber-js";
import { CONVERSATION_SLOT_TYPES, INDUSTRIES, type TemplateDefinition, TOOL_NAMES } from "./types.js";

/**
 * Placeholders the prompt renderer fills from the organization, the assistant and the clock rather
 * than from template variables: the keys of PROMPT_BUILT_INS in assistants/render-prompt.ts (a unit
 * test keeps the two lists equal). A template may use them but not define a variable with their name.
 */
export const BUILT_IN_PROMPT_KEYS = [
  "business_name",
  "today",
  "current_time",
  "timezone",
  "open_now",
  "is_open",
  "is_closed",
  "closes_at",
  "next_opening",
  "business_hours",
  "holidays",
  "after_hours_instructions",
  "transfer_directory",
] as const;
export type BuiltInPromptKey = (typeof BUILT_IN_PROMPT_KEYS)[number];

export const TEMPLATE_SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const VARIABLE_KEY_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const VOICE_PROVIDER_PATTERN = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
const CURRENCY_PATTERN = /^[A-Z]{3}$/;

const MAX_PROMPT_LENGTH = 20_000;
const MAX_VARIABLES = 40;

function text(maxLength: number) {
  return z
    .string()
    .max(maxLength, `Use at most ${maxLength} characters.`)
    .refine((value) => value.trim().length > 0, "Must not be empty.");
}

const optionSchema = z
  .strictObject({
    value: z.string().regex(VARIABLE_KEY_PATTERN, "Use snake_case: lowercase letters, digits and single underscores."),
    label: text(120),
  })
  .openapi("TemplateVariableOption");

const variableBase = {
  key: z
    .string()
    .max(64, "Use at most 64 characters.")
    .regex(VARIABLE_KEY_PATTERN, "Use snake_case: a lowercase letter, then lowercase letters, digits and single underscores.")
    .openapi({ description: "Referenced in the prompt as {{key}}", example: "delivery_fee" }),
  label: text(120),
  help: text(500).optional(),
  required: z.boolean(),
  placeholder: text(500).optional(),
};

function uniqueOptions(options: { value: string }[], context: z.RefinementCtx) {
  const seen = new Set<string>();
  options.forEach((option, index) => {
    if (seen.has(option.value)) context.addIssue({ code: "custom", path: ["options", index, "value"], message: `Option "${option.value}" is listed twice.` });
    seen.add(option.value);
  });
}

function defaultWithinLength(variable: { maxLength?: number | undefined; default?: string | undefined }, context: z.RefinementCtx) {
  if (variable.maxLength !== undefined && variable.default !== undefined && variable.default.length > variable.maxLength) {
    context.addIssue({ code: "custom", path: ["default"], message: `The default is longer than maxLength (${variable.maxLength}).` });
  }
}

const textVariableSchema = z
  .strictObject({
    ...variableBase,
    type: z.literal("text"),
    maxLength: z.number().int().min(1).max(2_000).optional(),
    default: z.string().max(2_000).optional(),
  })
  .superRefine(defaultWithinLength)
  .openapi("TemplateTextVariable");

const textareaVariableSchema = z
  .strictObject({
    ...variableBase,
    type: z.literal("textarea"),
    maxLength: z.number().int().min(1).max(20_000).optional(),
    default: z.string().max(20_000).optional(),
  })
  .superRefine(defaultWithinLength)
  .openapi("TemplateTextareaVariable");

const phoneVariableSchema = z
  .strictObject({
    ...variableBase,
    type: z.literal("phone"),
    default: z
      .string()
      .refine((value) => /^\+\d+$/.test(value) && isValidPhoneNumber(value), "Use a valid phone number in E.164 format, e.g. +14155550123.")
      .optional(),
  })
  .openapi("TemplatePhoneVariable");

const emailVariableSchema = z
  .strictObject({ ...variableBase, type: z.literal("email"), default: z.email("Use a valid email address.").optional() })
  .openapi("TemplateEmailVariable");

const urlVariableSchema = z
  .strictObject({
    ...variableBase,
    type: z.literal("url"),
    default: z.url({ protocol: /^https?$/, error: "Use an http(s) URL." }).optional(),
  })
  .openapi("TemplateUrlVariable");

const numberVariableSchema = z
  .strictObject({
    ...variableBase,
    type: z.literal("number"),
    min: z.number().optional(),
    max: z.number().optional(),
    integer: z.boolean().optional(),
    unit: text(40).optional().openapi({ description: "Shown next to the field, e.g. minutes, USD, miles" }),
    default: z.number().optional(),
  })
  .superRefine((variable, context) => {
    if (variable.min !== undefined && variable.max !== undefined && variable.min > variable.max) {
      context.addIssue({ code: "custom", path: ["max"], message: "max is below min." });
    }
    const value = variable.default;
    if (value === undefined) return;
    if (variable.integer && !Number.isInteger(value)) context.addIssue({ code: "custom", path: ["default"], message: "The default must be a whole number." });
    if (variable.min !== undefined && value < variable.min) context.addIssue({ code: "custom", path: ["default"], message: "The default is below min." });
    if (variable.max !== undefined && value > variable.max) context.addIssue({ code: "custom", path: ["default"], message: "The default is above max." });
  })
  .openapi("TemplateNumberVariable");

const selectVariableSchema = z
  .strictObject({
    ...variableBase,
    type: z.literal("select"),
    options: z.array(optionSchema).min(2, "Offer at least two options.").max(50),
    default: z.string().optional(),
  })
  .superRefine((variable, context) => {
    uniqueOptions(variable.options, context);
    if (variable.default !== undefined && !variable.options.some((option) => option.value === variable.default)) {
      context.addIssue({ code: "custom", path: ["default"], message: `The default "${variable.default}" is not one of the options.` });
    }
  })
  .openapi("TemplateSelectVariable");

const multiselectVariableSchema = z
  .strictObject({
    ...variableBase,
    type: z.literal("multiselect"),
    options: z.array(optionSchema).min(2, "Offer at least two options.").max(100),
    default: z.array(z.string()).optional(),
  })
  .superRefine((variable, context) => {
    uniqueOptions(variable.options, context);
    const values = new Set(variable.options.map((option) => option.value));
    variable.default?.forEach((value, index) => {
      if (!values.has(value)) context.addIssue({ code: "custom", path: ["default", index], message: `"${value}" is not one of the options.` });
    });
  })
  .openapi("TemplateMultiselectVariable");

const businessHoursVariableSchema = z
  .strictObject({ ...variableBase, type: z.literal("business_hours") })
  .openapi("TemplateBusinessHoursVariable", { description: "Weekly hours with a time zone and holiday closures, e.g. kitchen or delivery hours" });

const menuVariableSchema = z
  .strictObject({
    ...variableBase,
    type: z.literal("menu"),
    currency: z.string().regex(CURRENCY_PATTERN, "Use an ISO 4217 currency code such as USD.").openapi({ example: "USD" }),
  })
  .openapi("TemplateMenuVariable", { description: "A menu or price list; items carry prices in minor units, optional durations and options" });

const directoryVariableSchema = z
  .strictObject({ ...variableBase, type: z.literal("directory") })
  .openapi("TemplateDirectoryVariable", { description: "A staff or department directory: name, role, phone" });

export const variableDefinitionSchema = z
  .discriminatedUnion("type", [
    textVariableSchema,
    textareaVariableSchema,
    phoneVariableSchema,
    emailVariableSchema,
    urlVariableSchema,
    numberVariableSchema,
    selectVariableSchema,
    multiselectVariableSchema,
    businessHoursVariableSchema,
    menuVariableSchema,
    directoryVariableSchema,
  ])
  .openapi("TemplateVariable");

export const suggestedVoiceSchema = z
  .strictObject({
    provider: z.string().regex(VOICE_PROVIDER_PATTERN, "Use the provider's lowercase id, e.g. vapi.").openapi({ example: "vapi" }),
    voiceId: text(100).openapi({ example: "Elliot" }),
  })
  // Not "Voice": that name belongs to the assistants feature's own voice schema.
  .openapi("SuggestedVoice");

export const conversationTurnSchema = z.strictObject({ speaker: z.enum(["assistant", "caller"]), text: text(2_000) }).openapi("TemplateConversationTurn");

export const industrySchema = z.enum(INDUSTRIES).openapi("Industry");

const CONVERSATION_KEY_PATTERN = /^[a-z][a-zA-Z0-9]*$/;
const phraseList = (max: number) => z.array(text(300)).min(1).max(max);

const conversationSlotSchema = z
  .strictObject({
    key: z.string().max(40).regex(CONVERSATION_KEY_PATTERN, "Use camelCase, e.g. callerName."),
    type: z.enum(CONVERSATION_SLOT_TYPES),
    prompt: text(300),
    confirmCallerPrompt: text(300).optional(),
    retryPrompt: text(300).optional(),
    optional: z.boolean().optional(),
    onlyWhen: z.strictObject({ slot: z.string().max(40), equals: z.string().max(60) }).optional(),
    choices: z
      .array(z.strictObject({ value: z.string().max(60), phrases: phraseList(20) }))
      .max(10)
      .optional(),
    default: z.string().max(300).optional(),
  })
  .openapi("TemplateConversationSlot");

const conversationToolCallFields = { tool: z.enum(TOOL_NAMES), arguments: z.record(z.string().max(60), z.string().max(500)) };

const conversationIntentSchema = z
  .strictObject({
    name: z.string().max(40).regex(VARIABLE_KEY_PATTERN, "Use snake_case."),
    examples: phraseList(40),
    keywords: z.array(text(60)).max(60),
    slots: z.array(conversationSlotSchema).max(12),
    check: z
      .strictObject({
        ...conversationToolCallFields,
        after: z.array(z.string().max(40)).max(12),
        offers: z.string().max(40),
        offerPrompt: text(300),
        unavailablePrompt: text(300),
      })
      .optional(),
    confirmation: text(500).optional(),
    action: z.strictObject(conversationToolCallFields),
    success: text(500),
    failure: text(500),
    noAnswer: text(500).optional(),
    retrySlots: z.array(z.string().max(40)).max(12).optional(),
    fallbackIntent: z.string().max(40).optional(),
    answersQuestions: z.boolean().optional(),
    endsCall: z.boolean().optional(),
  })
  .openapi("TemplateConversationIntent");

/** The template engine's data: intents, their slots and tools, and the generic phrases. */
export const conversationDefinitionSchema = z
  .strictObject({
    intents: z.array(conversationIntentSchema).min(1).max(20),
    phrases: z.strictObject({
      notUnderstood: phraseList(10),
      silence: text(300),
      capabilities: text(300),
      anythingElse: text(300),
      howCanIHelp: text(300),
      goodbye: text(300),
      switchIntent: text(300),
      changeWhat: text(300),
      optionPrompt: text(300),
      notOnMenu: text(300),
      toolError: text(300),
      offerFallback: text(300),
      fallbackIntent: z.string().max(40),
    }),
    yesPhrases: phraseList(60),
    noPhrases: phraseList(60),
    goodbyePhrases: phraseList(60),
  })
  .superRefine((conversation, context) => {
    const intents = new Set<string>();
    conversation.intents.forEach((intent, index) => {
      if (intents.has(intent.name))
        context.addIssue({ code: "custom", path: ["intents", index, "name"], message: `The intent "${intent.name}" is defined twice.` });
      intents.add(intent.name);
    });
    const knownIntent = (name: string | undefined, path: (string | number)[]) => {
      if (name !== undefined && !intents.has(name)) context.addIssue({ code: "custom", path, message: `"${name}" is not one of the intents.` });
    };
    knownIntent(conversation.phrases.fallbackIntent, ["phrases", "fallbackIntent"]);
    conversation.intents.forEach((intent, index) => {
      knownIntent(intent.fallbackIntent, ["intents", index, "fallbackIntent"]);
      const slots = new Set(intent.slots.map((slot) => slot.key));
      const knownSlot = (key: string, path: (string | number)[]) => {
        if (!slots.has(key)) context.addIssue({ code: "custom", path: ["intents", index, ...path], message: `"${key}" is not a slot of ${intent.name}.` });
      };
      for (const key of intent.retrySlots ?? []) knownSlot(key, ["retrySlots"]);
      if (intent.check) {
        knownSlot(intent.check.offers, ["check", "offers"]);
        for (const key of intent.check.after) knownSlot(key, ["check", "after"]);
      }
      intent.slots.forEach((slot, slotIndex) => {
        if (slot.type === "choice" && !slot.choices?.length)
          context.addIssue({ code: "custom", path: ["intents", index, "slots", slotIndex, "choices"], message: "A choice slot lists its choices." });
        if (slot.onlyWhen) knownSlot(slot.onlyWhen.slot, ["slots", slotIndex, "onlyWhen", "slot"]);
      });
    });
  })
  .openapi("TemplateConversation");

/** The fields of a template, without the cross-field checks (shared with the API's response schema). */
export const templateFields = {
  slug: z
    .string()
    .max(64)
    .regex(TEMPLATE_SLUG_PATTERN, "Use lowercase letters, digits and single hyphens, e.g. dental-clinic.")
    .openapi({ example: "restaurant" }),
  industry: industrySchema,
  name: text(80),
  description: text(600),
  greeting: text(600).openapi({ description: "The first thing the assistant says; a prompt template like systemPrompt" }),
  systemPrompt: text(MAX_PROMPT_LENGTH).openapi({
    description: "Prompt template: {{key}}, {{#key}}…{{/key}} (only when set), {{^key}}…{{/key}} (only when empty), and the built-in keys",
  }),
  variables: z.array(variableDefinitionSchema).max(MAX_VARIABLES),
  tools: z.array(z.enum(TOOL_NAMES)).min(1, "Enable at least one tool."),
  suggestedVoice: suggestedVoiceSchema,
  sampleConversation: z.array(conversationTurnSchema).min(1, "Show at least one turn of a sample conversation.").max(40),
  conversation: conversationDefinitionSchema.optional(),
};

export type PromptTag = { kind: "value" | "section" | "inverted" | "close"; key: string; index: number };

const TAG_PATTERN = /\{\{(.*?)\}\}/gs;
const TAG_BODY_PATTERN = /^\s*([#^/]?)\s*([A-Za-z0-9_]+)\s*$/;
const TAG_KINDS = { "": "value", "#": "section", "^": "inverted", "/": "close" } as const;

/** Reads the tags of a prompt template; `problems` lists malformed tags and unbalanced sections. */
export function scanPromptTags(template: string): { tags: PromptTag[]; problems: string[] } {
  const tags: PromptTag[] = [];
  const problems: string[] = [];
  const open: PromptTag[] = [];
  for (const match of template.matchAll(TAG_PATTERN)) {
    const body = TAG_BODY_PATTERN.exec(match[1] ?? "");
    if (!body || match[1]?.includes("{")) {
      problems.push(`${match[0]} is not a tag: use {{key}}, {{#key}}, {{^key}} or {{/key}} with a snake_case key.`);
      continue;
    }
    const tag: PromptTag = { kind: TAG_KINDS[body[1] as keyof typeof TAG_KINDS], key: body[2]!, index: match.index };
    tags.push(tag);
    if (tag.kind === "section" || tag.kind === "inverted") open.push(tag);
    else if (tag.kind === "close") {
      const opener = open.pop();
      if (!opener) problems.push(`{{/${tag.key}}} closes a section that was never opened.`);
      else if (opener.key !== tag.key)
        problems.push(`{{/${tag.key}}} closes the section {{${opener.kind === "section" ? "#" : "^"}${opener.key}}}; close that one first.`);
    }
  }
  for (const opener of open) problems.push(`{{${opener.kind === "section" ? "#" : "^"}${opener.key}}} is never closed with {{/${opener.key}}}.`);
  const stray = template.replaceAll(TAG_PATTERN, "");
  if (stray.includes("{{") || stray.includes("}}")) problems.push("Contains an unmatched {{ or }}.");
  return { tags, problems };
}

const BUILT_IN_KEYS: ReadonlySet<string> = new Set(BUILT_IN_PROMPT_KEYS);

export const templateDefinitionSchema = z.strictObject(templateFields).superRefine((template, context) => {
  const keys = new Set<string>();
  template.variables.forEach((variable, index) => {
    if (keys.has(variable.key)) {
      context.addIssue({ code: "custom", path: ["variables", index, "key"], message: `The variable key "${variable.key}" is defined twice.` });
    }
    if (BUILT_IN_KEYS.has(variable.key)) {
      context.addIssue({
        code: "custom",
        path: ["variables", index, "key"],
        message: `"${variable.key}" is a built-in placeholder filled by Switchboard; it cannot be a template variable.`,
      });
    }
    keys.add(variable.key);
  });

  const used = new Set<string>();
  for (const field of ["greeting", "systemPrompt"] as const) {
    const { tags, problems } = scanPromptTags(template[field]);
    for (const message of problems) context.addIssue({ code: "custom", path: [field], message });
    for (const tag of tags) {
      used.add(tag.key);
      if (tag.kind !== "close" && !keys.has(tag.key) && !BUILT_IN_KEYS.has(tag.key)) {
        context.addIssue({
          code: "custom",
          path: [field],
          message: `{{${tag.key}}} is neither a variable of this template nor a built-in (${BUILT_IN_PROMPT_KEYS.join(", ")}).`,
        });
      }
    }
  }
  // A variable the prompt never mentions cannot change what the assistant does.
  template.variables.forEach((variable, index) => {
    if (!used.has(variable.key)) {
      context.addIssue({
        code: "custom",
        path: ["variables", index, "key"],
        message: `The variable "${variable.key}" is not used in the greeting or systemPrompt.`,
      });
    }
  });

  const tools = new Set<string>();
  template.tools.forEach((tool, index) => {
    if (tools.has(tool)) context.addIssue({ code: "custom", path: ["tools", index], message: `The tool "${tool}" is listed twice.` });
    tools.add(tool);
  });
  // The conversation may only call the template's own tools.
  template.conversation?.intents.forEach((intent, index) => {
    for (const [field, call] of [["action", intent.action] as const, ["check", intent.check] as const]) {
      if (call && !tools.has(call.tool))
        context.addIssue({
          code: "custom",
          path: ["conversation", "intents", index, field, "tool"],
          message: `"${call.tool}" is not one of the template's tools.`,
        });
    }
  });
});

export type ParsedTemplateDefinition = z.infer<typeof templateDefinitionSchema>;

/** Validates a template file's parsed JSON; the problems are "path: message" lines. */
export function parseTemplateDefinition(input: unknown): { ok: true; definition: TemplateDefinition } | { ok: false; problems: string[] } {
  const result = templateDefinitionSchema.safeParse(input);
  if (result.success) return { ok: true, definition: result.data };
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") return `${path ? `${path}: ` : ""}unknown field(s) ${issue.keys.map((key) => `"${key}"`).join(", ")}.`;
    return `${path || "(file)"}: ${issue.message}`;
  });
  return { ok: false, problems };
}

// The schema and the hand-written contract in types.ts must describe the same thing.
type Assert<T extends true> = T;
export type SchemaMatchesContract = Assert<ParsedTemplateDefinition extends TemplateDefinition ? true : false>;
export type ContractMatchesSchema = Assert<TemplateDefinition extends ParsedTemplateDefinition ? true : false>;
