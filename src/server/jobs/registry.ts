// Every job the platform runs: its queue options and the shape of its payload.
import type { OutgoingMail } from "../modules/mail/mailer.js";

export type JobPayloads = {
  "mail.send": OutgoingMail;
  /** Extract, chunk and index one knowledge source. */
  "knowledge.ingest": { organizationId: string; sourceId: string };
};

export type JobName = keyof JobPayloads;

export const JOB_QUEUES: Record<JobName, { retryLimit: number; retryDelay: number; retryBackoff: boolean }> = {
  "mail.send": { retryLimit: 8, retryDelay: 5, retryBackoff: true },
  "knowledge.ingest": { retryLimit: 2, retryDelay: 5, retryBackoff: true },
};
