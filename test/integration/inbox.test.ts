// The inbox and contacts API: filters, cursor pagination, the status workflow, assignees (members
// only), notes, an appointment item with its appointment, and every route's security cases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFromTemplate, fetchTemplate, sampleValues } from "../helpers/assistants.js";
import { insertCall, runTool } from "../helpers/calls.js";
import { addTeammate, createOrgWithOwner, type TestOrgOwner, type TestUser } from "../helpers/fixtures.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { describeRouteSecurity, type SecurityOrg } from "../helpers/route-security.js";

let t: TestPlatform;
let owner: TestOrgOwner;
let viewer: TestUser;
let member: TestUser;
let office: { id: string };

const inbox = (orgId: string, rest = "") => `/api/v1/orgs/${orgId}/inbox${rest}`;
const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6] as const;

async function message(orgId: string, assistantId: string, callerName: string, callbackNumber = "+14155550150") {
  const call = await insertCall(t, orgId, assistantId);
  const res = await runTool(t, call, "takeMessage", { callerName, callbackNumber, message: `Message from ${callerName}`, urgency: "normal" });
  expect(res.result, res.error).toBeDefined();
  const { rows } = await t.ownerQuery<{ id: string; contact_id: string }>("SELECT id, contact_id FROM inbox_items WHERE call_id = $1", [call.callId]);
  return rows[0]!;
}

beforeAll(async () => {
  t = await startTestPlatform();
  owner = await createOrgWithOwner(t);
  await t.ownerQuery("UPDATE organizations SET plan_id = 'enterprise' WHERE id = $1", [owner.organizationId]);
  [viewer, member] = await Promise.all([addTeammate(t, owner, "viewer"), addTeammate(t, owner, "member")]);
  office = await createFromTemplate(t, owner, "general-office");
});
afterAll(() => t?.stop());

describe("listing", () => {
  it("lists newest first with kind/status/assignee/q filters and cursor pagination; viewers may read", async () => {
    const names = ["Quinn Alpha", "Quinn Bravo", "Quinn Charlie", "Quinn Delta", "Quinn Echo"];
    const ids: string[] = [];
    for (const name of names) ids.push((await message(owner.organizationId, office.id, name)).id);
    const first = await t.api.get(`${inbox(owner.organizationId)}?q=quinn&limit=2`, { token: viewer.accessToken });
    expect(first.status, first.text).toBe(200);
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([ids[4], ids[3]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.api.get(`${inbox(owner.organizationId)}?q=quinn&limit=2&cursor=${first.body.nextCursor}`, { token: viewer.accessToken });
    expect(second.body.items.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    const third = await t.api.get(`${inbox(owner.organizationId)}?q=quinn&limit=2&cursor=${second.body.nextCursor}`, { token: viewer.accessToken });
    expect(third.body.items.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
    expect(third.body.nextCursor).toBeNull();

    expect((await t.api.get(`${inbox(owner.organizationId)}?q=bravo`, { token: owner.accessToken })).body.items.map((i: { id: string }) => i.id)).toEqual([
      ids[1],
    ]);
    expect((await t.api.get(`${inbox(owner.organizationId)}?kind=order`, { token: owner.accessToken })).body.items).toEqual([]);
    await t.api.patch(inbox(owner.organizationId, `/${ids[0]}`), { status: "in_progress", assigneeUserId: member.userId }, { token: member.accessToken });
    const mine = await t.api.get(`${inbox(owner.organizationId)}?assignee=${member.userId}&status=in_progress`, { token: owner.accessToken });
    expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
    const unassigned = await t.api.get(`${inbox(owner.organizationId)}?assignee=none&q=quinn`, { token: owner.accessToken });
    expect(unassigned.body.items).toHaveLength(4);
    const bad = await t.api.get(`${inbox(owner.organizationId)}?cursor=garbage`, { token: owner.accessToken });
    expect(bad.status).toBe(422);
    expect((await t.api.get(`${inbox(owner.organizationId)}?status=archived`, { token: owner.accessToken })).status).toBe(422);
  });
});

describe("one item", () => {
  it("follows the status workflow and refuses other changes with 422", async () => {
    const item = await message(owner.organizationId, office.id, "Workflow Walt");
    const path = inbox(owner.organizationId, `/${item.id}`);
    const patch = (body: unknown) => t.api.patch(path, body, { token: member.accessToken });
    expect((await patch({ status: "in_progress" })).body.status).toBe("in_progress");
    expect((await patch({ status: "done" })).body.status).toBe("done");
    const refused = await patch({ status: "cancelled" });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].path).toBe("body.status");
    expect((await patch({ status: "in_progress" })).body.status).toBe("in_progress");
    expect((await patch({ status: "cancelled" })).body.status).toBe("cancelled");
    expect((await patch({ status: "done" })).status).toBe(422);
    expect((await patch({ status: "new" })).body.status).toBe("new");
    expect((await t.api.patch(path, { status: "done" }, { token: viewer.accessToken })).status).toBe(403);
  });

  it("assigns only members (422 otherwise), unassigns with null, and keeps notes in order", async () => {
    const item = await message(owner.organizationId, office.id, "Assign Ada");
    const path = inbox(owner.organizationId, `/${item.id}`);
    const stranger = await createOrgWithOwner(t);
    const refused = await t.api.patch(path, { assigneeUserId: stranger.userId }, { token: owner.accessToken });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].path).toBe("body.assigneeUserId");
    expect((await t.api.patch(path, { assigneeUserId: viewer.userId }, { token: owner.accessToken })).body.assigneeUserId).toBe(viewer.userId);
    expect((await t.api.patch(path, { assigneeUserId: null }, { token: owner.accessToken })).body.assigneeUserId).toBeNull();
    const first = await t.api.post(`${path}/notes`, { text: "Called, no answer" }, { token: member.accessToken });
    expect(first.status, first.text).toBe(201);
    await t.api.post(`${path}/notes`, { text: "Left voicemail" }, { token: owner.accessToken });
    const got = await t.api.get(path, { token: viewer.accessToken });
    expect(got.body.notes.map((n: { text: string; authorUserId: string }) => [n.text, n.authorUserId])).toEqual([
      ["Called, no answer", member.userId],
      ["Left voicemail", owner.userId],
    ]);
    expect(got.body.callId).toMatch(/^call_/);
    expect((await t.api.post(`${path}/notes`, { text: "   " }, { token: owner.accessToken })).status).toBe(422);
  });

  it("shows an appointment item with its appointment; cancelling the item frees the slot", async () => {
    const template = await fetchTemplate(t, "dental-clinic");
    const dental = await createFromTemplate(t, owner, "dental-clinic", {
      businessHours: { timezone: "UTC", weekly: ALL_DAYS.map((day) => ({ day, open: "09:00", close: "17:00" })), holidays: [] },
      variables: { ...sampleValues(template.variables), services: [{ name: "Checkup", priceCents: 0, durationMinutes: 30 }] },
    });
    const call = await insertCall(t, owner.organizationId, dental.id);
    const date = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const booked = await runTool(t, call, "bookAppointment", {
      callerName: "Pat",
      callbackNumber: "+14155550151",
      service: "Checkup",
      startsAt: `${date}T09:00`,
    });
    expect(booked.result).toMatch(/^Booked/);
    const list = await t.api.get(`${inbox(owner.organizationId)}?kind=appointment`, { token: owner.accessToken });
    const id = list.body.items[0].id;
    const got = await t.api.get(inbox(owner.organizationId, `/${id}`), { token: owner.accessToken });
    expect(got.body.appointment).toMatchObject({ service: "Checkup", status: "booked", startsAt: `${date}T09:00:00.000Z`, endsAt: `${date}T09:30:00.000Z` });
    await t.api.patch(inbox(owner.organizationId, `/${id}`), { status: "cancelled" }, { token: owner.accessToken });
    expect((await t.api.get(inbox(owner.organizationId, `/${id}`), { token: owner.accessToken })).body.appointment.status).toBe("cancelled");
    const again = await runTool(t, call, "bookAppointment", {
      callerName: "Pia",
      callbackNumber: "+14155550152",
      service: "Checkup",
      startsAt: `${date}T09:00`,
    });
    expect(again.result).toMatch(/^Booked/);
  });

  it("answers 404 for another organization's item id", async () => {
    const other = await createOrgWithOwner(t);
    const otherOffice = await createFromTemplate(t, other, "general-office");
    const foreign = await message(other.organizationId, otherOffice.id, "Foreign Fred");
    expect((await t.api.get(inbox(owner.organizationId, `/${foreign.id}`), { token: owner.accessToken })).status).toBe(404);
    expect((await t.api.patch(inbox(owner.organizationId, `/${foreign.id}`), { status: "done" }, { token: owner.accessToken })).status).toBe(404);
    const list = await t.api.get(`${inbox(owner.organizationId)}?q=Foreign`, { token: owner.accessToken });
    expect(list.body.items).toEqual([]);
  });
});

