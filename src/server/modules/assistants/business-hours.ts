// Business hours: open or closed at an instant, the next opening, holidays, overnight ranges and
// DST transitions, all in the business's IANA time zone. Pure functions; time-zone math uses Intl only.
//
// The rules, in one place:
// - A weekly range belongs to the local date it opens on. `close <= open` runs past midnight into
//   the next day (Fri 22:00–02:00 is open Saturday 01:00); "00:00"–"24:00" is the whole day.
// - A holiday cancels every range that opens on that local date, including the after-midnight part
//   of an overnight range opening on it. A range that opened the evening before runs to its close.
// - Adjacent or overlapping ranges merge into one opening; `closesAt` is the end of that opening.
// - DST: a wall time skipped by a spring-forward gap maps to the first instant after the gap (so a
//   range inside the gap is empty that day); a wall time that happens twice in a fall-back overlap
//   maps to its first occurrence for an opening and its second for a closing, so a range keeps the
//   repeated hour. Nothing here throws on stored data or loops without a bound.
import { z } from "@hono/zod-openapi";
import { storableText } from "../../http/schemas.js";
import { isValidTimeZone } from "../organizations/timezones.js";
import type { BusinessHours, WeeklyRange } from "../templates/types.js";

export type OpenStatus = {
  open: boolean;
  /** When open: the instant this opening ends. Absent when it stays open past the search horizon (around the clock). */
  closesAt?: Date;
  /** When closed: the next instant it opens (null when it never does within the search horizon). */
  nextOpening?: Date | null;
  /** When closed on a holiday (the local date is one): its name, or the date when it has none. */
  holiday?: string;
};

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1_440;
/** How far ahead openings are searched: the weekly cycle plus a full year of back-to-back holidays. */
export const OPENING_SEARCH_DAYS = 400;
export const MAX_WEEKLY_RANGES = 50;
export const MAX_HOLIDAYS = 366;
/** Instants outside these years are treated as "never open" rather than fed to Intl. */
const EARLIEST_SUPPORTED_MS = Date.UTC(1900, 0, 1);
const LATEST_SUPPORTED_MS = Date.UTC(9000, 0, 1);

export const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
/** The order a week is described in: Monday first. */
const DESCRIPTION_DAY_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

const WEEKDAY_NUMBERS = [0, 1, 2, 3, 4, 5, 6] as const;
const TIME_OF_DAY_PATTERN = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for "YYYY-MM-DD" naming a day that exists (no 2026-02-30). */
export function isExistingIsoDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export const timeOfDaySchema = z
  .string()
  .regex(TIME_OF_DAY_PATTERN, 'Use a time "HH:MM" from 00:00 to 24:00.')
  .openapi({ description: "Local wall-clock time, 24-hour", example: "09:00" });

export const weeklyRangeSchema = z
  .strictObject({
    day: z
      .literal(WEEKDAY_NUMBERS, "Use a day from 0 (Sunday) to 6 (Saturday).")
      // The OpenAPI generator would list only the first literal; say all seven.
      .openapi({ type: "integer", enum: [...WEEKDAY_NUMBERS], description: "0 = Sunday … 6 = Saturday" }),
    open: timeOfDaySchema,
    close: timeOfDaySchema.openapi({ description: "At or before `open` means past midnight; 24:00 is the end of the day", example: "17:00" }),
  })
  .superRefine((range, context) => {
    if (range.open === "24:00") context.addIssue({ code: "custom", path: ["open"], message: "An opening time must be before 24:00." });
  })
  .openapi("WeeklyRange");

export const holidaySchema = z
  .strictObject({
    date: z
      .string()
      .refine(isExistingIsoDate, 'Use an existing date "YYYY-MM-DD".')
      .openapi({ description: "Closed all day on this local date", example: "2026-12-25" }),
    name: storableText(100).optional().openapi({ example: "Christmas Day" }),
  })
  .openapi("Holiday");

export const businessHoursSchema = z
  .strictObject({
    timezone: z
      .string()
      .refine(isValidTimeZone, "Use an IANA time zone such as America/New_York.")
      .openapi({ description: "IANA time zone the hours are in", example: "America/New_York" }),
    weekly: z.array(weeklyRangeSchema).max(MAX_WEEKLY_RANGES, `Use at most ${MAX_WEEKLY_RANGES} ranges.`),
    holidays: z.array(holidaySchema).max(MAX_HOLIDAYS, `Use at most ${MAX_HOLIDAYS} holidays.`).default([]),
  })
  .superRefine((hours, context) => {
    const seen = new Set<string>();
    hours.holidays.forEach((holiday, index) => {
      if (seen.has(holiday.date)) context.addIssue({ code: "custom", path: ["holidays", index, "date"], message: "This date is already a holiday." });
      seen.add(holiday.date);
    });
  })
  .openapi("BusinessHours", { description: "Weekly opening hours in a time zone, with holiday closures" });

