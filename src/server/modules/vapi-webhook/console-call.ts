// Web calls of the test console: no number is dialled, so the tenant comes from a session token the
// server signed when the console opened (HMAC-SHA256, key derived from APP_SECRET, compared in
// constant time) and sent in the call's assistant metadata — never from a plain id in the message.
// Only requests authenticated with the sandbox secret may carry one. The assistant-request of such a
// call answers the session's assistant whatever its status (drafts can be tried), as a test call.

import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppContext } from "../../context.js";
import { withTenant } from "../../db/transaction.js";
import { renderInputOf } from "../assistants/render-input.js";
import { renderAssistant } from "../assistants/render-prompt.js";
import { announceCall, upsertCallRow } from "../calls/ingest.js";
import { ensureCallPartition } from "../calls/partitions.js";
import type { OrganizationSettings } from "../organizations/schema.js";
import { type AssistantRequestAnswer, cachedTemplate, transientAssistant, UNKNOWN_NUMBER_ERROR } from "./assistant-request.js";
import { callCreatedAtOf, callerNumberOf, callOf, isRecord, stringOf, type VapiMessage } from "./messages.js";
import { shouldDiscloseRecording } from "./recording-consent.js";

/** What a console web call resolves to: its organization, session and assistant; no number. */
export type ConsoleTenant = {
  kind: "console";
  organizationId: string;
  testSessionId: string;
  assistantId: string;
  provider: "sandbox";
  phoneNumberId: null;
  number: null;
};

export type TestSessionClaims = { organizationId: string; testSessionId: string; assistantId: string };

const TOKEN_VERSION = "ts1";
/** Public ids are "prefix_" + base32; nothing else may appear in a token's fields. */
const ID_PATTERN = /^[a-z]{2,8}_[0-9a-z]{8,40}$/;

function tokenKey(accessTokenKey: Uint8Array): Buffer {
  return createHmac("sha256", accessTokenKey).update("switchboard:test-session-token:v1").digest();
}

function signature(accessTokenKey: Uint8Array, payload: string): string {
  return createHmac("sha256", tokenKey(accessTokenKey)).update(payload).digest("base64url");
}

/** The token a console session's web call carries: "ts1.<org>.<session>.<assistant>.<signature>". */
export function signTestSessionToken(accessTokenKey: Uint8Array, claims: TestSessionClaims): string {
  const payload = [TOKEN_VERSION, claims.organizationId, claims.testSessionId, claims.assistantId].join(".");
  return `${payload}.${signature(accessTokenKey, payload)}`;
}

export function verifyTestSessionToken(accessTokenKey: Uint8Array, token: string): TestSessionClaims | null {
  if (token.length > 300) return null;
  const parts = token.split(".");
  if (parts.length !== 5 || parts[0] !== TOKEN_VERSION) return null;
  const [, organizationId, testSessionId, assistantId, presented] = parts as [string, string, string, string, string];
  if (![organizationId, testSessionId, assistantId].every((id) => ID_PATTERN.test(id))) return null;
  const expected = Buffer.from(signature(accessTokenKey, parts.slice(0, 4).join(".")), "utf8");
  const given = Buffer.from(presented, "utf8");
  if (given.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return null;
  }
  return timingSafeEqual(given, expected) ? { organizationId, testSessionId, assistantId } : null;
}

/** The session token of a web call: in call.assistantOverrides.metadata (the request), or the answered assistant's metadata. */
function tokenOf(message: VapiMessage): string | null {
  const call = callOf(message);
  if (call?.type !== "webCall") return null;
  const places = [call.assistantOverrides, call.assistant, message.assistant];
  for (const place of places) {
    if (isRecord(place) && isRecord(place.metadata)) {
      const token = stringOf(place.metadata.testSessionToken);
      if (token) return token;
    }
  }
  return null;
}

/** The console tenant of a web call, or null when it is not one (or its token does not verify). */
export function consoleTenantOf(ctx: AppContext, message: VapiMessage): ConsoleTenant | null {
  const token = tokenOf(message);
  const claims = token === null ? null : verifyTestSessionToken(ctx.accessTokenKey, token);
  if (!claims) return null;
  return { kind: "console", ...claims, provider: "sandbox", phoneNumberId: null, number: null };
}

type OrgRow = { name: string; settings: OrganizationSettings; status: string; deleted_at: Date | null };

/** The assistant-request of a console web call: the session's assistant, rendered now; the call is a test call. */
export async function answerConsoleAssistantRequest(ctx: AppContext, tenant: ConsoleTenant, message: VapiMessage): Promise<AssistantRequestAnswer> {
  const vendorCall = callOf(message);
  const startedAt = callCreatedAtOf(message) ?? ctx.clock.now();
  const callerNumber = callerNumberOf(message);
  const now = ctx.clock.now();
  if (vendorCall) await ensureCallPartition(ctx, startedAt);
  const outcome = await withTenant(ctx.db, tenant.organizationId, async (tx) => {
    const { rows } = await tx.$client.query<OrgRow>("SELECT name, settings, status, deleted_at FROM organizations WHERE id = $1", [tenant.organizationId]);
    const org = rows[0];
    if (!org || org.status === "suspended" || org.deleted_at !== null) return null;
    const assistant = await tx.query.assistants.findFirst({
      where: (a, { and, eq }) => and(eq(a.organizationId, tenant.organizationId), eq(a.id, tenant.assistantId)),
    });
    if (!assistant) return null;
    const call = vendorCall
      ? await upsertCallRow(tx, {
          organizationId: tenant.organizationId,
          provider: "sandbox",
          providerCallId: vendorCall.id,
          startedAt,
          phoneNumberId: null,
          calledNumber: null,
          assistantId: assistant.id,
          callerNumber,
          isTest: true,
        })
      : null;
    if (call) await announceCall(tx, call, "call.started");
    return { org, assistant, call };
  });
  if (outcome === null) return { error: UNKNOWN_NUMBER_ERROR };
  const { org, assistant, call } = outcome;
  const template = assistant.templateSlug ? await cachedTemplate(ctx, assistant.templateSlug, assistant.templateVersion) : null;
  const rendered = renderAssistant(renderInputOf(assistant, org.name, template?.definition ?? null, now));
  const metadata = {
    organizationId: tenant.organizationId,
    assistantId: assistant.id,
    callId: call?.callId ?? null,
    testSessionId: tenant.testSessionId,
    testSessionToken: tokenOf(message),
  };
  return {
    assistant: transientAssistant(
      ctx,
      { name: assistant.name, rendered, model: assistant.model, voice: assistant.voice },
      metadata,
      shouldDiscloseRecording(org.settings, callerNumber),
    ),
  };
}
