// A saved assistant, its organization's name and its template → the renderer's input for `now`.
// Shared by the live call's assistant-request, the console's web call and the conversation engine.
import type { TemplateDefinition } from "../templates/types.js";
import type { RenderInput } from "./render-prompt.js";
import type { assistants } from "./schema.js";

type SavedAssistant = Pick<
  typeof assistants.$inferSelect,
  "customPrompt" | "firstMessage" | "variables" | "businessHours" | "afterHours" | "transferDirectory" | "enabledTools"
>;

export function renderInputOf(assistant: SavedAssistant, businessName: string, template: TemplateDefinition | null, now: Date): RenderInput {
  return {
    businessName,
    template,
    customPrompt: assistant.customPrompt,
    firstMessage: assistant.firstMessage,
    variables: assistant.variables,
    businessHours: assistant.businessHours,
    afterHours: assistant.afterHours,
    transferDirectory: assistant.transferDirectory,
    enabledTools: assistant.enabledTools,
    now,
  };
}
