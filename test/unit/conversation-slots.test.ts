// Slot readers of the template engine: dates relative to the business's today, times, phone
// numbers, names, and order lines matched against a menu.
import { describe, expect, it } from "vitest";
import { missingOption, readOrderItems } from "../../src/server/modules/conversation/menu-items.js";
import { readDate, readName, readPhone, readTime, speakDate, speakTime } from "../../src/server/modules/conversation/slot-values.js";
import { readToolResult } from "../../src/server/modules/conversation/tool-results.js";

// A Wednesday.
const TODAY = "2026-03-04";

describe("readDate", () => {
  it.each([
    ["tomorrow at 3pm", { date: "2026-03-05" }],
    ["today please", { date: "2026-03-04" }],
    ["the day after tomorrow", { date: "2026-03-06" }],
    ["next Tuesday 10:30", { date: "2026-03-10" }],
    ["Wednesday", { date: "2026-03-04" }],
    ["next Wednesday", { date: "2026-03-11" }],
    ["Friday", { date: "2026-03-06" }],
    ["March 5th", { date: "2026-03-05" }],
    ["the 5th of March", { date: "2026-03-05" }],
    ["on 3/20", { date: "2026-03-20" }],
    ["2026-04-01", { date: "2026-04-01" }],
    // A month already past this year means next year's.
    ["January 10", { date: "2027-01-10" }],
    ["February 30th", { invalid: "no_such_date", said: "february 30" }],
    ["April 31", { invalid: "no_such_date", said: "april 31" }],
    ["2026-02-01", { invalid: "past", said: "2026-02-01" }],
    ["yesterday", { invalid: "past", said: "yesterday" }],
    ["whenever suits", null],
  ])("%s → %j", (line, expected) => {
    expect(readDate(line, TODAY)).toEqual(expected);
  });
});

describe("readTime", () => {
  it.each([
    ["at 3pm", "15:00"],
    ["3 PM", "15:00"],
    ["10:30", "10:30"],
    ["10:30am", "10:30"],
    ["12 am", "00:00"],
    ["noon", "12:00"],
    ["half past two", "14:30"],
    ["at 3", "15:00"],
    ["at 9", "09:00"],
    ["tomorrow at 10am", "10:00"],
    ["my number is 415 555 0142", null],
    ["two margheritas", null],
  ])("%s → %s", (line, expected) => {
    expect(readTime(line)).toBe(expected);
  });
});

describe("readPhone", () => {
  it.each([
    ["415 555 0142", "+14155550142"],
    ["(212) 555-0188", "+12125550188"],
    ["+44 20 7946 0958", "+442079460958"],
    ["call me on 1-415-555-0142", "+14155550142"],
    ["12345", null],
    ["no number", null],
  ])("%s → %s", (line, expected) => {
    expect(readPhone(line)).toBe(expected);
  });
});

describe("readName", () => {
  it.each([
    ["My name is Sam Rivera.", true, "Sam Rivera"],
    ["It's Dana, 415 555 0142", true, "Dana"],
    ["sam rivera", true, "Sam Rivera"],
    ["Hi, this is Jordan Smith calling about my lease", false, "Jordan Smith"],
    ["I'm calling about my bill", false, null],
    ["I'd like to book a cleaning", false, null],
  ])("%s (asked: %s) → %s", (line, awaited, expected) => {
    expect(readName(line, awaited)).toBe(expected);
  });
});

describe("readOrderItems", () => {
  const menu = [
    {
      name: "Margherita",
      priceCents: 1400,
      options: [
        {
          name: "Size",
          required: true,
          choices: [
            { name: "Small", priceDeltaCents: 0 },
            { name: "Large", priceDeltaCents: 400 },
          ],
        },
      ],
    },
    {
      name: "Caesar Salad",
      priceCents: 1100,
      options: [
        {
          name: "Anchovies",
          choices: [
            { name: "Anchovies", priceDeltaCents: 0 },
            { name: "No anchovies", priceDeltaCents: 0 },
          ],
        },
      ],
    },
    { name: "Tiramisu", priceCents: 800 },
  ];

  it("reads quantities, plurals, options and several items", () => {
    expect(readOrderItems("two large margheritas and a caesar salad with no anchovies", menu)).toEqual([
      { name: "Margherita", quantity: 2, options: ["Large"] },
      { name: "Caesar Salad", quantity: 1, options: ["No anchovies"] },
    ]);
    expect(readOrderItems("3 tiramisu please", menu)).toEqual([{ name: "Tiramisu", quantity: 3, options: [] }]);
    expect(readOrderItems("a burger", menu)).toEqual([]);
  });

  it("names the required option still missing", () => {
    expect(missingOption({ name: "Margherita", quantity: 1, options: [] }, menu)?.group.name).toBe("Size");
    expect(missingOption({ name: "Margherita", quantity: 1, options: ["Small"] }, menu)).toBeNull();
  });
});

describe("speaking values back and reading tool results", () => {
  it("says dates and times the way people do", () => {
    expect(speakDate("2026-03-05")).toBe("Thursday, March 5");
    expect(speakTime("15:30")).toBe("3:30 PM");
    expect(speakTime("09:00")).toBe("9 AM");
  });

  it("reads offered times and a moved day from availability answers", () => {
    const same = readToolResult("checkAvailability", "Free times for Cleaning (60 min) on Thursday, 5 March 2026: 09:00, 10:00. Offer these.", TODAY);
    expect(same).toMatchObject({ offeredTimes: ["09:00", "10:00"], offeredDate: "2026-03-05", values: { result_times: "9 AM or 10 AM" } });
    const moved = readToolResult(
      "bookAppointment",
      "Sorry, it was just taken. No free times for Cleaning on 2026-03-05. The next free day is Friday, March 6, 2026: 13:00, 14:30.",
      TODAY,
    );
    expect(moved).toMatchObject({ offeredTimes: ["13:00", "14:30"], offeredDate: "2026-03-06" });
    expect(readToolResult("lookupKnowledge", "Nothing in the knowledge base answers that.", TODAY).empty).toBe(true);
    expect(readToolResult("takeOrder", "Order placed for pickup: 1 × Tiramisu $8.00. Total $8.00. Read the total back.", TODAY).values.result_total).toBe(
      "$8.00",
    );
  });
});
