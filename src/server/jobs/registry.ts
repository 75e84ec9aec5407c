// Every job the platform runs: its queue options and the shape of its payload.
import type { UsageAlertPayload } from "../modules/billing/alerts.js";
import type { OutgoingMail } from "../modules/mail/mailer.js";
import type { NotificationPayload } from "../modules/notifications/service.js";
import type { SmsMessage } from "../modules/notifications/sms/sender.js";
import type { SandboxCallRequest } from "../modules/sandbox/service.js";

export type JobPayloads = {
  "mail.send": OutgoingMail;
  /** Extract, chunk and index one knowledge source. */
  "knowledge.ingest": { organizationId: string; sourceId: string };
  /** Tell the team about a new or changed inbox item (one mail.send job per recipient). */
  "notifications.send": NotificationPayload;
  /** Send one SMS notification (Twilio, or the dev mailbox when Twilio is not configured). */
  "notifications.sms": SmsMessage;
  /** Daily: create the calls/transcript partitions of this month and the next three. */
  "calls.ensure-partitions": Record<string, never>;
  /** Every 10 minutes: fetch from Vapi the calls that never got an end-of-call report. */
  "calls.reconcile": Record<string, never>;
  /** Play one scripted sandbox call through the webhook (POST /api/v1/orgs/{orgId}/sandbox/calls). */
  "sandbox.run-call": SandboxCallRequest & { providerCallId: string };
  /** Every minute: end test-console sessions idle for 15 minutes, so their calls get an end-of-call report. */
  "test-sessions.end-idle": Record<string, never>;
  /** Email the owners and admins that usage reached 80% or 100% of a plan limit (one mail.send per recipient). */
  "billing.usage-alert": UsageAlertPayload;
  /** Every 15 minutes: close ended billing periods (manual mode: issue the invoice), apply scheduled plans, roll periods forward. */
  "billing.close-periods": Record<string, never>;
  /** Apply one stored Stripe webhook event (stripe_events id = Stripe's event id). */
  "stripe.process-event": { eventId: string };
  /** Every 10 minutes: queue the overage report of each ended period of a Stripe customer. */
  "stripe.queue-overage-reports": Record<string, never>;
  /** Send one period's overage to Stripe as Billing meter events. */
  "stripe.report-overage": { organizationId: string; periodStart: string };
  /** Every 10 minutes: suspend past_due organizations whose grace period ended. */
  "billing.suspend-overdue": Record<string, never>;
};

export type JobName = keyof JobPayloads;

export const JOB_QUEUES: Record<JobName, { retryLimit: number; retryDelay: number; retryBackoff: boolean }> = {
  "mail.send": { retryLimit: 8, retryDelay: 5, retryBackoff: true },
  "knowledge.ingest": { retryLimit: 2, retryDelay: 5, retryBackoff: true },
  "notifications.send": { retryLimit: 8, retryDelay: 5, retryBackoff: true },
  "notifications.sms": { retryLimit: 8, retryDelay: 5, retryBackoff: true },
  "calls.ensure-partitions": { retryLimit: 3, retryDelay: 60, retryBackoff: true },
  "calls.reconcile": { retryLimit: 0, retryDelay: 60, retryBackoff: false },
  "sandbox.run-call": { retryLimit: 0, retryDelay: 5, retryBackoff: false },
  "test-sessions.end-idle": { retryLimit: 0, retryDelay: 60, retryBackoff: false },
  "billing.usage-alert": { retryLimit: 8, retryDelay: 5, retryBackoff: true },
  "billing.close-periods": { retryLimit: 2, retryDelay: 60, retryBackoff: true },
  "stripe.process-event": { retryLimit: 10, retryDelay: 2, retryBackoff: true },
  "stripe.queue-overage-reports": { retryLimit: 0, retryDelay: 60, retryBackoff: false },
  "stripe.report-overage": { retryLimit: 10, retryDelay: 2, retryBackoff: true },
  "billing.suspend-overdue": { retryLimit: 0, retryDelay: 60, retryBackoff: false },
};
