// The LLM conversation engine against a local OpenAI-compatible stand-in, with tool calls run through
// the real webhook path (a sandbox call on a sandbox number, as the test console places them): the
// tool round trip, streaming, malformed and unknown tool calls, and an endpoint that is down, slow,
// failing, rate-limiting or dropping the connection — the turn always ends with a sensible reply.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type {
  ConversationEntry,
  EngineAssistant,
  EngineEvent,
  EngineTurnInput,
  EngineTurnResult,
  ToolInvoker,
} from "../../src/server/modules/conversation/engine.js";
import {
  createLlmEngine,
  LLM_EMPTY_REPLY_FALLBACK,
  LLM_FALLBACK_REPLY,
  type LlmEngineOptions,
  MAX_TOOL_ROUNDS_PER_TURN,
} from "../../src/server/modules/conversation/llm-engine.js";
import { fetchTransport } from "../../src/server/modules/sandbox/driver.js";
import { assistantRequestMessage, type CallFacts, statusUpdateMessage, toolCallsMessage } from "../../src/server/modules/sandbox/messages.js";
import type { ToolName } from "../../src/server/modules/templates/types.js";
import { sandboxWebhookSecret } from "../../src/server/modules/vapi-webhook/authenticate.js";
import { createFromTemplate } from "../helpers/assistants.js";
import { createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { findFreePort } from "../helpers/http-server.js";
import { type OpenAiStandIn, STAND_IN_MODEL, startOpenAiStandIn } from "../helpers/openai-stand-in.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;
let llm: OpenAiStandIn;
let office: OfficeLine;
const API_KEY = `sk-test-${randomBytes(12).toString("hex")}`;
const CALLER = "+12125550163";

type OfficeLine = { owner: TestOrgOwner; assistantId: string; phoneNumberId: string; number: string; assistant: EngineAssistant };

beforeAll(async () => {
  llm = await startOpenAiStandIn();
  // The platform's own engine (the test-session API) talks to the stand-in too.
  t = await startTestPlatform({ env: { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: STAND_IN_MODEL, LLM_API_KEY: API_KEY, LLM_TIMEOUT_MS: "5000" } });
  office = await createOfficeLine();
});
afterAll(async () => {
  await llm?.stop();
  await t?.stop();
});
beforeEach(() => llm.reset());

const ALWAYS_OPEN = { timezone: "America/Chicago", weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: "00:00", close: "24:00" })), holidays: [] };
const DIRECTORY = [{ name: "Dana Reyes", role: "Office manager", phone: "+14155552671" }];

/** A general-office assistant (takeMessage, transferCall, lookupKnowledge…) answering a new sandbox number, rendered as the engine sees it. */
async function createOfficeLine(extra: Record<string, unknown> = {}): Promise<OfficeLine> {
  const owner = await createOrgWithOwner(t);
  const created = await createFromTemplate(t, owner, "general-office", { status: "active", ...extra });
  const number = await t.api.post(
    `/api/v1/orgs/${owner.organizationId}/phone-numbers`,
    { provider: "sandbox", areaCode: String(200 + Math.floor(Math.random() * 700)), assistantId: created.id },
    { token: owner.accessToken },
  );
  expect(number.status, number.text).toBe(201);
  const preview = await t.api.post(`/api/v1/orgs/${owner.organizationId}/assistants/${created.id}/preview`, {}, { token: owner.accessToken });
  expect(preview.status, preview.text).toBe(200);
  const { issues: _issues, ...rendered } = preview.body;
  const assistant: EngineAssistant = {
    organizationId: owner.organizationId,
    assistantId: created.id,
    businessName: owner.organizationName,
    timezone: created.businessHours?.timezone ?? "UTC",
    rendered,
    enabledTools: created.enabledTools as ToolName[],
    template: null,
    variables: created.variables,
    businessHours: created.businessHours,
    menu: [],
  };
  return { owner, assistantId: created.id, phoneNumberId: number.body.id, number: number.body.number, assistant };
}

/**
 * A sandbox call to the line through POST /webhooks/vapi (assistant-request, in-progress), and a tool
 * invoker that sends each tool call as Vapi's tool-calls message on that call: the real tool handlers run.
 */