// ---------------------------------------------------------------------------------------------
// Time-zone math (Intl only)
// ---------------------------------------------------------------------------------------------

const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = wallClockFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    wallClockFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * A time zone's clock: instant ↔ "wall" milliseconds. Wall milliseconds are the local wall-clock
 * reading written as if it were UTC (Date.UTC(local fields)), which makes local-date arithmetic plain
 * addition. Offsets are memoized per clock because neighbouring conversions ask for the same instants.
 */
class ZoneClock {
  private readonly formatter: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.formatter = wallClockFormatter(timeZone);
  }

  /** Wall-clock minus UTC at an instant, in milliseconds (whole seconds). */
  offsetAt(instantMs: number): number {
    const wholeSecondMs = Math.floor(instantMs / SECOND_MS) * SECOND_MS;
    const cached = this.offsets.get(wholeSecondMs);
    if (cached !== undefined) return cached;
    const fields: Record<string, number> = {};
    for (const part of this.formatter.formatToParts(wholeSecondMs)) {
      if (part.type !== "literal") fields[part.type] = Number(part.value);
    }
    const wall = Date.UTC(fields.year ?? 1970, (fields.month ?? 1) - 1, fields.day ?? 1, (fields.hour ?? 0) % 24, fields.minute ?? 0, fields.second ?? 0);
    const offset = wall - wholeSecondMs;
    this.offsets.set(wholeSecondMs, offset);
    return offset;
  }

  toWall(instantMs: number): number {
    return instantMs + this.offsetAt(instantMs);
  }

  /**
   * The instant the wall clock shows `wallMs`. Twice-shown wall times (fall-back) resolve to the
   * `prefer`red occurrence; never-shown ones (spring-forward) to the first instant after the gap.
   */
  toInstant(wallMs: number, prefer: "earlier" | "later"): number {
    // Any transition affecting this wall time lies within a day of it, so the offsets a day either
    // side are the only candidates (no zone changes its offset twice within two days).
    const offsetBefore = this.offsetAt(wallMs - DAY_MS);
    const offsetAfter = this.offsetAt(wallMs + DAY_MS);
    const candidates: number[] = [];
    for (const offset of offsetBefore === offsetAfter ? [offsetBefore] : [offsetBefore, offsetAfter]) {
      const instant = wallMs - offset;
      if (this.offsetAt(instant) === offset) candidates.push(instant);
    }
    if (candidates.length > 0) return prefer === "earlier" ? Math.min(...candidates) : Math.max(...candidates);
    if (offsetBefore === offsetAfter) return wallMs - offsetBefore; // cannot happen with real zone data; stay total
    return this.transitionBetween(wallMs - Math.max(offsetBefore, offsetAfter), wallMs - Math.min(offsetBefore, offsetAfter));
  }

  /** The first instant in (from, to] whose offset differs from the one at `from`: a bounded binary search. */
  private transitionBetween(fromMs: number, toMs: number): number {
    const offsetAtFrom = this.offsetAt(fromMs);
    let low = Math.floor(fromMs / SECOND_MS);
    let high = Math.ceil(toMs / SECOND_MS);
    if (this.offsetAt(high * SECOND_MS) === offsetAtFrom) return toMs;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (this.offsetAt(middle * SECOND_MS) === offsetAtFrom) low = middle;
      else high = middle;
    }
    return high * SECOND_MS;
  }
}

// ---------------------------------------------------------------------------------------------
// Schedule
// ---------------------------------------------------------------------------------------------

/** One weekly range in minutes from its local midnight; closeMinute > openMinute (up to two days). */
type DailyRange = { openMinute: number; closeMinute: number; open: string; close: string };

type Schedule = {
  clock: ZoneClock;
  /** Indexed by weekday (0 = Sunday), each sorted by opening. */
  rangesByWeekday: DailyRange[][];
  hasRanges: boolean;
  /** Local date "YYYY-MM-DD" → holiday name (or the date). */
  holidays: Map<string, string>;
};

type Opening = { startMs: number; endMs: number };

/** Minutes since midnight for "HH:MM" (00:00–24:00), else null. */
function minutesOfTime(value: unknown): number | null {
  if (typeof value !== "string" || !TIME_OF_DAY_PATTERN.test(value)) return null;
  return Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5));
}

