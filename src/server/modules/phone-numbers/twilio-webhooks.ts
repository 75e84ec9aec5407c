// Twilio's voice and status webhooks for numbers bought through Twilio. Each request must carry a
// valid X-Twilio-Signature, checked with the SDK's validator and the token of the Twilio account
// the dialled number lives in (the platform's, or the customer's own); anything else gets 403.
// Importing a number into Vapi points its voice URL at Vapi directly; until then (or if the voice
// URL is ours again) voice hands a call of an imported number to Vapi, and a number we do not serve,
// or one not connected to Vapi, hears that it is not in service.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import twilio from "twilio";
import type { AppEnv } from "../../http/env.js";
import { resolveNumber } from "./lookup.js";
import { twilioAccountOfNumber } from "./service.js";
import { TWILIO_STATUS_WEBHOOK_PATH, TWILIO_VOICE_WEBHOOK_PATH } from "./twilio-provider.js";

const TWILIO_WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;
/** Where Vapi takes inbound calls of Twilio numbers imported into it. */
const VAPI_TWILIO_INBOUND_PATH = "/twilio/inbound_call";

type Verified = { params: Record<string, string> };

/** The form parameters of a request whose signature is valid for the dialled number's account, or null. */
async function verifiedTwilioRequest(c: import("hono").Context<AppEnv>): Promise<Verified | null> {
  const ctx = c.get("ctx");
  const signature = c.req.header("x-twilio-signature");
  const form = await c.req.parseBody().catch(() => null);
  if (!signature || !form) return null;
  const params = Object.fromEntries(Object.entries(form).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const resolved = params.To ? await resolveNumber(ctx, { number: params.To }) : null;
  const account = await twilioAccountOfNumber(ctx, resolved);
  if (!account) return null;
  // Twilio signs the URL it was configured with: our public APP_URL, this path and any query.
  const url = `${ctx.config.appUrl}${c.req.path}${new URL(c.req.url).search}`;
  if (!twilio.validateRequest(account.authToken, signature, url, params)) return null;
  if (params.AccountSid && params.AccountSid !== account.accountSid) return null;
  return { params };
}

function refuse(c: import("hono").Context<AppEnv>) {
  c.get("logger").warn(
    { path: c.req.path, hasSignature: Boolean(c.req.header("x-twilio-signature")) },
    "refused a Twilio webhook: missing or invalid X-Twilio-Signature",
  );
  return c.text("Forbidden", 403);
}

export function twilioWebhookRoutes() {
  const router = new Hono<AppEnv>();
  router.use(bodyLimit({ maxSize: TWILIO_WEBHOOK_BODY_LIMIT_BYTES, onError: (c) => c.text("Payload too large", 413) }));

  router.post(TWILIO_VOICE_WEBHOOK_PATH, async (c) => {
    const verified = await verifiedTwilioRequest(c);
    if (!verified) return refuse(c);
    const ctx = c.get("ctx");
    const resolved = verified.params.To ? await resolveNumber(ctx, { number: verified.params.To }) : null;
    const response = new twilio.twiml.VoiceResponse();
    if (resolved && resolved.provider !== "sandbox" && resolved.vapiPhoneNumberId !== null) {
      response.redirect({ method: "POST" }, `${ctx.config.vapi.baseUrl}${VAPI_TWILIO_INBOUND_PATH}`);
    } else {
      response.say("The number you have called is not in service.");
      response.hangup();
    }
    return c.body(response.toString(), 200, { "content-type": "text/xml; charset=utf-8" });
  });

  // Call progress; nothing is recorded from it yet (the Vapi webhook records calls).
  router.post(TWILIO_STATUS_WEBHOOK_PATH, async (c) => {
    const verified = await verifiedTwilioRequest(c);
    if (!verified) return refuse(c);
    return c.body(null, 204);
  });

  return router;
}
