// The template conversation engine: deterministic, driven by the `conversation` data of the
// assistant's industry template (intents with example phrases and keywords, the slots each needs,
// the prompt for each missing slot, a confirmation, and the tool to call with which arguments).
// Nothing here knows an industry: a clinic books and a restaurant takes orders because their
// template files say so. Tools run only through `invokeTool` (the real webhook path).
import { renderPromptTemplate } from "../assistants/render-prompt.js";
import type { ConversationDefinition, ConversationIntent, ConversationSlot, ConversationToolCall, MenuItem } from "../templates/types.js";
import type { ConversationEngine, EngineAssistant, EngineEvent, EngineTurnInput, EngineTurnResult } from "./engine.js";
import { missingOption, type OrderItem, readChoices, readOrderItems, speakOrder } from "./menu-items.js";
import {
  containsPhrase,
  localDate,
  normalise,
  readCount,
  readDate,
  readIdentifier,
  readName,
  readPhone,
  readTime,
  speakDate,
  speakPhone,
  speakTime,
} from "./slot-values.js";
import { readToolResult } from "./tool-results.js";

type SlotValue = string | OrderItem[];

type Awaiting =
  | { kind: "slot"; key: string; confirmingCaller?: boolean; optionOf?: number }
  | { kind: "confirm" }
  | { kind: "change" }
  | { kind: "offer_fallback"; intent: string }
  | { kind: "anything_else" }
  | null;

export type TemplateEngineState = {
  intent: string | null;
  slots: Record<string, SlotValue>;
  awaiting: Awaiting;
  /** Values the last check offered for its slot (times), and for which inputs (service and date). */
  offered: string[];
  offeredFor: string | null;
  /** Lines in a row the engine could not use. */
  misses: number;
  /** The caller's line that started the intent ({{utterance}}). */
  utterance: string;
  lastQuestion: string;
};

const INITIAL_STATE: TemplateEngineState = {
  intent: null,
  slots: {},
  awaiting: null,
  offered: [],
  offeredFor: null,
  misses: 0,
  utterance: "",
  lastQuestion: "",
};

/** Slots kept when the caller switches from one intent to another (same key, same type). */
const MISSES_BEFORE_FALLBACK = 3;
const FILLER_ONLY = /^(?:u+m+|u+h+|h+m+|e+r+|a+h+|\.+|\W*)$/i;
const QUESTION_START = /^(what|whats|when|where|wheres|how|hows|do|does|is|are|can|could|will|would|which|who|why|any|have|has)\b/;
const GENERIC_PERSON = ["someone", "somebody", "anyone", "anybody", "a person", "a human", "a real person", "staff", "the office", "reception", "front desk"];
/** Words that mark a change of mind; a free-text answer ("please call me back about…") switches tasks only with one. */
const SWITCH_CUES = ["actually", "instead", "rather", "changed my mind", "change of plan", "never mind", "forget that", "scratch that"];
const USE_CALLER_NUMBER = ["this number", "same number", "the number im calling from", "number im calling from", "this one", "that one", "my cell"];

export type TemplateEngineOptions = {
  /** Used when the assistant's template has no conversation data (custom prompts). */
  defaultConversation?: ConversationDefinition | null;
};

type Turn = {
  input: EngineTurnInput;
  conversation: ConversationDefinition;
  state: TemplateEngineState;
  said: string[];
  endCall: boolean;
  today: string;
};

function services(assistant: EngineAssistant): MenuItem[] {
  return assistant.menu.filter((item) => typeof item.durationMinutes === "number" && item.durationMinutes > 0);
}

function availableIntents(assistant: EngineAssistant, conversation: ConversationDefinition): ConversationIntent[] {
  const offered = new Set(assistant.rendered.tools.map((tool) => tool.name as string));
  return conversation.intents.filter((intent) => offered.has(intent.action.tool) && (!intent.check || offered.has(intent.check.tool)));
}

