// Quiet hours (held until when, in the organization's time zone) and the notification SMS text.
import { describe, expect, it } from "vitest";
import { isQuietAllWeek, quietHoursEndAt } from "../../src/server/modules/notifications/quiet-hours.js";
import type { QuietHours } from "../../src/server/modules/notifications/schema.js";
import { MAX_SMS_LENGTH, renderNotificationSms } from "../../src/server/modules/notifications/sms-text.js";

const WEEKNIGHTS: QuietHours = { start: "21:00", end: "07:00", days: [0, 1, 2, 3, 4] }; // Sunday–Thursday nights
const iso = (value: string | null) => value && new Date(value).toISOString();

describe("quietHoursEndAt", () => {
  // 2026-03-02 is a Monday. America/New_York is UTC-5 until 2026-03-08 (DST starts), then UTC-4.
  const cases: { name: string; quiet: QuietHours | null; zone: string; at: string; end: string | null }[] = [
    { name: "no quiet hours", quiet: null, zone: "UTC", at: "2026-03-02T23:00:00Z", end: null },
    {
      name: "Monday 22:00 local is held until Tuesday 07:00",
      quiet: WEEKNIGHTS,
      zone: "America/New_York",
      at: "2026-03-03T03:00:00Z",
      end: "2026-03-03T12:00:00Z",
    },
    {
      name: "after midnight belongs to the night before",
      quiet: WEEKNIGHTS,
      zone: "America/New_York",
      at: "2026-03-03T08:30:00Z",
      end: "2026-03-03T12:00:00Z",
    },
    { name: "07:00 exactly is no longer quiet", quiet: WEEKNIGHTS, zone: "America/New_York", at: "2026-03-03T12:00:00Z", end: null },
    { name: "20:59 is not yet quiet", quiet: WEEKNIGHTS, zone: "America/New_York", at: "2026-03-03T01:59:00Z", end: null },
    { name: "Friday night is not listed", quiet: WEEKNIGHTS, zone: "America/New_York", at: "2026-03-07T03:00:00Z", end: null },
    {
      name: "Saturday 02:00 after a Friday start is quiet",
      quiet: { ...WEEKNIGHTS, days: [5] },
      zone: "America/New_York",
      at: "2026-03-07T07:00:00Z",
      end: "2026-03-07T12:00:00Z",
    },
    {
      name: "the night DST starts ends at 07:00 daylight time",
      quiet: { ...WEEKNIGHTS, days: [6] },
      zone: "America/New_York",
      at: "2026-03-08T06:00:00Z",
      end: "2026-03-08T11:00:00Z",
    },
    {
      name: "a daytime range on the same day",
      quiet: { start: "12:00", end: "13:30", days: [1] },
      zone: "Europe/Paris",
      at: "2026-03-02T11:15:00Z",
      end: "2026-03-02T12:30:00Z",
    },
    {
      name: "whole days back to back merge (weekend)",
      quiet: { start: "00:00", end: "24:00", days: [6, 0] },
      zone: "UTC",
      at: "2026-03-07T10:00:00Z",
      end: "2026-03-09T00:00:00Z",
    },
    {
      name: "start equal to end is 24 hours from the start",
      quiet: { start: "18:00", end: "18:00", days: [1] },
      zone: "UTC",
      at: "2026-03-03T09:00:00Z",
      end: "2026-03-03T18:00:00Z",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(iso(quietHoursEndAt(c.quiet, c.zone, new Date(c.at))?.toISOString() ?? null)).toBe(iso(c.end));
    });
  }

  it("never holds when quiet around the clock", () => {
    const always: QuietHours = { start: "00:00", end: "24:00", days: [0, 1, 2, 3, 4, 5, 6] };
    expect(isQuietAllWeek(always)).toBe(true);
    expect(quietHoursEndAt(always, "UTC", new Date("2026-03-02T10:00:00Z"))).toBeNull();
    expect(isQuietAllWeek({ start: "07:00", end: "07:00", days: [0, 1, 2, 3, 4, 5, 6] })).toBe(true);
    expect(isQuietAllWeek({ start: "21:00", end: "07:00", days: [0, 1, 2, 3, 4, 5, 6] })).toBe(false);
    expect(isQuietAllWeek({ start: "00:00", end: "24:00", days: [0, 1, 2, 3, 4, 5] })).toBe(false);
  });
});

describe("renderNotificationSms", () => {
  it("keeps the action whole and cuts a long description to 320 characters", () => {
    const url = "https://app.example.com/orgs/org_1/inbox?item=inb_2";
    const text = renderNotificationSms({ label: "New message", title: `Message from ${"A very long name ".repeat(40)}`, caller: "+14155550100", action: url });
    expect(text.length).toBeLessThanOrEqual(MAX_SMS_LENGTH);
    expect(text.endsWith(` ${url}`)).toBe(true);
    expect(text).toMatch(/^Switchboard: New message: Message from A very long name/);
    expect(text).toContain("…");
  });

  it("is one line with the caller and the action", () => {
    const text = renderNotificationSms({
      label: "Callback request",
      title: "Call back Sam:\ntomorrow",
      caller: "Sam, +14155550100",
      action: "Tap to call back: +14155550100",
    });
    expect(text).toBe("Switchboard: Callback request: Call back Sam: tomorrow (Sam, +14155550100). Tap to call back: +14155550100");
  });
});
