// Settings → Notifications in a real browser: an owner sees the defaults, changes which events
// email and text, adds an address and a number (a bad number is refused under its field), sets
// quiet hours, saves, and finds it all saved after a reload and through the API; a viewer only
// reads. Screenshots: test-results/screenshots/notifications-*.
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPageWatcher, launchBrowser, SCREENSHOTS_DIR, saveScreenshot } from "../helpers/browser.js";
import { addTeammate, createOrgWithOwner } from "../helpers/fixtures.js";
import { startTestHttpServer, type TestHttpServer } from "../helpers/http-server.js";

const VIEWPORT = { width: 1280, height: 900 };
let server: TestHttpServer;
let browser: Browser;
const watcher = createPageWatcher();

beforeAll(async () => {
  server = await startTestHttpServer();
  browser = await launchBrowser();
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state !== "fail") return;
  await watcher.photographAll("notifications-failed-");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${server.url}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: /^Welcome/ }).waitFor();
}

async function panelOf(page: Page) {
  const panel = page.getByRole("region", { name: "Notifications", exact: true });
  await panel.getByRole("group", { name: "Email about" }).waitFor();
  return panel;
}

describe("notification settings in the browser", () => {
  it("an owner edits events, recipients and quiet hours, sees a field error, saves, and finds them saved", async () => {
    const owner = await createOrgWithOwner(server, { name: "Nora Owner", organizationName: "Night Owl Plumbing" });
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    watcher.watch(page, "owner");
    await signIn(page, owner.email, owner.password);
    await page.goto(`${server.url}/orgs/${owner.organizationId}/settings`);
    let panel = await panelOf(page);
    const emailAbout = panel.getByRole("group", { name: "Email about" });
    const textAbout = panel.getByRole("group", { name: "Text about" });

    // The defaults: every event by email, texts only for urgent escalations, the owners emailed, no quiet hours.
    expect(await emailAbout.getByRole("checkbox").count()).toBe(7);
    for (const box of await emailAbout.getByRole("checkbox").all()) expect(await box.isChecked()).toBe(true);
    expect(await textAbout.getByLabel("Urgent escalations").isChecked()).toBe(true);
    expect(await textAbout.getByLabel("Messages").isChecked()).toBe(false);
    expect(await panel.getByLabel("Email the owners").isChecked()).toBe(true);
    expect(await panel.getByLabel("Hold notifications during quiet hours").isChecked()).toBe(false);
    await expect.poll(() => panel.getByRole("button", { name: "Save notifications" }).isDisabled()).toBe(true);

    await emailAbout.getByLabel("Orders").uncheck();
    await textAbout.getByLabel("Messages").check();
    await panel.getByRole("button", { name: "Add email address" }).click();
    await panel.getByLabel("Email address 1", { exact: true }).fill("frontdesk@example.com");
    await panel.getByRole("button", { name: "Add phone number" }).click();
    await panel.getByLabel("Phone number 1", { exact: true }).fill("+1 415 555");
    await panel.getByLabel("Hold notifications during quiet hours").check();
    await panel.getByLabel("From", { exact: true }).fill("22:00");
    await panel.getByLabel("Until", { exact: true }).fill("06:30");
    await panel.getByRole("group", { name: "Starting on" }).getByLabel("Saturday").uncheck();

    // A bad number: refused by the API, its message under the field, nothing saved.
    await panel.getByRole("button", { name: "Save notifications" }).click();
    const phoneRow = panel.getByRole("group", { name: "Phone numbers for texts" }).getByRole("listitem");
    await phoneRow.getByText("Enter a valid phone number in international format, e.g. +14155550123.").waitFor();
    expect(await panel.getByLabel("Phone number 1", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await panel.getByRole("alert").filter({ hasText: "Not saved" }).waitFor();
    await saveScreenshot(page, "notifications-01-field-error");
    const unsaved = await server.api.get(`/api/v1/orgs/${owner.organizationId}/notification-settings`, { token: owner.accessToken });
    expect(unsaved.body.updatedAt).toBeNull();

    await panel.getByLabel("Phone number 1", { exact: true }).fill("+1 415 555 2671");
    await panel.getByRole("button", { name: "Save notifications" }).click();
    await page.getByText("Notification settings saved").first().waitFor();
    await expect.poll(() => panel.getByRole("alert").filter({ hasText: "Not saved" }).count()).toBe(0);
    await saveScreenshot(page, "notifications-02-saved");

    const saved = await server.api.get(`/api/v1/orgs/${owner.organizationId}/notification-settings`, { token: owner.accessToken });
    expect(saved.body).toMatchObject({
      email: { owners: true, addresses: ["frontdesk@example.com"] },
      sms: { numbers: ["+14155552671"] },
      quietHours: { start: "22:00", end: "06:30", days: [0, 1, 2, 3, 4, 5] },
    });
    expect(saved.body.email.events).not.toContain("order");
    expect(saved.body.email.events).toHaveLength(6);
    expect([...saved.body.sms.events].sort()).toEqual(["message", "urgent_escalation"]);

    // After a reload the form shows what was saved.
    await page.reload();
    panel = await panelOf(page);
    expect(await panel.getByRole("group", { name: "Email about" }).getByLabel("Orders").isChecked()).toBe(false);
    expect(await panel.getByRole("group", { name: "Text about" }).getByLabel("Messages").isChecked()).toBe(true);
    expect(await panel.getByLabel("Email address 1", { exact: true }).inputValue()).toBe("frontdesk@example.com");
    expect(await panel.getByLabel("Phone number 1", { exact: true }).inputValue()).toBe("+14155552671");
    expect(await panel.getByLabel("From", { exact: true }).inputValue()).toBe("22:00");
    expect(await panel.getByLabel("Until", { exact: true }).inputValue()).toBe("06:30");
    expect(await panel.getByRole("group", { name: "Starting on" }).getByLabel("Saturday").isChecked()).toBe(false);
    expect(await panel.getByRole("group", { name: "Starting on" }).getByLabel("Sunday").isChecked()).toBe(true);
    await panel.screenshot({ path: path.join(SCREENSHOTS_DIR, "notifications-03-panel.png") });

    // A viewer reads the same settings but cannot change them.
    const viewer = await addTeammate(server, owner, "viewer");
    const viewerContext = await browser.newContext({ viewport: VIEWPORT });
    const viewerPage = await viewerContext.newPage();
    watcher.watch(viewerPage, "viewer");
    await signIn(viewerPage, viewer.email, viewer.password);
    await viewerPage.goto(`${server.url}/orgs/${owner.organizationId}/settings`);
    const viewerPanel = await panelOf(viewerPage);
    expect(await viewerPanel.getByLabel("Phone number 1", { exact: true }).inputValue()).toBe("+14155552671");
    expect(await viewerPanel.getByLabel("Phone number 1", { exact: true }).isDisabled()).toBe(true);
    expect(await viewerPanel.getByRole("button", { name: "Save notifications" }).count()).toBe(0);
    await viewerPanel.getByText("Only owners and admins can change this.").waitFor();

    // The refused save is the one error the browser logs (its 422 response).
    expect(watcher.errors.filter((e) => !(e.includes("status of 422") && e.includes("/notification-settings")))).toEqual([]);
    expect(watcher.errors).toHaveLength(1);
    await viewerContext.close();
    await context.close();
  }, 120_000);
});