/** Reads stored hours defensively: unknown time zone → UTC; malformed ranges and holidays are ignored. */
function scheduleOf(hours: BusinessHours): Schedule {
  const timeZone = effectiveTimeZone(hours);
  const rangesByWeekday: DailyRange[][] = [[], [], [], [], [], [], []];
  for (const range of Array.isArray(hours?.weekly) ? hours.weekly.slice(0, MAX_WEEKLY_RANGES * 2) : []) {
    const openMinute = minutesOfTime(range?.open);
    const closeMinute = minutesOfTime(range?.close);
    const day = range?.day;
    if (openMinute === null || closeMinute === null || openMinute >= MINUTES_PER_DAY) continue;
    if (typeof day !== "number" || !Number.isInteger(day) || day < 0 || day > 6) continue;
    rangesByWeekday[day]!.push({
      openMinute,
      closeMinute: closeMinute <= openMinute ? closeMinute + MINUTES_PER_DAY : closeMinute,
      open: range.open,
      close: range.close,
    });
  }
  for (const ranges of rangesByWeekday) ranges.sort((a, b) => a.openMinute - b.openMinute || a.closeMinute - b.closeMinute);
  const holidays = new Map<string, string>();
  for (const holiday of Array.isArray(hours?.holidays) ? hours.holidays : []) {
    if (typeof holiday?.date !== "string" || !isExistingIsoDate(holiday.date)) continue;
    const name = typeof holiday.name === "string" && holiday.name.trim() !== "" ? holiday.name.trim() : holiday.date;
    holidays.set(holiday.date, name);
  }
  return { clock: new ZoneClock(timeZone), rangesByWeekday, hasRanges: rangesByWeekday.some((ranges) => ranges.length > 0), holidays };
}

/** Days since 1970-01-01 of a local date, and back. */
function localDayOf(schedule: Schedule, instantMs: number): number {
  return Math.floor(schedule.clock.toWall(instantMs) / DAY_MS);
}

function isoDateOfDay(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function weekdayOfDay(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** A day whose only range is midnight to midnight. */
function isWholeDayOnly(ranges: DailyRange[]): boolean {
  return ranges.length === 1 && ranges[0]!.openMinute === 0 && ranges[0]!.closeMinute === MINUTES_PER_DAY;
}

/** The openings of each local day from firstDay to lastDay, in order of start. */
function* openingsOfDays(schedule: Schedule, firstDay: number, lastDay: number): Generator<Opening & { day: number }> {
  if (!schedule.hasRanges) return;
  for (let day = firstDay; day <= lastDay; day++) {
    const ranges = schedule.rangesByWeekday[weekdayOfDay(day)]!;
    if (ranges.length === 0 || schedule.holidays.has(isoDateOfDay(day))) continue;
    const midnightWallMs = day * DAY_MS;
    if (isWholeDayOnly(ranges)) {
      // Around-the-clock stretches become one opening, so a 24/7 week costs two conversions, not two a day.
      let lastWholeDay = day;
      while (
        lastWholeDay < lastDay &&
        isWholeDayOnly(schedule.rangesByWeekday[weekdayOfDay(lastWholeDay + 1)]!) &&
        !schedule.holidays.has(isoDateOfDay(lastWholeDay + 1))
      ) {
        lastWholeDay++;
      }
      const startMs = schedule.clock.toInstant(midnightWallMs, "earlier");
      const endMs = schedule.clock.toInstant((lastWholeDay + 1) * DAY_MS, "later");
      if (endMs > startMs) yield { startMs, endMs, day: lastWholeDay };
      day = lastWholeDay;
      continue;
    }
    for (const range of ranges) {
      const startMs = schedule.clock.toInstant(midnightWallMs + range.openMinute * MINUTE_MS, "earlier");
      const endMs = schedule.clock.toInstant(midnightWallMs + range.closeMinute * MINUTE_MS, "later");
      if (endMs > startMs) yield { startMs, endMs, day };
    }
  }
}

/**
 * Openings that could contain or follow `atMs`, touching or overlapping ones merged, in order.
 * Two days back covers any range still running at `atMs`. `unbounded` marks an opening that was
 * still going on the last searched day (open around the clock for the whole horizon).
 */
function* openingsAround(schedule: Schedule, atMs: number): Generator<Opening & { unbounded: boolean }> {
  const today = localDayOf(schedule, atMs);
  const lastDay = today + OPENING_SEARCH_DAYS;
  let current: (Opening & { unbounded: boolean }) | null = null;
  for (const opening of openingsOfDays(schedule, today - 2, lastDay)) {
    if (current && opening.startMs <= current.endMs) {
      current.endMs = Math.max(current.endMs, opening.endMs);
      current.unbounded = opening.day === lastDay;
      continue;
    }
    if (current) yield current;
    current = { startMs: opening.startMs, endMs: opening.endMs, unbounded: opening.day === lastDay };
  }
  if (current) yield current;
}

function isSupportedInstant(at: Date): boolean {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  return Number.isFinite(ms) && ms >= EARLIEST_SUPPORTED_MS && ms <= LATEST_SUPPORTED_MS;
}

// ---------------------------------------------------------------------------------------------
// Public queries
// ---------------------------------------------------------------------------------------------

export function openStatusAt(hours: BusinessHours, at: Date): OpenStatus {
  if (!isSupportedInstant(at)) return { open: false, nextOpening: null };
  const schedule = scheduleOf(hours);
  const atMs = at.getTime();
  let nextOpening: Date | null = null;
  for (const opening of openingsAround(schedule, atMs)) {
    if (opening.endMs <= atMs) continue;
    if (opening.startMs <= atMs) return opening.unbounded ? { open: true } : { open: true, closesAt: new Date(opening.endMs) };
    nextOpening = new Date(opening.startMs);
    break;
  }
  const holiday = schedule.holidays.get(isoDateOfDay(localDayOf(schedule, atMs)));
  return holiday === undefined ? { open: false, nextOpening } : { open: false, nextOpening, holiday };
}

export function isOpenAt(hours: BusinessHours, at: Date): boolean {
  return openStatusAt(hours, at).open;
}

/**
 * The next instant strictly after `at` at which the business goes from closed to open; when it is
 * open at `at`, that is the reopening after the current opening ends. Null when it does not open
 * within OPENING_SEARCH_DAYS (closed all week, or holidays all the way).
 */
export function nextOpeningAfter(hours: BusinessHours, at: Date): Date | null {
  if (!isSupportedInstant(at)) return null;
  const schedule = scheduleOf(hours);
  const atMs = at.getTime();
  for (const opening of openingsAround(schedule, atMs)) {
    if (opening.startMs > atMs) return new Date(opening.startMs);
  }
  return null;
}

/** The time zone hours are evaluated in: theirs when valid, else UTC. */
export function effectiveTimeZone(hours: BusinessHours): string {
  return typeof hours?.timezone === "string" && isValidTimeZone(hours.timezone) ? hours.timezone : "UTC";
}

/** What a wall clock in `timeZone` shows at an instant: local date "YYYY-MM-DD", time "HH:MM", weekday (0 = Sunday). */
export function localWallClockAt(timeZone: string, at: Date): { date: string; time: string; weekday: number } | null {
  if (!isSupportedInstant(at) || !isValidTimeZone(timeZone)) return null;
  const wall = new Date(new ZoneClock(timeZone).toWall(at.getTime()));
  const iso = wall.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16), weekday: wall.getUTCDay() };
}

