// Every job the platform runs: its queue options and the shape of its payload.
import type { OutgoingMail } from "../modules/mail/mailer.js";
import type { NotificationPayload } from "../modules/notifications/service.js";
import type { SandboxCallRequest } from "../modules/sandbox/service.js";

export type JobPayloads = {
  "mail.send": OutgoingMail;
  /** Extract, chunk and index one knowledge source. */
  "knowledge.ingest": { organizationId: string; sourceId: string };
  /** Tell the team about a new or changed inbox item (one mail.send job per recipient). */
  "notifications.send": NotificationPayload;
  /** Apply one stored Vapi message to its call (vendor_events id). */
  "calls.ingest-event": { vendorEventId: string };
  /** Daily: create the calls/transcript partitions of this month and the next three. */
  "calls.ensure-partitions": Record<string, never>;
  /** Every 10 minutes: fetch from Vapi the calls that never got an end-of-call report. */
  "calls.reconcile": Record<string, never>;
  /** Play one scripted sandbox call through the webhook (POST /api/v1/orgs/{orgId}/sandbox/calls). */
  "sandbox.run-call": SandboxCallRequest & { providerCallId: string };
};

export type JobName = keyof JobPayloads;

export const JOB_QUEUES: Record<JobName, { retryLimit: number; retryDelay: number; retryBackoff: boolean }> = {
  "mail.send": { retryLimit: 8, retryDelay: 5, retryBackoff: true },
  "knowledge.ingest": { retryLimit: 2, retryDelay: 5, retryBackoff: true },
  "notifications.send": { retryLimit: 8, retryDelay: 5, retryBackoff: true },
  "calls.ingest-event": { retryLimit: 10, retryDelay: 2, retryBackoff: true },
  "calls.ensure-partitions": { retryLimit: 3, retryDelay: 60, retryBackoff: true },
  "calls.reconcile": { retryLimit: 0, retryDelay: 60, retryBackoff: false },
  "sandbox.run-call": { retryLimit: 0, retryDelay: 5, retryBackoff: false },
};
