// The chat-completions messages of a turn: system prompt, greeting once, history in chat roles
// (tool runs as assistant tool_calls + tool messages with their ids), the caller's line; and tools.
import { describe, expect, it } from "vitest";
import { toolDefinitions } from "../../src/server/modules/assistants/tool-catalog.js";
import type { ConversationEntry, EngineAssistant } from "../../src/server/modules/conversation/engine.js";
import { argumentsForModel, functionTools, historyMessages, toolMessageContent, turnMessages } from "../../src/server/modules/conversation/llm-messages.js";

const rendered = {
  systemPrompt: "You answer the phone for Acme Plumbing.",
  firstMessage: "Acme Plumbing, how can I help?",
  tools: toolDefinitions(["takeMessage", "lookupKnowledge"]),
  openNow: true,
  nextOpening: null,
};
const assistant = { rendered } as EngineAssistant;

describe("turnMessages", () => {
  it("starts with the system prompt and the greeting, and ends with the caller's line", () => {
    expect(turnMessages({ assistant, history: [], callerText: "My sink is leaking." })).toEqual([
      { role: "system", content: rendered.systemPrompt },
      { role: "assistant", content: rendered.firstMessage },
      { role: "user", content: "My sink is leaking." },
    ]);
  });

  it("says the greeting once when the history already starts with it", () => {
    const history: ConversationEntry[] = [
      { role: "assistant", text: rendered.firstMessage },
      { role: "caller", text: "Hi." },
      { role: "assistant", text: "Hello!" },
    ];
    expect(turnMessages({ assistant, history, callerText: "Are you open?" }).map((message) => message.content)).toEqual([
      rendered.systemPrompt,
      rendered.firstMessage,
      "Hi.",
      "Hello!",
      "Are you open?",
    ]);
  });

  it("leaves out an empty greeting", () => {
    const silent = { rendered: { ...rendered, firstMessage: "" } } as EngineAssistant;
    expect(turnMessages({ assistant: silent, history: [], callerText: "Hello?" }).map((message) => message.role)).toEqual(["system", "user"]);
  });
});

describe("historyMessages", () => {
  it("turns consecutive tool entries into one assistant message with every call, then one tool message each", () => {
    const history: ConversationEntry[] = [
      { role: "caller", text: "Message for Dana, and where do I park?" },
      { role: "tool", toolCallId: "call_1", name: "takeMessage", arguments: { message: "hi" }, result: "Saved." },
      { role: "tool", toolCallId: "call_2", name: "lookupKnowledge", arguments: '{"query":"parking"}', error: "Nothing found." },
      { role: "assistant", text: "Done. Parking is behind the building." },
    ];
    expect(historyMessages(history)).toEqual([
      { role: "user", content: "Message for Dana, and where do I park?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "takeMessage", arguments: '{"message":"hi"}' } },
          { id: "call_2", type: "function", function: { name: "lookupKnowledge", arguments: '{"query":"parking"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "Saved." },
      { role: "tool", tool_call_id: "call_2", content: "Error: Nothing found." },
      { role: "assistant", content: "Done. Parking is behind the building." },
    ]);
  });

  it("separates tool runs interrupted by speech into separate assistant messages", () => {
    const history: ConversationEntry[] = [
      { role: "tool", toolCallId: "a", name: "lookupKnowledge", arguments: {}, result: "x" },
      { role: "assistant", text: "One more thing." },
      { role: "tool", toolCallId: "b", name: "lookupKnowledge", arguments: {}, result: "y" },
    ];
    expect(historyMessages(history).map((message) => message.role)).toEqual(["assistant", "tool", "assistant", "assistant", "tool"]);
  });

  it("echoes a past malformed call with empty arguments and a placeholder name, so the endpoint accepts the history", () => {
    const [call] = historyMessages([{ role: "tool", toolCallId: "c", name: "", arguments: '{"broken', error: "not JSON" }]);
    expect(call).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [{ id: "c", type: "function", function: { name: "unnamed_function", arguments: "{}" } }],
    });
  });
});

describe("argumentsForModel and toolMessageContent", () => {
  it.each([
    [{ a: 1 }, '{"a":1}'],
    ['{"a":1}', '{"a":1}'],
    ["{not json", "{}"],
    ["[1,2]", "{}"],
    ["", "{}"],
  ])("%j goes back to the model as %s", (given, expected) => {
    expect(argumentsForModel(given as Record<string, unknown> | string)).toBe(expected);
  });

  it("marks errors so the model does not take them for a result", () => {
    expect(toolMessageContent({ result: "Booked." })).toBe("Booked.");
    expect(toolMessageContent({ error: "Slot taken." })).toBe("Error: Slot taken.");
    expect(toolMessageContent({ result: "ignored", error: "Slot taken." })).toBe("Error: Slot taken.");
    expect(toolMessageContent({})).toBe("");
  });
});

describe("functionTools", () => {
  it("offers each rendered tool as an OpenAI function definition with its JSON Schema", () => {
    expect(functionTools(rendered.tools)).toEqual(
      rendered.tools.map((tool) => ({ type: "function", function: { name: tool.name, description: tool.description, parameters: tool.parameters } })),
    );
    expect(functionTools([])).toEqual([]);
  });
});

describe("the caller's number", () => {
  it("is told to the model after the system prompt when the session knows it", () => {
    expect(turnMessages({ assistant, history: [], callerText: "Hi.", callerNumber: "+12125550163" }).slice(0, 2)).toEqual([
      { role: "system", content: rendered.systemPrompt },
      { role: "system", content: "The caller is calling from +12125550163." },
    ]);
    expect(turnMessages({ assistant, history: [], callerText: "Hi.", callerNumber: null }).filter((message) => message.role === "system")).toHaveLength(1);
  });
});
