// Transfers: only to an entry of the assistant's directory, only while the business is open, and
// never to one of the platform's own numbers (a loop) or back to the caller. Refusals of the last
// two kinds escalate: an urgent callback item whose notification asks the team to call back.
import { and, eq } from "drizzle-orm";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { AppContext } from "../../../context.js";
import type { Db } from "../../../db/client.js";
import { withTenant } from "../../../db/transaction.js";
import { openStatusAt } from "../../assistants/business-hours.js";
import { assistants } from "../../assistants/schema.js";
import type { CallContext } from "../../calls/call-context.js";
import { isPlatformNumber } from "../../phone-numbers/lookup.js";
import type { DirectoryEntry } from "../../templates/types.js";
import { createInboxItem } from "../items.js";
import type { ToolArguments } from "./arguments.js";
import { type AssistantRow, findByName, normaliseName, type ToolEnv, type ToolOutcome } from "./context.js";

export type TransferDecision = { allowed: true; number: string; name: string; message: string } | { allowed: false; reason: string; message: string };

function e164(value: string | null | undefined): string | null {
  if (!value) return null;
  const parsed = parsePhoneNumberFromString(value.trim());
  return parsed?.isValid() ? parsed.number : null;
}

function findDestination(directory: readonly DirectoryEntry[], wanted: string): DirectoryEntry | undefined {
  const byName = findByName(directory, wanted, (entry) => entry.name);
  if (byName) return byName;
  const key = normaliseName(wanted);
  const byRole = directory.filter((entry) => normaliseName(entry.role ?? "") === key);
  if (byRole.length > 0) return byRole[0];
  return findByName(directory, wanted, (entry) => entry.role ?? "");
}

async function escalate(ctx: AppContext, tx: Db, call: CallContext, assistant: AssistantRow, entry: DirectoryEntry, why: string): Promise<string> {
  return createInboxItem(tx, ctx.jobs, {
    organizationId: call.organizationId,
    kind: "callback",
    title: `Urgent: caller asked for ${entry.name}; call them back`,
    details: { urgent: true, reason: why, destination: entry.name, destinationRole: entry.role ?? null, callbackNumber: call.callerNumber },
    callId: call.callId,
    assistantId: assistant.id,
    callerName: null,
    callerNumber: call.callerNumber,
    event: "urgent_transfer",
  });
}

/** The decision inside the caller's transaction; refusals that escalate create their inbox item in it. */
export async function decideTransferIn(
  ctx: AppContext,
  tx: Db,
  call: CallContext,
  assistant: AssistantRow | null,
  destination: string,
  now: Date,
): Promise<TransferDecision & { inboxItemId?: string }> {
  const takeMessage = "I can take a message and make sure they call you back.";
  if (!assistant) return { allowed: false, reason: "no_assistant", message: `I can't transfer calls on this line. ${takeMessage}` };
  const directory = (assistant.transferDirectory ?? []).filter((entry) => typeof entry?.name === "string" && typeof entry?.phone === "string");
  const entry = findDestination(directory, destination);
  if (!entry) {
    const names = directory.map((d) => (d.role ? `${d.name} (${d.role})` : d.name)).slice(0, 20);
    return {
      allowed: false,
      reason: "unknown_destination",
      message: names.length
        ? `"${destination}" is not in the transfer directory; the directory lists ${names.join(", ")}. ${takeMessage}`
        : `There is nobody to transfer to on this line. ${takeMessage}`,
    };
  }
  if (!openStatusAt(assistant.businessHours, now).open)
    return { allowed: false, reason: "closed", message: `${entry.name} is not available because the business is closed right now. ${takeMessage}` };
  const number = e164(entry.phone);
  if (!number) return { allowed: false, reason: "invalid_number", message: `I can't reach ${entry.name} right now. ${takeMessage}` };
  const refuse = async (reason: string, why: string) => {
    const inboxItemId = await escalate(ctx, tx, call, assistant, entry, why);
    return {
      allowed: false as const,
      reason,
      inboxItemId,
      message: `I can't put you through to ${entry.name} right now, so I've alerted the team to call you back urgently. ${takeMessage}`,
    };
  };
  if (number === e164(call.callerNumber)) return refuse("caller_number", `The directory number for ${entry.name} is the caller's own number.`);
  if (number === e164(call.calledNumber) || (await isPlatformNumber(ctx, number)))
    return refuse("platform_number", `The directory number for ${entry.name} is one of our own lines; transferring would loop.`);
  return { allowed: true, number, name: entry.name, message: `Transferring you to ${entry.name} now.` };
}

/** Whether (and where) to transfer: only directory entries, only when open, never to a platform number or back to the caller. */
export async function decideTransfer(ctx: AppContext, call: CallContext, destination: string): Promise<TransferDecision> {
  return withTenant(ctx.db, call.organizationId, async (tx) => {
    const [assistant] = call.assistantId
      ? await tx
          .select()
          .from(assistants)
          .where(and(eq(assistants.organizationId, call.organizationId), eq(assistants.id, call.assistantId)))
      : [];
    const { inboxItemId: _escalation, ...decision } = await decideTransferIn(ctx, tx, call, assistant ?? null, destination, ctx.clock.now());
    return decision;
  });
}

export async function transferCall(env: ToolEnv, args: ToolArguments<"transferCall">): Promise<ToolOutcome> {
  const decision = await decideTransferIn(env.ctx, env.tx, env.call, env.assistant, args.destination, env.now);
  if (decision.allowed) return { outcome: "succeeded", text: decision.message };
  return { outcome: "rejected", text: decision.message, inboxItemId: decision.inboxItemId ?? null };
}
