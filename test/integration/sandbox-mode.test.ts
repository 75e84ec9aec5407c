// Sandbox mode: an organization setting that owners and admins switch (audited), which keeps
// real numbers from being provisioned (409), and cannot be switched on while a real number is active.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statusUpdateMessage } from "../../src/server/modules/sandbox/messages.js";
import { createFromTemplate } from "../helpers/assistants.js";
import { addTeammate, createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { startTwilioStandIn, type TwilioStandIn } from "../helpers/twilio-stand-in.js";
import { startVapiStandIn, type VapiStandIn } from "../helpers/vapi-stand-in.js";

const VAPI_WEBHOOK_SECRET = "vapi-shared-secret-sandbox-mode";

let t: TestPlatform;
let twilioApi: TwilioStandIn;
let vapiApi: VapiStandIn;

beforeAll(async () => {
  [twilioApi, vapiApi] = await Promise.all([startTwilioStandIn(), startVapiStandIn()]);
  t = await startTestPlatform({
    env: {
      TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString("hex")}`,
      TWILIO_AUTH_TOKEN: randomBytes(16).toString("hex"),
      TWILIO_API_BASE_URL: twilioApi.url,
      VAPI_API_KEY: "vapi-test-key",
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

const orgPath = (owner: { organizationId: string }) => `/api/v1/orgs/${owner.organizationId}`;
const numbersPath = (owner: { organizationId: string }) => `${orgPath(owner)}/phone-numbers`;
const randomAreaCode = () => String(200 + Math.floor(Math.random() * 700));

async function setSandboxMode(owner: TestOrgOwner, on: boolean, token = owner.accessToken) {
  return t.api.patch(orgPath(owner), { settings: { sandboxMode: on } }, { token });
}

async function orgWithSandboxMode(on: boolean): Promise<TestOrgOwner> {
  const owner = await createOrgWithOwner(t);
  await t.ownerQuery("UPDATE organizations SET plan_id = 'enterprise' WHERE id = $1", [owner.organizationId]);
  if (on) expect((await setSandboxMode(owner, true)).status).toBe(200);
  return owner;
}

async function sandboxAuditRows(organizationId: string) {
  const { rows } = await t.ownerQuery<{ actor_user_id: string; metadata: Record<string, unknown> }>(
    "SELECT actor_user_id, metadata FROM audit_log WHERE organization_id = $1 AND action = 'org.sandbox_mode_changed' ORDER BY created_at",
    [organizationId],
  );
  return rows;
}

describe("switching sandbox mode", () => {
  it("is off for a new organization, and an owner turns it on and off: GET shows it and each change is audited", async () => {
    const owner = await createOrgWithOwner(t);
    const fresh = await t.api.get(orgPath(owner), { token: owner.accessToken });
    expect(fresh.status).toBe(200);
    expect(fresh.body.settings.sandboxMode ?? false).toBe(false);

    const on = await setSandboxMode(owner, true);
    expect(on.status, on.text).toBe(200);
    expect(on.body.settings).toMatchObject({ sandboxMode: true });
    const read = await t.api.get(orgPath(owner), { token: owner.accessToken });
    expect(read.body.settings.sandboxMode).toBe(true);
    const list = await t.api.get("/api/v1/orgs", { token: owner.accessToken });
    expect(list.body.items.find((org: { id: string }) => org.id === owner.organizationId).settings.sandboxMode).toBe(true);

    // Saving the same value again is not a change.
    expect((await setSandboxMode(owner, true)).status).toBe(200);
    const off = await setSandboxMode(owner, false);
    expect(off.status, off.text).toBe(200);
    expect(off.body.settings.sandboxMode).toBe(false);

    expect(await sandboxAuditRows(owner.organizationId)).toEqual([
      { actor_user_id: owner.userId, metadata: { sandboxMode: true } },
      { actor_user_id: owner.userId, metadata: { sandboxMode: false } },
    ]);
    const log = await t.api.get(`${orgPath(owner)}/audit-log`, { token: owner.accessToken });
    expect(log.body.items.filter((entry: { action: string }) => entry.action === "org.sandbox_mode_changed")).toHaveLength(2);
  });

  it("keeps the other settings when it is switched", async () => {
    const owner = await createOrgWithOwner(t);
    expect((await t.api.patch(orgPath(owner), { settings: { recordingDisclosure: "always" } }, { token: owner.accessToken })).status).toBe(200);
    const res = await setSandboxMode(owner, true);
    expect(res.body.settings).toEqual({ recordingDisclosure: "always", sandboxMode: true });
  });

  it("an admin may switch it; a member and a viewer get 403 and nothing changes", async () => {
    const owner = await createOrgWithOwner(t);
    await t.ownerQuery("UPDATE organizations SET plan_id = 'pro' WHERE id = $1", [owner.organizationId]);
    const admin = await addTeammate(t, owner, "admin");
    const member = await addTeammate(t, owner, "member");
    const viewer = await addTeammate(t, owner, "viewer");

    for (const refused of [member, viewer]) {
      const res = await setSandboxMode(owner, true, refused.accessToken);
      expect(res.status, res.text).toBe(403);
      expect(res.body.code).toBe("FORBIDDEN");
    }
    expect((await t.api.get(orgPath(owner), { token: viewer.accessToken })).body.settings.sandboxMode ?? false).toBe(false);
    expect(await sandboxAuditRows(owner.organizationId)).toEqual([]);

    const byAdmin = await setSandboxMode(owner, true, admin.accessToken);
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expect(byAdmin.body.settings.sandboxMode).toBe(true);
    // Everyone in the organization sees it, viewers included (the dashboard shows them the banner).
    expect((await t.api.get(orgPath(owner), { token: viewer.accessToken })).body.settings.sandboxMode).toBe(true);
    expect(await sandboxAuditRows(owner.organizationId)).toEqual([{ actor_user_id: admin.userId, metadata: { sandboxMode: true } }]);
  });

  it("another organization's owner gets 404 and cannot read or change it", async () => {
    const owner = await createOrgWithOwner(t);
    const stranger = await createOrgWithOwner(t);
    const write = await setSandboxMode(owner, true, stranger.accessToken);
    expect(write.status, write.text).toBe(404);
    expect((await t.api.get(orgPath(owner), { token: stranger.accessToken })).status).toBe(404);
    expect((await t.api.get(orgPath(owner), { token: owner.accessToken })).body.settings.sandboxMode ?? false).toBe(false);
  });

  it("answers 401 without credentials and 422 for a value that is not a boolean", async () => {
    const owner = await createOrgWithOwner(t);
    expect((await t.api.patch(orgPath(owner), { settings: { sandboxMode: true } })).status).toBe(401);
    for (const value of ["yes", 1, null]) {
      const res = await t.api.patch(orgPath(owner), { settings: { sandboxMode: value } }, { token: owner.accessToken });
      expect(res.status, res.text).toBe(422);
      expect(res.body.errors.map((error: { path: string }) => error.path)).toContain("body.settings.sandboxMode");
    }
    expect((await t.api.get(orgPath(owner), { token: owner.accessToken })).body.settings.sandboxMode ?? false).toBe(false);
  });
});

describe("provisioning in sandbox mode", () => {
  it("refuses a Twilio number with 409 SANDBOX_MODE_ON without calling Twilio, and allows it again once sandbox mode is off", async () => {
    const owner = await orgWithSandboxMode(true);
    const purchasesBefore = twilioApi.requests.filter((r) => r.method === "POST" && r.path.endsWith("/IncomingPhoneNumbers.json")).length;

    const refused = await t.api.post(numbersPath(owner), { provider: "twilio", areaCode: "415" }, { token: owner.accessToken });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body).toMatchObject({ code: "SANDBOX_MODE_ON", detail: expect.stringMatching(/sandbox mode is on/i) });
    expect(twilioApi.requests.filter((r) => r.method === "POST" && r.path.endsWith("/IncomingPhoneNumbers.json")).length).toBe(purchasesBefore);
    expect((await t.api.get(numbersPath(owner), { token: owner.accessToken })).body.items).toEqual([]);

    expect((await setSandboxMode(owner, false)).status).toBe(200);
    const bought = await t.api.post(numbersPath(owner), { provider: "twilio", areaCode: "415" }, { token: owner.accessToken });
    expect(bought.status, bought.text).toBe(201);
    expect(bought.body.provider).toBe("twilio");
  });

  it("refuses a Vapi number too", async () => {
    const owner = await orgWithSandboxMode(true);
    const refused = await t.api.post(numbersPath(owner), { provider: "vapi", areaCode: "415" }, { token: owner.accessToken });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.code).toBe("SANDBOX_MODE_ON");
  });

  it("still provisions sandbox numbers", async () => {
    const owner = await orgWithSandboxMode(true);
    const res = await t.api.post(numbersPath(owner), { provider: "sandbox", areaCode: randomAreaCode() }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(201);
    expect(res.body.provider).toBe("sandbox");
  });
});

describe("calls in sandbox mode", () => {
  const CREATED_AT_MS = Date.parse("2026-03-02T15:04:05.000Z");

  /** A Vapi message about a call to the number, sent to the webhook as Vapi sends it. */
  async function postVapiMessage(message: unknown) {
    const res = await t.platform.app.request("/webhooks/vapi", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${VAPI_WEBHOOK_SECRET}` },
      body: JSON.stringify({ message }),
    });
    expect(res.status, await res.text()).toBe(200);
  }

  async function callOf(owner: TestOrgOwner, caller: string) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const list = await t.api.get(`${orgPath(owner)}/calls?caller=${encodeURIComponent(caller)}`, { token: owner.accessToken });
      expect(list.status, list.text).toBe(200);
      if (list.body.items.length > 0) return list.body.items[0];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no call from ${caller}`);
  }

  it("sandbox mode can't be switched on while a real number could take real (billed) calls; once it is released, it can", async () => {
    const owner = await orgWithSandboxMode(false);
    const assistant = await createFromTemplate(t, owner, "general-office", { status: "active" });
    const number = await t.api.post(numbersPath(owner), { provider: "vapi", areaCode: "415", assistantId: assistant.id }, { token: owner.accessToken });
    expect(number.status, number.text).toBe(201);
    const { rows } = await t.ownerQuery<{ provider_number_id: string }>("SELECT provider_number_id FROM phone_numbers WHERE id = $1", [number.body.id]);
    const ringing = (callId: string, callerNumber: string) =>
      statusUpdateMessage(
        { id: callId, orgId: "vapi-org", createdAtMs: CREATED_AT_MS, phoneNumberId: rows[0]!.provider_number_id, callerNumber },
        "ringing",
        CREATED_AT_MS + 1000,
      );
    await postVapiMessage(ringing(`vapi-call-${randomBytes(4).toString("hex")}`, "+12125550101"));
    expect(await callOf(owner, "+12125550101")).toMatchObject({ isTest: false });

    const refused = await setSandboxMode(owner, true);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body).toMatchObject({ code: "SANDBOX_MODE_REAL_NUMBERS" });
    expect(refused.body.detail).toContain("a real phone number");
    const org = await t.api.get(orgPath(owner), { token: owner.accessToken });
    expect(org.body.settings.sandboxMode ?? false).toBe(false);

    const released = await t.api.post(`${numbersPath(owner)}/${number.body.id}/release`, {}, { token: owner.accessToken });
    expect(released.status, released.text).toBeLessThan(300);
    expect((await setSandboxMode(owner, true)).status).toBe(200);
  });
});
