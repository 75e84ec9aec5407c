// Reading slot values out of what a caller said: dates ("tomorrow", "next Tuesday", "March 5th")
// relative to today in the business's time zone, times ("3pm", "10:30", "noon"), phone numbers,
// names, yes/no, counts. Pure functions; each answers null when the line holds no such value, and
// dates may answer { invalid } for a date that does not exist or has passed.
import { parsePhoneNumberFromString } from "libphonenumber-js";

export function normalise(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[’']/g, "")
    .replace(/[^a-z0-9:+]+/g, " ")
    .trim();
}

/** Whether any phrase occurs in the line as whole words. */
export function containsPhrase(line: string, phrases: readonly string[]): boolean {
  const padded = ` ${normalise(line)} `;
  return phrases.some((phrase) => {
    const key = normalise(phrase);
    return key !== "" && padded.includes(` ${key} `);
  });
}

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const MONTH_PATTERN =
  "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  couple: 2,
  dozen: 12,
};
const ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  thirtieth: 30,
};

/** Today's date ("YYYY-MM-DD") in a time zone. */
export function localDate(timeZone: string, at: Date): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

export function addDays(date: string, days: number): string {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

function weekdayOf(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

function existing(year: number, month: number, day: number): string | null {
  const at = new Date(Date.UTC(year, month - 1, day, 12));
  if (at.getUTCFullYear() !== year || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return null;
  return at.toISOString().slice(0, 10);
}

function dayNumber(raw: string): number | null {
  const digits = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(raw);
  if (digits) return Number(digits[1]);
  return ORDINALS[raw] ?? null;
}

export type DateReading = { date: string } | { invalid: "no_such_date" | "past"; said: string } | null;

/** A calendar date in what the caller said, relative to `today` (the business's local date). */
export function readDate(line: string, today: string): DateReading {
  const text = normalise(line).replace(/(\d)(st|nd|rd|th)\b/g, "$1");
  const iso = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/.exec(line);
  const finish = (year: number, month: number, day: number, said: string, rollYear: boolean): DateReading => {
    const date = existing(year, month, day);
    if (!date) return { invalid: "no_such_date", said };
    if (date < today) {
      if (rollYear) {
        const next = existing(year + 1, month, day);
        if (next) return { date: next };
      }
      return { invalid: "past", said };
    }
    return { date };
  };
  if (iso) return finish(Number(iso[1]), Number(iso[2]), Number(iso[3]), iso[0], false);
  if (/\b(day after tomorrow)\b/.test(text)) return { date: addDays(today, 2) };
  if (/\b(today|tonight|this (morning|afternoon|evening))\b/.test(text)) return { date: today };
  if (/\btomorrow\b/.test(text)) return { date: addDays(today, 1) };
  if (/\byesterday\b/.test(text)) return { invalid: "past", said: "yesterday" };

  const year = Number(today.slice(0, 4));
  const monthFirst = new RegExp(`\\b${MONTH_PATTERN} (\\d{1,2}|[a-z]+)(?: (\\d{4}))?\\b`).exec(text);
  const dayFirst = new RegExp(`\\b(\\d{1,2}|[a-z]+) (?:of )?${MONTH_PATTERN}(?: (\\d{4}))?\\b`).exec(text);
  for (const [match, monthRaw, dayRaw, yearRaw] of [
    monthFirst ? [monthFirst[0], monthFirst[1]!, monthFirst[2]!, monthFirst[3]] : null,
    dayFirst ? [dayFirst[0], dayFirst[2]!, dayFirst[1]!, dayFirst[3]] : null,
  ].filter((entry): entry is [string, string, string, string | undefined] => entry !== null)) {
    const day = dayNumber(dayRaw);
    if (day === null) continue;
    const month = MONTHS.findIndex((name) => name.startsWith(monthRaw.slice(0, 3))) + 1;
    return finish(yearRaw ? Number(yearRaw) : year, month, day, match, !yearRaw);
  }
  // US order: 3/5 or 3/5/2026.
  const slashed = /\b(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?\b/.exec(line);
  if (slashed) {
    const y = slashed[3] ? Number(slashed[3].length === 2 ? `20${slashed[3]}` : slashed[3]) : year;
    return finish(y, Number(slashed[1]), Number(slashed[2]), slashed[0], !slashed[3]);
  }
  const weekday = /\b(?:(next|this|coming) )?(sunday|monday|tuesday|wednesday|thursday|friday|saturday)\b/.exec(text);
  if (weekday) {
    const target = WEEKDAYS.indexOf(weekday[2]!);
    let ahead = (target - weekdayOf(today) + 7) % 7;
    if (ahead === 0 && weekday[1] === "next") ahead = 7;
    return { date: addDays(today, ahead) };
  }
  if (/\bnext week\b/.test(text)) return { date: addDays(today, 7) };
  return null;
}

/** A time of day ("HH:MM", 24-hour) in what the caller said; a bare hour from 1 to 6 is taken as afternoon. */
export function readTime(line: string): string | null {
  const text = normalise(line)
    .replace(/\b(a m|am)\b/g, "am")
    .replace(/\b(p m|pm)\b/g, "pm");
  if (/\bnoon\b|\bmidday\b/.test(text)) return "12:00";
  const pad = (hour: number, minute: number) => `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
  const half = /\bhalf past (\d{1,2}|[a-z]+)\b/.exec(text);
  if (half) {
    const hour = Number(half[1]) || NUMBER_WORDS[half[1]!] || 0;
    if (hour >= 1 && hour <= 12) return pad(hour <= 6 ? hour + 12 : hour, 30);
  }
  const match = /\b(\d{1,2})(?::(\d{2}))? ?(am|pm|oclock|o clock)?\b/g;
  for (const found of text.matchAll(match)) {
    const [, hourRaw, minuteRaw, suffix] = found;
    // Bare numbers count only with a cue: "at 3", "3 pm", "10:30".
    const cue = suffix !== undefined || minuteRaw !== undefined || /\b(at|around|about|by|for) $/.test(text.slice(0, found.index));
    if (!cue) continue;
    let hour = Number(hourRaw);
    const minute = minuteRaw === undefined ? 0 : Number(minuteRaw);
    if (hour > 23 || minute > 59) continue;
    if (suffix === "pm" && hour < 12) hour += 12;
    else if (suffix === "am" && hour === 12) hour = 0;
    else if (suffix !== "am" && suffix !== "pm" && hour >= 1 && hour <= 6) hour += 12;
    return pad(hour, minute);
  }
  return null;
}

/** A phone number in E.164 (North American numbers without a country code are taken as +1). */
export function readPhone(line: string): string | null {
  const compact = line.replace(/[^\d+]/g, "");
  if (compact.replace(/\D/g, "").length < 7) return null;
  const candidates = compact.startsWith("+") ? [compact] : [`+${compact}`, `+1${compact}`];
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate);
    if (parsed?.isValid() || (parsed?.isPossible() && candidate.startsWith("+1"))) return parsed.number;
  }
  return null;
}

/** "415 555 0142" for reading a number back. */
export function speakPhone(e164: string): string {
  const national = e164.startsWith("+1") && e164.length === 12 ? e164.slice(2) : e164.replace(/^\+/, "");
  return national.length === 10 ? `${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}` : national;
}

const NAME_LEADS =
  /^(?:(?:hi|hello|hey|yes|yeah|sure|ok|okay)[,.!]?\s+)*(?:my name is|my names|name is|the name is|its|it is|this is|i am|im|call me|under|for)\s+/i;
const NOT_A_NAME = new Set(["calling", "looking", "trying", "wondering", "not", "just", "here", "phoning", "ringing", "after", "about", "sorry"]);

/**
 * A person's name. `awaited`: the assistant just asked for it, so any short answer is one; otherwise
 * only "my name is …" / "this is …" count.
 */
export function readName(line: string, awaited: boolean): string | null {
  const cleaned = line.trim().replace(/[“”"]/g, "").replace(/\s+/g, " ");
  const explicit =
    /(?:^|[\s,.!])(?:my name is|my name's|this is|i am|i'm|it's|its|call me)\s+([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*(?:\s+[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*){0,3})/i.exec(
      cleaned,
    );
  let candidate: string | null = null;
  if (explicit) candidate = explicit[1]!;
  else if (awaited) candidate = cleaned.replace(NAME_LEADS, "");
  if (candidate === null) return null;
  const words = candidate
    .replace(/[.,!?;:].*$/, "")
    .split(" ")
    .filter((word) => word !== "");
  // Stop at the first word that clearly starts a new clause.
  const kept: string[] = [];
  for (const word of words) {
    const lower = word.toLowerCase().replace(/[’']/g, "");
    if (NOT_A_NAME.has(lower) || ["and", "i", "my", "please", "thanks", "thank", "from", "at", "on", "the"].includes(lower)) break;
    if (/\d/.test(word)) break;
    kept.push(word);
    if (kept.length === 4) break;
  }
  if (kept.length === 0) return null;
  if (!awaited && !kept.every((word) => /^[A-ZÀ-Ý]/.test(word))) return null;
  if (kept.length === 1 && NOT_A_NAME.has(kept[0]!.toLowerCase())) return null;
  return kept.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(" ");
}

/** A count ("two", "4", "a party of six"). */
export function readCount(line: string): number | null {
  const text = normalise(line);
  const digits = /\b(\d{1,3})\b/.exec(text);
  if (digits) return Number(digits[1]);
  for (const word of text.split(" ")) if (word in NUMBER_WORDS && word !== "a" && word !== "an") return NUMBER_WORDS[word]!;
  return null;
}

/** An id with at least one digit ("D-4471", "driver 5512"). */
export function readIdentifier(line: string): string | null {
  const match = /\b([A-Za-z]{0,4}[-\s]?\d[\dA-Za-z-]{1,15})\b/.exec(line);
  return match ? match[1]!.replace(/\s+/g, "-").toUpperCase() : null;
}

/** The count words as numbers, for quantities in orders. */
export function quantityWord(word: string): number | null {
  if (/^\d{1,3}$/.test(word)) return Number(word);
  return NUMBER_WORDS[word] ?? null;
}

/** "Tuesday, March 3" for reading a date back. */
export function speakDate(date: string): string {
  return new Intl.DateTimeFormat("en-US", { weekday: "long", month: "long", day: "numeric", timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));
}

/** "3:30 PM" / "10 AM" for reading a time back. */
export function speakTime(time: string): string {
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  const suffix = hour >= 12 ? "PM" : "AM";
  const twelve = hour % 12 === 0 ? 12 : hour % 12;
  return minute === 0 ? `${twelve} ${suffix}` : `${twelve}:${String(minute).padStart(2, "0")} ${suffix}`;
}
