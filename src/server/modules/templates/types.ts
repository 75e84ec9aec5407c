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
};
