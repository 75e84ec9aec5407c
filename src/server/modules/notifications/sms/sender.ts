// The one SMS sender the notification jobs use: Twilio (the platform's account and sending number,
// TWILIO_SMS_FROM) when configured, otherwise the dev mailbox, where each SMS appears as an email
// marked "SMS to <number>". Chosen once from configuration, like the mail transport.
import type { AppContext } from "../../../context.js";
import { devMailboxSmsSender } from "./dev-mailbox-sms.js";
import { twilioSmsSender } from "./twilio-sms.js";

/** One text message to one E.164 number; organizationId only for logs. */
export type SmsMessage = { organizationId: string; to: string; body: string };

export type SmsDelivery = "twilio" | "dev_mailbox";

export type SmsSender = {
  kind: SmsDelivery;
  /** Resolves once the provider accepted the message; throws to have the job retried. */
  send(message: SmsMessage): Promise<void>;
};

export function smsDeliveryOf(config: AppContext["config"]): SmsDelivery {
  const { accountSid, authToken, smsFrom } = config.twilio;
  return accountSid && authToken && smsFrom ? "twilio" : "dev_mailbox";
}

export function createSmsSender(ctx: AppContext): SmsSender {
  const { accountSid, authToken, smsFrom } = ctx.config.twilio;
  if (accountSid && authToken && smsFrom) return twilioSmsSender(ctx, { accountSid, authToken }, smsFrom);
  return devMailboxSmsSender(ctx);
}
