// An organization's notification preferences: the API's schemas, the defaults (no row yet), and
// reading and replacing them (owners and admins; audited in the same transaction).
import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { withTenant } from "../../db/transaction.js";
import type { OrgAccess } from "../../http/env.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { emailSchema, timestampSchema } from "../../http/schemas.js";
import { timeOfDaySchema } from "../assistants/business-hours.js";
import { recordAudit } from "../audit/service.js";
import { organizations } from "../organizations/schema.js";
import { e164PhoneSchema } from "../templates/variable-values.js";
import { isQuietAllWeek } from "./quiet-hours.js";
import { NOTIFICATION_EVENTS, type NotificationEventName, notificationSettings, type QuietHours } from "./schema.js";
import { type SmsDelivery, smsDeliveryOf } from "./sms/sender.js";

export const MAX_NOTIFICATION_EMAILS = 10;
export const MAX_NOTIFICATION_SMS_NUMBERS = 5;

export type NotificationSettings = {
  email: { events: NotificationEventName[]; owners: boolean; addresses: string[] };
  sms: { events: NotificationEventName[]; numbers: string[] };
  quietHours: QuietHours | null;
};

/** Before an organization saves its own: every event emailed to the owners, SMS only for escalations (once numbers are listed), no quiet hours. */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  email: { events: [...NOTIFICATION_EVENTS], owners: true, addresses: [] },
  sms: { events: ["urgent_escalation"], numbers: [] },
  quietHours: null,
};

function listedOnce<T>(what: string) {
  return (values: T[], context: z.RefinementCtx) => {
    const seen = new Set<string>();
    values.forEach((value, index) => {
      const key = String(value);
      if (seen.has(key)) context.addIssue({ code: "custom", path: [index], message: `${what} is listed twice.` });
      seen.add(key);
    });
  };
}

const eventsSchema = z
  .array(z.enum(NOTIFICATION_EVENTS))
  .superRefine(listedOnce("This event"))
  .openapi({ description: "The events that notify on this channel; urgent_escalation is a transfer refused to avoid a loop" });

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const;

export const quietHoursSchema = z
  .strictObject({
    start: timeOfDaySchema.openapi({ example: "21:00" }),
    end: timeOfDaySchema.openapi({ description: "At or before `start` runs past midnight; equal to `start` is 24 hours", example: "07:00" }),
    days: z
      .array(z.literal(WEEKDAYS, "Use a day from 0 (Sunday) to 6 (Saturday).").openapi({ type: "integer", enum: [...WEEKDAYS] }))
      .min(1, "Choose at least one day.")
      .superRefine(listedOnce("This day"))
      .openapi({ description: "The days a quiet period starts on (0 = Sunday)" }),
  })
  .superRefine((quiet, context) => {
    if (quiet.start === "24:00") context.addIssue({ code: "custom", path: ["start"], message: "A start time must be before 24:00." });
    else if (isQuietAllWeek(quiet as QuietHours))
      context.addIssue({ code: "custom", path: ["days"], message: "Quiet hours cannot cover the whole week: nothing but escalations would ever arrive." });
  })
  .openapi("QuietHours", { description: "In the organization's time zone; non-urgent notifications are held until the period ends" });

export const notificationSettingsInputSchema = z
  .strictObject({
    email: z.strictObject({
      events: eventsSchema,
      owners: z.boolean().openapi({ description: "Also email the organization's owners" }),
      addresses: z
        .array(emailSchema)
        .max(MAX_NOTIFICATION_EMAILS, `List at most ${MAX_NOTIFICATION_EMAILS} addresses.`)
        .superRefine(listedOnce("This address")),
    }),
    sms: z.strictObject({
      events: eventsSchema,
      numbers: z
        .array(e164PhoneSchema)
        .max(MAX_NOTIFICATION_SMS_NUMBERS, `List at most ${MAX_NOTIFICATION_SMS_NUMBERS} numbers.`)
        .superRefine(listedOnce("This number")),
    }),
    quietHours: quietHoursSchema.nullable(),
  })
  .openapi("NotificationSettingsInput", {
    description: "Replaces the organization's notification settings. Each assistant's own notification recipients are notified as well, on the same events.",
  });

