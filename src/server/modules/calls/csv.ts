// CSV rows of calls (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or
// line break, quotes doubled), with a guard against formula injection in spreadsheets.
import type { CallListItem } from "./service.js";

export const CALLS_CSV_COLUMNS = [
  ["id", (c: CallListItem) => c.id],
  ["started_at", (c: CallListItem) => c.startedAt],
  ["ended_at", (c: CallListItem) => c.endedAt],
  ["duration_seconds", (c: CallListItem) => c.durationSeconds],
  ["status", (c: CallListItem) => c.status],
  ["caller_number", (c: CallListItem) => c.callerNumber],
  ["assistant_id", (c: CallListItem) => c.assistantId],
  ["assistant_name", (c: CallListItem) => c.assistantName],
  ["phone_number_id", (c: CallListItem) => c.phoneNumberId],
  ["outcome", (c: CallListItem) => c.outcome],
  ["ended_reason", (c: CallListItem) => c.endedReason],
  ["success_evaluation", (c: CallListItem) => c.successEvaluation],
  ["cost_usd", (c: CallListItem) => c.costUsd],
  ["is_test", (c: CallListItem) => c.isTest],
  ["summary", (c: CallListItem) => c.summary],
] as const;

/** A plain number, such as an E.164 caller "+14155550100" or "-3": no spreadsheet runs it as a formula. */
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
/** Spreadsheets treat a cell starting with one of these as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  // A leading apostrophe makes the spreadsheet show the text instead of evaluating it.
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export const callsCsvHeader = () => csvLine(CALLS_CSV_COLUMNS.map(([name]) => name));

export const callCsvLine = (call: CallListItem) => csvLine(CALLS_CSV_COLUMNS.map(([, value]) => value(call)));