function scoreIntent(intent: ConversationIntent, line: string): number {
  const text = ` ${normalise(line)} `;
  let score = 0;
  for (const example of intent.examples) {
    const key = normalise(example);
    if (key !== "" && text.includes(` ${key} `)) score = Math.max(score, 3);
  }
  for (const keyword of intent.keywords) {
    const key = normalise(keyword);
    if (key !== "" && text.includes(` ${key} `)) score += key.includes(" ") ? 2 : 1;
  }
  return score;
}

function bestIntent(turn: Turn, line: string, except: string | null): { intent: ConversationIntent; score: number } | null {
  let best: { intent: ConversationIntent; score: number } | null = null;
  for (const intent of availableIntents(turn.input.assistant, turn.conversation)) {
    if (intent.name === except) continue;
    const score = scoreIntent(intent, line);
    if (score > 0 && (!best || score > best.score)) best = { intent, score };
  }
  if (best) return best;
  const text = normalise(line);
  if (line.trim().endsWith("?") || QUESTION_START.test(text)) {
    const answering = availableIntents(turn.input.assistant, turn.conversation).find((intent) => intent.answersQuestions && intent.name !== except);
    if (answering) return { intent: answering, score: 1 };
  }
  return null;
}

function intentNamed(turn: Turn, name: string | null): ConversationIntent | null {
  if (name === null) return null;
  return availableIntents(turn.input.assistant, turn.conversation).find((intent) => intent.name === name) ?? null;
}

function isNo(turn: Turn, line: string): boolean {
  return containsPhrase(line, turn.conversation.noPhrases);
}

function isYes(turn: Turn, line: string): boolean {
  return !isNo(turn, line) && containsPhrase(line, turn.conversation.yesPhrases);
}

/** The value of a slot as spoken back to the caller. */
function spoken(slot: ConversationSlot | undefined, value: SlotValue | undefined): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return speakOrder(value);
  switch (slot?.type) {
    case "date":
      return speakDate(value);
    case "time":
      return speakTime(value);
    case "phone":
      return speakPhone(value);
    default:
      return value;
  }
}

function placeholders(turn: Turn, intent: ConversationIntent | null, extra: Record<string, string> = {}): Record<string, string> {
  const { assistant } = turn.input;
  const values: Record<string, string> = {
    business_name: assistant.businessName,
    caller_number: turn.input.callerNumber ? speakPhone(turn.input.callerNumber) : "",
    utterance: turn.state.utterance,
    directory_names: (assistant.transferDirectory ?? []).map((entry) => entry.name).join(", "),
    services: services(assistant)
      .map((item) => item.name)
      .join(", "),
  };
  for (const [key, value] of Object.entries(turn.state.slots)) {
    values[key] = spoken(
      intent?.slots.find((slot) => slot.key === key),
      value,
    );
  }
  return { ...values, ...extra };
}

function render(template: string, values: Record<string, string>): string {
  return renderPromptTemplate(template, values)
    .replace(/\s+([,.?!])/g, "$1")
    .replace(/\s{2,}/g, " ")
    .trim();
}

/** A tool's arguments from the mapping: a lone "{{slot}}" keeps the raw value (order items, ISO dates). */
function toolArguments(turn: Turn, call: ConversationToolCall, intent: ConversationIntent | null): Record<string, unknown> {
  const defaults = Object.fromEntries((intent?.slots ?? []).filter((slot) => slot.default !== undefined).map((slot) => [slot.key, slot.default!]));
  const raw: Record<string, SlotValue> = {
    ...defaults,
    ...turn.state.slots,
    utterance: turn.state.utterance,
    caller_number: turn.input.callerNumber ?? "",
  };
  const args: Record<string, unknown> = {};
  for (const [name, template] of Object.entries(call.arguments)) {
    const lone = /^\{\{\s*([A-Za-z0-9_]+)\s*\}\}$/.exec(template);
    if (lone) {
      const value = raw[lone[1]!];
      if (value !== undefined && value !== "") args[name] = value;
      continue;
    }
    const used = [...template.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((match) => match[1]!);
    if (used.length > 0 && used.every((key) => raw[key] === undefined || raw[key] === "")) continue;
    const text = template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, key: string) => {
      const value = raw[key];
      return Array.isArray(value) ? speakOrder(value) : (value ?? "");
    });
    if (text.trim() !== "") args[name] = text.trim();
  }
  return args;
}

