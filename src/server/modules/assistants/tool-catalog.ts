// The tools an assistant can call during a call, as function definitions (name, description,
// JSON-schema parameters) in the shape voice providers and chat-completion APIs take.
// IMPLEMENTATION PENDING (contract only).
import type { ToolName } from "../templates/types.js";

export type JsonSchema = { type: "object"; properties: Record<string, unknown>; required?: string[]; additionalProperties?: boolean };

export type ToolDefinition = { name: ToolName; description: string; parameters: JsonSchema };

export function toolDefinitions(names: readonly ToolName[]): ToolDefinition[] {
  void names;
  throw new Error("not implemented");
}