async function placeCall(line: OfficeLine): Promise<{ callId: string; invokeTool: ToolInvoker; invoked: string[] }> {
  const transport = fetchTransport((request) => t.platform.app.fetch(request), t.platform.ctx.config.appUrl);
  const headers = { "content-type": "application/json", authorization: `Bearer ${sandboxWebhookSecret(t.platform.ctx.accessTokenKey)}` };
  const send = async (message: object) => {
    const reply = await transport(JSON.stringify({ message }), headers);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body as Record<string, any>;
  };
  const now = Date.now();
  const facts: CallFacts = {
    id: `sandbox-${randomBytes(12).toString("hex")}`,
    createdAtMs: now,
    orgId: "sandbox",
    phoneNumberId: line.phoneNumberId,
    number: line.number,
    callerNumber: CALLER,
    status: "queued",
  };
  const answer = await send(assistantRequestMessage(facts, now));
  expect(answer.assistant, JSON.stringify(answer)).toBeDefined();
  facts.assistant = answer.assistant;
  Object.assign(facts, { status: "in-progress", startedAtMs: now + 1 });
  await send(statusUpdateMessage(facts, "in-progress", now + 1));
  const tools = (answer.assistant.model?.tools ?? []) as Record<string, unknown>[];
  const invoked: string[] = [];
  const invokeTool: ToolInvoker = async (call) => {
    const toolCallId = `call_${randomBytes(10).toString("hex")}`;
    invoked.push(call.name);
    const body = await send(toolCallsMessage(facts, [{ id: toolCallId, name: call.name, arguments: call.arguments }], Date.now(), tools));
    const result = (body.results as { toolCallId: string; result?: string; error?: string }[]).find((item) => item.toolCallId === toolCallId);
    return { toolCallId, name: call.name, ...(result?.result !== undefined ? { result: result.result } : { error: result?.error ?? "no result" }) };
  };
  return { callId: answer.assistant.metadata.callId, invokeTool, invoked };
}

function engineFor(overrides: Partial<LlmEngineOptions> = {}) {
  return createLlmEngine({ baseUrl: llm.baseUrl, apiKey: API_KEY, model: STAND_IN_MODEL, timeoutMs: 5_000, ...overrides });
}

const noTools: ToolInvoker = async () => {
  throw new Error("this turn must not run a tool");
};

function turnInput(callerText: string, invokeTool: ToolInvoker = noTools, extra: Partial<EngineTurnInput> = {}): EngineTurnInput {
  return { assistant: office.assistant, history: [], callerText, state: null, invokeTool, now: new Date(), ...extra };
}

type TurnRun = { events: EngineEvent[]; result: EngineTurnResult; elapsedMs: number; deltaTimes: number[] };

async function runTurn(engine: ReturnType<typeof createLlmEngine>, input: EngineTurnInput): Promise<TurnRun> {
  const started = Date.now();
  const events: EngineEvent[] = [];
  const deltaTimes: number[] = [];
  const turn = engine.reply(input);
  for (;;) {
    const step = await turn.next();
    if (step.done) return { events, result: step.value, elapsedMs: Date.now() - started, deltaTimes };
    events.push(step.value);
    if (step.value.type === "text-delta") deltaTimes.push(Date.now() - started);
  }
}

const typesOf = (events: EngineEvent[]) => events.map((event) => event.type);
const errorsOf = (events: EngineEvent[]) => events.flatMap((event) => (event.type === "error" ? [event.message] : []));
const spokenOf = (events: EngineEvent[]) => events.flatMap((event) => (event.type === "text-delta" ? [event.text] : [])).join("");

async function inboxItemsOfCall(line: OfficeLine, callId: string) {
  const res = await t.api.get(`/api/v1/orgs/${line.owner.organizationId}/inbox`, { token: line.owner.accessToken });
  expect(res.status, res.text).toBe(200);
  return (res.body.items as { kind: string; callId: string; callerName: string; details: Record<string, unknown> }[]).filter((item) => item.callId === callId);
}