function say(turn: Turn, text: string) {
  if (text.trim() !== "") turn.said.push(text.trim());
}

function ask(turn: Turn, question: string, awaiting: Awaiting) {
  say(turn, question);
  turn.state.lastQuestion = question;
  turn.state.awaiting = awaiting;
}

function slotNeeded(state: TemplateEngineState, slot: ConversationSlot): boolean {
  if (slot.optional) return false;
  if (slot.onlyWhen && state.slots[slot.onlyWhen.slot] !== slot.onlyWhen.equals) return false;
  return state.slots[slot.key] === undefined;
}

function matchService(assistant: EngineAssistant, line: string, awaited: boolean, fallback: string | undefined): string | null {
  const list = services(assistant);
  if (list.length === 0) return fallback ?? null;
  const text = ` ${normalise(line)} `;
  const named = list.filter((item) => text.includes(` ${normalise(item.name)} `));
  if (named.length > 0) return named.sort((a, b) => b.name.length - a.name.length)[0]!.name;
  // Distinctive words of a service name ("cleaning" for "Cleaning and checkup").
  for (const item of list) {
    const words = normalise(item.name)
      .split(" ")
      .filter((word) => word.length > 4 && !list.some((other) => other !== item && normalise(other.name).split(" ").includes(word)));
    if (words.some((word) => text.includes(` ${word} `) || text.includes(` ${word}s `))) return item.name;
  }
  if (awaited && list.length === 1) return list[0]!.name;
  return null;
}

function matchDirectory(assistant: EngineAssistant, line: string, awaited: boolean): string | null {
  const directory = assistant.transferDirectory ?? [];
  if (directory.length === 0) return null;
  const text = ` ${normalise(line)} `;
  for (const entry of directory) {
    const names = [entry.name, entry.role].map(normalise).filter((name) => name !== "");
    if (names.some((name) => text.includes(` ${name} `))) return entry.name;
    const words = normalise(entry.name)
      .split(" ")
      .filter((word) => word.length > 2 && !["dr", "the", "and"].includes(word));
    if (words.some((word) => text.includes(` ${word} `))) return entry.name;
    const roleWords = normalise(entry.role)
      .split(" ")
      .filter((word) => word.length > 4);
    if (roleWords.some((word) => text.includes(` ${word} `))) return entry.name;
  }
  if (awaited || containsPhrase(line, GENERIC_PERSON)) return containsPhrase(line, GENERIC_PERSON) || directory.length === 1 ? directory[0]!.name : null;
  return null;
}

type Reading = { value: SlotValue } | { invalid: string } | null;

