// Answers Vapi's assistant-request (7.5 s hard deadline; we aim for milliseconds): chooses the
// assistant by the number's routing and the business hours, admits the call against the
// organization's status and plan (the period's metered calls and minutes of a plan that stops at
// its limits, concurrent calls), records the call,
// and returns a transient assistant rendered by the one prompt renderer, or the fallback: a
// forward to the business's number, or a polite message-taking assistant.

import type { Vapi } from "@vapi-ai/server-sdk";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { withTenantLocked } from "../../db/transaction.js";
import { openStatusAt } from "../assistants/business-hours.js";
import { renderInputOf } from "../assistants/render-input.js";
import type { renderAssistant } from "../assistants/render-prompt.js";
import type { assistants } from "../assistants/schema.js";
import { DEFAULT_MODEL, DEFAULT_VOICE, defaultBusinessHours } from "../assistants/service.js";
import { meteredLimitReached } from "../billing/usage.js";
import { announceCall, upsertCallRow } from "../calls/ingest.js";
import { ensureCallPartition } from "../calls/partitions.js";
import type { OrganizationSettings } from "../organizations/schema.js";
import { isPlatformNumber, type ResolvedNumber } from "../phone-numbers/lookup.js";
import { getTemplate, type StoredTemplate } from "../templates/service.js";
import { callCreatedAtOf, callerNumberOf, callOf, SERVER_MESSAGES, type VapiMessage } from "./messages.js";
import { shouldDiscloseRecording, withRecordingDisclosure } from "./recording-consent.js";
import { renderAssistantCached } from "./rendered-assistant-cache.js";

/** A call still "live" after this long is a call whose end we never heard of: it no longer holds a slot. */
export const CONCURRENCY_WINDOW_MS = 2 * 60 * 60 * 1000;

export const FALLBACK_REASONS = [
  "assistant_unavailable",
  "organization_suspended",
  "monthly_calls_exhausted",
  "monthly_minutes_exhausted",
  "concurrency_limit",
  "after_hours",
] as const;
export type FallbackReason = (typeof FALLBACK_REASONS)[number];

export const UNKNOWN_NUMBER_ERROR = "Sorry, this number is not in service. Please check the number and try again.";

/** The structured data Vapi extracts after every call; its fields match the actions tools record. */
export const CALL_OUTCOMES = [
  "message_taken",
  "callback_requested",
  "appointment_booked",
  "appointment_cancelled",
  "order_placed",
  "transferred",
  "driver_callout_logged",
  "question_answered",
  "no_action",
] as const;

const ANALYSIS_PLAN: Vapi.AnalysisPlan = {
  summaryPlan: { enabled: true },
  structuredDataPlan: {
    enabled: true,
    schema: {
      type: "object",
      properties: {
        outcome: { type: "string", enum: [...CALL_OUTCOMES], description: "What the call achieved." },
        callerName: { type: "string", description: "The caller's name, if given." },
        callbackNumber: { type: "string", description: "The number to call back, in E.164, if given." },
        reason: { type: "string", description: "Why the caller called, in one sentence." },
        urgent: { type: "boolean", description: "True when the caller said it was urgent." },
      },
      required: ["outcome"],
    },
  },
  successEvaluationPlan: { enabled: true, rubric: "PassFail" },
};

const MESSAGE_TAKING_PROMPT = [
  "You are the answering service for {{business_name}}. Nobody can take the call right now.",
  "Be brief and warm. Ask for the caller's name, the best number to reach them, and their message, then save it with the takeMessage tool.",
  "Read the message back, confirm it will be passed on, and end the call politely. Do not promise a time for the call back.",
].join("\n");
const MESSAGE_TAKING_GREETING = "Thanks for calling {{business_name}}. We can't come to the phone right now, but I can take a message.";

type AssistantRow = typeof assistants.$inferSelect;

type OrgRow = {
  name: string;
  timezone: string;
  settings: OrganizationSettings;
  status: string;
  deleted_at: Date | null;
  plan_id: string;
  price_cents: number | null;
  calls_per_month: number | null;
  minutes_per_month: number | null;
  billing_increment_seconds: number;
  overage_call_cents: number | null;
  overage_minute_cents: number | null;
  concurrent_calls: number | null;
};

export type AssistantRequestAnswer = Vapi.ServerMessageResponseAssistantRequest;

// Template versions never change once stored, so they are cached for the life of the process.
const templateCache = new Map<string, Promise<StoredTemplate | null>>();
export function cachedTemplate(ctx: AppContext, slug: string, version: number | null): Promise<StoredTemplate | null> {
  const key = `${ctx.config.databaseUrl}|${slug}@${version ?? "latest"}`;
  let hit = templateCache.get(key);
  if (!hit || version === null) {
    hit = getTemplate(ctx, slug, version ?? undefined).catch(() => null);
    if (version !== null) templateCache.set(key, hit);
  }
  return hit;
}