describe("tool round trip through the webhook", () => {
  it("runs the model's takeMessage through the real tool handler, sends the result back with its tool_call_id, and speaks the model's final text", async () => {
    const call = await placeCall(office);
    const args = { callerName: "Sam Rivera", callbackNumber: CALLER, message: "Please call me about the invoice from March.", urgency: "normal" };
    llm.script({ toolCalls: [{ id: "call_msg_1", name: "takeMessage", arguments: args }] }, { text: "Thanks, Sam. I've passed your message on." });

    const { events, result } = await runTurn(engineFor(), turnInput("I'd like to leave a message for accounts, please.", call.invokeTool));

    expect(typesOf(events).filter((type) => type !== "text-delta")).toEqual(["tool-call", "tool-result"]);
    expect(events[0]).toEqual({ type: "tool-call", toolCallId: "call_msg_1", name: "takeMessage", arguments: args });
    const toolResult = events[1] as Extract<EngineEvent, { type: "tool-result" }>;
    expect(toolResult).toMatchObject({ type: "tool-result", toolCallId: "call_msg_1", name: "takeMessage" });
    expect(toolResult.error).toBeUndefined();
    expect(toolResult.result).toEqual(expect.any(String));
    expect(result.text).toBe("Thanks, Sam. I've passed your message on.");
    expect(spokenOf(events)).toBe(result.text);
    expect(result.endCall).toBeUndefined();
    expect(call.invoked).toEqual(["takeMessage"]);

    // The tool handler ran: the message is in the inbox, on this call.
    const items = await inboxItemsOfCall(office, call.callId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: "message", callerName: "Sam Rivera" });
    expect(JSON.stringify(items[0]!.details)).toContain("invoice from March");

    // What the model was sent: system prompt, greeting, the caller's line, the tools; then the tool round.
    expect(llm.requests).toHaveLength(2);
    const [first, second] = llm.requests.map((request) => request.body);
    expect(llm.requests[0]!.authorization).toBe(`Bearer ${API_KEY}`);
    expect(llm.requests[0]!.path).toBe("/v1/chat/completions");
    expect(first).toMatchObject({ model: STAND_IN_MODEL, stream: true });
    expect(first.messages).toEqual([
      { role: "system", content: office.assistant.rendered.systemPrompt },
      { role: "assistant", content: office.assistant.rendered.firstMessage },
      { role: "user", content: "I'd like to leave a message for accounts, please." },
    ]);
    expect(first.tools.map((tool: { type: string; function: { name: string } }) => `${tool.type}:${tool.function.name}`)).toEqual(
      office.assistant.rendered.tools.map((tool) => `function:${tool.name}`),
    );
    expect(first.tools[0].function.parameters).toEqual(office.assistant.rendered.tools[0]!.parameters);
    expect(second.messages.slice(0, 3)).toEqual(first.messages);
    expect(second.messages.slice(3)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_msg_1", type: "function", function: { name: "takeMessage", arguments: JSON.stringify(args) } }],
      },
      { role: "tool", tool_call_id: "call_msg_1", content: toolResult.result },
    ]);
  });

  it("sends the conversation so far on the next turn: earlier tool calls as assistant tool_calls followed by their tool results", async () => {
    const history: ConversationEntry[] = [
      { role: "assistant", text: office.assistant.rendered.firstMessage },
      { role: "caller", text: "Leave a message for Dana: the delivery is late." },
      {
        role: "tool",
        toolCallId: "call_a",
        name: "takeMessage",
        arguments: { callerName: "Ana", callbackNumber: CALLER, message: "Late delivery", urgency: "normal" },
        result: "Message saved.",
      },
      { role: "assistant", text: "Done. Anything else?" },
    ];
    llm.script({ text: "You're welcome. Goodbye!" });
    const { result } = await runTurn(engineFor(), turnInput("No, thanks.", noTools, { history }));
    expect(result.text).toBe("You're welcome. Goodbye!");
    expect(llm.requests[0]!.body.messages.slice(1)).toEqual([
      { role: "assistant", content: office.assistant.rendered.firstMessage },
      { role: "user", content: "Leave a message for Dana: the delivery is late." },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_a",
            type: "function",
            function: {
              name: "takeMessage",
              arguments: JSON.stringify({ callerName: "Ana", callbackNumber: CALLER, message: "Late delivery", urgency: "normal" }),
            },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: "Message saved." },
      { role: "assistant", content: "Done. Anything else?" },
      { role: "user", content: "No, thanks." },
    ]);
  });

  it("streams text deltas in the order they arrive, before the reply is complete", async () => {
    const chunks = ["Good", " morning", ", this is", " the front desk.", " How can I help?"];
    llm.script({ chunks, chunkDelayMs: 80 });
    const { events, result, deltaTimes, elapsedMs } = await runTurn(engineFor(), turnInput("Hello?"));
    expect(events).toEqual(chunks.map((text) => ({ type: "text-delta", text })));
    expect(result.text).toBe(chunks.join(""));
    // The first words reach the caller while the model is still writing the rest.
    expect(deltaTimes[0]!).toBeLessThan(elapsedMs - 250);
  });

  it("answers a tool call whose arguments are not JSON with an error the model can correct, without running the tool", async () => {
    const call = await placeCall(office);
    const broken = '{"callerName": "Sam Rivera", "message": "call me';
    llm.script(
      { text: "One moment.", toolCalls: [{ id: "call_bad", name: "takeMessage", arguments: broken }] },
      { text: "Sorry, could you tell me your number again?" },
    );
    const { events, result } = await runTurn(engineFor(), turnInput("Take a message please.", call.invokeTool));

    expect(typesOf(events).filter((type) => type !== "text-delta")).toEqual(["tool-call", "error", "tool-result"]);
    expect(events.find((event) => event.type === "tool-call")).toEqual({ type: "tool-call", toolCallId: "call_bad", name: "takeMessage", arguments: broken });
    const toolResult = events.find((event) => event.type === "tool-result") as Extract<EngineEvent, { type: "tool-result" }>;
    expect(toolResult.result).toBeUndefined();
    expect(toolResult.error).toMatch(/arguments of takeMessage are not valid JSON/);
    expect(errorsOf(events)[0]).toMatch(/could not run/);
    expect(result.text).toBe("One moment. Sorry, could you tell me your number again?");
    expect(call.invoked).toEqual([]);
    expect(await inboxItemsOfCall(office, call.callId)).toEqual([]);

    const followUp = llm.requests[1]!.body.messages.slice(-2);
    expect(followUp[0]).toEqual({
      role: "assistant",
      content: "One moment.",
      tool_calls: [{ id: "call_bad", type: "function", function: { name: "takeMessage", arguments: "{}" } }],
    });
    expect(followUp[1]).toMatchObject({ role: "tool", tool_call_id: "call_bad" });
    expect(followUp[1].content).toMatch(/^Error: The arguments of takeMessage are not valid JSON/);
  });

  it("answers a call to an unknown tool, or one without a name or id, with an error listing the real tools", async () => {
    const call = await placeCall(office);
    llm.script(
      {
        toolCalls: [
          { id: "call_x", name: "launchRockets", arguments: { count: 3 } },
          { id: null, name: null, arguments: {} },
          { id: "call_ok", name: "lookupKnowledge", arguments: { query: "opening hours" } },
        ],
      },
      { text: "I can help with messages and questions about the office." },
    );
    const { events, result } = await runTurn(engineFor(), turnInput("Launch the rockets!", call.invokeTool));

    const results = events.filter((event): event is Extract<EngineEvent, { type: "tool-result" }> => event.type === "tool-result");
    expect(results.map((item) => item.name)).toEqual(["launchRockets", "", "lookupKnowledge"]);
    expect(results[0]!.error).toMatch(/no tool named "launchRockets".*takeMessage/);
    expect(results[1]!.error).toMatch(/named no function/);
    expect(results[1]!.toolCallId).toMatch(/^call_/);
    expect(results[2]!.error).toBeUndefined();
    expect(call.invoked).toEqual(["lookupKnowledge"]);
    expect(errorsOf(events)).toHaveLength(2);
    expect(result.text).toBe("I can help with messages and questions about the office.");

    const sent = llm.requests[1]!.body.messages;
    const echoed = sent.at(-4);
    expect(echoed.tool_calls.map((item: { id: string; function: { name: string } }) => item.function.name)).toEqual([
      "launchRockets",
      "unnamed_function",
      "lookupKnowledge",
    ]);
    expect(sent.slice(-3).map((item: { role: string; tool_call_id: string }) => [item.role, item.tool_call_id])).toEqual([
      ["tool", "call_x"],
      ["tool", results[1]!.toolCallId],
      ["tool", "call_ok"],
    ]);
  });

  it(`stops a model that keeps calling tools after ${MAX_TOOL_ROUNDS_PER_TURN} rounds, with an error and a reply`, async () => {
    const call = await placeCall(office);
    llm.always({ toolCalls: [{ name: "lookupKnowledge", arguments: { query: "parking" } }] });
    const { events, result } = await runTurn(engineFor(), turnInput("Where can I park?", call.invokeTool));
    expect(call.invoked).toHaveLength(MAX_TOOL_ROUNDS_PER_TURN);
    expect(llm.requests).toHaveLength(MAX_TOOL_ROUNDS_PER_TURN + 1);
    expect(errorsOf(events).at(-1)).toMatch(/more than 4 times/);
    expect(result.text).toBe(LLM_FALLBACK_REPLY);
  });

  it("ends the call after a transfer the tool accepted", async () => {
    const line = await createOfficeLine({ businessHours: ALWAYS_OPEN, transferDirectory: DIRECTORY });
    expect(line.assistant.rendered.tools.map((tool) => tool.name)).toContain("transferCall");
    const call = await placeCall(line);
    llm.script(
      { toolCalls: [{ id: "call_tr", name: "transferCall", arguments: { destination: "Dana Reyes", reason: "A billing question." } }] },
      { text: "Connecting you now." },
    );
    const { events, result } = await runTurn(engineFor(), { ...turnInput("Can I speak to Dana?", call.invokeTool), assistant: line.assistant });
    const toolResult = events.find((event) => event.type === "tool-result") as Extract<EngineEvent, { type: "tool-result" }>;
    expect(toolResult.error, toolResult.error).toBeUndefined();
    expect(result).toMatchObject({ text: "Connecting you now.", endCall: true });
  });

  it("does not end the call when the transfer was refused", async () => {
    const line = await createOfficeLine({ businessHours: ALWAYS_OPEN, transferDirectory: DIRECTORY });
    const call = await placeCall(line);
    llm.script(
      { toolCalls: [{ id: "call_tr", name: "transferCall", arguments: { destination: "Nobody Here", reason: "A billing question." } }] },
      { text: "Can I take a message?" },
    );
    const { events, result } = await runTurn(engineFor(), { ...turnInput("Put me through to Nobody Here.", call.invokeTool), assistant: line.assistant });
    expect(call.invoked).toEqual(["transferCall"]);
    expect(events.find((event) => event.type === "tool-result")).toMatchObject({ error: expect.any(String) });
    expect(result.text).toBe("Can I take a message?");
    expect(result.endCall).toBeUndefined();
  });
});

