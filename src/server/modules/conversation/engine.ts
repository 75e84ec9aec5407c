// The conversation engine: decides what the assistant says next in a text conversation (the test
// console, `npm run call:simulate -- --assistant`). Two implementations share this contract: the
// template engine (deterministic, driven by the template's intents and slots) and the LLM engine
// (any OpenAI-compatible chat-completions endpoint). Neither runs a tool itself: each asks the
// session to, and the session sends it through the real webhook path, so the same tool handlers
// run as on a live call.
import type { RenderedAssistant } from "../assistants/render-prompt.js";
import type { BusinessHours, DirectoryEntry, MenuItem, TemplateDefinition, ToolName, VariableValues } from "../templates/types.js";

/** One entry of the conversation so far, oldest first. */
export type ConversationEntry =
  | { role: "caller"; text: string }
  | { role: "assistant"; text: string }
  | {
      role: "tool";
      toolCallId: string;
      name: string;
      /** The arguments as the engine produced them (an object, or the raw string a model sent). */
      arguments: Record<string, unknown> | string;
      result?: string;
      error?: string;
    };

/** Everything an engine may know about the assistant it plays. */
export type EngineAssistant = {
  organizationId: string;
  assistantId: string;
  businessName: string;
  timezone: string;
  /** The rendered assistant (system prompt, first message, tool definitions, open now). */
  rendered: RenderedAssistant;
  enabledTools: ToolName[];
  /** The template it was built from, if any (the template engine reads its conversation data). */
  template: TemplateDefinition | null;
  variables: VariableValues;
  businessHours: BusinessHours;
  menu: MenuItem[];
  /** The people and departments calls may be transferred to (the transferCall tool checks again). */
  transferDirectory?: DirectoryEntry[];
};

/** Runs one tool call through the webhook path and returns what the tool answered. */
export type ToolInvoker = (call: { name: string; arguments: Record<string, unknown> | string }) => Promise<{
  toolCallId: string;
  name: string;
  result?: string;
  error?: string;
}>;

export type EngineTurnInput = {
  assistant: EngineAssistant;
  /** The conversation before this turn; the caller's new line is `callerText`, not in here. */
  history: ConversationEntry[];
  callerText: string;
  /** The engine's own state from its previous turn (null on the first turn); opaque to the session. */
  state: unknown;
  invokeTool: ToolInvoker;
  now: Date;
  signal?: AbortSignal;
  /** The caller's number (E.164) when known, so the engine can offer it as the callback number. */
  callerNumber?: string | null;
};

/** What an engine reports while it works, in order; the console shows each as it arrives. */
export type EngineEvent =
  | { type: "text-delta"; text: string }
  | { type: "tool-call"; toolCallId: string; name: string; arguments: Record<string, unknown> | string }
  | { type: "tool-result"; toolCallId: string; name: string; result?: string; error?: string }
  /** A recoverable engine problem (model endpoint down, malformed tool call): shown in the console. */
  | { type: "error"; message: string };

export type EngineTurnResult = {
  /** Everything the assistant said this turn (the concatenated text deltas). */
  text: string;
  /** State to pass back next turn. Must be JSON-serializable (sessions may be stored). */
  state: unknown;
  /** The assistant decided to end the call (said goodbye, or transferred). */
  endCall?: boolean;
};

export interface ConversationEngine {
  readonly kind: "template" | "llm";
  /** One assistant turn in answer to the caller's line. Never throws for model or tool failures: it yields an error event and a sensible reply. */
  reply(input: EngineTurnInput): AsyncGenerator<EngineEvent, EngineTurnResult, void>;
}
