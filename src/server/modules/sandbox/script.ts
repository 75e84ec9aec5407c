// The sandbox call script: what the simulated caller says, what the assistant answers, and which
// tools the assistant calls, one line each. Parsing is strict and reports line numbers, since
// scripts are written by hand.
//
//   # a comment; blank lines are ignored
//   caller: Hi, I'd like to order for pickup.
//   assistant: Sure, what would you like?
//   tool: takeOrder {"items":[{"name":"Margherita","quantity":1}],"fulfillment":"pickup","callerName":"Sam"}
//   assistant: That's one Margherita for pickup.     ← optional: without it the assistant reads the tool's result
//   hang                                             ← optional: Vapi's "hang" notice (the assistant went quiet)
//
// In tool arguments, "{{caller}}" stands for the caller's number (e.g. "callbackNumber":"{{caller}}").
// The assistant's first message (its greeting) is spoken before the first line, as on a real call.
// The call ends after the last line, with the caller hanging up.
import { isRecord } from "../vapi-webhook/messages.js";

export type ScriptLine =
  | { kind: "caller"; text: string }
  | { kind: "assistant"; text: string }
  | { kind: "tool"; name: string; arguments: Record<string, unknown> }
  | { kind: "hang" };

export type SandboxScript = ScriptLine[];

export const SCRIPT_MAX_CHARS = 20_000;
export const SCRIPT_MAX_LINES = 200;
const TEXT_MAX_CHARS = 2_000;

export class SandboxScriptError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message);
  }
}

export function parseSandboxScript(source: string): SandboxScript {
  if (source.length > SCRIPT_MAX_CHARS) throw new SandboxScriptError(0, `the script is longer than ${SCRIPT_MAX_CHARS} characters`);
  const lines: SandboxScript = [];
  for (const [index, raw] of source.split(/\r?\n/).entries()) {
    const number = index + 1;
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (/^hang$/i.test(line)) {
      lines.push({ kind: "hang" });
    } else {
      const match = /^(caller|assistant|tool)\s*:\s*(.*)$/i.exec(line);
      if (!match) throw new SandboxScriptError(number, 'expected "caller: …", "assistant: …", "tool: <name> <JSON arguments>" or "hang"');
      const kind = match[1]!.toLowerCase() as "caller" | "assistant" | "tool";
      const rest = match[2]!.trim();
      if (kind === "tool") lines.push(parseToolLine(number, rest));
      else {
        if (rest === "") throw new SandboxScriptError(number, `the ${kind} says nothing`);
        if (rest.length > TEXT_MAX_CHARS) throw new SandboxScriptError(number, `the line is longer than ${TEXT_MAX_CHARS} characters`);
        lines.push({ kind, text: rest });
      }
    }
    if (lines.length > SCRIPT_MAX_LINES) throw new SandboxScriptError(number, `a script has at most ${SCRIPT_MAX_LINES} lines`);
  }
  if (!lines.some((line) => line.kind === "caller")) throw new SandboxScriptError(0, 'the script has no "caller:" line');
  return lines;
}

function parseToolLine(number: number, rest: string): ScriptLine {
  const match = /^([A-Za-z_][\w-]{0,63})\s*(.*)$/.exec(rest);
  if (!match) throw new SandboxScriptError(number, "expected a tool name, then its arguments as a JSON object");
  const json = match[2]!.trim() || "{}";
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new SandboxScriptError(number, `the arguments are not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) throw new SandboxScriptError(number, "the arguments must be a JSON object");
  return { kind: "tool", name: match[1]!, arguments: parsed };
}

/** Replaced by the caller's number (E.164) in tool arguments. */
export const CALLER_PLACEHOLDER = "{{caller}}";

/** The default scripts: a caller leaving a message, worded for each industry (templates' `industry`). */
const DEFAULT_SCRIPTS: Record<string, string> = {
  restaurant: `caller: Hi, I'd like to ask about booking a table for a party of twelve next Saturday.
assistant: I can pass that on to the team. May I have your name and the best number to reach you?
caller: It's Sam Rivera, and you can reach me on this number.
tool: takeMessage {"callerName":"Sam Rivera","callbackNumber":"{{caller}}","message":"Would like to book a table for a party of twelve next Saturday evening.","urgency":"normal"}
caller: Great, thank you. Bye!`,
  clinic: `caller: Hello, I chipped a tooth this morning and I'd like someone to call me back about it.
assistant: I'm sorry to hear that. May I have your name so the team can call you back?
caller: Sam Rivera. This number is fine.
tool: takeMessage {"callerName":"Sam Rivera","callbackNumber":"{{caller}}","message":"Chipped a tooth this morning and would like a call back about being seen.","urgency":"urgent"}
caller: Thanks, goodbye.`,
  salon: `caller: Hi, I'd like to ask whether you do colour corrections.
assistant: Let me take a message for our stylists. What's your name?
caller: Sam Rivera, on this number.
tool: takeMessage {"callerName":"Sam Rivera","callbackNumber":"{{caller}}","message":"Asks whether the salon does colour corrections and what it costs.","urgency":"normal"}
caller: Perfect, thank you.`,
  home_services: `caller: Hi, my kitchen sink is leaking under the cabinet.
assistant: I'm sorry about that. Can I get your name so a technician can call you back?
caller: Sam Rivera. Please call me on this number.
tool: takeMessage {"callerName":"Sam Rivera","callbackNumber":"{{caller}}","message":"Kitchen sink leaking under the cabinet; needs a technician.","urgency":"urgent"}
caller: Thank you, bye.`,
  legal: `caller: Hello, I'd like to speak with someone about a contract dispute with my landlord.
assistant: I can take a message for the attorneys. What's your name?
caller: Sam Rivera, and this number is best.
tool: takeMessage {"callerName":"Sam Rivera","callbackNumber":"{{caller}}","message":"Would like advice on a contract dispute with their landlord.","urgency":"normal"}
caller: Thanks very much.`,
  logistics: `caller: Hi, this is Sam from the north depot. I need to leave a message for dispatch.
assistant: Go ahead, I'll pass it on to dispatch.
caller: Truck 14 will be about an hour late to the Oakland drop-off because of traffic.
tool: takeMessage {"callerName":"Sam Rivera","callbackNumber":"{{caller}}","message":"Truck 14 will be about an hour late to the Oakland drop-off because of traffic.","urgency":"normal"}
caller: Thanks, bye.`,
  general: `caller: Hi, I'd like to leave a message for the team, please.
assistant: Of course. May I have your name?
caller: Sam Rivera. Please ask someone to call me back on this number about my last invoice.
tool: takeMessage {"callerName":"Sam Rivera","callbackNumber":"{{caller}}","message":"Please call back about the last invoice.","urgency":"normal"}
caller: Thank you, goodbye.`,
};

/** The default script's text for an industry; unknown or none: a general caller leaving a message. */
export function defaultSandboxScriptText(industry: string | null | undefined): string {
  return DEFAULT_SCRIPTS[industry ?? "general"] ?? DEFAULT_SCRIPTS.general!;
}

/** The industry an assistant's tools clearly point to, for callers (the CLI) that only see the assistant Vapi would get. */
export function industryFromTools(tools: readonly string[]): string {
  if (tools.includes("takeOrder")) return "restaurant";
  if (tools.includes("logDriverCallout")) return "logistics";
  // Offices, clinics, salons and trades share their tool sets; the general wording suits them all.
  return "general";
}
