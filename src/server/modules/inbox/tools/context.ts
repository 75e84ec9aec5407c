// What every tool handler receives, what it answers, and small pieces the tools share (menus from
// an assistant's variables, local dates and times in the business's time zone, one-line text).
import type { AppContext } from "../../../context.js";
import type { Db } from "../../../db/client.js";
import type { assistants } from "../../assistants/schema.js";
import type { CallContext } from "../../calls/call-context.js";
import type { MenuItem } from "../../templates/types.js";

export type AssistantRow = typeof assistants.$inferSelect;

export type ToolEnv = { ctx: AppContext; call: CallContext; tx: Db; assistant: AssistantRow | null; now: Date };

/** succeeded: the work was done; rejected: nothing done, the model should ask again or offer something else. */
export type ToolOutcome = { outcome: "succeeded" | "rejected" | "failed"; text: string; inboxItemId?: string | null };

export const rejected = (text: string): ToolOutcome => ({ outcome: "rejected", text });

/** Vapi wants single-line strings. */
export function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

export function normaliseName(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

function isMenuItem(value: unknown): value is MenuItem {
  if (!value || typeof value !== "object") return false;
  const item = value as Partial<MenuItem>;
  return typeof item.name === "string" && typeof item.priceCents === "number" && Number.isInteger(item.priceCents);
}

/**
 * The menus among an assistant's variables (values of "menu" variables are lists of items with a
 * name and priceCents), the conventional keys first: "menu" for orders, "services" for bookings.
 */
export function menusOf(assistant: AssistantRow, preferredKeys: readonly string[]): MenuItem[][] {
  const entries = Object.entries(assistant.variables ?? {}).filter(
    ([, value]) => Array.isArray(value) && value.length > 0 && (value as unknown[]).every(isMenuItem),
  ) as [string, MenuItem[]][];
  entries.sort(([a], [b]) => rank(a) - rank(b));
  return entries.map(([, items]) => items);
  function rank(key: string) {
    const index = preferredKeys.indexOf(key);
    return index === -1 ? preferredKeys.length : index;
  }
}

/** Finds an entry by name: exact (ignoring case, accents, punctuation), else the one entry containing it or contained in it. */
export function findByName<T>(entries: readonly T[], wanted: string, nameOf: (entry: T) => string): T | undefined {
  const key = normaliseName(wanted);
  if (key === "") return undefined;
  const exact = entries.find((entry) => normaliseName(nameOf(entry)) === key);
  if (exact) return exact;
  const partial = entries.filter((entry) => {
    const name = normaliseName(nameOf(entry));
    return name !== "" && (name.includes(key) || key.includes(name));
  });
  return partial.length === 1 ? partial[0] : undefined;
}

export function formatCents(cents: number, currency = "USD"): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
}

// ---------------------------------------------------------------------------------------------
// Local wall time ↔ instants in an IANA zone
// ---------------------------------------------------------------------------------------------

const MINUTE_MS = 60_000;

function wallMsAt(timeZone: string, instantMs: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instantMs));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
}

/** The instant a local wall time ("YYYY-MM-DD", minutes after midnight) happens in `timeZone` (first occurrence; a skipped time moves forward). */
export function instantOfLocal(timeZone: string, date: string, minuteOfDay: number): Date {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE_MS;
  let guess = wall - (wallMsAt(timeZone, wall) - wall);
  const second = wall - (wallMsAt(timeZone, guess) - guess);
  if (second !== guess) guess = Math.min(guess, second);
  return new Date(guess);
}

/** "YYYY-MM-DD" and "HH:MM" of an instant in `timeZone`. */
export function localParts(timeZone: string, at: Date): { date: string; time: string } {
  const iso = new Date(wallMsAt(timeZone, at.getTime())).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** "Tuesday 3 March 2026 at 15:00" in `timeZone`. */
export function describeLocal(timeZone: string, at: Date): string {
  const day = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(at);
  return `${day} at ${localParts(timeZone, at).time}`;
}

export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}