/** Reads one slot from a line; `awaited` when the assistant just asked for it (lenient). */
function readSlot(turn: Turn, slot: ConversationSlot, line: string, awaited: boolean): Reading {
  const { assistant } = turn.input;
  switch (slot.type) {
    case "name": {
      const name = readName(line, awaited);
      return name ? { value: name } : null;
    }
    case "phone": {
      const phone = readPhone(line);
      if (phone) return { value: phone };
      if (
        awaited &&
        turn.input.callerNumber &&
        (containsPhrase(line, USE_CALLER_NUMBER) || (turn.state.awaiting?.kind === "slot" && turn.state.awaiting.confirmingCaller && isYes(turn, line)))
      )
        return { value: turn.input.callerNumber };
      return awaited && /\d/.test(line) ? { invalid: "phone" } : null;
    }
    case "date": {
      const date = readDate(line, turn.today);
      if (!date) return null;
      return "date" in date ? { value: date.date } : { invalid: date.invalid };
    }
    case "time": {
      const time = readTime(line);
      if (time) return { value: time };
      if (awaited && turn.state.offered.length > 0) {
        const text = normalise(line);
        if (/\b(first|earliest|soonest)\b/.test(text)) return { value: turn.state.offered[0]! };
        if (/\b(last|latest)\b/.test(text)) return { value: turn.state.offered.at(-1)! };
        const hour = /\b(\d{1,2})\b/.exec(text);
        if (hour) {
          const matching = turn.state.offered.find((offered) => Number(offered.slice(0, 2)) % 12 === Number(hour[1]) % 12);
          if (matching) return { value: matching };
        }
      }
      if (awaited) {
        const hour = /^\D*(\d{1,2})\D*$/.exec(line);
        if (hour) return { value: readTime(`at ${hour[1]}`) ?? "" };
      }
      return null;
    }
    case "party_size": {
      const count = awaited ? readCount(line) : /\b(party of|for|table for) /.test(normalise(line)) ? readCount(line) : null;
      return count ? { value: String(count) } : null;
    }
    case "text": {
      if (!awaited) return null;
      const text = line.trim().replace(/^(yes|yeah|sure|ok|okay)[,.!]?\s+/i, "");
      return text.length >= 2 ? { value: text } : null;
    }
    case "menu_items": {
      const items = readOrderItems(line, assistant.menu);
      if (items.length > 0) return { value: items };
      return awaited ? { invalid: "not_on_menu" } : null;
    }
    case "service": {
      const service = matchService(assistant, line, awaited, slot.default);
      return service ? { value: service } : null;
    }
    case "directory_entry": {
      const entry = matchDirectory(assistant, line, awaited);
      return entry ? { value: entry } : null;
    }
    case "choice":
    case "urgency": {
      const choice = slot.choices?.find((candidate) => containsPhrase(line, candidate.phrases));
      return choice ? { value: choice.value } : null;
    }
    case "identifier": {
      if (!awaited && !/\b(id|badge|employee|driver number|number is)\b/i.test(line)) return null;
      const id = readIdentifier(line);
      return id ? { value: id } : null;
    }
  }
}

/** Fills every slot the line clearly states (not free text, not an unasked name). */
function fillOpportunistically(turn: Turn, intent: ConversationIntent, line: string, skip: string | null): boolean {
  let filled = false;
  for (const slot of intent.slots) {
    if (slot.key === skip || slot.type === "text") continue;
    if (turn.state.slots[slot.key] !== undefined && slot.type !== "date" && slot.type !== "time") continue;
    const reading = readSlot(turn, slot, line, false);
    if (reading && "value" in reading && reading.value !== "") {
      if (turn.state.slots[slot.key] !== reading.value) filled = true;
      turn.state.slots[slot.key] = reading.value;
    }
  }
  return filled;
}

function slotOf(intent: ConversationIntent, key: string): ConversationSlot | undefined {
  return intent.slots.find((slot) => slot.key === key);
}

function retryText(turn: Turn, slot: ConversationSlot, invalid: string): string {
  if (invalid === "not_on_menu") {
    const examples = turn.input.assistant.menu
      .slice(0, 3)
      .map((item) => item.name)
      .join(", ");
    return render(turn.conversation.phrases.notOnMenu, { ...placeholders(turn, null), examples });
  }
  return slot.retryPrompt ?? turn.conversation.phrases.notUnderstood[0]!;
}

async function* runTool(turn: Turn, call: ConversationToolCall) {
  const args = toolArguments(turn, call, intentNamed(turn, turn.state.intent));
  const run = await turn.input.invokeTool({ name: call.tool, arguments: args });
  const events: EngineEvent[] = [
    { type: "tool-call", toolCallId: run.toolCallId, name: call.tool, arguments: args },
    {
      type: "tool-result",
      toolCallId: run.toolCallId,
      name: call.tool,
      ...(run.result !== undefined ? { result: run.result } : {}),
      ...(run.error !== undefined ? { error: run.error } : {}),
    },
  ];
  for (const event of events) yield event;
  return { run, read: readToolResult(call.tool, run.result ?? run.error ?? "", turn.today) };
}

