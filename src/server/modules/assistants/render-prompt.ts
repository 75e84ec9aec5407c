// The one prompt renderer: template (or custom prompt) + variable values + business hours +
// "now" in the business's time zone → the final system prompt, first message and tool list.
// IMPLEMENTATION PENDING (contract only).
import type { BusinessHours, DirectoryEntry, TemplateDefinition, ToolName, VariableValues } from "../templates/types.js";
import type { AfterHours } from "./schema.js";
import type { ToolDefinition } from "./tool-catalog.js";

export type RenderInput = {
  businessName: string;
  template: Pick<TemplateDefinition, "systemPrompt" | "greeting" | "variables" | "tools"> | null;
  customPrompt: string | null;
  /** Overrides the template's greeting when set. */
  firstMessage: string | null;
  variables: VariableValues;
  businessHours: BusinessHours;
  afterHours: AfterHours;
  transferDirectory: DirectoryEntry[];
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

export function renderAssistant(input: RenderInput): RenderedAssistant {
  void input;
  throw new Error("not implemented");
}