async function loadAssistant(tx: Db, organizationId: string, assistantId: string | null): Promise<AssistantRow | null> {
  if (assistantId === null) return null;
  const row = await tx.query.assistants.findFirst({ where: (a, { and, eq }) => and(eq(a.organizationId, organizationId), eq(a.id, assistantId)) });
  return row ?? null;
}

type Decision = { assistant: AssistantRow | null; fallback: FallbackReason | null; forwardTo: string | null };

async function decide(
  tx: Db,
  org: OrgRow,
  resolved: ResolvedNumber,
  providerCallId: string,
  now: Date,
): Promise<Decision & { openAssistant: AssistantRow | null }> {
  const { routing } = resolved;
  const openAssistant = await loadAssistant(tx, resolved.organizationId, routing.openAssistantId);
  const routingForward = routing.afterHours.mode === "forward" ? routing.afterHours.forwardTo : null;
  const assistantForward = openAssistant?.afterHours.mode === "forward" ? openAssistant.afterHours.forwardTo : null;
  const forwardTo = routingForward ?? assistantForward;
  const fallback = (reason: FallbackReason) => ({ assistant: null, fallback: reason, forwardTo, openAssistant });

  if (org.status === "suspended" || org.deleted_at !== null) return fallback("organization_suspended");

  // A plan that stops at its limits (no overage price: the Free plan) answers with the fallback
  // once the billing period's metered calls or minutes reach them; other plans continue as overage.
  const exhausted = await meteredLimitReached(
    tx,
    resolved.organizationId,
    {
      callsPerMonth: org.calls_per_month,
      minutesPerMonth: org.minutes_per_month,
      billingIncrementSeconds: org.billing_increment_seconds,
      overageCallCents: org.overage_call_cents,
      overageMinuteCents: org.overage_minute_cents,
    },
    now,
    providerCallId,
  );
  if (exhausted === "calls") return fallback("monthly_calls_exhausted");
  if (exhausted === "minutes") return fallback("monthly_minutes_exhausted");
  if (org.concurrent_calls !== null) {
    const { rows } = await tx.$client.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM calls WHERE organization_id = $1 AND started_at > $2 AND status <> 'ended' AND provider_call_id <> $3`,
      [resolved.organizationId, new Date(now.getTime() - CONCURRENCY_WINDOW_MS), providerCallId],
    );
    if (rows[0]!.count >= org.concurrent_calls) return fallback("concurrency_limit");
  }

  let assistant = openAssistant;
  if (openAssistant && !openStatusAt(openAssistant.businessHours, now).open) {
    const afterHours = routing.afterHours;
    if (afterHours.mode === "assistant") assistant = await loadAssistant(tx, resolved.organizationId, afterHours.assistantId);
    else if (afterHours.mode === "forward") return { assistant: null, fallback: "after_hours", forwardTo: afterHours.forwardTo, openAssistant };
    else if (afterHours.mode === "take_message") return { assistant: null, fallback: "after_hours", forwardTo: null, openAssistant };
  }
  if (assistant?.status !== "active") return fallback("assistant_unavailable");
  return { assistant, fallback: null, forwardTo: null, openAssistant };
}

function toolServerUrl(ctx: AppContext): string {
  return `${ctx.config.appUrl}/webhooks/vapi`;
}

function vapiTools(ctx: AppContext, tools: ReturnType<typeof renderAssistant>["tools"]) {
  return tools.map((tool) => ({
    type: "function" as const,
    async: false,
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    server: { url: toolServerUrl(ctx) },
  }));
}

export function transientAssistant(
  ctx: AppContext,
  input: {
    name: string;
    rendered: ReturnType<typeof renderAssistant>;
    model: { provider: string; model: string };
    voice: { provider: string; voiceId: string };
  },
  metadata: Record<string, unknown>,
  disclose: boolean,
): Vapi.CreateAssistantDto {
  const firstMessage = disclose ? withRecordingDisclosure(input.rendered.firstMessage) : input.rendered.firstMessage;
  return {
    name: input.name.slice(0, 40),
    firstMessage,
    firstMessageMode: "assistant-speaks-first",
    model: {
      provider: input.model.provider,
      model: input.model.model,
      messages: [{ role: "system", content: input.rendered.systemPrompt }],
      tools: vapiTools(ctx, input.rendered.tools),
    } as unknown as Vapi.CreateAssistantDtoModel,
    voice: { provider: input.voice.provider, voiceId: input.voice.voiceId } as unknown as Vapi.CreateAssistantDtoVoice,
    serverMessages: SERVER_MESSAGES,
    server: { url: toolServerUrl(ctx) },
    analysisPlan: ANALYSIS_PLAN,
    metadata,
  };
}

/** Builds the answer to an assistant-request whose number resolved to `resolved`. */
export async function answerAssistantRequest(ctx: AppContext, resolved: ResolvedNumber, message: VapiMessage): Promise<AssistantRequestAnswer> {
  const vendorCall = callOf(message);
  const startedAt = callCreatedAtOf(message) ?? ctx.clock.now();
  const providerCallId = vendorCall?.id ?? null;
  const callerNumber = callerNumberOf(message);
  const now = ctx.clock.now();
  if (providerCallId !== null) await ensureCallPartition(ctx, startedAt);

  // Admission is serialised per organization, so two simultaneous calls cannot both take the last
  // slot; the lock is taken in the transaction's opening round trip, before the counts are read.
  const outcome = await withTenantLocked(ctx.db, resolved.organizationId, `call-admission:${resolved.organizationId}`, async (tx) => {
    const { rows } = await tx.$client.query<OrgRow>(
      `SELECT o.name, o.timezone, o.settings, o.status, o.deleted_at, o.plan_id, p.price_cents, p.calls_per_month, p.minutes_per_month,
              p.billing_increment_seconds, p.overage_call_cents, p.overage_minute_cents, p.concurrent_calls
       FROM organizations o JOIN plans p ON p.id = o.plan_id WHERE o.id = $1`,
      [resolved.organizationId],
    );
    const org = rows[0];
    if (!org) return null;
    const decision = await decide(tx, org, resolved, providerCallId ?? "", now);
    const call =
      providerCallId === null
        ? null
        : await upsertCallRow(tx, {
            organizationId: resolved.organizationId,
            provider: resolved.provider === "sandbox" ? "sandbox" : "vapi",
            providerCallId,
            startedAt,
            phoneNumberId: resolved.phoneNumberId,
            calledNumber: resolved.number,
            assistantId: decision.assistant?.id ?? decision.openAssistant?.id ?? null,
            callerNumber,
            fallback: decision.fallback,
          });
    if (call) await announceCall(tx, call, "call.started");
    return { org, decision, call };
  });
  if (outcome === null) return { error: UNKNOWN_NUMBER_ERROR };
  const { org, decision, call } = outcome;
  const metadata = {
    organizationId: resolved.organizationId,
    assistantId: decision.assistant?.id ?? decision.openAssistant?.id ?? null,
    callId: call?.callId ?? null,
    ...(decision.fallback ? { fallback: decision.fallback } : {}),
  };
  const disclose = shouldDiscloseRecording(org.settings, callerNumber);

  if (decision.assistant) {
    const assistant = decision.assistant;
    const template = assistant.templateSlug ? await cachedTemplate(ctx, assistant.templateSlug, assistant.templateVersion) : null;
    const rendered = renderAssistantCached(ctx, renderInputOf(assistant, org.name, template?.definition ?? null, now));
    return { assistant: transientAssistant(ctx, { name: assistant.name, rendered, model: assistant.model, voice: assistant.voice }, metadata, disclose) };
  }

  // Fallback: forward when the business has a number to forward to (never back to the caller or
  // to one of the platform's own numbers, which would loop), else take a message.
  const forwardTo = decision.forwardTo;
  if (forwardTo && forwardTo !== callerNumber && forwardTo !== resolved.number && !(await isPlatformNumber(ctx, forwardTo))) {
    return {
      destination: {
        type: "number",
        number: forwardTo,
        message: disclose ? withRecordingDisclosure("Please hold while I connect you.") : "Please hold while I connect you.",
      },
    };
  }
  const base = decision.openAssistant;
  const rendered = renderAssistantCached(ctx, {
    businessName: org.name,
    template: null,
    customPrompt: MESSAGE_TAKING_PROMPT,
    firstMessage: MESSAGE_TAKING_GREETING,
    variables: {},
    businessHours: base?.businessHours ?? defaultBusinessHours(org.timezone),
    afterHours: { mode: "take_message" },
    transferDirectory: [],
    enabledTools: ["takeMessage"],
    now,
  });
  return {
    assistant: transientAssistant(
      ctx,
      { name: `${org.name} messages`, rendered, model: base?.model ?? DEFAULT_MODEL, voice: base?.voice ?? DEFAULT_VOICE },
      metadata,
      disclose,
    ),
  };
}