function describeDay(ranges: DailyRange[]): string {
  if (ranges.length === 0) return "closed";
  // Touching or overlapping ranges read as one: 11:00–22:00 and 22:00–02:00 is 11:00–02:00.
  const merged: DailyRange[] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && range.openMinute <= last.closeMinute) {
      if (range.closeMinute > last.closeMinute) Object.assign(last, { closeMinute: range.closeMinute, close: range.close });
    } else {
      merged.push({ ...range });
    }
  }
  if (merged.some((range) => range.openMinute === 0 && range.closeMinute >= MINUTES_PER_DAY)) return "open 24 hours";
  return merged.map((range) => `${range.open}–${range.close}`).join(", ");
}

/**
 * A human-readable week, Monday first, consecutive days with the same hours grouped:
 * "Monday–Friday 09:00–17:00; Saturday 10:00–14:00; Sunday closed". Holidays are not part of it.
 */
export function describeWeeklyHours(hours: BusinessHours): string {
  const schedule = scheduleOf(hours);
  const days = DESCRIPTION_DAY_ORDER.map((weekday) => ({ weekday, text: describeDay(schedule.rangesByWeekday[weekday]!) }));
  if (days.every((day) => day.text === days[0]!.text)) {
    const text = days[0]!.text;
    if (text === "closed") return "Closed all week";
    if (text === "open 24 hours") return "Open 24 hours, every day";
    return `Every day ${text}`;
  }
  const groups: { first: number; last: number; text: string }[] = [];
  for (const day of days) {
    const group = groups.at(-1);
    if (group && group.text === day.text) group.last = day.weekday;
    else groups.push({ first: day.weekday, last: day.weekday, text: day.text });
  }
  return groups
    .map((group) => {
      const label = group.first === group.last ? DAY_NAMES[group.first] : `${DAY_NAMES[group.first]}–${DAY_NAMES[group.last]}`;
      return `${label} ${group.text}`;
    })
    .join("; ");
}

// The schema and the hand-written contract in types.ts must describe the same thing.
type Assert<T extends true> = T;
export type BusinessHoursSchemaMatchesContract = Assert<z.infer<typeof businessHoursSchema> extends BusinessHours ? true : false>;
export type WeeklyRangeSchemaMatchesContract = Assert<z.infer<typeof weeklyRangeSchema> extends WeeklyRange ? true : false>;