describe("when the model endpoint misbehaves", () => {
  it("says the fallback with an error event when the endpoint refuses connections, in bounded time", async () => {
    const port = await findFreePort();
    const engine = engineFor({ baseUrl: `http://127.0.0.1:${port}/v1` });
    const { events, result, elapsedMs } = await runTurn(engine, turnInput("Hello?"));
    expect(typesOf(events)).toEqual(["error", "text-delta"]);
    expect(errorsOf(events)[0]).toMatch(new RegExp(`Could not reach the language model at http://127\\.0\\.0\\.1:${port}/v1`));
    expect(result.text).toBe(LLM_FALLBACK_REPLY);
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it("retries a 500 and answers with the retried reply", async () => {
    llm.script({ kind: "error", status: 500, message: "The server had an error while processing your request." }, { text: "Hi! How can I help?" });
    const { events, result } = await runTurn(engineFor(), turnInput("Hello?"));
    expect(errorsOf(events)).toEqual([]);
    expect(result.text).toBe("Hi! How can I help?");
    expect(llm.requests).toHaveLength(2);
  });

  it("retries a 429 with backoff, and gives up with the fallback when the endpoint keeps rate-limiting", async () => {
    llm.script({ kind: "error", status: 429, message: "Rate limit reached for requests", type: "requests" }, { text: "Sure." });
    const retried = await runTurn(engineFor(), turnInput("Can you help?"));
    expect(retried.result.text).toBe("Sure.");
    expect(llm.requests).toHaveLength(2);

    llm.reset();
    llm.always({ kind: "error", status: 429, message: "Rate limit reached for requests", type: "requests" });
    const { events, result } = await runTurn(engineFor(), turnInput("Can you help?"));
    expect(llm.requests).toHaveLength(3);
    expect(errorsOf(events)[0]).toMatch(/rate-limiting requests \(HTTP 429\): Rate limit reached/);
    expect(result.text).toBe(LLM_FALLBACK_REPLY);
  });

  it("does not retry a request the endpoint refuses (401), and never repeats the API key in the error", async () => {
    llm.always({ kind: "error", status: 401, message: `Incorrect API key provided: ${API_KEY}.`, type: "invalid_request_error" });
    const { events, result } = await runTurn(engineFor(), turnInput("Hello?"));
    expect(llm.requests).toHaveLength(1);
    const [message] = errorsOf(events);
    expect(message).toMatch(/refused the request \(HTTP 401\)/);
    expect(message).not.toContain(API_KEY);
    expect(message).toContain("[redacted]");
    expect(result.text).toBe(LLM_FALLBACK_REPLY);
  });

  it("times out a slow endpoint: error event and fallback within about the timeout, no retry", async () => {
    llm.always({ text: "Too late.", delayMs: 5_000 });
    const { events, result, elapsedMs } = await runTurn(engineFor({ timeoutMs: 400 }), turnInput("Hello?"));
    expect(typesOf(events)).toEqual(["error", "text-delta"]);
    expect(errorsOf(events)[0]).toMatch(/did not answer within 0\.4 s/);
    expect(result.text).toBe(LLM_FALLBACK_REPLY);
    expect(elapsedMs).toBeLessThan(2_000);
    expect(llm.requests).toHaveLength(1);
  });

  it("times out a reply that stalls mid-stream: keeps what was said, adds the fallback, does not repeat the request", async () => {
    llm.always({ chunks: ["Let me", " check", " that", " for you"], chunkDelayMs: 300 });
    const { events, result, elapsedMs } = await runTurn(engineFor({ timeoutMs: 500 }), turnInput("Are you open Sunday?"));
    const said = spokenOf(events);
    expect(said.startsWith("Let me")).toBe(true);
    expect(said.endsWith(` ${LLM_FALLBACK_REPLY}`)).toBe(true);
    expect(result.text).toBe(said);
    expect(errorsOf(events)).toHaveLength(1);
    expect(elapsedMs).toBeLessThan(2_500);
    expect(llm.requests).toHaveLength(1);
  });

  it("retries a connection dropped before any reply, but not one dropped after words were spoken", async () => {
    llm.script({ kind: "drop" }, { text: "Hello again." });
    const retried = await runTurn(engineFor(), turnInput("Hello?"));
    expect(retried.result.text).toBe("Hello again.");
    expect(errorsOf(retried.events)).toEqual([]);
    expect(llm.requests).toHaveLength(2);

    llm.reset();
    llm.script({ kind: "drop", afterChunks: ["We are open", " until"] }, { text: "never sent" });
    const { events, result } = await runTurn(engineFor(), turnInput("When do you close?"));
    expect(result.text).toBe(`We are open until ${LLM_FALLBACK_REPLY}`);
    expect(errorsOf(events)[0]).toMatch(/broke off/);
    expect(llm.requests).toHaveLength(1);
  });

  it("speaks a fallback when the model returns an empty reply or an unreadable stream", async () => {
    llm.script({ text: "" });
    const empty = await runTurn(engineFor(), turnInput("Hello?"));
    expect(empty.result.text).toBe(LLM_EMPTY_REPLY_FALLBACK);
    expect(errorsOf(empty.events)[0]).toMatch(/no text and no tool call/);

    llm.reset();
    llm.always({ kind: "raw-stream", body: "data: {not json\n\n" });
    const garbled = await runTurn(engineFor(), turnInput("Hello?"));
    expect(garbled.result.text).toBe(LLM_FALLBACK_REPLY);
    expect(errorsOf(garbled.events)[0]).toMatch(/not valid JSON/);
  });

  it("opens the circuit breaker after repeated failures, shared by every session of the engine, and then fails fast", async () => {
    llm.always({ kind: "error", status: 503, message: "The engine is currently overloaded." });
    const engine = engineFor();
    // 1 attempt + 2 retries per turn; the fifth consecutive failure opens the breaker.
    const first = await runTurn(engine, turnInput("Hello?"));
    expect(errorsOf(first.events)[0]).toMatch(/failed \(HTTP 503\): The engine is currently overloaded/);
    expect(llm.requests).toHaveLength(3);
    const second = await runTurn(engine, turnInput("Hello?"));
    expect(second.result.text).toBe(LLM_FALLBACK_REPLY);
    expect(llm.requests).toHaveLength(5);

    const third = await runTurn(engine, turnInput("Anyone there?"));
    expect(llm.requests).toHaveLength(5);
    expect(errorsOf(third.events)[0]).toMatch(/failed 5 times in a row, so it is not asked again for up to 30 s/);
    expect(third.result.text).toBe(LLM_FALLBACK_REPLY);
    expect(third.elapsedMs).toBeLessThan(200);

    // A separate engine (another configuration) has its own breaker.
    llm.reset();
    llm.script({ text: "Fine here." });
    expect((await runTurn(engineFor(), turnInput("Hello?"))).result.text).toBe("Fine here.");
  });

  it("lets a request through again once the breaker's pause is over, and closes it on success", async () => {
    llm.always({ kind: "error", status: 500 });
    const engine = engineFor({ resilience: { maxRetries: 0, breakerConsecutiveFailures: 2, breakerHalfOpenAfterMs: 300 } });
    await runTurn(engine, turnInput("1"));
    await runTurn(engine, turnInput("2"));
    expect(llm.requests).toHaveLength(2);
    expect(errorsOf((await runTurn(engine, turnInput("3"))).events)[0]).toMatch(/failed 2 times in a row/);
    expect(llm.requests).toHaveLength(2);

    await new Promise((resolve) => setTimeout(resolve, 350));
    llm.reset();
    llm.script({ text: "Back again." }, { text: "Still here." });
    expect((await runTurn(engine, turnInput("4"))).result.text).toBe("Back again.");
    expect((await runTurn(engine, turnInput("5"))).result.text).toBe("Still here.");
  });

  it("stops at once, without a fallback, when the session aborts the turn", async () => {
    llm.always({ text: "Too late.", delayMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const { events, result, elapsedMs } = await runTurn(engineFor(), turnInput("Hello?", noTools, { signal: controller.signal }));
    expect(events).toEqual([]);
    expect(result.text).toBe("");
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it("reports a failing tool invoker as an error result the model hears, and still replies", async () => {
    llm.script({ toolCalls: [{ id: "call_t", name: "lookupKnowledge", arguments: { query: "hours" } }] }, { text: "I can't look that up right now." });
    const failing: ToolInvoker = async () => {
      throw new Error("the webhook answered tool-calls with HTTP 503");
    };
    const { events, result } = await runTurn(engineFor(), turnInput("What are your hours?", failing));
    expect(errorsOf(events)[0]).toMatch(/Running lookupKnowledge failed: the webhook answered tool-calls with HTTP 503/);
    expect(events.find((event) => event.type === "tool-result")).toMatchObject({ toolCallId: "call_t", error: expect.stringMatching(/could not be reached/) });
    expect(llm.requests[1]!.body.messages.at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_t", content: expect.stringMatching(/^Error: /) });
    expect(result.text).toBe("I can't look that up right now.");
  });
});

describe("through the test-session API", () => {
  it("streams the model's tool call and its result as NDJSON, and the tool's inbox item exists on the session's call", async () => {
    const { owner, assistantId } = office;
    const created = await t.api.post(
      `/api/v1/orgs/${owner.organizationId}/assistants/${assistantId}/test-sessions`,
      { callerNumber: CALLER },
      { token: owner.accessToken },
    );
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ engine: "llm", status: "open" });
    const session = created.body;

    const args = { callerName: "Robin Park", callbackNumber: CALLER, message: "Please send the signed lease.", urgency: "normal" };
    llm.script({ toolCalls: [{ id: "call_api_1", name: "takeMessage", arguments: args }] }, { chunks: ["Got it,", " Robin.", " I'll pass that on."] });
    const turn = await t.api.post(
      `/api/v1/orgs/${owner.organizationId}/test-sessions/${session.id}/messages`,
      { text: "Can I leave a message for the office manager?" },
      { token: owner.accessToken, headers: { accept: "application/x-ndjson" } },
    );
    expect(turn.status, turn.text).toBe(200);
    expect(turn.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = turn.text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.type)).toEqual(["tool-call", "tool-result", "text-delta", "text-delta", "text-delta", "done"]);
    expect(lines[0]).toEqual({ type: "tool-call", toolCallId: "call_api_1", name: "takeMessage", arguments: args });
    expect(lines[1]).toMatchObject({ type: "tool-result", toolCallId: "call_api_1", name: "takeMessage", result: expect.any(String) });
    expect(lines.at(-1)).toMatchObject({ type: "done", text: "Got it, Robin. I'll pass that on." });
    const callId = lines.at(-1).session.callId as string;
    expect(callId).toMatch(/^call_/);

    const items = await inboxItemsOfCall(office, callId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: "message", callerName: "Robin Park" });

    // The model heard the assistant's prompt, the caller's number, the greeting once and the caller's line; then the tool result with its id.
    const [first, second] = llm.requests.map((request) => request.body);
    expect(first.messages[0]).toEqual({ role: "system", content: expect.stringContaining(owner.organizationName) });
    expect(first.messages[1]).toEqual({ role: "system", content: `The caller is calling from ${CALLER}.` });
    expect(first.messages.slice(2)).toEqual([
      { role: "assistant", content: office.assistant.rendered.firstMessage },
      { role: "user", content: "Can I leave a message for the office manager?" },
    ]);
    expect(second.messages.at(-1)).toEqual({ role: "tool", tool_call_id: "call_api_1", content: lines[1].result });

    // Another organization cannot post to this session.
    const stranger = await createOrgWithOwner(t);
    const foreign = await t.api.post(
      `/api/v1/orgs/${stranger.organizationId}/test-sessions/${session.id}/messages`,
      { text: "Hello?" },
      { token: stranger.accessToken },
    );
    expect(foreign.status).toBe(404);
    const crossed = await t.api.post(
      `/api/v1/orgs/${owner.organizationId}/test-sessions/${session.id}/messages`,
      { text: "Hello?" },
      { token: stranger.accessToken },
    );
    expect(crossed.status).toBe(404);
    expect(llm.requests).toHaveLength(2);
  });

  it("shows an unreachable model as an error line and speaks the fallback, and the turn ends", async () => {
    const { owner, assistantId } = office;
    const created = await t.api.post(`/api/v1/orgs/${owner.organizationId}/assistants/${assistantId}/test-sessions`, {}, { token: owner.accessToken });
    expect(created.status, created.text).toBe(201);
    llm.always({ kind: "error", status: 401, message: "Invalid API key." });
    const turn = await t.api.post(
      `/api/v1/orgs/${owner.organizationId}/test-sessions/${created.body.id}/messages`,
      { text: "Hello?" },
      { token: owner.accessToken },
    );
    expect(turn.status, turn.text).toBe(200);
    const lines = turn.text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.type)).toEqual(["error", "text-delta", "done"]);
    expect(lines[0].message).toMatch(/refused the request \(HTTP 401\): Invalid API key/);
    expect(lines.at(-1)).toMatchObject({ type: "done", text: LLM_FALLBACK_REPLY });
  });
});
