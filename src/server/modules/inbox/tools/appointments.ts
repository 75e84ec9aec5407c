// checkAvailability, bookAppointment and cancelAppointment: services with durations from the
// assistant's price list, inside business hours, and never double booked: the exclusion constraint
// appointments_no_overlap decides between concurrent calls, and the loser hears alternatives.
import { and, eq, gt, gte, inArray, lt, sql } from "drizzle-orm";
import { isExclusionViolation } from "../../../db/errors.js";
import { newId } from "../../../db/ids.js";
import { effectiveTimeZone, isExistingIsoDate, openStatusAt } from "../../assistants/business-hours.js";
import { createInboxItem } from "../items.js";
import { appointments, inboxItems } from "../schema.js";
import type { ToolArguments } from "./arguments.js";
import {
  type AssistantRow,
  addDays,
  describeLocal,
  findByName,
  instantOfLocal,
  localParts,
  menusOf,
  oneLine,
  rejected,
  type ToolEnv,
  type ToolOutcome,
} from "./context.js";

const MINUTE_MS = 60_000;
/** Slots start on this grid of local time. */
const SLOT_STEP_MINUTES = 15;
const SLOTS_OFFERED = 4;
/** How many days ahead a fully booked or closed date looks for the next free day. */
const NEXT_FREE_DAY_SEARCH_DAYS = 14;
/** Bookings further ahead than this are refused as a likely misheard date. */
const MAX_BOOKING_AHEAD_DAYS = 366;

type Service = { name: string; durationMinutes: number };

/** Bookable services: price-list items with a duration; else one consultation of the assistant's "…_length_minutes" variable. */
export function servicesOf(assistant: AssistantRow): Service[] {
  const services = menusOf(assistant, ["services", "service_menu", "job_price_list"])
    .flat()
    .filter((item) => typeof item.durationMinutes === "number" && item.durationMinutes > 0)
    .map((item) => ({ name: item.name, durationMinutes: Math.round(item.durationMinutes!) }));
  if (services.length > 0) return services;
  for (const [key, value] of Object.entries(assistant.variables ?? {})) {
    if (key.endsWith("_length_minutes") && typeof value === "number" && value > 0) {
      return [{ name: key.replace(/_length_minutes$/, "").replaceAll("_", " "), durationMinutes: Math.round(value) }];
    }
  }
  return [];
}

function resolveService(assistant: AssistantRow, wanted: string): Service | string {
  const services = servicesOf(assistant);
  if (services.length === 0) return "Appointments cannot be booked by phone for this business; offer to take a message instead.";
  const found = findByName(services, wanted, (service) => service.name);
  if (found) return found;
  // A business with a single appointment type books it whatever the caller calls it.
  if (services.length === 1) return services[0]!;
  return `"${wanted}" is not one of the services. The services are: ${services.map((service) => `${service.name} (${service.durationMinutes} min)`).join(", ")}. Ask which one the caller wants.`;
}

type Busy = { startsAt: Date; endsAt: Date };

async function bookedBetween(env: ToolEnv, assistantId: string, provider: string, from: Date, to: Date): Promise<Busy[]> {
  return env.tx
    .select({ startsAt: appointments.startsAt, endsAt: appointments.endsAt })
    .from(appointments)
    .where(
      and(
        eq(appointments.organizationId, env.call.organizationId),
        eq(appointments.assistantId, assistantId),
        eq(appointments.provider, provider),
        eq(appointments.status, "booked"),
        lt(appointments.startsAt, to),
        gt(appointments.endsAt, from),
      ),
    );
}

/** Whether [start, start + duration) lies inside one opening of the business. */
function fitsOpening(assistant: AssistantRow, start: Date, durationMinutes: number): boolean {
  const status = openStatusAt(assistant.businessHours, start);
  if (!status.open) return false;
  return status.closesAt === undefined || status.closesAt.getTime() >= start.getTime() + durationMinutes * MINUTE_MS;
}

