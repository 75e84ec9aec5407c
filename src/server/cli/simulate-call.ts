// `npm run call:simulate -- --number +14155550100 [--script call.txt] [--caller +13125550142] [--url http://localhost:3000] [--pace 400]`:
// plays a scripted call to a sandbox number of a running Switchboard over real HTTP (POST
// /webhooks/vapi, with the messages Vapi sends), printing the transcript as it goes and the call id.
// The credential is the sandbox webhook secret, derived from APP_SECRET (or, outside production,
// the secret the server generated into DATA_DIR) exactly as the server derives it.
//
// `npm run call:simulate -- --assistant ast_… --script caller-lines.txt [--caller +13125550142]`:
// talks to an assistant (no phone number needed) the way the test console does: the script holds
// only the caller's lines, and the conversation engine (the template engine, or the model when
// LLM_BASE_URL is set) answers each one, calling tools. It connects to the database itself
// (DATABASE_URL, or the embedded PostgreSQL of DATA_DIR, with the server's APP_SECRET) and runs
// the test session in-process against the real webhook handler; the call is recorded as a test call
// of the assistant's organization, and its events are ingested by whichever instance's job workers
// pick them up. Prints the transcript with each tool call and its result.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { deriveAccessTokenKey } from "../modules/auth/tokens.js";
import { parseCallerLines, simulateAssistantConversation } from "../modules/conversation/simulate.js";
import { isSandboxNumber } from "../modules/phone-numbers/sandbox-provider.js";
import { httpTransport, playSandboxCall } from "../modules/sandbox/driver.js";
import { defaultSandboxScriptText, industryFromTools, parseSandboxScript, SandboxScriptError } from "../modules/sandbox/script.js";
import { waitForIngestion } from "../modules/sandbox/service.js";
import { sandboxWebhookSecret } from "../modules/vapi-webhook/authenticate.js";
import { startPlatform } from "../platform.js";

const USAGE = [
  "Usage: npm run call:simulate -- --number <E.164 sandbox number> [--script <file>] [--caller <E.164>] [--url http://localhost:3000] [--pace <ms>]",
  "   or: npm run call:simulate -- --assistant <assistant id> --script <file of caller lines> [--caller <E.164>]",
].join("\n");
const E164 = /^\+[1-9]\d{6,14}$/;
const DEFAULT_CALLER = "+13125550142";
const PACE_MAX_MS = 2_000;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** APP_SECRET, else the dev secret the server wrote into DATA_DIR (never created here: the server owns it). */
async function appSecretOf(config: ReturnType<typeof loadConfig>): Promise<string> {
  if (config.appSecret) return config.appSecret;
  const file = path.resolve(config.dataDir, "app-secret");
  if (!existsSync(file)) fail(`No APP_SECRET and no ${file}: start the server once (npm start), or set APP_SECRET to the server's.`);
  return (await readFile(file, "utf8")).trim();
}

async function main() {
  const { values } = parseArgs({
    options: {
      number: { type: "string" },
      script: { type: "string" },
      caller: { type: "string" },
      url: { type: "string" },
      pace: { type: "string" },
      assistant: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.assistant !== undefined) {
    await talkToAssistant(values.assistant, values.script, values.caller);
    return;
  }
  const number = values.number ?? fail(USAGE);
  if (!isSandboxNumber(number)) fail(`${number} is not a sandbox number (they look like +1 NXX 555-01YY; provision one in the app under Phone numbers).`);
  const caller = values.caller ?? DEFAULT_CALLER;
  if (!E164.test(caller)) fail(`--caller must be E.164, such as ${DEFAULT_CALLER}.`);
  const paceMs = values.pace === undefined ? 0 : Number(values.pace);
  if (!Number.isInteger(paceMs) || paceMs < 0 || paceMs > PACE_MAX_MS) fail(`--pace is milliseconds between lines, 0 to ${PACE_MAX_MS}.`);

  let script: ReturnType<typeof parseSandboxScript> | null = null;
  if (values.script) {
    try {
      script = parseSandboxScript(await readFile(values.script, "utf8"));
    } catch (error) {
      fail(error instanceof SandboxScriptError ? `${values.script}: ${error.message}` : String(error));
    }
  }

  const config = loadConfig({ ...process.env, LOG_LEVEL: "warn" });
  const baseUrl = (values.url ?? config.appUrl).replace(/\/$/, "");
  const secret = sandboxWebhookSecret(deriveAccessTokenKey(await appSecretOf(config)));
  const providerCallId = `sandbox-cli-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  console.log(`Calling ${number} from ${caller} through ${baseUrl}/webhooks/vapi …`);
  const outcome = await playSandboxCall(httpTransport(baseUrl), {
    secret,
    number,
    callerNumber: caller,
    providerCallId,
    startedAtMs: Date.now(),
    paceMs,
    // Without a script, a caller leaves a message, worded for what the answering assistant can do.
    script:
      script ??
      ((answer) => {
        const model = (answer.assistant?.model ?? {}) as { tools?: { function?: { name?: string } }[] };
        const tools = (model.tools ?? []).map((tool) => tool.function?.name ?? "");
        return parseSandboxScript(defaultSandboxScriptText(industryFromTools(tools)));
      }),
    onTurn: (turn) => {
      const who = turn.speaker === "caller" ? "Caller   " : turn.speaker === "assistant" ? "Assistant" : "Tool     ";
      console.log(`[${turn.secondsFromStart.toFixed(1).padStart(5)}s] ${who}  ${turn.text}`);
    },
  });
  console.log(`Call ended (${outcome.endedReason}). Vapi call id: ${outcome.providerCallId}`);
  console.log(outcome.callId ? `Call id: ${outcome.callId}` : "The number forwarded the call, so no assistant answered it.");
}

/** `--assistant`: a console session in-process, driven by the script's caller lines. */
async function talkToAssistant(assistantId: string, scriptFile: string | undefined, caller: string | undefined) {
  if (!scriptFile) fail(`--assistant needs --script <file> with the caller's lines.\n${USAGE}`);
  if (caller !== undefined && !E164.test(caller)) fail(`--caller must be E.164, such as ${DEFAULT_CALLER}.`);
  const lines = parseCallerLines(await readFile(scriptFile, "utf8"));
  if (lines.length === 0) fail(`${scriptFile} has no caller lines.`);
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" });
  const platform = await startPlatform({ config });
  try {
    const { organizationId, session } = await simulateAssistantConversation(platform.ctx, {
      assistantId,
      lines,
      callerNumber: caller,
      onEvent: (event) => {
        if (event.kind === "caller") console.log(`Caller     ${event.text === "" ? "(silence)" : event.text}`);
        else if (event.kind === "assistant") console.log(`Assistant  ${event.text}`);
        else if (event.line.type === "tool-call") console.log(`Tool call  ${event.line.name} ${JSON.stringify(event.line.arguments)}`);
        else if (event.line.type === "tool-result") console.log(`Result     ${event.line.name} → ${event.line.result ?? `error: ${event.line.error}`}`);
        else if (event.line.type === "error") console.log(`Error      ${event.line.message}`);
        else if (event.line.type === "done" && event.line.text !== "") console.log(`Assistant  ${event.line.text}`);
      },
    });
    console.log(`Call ended (${session.endedReason ?? "ended"}). Engine: ${session.engine}. Call id: ${session.callId ?? "none"}`);
    // This process's job workers apply the call's messages too; wait so the call is complete when the command returns.
    if (session.callId)
      await waitForIngestion(platform.ctx, organizationId, session.callId).catch(() => console.log("(The call's report is still being processed.)"));
  } finally {
    await platform.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
