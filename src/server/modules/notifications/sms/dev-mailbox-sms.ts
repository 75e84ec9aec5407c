// Without Twilio, an SMS is kept in the dev mailbox (always the local table, even when SMTP is
// configured: mailing it to a made-up address would only bounce), clearly marked as an SMS.
import type { AppContext } from "../../../context.js";
import { createMailTransport } from "../../mail/mailer.js";
import type { SmsMessage, SmsSender } from "./sender.js";

export const DEV_MAILBOX_SMS_FROM = "Switchboard SMS <sms@switchboard.local>";

export function devMailboxSmsSender(ctx: AppContext): SmsSender {
  const mailbox = createMailTransport({ from: DEV_MAILBOX_SMS_FROM, db: ctx.db });
  return {
    kind: "dev_mailbox",
    async send(message: SmsMessage) {
      await mailbox.deliver({
        to: message.to,
        subject: `SMS to ${message.to}`,
        text: `${message.body}\n\n— Kept in the dev mailbox: Twilio SMS is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_SMS_FROM).`,
      });
    },
  };
}
