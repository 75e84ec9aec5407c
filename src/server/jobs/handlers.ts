// Which function runs each job.
import type { MailTransport } from "../modules/mail/mailer.js";
import type { Jobs } from "./queue.js";

export function registerJobHandlers(jobs: Jobs, deps: { mail: MailTransport }) {
  jobs.register("mail.send", (mail) => deps.mail.deliver(mail));
}
