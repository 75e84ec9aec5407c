// Notifications per the organization's preferences, for calls placed through the real webhook path
// (sandbox calls): which events email and text whom, the assistant's own recipients (union,
// de-duplicated), SMS through Twilio (the official SDK against a stand-in) or the dev mailbox,
// quiet hours holding a message while an escalation goes out at once, SMS retries, the settings
// API's validation and audit, and its security cases.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSandboxCall } from "../../src/server/modules/sandbox/service.js";
import { createFromTemplate } from "../helpers/assistants.js";
import { createOrgWithOwner, signIn, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { describeRouteSecurity } from "../helpers/route-security.js";
import { startTwilioStandIn, type TwilioStandIn } from "../helpers/twilio-stand-in.js";

const PLATFORM_SID = `AC${randomBytes(16).toString("hex")}`;
const SMS_FROM = "+14155550000";
const ADMIN_EMAIL = "root@switchboard.test";
const ADMIN_PASSWORD = "super admin password 1";
const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6] as const;
const ALWAYS_OPEN = { timezone: "UTC", weekly: ALL_DAYS.map((day) => ({ day, open: "00:00", close: "24:00" })), holidays: [] };
const ALL_EVENTS = ["message", "callback", "appointment_booked", "appointment_cancelled", "order", "driver_callout", "urgent_escalation"];

let twilio: TwilioStandIn;
/** Twilio SMS configured. */
let t: TestPlatform;
/** No Twilio: SMS go to the dev mailbox, read by the super admin. */
let dev: TestPlatform;

beforeAll(async () => {
  twilio = await startTwilioStandIn();
  [t, dev] = await Promise.all([
    startTestPlatform({
      env: { TWILIO_ACCOUNT_SID: PLATFORM_SID, TWILIO_AUTH_TOKEN: randomBytes(16).toString("hex"), TWILIO_API_BASE_URL: twilio.url, TWILIO_SMS_FROM: SMS_FROM },
    }),
    startTestPlatform({ env: { ADMIN_EMAIL, ADMIN_PASSWORD } }),
  ]);
});
afterAll(async () => {
  await Promise.all([t?.stop(), dev?.stop()]);
  await twilio?.stop();
});

const settingsPath = (orgId: string) => `/api/v1/orgs/${orgId}/notification-settings`;
const email = (label: string) => `${label}-${randomBytes(3).toString("hex")}@example.com`;
let phoneSequence = 0;
/** A fresh valid US number per use (415 area code, 555-01xx is fictional but valid in libphonenumber). */
const phone = () => `+1415555${String(1100 + phoneSequence++).padStart(4, "0")}`;

type Business = { owner: TestOrgOwner; phoneNumberId: string; caller: string; assistantEmail: string; assistantPhone: string };

/**
 * An organization whose active assistant answers a sandbox number, is always open, and lists a
 * "Manager" whose directory number is the caller's own (so asking for them escalates).
 */
async function createBusiness(p: TestPlatform): Promise<Business> {
  const owner = await createOrgWithOwner(p);
  await p.ownerQuery("UPDATE organizations SET plan_id = 'pro' WHERE id = $1", [owner.organizationId]);
  const caller = phone();
  const assistantEmail = email("assistant");
  const assistantPhone = phone();
  const assistant = await createFromTemplate(p, owner, "general-office", {
    status: "active",
    businessHours: ALWAYS_OPEN,
    transferDirectory: [{ name: "Manager", role: "Owner", phone: caller }],
    notificationRecipients: [{ email: assistantEmail, phone: assistantPhone }],
  });
  const res = await p.api.post(
    `/api/v1/orgs/${owner.organizationId}/phone-numbers`,
    { provider: "sandbox", areaCode: String(200 + Math.floor(Math.random() * 700)), assistantId: assistant.id },
    { token: owner.accessToken },
  );
  expect(res.status, res.text).toBe(201);
  return { owner, phoneNumberId: res.body.id, caller, assistantEmail, assistantPhone };
}

function put(p: TestPlatform, path: string, body: unknown, token: string) {
  return p.api.request("PUT", path, { body, token });
}

