// Streamed tool calls put back together from their index-keyed fragments, and the check that decides
// whether a call may run or goes back to the model as an error it can correct.
import { describe, expect, it } from "vitest";
import { checkToolCall, ToolCallAccumulator } from "../../src/server/modules/conversation/llm-tool-calls.js";

const TOOLS = ["takeMessage", "lookupKnowledge"];

describe("ToolCallAccumulator", () => {
  it("joins argument fragments per index and keeps the first id and name", () => {
    const calls = new ToolCallAccumulator();
    calls.add([{ index: 0, id: "call_a", type: "function", function: { name: "takeMessage", arguments: "" } }]);
    calls.add([{ index: 1, id: "call_b", type: "function", function: { name: "lookupKnowledge", arguments: '{"qu' } }]);
    calls.add([{ index: 0, function: { arguments: '{"callerName":' } }]);
    calls.add([{ index: 1, function: { arguments: 'ery":"parking"}' } }]);
    calls.add([{ index: 0, function: { arguments: '"Sam"}', name: "takeMessage" } }]);
    expect(calls.list()).toEqual([
      { id: "call_a", name: "takeMessage", argumentsText: '{"callerName":"Sam"}' },
      { id: "call_b", name: "lookupKnowledge", argumentsText: '{"query":"parking"}' },
    ]);
  });

  it("orders calls by index, not by arrival", () => {
    const calls = new ToolCallAccumulator();
    calls.add([{ index: 2, id: "c", function: { name: "lookupKnowledge", arguments: "{}" } }]);
    calls.add([{ index: 0, id: "a", function: { name: "takeMessage", arguments: "{}" } }]);
    expect(calls.list().map((call) => call.id)).toEqual(["a", "c"]);
  });

  it("takes whole calls without an index (some servers) in the order sent, and gives id-less calls an id", () => {
    const calls = new ToolCallAccumulator();
    const whole = [
      { function: { name: "takeMessage", arguments: "{}" } },
      { id: "call_2", function: { name: "lookupKnowledge", arguments: '{"query":"x"}' } },
    ] as unknown as Parameters<ToolCallAccumulator["add"]>[0];
    calls.add(whole);
    const listed = calls.list();
    expect(listed.map((call) => call.name)).toEqual(["takeMessage", "lookupKnowledge"]);
    expect(listed[0]!.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(listed[1]!.id).toBe("call_2");
  });

  it("ignores chunks without tool calls", () => {
    const calls = new ToolCallAccumulator();
    calls.add(undefined);
    calls.add(null);
    calls.add([]);
    expect(calls.size).toBe(0);
    expect(calls.list()).toEqual([]);
  });
});

describe("checkToolCall", () => {
  it.each([
    ["an object", '{"query":"parking"}', { query: "parking" }],
    ["surrounding whitespace", '  {"query":"parking"}\n', { query: "parking" }],
    ["no arguments at all", "", {}],
    ["blank arguments", "   ", {}],
  ])("lets a known tool with %s run", (_label, argumentsText, expected) => {
    expect(checkToolCall({ id: "call_1", name: "lookupKnowledge", argumentsText }, TOOLS)).toEqual({
      ok: true,
      id: "call_1",
      name: "lookupKnowledge",
      arguments: expected,
    });
  });

  it.each([
    ["cut-off JSON", '{"query": "park', /are not valid JSON/],
    ["single quotes", "{'query': 'parking'}", /are not valid JSON/],
    ["an array", '["parking"]', /are not a JSON object/],
    ["a bare string", '"parking"', /are not a JSON object/],
    ["null", "null", /are not a JSON object/],
  ])("refuses %s as arguments, quoting them and asking for a JSON object", (_label, argumentsText, why) => {
    const checked = checkToolCall({ id: "call_1", name: "lookupKnowledge", argumentsText }, TOOLS);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.arguments).toBe(argumentsText);
    expect(checked.problem).toMatch(why);
    expect(checked.problem).toContain(argumentsText);
    expect(checked.problem).toContain("call lookupKnowledge again with a JSON object");
  });

  it("shortens very long broken arguments in the problem text", () => {
    const argumentsText = `{"query": "${"x".repeat(500)}`;
    const checked = checkToolCall({ id: "call_1", name: "lookupKnowledge", argumentsText }, TOOLS);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problem.length).toBeLessThan(400);
  });

  it("refuses an unknown tool and names the ones there are", () => {
    const checked = checkToolCall({ id: "call_1", name: "deleteEverything", argumentsText: "{}" }, TOOLS);
    expect(checked).toMatchObject({ ok: false, name: "deleteEverything", arguments: {} });
    if (!checked.ok) expect(checked.problem).toBe('There is no tool named "deleteEverything", so nothing ran. The tools are: takeMessage, lookupKnowledge.');
  });

  it("refuses a call without a function name", () => {
    const checked = checkToolCall({ id: "call_1", name: "", argumentsText: '{"a":1}' }, TOOLS);
    expect(checked).toMatchObject({ ok: false, name: "", arguments: { a: 1 } });
  });

  it("refuses every call when the assistant has no tools", () => {
    const checked = checkToolCall({ id: "call_1", name: "takeMessage", argumentsText: "{}" }, []);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problem).toContain("The tools are: none.");
  });
});
