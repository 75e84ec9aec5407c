// Notifications of new inbox items, sent from the job queue (never in a webhook's response path).
// Recipients are the assistant's notification recipients (assistants.notification_recipients):
// each email gets one "mail.send" job, so delivery retries per address. SMS is not sent yet; see
// docs/decisions.md.
import { and, eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import { withTenant } from "../../db/transaction.js";
import { assistants } from "../assistants/schema.js";
import type { NotificationEvent } from "../inbox/items.js";
import { inboxItems } from "../inbox/schema.js";
import { renderEmail } from "../mail/layout.js";

export type NotificationPayload = { organizationId: string; inboxItemId: string; event: NotificationEvent };

const EVENT_LABELS: Record<NotificationEvent, string> = {
  message: "New message",
  callback: "Callback request",
  appointment: "Appointment",
  order: "New order",
  driver_callout: "Driver call-out",
  urgent_transfer: "Urgent caller, call back now",
};

function detailLines(details: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    if (value === null || value === undefined || key === "appointmentId") continue;
    if (key === "lines" && Array.isArray(value)) {
      for (const line of value as { quantity: number; name: string; options: { choice: string }[]; lineTotalCents: number }[]) {
        const options = line.options?.length ? ` (${line.options.map((o) => o.choice).join(", ")})` : "";
        lines.push(`${line.quantity} × ${line.name}${options}: ${(line.lineTotalCents / 100).toFixed(2)}`);
      }
      continue;
    }
    if (key === "totalCents" && typeof value === "number") {
      lines.push(`Total: ${(value / 100).toFixed(2)}`);
      continue;
    }
    lines.push(`${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`);
  }
  return lines;
}

/** The job: the item and its recipients read in the tenant, one mail job per email address. */
export async function sendInboxNotification(ctx: AppContext, payload: NotificationPayload): Promise<void> {
  await withTenant(ctx.db, payload.organizationId, async (tx) => {
    const [item] = await tx
      .select()
      .from(inboxItems)
      .where(and(eq(inboxItems.organizationId, payload.organizationId), eq(inboxItems.id, payload.inboxItemId)));
    if (!item?.assistantId) return;
    const [assistant] = await tx
      .select({ name: assistants.name, recipients: assistants.notificationRecipients })
      .from(assistants)
      .where(and(eq(assistants.organizationId, payload.organizationId), eq(assistants.id, item.assistantId)));
    const emails = [...new Set((assistant?.recipients ?? []).map((r) => r.email?.toLowerCase()).filter((e): e is string => !!e))];
    if (emails.length === 0) return;
    const label = EVENT_LABELS[payload.event];
    const status = item.status === "cancelled" ? " (cancelled)" : "";
    const itemUrl = `${ctx.config.appUrl}/orgs/${encodeURIComponent(payload.organizationId)}/inbox/${encodeURIComponent(item.id)}`;
    const caller = [item.callerName, item.callerNumber].filter(Boolean).join(", ");
    for (const to of emails) {
      const mail = renderEmail({
        to,
        subject: `${label}${status}: ${item.title}`.slice(0, 200),
        heading: `${label}${status}`,
        paragraphs: [item.title, ...(caller ? [`Caller: ${caller}`] : []), ...detailLines(item.details)],
        action:
          payload.event === "urgent_transfer" && item.callerNumber
            ? { label: `Tap to call back ${item.callerNumber}`, url: `tel:${item.callerNumber}` }
            : { label: "Open in the inbox", url: itemUrl },
        footer: `Sent by ${assistant?.name ?? "your assistant"} on Switchboard.`,
      });
      await ctx.jobs.enqueue(tx, "mail.send", mail);
    }
  });
}