function startIntent(turn: Turn, intent: ConversationIntent, line: string) {
  const previous = intentNamed(turn, turn.state.intent);
  const kept: Record<string, SlotValue> = {};
  for (const slot of intent.slots) {
    const value = turn.state.slots[slot.key];
    const before = previous ? slotOf(previous, slot.key) : intent.slots.find((candidate) => candidate.key === slot.key);
    if (value !== undefined && (!previous || before?.type === slot.type)) kept[slot.key] = value;
  }
  turn.state.intent = intent.name;
  turn.state.slots = kept;
  turn.state.awaiting = null;
  turn.state.offered = [];
  turn.state.offeredFor = null;
  turn.state.utterance = line.trim();
}

function finishIntent(turn: Turn) {
  const shared: Record<string, SlotValue> = {};
  for (const key of ["callerName", "callbackNumber"]) if (turn.state.slots[key] !== undefined) shared[key] = turn.state.slots[key]!;
  turn.state.intent = null;
  turn.state.slots = shared;
  turn.state.offered = [];
  turn.state.offeredFor = null;
}

/** Asks for what is missing, runs the check, confirms, or acts: the next step of the current intent. */
async function* advance(turn: Turn): AsyncGenerator<EngineEvent, void, void> {
  const intent = intentNamed(turn, turn.state.intent);
  if (!intent) return;
  const { state } = turn;
  const { phrases } = turn.conversation;
  const missing = intent.slots.find((slot) => slotNeeded(state, slot));
  // 1. The check runs as soon as its inputs are known, so the caller hears real free times before choosing one.
  const check = intent.check;
  if (check?.after.every((key) => state.slots[key] !== undefined)) {
    const afterKey = () => JSON.stringify(check.after.map((name) => state.slots[name]));
    const chosen = state.slots[check.offers] as string | undefined;
    const offeredHere = state.offeredFor === afterKey();
    if (!(offeredHere && (chosen === undefined || state.offered.includes(chosen)))) {
      const dateSlot = intent.slots.find((slot) => slot.type === "date");
      const askedDate = dateSlot ? state.slots[dateSlot.key] : undefined;
      const { run, read } = yield* runTool(turn, check);
      if (run.error !== undefined && read.offeredTimes.length === 0) {
        // Refused (a past date, an unknown service): ask for the date again.
        if (dateSlot) delete state.slots[dateSlot.key];
        say(turn, render(dateSlot?.retryPrompt ?? phrases.notUnderstood[0]!, placeholders(turn, intent)));
        ask(turn, render(dateSlot?.prompt ?? phrases.howCanIHelp, placeholders(turn, intent)), { kind: "slot", key: dateSlot?.key ?? check.offers });
        return;
      }
      if (read.offeredTimes.length === 0) {
        finishIntent(turn);
        ask(turn, render(intent.noAnswer ?? phrases.offerFallback, placeholders(turn, intent)), {
          kind: "offer_fallback",
          intent: intent.fallbackIntent ?? phrases.fallbackIntent,
        });
        return;
      }
      if (dateSlot && read.offeredDate) state.slots[dateSlot.key] = read.offeredDate;
      state.offered = read.offeredTimes;
      state.offeredFor = afterKey();
      const sameDay = !dateSlot || state.slots[dateSlot.key] === askedDate;
      if (!(chosen !== undefined && sameDay && read.offeredTimes.includes(chosen))) {
        delete state.slots[check.offers];
        const prompt = chosen !== undefined ? check.unavailablePrompt : check.offerPrompt;
        ask(turn, render(prompt, placeholders(turn, intent, { ...read.values, [check.offers]: chosen ? speakTime(chosen) : "" })), {
          kind: "slot",
          key: check.offers,
        });
        return;
      }
    }
  }
  // 2. Menu items need their required options.
  for (const slot of intent.slots.filter((candidate) => candidate.type === "menu_items")) {
    const items = state.slots[slot.key];
    if (!Array.isArray(items)) continue;
    for (const [index, item] of items.entries()) {
      const gap = missingOption(item, turn.input.assistant.menu);
      if (gap) {
        const choices = gap.group.choices.map((choice) => choice.name).join(", ");
        ask(turn, render(phrases.optionPrompt, { ...placeholders(turn, intent), item: item.name, option: gap.group.name.toLowerCase(), choices }), {
          kind: "slot",
          key: slot.key,
          optionOf: index,
        });
        return;
      }
    }
  }
  if (missing) {
    if (missing.type === "phone" && missing.confirmCallerPrompt && turn.input.callerNumber) {
      ask(turn, render(missing.confirmCallerPrompt, placeholders(turn, intent)), { kind: "slot", key: missing.key, confirmingCaller: true });
      return;
    }
    ask(turn, render(missing.prompt, placeholders(turn, intent)), { kind: "slot", key: missing.key });
    return;
  }
  // 3. Confirm, then act.
  if (intent.confirmation && state.awaiting?.kind !== "confirm") {
    ask(turn, render(intent.confirmation, placeholders(turn, intent)), { kind: "confirm" });
    return;
  }
  yield* act(turn, intent);
}

