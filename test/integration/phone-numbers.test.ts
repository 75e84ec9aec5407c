// Phone numbers: search and provisioning through each provider (the official Twilio and Vapi SDKs
// against local stand-ins), Twilio numbers imported into Vapi end to end (and undone when Vapi
// fails), routing with validated assistants, the plan's number limit under concurrency, release,
// tenant resolution with its cache, customers' encrypted Twilio tokens, vendor outages as 502
// problems, Twilio webhook signatures, and every route's security cases.
import { randomBytes } from "node:crypto";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "../../src/server/modules/phone-numbers/encryption.js";
import { NUMBER_CACHE_TTL_MS, resolveNumber } from "../../src/server/modules/phone-numbers/lookup.js";
import { assistantRequestMessage } from "../../src/server/modules/sandbox/messages.js";
import { createCustom } from "../helpers/assistants.js";
import { createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { describeRouteSecurity, type SecurityOrg } from "../helpers/route-security.js";
import { startTwilioStandIn, type TwilioStandIn } from "../helpers/twilio-stand-in.js";
import { startVapiStandIn, VAPI_TWILIO_INBOUND_PATH, type VapiStandIn } from "../helpers/vapi-stand-in.js";

const PLATFORM_SID = `AC${randomBytes(16).toString("hex")}`;
const PLATFORM_TOKEN = randomBytes(16).toString("hex");
const APP_URL = "http://localhost:3000";
const VAPI_KEY = "vapi-test-key";
const VAPI_WEBHOOK_SECRET = "vapi-shared-secret-0123456789";

let t: TestPlatform;
let twilioApi: TwilioStandIn;
let vapiApi: VapiStandIn;

beforeAll(async () => {
  twilioApi = await startTwilioStandIn();
  vapiApi = await startVapiStandIn({ twilioApiUrl: twilioApi.url });
  t = await startTestPlatform({
    env: {
      APP_URL,
      TWILIO_ACCOUNT_SID: PLATFORM_SID,
      TWILIO_AUTH_TOKEN: PLATFORM_TOKEN,
      TWILIO_API_BASE_URL: twilioApi.url,
      VAPI_API_KEY: VAPI_KEY,
      VAPI_BASE_URL: vapiApi.url,
      VAPI_WEBHOOK_SECRET,
    },
  });
});
afterAll(async () => {
  await t?.stop();
  await twilioApi?.stop();
  await vapiApi?.stop();
});

async function orgOnPlan(plan: "free" | "starter" | "pro" | "enterprise" = "enterprise"): Promise<TestOrgOwner> {
  const owner = await createOrgWithOwner(t);
  if (plan !== "free") await t.ownerQuery("UPDATE organizations SET plan_id = $1 WHERE id = $2", [plan, owner.organizationId]);
  return owner;
}

const numbersPath = (owner: { organizationId: string }) => `/api/v1/orgs/${owner.organizationId}/phone-numbers`;
const credentialsPath = (owner: { organizationId: string }) => `/api/v1/orgs/${owner.organizationId}/provider-credentials`;

async function provision(owner: TestOrgOwner, body: Record<string, unknown>) {
  const res = await t.api.post(numbersPath(owner), body, { token: owner.accessToken });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

function expectProblem(res: { status: number; body: any; text: string; headers: Headers }, status: number, code: string) {
  expect({ status: res.status, code: res.body?.code }, res.text).toEqual({ status, code });
  expect(res.headers.get("content-type")).toContain("application/problem+json");
}

/** A number the customer already owns in their own Twilio account (bought there before they came to us). */
async function buyInOwnTwilioAccount(accountSid: string, authToken: string, number: string) {
  const res = await fetch(`${twilioApi.url}/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers.json`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ PhoneNumber: number }).toString(),
  });
  expect(res.status).toBe(201);
}

async function directoryRow(number: string) {
  const { rows } = await t.ownerQuery<{
    organization_id: string;
    phone_number_id: string;
    provider: string;
    provider_number_id: string | null;
    vapi_phone_number_id: string | null;
  }>("SELECT * FROM phone_number_directory WHERE number = $1", [number]);
  return rows[0];
}

