// Business hours: open or closed at an instant, the next opening, holidays, overnight ranges and
// DST transitions, all in the business's IANA time zone. Pure functions.
// IMPLEMENTATION PENDING (contract only).
import type { BusinessHours } from "../templates/types.js";

export type OpenStatus = {
  open: boolean;
  /** When open: the instant this opening ends. */
  closesAt?: Date;
  /** When closed: the next instant it opens (null when it never does). */
  nextOpening?: Date | null;
  /** When closed for a holiday: its name (or the date). */
  holiday?: string;
};

export function openStatusAt(hours: BusinessHours, at: Date): OpenStatus {
  void hours;
  void at;
  throw new Error("not implemented");
}

export function isOpenAt(hours: BusinessHours, at: Date): boolean {
  return openStatusAt(hours, at).open;
}

/** A human-readable week, e.g. "Monday–Friday 9:00–17:00; Saturday 10:00–14:00; Sunday closed". */
export function describeWeeklyHours(hours: BusinessHours): string {
  void hours;
  throw new Error("not implemented");
}