async function* act(turn: Turn, intent: ConversationIntent): AsyncGenerator<EngineEvent, void, void> {
  const { state } = turn;
  const { phrases } = turn.conversation;
  state.awaiting = null;
  const { run, read } = yield* runTool(turn, intent.action);
  const values = placeholders(turn, intent, read.values);
  if (run.result !== undefined && !read.empty) {
    say(turn, render(intent.success, values));
    finishIntent(turn);
    if (intent.endsCall) {
      turn.endCall = true;
      return;
    }
    ask(turn, render(phrases.anythingElse, values), { kind: "anything_else" });
    return;
  }
  if (read.empty) {
    finishIntent(turn);
    ask(turn, render(intent.noAnswer ?? phrases.offerFallback, values), { kind: "offer_fallback", intent: intent.fallbackIntent ?? phrases.fallbackIntent });
    return;
  }
  // Refused. Offered alternatives (a taken time) → ask again; else fall back (take a message).
  const internal = /went wrong on our side/i.test(run.error ?? "");
  say(turn, render(internal ? phrases.toolError : intent.failure, values));
  if (!internal && intent.retrySlots?.length && read.offeredTimes.length > 0) {
    for (const key of intent.retrySlots) delete state.slots[key];
    const dateSlot = intent.slots.find((slot) => slot.type === "date");
    if (dateSlot && read.offeredDate) state.slots[dateSlot.key] = read.offeredDate;
    state.offered = read.offeredTimes;
    state.offeredFor = intent.check ? JSON.stringify(intent.check.after.map((name) => state.slots[name])) : null;
    yield* advance(turn);
    return;
  }
  const fallback = intentNamed(turn, intent.fallbackIntent ?? null);
  if (fallback && fallback.name !== intent.name) {
    startIntent(turn, fallback, state.utterance);
    yield* advance(turn);
    return;
  }
  finishIntent(turn);
  ask(turn, render(phrases.anythingElse, values), { kind: "anything_else" });
}

function notUnderstood(turn: Turn) {
  const { phrases } = turn.conversation;
  const { state } = turn;
  state.misses += 1;
  if (state.misses >= MISSES_BEFORE_FALLBACK && intentNamed(turn, phrases.fallbackIntent)) {
    state.misses = 0;
    ask(turn, render(phrases.offerFallback, placeholders(turn, null)), { kind: "offer_fallback", intent: phrases.fallbackIntent });
    return;
  }
  const sorry = phrases.notUnderstood[(state.misses - 1) % phrases.notUnderstood.length]!;
  say(turn, render(sorry, placeholders(turn, null)));
  if (state.intent !== null && state.lastQuestion) say(turn, state.lastQuestion);
  else ask(turn, render(phrases.capabilities, placeholders(turn, null)), state.awaiting);
}