describe("sandbox numbers", () => {
  it("search lists free numbers of the fictional 555-01YY range in the area code, without the ones taken", async () => {
    const owner = await orgOnPlan();
    const res = await t.api.get(`${numbersPath(owner)}/available?provider=sandbox&areaCode=646`, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toHaveLength(20);
    for (const item of res.body.items) expect(item.number).toMatch(/^\+164655501\d{2}$/);
    const taken = await provision(owner, { provider: "sandbox", number: res.body.items[0].number });
    const again = await t.api.get(`${numbersPath(owner)}/available?provider=sandbox&areaCode=646`, { token: owner.accessToken });
    expect(again.body.items.map((i: { number: string }) => i.number)).not.toContain(taken.number);
  });

  it("provisions by area code, writes the directory row and resolves the number to the organization", async () => {
    const owner = await orgOnPlan();
    const assistant = await createCustom(t, owner);
    const created = await provision(owner, { provider: "sandbox", areaCode: "303", label: "Front desk", assistantId: assistant.id });
    expect(created).toMatchObject({
      provider: "sandbox",
      label: "Front desk",
      status: "active",
      routing: { openAssistantId: assistant.id, afterHours: { mode: "same_assistant" } },
    });
    expect(created.number).toMatch(/^\+130355501\d{2}$/);
    expect(await directoryRow(created.number)).toMatchObject({ organization_id: owner.organizationId, phone_number_id: created.id, provider: "sandbox" });
    const resolved = await resolveNumber(t.platform.ctx, { number: created.number });
    expect(resolved).toMatchObject({ organizationId: owner.organizationId, phoneNumberId: created.id, number: created.number, routing: created.routing });
    const list = await t.api.get(numbersPath(owner), { token: owner.accessToken });
    expect(list.body.items.map((n: { id: string }) => n.id)).toEqual([created.id]);
  });

  it("refuses a number outside the sandbox range and one already taken", async () => {
    const owner = await orgOnPlan();
    expectProblem(
      await t.api.post(numbersPath(owner), { provider: "sandbox", number: "+14155551234" }, { token: owner.accessToken }),
      422,
      "VALIDATION_FAILED",
    );
    const first = await provision(owner, { provider: "sandbox", areaCode: "720" });
    const other = await orgOnPlan();
    expectProblem(await t.api.post(numbersPath(other), { provider: "sandbox", number: first.number }, { token: other.accessToken }), 409, "NUMBER_UNAVAILABLE");
  });
});

describe("Twilio numbers (official SDK against the stand-in)", () => {
  it("search sends the area code to Twilio and lists its available numbers", async () => {
    const owner = await orgOnPlan();
    const res = await t.api.get(`${numbersPath(owner)}/available?provider=twilio&areaCode=415`, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items[0]).toEqual({ number: "+14152220001", locality: "San Francisco", region: "CA", country: "US" });
    const sent = twilioApi.requests.at(-1)!;
    expect(sent.path).toBe(`/2010-04-01/Accounts/${PLATFORM_SID}/AvailablePhoneNumbers/US/Local.json`);
    expect(sent.query.get("AreaCode")).toBe("415");
    expect(sent.accountSid).toBe(PLATFORM_SID);
  });

  it("buys the number pointed at our voice and status webhooks, and release removes it at Twilio, from the directory and from resolution", async () => {
    const owner = await orgOnPlan();
    const created = await provision(owner, { provider: "twilio", number: "+14152220002", label: "Main line" });
    const buy = twilioApi.requests.find(
      (r) => r.method === "POST" && r.path.endsWith("/IncomingPhoneNumbers.json") && r.form.get("PhoneNumber") === "+14152220002",
    )!;
    expect(Object.fromEntries(buy.form)).toMatchObject({
      PhoneNumber: "+14152220002",
      VoiceUrl: `${APP_URL}/webhooks/twilio/voice`,
      VoiceMethod: "POST",
      StatusCallback: `${APP_URL}/webhooks/twilio/status`,
      FriendlyName: "Main line",
    });
    const { rows } = await t.ownerQuery<{ provider_number_id: string }>("SELECT provider_number_id FROM phone_numbers WHERE id = $1", [created.id]);
    const sid = rows[0]!.provider_number_id;
    expect(sid).toMatch(/^PN/);
    expect(await resolveNumber(t.platform.ctx, { provider: "twilio", providerNumberId: sid })).toMatchObject({ phoneNumberId: created.id });

    const released = await t.api.post(`${numbersPath(owner)}/${created.id}/release`, undefined, { token: owner.accessToken });
    expect(released.status, released.text).toBe(200);
    expect(released.body).toMatchObject({ status: "released" });
    expect(twilioApi.requests.some((r) => r.method === "DELETE" && r.path.endsWith(`/IncomingPhoneNumbers/${sid}.json`))).toBe(true);
    expect(await directoryRow(created.number)).toBeUndefined();
    expect(await resolveNumber(t.platform.ctx, { number: created.number })).toBeNull();
    expectProblem(await t.api.post(`${numbersPath(owner)}/${created.id}/release`, undefined, { token: owner.accessToken }), 404, "NOT_FOUND");
  });

  it("a Twilio outage is a 502 VENDOR_UNAVAILABLE problem, and nothing is stored", async () => {
    const owner = await orgOnPlan();
    twilioApi.setDown(true);
    try {
      expectProblem(await t.api.get(`${numbersPath(owner)}/available?provider=twilio&areaCode=415`, { token: owner.accessToken }), 502, "VENDOR_UNAVAILABLE");
      expectProblem(await t.api.post(numbersPath(owner), { provider: "twilio", areaCode: "415" }, { token: owner.accessToken }), 502, "VENDOR_UNAVAILABLE");
    } finally {
      twilioApi.setDown(false);
    }
    const list = await t.api.get(numbersPath(owner), { token: owner.accessToken });
    expect(list.body.items).toEqual([]);
  });
});

describe("Vapi numbers (official SDK against the stand-in)", () => {
  it("creates a Vapi number with our server URL and no fixed assistant, and deletes it on release", async () => {
    const owner = await orgOnPlan();
    const created = await provision(owner, { provider: "vapi", areaCode: "512", label: "Vapi line" });
    expect(created.number).toMatch(/^\+1512777\d{4}$/);
    const sent = vapiApi.requests.find((r) => r.method === "POST" && r.body?.provider === "vapi" && r.body?.numberDesiredAreaCode === "512")!;
    expect(sent.authorization).toBe("Bearer vapi-test-key");
    expect(sent.body.server.url).toBe(`${APP_URL}/webhooks/vapi`);
    expect(sent.body.assistantId).toBeUndefined();
    const row = await directoryRow(created.number);
    expect(row).toMatchObject({ provider: "vapi", organization_id: owner.organizationId });
    expect(await resolveNumber(t.platform.ctx, { provider: "vapi", providerNumberId: row!.provider_number_id })).toMatchObject({ phoneNumberId: created.id });

    const released = await t.api.post(`${numbersPath(owner)}/${created.id}/release`, undefined, { token: owner.accessToken });
    expect(released.status, released.text).toBe(200);
    expect(vapiApi.requests.some((r) => r.method === "DELETE" && r.path === `/phone-number/${row!.provider_number_id}`)).toBe(true);
  });

  it("imports a customer's Twilio number into Vapi with their own (decrypted) credentials", async () => {
    const owner = await orgOnPlan();
    const accountSid = `AC${randomBytes(16).toString("hex")}`;
    const authToken = randomBytes(16).toString("hex");
    const creds = await t.api.post(credentialsPath(owner), { provider: "twilio", accountSid, authToken }, { token: owner.accessToken });
    expect(creds.status, creds.text).toBe(201);
    await buyInOwnTwilioAccount(accountSid, authToken, "+13125550123");
    await provision(owner, { provider: "vapi", number: "+13125550123", credentialsId: creds.body.id });
    const sent = vapiApi.requests.find((r) => r.body?.provider === "twilio" && r.body?.number === "+13125550123")!;
    expect(sent.body).toMatchObject({ twilioAccountSid: accountSid, twilioAuthToken: authToken, server: { url: `${APP_URL}/webhooks/vapi` } });
  });

  it("a Vapi outage is a 502 problem", async () => {
    const owner = await orgOnPlan();
    vapiApi.setDown(true);
    try {
      expectProblem(await t.api.post(numbersPath(owner), { provider: "vapi", areaCode: "512" }, { token: owner.accessToken }), 502, "VENDOR_UNAVAILABLE");
    } finally {
      vapiApi.setDown(false);
    }
  });
});

let vapiCallSequence = 0;

/** Vapi's assistant-request for a call to a number Vapi knows by `vapiPhoneNumberId`, sent with our shared secret. */
async function assistantRequestTo(vapiPhoneNumberId: string, number: string) {
  const callId = `vapi-call-${++vapiCallSequence}-${randomBytes(4).toString("hex")}`;
  const message = assistantRequestMessage(
    { id: callId, orgId: "vapi-org-stand-in", createdAtMs: Date.now(), phoneNumberId: vapiPhoneNumberId, number, callerNumber: "+12125550123" },
    Date.now(),
  );
  const res = await t.platform.app.request("/webhooks/vapi", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${VAPI_WEBHOOK_SECRET}` },
    body: JSON.stringify({ message }),
  });
  expect(res.status).toBe(200);
  return { callId, body: (await res.json()) as Record<string, any> };
}

const vapiNumberOf = (number: string) => vapiApi.phoneNumbers().find((n) => n.number === number);
const twilioNumberOf = (number: string) => twilioApi.incomingNumbers().find((n) => n.phoneNumber === number);

describe("Twilio numbers imported into Vapi", () => {
  it("a number bought in the platform's Twilio account is imported into Vapi with that account's credentials and our server URL", async () => {
    const owner = await orgOnPlan();
    const assistant = await createCustom(t, owner);
    const created = await provision(owner, { provider: "twilio", number: "+14152220011", label: "Front desk", assistantId: assistant.id });
    expect(created.vapiStatus).toBe("connected");

    const imported = vapiApi.requests.find((r) => r.method === "POST" && r.path === "/phone-number" && r.body?.number === "+14152220011")!;
    expect(imported.authorization).toBe(`Bearer ${VAPI_KEY}`);
    expect(imported.body).toEqual({
      provider: "twilio",
      number: "+14152220011",
      twilioAccountSid: PLATFORM_SID,
      twilioAuthToken: PLATFORM_TOKEN,
      smsEnabled: false,
      server: { url: `${APP_URL}/webhooks/vapi`, headers: { "X-Vapi-Secret": VAPI_WEBHOOK_SECRET } },
      name: "Front desk",
    });
    // Vapi took over the number's voice URL in the account it lives in.
    expect(twilioNumberOf("+14152220011")).toMatchObject({ accountSid: PLATFORM_SID, voiceUrl: `${vapiApi.url}${VAPI_TWILIO_INBOUND_PATH}` });
    const vapiId = vapiNumberOf("+14152220011")!.id as string;
    expect(await directoryRow(created.number)).toMatchObject({ provider: "twilio", vapi_phone_number_id: vapiId, organization_id: owner.organizationId });
    expect(await resolveNumber(t.platform.ctx, { vapiPhoneNumberId: vapiId })).toMatchObject({ phoneNumberId: created.id, vapiPhoneNumberId: vapiId });

    const call = await assistantRequestTo(vapiId, created.number);
    expect(call.body.assistant.metadata).toMatchObject({ organizationId: owner.organizationId, assistantId: assistant.id });
    const calls = await t.api.get(`/api/v1/orgs/${owner.organizationId}/calls`, { token: owner.accessToken });
    expect(calls.body.items.map((c: { phoneNumberId: string; isTest: boolean }) => [c.phoneNumberId, c.isTest])).toEqual([[created.id, false]]);
  });

  it("a call to one organization's imported number never reaches another organization", async () => {
    const a = await orgOnPlan();
    const b = await orgOnPlan();
    const [assistantA, assistantB] = [await createCustom(t, a), await createCustom(t, b)];
    const numberA = await provision(a, { provider: "twilio", number: "+14152220012", assistantId: assistantA.id });
    const numberB = await provision(b, { provider: "twilio", number: "+14152220013", assistantId: assistantB.id });
    const [idA, idB] = [vapiNumberOf(numberA.number)!.id as string, vapiNumberOf(numberB.number)!.id as string];

    const toB = await assistantRequestTo(idB, numberB.number);
    expect(toB.body.assistant.metadata).toMatchObject({ organizationId: b.organizationId, assistantId: assistantB.id });
    // Vapi's phone number id decides, whatever number the message names.
    const toA = await assistantRequestTo(idA, numberB.number);
    expect(toA.body.assistant.metadata).toMatchObject({ organizationId: a.organizationId, assistantId: assistantA.id });

    const { rows } = await t.ownerQuery<{ provider_call_id: string; organization_id: string }>(
      "SELECT provider_call_id, organization_id FROM calls WHERE provider_call_id = ANY($1) ORDER BY organization_id",
      [[toA.callId, toB.callId]],
    );
    expect(new Map(rows.map((r) => [r.provider_call_id, r.organization_id]))).toEqual(
      new Map([
        [toA.callId, a.organizationId],
        [toB.callId, b.organizationId],
      ]),
    );
    const listA = await t.api.get(`/api/v1/orgs/${a.organizationId}/calls`, { token: a.accessToken });
    expect(listA.body.items.map((c: { phoneNumberId: string }) => c.phoneNumberId)).toEqual([numberA.id]);
  });

  it("release deletes the number at Vapi and at Twilio, and its calls no longer resolve", async () => {
    const owner = await orgOnPlan();
    const created = await provision(owner, { provider: "twilio", number: "+14152220014" });
    const vapiId = vapiNumberOf(created.number)!.id as string;
    const { rows } = await t.ownerQuery<{ provider_number_id: string }>("SELECT provider_number_id FROM phone_numbers WHERE id = $1", [created.id]);
    const sid = rows[0]!.provider_number_id;

    const released = await t.api.post(`${numbersPath(owner)}/${created.id}/release`, undefined, { token: owner.accessToken });
    expect(released.status, released.text).toBe(200);
    expect(vapiApi.requests.some((r) => r.method === "DELETE" && r.path === `/phone-number/${vapiId}`)).toBe(true);
    expect(vapiNumberOf(created.number)).toBeUndefined();
    expect(twilioApi.requests.some((r) => r.method === "DELETE" && r.path.endsWith(`/IncomingPhoneNumbers/${sid}.json`))).toBe(true);
    expect(twilioNumberOf(created.number)).toBeUndefined();
    expect(await directoryRow(created.number)).toBeUndefined();
    expect(await resolveNumber(t.platform.ctx, { vapiPhoneNumberId: vapiId })).toBeNull();
    expect((await assistantRequestTo(vapiId, created.number)).body.error).toMatch(/not in service/);
  });

  it("when Vapi is down or refuses the number, the Twilio number is released again and the user is told so", async () => {
    const owner = await orgOnPlan();
    const attempts: [() => void, number, string][] = [
      [() => vapiApi.setDown(true), 502, "VENDOR_UNAVAILABLE"],
      [() => vapiApi.failPhoneNumberCreates(400), 422, "VENDOR_REJECTED"],
    ];
    for (const [breakVapi, status, code] of attempts) {
      breakVapi();
      try {
        const res = await t.api.post(numbersPath(owner), { provider: "twilio", number: "+14152220015" }, { token: owner.accessToken });
        expectProblem(res, status, code);
        expect(res.body.detail).toMatch(/\+14152220015/);
        expect(res.body.detail).toMatch(/released at Twilio again, so nothing was bought/);
      } finally {
        vapiApi.setDown(false);
        vapiApi.failPhoneNumberCreates(null);
      }
      const bought = twilioApi.requests.filter((r) => r.method === "POST" && r.form.get("PhoneNumber") === "+14152220015");
      expect(bought.length).toBeGreaterThan(0);
      expect(twilioNumberOf("+14152220015")).toBeUndefined();
      expect(vapiNumberOf("+14152220015")).toBeUndefined();
    }
    const list = await t.api.get(numbersPath(owner), { token: owner.accessToken });
    expect(list.body.items).toEqual([]);
    expect(await directoryRow("+14152220015")).toBeUndefined();
    // Nothing was left half-done: the same number can be provisioned once Vapi is back.
    expect((await provision(owner, { provider: "twilio", number: "+14152220015" })).vapiStatus).toBe("connected");
  });

  it("a number bought in the customer's own Twilio account is imported with their credentials and released there", async () => {
    const owner = await orgOnPlan();
    const accountSid = `AC${randomBytes(16).toString("hex")}`;
    const authToken = randomBytes(16).toString("hex");
    const creds = await t.api.post(credentialsPath(owner), { provider: "twilio", accountSid, authToken }, { token: owner.accessToken });
    const created = await provision(owner, { provider: "twilio", number: "+13052220011", credentialsId: creds.body.id });
    expect(created.vapiStatus).toBe("connected");
    const imported = vapiApi.requests.find((r) => r.method === "POST" && r.body?.number === "+13052220011")!;
    expect(imported.body).toMatchObject({
      provider: "twilio",
      twilioAccountSid: accountSid,
      twilioAuthToken: authToken,
      server: { url: `${APP_URL}/webhooks/vapi` },
    });
    expect(twilioNumberOf("+13052220011")).toMatchObject({ accountSid, voiceUrl: `${vapiApi.url}${VAPI_TWILIO_INBOUND_PATH}` });
    const vapiId = vapiNumberOf("+13052220011")!.id as string;
    expect((await assistantRequestTo(vapiId, created.number)).body.assistant?.metadata?.organizationId).toBe(owner.organizationId);

    const released = await t.api.post(`${numbersPath(owner)}/${created.id}/release`, undefined, { token: owner.accessToken });
    expect(released.status, released.text).toBe(200);
    expect(vapiNumberOf("+13052220011")).toBeUndefined();
    expect(twilioNumberOf("+13052220011")).toBeUndefined();
    expect(twilioApi.requests.at(-1)).toMatchObject({ method: "DELETE", accountSid });
  });
});

describe("Twilio numbers on a platform without a Vapi key", () => {
  let local: TestPlatform;
  beforeAll(async () => {
    local = await startTestPlatform({
      env: { APP_URL, TWILIO_ACCOUNT_SID: PLATFORM_SID, TWILIO_AUTH_TOKEN: PLATFORM_TOKEN, TWILIO_API_BASE_URL: twilioApi.url, VAPI_BASE_URL: vapiApi.url },
    });
  });
  afterAll(async () => {
    await local?.stop();
  });

  it("skips the Vapi import, says so on the number, and its calls hear that it is not in service", async () => {
    const owner = await createOrgWithOwner(local);
    await local.ownerQuery("UPDATE organizations SET plan_id = 'enterprise' WHERE id = $1", [owner.organizationId]);
    const vapiRequestsBefore = vapiApi.requests.length;
    const res = await local.api.post(numbersPath(owner), { provider: "twilio", number: "+14152220016" }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(201);
    expect(res.body.vapiStatus).toBe("not_configured");
    expect(vapiApi.requests.length).toBe(vapiRequestsBefore);
    expect(twilioNumberOf("+14152220016")?.voiceUrl).toBe(`${APP_URL}/webhooks/twilio/voice`);

    const params = { CallSid: "CA16", AccountSid: PLATFORM_SID, From: "+14155550100", To: "+14152220016" };
    const voice = await local.api.request("POST", "/webhooks/twilio/voice", {
      rawBody: new URLSearchParams(params).toString(),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": twilio.getExpectedTwilioSignature(PLATFORM_TOKEN, `${APP_URL}/webhooks/twilio/voice`, params),
      },
    });
    expect(voice.status, voice.text).toBe(200);
    expect(voice.text).toContain("<Say>The number you have called is not in service.</Say><Hangup/>");

    const released = await local.api.post(`${numbersPath(owner)}/${res.body.id}/release`, undefined, { token: owner.accessToken });
    expect(released.status, released.text).toBe(200);
    expect(twilioNumberOf("+14152220016")).toBeUndefined();
  });
});

describe("routing", () => {
  it("sets open-hours and after-hours routing; an assistant of another organization is 422", async () => {
    const owner = await orgOnPlan();
    const [open, night] = [await createCustom(t, owner), await createCustom(t, owner, { name: "Night desk" })];
    const number = await provision(owner, { provider: "sandbox", areaCode: "212" });
    const routing = { openAssistantId: open.id, afterHours: { mode: "assistant", assistantId: night.id } };
    const res = await t.api.patch(`${numbersPath(owner)}/${number.id}`, { label: "Shop", routing }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ label: "Shop", routing });

    const stranger = await orgOnPlan();
    const foreign = await createCustom(t, stranger);
    const bad = await t.api.patch(
      `${numbersPath(owner)}/${number.id}`,
      { routing: { openAssistantId: open.id, afterHours: { mode: "assistant", assistantId: foreign.id } } },
      { token: owner.accessToken },
    );
    expectProblem(bad, 422, "VALIDATION_FAILED");
    expect(bad.body.errors[0].path).toBe("body.routing.afterHours.assistantId");
    expectProblem(
      await t.api.post(numbersPath(owner), { provider: "sandbox", areaCode: "212", assistantId: foreign.id }, { token: owner.accessToken }),
      422,
      "VALIDATION_FAILED",
    );

    const forwardToUs = await t.api.patch(
      `${numbersPath(owner)}/${number.id}`,
      { routing: { openAssistantId: null, afterHours: { mode: "forward", forwardTo: number.number } } },
      { token: owner.accessToken },
    );
    expectProblem(forwardToUs, 422, "VALIDATION_FAILED");
  });

  it("resolveNumber caches answers and a routing change in this process invalidates them", async () => {
    const owner = await orgOnPlan();
    const assistant = await createCustom(t, owner);
    const number = await provision(owner, { provider: "sandbox", areaCode: "617" });
    const ctx = t.platform.ctx;
    expect((await resolveNumber(ctx, { number: number.number }))?.routing.openAssistantId).toBeNull();

    // Changed behind the app's back: the cached answer stands until its TTL ends.
    await t.ownerQuery(`UPDATE phone_numbers SET label = 'x', routing = jsonb_set(routing, '{openAssistantId}', to_jsonb($1::text)) WHERE id = $2`, [
      assistant.id,
      number.id,
    ]);
    expect((await resolveNumber(ctx, { number: number.number }))?.routing.openAssistantId).toBeNull();
    t.clock.advance(NUMBER_CACHE_TTL_MS + 1);
    expect((await resolveNumber(ctx, { number: number.number }))?.routing.openAssistantId).toBe(assistant.id);

    // Changed through the API: seen at once.
    const routing = { openAssistantId: assistant.id, afterHours: { mode: "take_message" } };
    await t.api.patch(`${numbersPath(owner)}/${number.id}`, { routing }, { token: owner.accessToken });
    expect((await resolveNumber(ctx, { number: number.number }))?.routing).toEqual(routing);

    // An unknown number is cached as unknown, and provisioning it clears that.
    const unknown = "+16175550199";
    expect(await resolveNumber(ctx, { number: unknown })).toBeNull();
    const later = await provision(owner, { provider: "sandbox", number: unknown });
    expect(await resolveNumber(ctx, { number: unknown })).toMatchObject({ phoneNumberId: later.id, organizationId: owner.organizationId });
  });
});

describe("plan limit", () => {
  it("Free allows one number; a second is 403 PHONE_NUMBER_LIMIT_REACHED; releasing frees the slot", async () => {
    const owner = await orgOnPlan("free");
    const first = await provision(owner, { provider: "sandbox", areaCode: "206" });
    expectProblem(
      await t.api.post(numbersPath(owner), { provider: "sandbox", areaCode: "206" }, { token: owner.accessToken }),
      403,
      "PHONE_NUMBER_LIMIT_REACHED",
    );
    await t.api.post(`${numbersPath(owner)}/${first.id}/release`, undefined, { token: owner.accessToken });
    await provision(owner, { provider: "sandbox", areaCode: "206" });
  });

  it("concurrent provisions on Free: exactly one succeeds, and no vendor number is bought for the others", async () => {
    const owner = await orgOnPlan("free");
    const purchases = () => twilioApi.requests.filter((r) => r.method === "POST" && r.path.endsWith("/IncomingPhoneNumbers.json")).length;
    const before = purchases();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => t.api.post(numbersPath(owner), { provider: "twilio", areaCode: "702" }, { token: owner.accessToken })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 403, 403, 403, 403]);
    expect(purchases() - before).toBe(1);
    const { rows } = await t.ownerQuery("SELECT count(*)::int AS n FROM phone_number_directory WHERE organization_id = $1", [owner.organizationId]);
    expect(rows[0]).toEqual({ n: 1 });
  });
});

describe("customers' own Twilio credentials", () => {
  it("stores the auth token encrypted, never returns it, and lists a masked Account SID", async () => {
    const owner = await orgOnPlan();
    const accountSid = `AC${randomBytes(16).toString("hex")}`;
    const authToken = `tok_${randomBytes(16).toString("hex")}`;
    const res = await t.api.post(credentialsPath(owner), { provider: "twilio", accountSid, authToken, label: "Our Twilio" }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(201);
    expect(res.text).not.toContain(authToken);
    expect(res.text).not.toContain(accountSid);
    expect(res.body).toMatchObject({ provider: "twilio", label: "Our Twilio", accountSidMasked: `${accountSid.slice(0, 4)}…${accountSid.slice(-4)}` });

    const { rows } = await t.ownerQuery<{ secret_encrypted: string; id: string }>(
      "SELECT id, secret_encrypted FROM provider_credentials WHERE organization_id = $1",
      [owner.organizationId],
    );
    const stored = rows[0]!.secret_encrypted;
    expect(stored).not.toContain(authToken);
    expect(stored.startsWith("v1.")).toBe(true);
    const aad = `provider_credentials:${owner.organizationId}:${rows[0]!.id}`;
    expect(decryptSecret(t.platform.ctx.secretsKey, stored, aad)).toBe(authToken);

    const bytes = Buffer.from(stored.slice(3), "base64");
    bytes[20] = (bytes[20] as number) ^ 1;
    expect(() => decryptSecret(t.platform.ctx.secretsKey, `v1.${bytes.toString("base64")}`, aad)).toThrow(/could not be decrypted/);
    expect(() => decryptSecret(t.platform.ctx.secretsKey, stored, `provider_credentials:${owner.organizationId}:pcred_other`)).toThrow(
      /could not be decrypted/,
    );

    const list = await t.api.get(credentialsPath(owner), { token: owner.accessToken });
    expect(list.text).not.toContain(authToken);
    expect(list.body.items).toHaveLength(1);
  });

  it("encrypts with a fresh IV every time", () => {
    const key = t.platform.ctx.secretsKey;
    const a = encryptSecret(key, "same", "aad");
    expect(a).not.toBe(encryptSecret(key, "same", "aad"));
    expect(decryptSecret(key, a, "aad")).toBe("same");
  });

  it("searches and buys in the customer's own account; credentials in use cannot be deleted", async () => {
    const owner = await orgOnPlan();
    const accountSid = `AC${randomBytes(16).toString("hex")}`;
    const creds = await t.api.post(
      credentialsPath(owner),
      { provider: "twilio", accountSid, authToken: randomBytes(16).toString("hex") },
      { token: owner.accessToken },
    );
    const search = await t.api.get(`${numbersPath(owner)}/available?provider=twilio&areaCode=305&credentialsId=${creds.body.id}`, { token: owner.accessToken });
    expect(search.status, search.text).toBe(200);
    expect(twilioApi.requests.at(-1)!.accountSid).toBe(accountSid);
    const number = await provision(owner, { provider: "twilio", number: "+13052220001", credentialsId: creds.body.id });
    expect(number.credentialsId).toBe(creds.body.id);
    expectProblem(await t.api.delete(`${credentialsPath(owner)}/${creds.body.id}`, undefined, { token: owner.accessToken }), 409, "CREDENTIALS_IN_USE");
    await t.api.post(`${numbersPath(owner)}/${number.id}/release`, undefined, { token: owner.accessToken });
    expect(twilioApi.requests.at(-1)).toMatchObject({ method: "DELETE", accountSid });
    const deleted = await t.api.delete(`${credentialsPath(owner)}/${creds.body.id}`, undefined, { token: owner.accessToken });
    expect(deleted.status, deleted.text).toBe(204);
  });
});

describe("Twilio webhooks", () => {
  const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const post = (path: string, params: Record<string, string>, signature?: string) =>
    t.api.request("POST", path, {
      rawBody: form(params),
      headers: { "content-type": "application/x-www-form-urlencoded", ...(signature ? { "x-twilio-signature": signature } : {}) },
    });

  it("a validly signed voice request for our number gets TwiML handing the call to Vapi", async () => {
    const owner = await orgOnPlan();
    const number = await provision(owner, { provider: "twilio", number: "+14152220003" });
    const params = {
      CallSid: `CA${randomBytes(16).toString("hex")}`,
      AccountSid: PLATFORM_SID,
      From: "+14155550100",
      To: number.number,
      CallStatus: "ringing",
      Direction: "inbound",
    };
    const signature = twilio.getExpectedTwilioSignature(PLATFORM_TOKEN, `${APP_URL}/webhooks/twilio/voice`, params);
    const res = await post("/webhooks/twilio/voice", params, signature);
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/xml");
    expect(res.text).toContain("<Response>");
    expect(res.text).toContain(`<Redirect method="POST">${vapiApi.url}/twilio/inbound_call</Redirect>`);
  });

  it("an unknown number hears that it is not in service", async () => {
    const params = { CallSid: "CA1", AccountSid: PLATFORM_SID, From: "+14155550100", To: "+19995550000" };
    const res = await post("/webhooks/twilio/voice", params, twilio.getExpectedTwilioSignature(PLATFORM_TOKEN, `${APP_URL}/webhooks/twilio/voice`, params));
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain("<Say>The number you have called is not in service.</Say><Hangup/>");
  });

  it("a bad, missing or other-account signature is 403; a signed status callback is acknowledged", async () => {
    const params = { CallSid: "CA2", AccountSid: PLATFORM_SID, From: "+14155550100", To: "+14152220001", CallStatus: "completed" };
    const url = `${APP_URL}/webhooks/twilio/status`;
    expect((await post("/webhooks/twilio/status", params)).status).toBe(403);
    expect((await post("/webhooks/twilio/status", params, "bm90IGEgc2lnbmF0dXJl")).status).toBe(403);
    expect((await post("/webhooks/twilio/status", params, twilio.getExpectedTwilioSignature("some-other-token", url, params))).status).toBe(403);
    const tampered = twilio.getExpectedTwilioSignature(PLATFORM_TOKEN, url, params);
    expect((await post("/webhooks/twilio/status", { ...params, CallStatus: "busy" }, tampered)).status).toBe(403);
    expect((await post("/webhooks/twilio/status", params, tampered)).status).toBe(204);
  });

  it("a customer's number is verified with the customer's own token, not the platform's", async () => {
    const owner = await orgOnPlan();
    const accountSid = `AC${randomBytes(16).toString("hex")}`;
    const authToken = randomBytes(16).toString("hex");
    const creds = await t.api.post(credentialsPath(owner), { provider: "twilio", accountSid, authToken }, { token: owner.accessToken });
    const number = await provision(owner, { provider: "twilio", number: "+13052220002", credentialsId: creds.body.id });
    const params = { CallSid: "CA3", AccountSid: accountSid, From: "+14155550100", To: number.number };
    const url = `${APP_URL}/webhooks/twilio/voice`;
    expect((await post("/webhooks/twilio/voice", params, twilio.getExpectedTwilioSignature(PLATFORM_TOKEN, url, params))).status).toBe(403);
    expect((await post("/webhooks/twilio/voice", params, twilio.getExpectedTwilioSignature(authToken, url, params))).status).toBe(200);
  });
});

const numberIds = new WeakMap<SecurityOrg, Promise<Record<string, string>>>();
function securityIds(tp: TestPlatform, org: SecurityOrg) {
  let ids = numberIds.get(org);
  if (!ids) {
    ids = (async () => {
      const number = await tp.api.post(numbersPath(org), { provider: "sandbox", areaCode: "415" }, { token: org.owner.accessToken });
      expect(number.status, number.text).toBe(201);
      const creds = await tp.api.post(
        credentialsPath(org),
        { provider: "twilio", accountSid: `AC${randomBytes(16).toString("hex")}`, authToken: randomBytes(16).toString("hex") },
        { token: org.owner.accessToken },
      );
      expect(creds.status, creds.text).toBe(201);
      return { phoneNumberId: number.body.id as string, credentialsId: creds.body.id as string };
    })();
    numberIds.set(org, ids);
  }
  return ids;
}

const MANAGE_DENIED = ["member", "viewer"] as const;
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/phone-numbers" });
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/phone-numbers/available", deniedRoles: MANAGE_DENIED });
describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/phone-numbers",
  deniedRoles: MANAGE_DENIED,
  body: () => ({ provider: "sandbox", areaCode: "415" }),
});
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/phone-numbers/{phoneNumberId}", subResourceIds: securityIds });
describeRouteSecurity(() => t, {
  method: "PATCH",
  path: "/api/v1/orgs/{orgId}/phone-numbers/{phoneNumberId}",
  deniedRoles: MANAGE_DENIED,
  body: () => ({ label: "Renamed" }),
  subResourceIds: securityIds,
});
describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/phone-numbers/{phoneNumberId}/release",
  deniedRoles: MANAGE_DENIED,
  subResourceIds: securityIds,
});
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/provider-credentials", deniedRoles: MANAGE_DENIED });
describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/provider-credentials",
  deniedRoles: MANAGE_DENIED,
  body: () => ({ provider: "twilio", accountSid: `AC${"0".repeat(32)}`, authToken: "0123456789abcdef0123" }),
});
describeRouteSecurity(() => t, {
  method: "DELETE",
  path: "/api/v1/orgs/{orgId}/provider-credentials/{credentialsId}",
  deniedRoles: MANAGE_DENIED,
  subResourceIds: securityIds,
});
