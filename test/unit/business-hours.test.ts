// Business hours: open/closed at instants, next openings, holidays, overnight ranges, DST gaps and
// overlaps in several zones, the weekly description and the zod schema. Pure; no database.
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import {
  businessHoursSchema,
  describeWeeklyHours,
  isOpenAt,
  localWallClockAt,
  nextOpeningAfter,
  type OpenStatus,
  openStatusAt,
} from "../../src/server/modules/assistants/business-hours.js";
import type { BusinessHours, WeeklyRange } from "../../src/server/modules/templates/types.js";

type Day = WeeklyRange["day"];
const SUN = 0;
const MON = 1;
const TUE = 2;
const WED = 3;
const THU = 4;
const FRI = 5;
const SAT = 6;
const WEEKDAYS: Day[] = [MON, TUE, WED, THU, FRI];
const EVERY_DAY: Day[] = [SUN, MON, TUE, WED, THU, FRI, SAT];

function ranges(days: Day[], open: string, close: string): WeeklyRange[] {
  return days.map((day) => ({ day, open, close }));
}

function hours(timezone: string, weekly: WeeklyRange[], holidays: BusinessHours["holidays"] = []): BusinessHours {
  return { timezone, weekly, holidays };
}

const NY = "America/New_York";
const BERLIN = "Europe/Berlin";
const nineToFiveNY = hours(NY, ranges(WEEKDAYS, "09:00", "17:00"));

/** What we compare: ISO strings instead of Dates, absent keys left out. */
function plain(status: OpenStatus) {
  return {
    open: status.open,
    ...(status.closesAt ? { closesAt: status.closesAt.toISOString() } : {}),
    ...(status.nextOpening !== undefined ? { nextOpening: status.nextOpening?.toISOString() ?? null } : {}),
    ...(status.holiday ? { holiday: status.holiday } : {}),
  };
}

type StatusCase = [name: string, hours: BusinessHours, at: string, expected: ReturnType<typeof plain>];

