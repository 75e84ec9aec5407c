// The test console in a real browser: a clinic owner signs up, switches sandbox mode on (the banner
// follows them on every page), builds an assistant from the Dental & Medical Clinic template, opens its test
// console and books an appointment by text, watching the tool calls inline; then finds the
// appointment in the inbox and the call, marked as a test, in the call log.
// Screenshots: test-results/screenshots/console-*.
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPageWatcher, launchBrowser, SCREENSHOTS_DIR, saveScreenshot } from "../helpers/browser.js";
import { signIn, uniqueEmail } from "../helpers/fixtures.js";
import { startTestHttpServer, type TestHttpServer } from "../helpers/http-server.js";

const VIEWPORT = { width: 1440, height: 900 };
let server: TestHttpServer;
let browser: Browser;
const watcher = createPageWatcher();

function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  return saveScreenshot(page, `console-${name}`, options);
}

beforeAll(async () => {
  server = await startTestHttpServer();
  browser = await launchBrowser();
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state !== "fail") return;
  await watcher.photographAll("console-failed-");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The next weekday (Monday to Friday) after today in UTC, the organization's time zone, e.g. "Tuesday". */
function nextWeekdayName(): string {
  const day = new Date();
  do day.setUTCDate(day.getUTCDate() + 1);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6);
  return day.toLocaleDateString("en-US", { weekday: "long", timeZone: "UTC" });
}

