// Which function runs each job.
import type { AppContext } from "../context.js";
import { sendUsageAlert } from "../modules/billing/alerts.js";
import { meterCallReport } from "../modules/billing/metering.js";
import { closeEndedPeriods } from "../modules/billing/period-close.js";
import { suspendOverdueOrganizations } from "../modules/billing/stripe/grace.js";
import { queueOverageReports, reportOverage } from "../modules/billing/stripe/overage.js";
import { onCallReportApplied } from "../modules/calls/ingest.js";
import { ensureUpcomingCallPartitions } from "../modules/calls/partitions.js";
import { reconcileCalls } from "../modules/calls/reconcile.js";
import { endIdleTestSessions } from "../modules/conversation/service.js";
import { ingestKnowledgeSource } from "../modules/knowledge/ingest.js";
import type { MailTransport } from "../modules/mail/mailer.js";
import { sendInboxNotification } from "../modules/notifications/service.js";
import { createSmsSender } from "../modules/notifications/sms/sender.js";
import { runSandboxCallJob } from "../modules/sandbox/service.js";
import { processStripeEvent } from "../modules/stripe-webhook/service.js";
import type { Jobs } from "./queue.js";

export function registerJobHandlers(jobs: Jobs, deps: { mail: MailTransport; ctx: AppContext }) {
  jobs.register("mail.send", (mail) => deps.mail.deliver(mail));
  jobs.register("knowledge.ingest", (source, job) => ingestKnowledgeSource(deps.ctx, source, job));
  jobs.register("notifications.send", (notification) => sendInboxNotification(deps.ctx, notification));
  const sms = createSmsSender(deps.ctx);
  jobs.register("notifications.sms", (message) => sms.send(message));
  jobs.register("calls.ensure-partitions", () => ensureUpcomingCallPartitions(deps.ctx));
  jobs.register("calls.reconcile", async () => {
    await reconcileCalls(deps.ctx);
  });
  jobs.register("sandbox.run-call", (call) => runSandboxCallJob(deps.ctx, call));
  // Usage is metered inside call ingestion, in the transaction that applies an end-of-call report.
  onCallReportApplied(meterCallReport);
  jobs.register("billing.usage-alert", (alert) => sendUsageAlert(deps.ctx, alert));
  jobs.register("billing.close-periods", async () => {
    await closeEndedPeriods(deps.ctx);
  });
  jobs.schedule("billing.close-periods", "*/15 * * * *", {});
  jobs.register("stripe.process-event", (event) => processStripeEvent(deps.ctx, event));
  jobs.register("stripe.report-overage", (report) => reportOverage(deps.ctx, report));
  jobs.register("stripe.queue-overage-reports", async () => {
    await queueOverageReports(deps.ctx);
  });
  jobs.register("billing.suspend-overdue", async () => {
    await suspendOverdueOrganizations(deps.ctx);
  });
  jobs.schedule("stripe.queue-overage-reports", "*/10 * * * *", {});
  jobs.schedule("billing.suspend-overdue", "*/10 * * * *", {});
  jobs.schedule("calls.ensure-partitions", "17 3 * * *", {});
  jobs.schedule("calls.reconcile", "*/10 * * * *", {});
  jobs.register("test-sessions.end-idle", async () => {
    await endIdleTestSessions(deps.ctx);
  });
  jobs.schedule("test-sessions.end-idle", "* * * * *", {});
}