describe("openStatusAt: weekly ranges", () => {
  const cases: StatusCase[] = [
    // 2026-03-02 is a Monday; New York is UTC-5 until 2026-03-08.
    ["open mid-morning on a weekday", nineToFiveNY, "2026-03-02T15:00:00Z", { open: true, closesAt: "2026-03-02T22:00:00.000Z" }],
    ["closed a minute before opening", nineToFiveNY, "2026-03-02T13:59:00Z", { open: false, nextOpening: "2026-03-02T14:00:00.000Z" }],
    ["open at the exact opening instant", nineToFiveNY, "2026-03-02T14:00:00Z", { open: true, closesAt: "2026-03-02T22:00:00.000Z" }],
    ["closed at the exact closing instant", nineToFiveNY, "2026-03-02T22:00:00Z", { open: false, nextOpening: "2026-03-03T14:00:00.000Z" }],
    ["open a second before closing", nineToFiveNY, "2026-03-02T21:59:59Z", { open: true, closesAt: "2026-03-02T22:00:00.000Z" }],
    [
      "Friday evening waits for Monday",
      hours(NY, ranges(WEEKDAYS, "09:00", "17:00")),
      "2026-02-27T23:00:00Z",
      { open: false, nextOpening: "2026-03-02T14:00:00.000Z" },
    ],
    ["Saturday waits for Monday", nineToFiveNY, "2026-02-28T17:00:00Z", { open: false, nextOpening: "2026-03-02T14:00:00.000Z" }],
    [
      "a split day is closed over lunch",
      hours(NY, [...ranges([MON], "09:00", "12:00"), ...ranges([MON], "13:00", "17:00")]),
      "2026-03-02T17:30:00Z",
      { open: false, nextOpening: "2026-03-02T18:00:00.000Z" },
    ],
    [
      "adjacent ranges merge: closesAt is the end of the second",
      hours(NY, [...ranges([MON], "09:00", "12:00"), ...ranges([MON], "12:00", "17:00")]),
      "2026-03-02T15:00:00Z",
      { open: true, closesAt: "2026-03-02T22:00:00.000Z" },
    ],
    [
      "overlapping ranges merge",
      hours(NY, [...ranges([MON], "12:00", "17:00"), ...ranges([MON], "09:00", "13:00")]),
      "2026-03-02T15:00:00Z",
      { open: true, closesAt: "2026-03-02T22:00:00.000Z" },
    ],
    [
      "a range contained in another does not shorten it",
      hours(NY, [...ranges([MON], "09:00", "17:00"), ...ranges([MON], "10:00", "11:00")]),
      "2026-03-02T15:30:00Z",
      { open: true, closesAt: "2026-03-02T22:00:00.000Z" },
    ],
    ["UTC works as a zone", hours("UTC", ranges(WEEKDAYS, "09:00", "17:00")), "2026-03-02T09:00:00Z", { open: true, closesAt: "2026-03-02T17:00:00.000Z" }],
    // Asia/Kolkata: UTC+05:30, no DST.
    [
      "a half-hour zone without DST",
      hours("Asia/Kolkata", ranges(WEEKDAYS, "09:00", "17:00")),
      "2026-03-02T03:29:00Z",
      { open: false, nextOpening: "2026-03-02T03:30:00.000Z" },
    ],
    [
      "a half-hour zone closes on its own clock",
      hours("Asia/Kolkata", ranges(WEEKDAYS, "09:00", "17:00")),
      "2026-03-02T11:00:00Z",
      { open: true, closesAt: "2026-03-02T11:30:00.000Z" },
    ],
    // Asia/Tokyo is 14 hours ahead of New York: its Monday morning is Sunday evening in UTC.
    [
      "a zone ahead of UTC opens on its local Monday",
      hours("Asia/Tokyo", ranges([MON], "09:00", "17:00")),
      "2026-03-02T00:00:00Z",
      { open: true, closesAt: "2026-03-02T08:00:00.000Z" },
    ],
    [
      "a zone behind UTC",
      hours("Pacific/Honolulu", ranges([MON], "09:00", "17:00")),
      "2026-03-02T20:00:00Z",
      { open: true, closesAt: "2026-03-03T03:00:00.000Z" },
    ],
  ];
  it.each(cases)("%s", (_name, businessHours, at, expected) => {
    expect(plain(openStatusAt(businessHours, new Date(at)))).toEqual(expected);
  });
});

describe("openStatusAt: overnight and all-day ranges", () => {
  const bar = hours(NY, ranges([FRI], "22:00", "02:00"));
  const saturdayNight = hours(NY, ranges([SAT], "22:00", "03:00"));
  const cases: StatusCase[] = [
    // Friday 2026-02-27 22:00 EST = 2026-02-28T03:00Z.
    ["an overnight range is open after midnight", bar, "2026-02-28T06:00:00Z", { open: true, closesAt: "2026-02-28T07:00:00.000Z" }],
    ["an overnight range is open before midnight", bar, "2026-02-28T04:00:00Z", { open: true, closesAt: "2026-02-28T07:00:00.000Z" }],
    ["an overnight range closes at its close", bar, "2026-02-28T07:00:00Z", { open: false, nextOpening: "2026-03-07T03:00:00.000Z" }],
    ["before an overnight range opens", bar, "2026-02-28T02:00:00Z", { open: false, nextOpening: "2026-02-28T03:00:00.000Z" }],
    // Saturday → Sunday crosses the end of the week (day 6 → day 0).
    ["Saturday night runs into Sunday across the week boundary", saturdayNight, "2026-03-01T07:00:00Z", { open: true, closesAt: "2026-03-01T08:00:00.000Z" }],
    ["Sunday after the Saturday range closed", saturdayNight, "2026-03-01T08:30:00Z", { open: false, nextOpening: "2026-03-08T03:00:00.000Z" }],
    [
      "close equal to open lasts a whole day",
      hours(NY, ranges([MON], "09:00", "09:00")),
      "2026-03-03T13:59:00Z",
      { open: true, closesAt: "2026-03-03T14:00:00.000Z" },
    ],
    ["00:00–24:00 is the whole day", hours(NY, ranges([MON], "00:00", "24:00")), "2026-03-02T05:00:00Z", { open: true, closesAt: "2026-03-03T05:00:00.000Z" }],
    [
      "00:00–00:00 is the whole day too",
      hours(NY, ranges([MON], "00:00", "00:00")),
      "2026-03-03T04:59:00Z",
      { open: true, closesAt: "2026-03-03T05:00:00.000Z" },
    ],
    [
      "consecutive all-day ranges merge into one opening",
      hours(NY, ranges([SAT, SUN], "00:00", "24:00")),
      "2026-02-28T12:00:00Z",
      { open: true, closesAt: "2026-03-02T05:00:00.000Z" },
    ],
    [
      "an all-day range merges with an overnight range running into it",
      hours(NY, [...ranges([FRI], "18:00", "00:00"), ...ranges([SAT], "00:00", "24:00")]),
      "2026-02-27T23:30:00Z",
      { open: true, closesAt: "2026-03-01T05:00:00.000Z" },
    ],
    ["around the clock has no closing time", hours(NY, ranges(EVERY_DAY, "00:00", "24:00")), "2026-03-02T15:00:00Z", { open: true }],
    [
      "around the clock closes for a holiday",
      hours(NY, ranges(EVERY_DAY, "00:00", "24:00"), [{ date: "2026-12-25", name: "Christmas Day" }]),
      "2026-03-02T15:00:00Z",
      { open: true, closesAt: "2026-12-25T05:00:00.000Z" },
    ],
    ["closed all week never opens", hours(NY, []), "2026-03-02T15:00:00Z", { open: false, nextOpening: null }],
  ];
  it.each(cases)("%s", (_name, businessHours, at, expected) => {
    expect(plain(openStatusAt(businessHours, new Date(at)))).toEqual(expected);
  });
});