/** Free starts on a local date: inside business hours, after now, clear of booked appointments. */
async function freeSlots(env: ToolEnv, assistant: AssistantRow, service: Service, provider: string, date: string): Promise<Date[]> {
  const timeZone = effectiveTimeZone(assistant.businessHours);
  const dayStart = instantOfLocal(timeZone, date, 0);
  const dayEnd = instantOfLocal(timeZone, addDays(date, 1), 0);
  const busy = await bookedBetween(env, assistant.id, provider, dayStart, new Date(dayEnd.getTime() + service.durationMinutes * MINUTE_MS));
  const slots: Date[] = [];
  for (let minute = 0; minute < 24 * 60; minute += SLOT_STEP_MINUTES) {
    const start = instantOfLocal(timeZone, date, minute);
    if (localParts(timeZone, start).date !== date) continue;
    if (start.getTime() <= env.now.getTime()) continue;
    const end = start.getTime() + service.durationMinutes * MINUTE_MS;
    if (!fitsOpening(assistant, start, service.durationMinutes)) continue;
    if (busy.some((b) => b.startsAt.getTime() < end && b.endsAt.getTime() > start.getTime())) continue;
    if (slots.some((slot) => slot.getTime() === start.getTime())) continue;
    slots.push(start);
  }
  return slots;
}

/** A few slots to offer: closest to the preferred time (else the earliest), spread out by the service's length. */
function pickSlots(slots: Date[], durationMinutes: number, preferred: Date | null): Date[] {
  const ordered = preferred ? [...slots].sort((a, b) => Math.abs(a.getTime() - preferred.getTime()) - Math.abs(b.getTime() - preferred.getTime())) : slots;
  const picked: Date[] = [];
  for (const slot of ordered) {
    if (picked.length >= SLOTS_OFFERED) break;
    if (picked.some((p) => Math.abs(p.getTime() - slot.getTime()) < durationMinutes * MINUTE_MS)) continue;
    picked.push(slot);
  }
  return picked.sort((a, b) => a.getTime() - b.getTime());
}

/** "Free times … on … : 09:00, 10:00" or the next day with room, as one line for the model. */
async function describeAvailability(
  env: ToolEnv,
  assistant: AssistantRow,
  service: Service,
  provider: string,
  date: string,
  preferred: Date | null,
): Promise<string> {
  const timeZone = effectiveTimeZone(assistant.businessHours);
  const slots = pickSlots(await freeSlots(env, assistant, service, provider, date), service.durationMinutes, preferred);
  const label = `${service.name} (${service.durationMinutes} min)`;
  if (slots.length > 0) {
    const day = describeLocal(timeZone, slots[0]!).replace(/ at .*$/, "");
    return `Free times for ${label} on ${day}: ${slots.map((slot) => localParts(timeZone, slot).time).join(", ")}. Offer these; times are in the business's local time.`;
  }
  for (let offset = 1; offset <= NEXT_FREE_DAY_SEARCH_DAYS; offset++) {
    const next = addDays(date, offset);
    const nextSlots = pickSlots(await freeSlots(env, assistant, service, provider, next), service.durationMinutes, null);
    if (nextSlots.length > 0) {
      const day = describeLocal(timeZone, nextSlots[0]!).replace(/ at .*$/, "");
      return `No free times for ${label} on ${date}. The next free day is ${day}: ${nextSlots.map((slot) => localParts(timeZone, slot).time).join(", ")}.`;
    }
  }
  return `No free times for ${label} on ${date} or in the two weeks after it. Offer to take a message so the team can call back.`;
}

function today(assistant: AssistantRow, now: Date): string {
  return localParts(effectiveTimeZone(assistant.businessHours), now).date;
}

function checkDateRange(assistant: AssistantRow, now: Date, date: string): string | null {
  const current = today(assistant, now);
  if (date < current) return `${date} is in the past (today is ${current} for the business); ask the caller for another date.`;
  if (date > addDays(current, MAX_BOOKING_AHEAD_DAYS)) return `${date} is more than a year ahead; check the date with the caller.`;
  return null;
}