export const notificationSettingsSchema = z
  .object({
    email: z.object({ events: z.array(z.enum(NOTIFICATION_EVENTS)), owners: z.boolean(), addresses: z.array(z.string()) }),
    sms: z.object({ events: z.array(z.enum(NOTIFICATION_EVENTS)), numbers: z.array(z.string()) }),
    quietHours: z.object({ start: z.string(), end: z.string(), days: z.array(z.number().int()) }).nullable(),
    timezone: z.string().openapi({ description: "The organization's time zone, which quiet hours follow" }),
    smsDelivery: z
      .enum(["twilio", "dev_mailbox"])
      .openapi({ description: "How SMS leave this platform: Twilio, or the dev mailbox when Twilio SMS is not configured" }),
    updatedAt: timestampSchema.nullable().openapi({ description: "Null while the defaults apply" }),
  })
  .openapi("NotificationSettings");

export type NotificationSettingsInput = z.infer<typeof notificationSettingsInputSchema>;
export type NotificationSettingsView = NotificationSettings & { timezone: string; smsDelivery: SmsDelivery; updatedAt: string | null };

/** The organization's settings (the defaults when it saved none) and its time zone, inside the caller's tenant transaction. */
export async function readNotificationSettings(
  tx: Db,
  organizationId: string,
): Promise<{ settings: NotificationSettings; timezone: string; updatedAt: Date | null }> {
  const [org] = await tx.select({ timezone: organizations.timezone }).from(organizations).where(eq(organizations.id, organizationId));
  const [row] = await tx.select().from(notificationSettings).where(eq(notificationSettings.organizationId, organizationId));
  const settings: NotificationSettings = row
    ? {
        email: { events: row.emailEvents, owners: row.emailOwners, addresses: row.emailAddresses },
        sms: { events: row.smsEvents, numbers: row.smsNumbers },
        quietHours: row.quietHours ?? null,
      }
    : DEFAULT_NOTIFICATION_SETTINGS;
  return { settings, timezone: org?.timezone ?? "UTC", updatedAt: row?.updatedAt ?? null };
}

function view(ctx: AppContext, read: Awaited<ReturnType<typeof readNotificationSettings>>): NotificationSettingsView {
  return { ...read.settings, timezone: read.timezone, smsDelivery: smsDeliveryOf(ctx.config), updatedAt: read.updatedAt?.toISOString() ?? null };
}

export async function getNotificationSettings(ctx: AppContext, access: OrgAccess): Promise<NotificationSettingsView> {
  return view(ctx, await withTenant(ctx.db, access.organizationId, (tx) => readNotificationSettings(tx, access.organizationId)));
}

export async function updateNotificationSettings(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  input: NotificationSettingsInput,
  meta: RequestMeta,
): Promise<NotificationSettingsView> {
  const quietHours: QuietHours | null = input.quietHours
    ? { start: input.quietHours.start, end: input.quietHours.end, days: [...input.quietHours.days].sort((a, b) => a - b) }
    : null;
  const now = ctx.clock.now();
  const values = {
    emailEvents: input.email.events,
    emailOwners: input.email.owners,
    emailAddresses: input.email.addresses,
    smsEvents: input.sms.events,
    smsNumbers: input.sms.numbers,
    quietHours,
    updatedAt: now,
    updatedBy: actorUserId,
  };
  const read = await withTenant(ctx.db, access.organizationId, async (tx) => {
    await tx
      .insert(notificationSettings)
      .values({ organizationId: access.organizationId, ...values })
      .onConflictDoUpdate({ target: notificationSettings.organizationId, set: values });
    await recordAudit(
      tx,
      {
        action: "notification_settings.updated",
        organizationId: access.organizationId,
        actorUserId,
        targetType: "organization",
        targetId: access.organizationId,
        metadata: { email: input.email, sms: input.sms, quietHours },
      },
      meta,
      now,
    );
    return readNotificationSettings(tx, access.organizationId);
  });
  return view(ctx, read);
}
