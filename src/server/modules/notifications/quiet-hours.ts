// Quiet hours: is a notification held right now, and until when? Pure; the time-zone math is the
// business-hours module's (Intl only, DST-safe), with each quiet period as a weekly "opening".
// A period belongs to the day it starts on: days [5] with 21:00–07:00 is Friday 21:00 to Saturday
// 07:00. An end at or before the start runs past midnight; start equal to end is 24 hours.
import { openStatusAt } from "../assistants/business-hours.js";
import type { QuietHours } from "./schema.js";

/** When the quiet period around `at` ends (adjacent periods merged), or null when `at` is not in quiet hours. */
export function quietHoursEndAt(quietHours: QuietHours | null, timeZone: string, at: Date): Date | null {
  if (!quietHours || quietHours.days.length === 0) return null;
  const status = openStatusAt(
    { timezone: timeZone, weekly: quietHours.days.map((day) => ({ day, open: quietHours.start, close: quietHours.end })), holidays: [] },
    at,
  );
  // Quiet around the clock (refused by validation) would hold forever: deliver instead.
  return status.open && status.closesAt ? status.closesAt : null;
}

/** Quiet all week without a break, which would hold every notification forever. */
export function isQuietAllWeek(quietHours: QuietHours): boolean {
  const everyDay = new Set(quietHours.days).size === 7;
  return everyDay && (quietHours.start === quietHours.end || (quietHours.start === "00:00" && quietHours.end === "24:00"));
}