describe("the test console in the browser", () => {
  it("an owner in sandbox mode books an appointment with a dental assistant by text, then finds it in the inbox and the test call in the log", async () => {
    const owner = { name: "Dora Dentist", email: uniqueEmail("dora"), password: "correct horse battery staple", organization: "Bright Smile Dental" };
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    watcher.watch(page, "owner");

    // Sign up.
    await page.goto(`${server.url}/signup`);
    await page.getByLabel("Your name").fill(owner.name);
    await page.getByLabel("Work email").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByLabel("Organization name").fill(owner.organization);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Welcome, Dora" }).waitFor();
    expect(await page.getByRole("region", { name: "Sandbox mode notice" }).count()).toBe(0);

    // Settings: sandbox mode is off; switching it on asks first.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    const sandboxSwitch = page.getByRole("switch", { name: "Sandbox mode" });
    await sandboxSwitch.waitFor();
    expect(await sandboxSwitch.getAttribute("aria-checked")).toBe("false");
    await sandboxSwitch.click();
    const confirm = page.getByRole("dialog", { name: "Turn sandbox mode on?" });
    await confirm.getByText("not billed").waitFor();
    await page.waitForTimeout(300); // the dialog's fade-in
    await screenshot(page, "01-sandbox-confirm", { fullPage: false });
    await confirm.getByRole("button", { name: "Turn sandbox mode on" }).click();
    await confirm.waitFor({ state: "detached" });
    await expect.poll(() => sandboxSwitch.getAttribute("aria-checked")).toBe("true");

    // The banner is on every page from now on, and links back to the setting.
    const banner = page.getByRole("region", { name: "Sandbox mode notice" });
    await banner.waitFor();
    expect(await banner.textContent()).toContain("Sandbox mode is on: calls are simulated and nothing is billed.");
    await screenshot(page, "02-sandbox-on-settings");
    const organizationId = new URL(page.url()).pathname.split("/")[2]!;
    const saved = await server.ownerQuery<{ settings: Record<string, unknown> }>("SELECT settings FROM organizations WHERE id = $1", [organizationId]);
    expect(saved.rows[0]!.settings.sandboxMode).toBe(true);

    // A clinic assistant from the Dental & Medical Clinic template.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assistants" }).click();
    await banner.waitFor();
    await page.getByRole("link", { name: "New assistant" }).first().click();
    await page.getByRole("navigation", { name: "Filter by industry" }).getByRole("link", { name: "Clinic" }).click();
    await page.getByRole("list", { name: "Clinic templates" }).getByRole("link", { name: "Dental & Medical Clinic", exact: true }).click();
    await page.getByRole("link", { name: "Use this template" }).click();
    await page.getByRole("form", { name: "New assistant" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Front desk");
    await page.getByLabel("Practice address").fill("200 Market St, San Francisco, CA 94105");
    const services = page.getByRole("group", { name: "Services and appointment types" });
    await services.getByRole("button", { name: "Add an item" }).click();
    await page.getByLabel("Name of item 1").fill("Cleaning");
    await page.getByLabel("Price of item 1").fill("120");
    await page.getByLabel("Duration of item 1 in minutes").fill("60");
    await page.getByLabel("Providers").fill("Dr. Maya Chen, general dentist");
    await page.getByRole("button", { name: "Create assistant" }).click();
    const row = page.getByRole("row").filter({ hasText: "Front desk" });
    await row.waitFor();
    await row.getByRole("link", { name: "Front desk" }).click();

    // Its page leads to the test console.
    await page.getByRole("link", { name: "Test", exact: true }).click();
    await page.getByRole("heading", { name: "Test Front desk" }).waitFor();
    await page.getByRole("heading", { name: "Start a test call" }).waitFor();
    await screenshot(page, "03-console-empty");
    await page.getByRole("button", { name: "Start test call" }).click();

    // The greeting, then the caller's lines; Enter sends.
    const transcript = page.getByRole("list", { name: "Transcript" });
    await transcript.getByText(/virtual front desk/).waitFor();
    const details = page.getByRole("complementary", { name: "Test call details" });
    expect(await details.textContent()).toContain("Template engine");
    const input = page.getByRole("textbox", { name: "Caller's line", exact: true });
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("TEXTAREA");

    const conversation = page.getByRole("region", { name: "Conversation" });
    /** Sends the caller's line with Enter and waits for the whole reply; returns what the assistant said. */
    const say = async (line: string) => {
      const before = await transcript.getByRole("listitem").count();
      await input.fill(line);
      await input.press("Enter");
      await transcript.getByText(line).waitFor();
      await expect.poll(() => conversation.getAttribute("aria-busy"), { timeout: 15_000 }).toBe("false");
      const added = await transcript.getByRole("listitem").allTextContents();
      expect(added.length).toBeGreaterThan(before + 1);
      return added.slice(before + 1).join("\n");
    };

    // A realistic booking: what, when, who; the number it calls from; yes to the summary.
    const weekday = nextWeekdayName();
    const first = await say(`Hi, I'd like to book a cleaning on ${weekday} at 10am.`);
    expect(first).toContain("checkAvailability");
    await say("My name is Sam Rivera.");
    const numberCheck = await say("Yes, that's fine.");
    expect(numberCheck).toMatch(/Shall I book it\?/);
    await screenshot(page, "04-console-mid-conversation", { fullPage: false });
    const booked = await say("Yes please.");
    expect(booked).toContain("bookAppointment");
    expect(booked).toMatch(/You're booked/);

    // The tools ran inline: availability first, then the booking, with their arguments and results.
    const availability = transcript.getByRole("listitem").filter({ hasText: "checkAvailability" });
    const booking = transcript.getByRole("listitem").filter({ hasText: "bookAppointment" });
    await booking.first().waitFor();
    expect(await availability.count()).toBeGreaterThan(0);
    const bookingText = (await booking.last().textContent()) ?? "";
    expect(bookingText).toContain("Sam Rivera");
    expect(bookingText).toContain("Result:");
    expect(bookingText).not.toContain("Error:");
    await screenshot(page, "05-console-booked");
    await conversation.screenshot({ path: path.join(SCREENSHOTS_DIR, "console-05b-conversation.png") });
    await expect.poll(() => details.getByRole("link", { name: "Open call record" }).count()).toBe(1);

    // Ending the call moves focus to "New session"; the session links to its call record.
    await page.getByRole("button", { name: "End call" }).click();
    await page.getByText("The call has ended.").waitFor();
    expect(await input.isDisabled()).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent ?? "")).toContain("New session");

    // A new session greets again. Ended elsewhere meanwhile, its next line is refused in plain view.
    const firstSession = new URL(page.url()).searchParams.get("session");
    await page.getByRole("button", { name: "New session" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("session")).not.toBe(firstSession);
    await expect.poll(() => transcript.getByRole("listitem").count()).toBe(1);
    await transcript.getByText(/virtual front desk/).waitFor();
    expect(await input.isDisabled()).toBe(false);
    const signedIn = await signIn(server, owner.email, owner.password);
    const secondSession = new URL(page.url()).searchParams.get("session");
    const endedElsewhere = await server.api.post(`/api/v1/orgs/${organizationId}/test-sessions/${secondSession}/end`, undefined, {
      token: signedIn.body.accessToken,
    });
    expect(endedElsewhere.status, endedElsewhere.text).toBe(200);
    await input.fill("Hello, are you still there?");
    await input.press("Enter");
    const refusal = conversation.getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/ended/i);
    await page.getByText("The call has ended.").waitFor();
    expect(await input.inputValue()).toBe("Hello, are you still there?");
    await page.waitForTimeout(300); // the header's buttons change colour
    await screenshot(page, "05c-console-ended-elsewhere", { fullPage: false });

    // The inbox has the appointment.
    await details.getByRole("link", { name: "Open the inbox" }).click();
    const items = page.getByRole("region", { name: "Inbox items" });
    const appointment = items.getByRole("listitem").filter({ hasText: "Appointment: Cleaning for Sam Rivera" });
    await appointment.waitFor({ timeout: 15_000 });
    expect(await appointment.textContent()).toContain(`${weekday},`);
    expect(await appointment.textContent()).toContain("10:00");
    await banner.waitFor();
    await screenshot(page, "06-inbox");

    // The call log lists the call as a test call.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calls" }).click();
    const callRow = page.getByRole("row").filter({ hasText: "Front desk" });
    await callRow.first().waitFor();
    await callRow.first().getByText("Test", { exact: true }).waitFor();
    await banner.waitFor();
    await screenshot(page, "07-call-log");

    // The one expected refusal: the line sent to the session ended elsewhere (409).
    expect(watcher.errors.filter((error) => !/status of 409/.test(error))).toEqual([]);
    await context.close();
  }, 180_000);
});
