// Sandbox calls: checks that a number is one of the organization's sandbox numbers, chooses the
// script (the given one, or the default for the routed assistant's industry), and plays the call
// through the app's own POST /webhooks/vapi, in-process, authenticated with the sandbox secret. The
// API enqueues "sandbox.run-call"; the job runs runSandboxCall and waits until the call is ingested.
import { randomBytes } from "node:crypto";
import type { AppContext } from "../../context.js";
import { withTenant } from "../../db/transaction.js";
import { Invalid, NotFound } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import { findAssistant } from "../assistants/service.js";
import { getCall } from "../calls/service.js";
import { getPhoneNumber, type PhoneNumberView } from "../phone-numbers/service.js";
import { getTemplate } from "../templates/service.js";
import { sandboxWebhookSecret } from "../vapi-webhook/authenticate.js";
import { fetchTransport, playSandboxCall, type ToolRun, type TranscriptTurn, type WebhookTransport } from "./driver.js";
import { defaultSandboxScriptText, parseSandboxScript, type SandboxScript, SandboxScriptError } from "./script.js";

export const SANDBOX_PACE_MAX_MS = 2_000;
/** A fictional caller (NANP 555-01xx) when none is given. */
export const SANDBOX_DEFAULT_CALLER = "+13125550142";
const INGESTION_TIMEOUT_MS = 30_000;
const INGESTION_POLL_MS = 100;

export type SandboxCallRequest = {
  organizationId: string;
  phoneNumberId: string;
  callerNumber?: string | undefined;
  /** Script text (see script.ts); the routed assistant's industry default when absent. */
  script?: string | undefined;
  /** Marks the call as a test call: listed as such, not counted as usage. */
  isTest?: boolean | undefined;
  paceMs?: number | undefined;
  providerCallId?: string | undefined;
};

export type SandboxCallResult = { callId: string | null; providerCallId: string; transcript: TranscriptTurn[]; toolResults: ToolRun[] };

/** The services below read only the organization id of an access; a job acts for the organization itself. */
const accessOf = (organizationId: string): OrgAccess => ({ organizationId, role: "owner" });

export function newSandboxCallId(): string {
  return `sandbox-${randomBytes(12).toString("hex")}`;
}

/** The organization's active sandbox number: 404 when it is not the organization's, 422 when not a sandbox number. */
export async function sandboxNumberOf(ctx: AppContext, organizationId: string, phoneNumberId: string): Promise<PhoneNumberView> {
  const number = await getPhoneNumber(ctx, accessOf(organizationId), phoneNumberId);
  const invalid = (message: string) => new Invalid("VALIDATION_FAILED", message, [{ path: "body.phoneNumberId", message }]);
  if (number.provider !== "sandbox") throw invalid("Simulated calls need a sandbox number; this one is a real number.");
  if (number.status !== "active") throw invalid("This number was released; provision another sandbox number.");
  return number;
}

export function parseScriptOrInvalid(source: string): SandboxScript {
  try {
    return parseSandboxScript(source);
  } catch (error) {
    if (error instanceof SandboxScriptError)
      throw new Invalid("VALIDATION_FAILED", `The script is not valid: ${error.message}.`, [{ path: "body.script", message: error.message }]);
    throw error;
  }
}

/** The industry of the assistant that answers the number in open hours (its template's), or null. */
async function industryOf(ctx: AppContext, organizationId: string, number: PhoneNumberView): Promise<string | null> {
  const assistantId = number.routing.openAssistantId;
  if (!assistantId) return null;
  const assistant = await withTenant(ctx.db, organizationId, (tx) => findAssistant(tx, organizationId, assistantId)).catch((error: unknown) => {
    if (error instanceof NotFound) return null;
    throw error;
  });
  if (!assistant?.templateSlug) return null;
  const template = await getTemplate(ctx, assistant.templateSlug, assistant.templateVersion ?? undefined).catch(() => null);
  return template?.definition.industry ?? null;
}

// Built on first use per platform; imported lazily because app.ts mounts this feature's routes.
const inProcessApps = new WeakMap<AppContext, Promise<WebhookTransport>>();
/** The app's own POST /webhooks/vapi, called in-process (no network hop; same handler as a real delivery). */
export function inProcessTransport(ctx: AppContext): Promise<WebhookTransport> {
  let transport = inProcessApps.get(ctx);
  if (!transport) {
    transport = import("../../app.js").then(({ buildApp }) => {
      const app = buildApp(ctx);
      return fetchTransport((request) => app.fetch(request), ctx.config.appUrl);
    });
    inProcessApps.set(ctx, transport);
  }
  return transport;
}

