// The LLM conversation engine: any OpenAI-compatible chat-completions endpoint (OpenAI, Azure,
// Groq, Ollama, vLLM) through the official `openai` SDK. A turn streams the model's reply as text
// deltas; when the model calls tools, each runs through the session's invoker (the webhook path, so
// the same tool handlers as a live call), the results go back as `tool` messages and the model is
// asked again, up to MAX_TOOL_ROUNDS_PER_TURN times. Endpoint failures (down, slow, 429/5xx, an
// open breaker) end the turn with an error event and a spoken fallback; the turn always ends.
import OpenAI from "openai";
import type { ChatCompletionFunctionTool, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { ConversationEngine, EngineEvent, EngineTurnInput, EngineTurnResult } from "./engine.js";
import { argumentsForModel, functionTools, toolMessageContent, toolNameForModel, turnMessages } from "./llm-messages.js";
import { classifyLlmError, classifyPolicyError, createLlmResilience, LlmRequestError, type LlmResilienceOptions } from "./llm-resilience.js";
import { checkToolCall, type StreamedToolCall, ToolCallAccumulator } from "./llm-tool-calls.js";

export type LlmEngineOptions = {
  baseUrl: string;
  /** Optional: local servers (Ollama, vLLM) often need none. */
  apiKey: string | undefined;
  model: string;
  /** Per request to the endpoint, streaming included. */
  timeoutMs: number;
  /** Retry, backoff and breaker settings; DEFAULT_LLM_RESILIENCE when absent. */
  resilience?: Partial<LlmResilienceOptions>;
};

/** What the assistant says when the model cannot answer: true to the situation, and it keeps the caller's request alive. */
export const LLM_FALLBACK_REPLY = "I'm sorry, I'm having trouble right now. Can I take a message?";
/** When the model answered nothing at all. */
export const LLM_EMPTY_REPLY_FALLBACK = "Sorry, could you say that again?";
/** Batches of tool calls run per caller line; a model that keeps calling tools is stopped there. */
export const MAX_TOOL_ROUNDS_PER_TURN = 4;
/** The SDK insists on a key; servers that need none ignore whatever bearer token they get. */
const PLACEHOLDER_API_KEY = "no-key";

type RoundOutcome = { text: string; toolCalls: StreamedToolCall[] };

/** Text deltas handed from the request (running inside the resilience policy) to the turn's generator as they arrive. */
class DeltaQueue {
  private readonly deltas: string[] = [];
  private settled: { ok: true; value: RoundOutcome } | { ok: false; error: unknown } | null = null;
  private wake: (() => void) | null = null;

  push(delta: string): void {
    this.deltas.push(delta);
    this.notify();
  }

  settle(outcome: { ok: true; value: RoundOutcome } | { ok: false; error: unknown }): void {
    this.settled = outcome;
    this.notify();
  }

  async next(): Promise<{ delta: string } | { ok: true; value: RoundOutcome } | { ok: false; error: unknown }> {
    while (this.deltas.length === 0 && this.settled === null) await new Promise<void>((resolve) => (this.wake = resolve));
    const delta = this.deltas.shift();
    if (delta !== undefined) return { delta };
    return this.settled as { ok: true; value: RoundOutcome } | { ok: false; error: unknown };
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

function originOf(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.origin}${url.pathname.replace(/\/$/, "")}`;
  } catch {
    return baseUrl;
  }
}

export function createLlmEngine(options: LlmEngineOptions): ConversationEngine {
  const client = new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey || PLACEHOLDER_API_KEY,
    // cockatiel owns retries and timeouts; the SDK's own would multiply them.
    maxRetries: 0,
    timeout: options.timeoutMs,
    // Explicit nulls keep the SDK from reading OPENAI_* variables (config.ts is the only env reader).
    organization: null,
    project: null,
    webhookSecret: null,
    logLevel: "off",
  });
  // One per engine: every session of this engine shares the breaker's view of the endpoint.
  const resilience = createLlmResilience(options.timeoutMs, options.resilience);
  const endpoint = originOf(options.baseUrl);

  /** One request to the model, through the policies; yields its text deltas as they stream in. */
  async function* requestRound(
    messages: ChatCompletionMessageParam[],
    tools: ChatCompletionFunctionTool[],
    turnSignal: AbortSignal,
  ): AsyncGenerator<string, RoundOutcome, void> {
    const queue = new DeltaQueue();
    resilience.policy
      .execute(async ({ signal }) => {
        const accumulator = new ToolCallAccumulator();
        let text = "";
        let afterText = false;
        const failure = (error: unknown) =>
          classifyLlmError(error, {
            endpoint,
            timeoutMs: options.timeoutMs,
            apiKey: options.apiKey,
            timedOut: signal.aborted && !turnSignal.aborted,
            callerAborted: turnSignal.aborted,
            afterText,
          });
        try {
          const stream = await client.chat.completions.create(
            { model: options.model, messages, stream: true, ...(tools.length > 0 ? { tools } : {}) },
            { signal },
          );
          for await (const chunk of stream) {
            const choice = chunk.choices?.[0];
            if (!choice) continue;
            const content = choice.delta?.content;
            if (typeof content === "string" && content !== "") {
              text += content;
              afterText = true;
              queue.push(content);
            }
            accumulator.add(choice.delta?.tool_calls);
          }
        } catch (error) {
          throw failure(error);
        }
        // The SDK ends a stream quietly when its signal fires; a reply cut off by the timeout is a failure.
        if (signal.aborted) throw failure(new Error("aborted"));
        return { text, toolCalls: accumulator.list() };
      }, turnSignal)
      .then(
        (value) => queue.settle({ ok: true, value }),
        (error: unknown) => queue.settle({ ok: false, error }),
      );
    for (;;) {
      const item = await queue.next();
      if ("delta" in item) {
        yield item.delta;
        continue;
      }
      if (item.ok) return item.value;
      throw item.error;
    }
  }

  async function* reply(input: EngineTurnInput): AsyncGenerator<EngineEvent, EngineTurnResult, void> {
    const turn = new AbortController();
    const abortTurn = () => turn.abort();
    input.signal?.addEventListener("abort", abortTurn, { once: true });
    if (input.signal?.aborted) turn.abort();
    let text = "";
    let endCall = false;
    const done = (): EngineTurnResult => ({ text, state: null, ...(endCall ? { endCall: true } : {}) });
    try {
      const messages = turnMessages(input);
      const tools = functionTools(input.assistant.rendered.tools);
      const toolNames = tools.map((tool) => tool.function.name);

      for (let round = 0; ; round += 1) {
        if (turn.signal.aborted) return done();
        let outcome: RoundOutcome;
        let roundText = "";
        try {
          const deltas = requestRound(messages, tools, turn.signal);
          for (;;) {
            const step = await deltas.next();
            if (step.done) {
              outcome = step.value;
              break;
            }
            // Text from a later round follows what was said before a tool call: keep the words apart.
            const spaced = roundText === "" && text !== "" && !/\s$/.test(text) && !/^\s/.test(step.value) ? ` ${step.value}` : step.value;
            roundText += spaced;
            text += spaced;
            yield { type: "text-delta", text: spaced };
          }
        } catch (error) {
          const failure = classifyPolicyError(error, resilience.options, turn.signal.aborted) ?? new LlmRequestError("connection", String(error));
          if (failure.kind === "aborted" || turn.signal.aborted) return done();
          yield { type: "error", message: failure.message };
          yield* speak(LLM_FALLBACK_REPLY);
          return done();
        }

        if (outcome.toolCalls.length === 0) {
          if (text.trim() === "") {
            yield { type: "error", message: "The language model answered with no text and no tool call." };
            yield* speak(LLM_EMPTY_REPLY_FALLBACK);
          }
          return done();
        }
        if (round >= MAX_TOOL_ROUNDS_PER_TURN) {
          yield {
            type: "error",
            message: `The language model asked for tools more than ${MAX_TOOL_ROUNDS_PER_TURN} times for one line from the caller; the last ones were not run.`,
          };
          if (text.trim() === "") yield* speak(LLM_FALLBACK_REPLY);
          return done();
        }

        const checked = outcome.toolCalls.map((call) => checkToolCall(call, toolNames));
        messages.push({
          role: "assistant",
          content: outcome.text === "" ? null : outcome.text,
          tool_calls: checked.map((call) => ({
            id: call.id,
            type: "function",
            function: { name: toolNameForModel(call.name), arguments: argumentsForModel(call.arguments) },
          })),
        });
        for (const call of checked) {
          if (turn.signal.aborted) return done();
          yield { type: "tool-call", toolCallId: call.id, name: call.name, arguments: call.arguments };
          let result: { result?: string; error?: string };
          if (!call.ok) {
            yield { type: "error", message: `The language model made a tool call that could not run: ${call.problem}` };
            result = { error: call.problem };
          } else {
            try {
              const answered = await input.invokeTool({ name: call.name, arguments: call.arguments });
              result =
                answered.error !== undefined
                  ? { error: answered.error }
                  : answered.result !== undefined
                    ? { result: answered.result }
                    : { error: "The tool gave no result." };
            } catch (error) {
              yield { type: "error", message: `Running ${call.name} failed: ${error instanceof Error ? error.message : String(error)}` };
              result = { error: "The tool could not be reached, so nothing was done. Offer to take a message instead." };
            }
            if (call.name === "transferCall" && result.error === undefined) endCall = true;
          }
          yield { type: "tool-result", toolCallId: call.id, name: call.name, ...result };
          messages.push({ role: "tool", tool_call_id: call.id, content: toolMessageContent(result) });
        }
      }
    } finally {
      input.signal?.removeEventListener("abort", abortTurn);
      // Stops a request still streaming when the session stopped listening early.
      turn.abort();
    }

    function* speak(fallback: string): Generator<EngineEvent, void, void> {
      const spoken = text === "" ? fallback : `${/\s$/.test(text) ? "" : " "}${fallback}`;
      text += spoken;
      yield { type: "text-delta", text: spoken };
    }
  }

  return { kind: "llm", reply };
}
