// Building an assistant in a real browser: from the Restaurant template, with a menu item and
// business hours, watching the live prompt preview follow the form; then giving it knowledge from
// an uploaded file and finding it with the knowledge search. Screenshots: test-results/screenshots/assistant-*.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPageWatcher, launchBrowser, SCREENSHOTS_DIR, saveScreenshot } from "../helpers/browser.js";
import { createOrgWithOwner } from "../helpers/fixtures.js";
import { startTestHttpServer, type TestHttpServer } from "../helpers/http-server.js";

const VIEWPORT = { width: 1440, height: 900 };
let server: TestHttpServer;
let browser: Browser;
let scratch: string;
const watcher = createPageWatcher();
const pageErrors = watcher.errors;
const watchErrors = watcher.watch;

function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  return saveScreenshot(page, `assistant-${name}`, options);
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "switchboard-knowledge-"));
  server = await startTestHttpServer();
  browser = await launchBrowser();
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state !== "fail") return;
  await watcher.photographAll("assistant-failed-");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the assistant builder in the browser", () => {
  it("an owner builds a restaurant assistant with a live preview, then uploads knowledge and finds it", async () => {
    const owner = await createOrgWithOwner(server, { name: "Luca Owner", organizationName: "Trattoria Luca" });
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    watchErrors(page, "owner");

    await page.goto(`${server.url}/signin`);
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Welcome, Luca" }).waitFor();

    // No assistants yet: the empty state leads to the gallery.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assistants" }).click();
    await page.getByRole("heading", { name: "No assistants yet" }).waitFor();
    await screenshot(page, "01-empty-list");
    await page.getByRole("link", { name: "New assistant" }).click();

    // The gallery: a template per industry, and "start from scratch"; filtered to restaurants.
    await page.getByRole("heading", { name: "New assistant" }).waitFor();
    const gallery = page.getByRole("list", { name: "Templates" });
    await gallery.waitFor();
    expect(await gallery.getByRole("listitem").count()).toBeGreaterThanOrEqual(8);
    expect(await gallery.getByRole("link", { name: "Start from scratch" }).count()).toBe(1);
    const filters = page.getByRole("navigation", { name: "Filter by industry" });
    expect(await filters.getByRole("link").count()).toBeGreaterThanOrEqual(8);
    await screenshot(page, "02-gallery");
    await filters.getByRole("link", { name: "Restaurant" }).click();
    const restaurants = page.getByRole("list", { name: "Restaurant templates" });
    await restaurants.waitFor();
    expect(await restaurants.getByRole("listitem").count()).toBe(2); // the template, and "start from scratch"

    // The Restaurant template's detail: greeting, tools, voice and the sample conversation.
    await restaurants.getByRole("link", { name: "Restaurant", exact: true }).click();
    await page.getByRole("heading", { name: "Restaurant", level: 1 }).waitFor();
    const sample = page.getByRole("region", { name: "Sample conversation" });
    await sample.waitFor();
    expect(await sample.getByRole("listitem").count()).toBeGreaterThan(2);
    expect(await page.getByRole("region", { name: "What it can do" }).textContent()).toContain("Take orders");
    await screenshot(page, "03-template-detail");
    await page.getByRole("link", { name: "Use this template" }).click();

    // The form, generated from the template's variables, with the live preview beside it.
    await page.getByRole("form", { name: "New assistant" }).waitFor();
    const preview = page.getByRole("region", { name: "Live preview" });
    const prompt = preview.getByRole("region", { name: "Rendered system prompt" });
    await prompt.waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Luca's phone host");
    await page.getByLabel("Restaurant address").fill("1420 Valencia St, San Francisco, CA 94110");

    // A menu item with a price (typed in dollars; stored in cents).
    const menu = page.getByRole("group", { name: "Menu" });
    await menu.getByRole("button", { name: "Add an item" }).click();
    await page.getByLabel("Name of item 1").fill("Margherita pizza");
    await page.getByLabel("Category of item 1").fill("Pizzas");
    await page.getByLabel("Price of item 1").fill("12.50");
    // …with a size option whose "Large" choice costs 3.00 more.
    await menu.getByRole("button", { name: "Description and options of item 1" }).click();
    await menu.getByRole("button", { name: "Add an option" }).click();
    await page.getByLabel("Name of item 1, option 1", { exact: true }).fill("Size");
    await page.getByLabel("item 1, option 1: choice 1", { exact: true }).fill("Large");
    await page.getByLabel("item 1, option 1: extra price of choice 1", { exact: true }).fill("3");

    // More dishes at once: "Paste a list" reads "name, price" lines under "Category:" headings.
    await menu.getByRole("button", { name: "Paste a list" }).click();
    const paste = page.getByRole("dialog", { name: "Paste a list" });
    await paste.getByLabel("Items").fill("Pizzas:\nDiavola, 14.00\nQuattro formaggi 15.5\nAsk the chef\n");
    await paste.getByText("2 items found; 1 line has no price and will be skipped.").waitFor();
    await screenshot(page, "04c-paste-list", { fullPage: false });
    await paste.getByRole("button", { name: "Add 2 items" }).click();
    await menu.getByText("3 items").waitFor();
    expect(await page.getByLabel("Price of item 3").inputValue()).toBe("15.50");

    // Business hours: open on Saturday too, 11:00 to 23:00; closed on a holiday.
    const hours = page.getByRole("group", { name: "Opening hours" });
    await hours.getByLabel("Open on Saturday").check();
    await hours.getByLabel("Saturday opens").fill("11:00");
    await hours.getByLabel("Saturday closes").fill("23:00");
    await hours.getByRole("button", { name: "Add a closure" }).click();
    await hours.getByLabel("Date of closure 1").fill("2030-12-25");
    await hours.getByLabel("Name of closure 1").fill("Christmas Day");

    // The preview renders what was typed: the address and the priced menu item.
    await expect.poll(() => prompt.textContent(), { timeout: 10_000 }).toContain("1420 Valencia St");
    await expect.poll(() => prompt.textContent(), { timeout: 10_000 }).toContain("Margherita pizza");
    expect(await prompt.textContent()).toMatch(/12\.50/);

    // Editing a variable changes the preview after the short pause.
    const before = await prompt.textContent();
    expect(before).not.toContain("wood-fired Neapolitan pizza");
    await page.getByLabel("Cuisine or concept").fill("wood-fired Neapolitan pizza");
    await expect.poll(() => prompt.textContent(), { timeout: 10_000 }).toContain("wood-fired Neapolitan pizza");
    await preview.getByText("Up to date").waitFor();
    await menu.screenshot({ path: path.join(SCREENSHOTS_DIR, "assistant-04a-menu-editor.png") });
    await hours.screenshot({ path: path.join(SCREENSHOTS_DIR, "assistant-04b-hours-editor.png") });
    await screenshot(page, "04-form-with-preview");
    await page.getByLabel("Cuisine or concept").scrollIntoViewIfNeeded();
    await screenshot(page, "05-form-viewport", { fullPage: false });

    // Save: the list shows the new assistant as a draft.
    await page.getByRole("button", { name: "Create assistant" }).click();
    await page.getByRole("heading", { name: "Assistants", exact: true }).waitFor();
    const row = page.getByRole("row").filter({ hasText: "Luca's phone host" });
    await row.waitFor();
    expect(await row.getByRole("combobox", { name: "Status of Luca's phone host" }).inputValue()).toBe("draft");
    expect(await row.textContent()).toContain("Restaurant");
    await screenshot(page, "06-list");

    // What was saved: the price in cents, Saturday's hours, the holiday.
    const saved = await server.api.get(`/api/v1/orgs/${owner.organizationId}/assistants`, { token: owner.accessToken });
    expect(saved.status, saved.text).toBe(200);
    const assistant = saved.body.items[0];
    expect(assistant.variables.menu).toEqual([
      expect.objectContaining({
        name: "Margherita pizza",
        category: "Pizzas",
        priceCents: 1250,
        options: [expect.objectContaining({ name: "Size", choices: [{ name: "Large", priceDeltaCents: 300 }] })],
      }),
      expect.objectContaining({ name: "Diavola", category: "Pizzas", priceCents: 1400 }),
      expect.objectContaining({ name: "Quattro formaggi", category: "Pizzas", priceCents: 1550 }),
    ]);
    expect(assistant.businessHours.weekly).toContainEqual({ day: 6, open: "11:00", close: "23:00" });
    expect(assistant.businessHours.holidays).toEqual([{ date: "2030-12-25", name: "Christmas Day" }]);

    // The status switches in place.
    await row.getByRole("combobox", { name: "Status of Luca's phone host" }).selectOption("active");
    await page.getByText("Luca's phone host is active", { exact: true }).waitFor();

    // The edit page reuses the form with the saved values, and previews the saved assistant.
    await row.getByRole("link", { name: "Luca's phone host" }).click();
    await page.getByRole("form", { name: "Edit Luca's phone host" }).waitFor();
    expect(await page.getByLabel("Name of item 1").inputValue()).toBe("Margherita pizza");
    expect(await page.getByLabel("Price of item 1").inputValue()).toBe("12.50");
    expect(await page.getByRole("radio", { name: "Active", exact: true }).isChecked()).toBe(true);
    const savedPrompt = page.getByRole("region", { name: "Live preview" }).getByRole("region", { name: "Rendered system prompt" });
    await expect.poll(() => savedPrompt.textContent(), { timeout: 10_000 }).toContain("wood-fired Neapolitan pizza");
    // An edit shows in the preview before it is saved, and saving keeps it.
    const firstMessage = page.getByRole("region", { name: "Live preview" }).getByTestId("preview-first-message");
    await page.getByLabel("First message").fill("Trattoria Luca, ciao! Pickup or delivery?");
    await expect.poll(() => firstMessage.textContent(), { timeout: 10_000 }).toBe("Trattoria Luca, ciao! Pickup or delivery?");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Changes saved", { exact: true }).waitFor();
    const edited = await server.api.get(`/api/v1/orgs/${owner.organizationId}/assistants/${assistant.id}`, { token: owner.accessToken });
    expect(edited.body.firstMessage).toBe("Trattoria Luca, ciao! Pickup or delivery?");
    expect(edited.body.variables.menu).toHaveLength(3);

    // On a phone the preview stacks under the form.
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "07-edit-mobile", { fullPage: false });
    await page.getByRole("region", { name: "Live preview" }).scrollIntoViewIfNeeded();
    await screenshot(page, "07b-edit-mobile-preview", { fullPage: false });
    await page.setViewportSize(VIEWPORT);

    // Knowledge: upload a small Markdown file and wait until it is indexed.
    const file = path.join(scratch, "parking-and-valet.md");
    writeFileSync(
      file,
      "# Parking\n\nWe offer complimentary valet parking every evening from 5 pm. Street parking on Valencia is metered until 6 pm.\n\n# Gift cards\n\nGift cards are sold at the host stand.\n",
    );
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Knowledge" }).click();
    await page.getByRole("heading", { name: "Knowledge", exact: true }).waitFor();
    await page.getByRole("heading", { name: "Nothing here yet" }).waitFor();
    await page.getByLabel("Upload files").setInputFiles(file);
    const source = page.getByRole("region", { name: "Sources" }).getByRole("row").filter({ hasText: "parking-and-valet" });
    await source.waitFor();
    await source.getByText("Ready", { exact: true }).waitFor({ timeout: 30_000 });
    expect(await source.textContent()).toContain("Markdown");
    await screenshot(page, "08-knowledge-ready");

    // Search finds it, with the matched word highlighted.
    await page.getByRole("searchbox", { name: "Search your knowledge" }).fill("valet");
    const results = page.getByRole("list", { name: "Search results" });
    await results.waitFor();
    const mark = results.locator("mark").first();
    await mark.waitFor();
    expect((await mark.textContent())?.toLowerCase()).toContain("valet");
    expect(await results.textContent()).toContain("parking-and-valet");
    await screenshot(page, "09-knowledge-search");

    // A search with no match says so.
    await page.getByRole("searchbox", { name: "Search your knowledge" }).fill("helicopter");
    await page.getByRole("heading", { name: "No results" }).waitFor();

    // Several files at once, on a slow connection: each has its own progress bar, and an empty
    // file is turned away before it is sent.
    const big = path.join(scratch, "wine-list.txt");
    writeFileSync(big, `Wine list\n\n${"Our Chianti Classico comes from a family estate near Siena. ".repeat(6000)}\n`);
    const empty = path.join(scratch, "empty.txt");
    writeFileSync(empty, "");
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 120 * 1024 });
    await page.getByLabel("Upload files").setInputFiles([big, empty]);
    const uploads = page.getByRole("list", { name: "Uploads" });
    await uploads.getByText("The file is empty.").waitFor();
    const progress = uploads.getByRole("progressbar", { name: "Uploading wine-list.txt" });
    await expect.poll(async () => Number(await progress.getAttribute("aria-valuenow")), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(Number(await progress.getAttribute("aria-valuenow"))).toBeLessThan(100);
    await uploads.scrollIntoViewIfNeeded();
    await screenshot(page, "10-knowledge-uploading", { fullPage: false });
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const wine = page.getByRole("region", { name: "Sources" }).getByRole("row").filter({ hasText: "wine-list" });
    await wine.getByText("Ready", { exact: true }).waitFor({ timeout: 30_000 });
    await uploads.getByRole("button", { name: "Dismiss empty.txt" }).click();

    // Pasted text becomes a source too.
    await page.getByRole("button", { name: "Paste text" }).click();
    const dialog = page.getByRole("dialog", { name: "Paste text" });
    await dialog.getByLabel("Title").fill("Corkage");
    await dialog.getByLabel("Format").selectOption("markdown");
    await dialog.getByLabel("Content").fill("## Corkage\n\nBring your own bottle: corkage is $15 per bottle, waived on Tuesdays.");
    await screenshot(page, "11-knowledge-paste", { fullPage: false });
    await dialog.getByRole("button", { name: "Add text" }).click();
    const corkage = page.getByRole("region", { name: "Sources" }).getByRole("row").filter({ hasText: "Corkage" });
    await corkage.getByText("Ready", { exact: true }).waitFor({ timeout: 30_000 });
    await screenshot(page, "12-knowledge-sources");

    expect(pageErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it("the API's field errors land on their controls, and the plan's assistant limit comes with an upgrade hint", async () => {
    const owner = await createOrgWithOwner(server, { name: "Nora Owner", organizationName: "Nightline Plumbing" });
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    watchErrors(page, "limits");
    await page.goto(`${server.url}/signin`);
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Welcome, Nora" }).waitFor();

    // From scratch: a custom prompt, and a transfer number that looks international but does not exist.
    const fillScratchForm = async (name: string) => {
      await page.goto(`${server.url}/orgs/${owner.organizationId}/assistants/create`);
      await page.getByRole("form", { name: "New assistant" }).waitFor();
      await page.getByLabel("Name", { exact: true }).fill(name);
      await page.getByRole("textbox", { name: "Instructions" }).fill("You answer the phone for {{business_name}}. Take a message for every caller.");
      await page.getByLabel("First message").fill("Nightline Plumbing, how can I help?");
    };
    await fillScratchForm("Night line");
    await page.getByRole("button", { name: "Add a transfer contact" }).click();
    await page.getByLabel("Name of transfer contact 1").fill("On-call plumber");
    const phone = page.getByLabel("Phone of transfer contact 1");
    await phone.fill("+1 555 000 0000");
    await page.getByRole("button", { name: "Create assistant" }).click();

    // The API refuses it (422); the message sits under the phone field, which is marked invalid.
    await expect.poll(() => phone.getAttribute("aria-invalid")).toBe("true");
    const describedBy = await phone.getAttribute("aria-describedby");
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(/valid phone number/i);
    expect(await page.getByRole("alert").first().textContent()).toContain("Transfer directory, row 1");
    // The live preview had already flagged the number as an issue.
    const preview = page.getByRole("region", { name: "Live preview" });
    await preview.getByText("Up to date").waitFor();
    expect(await preview.textContent()).toMatch(/Transfer directory, row 1:.*valid phone number/);
    await screenshot(page, "20-server-field-error", { fullPage: false });

    // Fixed, it saves.
    await phone.fill("+1 415 555 0123");
    await page.getByRole("button", { name: "Create assistant" }).click();
    await page.getByRole("row").filter({ hasText: "Night line" }).waitFor();

    // The Free plan holds one assistant: a second one is refused with a way to upgrade.
    await fillScratchForm("Second line");
    await page.getByRole("button", { name: "Create assistant" }).click();
    const limit = page.getByRole("status").filter({ hasText: "assistant limit is reached" });
    await limit.waitFor();
    await preview.getByText("Up to date").waitFor();
    expect(await limit.getByRole("link", { name: "See plans" }).getAttribute("href")).toBe(`/orgs/${owner.organizationId}/billing`);
    await screenshot(page, "21-assistant-limit", { fullPage: false });

    // Duplicating is refused the same way, in a toast.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assistants" }).click();
    await page.getByRole("button", { name: "Actions for Night line" }).click();
    await page.getByRole("menuitem", { name: "Duplicate" }).click();
    await page.getByText("Your plan's assistant limit is reached", { exact: true }).waitFor();

    // Expected refusals: the 422 and the two 403s.
    expect(pageErrors.filter((e) => !/status of (403|422)/.test(e))).toEqual([]);
    await context.close();
  }, 90_000);
});