/** Marks the call as a test call before its report is metered. */
async function markAsTest(ctx: AppContext, organizationId: string, callId: string): Promise<void> {
  // The calls feature exposes no writer for this flag; the row is the tenant's own, in its transaction.
  await withTenant(ctx.db, organizationId, (tx) =>
    tx.$client.query("UPDATE calls SET is_test = true WHERE organization_id = $1 AND id = $2", [organizationId, callId]),
  );
}

/** Waits until the call's end-of-call report has been ingested (the webhook ingests from the job queue). */
export async function waitForIngestion(ctx: AppContext, organizationId: string, callId: string): Promise<void> {
  const deadline = Date.now() + INGESTION_TIMEOUT_MS;
  for (;;) {
    const call = await getCall(ctx, accessOf(organizationId), callId).catch((error: unknown) => {
      if (error instanceof NotFound) return null;
      throw error;
    });
    if (call && call.status === "ended" && call.summary !== null) return;
    if (Date.now() > deadline) throw new Error(`sandbox call ${callId} was not ingested within ${INGESTION_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, INGESTION_POLL_MS));
  }
}

/** Plays one sandbox call to the end and returns once it is ingested. */
export async function runSandboxCall(
  ctx: AppContext,
  request: SandboxCallRequest,
  options: { transport?: WebhookTransport; onTurn?: (turn: TranscriptTurn) => void } = {},
): Promise<SandboxCallResult> {
  const { organizationId } = request;
  const number = await sandboxNumberOf(ctx, organizationId, request.phoneNumberId);
  const script = parseScriptOrInvalid(request.script ?? defaultSandboxScriptText(await industryOf(ctx, organizationId, number)));
  const transport = options.transport ?? (await inProcessTransport(ctx));
  const played = await playSandboxCall(transport, {
    secret: sandboxWebhookSecret(ctx.accessTokenKey),
    number: number.number,
    phoneNumberId: number.id,
    callerNumber: request.callerNumber ?? SANDBOX_DEFAULT_CALLER,
    providerCallId: request.providerCallId ?? newSandboxCallId(),
    startedAtMs: ctx.clock.now().getTime(),
    script,
    paceMs: Math.min(Math.max(request.paceMs ?? 0, 0), SANDBOX_PACE_MAX_MS),
    now: () => ctx.clock.now().getTime(),
    onTurn: options.onTurn,
    onAnswered: async ({ callId }) => {
      if (request.isTest && callId) await markAsTest(ctx, organizationId, callId);
    },
  });
  if (played.callId) await waitForIngestion(ctx, organizationId, played.callId);
  return { callId: played.callId, providerCallId: played.providerCallId, transcript: played.transcript, toolResults: played.toolResults };
}

/**
 * The API's part: checks the number and the script now (so mistakes are answered 404/422), then
 * enqueues the call; the "sandbox.run-call" job plays it.
 */
export async function startSandboxCall(
  ctx: AppContext,
  access: OrgAccess,
  input: { phoneNumberId: string; script?: string | undefined; callerNumber?: string | undefined; paceMs?: number | undefined },
): Promise<{ providerCallId: string }> {
  const organizationId = access.organizationId;
  await sandboxNumberOf(ctx, organizationId, input.phoneNumberId);
  if (input.script !== undefined) parseScriptOrInvalid(input.script);
  const providerCallId = newSandboxCallId();
  await withTenant(ctx.db, organizationId, (tx) =>
    ctx.jobs.enqueue(tx, "sandbox.run-call", {
      organizationId,
      phoneNumberId: input.phoneNumberId,
      providerCallId,
      isTest: true,
      ...(input.script !== undefined ? { script: input.script } : {}),
      ...(input.callerNumber !== undefined ? { callerNumber: input.callerNumber } : {}),
      ...(input.paceMs !== undefined ? { paceMs: input.paceMs } : {}),
    }),
  );
  return { providerCallId };
}

/** The "sandbox.run-call" job. A failed simulation is logged, not retried: the user just starts another. */
export async function runSandboxCallJob(ctx: AppContext, payload: SandboxCallRequest & { providerCallId: string }): Promise<void> {
  try {
    const result = await runSandboxCall(ctx, payload);
    ctx.logger.info({ providerCallId: result.providerCallId, callId: result.callId, organizationId: payload.organizationId }, "sandbox call played");
  } catch (error) {
    ctx.logger.error({ err: error, providerCallId: payload.providerCallId, organizationId: payload.organizationId }, "a sandbox call failed");
  }
}
