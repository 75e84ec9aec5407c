// The tenant of a Vapi message, from the dialled number only (never from anything the caller or
// the model can say): Vapi's phone number id first, then the number itself. resolveNumber caches.
import type { AppContext } from "../../context.js";
import { type ResolvedNumber, resolveNumber } from "../phone-numbers/lookup.js";
import { dialledNumberOf, type VapiMessage } from "./messages.js";

/** sandboxOnly: the request authenticated with the sandbox secret, so only sandbox numbers resolve. */
export async function resolveTenant(ctx: AppContext, message: VapiMessage, sandboxOnly: boolean): Promise<ResolvedNumber | null> {
  const dialled = dialledNumberOf(message);
  if (sandboxOnly) {
    const resolved = dialled.number === null ? null : await resolveNumber(ctx, { number: dialled.number });
    return resolved?.provider === "sandbox" ? resolved : null;
  }
  if (dialled.providerNumberId !== null) {
    const byId = await resolveNumber(ctx, { provider: "vapi", providerNumberId: dialled.providerNumberId });
    if (byId) return byId;
  }
  return dialled.number === null ? null : resolveNumber(ctx, { number: dialled.number });
}
