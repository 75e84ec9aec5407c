// Tool calls from a streamed chat completion: the deltas arrive keyed by `index` (the id, type and
// name in the first fragment, the JSON arguments spread over many), are put back together here,
// and each finished call is checked before it may run: a known tool name and arguments that parse
// to a JSON object. A bad call becomes a problem text the model can read and correct.
import { randomBytes } from "node:crypto";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";

type ToolCallDelta = ChatCompletionChunk.Choice.Delta.ToolCall;

export type StreamedToolCall = { id: string; name: string; argumentsText: string };

export type CheckedToolCall =
  | { ok: true; id: string; name: string; arguments: Record<string, unknown> }
  /** Not run: `problem` goes back to the model as the tool's error. */
  | { ok: false; id: string; name: string; arguments: Record<string, unknown> | string; problem: string };

/** Puts streamed tool-call fragments back together, in the order of their index. */
export class ToolCallAccumulator {
  private readonly calls = new Map<number, { id: string; name: string; argumentsText: string }>();

  add(deltas: ToolCallDelta[] | null | undefined): void {
    if (!Array.isArray(deltas)) return;
    const known = this.calls.size;
    for (const [position, delta] of deltas.entries()) {
      // OpenAI always sends index; a server that leaves it out sends each call whole, in order.
      const index = typeof delta.index === "number" ? delta.index : known + position;
      const call = this.calls.get(index) ?? { id: "", name: "", argumentsText: "" };
      if (typeof delta.id === "string" && delta.id !== "" && call.id === "") call.id = delta.id;
      // The name comes whole in one fragment (OpenAI, vLLM, Ollama); a repeat of it is not a second half.
      if (typeof delta.function?.name === "string" && call.name === "") call.name = delta.function.name;
      if (typeof delta.function?.arguments === "string") call.argumentsText += delta.function.arguments;
      this.calls.set(index, call);
    }
  }

  get size(): number {
    return this.calls.size;
  }

  /** The finished calls; a call the model sent without an id gets one, so its result can still be paired with it. */
  list(): StreamedToolCall[] {
    return [...this.calls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([, call]) => ({ ...call, id: call.id || `call_${randomBytes(12).toString("hex")}` }));
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const ARGUMENTS_EXCERPT_CHARS = 120;

/** A call may run when it names one of the assistant's tools and its arguments are a JSON object ("" means none). */
export function checkToolCall(call: StreamedToolCall, availableTools: readonly string[]): CheckedToolCall {
  const offered = availableTools.length > 0 ? availableTools.join(", ") : "none";
  const trimmed = call.argumentsText.trim();
  let parsed: unknown = {};
  let parseError: string | null = null;
  if (trimmed !== "") {
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      parseError = error instanceof Error ? error.message : String(error);
    }
  }
  const args = parseError === null && isPlainObject(parsed) ? parsed : call.argumentsText;
  if (call.name === "") {
    return { ok: false, id: call.id, name: "", arguments: args, problem: `The tool call named no function, so nothing ran. The tools are: ${offered}.` };
  }
  if (!availableTools.includes(call.name)) {
    return {
      ok: false,
      id: call.id,
      name: call.name,
      arguments: args,
      problem: `There is no tool named "${call.name}", so nothing ran. The tools are: ${offered}.`,
    };
  }
  if (parseError !== null || !isPlainObject(parsed)) {
    const excerpt = call.argumentsText.length > ARGUMENTS_EXCERPT_CHARS ? `${call.argumentsText.slice(0, ARGUMENTS_EXCERPT_CHARS)}…` : call.argumentsText;
    const why = parseError !== null ? `are not valid JSON (${parseError})` : "are not a JSON object";
    return {
      ok: false,
      id: call.id,
      name: call.name,
      arguments: call.argumentsText,
      problem: `The arguments of ${call.name} ${why}: ${excerpt}. Nothing ran; call ${call.name} again with a JSON object of its parameters.`,
    };
  }
  return { ok: true, id: call.id, name: call.name, arguments: parsed };
}
