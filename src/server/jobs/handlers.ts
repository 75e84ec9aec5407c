// Which function runs each job.
import type { AppContext } from "../context.js";
import { ingestKnowledgeSource } from "../modules/knowledge/ingest.js";
import type { MailTransport } from "../modules/mail/mailer.js";
import type { Jobs } from "./queue.js";

export function registerJobHandlers(jobs: Jobs, deps: { mail: MailTransport; ctx: AppContext }) {
  jobs.register("mail.send", (mail) => deps.mail.deliver(mail));
  jobs.register("knowledge.ingest", (source, job) => ingestKnowledgeSource(deps.ctx, source, job));
}
