// SMS through Twilio's official SDK (Programmable Messaging, messages.create) from the platform's
// account. Twilio's 4xx answers (an invalid or unreachable "To", a blocked number) will not get
// better with retries, so they are logged and dropped; timeouts, 408, 429 and 5xx throw so the job retries.
import type { AppContext } from "../../../context.js";
import type { TwilioAccount } from "../../phone-numbers/providers.js";
import { twilioClient } from "../../phone-numbers/twilio-provider.js";
import type { SmsMessage, SmsSender } from "./sender.js";

/** TWILIO_SMS_FROM is a sending number, or a Messaging Service SID (MG…) that picks one. */
function sender(from: string) {
  return from.startsWith("MG") ? { messagingServiceSid: from } : { from };
}

function isPermanentRejection(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export function twilioSmsSender(ctx: AppContext, account: TwilioAccount, from: string): SmsSender {
  const client = twilioClient(ctx.config, account);
  return {
    kind: "twilio",
    async send(message: SmsMessage) {
      try {
        const sent = await client.messages.create({ to: message.to, body: message.body, ...sender(from) });
        ctx.logger.info({ organizationId: message.organizationId, messageSid: sent.sid, status: sent.status }, "notification SMS accepted by Twilio");
      } catch (error) {
        if (!isPermanentRejection(error)) throw error;
        const { status, code, message: reason } = error as { status: number; code?: number; message?: string };
        ctx.logger.warn({ organizationId: message.organizationId, status, code, reason }, "Twilio refused a notification SMS; not retried");
      }
    },
  };
}
