// Notifications of new and changed inbox items, sent from the job queue (never in a webhook's
// response path). The "notifications.send" job reads the organization's preferences: which events
// notify by email and by SMS, and to whom — its own lists plus each assistant's notification
// recipients (union, de-duplicated) — then enqueues one "mail.send" per address and one
// "notifications.sms" per number, so each delivery retries on its own. During quiet hours those
// jobs start when the quiet period ends; urgent escalations go out at once.
import { and, eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { withTenant } from "../../db/transaction.js";
import { localWallClockAt } from "../assistants/business-hours.js";
import { assistants } from "../assistants/schema.js";
import { users } from "../auth/schema.js";
import type { NotificationEvent } from "../inbox/items.js";
import { type InboxKind, inboxItems } from "../inbox/schema.js";
import { renderEmail } from "../mail/layout.js";
import { memberships } from "../organizations/schema.js";
import { quietHoursEndAt } from "./quiet-hours.js";
import type { NotificationEventName } from "./schema.js";
import { readNotificationSettings } from "./settings.js";
import { renderNotificationSms } from "./sms-text.js";

export type NotificationPayload = { organizationId: string; inboxItemId: string; event: NotificationEvent };

const EVENT_LABELS: Record<NotificationEventName, string> = {
  message: "New message",
  callback: "Callback request",
  appointment_booked: "Appointment",
  appointment_cancelled: "Appointment",
  order: "New order",
  driver_callout: "Driver call-out",
  urgent_escalation: "Urgent caller, call back now",
};

/** Escalations are the only events that break quiet hours. */
const URGENT_EVENTS: ReadonlySet<NotificationEventName> = new Set(["urgent_escalation"]);

/**
 * The preference an inbox event falls under. Booking and cancelling an appointment enqueue the
 * same inbox event; the item's status tells them apart.
 */
export function preferenceEventOf(event: NotificationEvent, item: { kind: InboxKind; status: string }): NotificationEventName {
  if (event === "urgent_transfer") return "urgent_escalation";
  if (event === "appointment") return item.status === "cancelled" ? "appointment_cancelled" : "appointment_booked";
  return event;
}

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

function uniqueLowercase(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v).map((v) => v.trim().toLowerCase()))];
}

async function ownerEmails(tx: Db, organizationId: string): Promise<string[]> {
  const rows = await tx
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, "owner")));
  return rows.map((row) => row.email);
}

/** The job: the item, the preferences and the recipients read in the tenant; one delivery job per recipient. */
export async function sendInboxNotification(ctx: AppContext, payload: NotificationPayload): Promise<void> {
  const { organizationId } = payload;
  await withTenant(ctx.db, organizationId, async (tx) => {
    const [item] = await tx
      .select()
      .from(inboxItems)
      .where(and(eq(inboxItems.organizationId, organizationId), eq(inboxItems.id, payload.inboxItemId)));
    if (!item) return;
    const event = preferenceEventOf(payload.event, item);
    const { settings, timezone } = await readNotificationSettings(tx, organizationId);
    const byEmail = settings.email.events.includes(event);
    const bySms = settings.sms.events.includes(event);
    if (!byEmail && !bySms) return;

    const [assistant] = item.assistantId
      ? await tx
          .select({ name: assistants.name, recipients: assistants.notificationRecipients })
          .from(assistants)
          .where(and(eq(assistants.organizationId, organizationId), eq(assistants.id, item.assistantId)))
      : [];
    const assistantRecipients = assistant?.recipients ?? [];
    const emails = byEmail
      ? uniqueLowercase([
          ...(settings.email.owners ? await ownerEmails(tx, organizationId) : []),
          ...settings.email.addresses,
          ...assistantRecipients.map((r) => r.email),
        ])
      : [];
    const numbers = bySms ? [...new Set([...settings.sms.numbers, ...assistantRecipients.map((r) => r.phone).filter((p): p is string => !!p)])] : [];
    if (emails.length === 0 && numbers.length === 0) return;

    const now = ctx.clock.now();
    const quietUntil = URGENT_EVENTS.has(event) ? null : quietHoursEndAt(settings.quietHours, timezone, now);
    const delay = quietUntil ? { startAfterSeconds: (quietUntil.getTime() - now.getTime()) / 1000 } : {};
    const receivedAt = localWallClockAt(timezone, item.createdAt);
    const heldNote = quietUntil && receivedAt ? [`Held during quiet hours; received ${receivedAt.date} at ${receivedAt.time} (${timezone}).`] : [];

    const label = EVENT_LABELS[event];
    const status = item.status === "cancelled" ? " (cancelled)" : "";
    const itemUrl = `${ctx.config.appUrl}/orgs/${encodeURIComponent(organizationId)}/inbox?item=${encodeURIComponent(item.id)}`;
    const caller = [item.callerName, item.callerNumber].filter(Boolean).join(", ");
    const callBack = event === "urgent_escalation" && item.callerNumber ? item.callerNumber : null;

    for (const to of emails) {
      const mail = renderEmail({
        to,
        subject: `${label}${status}: ${item.title}`.slice(0, 200),
        heading: `${label}${status}`,
        paragraphs: [item.title, ...(caller ? [`Caller: ${caller}`] : []), ...detailLines(item.details), ...heldNote],
        action: callBack ? { label: `Tap to call back ${callBack}`, url: `tel:${callBack}` } : { label: "Open in the inbox", url: itemUrl },
        footer: `Sent by ${assistant?.name ?? "your assistant"} on Switchboard.`,
      });
      await ctx.jobs.enqueue(tx, "mail.send", mail, delay);
    }
    if (numbers.length > 0) {
      const body = renderNotificationSms({
        label: `${label}${status}`,
        title: item.title,
        caller: callBack ? null : caller || null,
        action: callBack ? `Tap to call back: ${callBack}` : itemUrl,
      });
      for (const to of numbers) await ctx.jobs.enqueue(tx, "notifications.sms", { organizationId, to, body }, delay);
    }
  });
}