async function* converse(turn: Turn): AsyncGenerator<EngineEvent, void, void> {
  const { state } = turn;
  const { phrases } = turn.conversation;
  const line = turn.input.callerText.replace(/\s+/g, " ").trim();

  if (line === "" || FILLER_ONLY.test(line)) {
    say(turn, render(phrases.silence, placeholders(turn, null)));
    if (state.lastQuestion) say(turn, state.lastQuestion);
    return;
  }
  const intent = intentNamed(turn, state.intent);
  const awaiting = state.awaiting;
  const awaitingText = awaiting?.kind === "slot" && intent ? slotOf(intent, awaiting.key)?.type === "text" : false;

  const shortLine = normalise(line).split(" ").length <= 3;
  if (containsPhrase(line, turn.conversation.goodbyePhrases) && (!awaitingText || shortLine) && scoreOf(turn, line) < 2) {
    say(turn, render(phrases.goodbye, placeholders(turn, intent)));
    turn.endCall = true;
    return;
  }

  if (awaiting?.kind === "offer_fallback") {
    if (isYes(turn, line)) {
      const fallback = intentNamed(turn, awaiting.intent);
      if (fallback) {
        startIntent(turn, fallback, state.utterance || line);
        state.misses = 0;
        yield* advance(turn);
        return;
      }
    }
    if (isNo(turn, line) && scoreOf(turn, line) === 0) {
      state.awaiting = null;
      ask(turn, render(phrases.anythingElse, placeholders(turn, null)), { kind: "anything_else" });
      return;
    }
  }
  if (awaiting?.kind === "anything_else") {
    if (isNo(turn, line) && scoreOf(turn, line) === 0) {
      say(turn, render(phrases.goodbye, placeholders(turn, null)));
      turn.endCall = true;
      return;
    }
    if (isYes(turn, line) && scoreOf(turn, line) === 0) {
      ask(turn, render(phrases.howCanIHelp, placeholders(turn, null)), null);
      return;
    }
  }
  if (intent && awaiting?.kind === "confirm") {
    if (isYes(turn, line)) {
      yield* act(turn, intent);
      return;
    }
    if (isNo(turn, line)) {
      if (fillOpportunistically(turn, intent, line, null)) {
        state.awaiting = null;
        yield* advance(turn);
      } else ask(turn, render(phrases.changeWhat, placeholders(turn, intent)), { kind: "change" });
      return;
    }
  }
  if (intent && awaiting?.kind === "change") {
    const switched = bestIntent(turn, line, intent.name);
    if (!fillOpportunistically(turn, intent, line, null)) {
      // "The time" / "the date": ask that slot again.
      const named = intent.slots.find((slot) => containsPhrase(line, [slot.type, slot.key.replace(/([A-Z])/g, " $1")]));
      if (named) {
        delete state.slots[named.key];
        state.offered = [];
        state.offeredFor = null;
        yield* advance(turn);
        return;
      }
      if (switched && switched.score >= 2) {
        startIntent(turn, switched.intent, line);
        say(turn, render(phrases.switchIntent, placeholders(turn, switched.intent)));
        fillOpportunistically(turn, switched.intent, line, null);
        yield* advance(turn);
        return;
      }
      notUnderstood(turn);
      return;
    }
    state.awaiting = null;
    yield* advance(turn);
    return;
  }

  if (intent && awaiting?.kind === "slot") {
    const slot = slotOf(intent, awaiting.key);
    let reading: Reading = null;
    if (slot && awaiting.optionOf !== undefined && Array.isArray(state.slots[slot.key])) {
      const items = state.slots[slot.key] as OrderItem[];
      const item = items[awaiting.optionOf];
      const menuItem = turn.input.assistant.menu.find((entry) => entry.name === item?.name);
      const choices = item && menuItem ? readChoices(normalise(line).split(" "), menuItem) : [];
      if (item && choices.length > 0) {
        item.options = [...new Set([...item.options, ...choices])];
        reading = { value: items };
      }
    } else if (slot) reading = readSlot(turn, slot, line, true);
    const switched = bestIntent(turn, line, intent.name);
    const readOk = reading !== null && "value" in reading && reading.value !== "";
    // Another task, clearly asked for, wins over an answer that was not one (or any free-text answer when asked strongly).
    if (switched && ((!readOk && switched.score >= 2) || (awaitingText && switched.score >= 2 && containsPhrase(line, SWITCH_CUES)))) {
      startIntent(turn, switched.intent, line);
      say(turn, render(phrases.switchIntent, placeholders(turn, switched.intent)));
      fillOpportunistically(turn, switched.intent, line, null);
      yield* advance(turn);
      return;
    }
    if (slot && reading && "invalid" in reading) {
      say(turn, render(retryText(turn, slot, reading.invalid), placeholders(turn, intent)));
      if (state.lastQuestion) say(turn, state.lastQuestion);
      return;
    }
    const others = slot && slot.type !== "text" ? fillOpportunistically(turn, intent, line, slot.key) : false;
    if (slot && readOk) {
      state.slots[slot.key] = (reading as { value: SlotValue }).value;
      state.misses = 0;
    } else if (slot?.type === "phone" && awaiting.confirmingCaller && isNo(turn, line)) {
      ask(turn, render(slot.prompt, placeholders(turn, intent)), { kind: "slot", key: slot.key });
      return;
    } else if (!others) {
      notUnderstood(turn);
      return;
    }
    state.awaiting = null;
    yield* advance(turn);
    return;
  }

  // No task in progress (or the caller moved on): find what they want.
  const found = bestIntent(turn, line, null);
  if (!found) {
    if (intent && state.lastQuestion && fillOpportunistically(turn, intent, line, null)) {
      yield* advance(turn);
      return;
    }
    notUnderstood(turn);
    return;
  }
  if (intent && found.intent.name !== intent.name) say(turn, render(phrases.switchIntent, placeholders(turn, found.intent)));
  startIntent(turn, found.intent, line);
  state.misses = 0;
  fillOpportunistically(turn, found.intent, line, null);
  yield* advance(turn);

  function scoreOf(current: Turn, text: string): number {
    return bestIntent(current, text, null)?.score ?? 0;
  }
}

