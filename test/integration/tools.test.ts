// In-call tools, called as the webhook calls them: each tool's happy path (call action, inbox item,
// notification email), arguments the model got wrong (never a throw), idempotent retries,
// bookings that cannot double book under concurrency, order totals in cents, knowledge lookups
// and the transfer rules with their escalation.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { decideTransfer } from "../../src/server/modules/inbox/tool-runner.js";
import { createFromTemplate, fetchTemplate, sampleValues } from "../helpers/assistants.js";
import { insertCall, runTool, toolCallId } from "../helpers/calls.js";
import { createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { addReady } from "../helpers/knowledge.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;
let owner: TestOrgOwner;

const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6] as const;
const NINE_TO_FIVE_UTC = { timezone: "UTC", weekly: ALL_DAYS.map((day) => ({ day, open: "09:00", close: "17:00" })), holidays: [] };
const ALWAYS_OPEN = { timezone: "UTC", weekly: ALL_DAYS.map((day) => ({ day, open: "00:00", close: "24:00" })), holidays: [] };
const NEVER_OPEN = { timezone: "UTC", weekly: [], holidays: [] };

/** A date a few days ahead, "YYYY-MM-DD" (UTC). */
function daysAhead(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const recipient = (label: string) => `${label}-${randomBytes(3).toString("hex")}@example.com`;

async function assistantFrom(slug: string, extra: Record<string, unknown>, variables: Record<string, unknown> = {}) {
  const template = await fetchTemplate(t, slug);
  return createFromTemplate(t, owner, slug, { variables: { ...sampleValues(template.variables), ...variables }, ...extra });
}

async function actionsOf(callId: string) {
  const { rows } = await t.ownerQuery<{ tool: string; outcome: string; result: string; inbox_item_id: string | null; provider_tool_call_id: string }>(
    "SELECT tool, outcome, result, inbox_item_id, provider_tool_call_id FROM call_actions WHERE call_id = $1 ORDER BY created_at",
    [callId],
  );
  return rows;
}

async function itemsOf(callId: string) {
  const { rows } = await t.ownerQuery<{
    id: string;
    kind: string;
    status: string;
    title: string;
    details: any;
    caller_number: string | null;
    contact_id: string | null;
  }>("SELECT id, kind, status, title, details, caller_number, contact_id FROM inbox_items WHERE call_id = $1 ORDER BY created_at", [callId]);
  return rows;
}

const DENTAL_SERVICES = [
  { name: "Cleaning", priceCents: 12000, durationMinutes: 60 },
  { name: "Emergency exam", priceCents: 9000, durationMinutes: 30 },
];

const PIZZA_MENU = [
  {
    name: "Margherita pizza",
    priceCents: 1250,
    options: [
      {
        name: "Size",
        required: true,
        choices: [
          { name: "Small", priceDeltaCents: 0 },
          { name: "Large", priceDeltaCents: 450 },
        ],
      },
      {
        name: "Toppings",
        multiple: true,
        choices: [
          { name: "Extra cheese", priceDeltaCents: 175 },
          { name: "Olives", priceDeltaCents: 125 },
        ],
      },
    ],
  },
  { name: "Garlic bread", priceCents: 599 },
  { name: "Tiramisu", priceCents: 795 },
];

let dentalEmail: string;
let dental: { id: string };
let restaurantEmail: string;
let restaurant: { id: string };

beforeAll(async () => {
  t = await startTestPlatform();
  owner = await createOrgWithOwner(t);
  await t.ownerQuery("UPDATE organizations SET plan_id = 'enterprise' WHERE id = $1", [owner.organizationId]);
  dentalEmail = recipient("dental");
  dental = await assistantFrom(
    "dental-clinic",
    { businessHours: NINE_TO_FIVE_UTC, notificationRecipients: [{ email: dentalEmail, name: "Front desk" }] },
    { services: DENTAL_SERVICES },
  );
  restaurantEmail = recipient("kitchen");
  restaurant = await assistantFrom("restaurant", { businessHours: ALWAYS_OPEN, notificationRecipients: [{ email: restaurantEmail }] }, { menu: PIZZA_MENU });
});
afterAll(() => t?.stop());

describe("takeMessage", () => {
  it("records a message: one call action, one inbox item with a contact, an email to the recipients", async () => {
    const call = await insertCall(t, owner.organizationId, dental.id);
    const res = await runTool(t, call, "takeMessage", {
      callerName: "Ana Lima",
      callbackNumber: "+1 415 555 0123",
      message: "Please call about my crown, it feels loose.",
      urgency: "normal",
    });
    expect(res.error).toBeUndefined();
    expect(res.result).toMatch(/Message recorded/);
    expect(res.result).not.toMatch(/\n/);
    const [action] = await actionsOf(call.callId);
    expect(action).toMatchObject({ tool: "takeMessage", outcome: "succeeded" });
    const items = await itemsOf(call.callId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: "message", status: "new", caller_number: "+14155550123" });
    expect(items[0]!.details).toMatchObject({ message: "Please call about my crown, it feels loose.", urgency: "normal" });
    expect(items[0]!.contact_id).toMatch(/^con_/);
    expect(action!.inbox_item_id).toBe(items[0]!.id);
    const mail = await t.mail.waitFor(dentalEmail, (m) => m.subject.includes("Ana Lima"));
    expect(mail.subject).toMatch(/^New message/);
    expect(mail.text).toContain("crown");
  });

  it("accepts arguments as a JSON string", async () => {
    const call = await insertCall(t, owner.organizationId, dental.id);
    const res = await runTool(t, call, "takeMessage", JSON.stringify({ callerName: "Bo", callbackNumber: "+14155550124", message: "Hi", urgency: "low" }));
    expect(res.result).toMatch(/Message recorded/);
  });

  it("a retry of the same tool-call id, even concurrent, answers the stored result and does the work once", async () => {
    const call = await insertCall(t, owner.organizationId, dental.id);
    const id = toolCallId();
    const args = { callerName: "Cy", callbackNumber: "+14155550125", message: "Twice?", urgency: "normal" };
    const [a, b] = await Promise.all([runTool(t, call, "takeMessage", args, id), runTool(t, call, "takeMessage", args, id)]);
    const c = await runTool(t, call, "takeMessage", args, id);
    expect(a.result).toBeDefined();
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(await actionsOf(call.callId)).toHaveLength(1);
    expect(await itemsOf(call.callId)).toHaveLength(1);
  });

  it.each([
    ["a malformed JSON string", '{"callerName": "Ana", "callbackNumber": '],
    ["a JSON array", "[1, 2]"],
    ["a number where text belongs", { callerName: 42, callbackNumber: "+14155550123", message: "x", urgency: "normal" }],
    ["an invalid phone number", { callerName: "Ana", callbackNumber: "call me maybe", message: "x", urgency: "normal" }],
    ["a missing message", { callerName: "Ana", callbackNumber: "+14155550123", urgency: "normal" }],
  ])("answers an error the model can recover from for %s, and creates nothing", async (_label, args) => {
    const call = await insertCall(t, owner.organizationId, dental.id);
    const res = await runTool(t, call, "takeMessage", args);
    expect(res.result).toBeUndefined();
    expect(res.error).toMatch(/couldn't/i);
    expect(res.error).not.toMatch(/\n/);
    expect(await itemsOf(call.callId)).toHaveLength(0);
    expect((await actionsOf(call.callId))[0]).toMatchObject({ outcome: "rejected" });
  });

  it("answers an error for an unknown tool and for a tool the assistant does not offer", async () => {
    const call = await insertCall(t, owner.organizationId, dental.id);
    expect((await runTool(t, call, "launchRockets", {})).error).toMatch(/no tool/);
    const order = await runTool(t, call, "takeOrder", {
      items: [{ name: "Cleaning", quantity: 1 }],
      fulfillment: "pickup",
      callerName: "A",
      callbackNumber: "+14155550123",
    });
    expect(order.error).toMatch(/does not offer/);
  });
});

describe("scheduleCallback", () => {
  it("creates a callback item with the preferred time as its due date when it is a date-time", async () => {
    const office = await assistantFrom("general-office", { notificationRecipients: [{ email: dentalEmail }] });
    const call = await insertCall(t, owner.organizationId, office.id);
    const when = `${daysAhead(2)}T15:00:00Z`;
    const res = await runTool(t, call, "scheduleCallback", {
      callerName: "Dee",
      callbackNumber: "+14155550126",
      preferredTime: when,
      reason: "Insurance question",
    });
    expect(res.result).toMatch(/Callback request recorded/);
    const [item] = await itemsOf(call.callId);
    expect(item).toMatchObject({ kind: "callback", details: { preferredTime: when, reason: "Insurance question" } });
    const { rows } = await t.ownerQuery<{ due_at: Date }>("SELECT due_at FROM inbox_items WHERE id = $1", [item!.id]);
    expect(rows[0]!.due_at.toISOString()).toBe(new Date(when).toISOString());
    await t.mail.waitFor(dentalEmail, (m) => m.subject.startsWith("Callback request") && m.subject.includes("Dee"));
  });
});

describe("appointments", () => {
  it("checkAvailability answers free times inside business hours for the service's length", async () => {
    const call = await insertCall(t, owner.organizationId, dental.id);
    const res = await runTool(t, call, "checkAvailability", { service: "cleaning", date: daysAhead(3) });
    expect(res.result).toMatch(/Free times for Cleaning \(60 min\)/);
    expect(res.result).toContain("09:00");
    expect(res.result).not.toMatch(/16:15|16:30|16:45|17:00/); // a 60-minute slot must end by 17:00
    expect(await itemsOf(call.callId)).toHaveLength(0);
  });

  it("checkAvailability refuses an impossible date, a past date and an unknown service with a recoverable error", async () => {
    const call = await insertCall(t, owner.organizationId, dental.id);
    expect((await runTool(t, call, "checkAvailability", { service: "Cleaning", date: "2026-02-30" })).error).toMatch(/real date/);
    expect((await runTool(t, call, "checkAvailability", { service: "Cleaning", date: "2020-01-01" })).error).toMatch(/past/);
    expect((await runTool(t, call, "checkAvailability", { service: "Tattoo", date: daysAhead(3) })).error).toMatch(/Cleaning \(60 min\)/);
  });

  it("books a slot: appointment, inbox item, email; the slot is then no longer offered", async () => {
    const call = await insertCall(t, owner.organizationId, dental.id);
    const date = daysAhead(4);
    const res = await runTool(t, call, "bookAppointment", {
      callerName: "Eve",
      callbackNumber: "+14155550127",
      service: "Cleaning",
      startsAt: `${date}T10:00:00Z`,
    });
    expect(res.result).toMatch(/^Booked: Cleaning \(60 min\)/);
    const [item] = await itemsOf(call.callId);
    expect(item).toMatchObject({ kind: "appointment" });
    const { rows } = await t.ownerQuery<{ status: string; ends_at: Date; inbox_item_id: string }>(
      "SELECT status, ends_at, inbox_item_id FROM appointments WHERE organization_id = $1 AND caller_name = 'Eve'",
      [owner.organizationId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "booked", inbox_item_id: item!.id });
    expect(rows[0]!.ends_at.toISOString()).toBe(`${date}T11:00:00.000Z`);
    await t.mail.waitFor(dentalEmail, (m) => m.subject.startsWith("Appointment") && m.subject.includes("Eve"));
    const check = await runTool(t, call, "checkAvailability", { service: "Emergency exam", date, time: "10:00" });
    expect(check.result).not.toMatch(/\b10:00\b|\b10:30\b/);
  });

  it("refuses a time outside business hours with alternatives, and an unreadable time", async () => {
    const call = await insertCall(t, owner.organizationId, dental.id);
    const date = daysAhead(5);
    const late = await runTool(t, call, "bookAppointment", {
      callerName: "Fay",
      callbackNumber: "+14155550128",
      service: "Cleaning",
      startsAt: `${date}T16:30:00Z`,
    });
    expect(late.error).toMatch(/outside business hours/);
    expect(late.error).toMatch(/Free times/);
    const garbled = await runTool(t, call, "bookAppointment", {
      callerName: "Fay",
      callbackNumber: "+14155550128",
      service: "Cleaning",
      startsAt: "next tuesday-ish",
    });
    expect(garbled.error).toMatch(/couldn't use the appointment time/);
    const impossible = await runTool(t, call, "bookAppointment", {
      callerName: "Fay",
      callbackNumber: "+14155550128",
      service: "Cleaning",
      startsAt: "2027-02-30T10:00",
    });
    expect(impossible.error).toMatch(/couldn't use the appointment time/);
    expect(await itemsOf(call.callId)).toHaveLength(0);
  });

  it("concurrent bookings of one slot: exactly one is booked, the others hear alternatives", async () => {
    const date = daysAhead(6);
    const calls = await Promise.all(Array.from({ length: 6 }, () => insertCall(t, owner.organizationId, dental.id)));
    const results = await Promise.all(
      calls.map((call, i) =>
        runTool(t, call, "bookAppointment", { callerName: `Racer ${i}`, callbackNumber: "+14155550129", service: "Cleaning", startsAt: `${date}T13:00:00Z` }),
      ),
    );
    expect(results.filter((r) => r.result?.startsWith("Booked"))).toHaveLength(1);
    const losers = results.filter((r) => r.error);
    expect(losers).toHaveLength(5);
    for (const loser of losers) expect(loser.error).toMatch(/just taken|Free times/);
    const { rows } = await t.ownerQuery("SELECT id FROM appointments WHERE organization_id = $1 AND status = 'booked' AND starts_at = $2", [
      owner.organizationId,
      `${date}T13:00:00Z`,
    ]);
    expect(rows).toHaveLength(1);
    // A half-overlapping booking (13:30, 30 min) is refused too.
    const overlap = await runTool(t, calls[0]!, "bookAppointment", {
      callerName: "Late",
      callbackNumber: "+14155550129",
      service: "Emergency exam",
      startsAt: `${date}T13:30:00Z`,
    });
    expect(overlap.error).toBeDefined();
  });

  it("cancels the caller's appointment by date: appointment and inbox item cancelled, the slot free again", async () => {
    const call = await insertCall(t, owner.organizationId, dental.id, { callerNumber: "+14155550130" });
    const date = daysAhead(7);
    const booked = await runTool(t, call, "bookAppointment", {
      callerName: "Gus",
      callbackNumber: "+14155550130",
      service: "Cleaning",
      startsAt: `${date}T14:00:00Z`,
    });
    expect(booked.result).toMatch(/^Booked/);
    const wrong = await runTool(t, call, "cancelAppointment", { callerName: "Gus", callbackNumber: "+14155550130", appointmentDate: daysAhead(8) });
    expect(wrong.error).toMatch(/couldn't find/);
    const res = await runTool(t, call, "cancelAppointment", {
      callerName: "Gus",
      callbackNumber: "+14155550130",
      appointmentDate: date,
      reason: "Feeling better",
    });
    expect(res.result).toMatch(/^Cancelled: Cleaning/);
    const [item] = await itemsOf(call.callId);
    expect(item).toMatchObject({ kind: "appointment", status: "cancelled" });
    const again = await runTool(t, call, "bookAppointment", {
      callerName: "Hal",
      callbackNumber: "+14155550131",
      service: "Cleaning",
      startsAt: `${date}T14:00:00Z`,
    });
    expect(again.result).toMatch(/^Booked/);
  });
});

describe("takeOrder", () => {
  it("prices the order on the server from the menu (integer cents) and reads the total back", async () => {
    const call = await insertCall(t, owner.organizationId, restaurant.id);
    const res = await runTool(t, call, "takeOrder", {
      items: [
        { name: "margherita pizza", quantity: 2, options: ["Large", "Extra cheese", "Olives"] },
        { name: "Garlic Bread", quantity: "3" },
        { name: "Margherita pizza", quantity: 1, options: ["Size: Small"] },
      ],
      fulfillment: "delivery",
      deliveryAddress: "12 Harbour St",
      callerName: "Ivy",
      callbackNumber: "+14155550132",
    });
    // 2 × (1250 + 450 + 175 + 125) = 4000; 3 × 599 = 1797; 1 × 1250 = 1250 → 7047
    expect(res.result).toContain("Total $70.47");
    const [item] = await itemsOf(call.callId);
    expect(item).toMatchObject({ kind: "order" });
    expect(item!.details.totalCents).toBe(7047);
    expect(item!.details.lines.map((l: { lineTotalCents: number }) => l.lineTotalCents)).toEqual([4000, 1797, 1250]);
    expect(item!.details).toMatchObject({ fulfillment: "delivery", deliveryAddress: "12 Harbour St" });
    const mail = await t.mail.waitFor(restaurantEmail, (m) => m.subject.startsWith("New order"));
    expect(mail.text).toContain("Total: 70.47");
  });

  it.each([
    ["an item not on the menu", { items: [{ name: "Sushi", quantity: 1 }] }, /not on the menu/],
    ["an option the item does not offer", { items: [{ name: "Garlic bread", quantity: 1, options: ["Large"] }] }, /not an option for Garlic bread/],
    ["a missing required option", { items: [{ name: "Margherita pizza", quantity: 1 }] }, /needs a choice of Size/],
    ["two choices of a single-choice option", { items: [{ name: "Margherita pizza", quantity: 1, options: ["Small", "Large"] }] }, /only one Size/],
    ["a quantity of zero", { items: [{ name: "Tiramisu", quantity: 0 }] }, /at least 1/],
    ["items that are not a list", { items: "pizza" }, /list/],
    ["a delivery without an address", { items: [{ name: "Tiramisu", quantity: 1 }], fulfillment: "delivery" }, /delivery address/],
  ])("refuses %s with a recoverable error and no order", async (_label, patch, message) => {
    const call = await insertCall(t, owner.organizationId, restaurant.id);
    const res = await runTool(t, call, "takeOrder", { fulfillment: "pickup", callerName: "Jo", callbackNumber: "+14155550133", ...patch });
    expect(res.error).toMatch(message);
    expect(await itemsOf(call.callId)).toHaveLength(0);
  });
});

describe("lookupKnowledge", () => {
  it("answers the top snippets as plain text, scoped to the assistant's knowledge", async () => {
    await addReady(t, owner, {
      title: "Parking & directions",
      kind: "html",
      content: "<h2>Parking</h2><p>Free parking is behind the building on <b>Elm Street</b> &amp; in the garage.</p>",
      assistantId: dental.id,
    });
    const call = await insertCall(t, owner.organizationId, dental.id);
    const res = await runTool(t, call, "lookupKnowledge", { query: "where can I park" });
    expect(res.result).toMatch(/Elm Street/);
    expect(res.result).not.toMatch(/<|&amp;/);
    const other = await insertCall(t, owner.organizationId, restaurant.id);
    expect((await runTool(t, other, "lookupKnowledge", { query: "parking Elm Street" })).result).toMatch(/Nothing in the knowledge base/);
    expect((await actionsOf(call.callId))[0]).toMatchObject({ tool: "lookupKnowledge", outcome: "succeeded", inbox_item_id: null });
  });
});

describe("logDriverCallout", () => {
  it("logs a call-out as a driver_callout item and emails dispatch; refuses an impossible shift date", async () => {
    const email = recipient("dispatch");
    const logistics = await assistantFrom("logistics-dispatch", { businessHours: ALWAYS_OPEN, notificationRecipients: [{ email }] });
    const call = await insertCall(t, owner.organizationId, logistics.id);
    const bad = await runTool(t, call, "logDriverCallout", { driverId: "D-17", driverName: "Kim", shiftDate: "2026-13-01", reason: "Sick" });
    expect(bad.error).toMatch(/shift date/);
    const res = await runTool(t, call, "logDriverCallout", {
      driverId: "D-17",
      driverName: "Kim",
      shiftDate: daysAhead(1),
      shiftStart: "06:00",
      reason: "Flu",
    });
    expect(res.result).toMatch(/Call-out logged for Kim/);
    const [item] = await itemsOf(call.callId);
    expect(item).toMatchObject({ kind: "driver_callout", details: { driverId: "D-17", reason: "Flu", shiftStart: "06:00" } });
    await t.mail.waitFor(email, (m) => m.subject.startsWith("Driver call-out"));
  });
});

describe("transfers", () => {
  const directory = [
    { name: "Dr. Rivera", role: "Dentist", phone: "+14155550140" },
    { name: "Billing", role: "Accounts", phone: "+14155550141" },
  ];
  let open: { id: string };
  let closed: { id: string };
  let escalationEmail: string;

  beforeAll(async () => {
    escalationEmail = recipient("urgent");
    open = await assistantFrom(
      "dental-clinic",
      { businessHours: ALWAYS_OPEN, transferDirectory: directory, notificationRecipients: [{ email: escalationEmail }] },
      { services: DENTAL_SERVICES },
    );
    closed = await assistantFrom("dental-clinic", { businessHours: NEVER_OPEN, transferDirectory: directory }, { services: DENTAL_SERVICES });
  });

  it("allows a directory entry by name or role (any case) while open", async () => {
    const call = await insertCall(t, owner.organizationId, open.id);
    expect(await decideTransfer(t.platform.ctx, call, "dr. rivera")).toMatchObject({ allowed: true, number: "+14155550140", name: "Dr. Rivera" });
    expect(await decideTransfer(t.platform.ctx, call, "ACCOUNTS")).toMatchObject({ allowed: true, number: "+14155550141" });
    const res = await runTool(t, call, "transferCall", { destination: "Billing", reason: "Invoice question" });
    expect(res.result).toMatch(/Transferring you to Billing/);
  });

  it("refuses a destination outside the directory, and any transfer while closed", async () => {
    const openCall = await insertCall(t, owner.organizationId, open.id);
    expect(await decideTransfer(t.platform.ctx, openCall, "+14155550199")).toMatchObject({ allowed: false, reason: "unknown_destination" });
    const closedCall = await insertCall(t, owner.organizationId, closed.id);
    expect(await decideTransfer(t.platform.ctx, closedCall, "Dr. Rivera")).toMatchObject({ allowed: false, reason: "closed" });
    const res = await runTool(t, closedCall, "transferCall", { destination: "Dr. Rivera", reason: "Pain" });
    expect(res.error).toMatch(/closed/);
  });

  it("refuses a platform number (loop) and escalates to the recipients by email", async () => {
    // Another organization owns the number the directory entry points at.
    const other = await createOrgWithOwner(t);
    const provisioned = await t.api.post(
      `/api/v1/orgs/${other.organizationId}/phone-numbers`,
      { provider: "sandbox", number: "+14155550140" },
      { token: other.accessToken },
    );
    expect(provisioned.status, provisioned.text).toBe(201);
    try {
      const call = await insertCall(t, owner.organizationId, open.id, { callerNumber: "+14155550177" });
      const decision = await decideTransfer(t.platform.ctx, call, "Dr. Rivera");
      expect(decision).toMatchObject({ allowed: false, reason: "platform_number" });
      const [item] = await itemsOf(call.callId);
      expect(item).toMatchObject({ kind: "callback", details: { urgent: true } });
      const mail = await t.mail.waitFor(escalationEmail, (m) => m.subject.startsWith("Urgent caller"));
      expect(mail.text).toContain("tel:+14155550177");
    } finally {
      await t.api.post(`/api/v1/orgs/${other.organizationId}/phone-numbers/${provisioned.body.id}/release`, undefined, { token: other.accessToken });
    }
  });

  it("refuses to transfer the caller back to their own number", async () => {
    const call = await insertCall(t, owner.organizationId, open.id, { callerNumber: "+14155550141" });
    const res = await runTool(t, call, "transferCall", { destination: "Billing", reason: "Loop" });
    expect(res.error).toMatch(/alerted the team/);
    expect((await actionsOf(call.callId))[0]).toMatchObject({ outcome: "rejected" });
    expect(await itemsOf(call.callId)).toHaveLength(1);
  });
});