describe("contacts", () => {
  it("lists callers by name or phone and shows a contact's recent items", async () => {
    const item = await message(owner.organizationId, office.id, "Contact Cora", "+14155550160");
    await message(owner.organizationId, office.id, "Contact Cora", "+14155550160");
    const byPhone = await t.api.get(`/api/v1/orgs/${owner.organizationId}/contacts?q=555-0160`, { token: viewer.accessToken });
    expect(byPhone.status, byPhone.text).toBe(200);
    expect(byPhone.body.items).toEqual([expect.objectContaining({ id: item.contact_id, phone: "+14155550160", name: "Contact Cora" })]);
    const byName = await t.api.get(`/api/v1/orgs/${owner.organizationId}/contacts?q=cora`, { token: viewer.accessToken });
    expect(byName.body.items.map((c: { id: string }) => c.id)).toEqual([item.contact_id]);
    const got = await t.api.get(`/api/v1/orgs/${owner.organizationId}/contacts/${item.contact_id}`, { token: viewer.accessToken });
    expect(got.body.recentItems).toHaveLength(2);
  });
});

// Security cases: one inbox item (and its contact) per security organization.
const subIds = new Map<string, Promise<Record<string, string>>>();
function itemIds(tt: TestPlatform, org: SecurityOrg) {
  let ids = subIds.get(org.organizationId);
  if (!ids) {
    ids = (async () => {
      const assistant = await createFromTemplate(tt, org.owner, "general-office");
      const item = await message(org.organizationId, assistant.id, `Security ${org.slug}`);
      return { itemId: item.id, contactId: item.contact_id };
    })();
    subIds.set(org.organizationId, ids);
  }
  return ids;
}

describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/inbox" });
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/inbox/{itemId}", subResourceIds: itemIds });
describeRouteSecurity(() => t, {
  method: "PATCH",
  path: "/api/v1/orgs/{orgId}/inbox/{itemId}",
  deniedRoles: ["viewer"],
  body: () => ({ status: "in_progress" }),
  subResourceIds: itemIds,
});
describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/inbox/{itemId}/notes",
  deniedRoles: ["viewer"],
  body: () => ({ text: "A note" }),
  subResourceIds: itemIds,
});
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/contacts" });
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/contacts/{contactId}", subResourceIds: itemIds });