export async function checkAvailability(env: ToolEnv, args: ToolArguments<"checkAvailability">): Promise<ToolOutcome> {
  const assistant = env.assistant;
  if (!assistant) return rejected("Appointments cannot be booked on this line; offer to take a message.");
  const service = resolveService(assistant, args.service);
  if (typeof service === "string") return rejected(service);
  const dateProblem = checkDateRange(assistant, env.now, args.date);
  if (dateProblem) return rejected(dateProblem);
  const timeZone = effectiveTimeZone(assistant.businessHours);
  const preferred = args.time ? instantOfLocal(timeZone, args.date, Number(args.time.slice(0, 2)) * 60 + Number(args.time.slice(3, 5))) : null;
  return { outcome: "succeeded", text: await describeAvailability(env, assistant, service, args.provider ?? "", args.date, preferred) };
}

const START_PATTERN = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** An ISO date-time; without an offset it is the business's local time. Null when it is not one. */
export function parseStart(value: string, timeZone: string): { at: Date; date: string } | null {
  const match = START_PATTERN.exec(value.trim());
  if (!match) return null;
  const [, date, hour, minute, second, offset] = match as unknown as [string, string, string, string, string | undefined, string | undefined];
  if (!isExistingIsoDate(date) || Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return null;
  if (!offset) return { at: instantOfLocal(timeZone, date, Number(hour) * 60 + Number(minute)), date };
  const at = new Date(`${date}T${hour}:${minute}:${second ?? "00"}${offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset.toUpperCase()}`);
  if (Number.isNaN(at.getTime())) return null;
  return { at, date: localParts(timeZone, at).date };
}

export async function bookAppointment(env: ToolEnv, args: ToolArguments<"bookAppointment">): Promise<ToolOutcome> {
  const assistant = env.assistant;
  if (!assistant) return rejected("Appointments cannot be booked on this line; offer to take a message.");
  const service = resolveService(assistant, args.service);
  if (typeof service === "string") return rejected(service);
  const timeZone = effectiveTimeZone(assistant.businessHours);
  const start = parseStart(args.startsAt, timeZone);
  if (!start)
    return rejected(
      `I couldn't use the appointment time "${oneLine(args.startsAt).slice(0, 60)}"; give it as a date and time like 2026-03-03T15:00. Check it with the caller.`,
    );
  const dateProblem = checkDateRange(assistant, env.now, start.date);
  if (dateProblem) return rejected(dateProblem);
  const provider = args.provider ?? "";
  if (start.at.getTime() <= env.now.getTime())
    return rejected(`That time has already passed. ${await describeAvailability(env, assistant, service, provider, start.date, start.at)}`);
  if (!fitsOpening(assistant, start.at, service.durationMinutes)) {
    return rejected(
      `${describeLocal(timeZone, start.at)} is outside business hours for a ${service.durationMinutes}-minute ${service.name}. ${await describeAvailability(env, assistant, service, provider, start.date, start.at)}`,
    );
  }
  const endsAt = new Date(start.at.getTime() + service.durationMinutes * MINUTE_MS);
  const appointmentId = newId("apt");
  await env.tx.execute(sql`SAVEPOINT book_appointment`);
  try {
    await env.tx.insert(appointments).values({
      organizationId: env.call.organizationId,
      id: appointmentId,
      assistantId: assistant.id,
      provider,
      service: service.name,
      startsAt: start.at,
      endsAt,
      callerName: args.callerName,
      callerNumber: args.callbackNumber,
      notes: args.notes ?? null,
      callId: env.call.callId,
    });
    await env.tx.execute(sql`RELEASE SAVEPOINT book_appointment`);
  } catch (error) {
    if (!isExclusionViolation(error, "appointments_no_overlap")) throw error;
    await env.tx.execute(sql`ROLLBACK TO SAVEPOINT book_appointment`);
    return rejected(
      `Sorry, ${describeLocal(timeZone, start.at)} was just taken. ${await describeAvailability(env, assistant, service, provider, start.date, start.at)}`,
    );
  }
  const when = describeLocal(timeZone, start.at);
  const inboxItemId = await createInboxItem(env.tx, env.ctx.jobs, {
    organizationId: env.call.organizationId,
    kind: "appointment",
    title: `Appointment: ${service.name} for ${args.callerName}, ${when}`,
    details: {
      appointmentId,
      service: service.name,
      durationMinutes: service.durationMinutes,
      startsAt: start.at.toISOString(),
      endsAt: endsAt.toISOString(),
      provider: provider || null,
      notes: args.notes ?? null,
      callbackNumber: args.callbackNumber,
    },
    callId: env.call.callId,
    assistantId: assistant.id,
    callerName: args.callerName,
    callerNumber: args.callbackNumber,
    dueAt: start.at,
  });
  await env.tx
    .update(appointments)
    .set({ inboxItemId })
    .where(and(eq(appointments.organizationId, env.call.organizationId), eq(appointments.id, appointmentId)));
  return {
    outcome: "succeeded",
    inboxItemId,
    text: `Booked: ${service.name} (${service.durationMinutes} min) on ${when}${provider ? ` with ${provider}` : ""} for ${args.callerName}. Confirm it to the caller.`,
  };
}

export async function cancelAppointment(env: ToolEnv, args: ToolArguments<"cancelAppointment">): Promise<ToolOutcome> {
  const assistant = env.assistant;
  if (!assistant) return rejected("Appointments cannot be managed on this line; offer to take a message.");
  const timeZone = effectiveTimeZone(assistant.businessHours);
  const date = args.appointmentDate.slice(0, 10);
  if (!isExistingIsoDate(date))
    return rejected(`I couldn't use the appointment date "${oneLine(args.appointmentDate).slice(0, 40)}"; ask the caller for the date as day, month and year.`);
  const time = /[T ](\d{2}:\d{2})/.exec(args.appointmentDate)?.[1] ?? null;
  const numbers = [...new Set([args.callbackNumber, env.call.callerNumber].filter((n): n is string => !!n))];
  const found = await env.tx
    .select()
    .from(appointments)
    .where(
      and(
        eq(appointments.organizationId, env.call.organizationId),
        eq(appointments.assistantId, assistant.id),
        eq(appointments.status, "booked"),
        inArray(appointments.callerNumber, numbers),
        gte(appointments.startsAt, instantOfLocal(timeZone, date, 0)),
        lt(appointments.startsAt, instantOfLocal(timeZone, addDays(date, 1), 0)),
      ),
    )
    .for("update");
  const candidates = time ? found.filter((a) => localParts(timeZone, a.startsAt).time === time) : found;
  if (candidates.length === 0)
    return rejected(
      `I couldn't find a booked appointment on ${date}${time ? ` at ${time}` : ""} for ${args.callbackNumber}. Check the date and the number the appointment was booked with.`,
    );
  if (candidates.length > 1)
    return rejected(
      `There are ${candidates.length} appointments that day, at ${candidates.map((a) => localParts(timeZone, a.startsAt).time).join(" and ")}; ask which one to cancel.`,
    );
  const appointment = candidates[0]!;
  await env.tx
    .update(appointments)
    .set({ status: "cancelled", updatedAt: env.now, notes: args.reason ? oneLine(`${appointment.notes ?? ""} Cancelled: ${args.reason}`) : appointment.notes })
    .where(and(eq(appointments.organizationId, env.call.organizationId), eq(appointments.id, appointment.id)));
  if (appointment.inboxItemId) {
    await env.tx
      .update(inboxItems)
      .set({
        status: "cancelled",
        updatedAt: env.now,
        details: sql`${inboxItems.details} || ${JSON.stringify({ cancelledAt: env.now.toISOString(), cancelReason: args.reason ?? null, cancelledByCallId: env.call.callId })}::jsonb`,
      })
      .where(and(eq(inboxItems.organizationId, env.call.organizationId), eq(inboxItems.id, appointment.inboxItemId)));
    await env.ctx.jobs.enqueue(env.tx, "notifications.send", {
      organizationId: env.call.organizationId,
      inboxItemId: appointment.inboxItemId,
      event: "appointment",
    });
  }
  return {
    outcome: "succeeded",
    inboxItemId: appointment.inboxItemId,
    text: `Cancelled: ${appointment.service} on ${describeLocal(timeZone, appointment.startsAt)} for ${appointment.callerName ?? args.callerName}. Offer to book a new time if they want one.`,
  };
}