describe("openStatusAt: holidays", () => {
  const christmas = [{ date: "2026-12-25", name: "Christmas Day" }];
  const cases: StatusCase[] = [
    // 2026-12-25 is a Friday.
    [
      "closed all day on a holiday, named",
      hours(NY, ranges(WEEKDAYS, "09:00", "17:00"), christmas),
      "2026-12-25T16:00:00Z",
      { open: false, nextOpening: "2026-12-28T14:00:00.000Z", holiday: "Christmas Day" },
    ],
    [
      "a holiday without a name is reported by its date",
      hours(NY, ranges(WEEKDAYS, "09:00", "17:00"), [{ date: "2026-12-25" }]),
      "2026-12-25T16:00:00Z",
      { open: false, nextOpening: "2026-12-28T14:00:00.000Z", holiday: "2026-12-25" },
    ],
    [
      "the day before a holiday is a normal day",
      hours(NY, ranges(WEEKDAYS, "09:00", "17:00"), christmas),
      "2026-12-24T16:00:00Z",
      { open: true, closesAt: "2026-12-24T22:00:00.000Z" },
    ],
    [
      "the holiday is the business's local date, not UTC's",
      hours(NY, ranges(WEEKDAYS, "09:00", "23:59"), christmas),
      "2026-12-25T04:30:00Z", // Thursday 23:30 in New York
      { open: true, closesAt: "2026-12-25T04:59:00.000Z" },
    ],
    [
      "an overnight range from the evening before runs to its close on the holiday",
      hours(NY, ranges([THU], "22:00", "02:00"), christmas),
      "2026-12-25T06:00:00Z", // Friday 01:00
      { open: true, closesAt: "2026-12-25T07:00:00.000Z" },
    ],
    [
      "an overnight range opening on the holiday is cancelled, after midnight too",
      hours(NY, ranges([FRI], "22:00", "02:00"), christmas),
      "2026-12-26T06:00:00Z", // Saturday 01:00, the after-midnight part of Friday's range
      { open: false, nextOpening: "2027-01-02T03:00:00.000Z" },
    ],
    [
      "closed on a holiday reports it even outside normal hours",
      hours(NY, ranges(WEEKDAYS, "09:00", "17:00"), christmas),
      "2026-12-25T08:00:00Z",
      { open: false, nextOpening: "2026-12-28T14:00:00.000Z", holiday: "Christmas Day" },
    ],
    [
      "a holiday on a closed day changes nothing but the label",
      hours(NY, ranges(WEEKDAYS, "09:00", "17:00"), [{ date: "2026-12-26", name: "Boxing Day" }]),
      "2026-12-26T16:00:00Z",
      { open: false, nextOpening: "2026-12-28T14:00:00.000Z", holiday: "Boxing Day" },
    ],
  ];
  it.each(cases)("%s", (_name, businessHours, at, expected) => {
    expect(plain(openStatusAt(businessHours, new Date(at)))).toEqual(expected);
  });

  function consecutiveHolidays(firstDate: string, count: number) {
    const first = Date.parse(`${firstDate}T00:00:00Z`);
    return Array.from({ length: count }, (_, index) => ({ date: new Date(first + index * 86_400_000).toISOString().slice(0, 10) }));
  }

  it("finds the opening after a holiday stretch longer than two weeks", () => {
    // 60 days closed from Monday 2026-03-02: reopens Friday 2026-05-01 (EDT by then).
    const closedForRenovation = hours(NY, ranges(WEEKDAYS, "09:00", "17:00"), consecutiveHolidays("2026-03-02", 60));
    expect(plain(openStatusAt(closedForRenovation, new Date("2026-03-02T15:00:00Z")))).toEqual({
      open: false,
      nextOpening: "2026-05-01T13:00:00.000Z",
      holiday: "2026-03-02",
    });
  });

  it("finds the opening after a full year of holidays", () => {
    const aYearOff = hours(NY, ranges(WEEKDAYS, "09:00", "17:00"), consecutiveHolidays("2026-03-02", 366));
    // 366 days after Monday 2026-03-02 is Wednesday 2027-03-03.
    expect(openStatusAt(aYearOff, new Date("2026-03-02T15:00:00Z")).nextOpening?.toISOString()).toBe("2027-03-03T14:00:00.000Z");
  });

  it("is still fast when every searched day is a holiday", () => {
    const aYearOff = hours(NY, ranges(WEEKDAYS, "09:00", "17:00"), consecutiveHolidays("2026-03-02", 366));
    const started = performance.now();
    for (let run = 0; run < 20; run++) openStatusAt(aYearOff, new Date("2026-03-02T15:00:00Z"));
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("openStatusAt: DST transitions", () => {
  const cases: StatusCase[] = [
    // New York springs forward on Sunday 2026-03-08: 02:00 EST (07:00Z) becomes 03:00 EDT.
    [
      "NY spring forward: a range across the gap lasts one real hour",
      hours(NY, ranges([SUN], "01:00", "03:00")),
      "2026-03-08T06:30:00Z",
      { open: true, closesAt: "2026-03-08T07:00:00.000Z" },
    ],
    [
      "NY spring forward: a range entirely in the gap does not open that day",
      hours(NY, ranges([SUN], "02:00", "03:00")),
      "2026-03-08T05:00:00Z",
      { open: false, nextOpening: "2026-03-15T06:00:00.000Z" },
    ],
    [
      "NY spring forward: an opening inside the gap opens when the gap ends",
      hours(NY, ranges([SUN], "02:30", "04:00")),
      "2026-03-08T06:59:00Z",
      { open: false, nextOpening: "2026-03-08T07:00:00.000Z" },
    ],
    [
      "NY spring forward: a closing inside the gap closes when the gap ends",
      hours(NY, ranges([SAT], "22:00", "02:30")),
      "2026-03-08T06:00:00Z",
      { open: true, closesAt: "2026-03-08T07:00:00.000Z" },
    ],
    [
      "NY spring forward: the next day keeps its wall-clock hours",
      hours(NY, ranges(WEEKDAYS, "09:00", "17:00")),
      "2026-03-06T23:00:00Z",
      { open: false, nextOpening: "2026-03-09T13:00:00.000Z" },
    ],
    [
      "NY spring forward: an all-day Sunday is 23 hours long",
      hours(NY, ranges([SUN], "00:00", "24:00")),
      "2026-03-08T12:00:00Z",
      { open: true, closesAt: "2026-03-09T04:00:00.000Z" },
    ],
    // New York falls back on Sunday 2026-11-01: 02:00 EDT (06:00Z) becomes 01:00 EST; 01:00–02:00 happens twice.
    [
      "NY fall back: a range over the repeated hour is open during its first pass",
      hours(NY, ranges([SUN], "01:00", "02:00")),
      "2026-11-01T05:30:00Z",
      { open: true, closesAt: "2026-11-01T07:00:00.000Z" },
    ],
    [
      "NY fall back: and during its second pass",
      hours(NY, ranges([SUN], "01:00", "02:00")),
      "2026-11-01T06:30:00Z",
      { open: true, closesAt: "2026-11-01T07:00:00.000Z" },
    ],
    [
      "NY fall back: a closing in the repeated hour uses its second occurrence",
      hours(NY, ranges([SUN], "00:00", "01:30")),
      "2026-11-01T06:15:00Z",
      { open: true, closesAt: "2026-11-01T06:30:00.000Z" },
    ],
    [
      "NY fall back: an opening in the repeated hour uses its first occurrence",
      hours(NY, ranges([SUN], "01:30", "03:00")),
      "2026-11-01T05:00:00Z",
      { open: false, nextOpening: "2026-11-01T05:30:00.000Z" },
    ],
    [
      "NY fall back: Saturday night over the change lasts five real hours",
      hours(NY, ranges([SAT], "22:00", "02:00")),
      "2026-11-01T02:00:00Z",
      { open: true, closesAt: "2026-11-01T07:00:00.000Z" },
    ],
    [
      "NY fall back: an all-day Sunday is 25 hours long",
      hours(NY, ranges([SUN], "00:00", "24:00")),
      "2026-11-01T12:00:00Z",
      { open: true, closesAt: "2026-11-02T05:00:00.000Z" },
    ],
    // Berlin springs forward on Sunday 2026-03-29 (02:00 CET = 01:00Z → 03:00 CEST) and falls back on
    // Sunday 2026-10-25 (03:00 CEST = 01:00Z → 02:00 CET).
    [
      "Berlin spring forward: a range entirely in the gap does not open",
      hours(BERLIN, ranges([SUN], "02:00", "03:00")),
      "2026-03-29T00:30:00Z",
      { open: false, nextOpening: "2026-04-05T00:00:00.000Z" },
    ],
    [
      "Berlin spring forward: Saturday night over the change loses an hour",
      hours(BERLIN, ranges([SAT], "22:00", "04:00")),
      "2026-03-28T21:00:00Z",
      { open: true, closesAt: "2026-03-29T02:00:00.000Z" },
    ],
    [
      "Berlin fall back: the repeated 02:00–03:00 is open twice",
      hours(BERLIN, ranges([SUN], "02:00", "03:00")),
      "2026-10-25T01:30:00Z",
      { open: true, closesAt: "2026-10-25T02:00:00.000Z" },
    ],
    [
      "Berlin fall back: opening at the first 02:00",
      hours(BERLIN, ranges([SUN], "02:00", "03:00")),
      "2026-10-24T23:00:00Z",
      { open: false, nextOpening: "2026-10-25T00:00:00.000Z" },
    ],
    [
      "Berlin after the change: 09:00 is 08:00Z again",
      hours(BERLIN, ranges(WEEKDAYS, "09:00", "17:00")),
      "2026-10-24T12:00:00Z",
      { open: false, nextOpening: "2026-10-26T08:00:00.000Z" },
    ],
    // Lord Howe Island moves by half an hour: on Sunday 2026-04-05 02:00 (+11) becomes 01:30 (+10:30);
    // on Sunday 2026-10-04 02:00 (+10:30) becomes 02:30 (+11).
    [
      "Lord Howe half-hour fall back: 01:30–02:00 happens twice",
      hours("Australia/Lord_Howe", ranges([SUN], "01:30", "02:00")),
      "2026-04-04T15:00:00Z",
      { open: true, closesAt: "2026-04-04T15:30:00.000Z" },
    ],
    [
      "Lord Howe half-hour spring forward: 02:00–02:30 does not exist",
      hours("Australia/Lord_Howe", ranges([SUN], "02:00", "02:30")),
      "2026-10-03T15:00:00Z",
      { open: false, nextOpening: "2026-10-10T15:00:00.000Z" },
    ],
  ];
  it.each(cases)("%s", (_name, businessHours, at, expected) => {
    expect(plain(openStatusAt(businessHours, new Date(at)))).toEqual(expected);
  });

  it("walks every minute across both New York changes without throwing, and agrees with isOpenAt", () => {
    const overnight = hours(NY, [...ranges(EVERY_DAY, "01:00", "02:30"), ...ranges([SAT], "23:00", "01:15")]);
    for (const start of ["2026-03-08T04:00:00Z", "2026-11-01T03:00:00Z"]) {
      for (let minute = 0; minute < 6 * 60; minute++) {
        const at = new Date(Date.parse(start) + minute * 60_000);
        const status = openStatusAt(overnight, at);
        expect(isOpenAt(overnight, at)).toBe(status.open);
        if (status.open) expect(status.closesAt!.getTime()).toBeGreaterThan(at.getTime());
        else expect(status.nextOpening!.getTime()).toBeGreaterThan(at.getTime());
      }
    }
  });
});

describe("nextOpeningAfter", () => {
  const cases: [name: string, hours: BusinessHours, at: string, expected: string | null][] = [
    ["when closed: the coming opening", nineToFiveNY, "2026-03-02T12:00:00Z", "2026-03-02T14:00:00.000Z"],
    ["when open: the reopening after this opening ends", nineToFiveNY, "2026-03-02T15:00:00Z", "2026-03-03T14:00:00.000Z"],
    ["at the opening instant: the next one", nineToFiveNY, "2026-03-02T14:00:00Z", "2026-03-03T14:00:00.000Z"],
    [
      "skips merged ranges",
      hours(NY, [...ranges([MON], "09:00", "12:00"), ...ranges([MON], "12:00", "17:00")]),
      "2026-03-02T15:00:00Z",
      "2026-03-09T13:00:00.000Z",
    ],
    ["closed all week: null", hours(NY, []), "2026-03-02T15:00:00Z", null],
    ["around the clock: null (it never closes to reopen)", hours(NY, ranges(EVERY_DAY, "00:00", "24:00")), "2026-03-02T15:00:00Z", null],
  ];
  it.each(cases)("%s", (_name, businessHours, at, expected) => {
    expect(nextOpeningAfter(businessHours, new Date(at))?.toISOString() ?? null).toBe(expected);
  });

  it("agrees with openStatusAt whenever closed", () => {
    for (let hour = 0; hour < 24 * 7; hour += 5) {
      const at = new Date(Date.parse("2026-03-01T00:00:00Z") + hour * 3_600_000);
      const status = openStatusAt(nineToFiveNY, at);
      if (!status.open) expect(nextOpeningAfter(nineToFiveNY, at)).toEqual(status.nextOpening);
    }
  });
});

describe("odd input never throws", () => {
  const cases: [name: string, hours: unknown, at: Date, expectedOpen: boolean][] = [
    [
      "an unknown time zone falls back to UTC",
      { timezone: "Mars/Olympus_Mons", weekly: ranges([MON], "09:00", "17:00"), holidays: [] },
      new Date("2026-03-02T10:00:00Z"),
      true,
    ],
    [
      "malformed ranges are ignored",
      { timezone: NY, weekly: [{ day: 9, open: "09:00", close: "17:00" }, { day: 1, open: "9am", close: "5pm" }, null], holidays: [] },
      new Date("2026-03-02T15:00:00Z"),
      false,
    ],
    [
      "an opening at 24:00 is ignored",
      { timezone: NY, weekly: [{ day: 1, open: "24:00", close: "02:00" }], holidays: [] },
      new Date("2026-03-03T06:00:00Z"),
      false,
    ],
    ["missing lists", { timezone: NY }, new Date("2026-03-02T15:00:00Z"), false],
    [
      "malformed holidays are ignored",
      { timezone: NY, weekly: ranges([MON], "09:00", "17:00"), holidays: [{ date: "2026-02-30" }, { date: 5 }, null] },
      new Date("2026-03-02T15:00:00Z"),
      true,
    ],
    ["an invalid date", nineToFiveNY, new Date(Number.NaN), false],
    ["the far future", nineToFiveNY, new Date(8.64e15), false],
  ];
  it.each(cases)("%s", (_name, businessHours, at, expectedOpen) => {
    expect(openStatusAt(businessHours as BusinessHours, at).open).toBe(expectedOpen);
    expect(() => nextOpeningAfter(businessHours as BusinessHours, at)).not.toThrow();
    expect(() => describeWeeklyHours(businessHours as BusinessHours)).not.toThrow();
  });

  it("answers around the clock quickly (no per-minute or per-day walk)", () => {
    const allDay = hours(NY, ranges(EVERY_DAY, "00:00", "24:00"));
    const started = performance.now();
    for (let run = 0; run < 50; run++) openStatusAt(allDay, new Date("2026-03-02T15:00:00Z"));
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("localWallClockAt", () => {
  it.each([
    [NY, "2026-03-02T15:04:00Z", { date: "2026-03-02", time: "10:04", weekday: MON }],
    [NY, "2026-03-02T03:00:00Z", { date: "2026-03-01", time: "22:00", weekday: SUN }],
    ["Asia/Kolkata", "2026-03-01T20:00:00Z", { date: "2026-03-02", time: "01:30", weekday: MON }],
  ])("%s at %s", (timeZone, at, expected) => {
    expect(localWallClockAt(timeZone, new Date(at))).toEqual(expected);
  });

  it("is null for an unknown zone or an invalid date", () => {
    expect(localWallClockAt("Nowhere/Special", new Date())).toBeNull();
    expect(localWallClockAt(NY, new Date(Number.NaN))).toBeNull();
  });
});

describe("describeWeeklyHours", () => {
  const cases: [name: string, weekly: WeeklyRange[], expected: string][] = [
    [
      "groups consecutive identical days, Monday first",
      [...ranges(WEEKDAYS, "09:00", "17:00"), ...ranges([SAT], "10:00", "14:00")],
      "Monday–Friday 09:00–17:00; Saturday 10:00–14:00; Sunday closed",
    ],
    ["every day the same", ranges(EVERY_DAY, "09:00", "17:00"), "Every day 09:00–17:00"],
    ["closed all week", [], "Closed all week"],
    ["around the clock", ranges(EVERY_DAY, "00:00", "24:00"), "Open 24 hours, every day"],
    [
      "split days list both ranges",
      ranges([MON], "13:00", "17:00").concat(ranges([MON], "09:00", "12:00")),
      "Monday 09:00–12:00, 13:00–17:00; Tuesday–Sunday closed",
    ],
    [
      "touching ranges read as one",
      ranges([FRI], "11:00", "22:00").concat(ranges([FRI], "22:00", "02:00")),
      "Monday–Thursday closed; Friday 11:00–02:00; Saturday–Sunday closed",
    ],
    ["overnight ranges keep their times", ranges([FRI, SAT], "22:00", "02:00"), "Monday–Thursday closed; Friday–Saturday 22:00–02:00; Sunday closed"],
    [
      "identical days that are not consecutive are not grouped",
      [...ranges([MON, WED], "09:00", "17:00"), ...ranges([TUE], "10:00", "12:00")],
      "Monday 09:00–17:00; Tuesday 10:00–12:00; Wednesday 09:00–17:00; Thursday–Sunday closed",
    ],
    ["an all-day Sunday", ranges([SUN], "00:00", "24:00"), "Monday–Saturday closed; Sunday open 24 hours"],
    ["duplicates are listed once", ranges([MON, MON], "09:00", "17:00"), "Monday 09:00–17:00; Tuesday–Sunday closed"],
  ];
  it.each(cases)("%s", (_name, weekly, expected) => {
    expect(describeWeeklyHours(hours(NY, weekly))).toBe(expected);
  });
});

describe("businessHoursSchema", () => {
  const valid = { timezone: NY, weekly: ranges(WEEKDAYS, "09:00", "17:00"), holidays: [{ date: "2026-12-25", name: "Christmas Day" }] };

  it("accepts valid hours and defaults holidays to none", () => {
    expect(businessHoursSchema.parse(valid)).toEqual(valid);
    expect(businessHoursSchema.parse({ timezone: "UTC", weekly: [] })).toEqual({ timezone: "UTC", weekly: [], holidays: [] });
    expect(businessHoursSchema.safeParse({ ...valid, weekly: [{ day: 0, open: "00:00", close: "24:00" }] }).success).toBe(true);
    expect(businessHoursSchema.safeParse({ ...valid, holidays: [{ date: "2028-02-29" }] }).success).toBe(true);
  });

  const invalid: [name: string, input: unknown, path: string][] = [
    ["an unknown time zone", { ...valid, timezone: "Europe/Atlantis" }, "timezone"],
    ["an empty time zone", { ...valid, timezone: "" }, "timezone"],
    ["day 7", { ...valid, weekly: [{ day: 7, open: "09:00", close: "17:00" }] }, "weekly.0.day"],
    ["day -1", { ...valid, weekly: [{ day: -1, open: "09:00", close: "17:00" }] }, "weekly.0.day"],
    ["a fractional day", { ...valid, weekly: [{ day: 1.5, open: "09:00", close: "17:00" }] }, "weekly.0.day"],
    ["a day as a string", { ...valid, weekly: [{ day: "1", open: "09:00", close: "17:00" }] }, "weekly.0.day"],
    ["a time without a leading zero", { ...valid, weekly: [{ day: 1, open: "9:00", close: "17:00" }] }, "weekly.0.open"],
    ["24:01", { ...valid, weekly: [{ day: 1, open: "09:00", close: "24:01" }] }, "weekly.0.close"],
    ["25:00", { ...valid, weekly: [{ day: 1, open: "09:00", close: "25:00" }] }, "weekly.0.close"],
    ["minute 60", { ...valid, weekly: [{ day: 1, open: "09:60", close: "17:00" }] }, "weekly.0.open"],
    ["seconds", { ...valid, weekly: [{ day: 1, open: "09:00:00", close: "17:00" }] }, "weekly.0.open"],
    ["an opening at 24:00", { ...valid, weekly: [{ day: 1, open: "24:00", close: "02:00" }] }, "weekly.0.open"],
    ["an unknown field in a range", { ...valid, weekly: [{ day: 1, open: "09:00", close: "17:00", note: "x" }] }, "weekly.0"],
    ["51 ranges", { ...valid, weekly: Array.from({ length: 51 }, () => ({ day: 1, open: "09:00", close: "17:00" })) }, "weekly"],
    ["a date that does not exist", { ...valid, holidays: [{ date: "2026-02-29" }] }, "holidays.0.date"],
    ["a date without zero padding", { ...valid, holidays: [{ date: "2026-1-5" }] }, "holidays.0.date"],
    ["a date-time instead of a date", { ...valid, holidays: [{ date: "2026-12-25T00:00:00Z" }] }, "holidays.0.date"],
    ["a holiday listed twice", { ...valid, holidays: [{ date: "2026-12-25" }, { date: "2026-12-25" }] }, "holidays.1.date"],
    ["a holiday name with NUL", { ...valid, holidays: [{ date: "2026-12-25", name: "X\u0000" }] }, "holidays.0.name"],
    [
      "367 holidays",
      { ...valid, holidays: Array.from({ length: 367 }, (_, index) => ({ date: new Date(Date.UTC(2026, 0, 1 + index)).toISOString().slice(0, 10) })) },
      "holidays",
    ],
    ["an unknown top-level field", { ...valid, closedOnSundays: true }, ""],
  ];
  it.each(invalid)("rejects %s", (_name, input, path) => {
    const result = businessHoursSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join("."))).toContain(path);
  });

  it("documents all seven days in OpenAPI", () => {
    const app = new OpenAPIHono();
    const route = createRoute({
      method: "post",
      path: "/hours",
      request: { body: { content: { "application/json": { schema: businessHoursSchema } } } },
      responses: { 204: { description: "Done" } },
    });
    app.openapi(route, (c) => c.body(null, 204));
    const document = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "test", version: "1" } });
    const weeklyRange = document.components?.schemas?.WeeklyRange as { properties: { day: unknown } };
    expect(weeklyRange.properties.day).toMatchObject({ type: "integer", enum: [0, 1, 2, 3, 4, 5, 6] });
  });
});
