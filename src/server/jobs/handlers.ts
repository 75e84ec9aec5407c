// Which function runs each job.
import type { AppContext } from "../context.js";
import { ingestVendorEvent } from "../modules/calls/ingest.js";
import { ensureUpcomingCallPartitions } from "../modules/calls/partitions.js";
import { reconcileCalls } from "../modules/calls/reconcile.js";
import { ingestKnowledgeSource } from "../modules/knowledge/ingest.js";
import type { MailTransport } from "../modules/mail/mailer.js";
import { sendInboxNotification } from "../modules/notifications/service.js";
import { runSandboxCallJob } from "../modules/sandbox/service.js";
import type { Jobs } from "./queue.js";

export function registerJobHandlers(jobs: Jobs, deps: { mail: MailTransport; ctx: AppContext }) {
  jobs.register("mail.send", (mail) => deps.mail.deliver(mail));
  jobs.register("knowledge.ingest", (source, job) => ingestKnowledgeSource(deps.ctx, source, job));
  jobs.register("notifications.send", (notification) => sendInboxNotification(deps.ctx, notification));
  jobs.register("calls.ingest-event", (event) => ingestVendorEvent(deps.ctx, event));
  jobs.register("calls.ensure-partitions", () => ensureUpcomingCallPartitions(deps.ctx));
  jobs.register("calls.reconcile", async () => {
    await reconcileCalls(deps.ctx);
  });
  jobs.register("sandbox.run-call", (call) => runSandboxCallJob(deps.ctx, call));
  jobs.schedule("calls.ensure-partitions", "17 3 * * *", {});
  jobs.schedule("calls.reconcile", "*/10 * * * *", {});
}