async function putSettings(p: TestPlatform, business: Business, body: unknown) {
  const res = await put(p, settingsPath(business.owner.organizationId), body, business.owner.accessToken);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

function messageScript(name: string) {
  return `caller: Hi, I'd like to leave a message.
tool: takeMessage {"callerName":"${name}","callbackNumber":"{{caller}}","message":"Please call back about the invoice.","urgency":"normal"}
caller: Thanks, bye!`;
}

function callbackScript(name: string) {
  return `caller: Could someone call me back tomorrow?
tool: scheduleCallback {"callerName":"${name}","callbackNumber":"{{caller}}","preferredTime":"tomorrow morning","reason":"A quote"}
caller: Thanks, bye!`;
}

const ESCALATION_SCRIPT = `caller: Put me through to the manager, please. It's urgent.
tool: transferCall {"destination":"Manager","reason":"Urgent problem"}
caller: OK, thanks.`;

/** Places a sandbox call through POST /webhooks/vapi and waits until it is ingested. */
async function placeCall(p: TestPlatform, business: Business, script: string) {
  const result = await runSandboxCall(p.platform.ctx, {
    organizationId: business.owner.organizationId,
    phoneNumberId: business.phoneNumberId,
    callerNumber: business.caller,
    script,
  });
  for (const tool of result.toolResults) expect(tool.result ?? tool.error, JSON.stringify(tool)).toBeTypeOf("string");
  return result;
}

async function waitUntil<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const smsTo = (number: string) => twilio.messages.filter((m) => m.to === number);

/** The notification job of this call's inbox item has finished (so every delivery it chose is enqueued). */
async function notificationJobDone(p: TestPlatform, callId: string) {
  const { rows } = await p.ownerQuery<{ id: string }>("SELECT id FROM inbox_items WHERE call_id = $1", [callId]);
  expect(rows).toHaveLength(1);
  await waitUntil(async () => {
    const jobs = await p.ownerQuery<{ state: string }>("SELECT state FROM pgboss.job WHERE name = 'notifications.send' AND data->>'inboxItemId' = $1", [
      rows[0]!.id,
    ]);
    return jobs.rows.length > 0 && jobs.rows.every((job) => job.state === "completed");
  });
}

describe("GET /api/v1/orgs/{orgId}/notification-settings", () => {
  it("answers the defaults to any member before anything is saved: every event emailed to the owners, SMS for escalations, no quiet hours", async () => {
    const business = await createBusiness(t);
    const res = await t.api.get(settingsPath(business.owner.organizationId), { token: business.owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      email: { events: ALL_EVENTS, owners: true, addresses: [] },
      sms: { events: ["urgent_escalation"], numbers: [] },
      quietHours: null,
      timezone: "UTC",
      smsDelivery: "twilio",
      updatedAt: null,
    });
    const devBusiness = await createOrgWithOwner(dev);
    const devRes = await dev.api.get(settingsPath(devBusiness.organizationId), { token: devBusiness.accessToken });
    expect(devRes.body.smsDelivery).toBe("dev_mailbox");
  });
});

describe("PUT /api/v1/orgs/{orgId}/notification-settings", () => {
  it("saves normalised lists, answers what was saved, and audits the change", async () => {
    const business = await createBusiness(t);
    const saved = await putSettings(t, business, {
      email: { events: ["message", "urgent_escalation"], owners: false, addresses: ["  Front.Desk@Example.com "] },
      sms: { events: ["urgent_escalation"], numbers: ["+1 (415) 555-2671"] },
      quietHours: { start: "21:00", end: "07:00", days: [5, 1, 3] },
    });
    expect(saved).toMatchObject({
      email: { events: ["message", "urgent_escalation"], owners: false, addresses: ["front.desk@example.com"] },
      sms: { events: ["urgent_escalation"], numbers: ["+14155552671"] },
      quietHours: { start: "21:00", end: "07:00", days: [1, 3, 5] },
      updatedAt: expect.any(String),
    });
    const read = await t.api.get(settingsPath(business.owner.organizationId), { token: business.owner.accessToken });
    expect(read.body).toEqual(saved);
    const audit = await t.api.get(`/api/v1/orgs/${business.owner.organizationId}/audit-log`, { token: business.owner.accessToken });
    const entry = audit.body.items.find((e: { action: string }) => e.action === "notification_settings.updated");
    expect(entry).toMatchObject({ actorUserId: business.owner.userId, metadata: { sms: { numbers: ["+14155552671"] } } });
  });

  it("answers 422 with one field error per bad value, and saves nothing", async () => {
    const business = await createBusiness(t);
    const valid = {
      email: { events: ["message"], owners: true, addresses: [] as string[] },
      sms: { events: ["urgent_escalation"], numbers: [] as string[] },
      quietHours: null as unknown,
    };
    const cases: { body: unknown; path: string }[] = [
      { body: { ...valid, sms: { ...valid.sms, numbers: ["+1 555"] } }, path: "body.sms.numbers.0" },
      { body: { ...valid, sms: { ...valid.sms, numbers: ["+14155550101", "+1 415 555 0101"] } }, path: "body.sms.numbers.1" },
      { body: { ...valid, sms: { ...valid.sms, numbers: Array.from({ length: 6 }, () => phone()) } }, path: "body.sms.numbers" },
      { body: { ...valid, email: { ...valid.email, addresses: Array.from({ length: 11 }, () => email("many")) } }, path: "body.email.addresses" },
      { body: { ...valid, email: { ...valid.email, addresses: ["not-an-email"] } }, path: "body.email.addresses.0" },
      { body: { ...valid, email: { ...valid.email, events: ["voicemail"] } }, path: "body.email.events.0" },
      { body: { ...valid, quietHours: { start: "25:00", end: "07:00", days: [1] } }, path: "body.quietHours.start" },
      { body: { ...valid, quietHours: { start: "21:00", end: "7pm", days: [1] } }, path: "body.quietHours.end" },
      { body: { ...valid, quietHours: { start: "21:00", end: "07:00", days: [] } }, path: "body.quietHours.days" },
      { body: { ...valid, quietHours: { start: "21:00", end: "07:00", days: [7] } }, path: "body.quietHours.days.0" },
      { body: { ...valid, quietHours: { start: "00:00", end: "24:00", days: [...ALL_DAYS] } }, path: "body.quietHours.days" },
      { body: { ...valid, extra: true }, path: "body.extra" },
    ];
    for (const { body, path } of cases) {
      const res = await put(t, settingsPath(business.owner.organizationId), body, business.owner.accessToken);
      expect({ status: res.status, code: res.body.code }, `${path}: ${res.text}`).toEqual({ status: 422, code: "VALIDATION_FAILED" });
      expect(
        res.body.errors.map((e: { path: string }) => e.path),
        path,
      ).toContain(path);
    }
    const read = await t.api.get(settingsPath(business.owner.organizationId), { token: business.owner.accessToken });
    expect(read.body.updatedAt).toBeNull();
  });

  it("answers 404 to the owner of another organization, for reading and for saving", async () => {
    const business = await createBusiness(t);
    const other = await createOrgWithOwner(t);
    expect((await t.api.get(settingsPath(business.owner.organizationId), { token: other.accessToken })).status).toBe(404);
    const res = await put(
      t,
      settingsPath(business.owner.organizationId),
      { email: { events: [], owners: false, addresses: [] }, sms: { events: [], numbers: [] }, quietHours: null },
      other.accessToken,
    );
    expect(res.status).toBe(404);
    expect((await t.api.get(settingsPath(business.owner.organizationId), { token: business.owner.accessToken })).body.updatedAt).toBeNull();
  });
});

describe("notifications of calls", () => {
  it("emails the owners and the assistant's recipients by default, and texts nobody for a message", async () => {
    const business = await createBusiness(t);
    const name = `Default ${randomBytes(2).toString("hex")}`;
    const call = await placeCall(t, business, messageScript(name));
    const [toOwner, toAssistant] = await Promise.all([
      t.mail.waitFor(business.owner.email, (m) => m.subject === `New message: Message from ${name}`),
      t.mail.waitFor(business.assistantEmail, (m) => m.subject === `New message: Message from ${name}`),
    ]);
    expect(toOwner.text).toContain("Please call back about the invoice.");
    expect(toOwner.links.some((link) => link.includes(`/orgs/${business.owner.organizationId}/inbox?item=inb_`))).toBe(true);
    expect(toAssistant.text).toContain(business.caller);
    await notificationJobDone(t, call.callId!);
    expect(smsTo(business.assistantPhone)).toEqual([]);
  });

  it("sends nothing for an event switched off, and only the events switched on, to the listed addresses", async () => {
    const business = await createBusiness(t);
    const listed = email("listed");
    await putSettings(t, business, {
      email: { events: ["callback"], owners: false, addresses: [listed] },
      sms: { events: [], numbers: [] },
      quietHours: null,
    });
    const silent = `Silent ${randomBytes(2).toString("hex")}`;
    const messageCall = await placeCall(t, business, messageScript(silent));
    const loud = `Loud ${randomBytes(2).toString("hex")}`;
    await placeCall(t, business, callbackScript(loud));
    await Promise.all([
      t.mail.waitFor(listed, (m) => m.subject.startsWith("Callback request") && m.subject.includes(loud)),
      t.mail.waitFor(business.assistantEmail, (m) => m.subject.startsWith("Callback request") && m.subject.includes(loud)),
    ]);
    await notificationJobDone(t, messageCall.callId!);
    const { rows } = await t.ownerQuery("SELECT id FROM pgboss.job WHERE name = 'mail.send' AND data->>'subject' LIKE $1", [`%${silent}%`]);
    expect(rows).toEqual([]);
    expect(t.mail.messages.filter((m) => m.subject.includes(silent))).toEqual([]);
    // The owners were switched off: no notification reached them, not even of the enabled event.
    expect(t.mail.messages.filter((m) => m.to.includes(business.owner.email) && (m.subject.includes(loud) || m.subject.includes(silent)))).toEqual([]);
  });

  it("texts an escalation through Twilio from the platform's number, once per number even when the assistant lists it too", async () => {
    const business = await createBusiness(t);
    const extra = phone();
    await putSettings(t, business, {
      email: { events: ["urgent_escalation"], owners: true, addresses: [] },
      sms: { events: ["urgent_escalation"], numbers: [extra, business.assistantPhone] },
      quietHours: null,
    });
    const call = await placeCall(t, business, ESCALATION_SCRIPT);
    expect(call.toolResults[0]!.error).toMatch(/alerted the team/);
    const [first, second] = await waitUntil(() => {
      const sent = [...smsTo(extra), ...smsTo(business.assistantPhone)];
      return sent.length >= 2 && sent;
    });
    for (const sms of [first!, second!]) {
      expect(sms).toMatchObject({ accountSid: PLATFORM_SID, from: SMS_FROM, messagingServiceSid: null });
      expect(sms.body).toMatch(/^Switchboard: Urgent caller, call back now: /);
      expect(sms.body).toContain(`Tap to call back: ${business.caller}`);
      expect(sms.body.length).toBeLessThanOrEqual(320);
    }
    const mail = await t.mail.waitFor(business.owner.email, (m) => m.subject.startsWith("Urgent caller"));
    expect(mail.text).toContain(`tel:${business.caller}`);
    await notificationJobDone(t, call.callId!);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smsTo(business.assistantPhone)).toHaveLength(1);
    expect(smsTo(extra)).toHaveLength(1);
  });

  it("retries an SMS that Twilio failed to accept until it goes through", async () => {
    const business = await createBusiness(t);
    const number = phone();
    await putSettings(t, business, { email: { events: [], owners: false, addresses: [] }, sms: { events: ["message"], numbers: [number] }, quietHours: null });
    const attemptsBefore = twilio.requests.filter((r) => r.path.endsWith("/Messages.json")).length;
    twilio.failNextMessages(1);
    const name = `Retry ${randomBytes(2).toString("hex")}`;
    await placeCall(t, business, messageScript(name));
    const [sms] = await waitUntil(() => smsTo(number).length > 0 && smsTo(number), 40_000);
    expect(sms!.body).toContain(`Message from ${name}`);
    expect(twilio.requests.filter((r) => r.path.endsWith("/Messages.json")).length - attemptsBefore).toBeGreaterThanOrEqual(2);
    expect(smsTo(number)).toHaveLength(1);
  }, 60_000);

  it("holds a message during quiet hours until they end, while an escalation goes out at once", async () => {
    const business = await createBusiness(t);
    const number = phone();
    await putSettings(t, business, {
      email: { events: [...ALL_EVENTS], owners: true, addresses: [] },
      sms: { events: ["message", "urgent_escalation"], numbers: [number] },
      quietHours: { start: "21:00", end: "07:00", days: [...ALL_DAYS] },
    });
    // 06:59:40 in the organization's time zone (UTC): the quiet night ends in 20 seconds.
    const today = new Date().toISOString().slice(0, 10);
    const quietEnd = Date.parse(`${today}T07:00:00Z`);
    t.clock.set(new Date(quietEnd - 20_000));
    const realEnd = Date.now() + 20_000;
    try {
      const name = `Night ${randomBytes(2).toString("hex")}`;
      await placeCall(t, business, messageScript(name));
      await placeCall(t, business, ESCALATION_SCRIPT);
      const urgent = await t.mail.waitFor(business.owner.email, (m) => m.subject.startsWith("Urgent caller"), 10_000);
      expect(urgent.text).not.toContain("Held during quiet hours");
      await waitUntil(() => smsTo(number).some((sms) => sms.body.includes("Urgent caller")), 10_000);
      expect(Date.now()).toBeLessThan(realEnd);
      expect(t.mail.messages.filter((m) => m.subject.includes(name))).toEqual([]);
      expect(smsTo(number).filter((sms) => sms.body.includes(name))).toEqual([]);

      const held = await t.mail.waitFor(business.owner.email, (m) => m.subject === `New message: Message from ${name}`, 40_000);
      expect(Date.now()).toBeGreaterThanOrEqual(realEnd - 1_000);
      // The receipt time is the inbox item's (the database clock), which the test clock does not move.
      expect(held.text).toMatch(/Held during quiet hours; received \d{4}-\d{2}-\d{2} at \d{2}:\d{2} \(UTC\)\./);
      await waitUntil(() => smsTo(number).some((sms) => sms.body.includes(name)), 10_000);
    } finally {
      t.clock.set(new Date());
    }
  }, 90_000);

  it("keeps SMS in the dev mailbox, marked as SMS to the number, when Twilio is not configured", async () => {
    const business = await createBusiness(dev);
    const number = phone();
    await putSettings(dev, business, {
      email: { events: ["urgent_escalation"], owners: true, addresses: [] },
      sms: { events: ["urgent_escalation"], numbers: [number] },
      quietHours: null,
    });
    await placeCall(dev, business, ESCALATION_SCRIPT);
    const admin = await signIn(dev, ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(admin.status, admin.text).toBe(200);
    const kept = await waitUntil(async () => {
      const res = await dev.api.get(`/api/v1/admin/mailbox?to=${encodeURIComponent(number)}`, { token: admin.body.accessToken });
      expect(res.status, res.text).toBe(200);
      return res.body.items.length > 0 && res.body.items;
    });
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ to: number, subject: `SMS to ${number}`, from: expect.stringContaining("SMS") });
    expect(kept[0].text).toMatch(/^Switchboard: Urgent caller, call back now: /);
    expect(kept[0].text).toContain("Twilio SMS is not configured");
    // The email still goes out over SMTP; the SMS never does, and Twilio was not called.
    await dev.mail.waitFor(business.owner.email, (m) => m.subject.startsWith("Urgent caller"));
    expect(dev.mail.messages.filter((m) => m.to.includes(number))).toEqual([]);
    expect(smsTo(number)).toEqual([]);
  });
});

describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/notification-settings" });
describeRouteSecurity(() => t, {
  method: "PUT",
  path: "/api/v1/orgs/{orgId}/notification-settings",
  deniedRoles: ["member", "viewer"],
  body: () => ({ email: { events: ["message"], owners: true, addresses: [] }, sms: { events: [], numbers: [] }, quietHours: null }),
});
