// The tenant of a Vapi message, from the dialled number only (never from anything the caller or
// the model can say): Vapi's phone number id first (of a Vapi number, or of a Twilio number
// imported into Vapi), then the number itself. resolveNumber caches. The test console's web calls
// dial no number: their tenant comes from a server-signed session token (console-call.ts).
import type { AppContext } from "../../context.js";
import { type ResolvedNumber, resolveNumber } from "../phone-numbers/lookup.js";
import { type ConsoleTenant, consoleTenantOf } from "./console-call.js";
import { dialledNumberOf, type VapiMessage } from "./messages.js";

/** A dialled number, or a test console's web call (signed session token, sandbox secret only). */
export type ResolvedTenant = ResolvedNumber | ConsoleTenant;

export function isConsoleTenant(resolved: ResolvedTenant | null): resolved is ConsoleTenant {
  return resolved !== null && "kind" in resolved && resolved.kind === "console";
}

/** sandboxOnly: the request authenticated with the sandbox secret, so only sandbox numbers resolve. */
export async function resolveTenant(ctx: AppContext, message: VapiMessage, sandboxOnly: boolean): Promise<ResolvedTenant | null> {
  const dialled = dialledNumberOf(message);
  if (sandboxOnly) {
    const webCall = consoleTenantOf(ctx, message);
    if (webCall) return webCall;
    const resolved = dialled.number === null ? null : await resolveNumber(ctx, { number: dialled.number });
    return resolved?.provider === "sandbox" ? resolved : null;
  }
  if (dialled.providerNumberId !== null) {
    const byId = await resolveNumber(ctx, { vapiPhoneNumberId: dialled.providerNumberId });
    if (byId) return byId;
  }
  return dialled.number === null ? null : resolveNumber(ctx, { number: dialled.number });
}
