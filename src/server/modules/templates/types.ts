// The shape of an industry template and of its variables: the contract between the template
// files in /templates, their validation, the assistant form and the prompt renderer.

export const VARIABLE_TYPES = ["text", "textarea", "phone", "email", "url", "number", "select", "multiselect", "business_hours", "menu", "directory"] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

type VariableBase = {
  /** snake_case; referenced in the prompt as {{key}}. */
  key: string;
  label: string;
  help?: string;
  required: boolean;
  placeholder?: string;
};

export type VariableDefinition =
  | (VariableBase & { type: "text"; maxLength?: number; default?: string })
  | (VariableBase & { type: "textarea"; maxLength?: number; default?: string })
  | (VariableBase & { type: "phone"; default?: string })
  | (VariableBase & { type: "email"; default?: string })
  | (VariableBase & { type: "url"; default?: string })
  | (VariableBase & { type: "number"; min?: number; max?: number; integer?: boolean; unit?: string; default?: number })
  | (VariableBase & { type: "select"; options: { value: string; label: string }[]; default?: string })
  | (VariableBase & { type: "multiselect"; options: { value: string; label: string }[]; default?: string[] })
  | (VariableBase & { type: "business_hours" })
  | (VariableBase & { type: "menu"; currency: string })
  | (VariableBase & { type: "directory" });

/** A menu or price list: restaurant dishes, clinic services, salon treatments. Prices in minor units (cents). */
export type MenuItem = {
  name: string;
  description?: string;
  category?: string;
  priceCents: number;
  /** Minutes, for services that are booked (clinic, salon). */
  durationMinutes?: number;
  options?: { name: string; choices: { name: string; priceDeltaCents: number }[]; required?: boolean; multiple?: boolean }[];
};

export type DirectoryEntry = { name: string; role: string; phone: string };

/** 0 = Sunday … 6 = Saturday; times "HH:MM" in the business's time zone; close <= open means past midnight. */
export type WeeklyRange = { day: 0 | 1 | 2 | 3 | 4 | 5 | 6; open: string; close: string };

export type BusinessHours = {
  timezone: string;
  weekly: WeeklyRange[];
  /** Closed all day on these dates ("YYYY-MM-DD" in the business's time zone). */
  holidays: { date: string; name?: string }[];
};

export type VariableValue = string | number | string[] | BusinessHours | MenuItem[] | DirectoryEntry[];
export type VariableValues = Record<string, VariableValue>;

export const TOOL_NAMES = [
  "takeMessage",
  "scheduleCallback",
  "checkAvailability",
  "bookAppointment",
  "cancelAppointment",
  "takeOrder",
  "transferCall",
  "lookupKnowledge",
  "logDriverCallout",
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export const INDUSTRIES = ["restaurant", "clinic", "legal", "home_services", "logistics", "salon", "office"] as const;
export type Industry = (typeof INDUSTRIES)[number];

export type Voice = { provider: string; voiceId: string };

export type TemplateDefinition = {
  slug: string;
  industry: Industry;
  name: string;
  description: string;
  /** The first thing the assistant says; a prompt template like systemPrompt. */
  greeting: string;
  /** Prompt template: {{key}}, {{#key}}…{{/key}} (when set), {{^key}}…{{/key}} (when empty), built-ins (see render-prompt.ts). */
  systemPrompt: string;
  variables: VariableDefinition[];
  tools: ToolName[];
  suggestedVoice: Voice;
  sampleConversation: { speaker: "assistant" | "caller"; text: string }[];
  /** What the template conversation engine follows when no model is configured (every built-in template has it). */
  conversation?: ConversationDefinition;
};

/** The values a conversation slot can hold, each with its own extractor in the template engine. */
export const CONVERSATION_SLOT_TYPES = [
  "name",
  "phone",
  "date",
  "time",
  "party_size",
  "text",
  "menu_items",
  "service",
  "directory_entry",
  "choice",
  "urgency",
  "identifier",
] as const;
export type ConversationSlotType = (typeof CONVERSATION_SLOT_TYPES)[number];

export type ConversationSlot = {
  /** camelCase; used in {{placeholders}} and in tool argument mappings. */
  key: string;
  type: ConversationSlotType;
  /** What the assistant asks when the value is missing. */
  prompt: string;
  /** Phone slots: asked instead of `prompt` when the caller's number is known ("Is {{caller_number}} best?"). */
  confirmCallerPrompt?: string;
  /** Said before asking again when the answer cannot be used (an impossible date, no digits). */
  retryPrompt?: string;
  /** Never asked: filled only when the caller says it, else `default`. */
  optional?: boolean;
  /** Only needed when another slot holds this value (a delivery address for delivery orders). */
  onlyWhen?: { slot: string; equals: string };
  /** Choice slots: each value and the words that pick it. */
  choices?: { value: string; phrases: string[] }[];
  default?: string;
};

/** A tool call made from slots: argument → "{{slot}}" (a lone placeholder keeps structured values) or text with placeholders. */
export type ConversationToolCall = { tool: ToolName; arguments: Record<string, string> };

export type ConversationIntent = {
  /** snake_case. */
  name: string;
  /** Whole phrases callers use (the strongest signal). */
  examples: string[];
  /** Words or short phrases that point to this intent. */
  keywords: string[];
  slots: ConversationSlot[];
  /** Runs before the confirmation once `after` slots are filled (checkAvailability); its result offers values for `offers`. */
  check?: ConversationToolCall & { after: string[]; offers: string; offerPrompt: string; unavailablePrompt: string };
  /** Read back before the action; without it the action runs as soon as the slots are filled. */
  confirmation?: string;
  action: ConversationToolCall;
  /** Said after the action succeeded ({{result_*}} placeholders hold what the tool answered). */
  success: string;
  /** Said when the action was refused. */
  failure: string;
  /** Lookups: said when the tool found nothing. */
  noAnswer?: string;
  /** Slots asked again after a refusal that offers alternatives (a taken time). */
  retrySlots?: string[];
  /** After a refusal with nothing to retry (or nothing found), offer this intent (take a message), keeping shared slots. */
  fallbackIntent?: string;
  /** Picked for any question no other intent matches; the caller's words are {{utterance}}. */
  answersQuestions?: boolean;
  /** The call ends once the action succeeded (a transfer). */
  endsCall?: boolean;
};

export type ConversationPhrases = {
  /** Rotated when the caller's line matches nothing. */
  notUnderstood: string[];
  silence: string;
  /** Lists what the assistant can do, after a line it did not understand. */
  capabilities: string;
  anythingElse: string;
  howCanIHelp: string;
  goodbye: string;
  switchIntent: string;
  changeWhat: string;
  /** A required option of a menu item: {{item}}, {{option}}, {{choices}}. */
  optionPrompt: string;
  /** A menu item that is not on the menu: {{examples}}. */
  notOnMenu: string;
  /** The tool failed unexpectedly (not a refusal). */
  toolError: string;
  /** Offer to take a message after repeated misunderstandings: yes switches to `fallbackIntent`. */
  offerFallback: string;
  fallbackIntent: string;
};

export type ConversationDefinition = {
  intents: ConversationIntent[];
  phrases: ConversationPhrases;
  yesPhrases: string[];
  noPhrases: string[];
  goodbyePhrases: string[];
};