function isState(value: unknown): value is TemplateEngineState {
  return typeof value === "object" && value !== null && "slots" in value && "awaiting" in value;
}

export function createTemplateEngine(options: TemplateEngineOptions = {}): ConversationEngine {
  return {
    kind: "template",
    async *reply(input: EngineTurnInput): AsyncGenerator<EngineEvent, EngineTurnResult, void> {
      const conversation = input.assistant.template?.conversation ?? options.defaultConversation ?? null;
      const state: TemplateEngineState = isState(input.state) ? structuredClone(input.state) : structuredClone(INITIAL_STATE);
      if (!conversation) {
        const text = "I'm sorry, I can't help with that on this line. Please call back later.";
        yield { type: "error", message: "This assistant's template has no conversation data for the template engine." };
        yield { type: "text-delta", text };
        return { text, state, endCall: false };
      }
      const turn: Turn = {
        input,
        conversation,
        state,
        said: [],
        endCall: false,
        today: localDate(input.assistant.businessHours?.timezone || input.assistant.timezone, input.now),
      };
      yield* converse(turn);
      if (turn.said.length === 0) say(turn, render(conversation.phrases.howCanIHelp, placeholders(turn, null)));
      const text = turn.said.join(" ");
      yield { type: "text-delta", text };
      return { text, state: turn.state, ...(turn.endCall ? { endCall: true } : {}) };
    },
  };
}
