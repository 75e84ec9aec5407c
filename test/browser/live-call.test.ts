// A live sandbox call in a real browser: an owner with a general-office assistant gets a sandbox
// number on the Phone numbers page, keeps the overview open in a second tab, places a test call from
// the number's "Place a test call" dialog, and watches it appear live and end without a reload; then
// reads its transcript and follows the link to the inbox item it created, and works that item.
// Screenshots: test-results/screenshots/live-*.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createFromTemplate } from "../helpers/assistants.js";
import { createPageWatcher, launchBrowser, saveScreenshot } from "../helpers/browser.js";
import { createOrgWithOwner } from "../helpers/fixtures.js";
import { startTestHttpServer, type TestHttpServer } from "../helpers/http-server.js";

const VIEWPORT = { width: 1440, height: 900 };
let server: TestHttpServer;
let browser: Browser;
const watcher = createPageWatcher();

function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  return saveScreenshot(page, `live-${name}`, options);
}

beforeAll(async () => {
  server = await startTestHttpServer();
  browser = await launchBrowser();
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state !== "fail") return;
  await watcher.photographAll("live-failed-");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("a live call in the browser", () => {
  it("a sandbox call shows up live on the overview, ends, and leads to its transcript and inbox item", async () => {
    const owner = await createOrgWithOwner(server, { name: "Dana Owner", organizationName: "Reyes & Partners" });
    const assistant = await createFromTemplate(server, owner, "general-office", { name: "Front desk", status: "active" });
    expect(assistant.enabledTools).toContain("takeMessage");

    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    watcher.watch(page, "owner");
    await page.goto(`${server.url}/signin`);
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Welcome, Dana" }).waitFor();

    // Phone numbers: none yet; get a sandbox number from the search, labelled, answered by the assistant.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Phone numbers" }).click();
    await page.getByRole("heading", { name: "No phone numbers yet" }).waitFor();
    await page.getByRole("button", { name: "Get a number" }).first().click();
    const getDialog = page.getByRole("dialog", { name: "Get a number" });
    const available = getDialog.getByRole("radiogroup", { name: "Available numbers" });
    await available.getByRole("radio").first().waitFor();
    expect(await available.getByRole("radio").count()).toBeGreaterThan(3);
    await getDialog.getByLabel("Area code").fill("212");
    await getDialog.getByRole("button", { name: "Search" }).click();
    await available.getByText("+1 (212) 555-0100").waitFor();
    await available.getByRole("radio").nth(1).check();
    await getDialog.getByLabel("Label").fill("Main line");
    expect(await getDialog.getByLabel("Assistant").inputValue()).toBe(assistant.id);
    await page.waitForTimeout(300); // the dialog's fade-in
    await screenshot(page, "01-get-a-number", { fullPage: false });
    await getDialog.getByRole("button", { name: "Get +1 (212) 555-0101" }).click();
    await getDialog.waitFor({ state: "detached" });
    const row = page.getByRole("row").filter({ hasText: "+1 (212) 555-0101" });
    await row.waitFor();
    expect(await row.textContent()).toContain("Main line");
    expect(await row.textContent()).toContain("Front desk");
    expect(await row.textContent()).toContain("Sandbox");

    // The routing editor: after hours, take a message.
    await row.getByRole("button", { name: /Routing/ }).click();
    const routing = page.getByRole("dialog", { name: /Routing of/ });
    await routing.getByLabel("Take a message").check();
    await page.waitForTimeout(300);
    await screenshot(page, "02-routing", { fullPage: false });
    await routing.getByRole("button", { name: "Save routing" }).click();
    await routing.waitFor({ state: "detached" });
    await row.getByText("Takes a message").waitFor();
    await screenshot(page, "03-numbers");

    // The dashboard stays open in a second tab for the whole call.
    const dashboard = await context.newPage();
    watcher.watch(dashboard, "dashboard");
    await dashboard.goto(`${server.url}/orgs/${owner.organizationId}`);
    const livePanel = dashboard.getByRole("region", { name: "Live calls" });
    await livePanel.getByText("Live", { exact: true }).waitFor();
    await livePanel.getByText("No calls right now").waitFor();
    await dashboard.evaluate(() => {
      (window as unknown as { __notReloaded: boolean }).__notReloaded = true;
    });

    // Place the test call: the script is prefilled with a caller leaving a message.
    await row.getByRole("button", { name: /Place a test call/ }).click();
    const callDialog = page.getByRole("dialog", { name: /Place a test call/ });
    const script = callDialog.getByLabel("Script");
    expect(await script.inputValue()).toContain("tool: takeMessage");
    await callDialog.getByLabel("Pace").selectOption({ label: "Natural" });
    await page.waitForTimeout(300);
    await screenshot(page, "04-test-call-dialog", { fullPage: false });
    await callDialog.getByRole("button", { name: "Place the call" }).click();
    await callDialog.getByText("The call is under way").waitFor();

    // The overview sees it start, live, without a reload…
    const inProgress = dashboard.getByRole("list", { name: "Calls in progress" });
    await inProgress.getByRole("listitem").first().waitFor({ timeout: 15_000 });
    expect(await inProgress.textContent()).toContain("Front desk");
    await screenshot(dashboard, "05-overview-live");
    // …and end.
    await livePanel.getByText("No calls right now").waitFor({ timeout: 30_000 });
    expect(await dashboard.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
    await screenshot(dashboard, "06-overview-ended");

    // The calls list has it, ended; its page has the transcript and the message the assistant took.
    await dashboard.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calls" }).click();
    const callRow = dashboard.getByRole("row").filter({ hasText: "Front desk" });
    await callRow.getByText("Ended", { exact: true }).waitFor({ timeout: 15_000 });
    await screenshot(dashboard, "07-calls");
    await callRow.getByRole("link").first().click();
    const transcript = dashboard.getByRole("region", { name: "Transcript" });
    await transcript
      .getByText(/Jamie Rivera/)
      .first()
      .waitFor();
    expect(await transcript.textContent()).toContain("invoice");
    const actions = dashboard.getByRole("region", { name: "Actions" });
    await actions.getByText("takeMessage").waitFor();
    await screenshot(dashboard, "08-call-detail");

    // The inbox item it created, opened beside the inbox list.
    await actions.getByRole("link", { name: "Open in inbox" }).click();
    const item = dashboard.getByRole("complementary", { name: /Message from Jamie Rivera/ });
    await item.waitFor();
    expect(await item.textContent()).toContain("Please call back about last week's invoice.");
    expect(await item.textContent()).toContain("+1 (415) 555-2671");
    expect(dashboard.url()).toContain("item=");
    await dashboard.getByRole("region", { name: "Inbox items" }).getByText("Message from Jamie Rivera").waitFor();

    // Work it: start, assign, note, done.
    await item.getByRole("button", { name: "Start" }).click();
    await item.getByText("In progress", { exact: true }).waitFor();
    await item.getByLabel("Assignee").selectOption({ label: "Dana Owner" });
    await item.getByLabel("Add a note").fill("Called back, sent the invoice again.");
    await item.getByRole("button", { name: "Add note" }).click();
    await item.getByText("Called back, sent the invoice again.").waitFor();
    await screenshot(dashboard, "09-inbox-item");
    await item.getByRole("button", { name: "Mark done" }).click();
    await item.getByText("Done", { exact: true }).waitFor();
    await dashboard.getByRole("link", { name: "Open the call" }).waitFor();

    // The filters: done messages show it, new ones do not.
    await dashboard.getByRole("search").getByLabel("Status").selectOption({ label: "New" });
    await dashboard.getByRole("heading", { name: "Nothing matches these filters" }).waitFor();
    await dashboard.getByRole("search").getByLabel("Status").selectOption({ label: "Done" });
    await dashboard.getByRole("region", { name: "Inbox items" }).getByText("Message from Jamie Rivera").waitFor();
    await screenshot(dashboard, "10-inbox-filtered");

    expect(watcher.errors).toEqual([]);
    await context.close();
  }, 180_000);
});
