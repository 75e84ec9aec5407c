// What the LLM engine sends a chat-completions endpoint: the assistant's rendered system prompt,
// its first message, the conversation so far in chat roles (tool calls as assistant tool_calls
// followed by `tool` messages carrying their tool_call_id), the caller's new line, and the
// assistant's tools as function definitions. Pure: the unit tests read it directly.
import type { ChatCompletionFunctionTool, ChatCompletionMessageFunctionToolCall, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { ToolDefinition } from "../assistants/tool-catalog.js";
import type { ConversationEntry, EngineTurnInput } from "./engine.js";

type ToolEntry = Extract<ConversationEntry, { role: "tool" }>;

/**
 * A past call's arguments as the model gets them back: JSON of an object. A raw string the model
 * sent that is not a JSON object goes back as "{}" (some servers' chat templates parse it and would
 * refuse the whole request); the tool's error message already quotes what was wrong.
 */
export function argumentsForModel(args: Record<string, unknown> | string): string {
  if (typeof args !== "string") return JSON.stringify(args);
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return args;
  } catch {
    // not JSON: replaced below
  }
  return "{}";
}

/** A call the model sent without a function name still needs one in the echoed message, or the endpoint refuses the request. */
export function toolNameForModel(name: string): string {
  return name === "" ? "unnamed_function" : name;
}

/** What a tool message tells the model: the tool's answer, or its error marked as one so the model does not read it as done. */
export function toolMessageContent(outcome: { result?: string | undefined; error?: string | undefined }): string {
  if (outcome.error !== undefined) return `Error: ${outcome.error}`;
  return outcome.result ?? "";
}

function toolCallOf(entry: ToolEntry): ChatCompletionMessageFunctionToolCall {
  return { id: entry.toolCallId, type: "function", function: { name: toolNameForModel(entry.name), arguments: argumentsForModel(entry.arguments) } };
}

/** The conversation so far in chat roles. Consecutive tool entries were one model turn: one assistant message with all their calls, then one `tool` message each. */
export function historyMessages(history: ConversationEntry[]): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  let index = 0;
  while (index < history.length) {
    const entry = history[index] as ConversationEntry;
    if (entry.role === "tool") {
      const run: ToolEntry[] = [];
      while (index < history.length && (history[index] as ConversationEntry).role === "tool") {
        run.push(history[index] as ToolEntry);
        index += 1;
      }
      messages.push({ role: "assistant", content: null, tool_calls: run.map(toolCallOf) });
      for (const call of run) messages.push({ role: "tool", tool_call_id: call.toolCallId, content: toolMessageContent(call) });
      continue;
    }
    messages.push(entry.role === "caller" ? { role: "user", content: entry.text } : { role: "assistant", content: entry.text });
    index += 1;
  }
  return messages;
}

/** The whole request for one turn, before any tool round of this turn. */
export function turnMessages(input: Pick<EngineTurnInput, "assistant" | "history" | "callerText" | "callerNumber">): ChatCompletionMessageParam[] {
  const { rendered } = input.assistant;
  const messages: ChatCompletionMessageParam[] = [{ role: "system", content: rendered.systemPrompt }];
  // The tools ask for "the number the caller is calling from"; a phone model hears it from the line, this one is told.
  if (input.callerNumber) messages.push({ role: "system", content: `The caller is calling from ${input.callerNumber}.` });
  const first = input.history[0];
  // The session may already keep the greeting as the first history entry; say it once.
  const greetingInHistory = first?.role === "assistant" && first.text === rendered.firstMessage;
  if (rendered.firstMessage !== "" && !greetingInHistory) messages.push({ role: "assistant", content: rendered.firstMessage });
  messages.push(...historyMessages(input.history));
  messages.push({ role: "user", content: input.callerText });
  return messages;
}

export function functionTools(tools: ToolDefinition[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({ type: "function", function: { name: tool.name, description: tool.description, parameters: tool.parameters } }));
}
