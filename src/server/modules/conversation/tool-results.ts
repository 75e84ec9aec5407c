// What the template engine needs from a tool's one-line answer (written for a model): the times a
// check offers and on which day, an order's total, a knowledge passage. Read per tool, never per
// industry; whatever cannot be read leaves the placeholder empty.
import { readDate } from "./slot-values.js";

export type ReadResult = {
  /** Placeholders for the spoken lines: {{result_total}}, {{result_answer}}, {{result_times}}, {{result_day}}. */
  values: Record<string, string>;
  /** Times ("HH:MM") the tool offered, and the day they are on when it moved to another day. */
  offeredTimes: string[];
  offeredDate: string | null;
  /** A lookup that found nothing. */
  empty: boolean;
};

function spokenTimes(times: readonly string[]): string {
  const spoken = times.map((time) => {
    const [hour, minute] = time.split(":").map(Number) as [number, number];
    const twelve = hour % 12 === 0 ? 12 : hour % 12;
    return `${twelve}${minute ? `:${String(minute).padStart(2, "0")}` : ""} ${hour >= 12 ? "PM" : "AM"}`;
  });
  if (spoken.length <= 1) return spoken.join("");
  return `${spoken.slice(0, -1).join(", ")} or ${spoken.at(-1)}`;
}

export function readToolResult(tool: string, text: string, today: string): ReadResult {
  const values: Record<string, string> = {};
  let offeredTimes: string[] = [];
  let offeredDate: string | null = null;
  let empty = false;
  if (tool === "checkAvailability" || tool === "bookAppointment") {
    // "Free times for X on Tuesday, March 3, 2026: 09:00, 10:00." / "The next free day is Wednesday, March 4, 2026: 09:00, …"
    const next = /next free day is ([^:]+):\s*([\d:, ]+)/i.exec(text);
    const free = /on ([A-Z][a-z]+, [^:]+?\d{4}):\s*([\d:, ]+)/.exec(text);
    const found = next ?? free;
    if (found) {
      offeredTimes = [...found[2]!.matchAll(/\b(\d{2}:\d{2})\b/g)].map((match) => match[1]!);
      const day = readDate(found[1]!, today);
      if (day && "date" in day) offeredDate = day.date;
      values.result_day = found[1]!.replace(/,? \d{4}$/, "");
      values.result_times = spokenTimes(offeredTimes);
    }
  }
  if (tool === "takeOrder") {
    const total = /Total (\$?\d[\d,]*(?:\.\d{2})?)/.exec(text);
    if (total) values.result_total = total[1]!;
  }
  if (tool === "lookupKnowledge") {
    if (/^Nothing in the knowledge base/i.test(text)) empty = true;
    else {
      // "From the knowledge base: 1. (Title — heading) passage 2. (…) …": the first passage, a few sentences of it.
      const first = /1\.\s*\([^)]*\)\s*(.*?)(?:\s+2\.\s*\(|$)/.exec(text.replace(/^From the knowledge base:\s*/, ""));
      const passage = (first?.[1] ?? text).replace(/…/g, "").trim();
      const sentences = passage.match(/[^.!?]+[.!?]?/g) ?? [passage];
      values.result_answer = sentences.slice(0, 3).join("").trim();
    }
  }
  values.result = text;
  return { values, offeredTimes, offeredDate, empty };
}
