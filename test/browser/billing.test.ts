// Billing in a real browser: a Starter organization whose first period was invoiced by the
// period-close job and whose calls (end-of-call reports through POST /webhooks/vapi) used 84% of
// its minutes. The owner sees the usage banner, the usage bars and chart and the invoice, and opens
// its printable receipt; a viewer is told to ask an owner; a super admin edits the Starter plan
// (a refused Stripe price id first) and then moves the organization to Free, and the owner's billing
// page follows each change. Screenshots: test-results/screenshots/billing-*.
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeEndedPeriods } from "../../src/server/modules/billing/period-close.js";
import { BILLING_TEST_ENV, createBillingTenant, playCalls } from "../helpers/billing-calls.js";
import { createPageWatcher, launchBrowser, saveScreenshot } from "../helpers/browser.js";
import { addTeammate, createOrgWithOwner, signIn } from "../helpers/fixtures.js";
import { startTestHttpServer, type TestHttpServer } from "../helpers/http-server.js";

const VIEWPORT = { width: 1440, height: 900 };
const ADMIN_EMAIL = "root@switchboard.test";
const ADMIN_PASSWORD = "platform admin password 1";
const DAY_MS = 24 * 3600 * 1000;
// 42 calls over the last seven days, 18 to 22 minutes each: 839 billed minutes (83.9% of Starter's 1,000).
const CALL_COUNT = 42;
const DURATIONS_SECONDS = [1140, 1200, 1260, 1080, 1320];
const EXPECTED_MINUTES = 839;

let server: TestHttpServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const watcher = createPageWatcher();

function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  return saveScreenshot(page, `billing-${name}`, options);
}

async function newPage(who: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: "en-US", timezoneId: "UTC" });
  contexts.push(context);
  const page = await context.newPage();
  watcher.watch(page, who);
  return page;
}

async function signInAs(page: Page, email: string, password: string) {
  await page.goto(`${server.url}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
}

async function meter(page: Page, name: string): Promise<{ now: string | null; max: string | null; text: string | null; tone: string | null }> {
  const bar: Locator = page.getByRole("progressbar", { name, exact: true });
  await bar.waitFor();
  return {
    now: await bar.getAttribute("aria-valuenow"),
    max: await bar.getAttribute("aria-valuemax"),
    text: await bar.getAttribute("aria-valuetext"),
    tone: await bar.getAttribute("data-tone"),
  };
}

beforeAll(async () => {
  server = await startTestHttpServer({ env: { ...BILLING_TEST_ENV, ADMIN_EMAIL, ADMIN_PASSWORD } });
  browser = await launchBrowser();
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state !== "fail") return;
  await watcher.photographAll("billing-failed-");
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

describe("the billing page in the browser", () => {
  it("shows usage against the plan, the usage banner and an invoice with its receipt, and follows the super admin's plan changes", async () => {
    const tenant = await createBillingTenant(server, { plan: "starter" });
    const { owner } = tenant;

    // The first period ends; the period-close job invoices it (manual billing: no Stripe keys).
    server.clock.advance(32 * DAY_MS);
    const closed = await closeEndedPeriods(server.platform.ctx);
    expect(closed.invoicesIssued).toBe(1);

    // A week into the next period, 42 calls over the last seven days.
    server.clock.advance(7 * DAY_MS);
    const today = Math.floor(server.clock.now().getTime() / DAY_MS) * DAY_MS;
    await playCalls(
      server,
      tenant,
      Array.from({ length: CALL_COUNT }, (_, index) => ({
        durationSeconds: DURATIONS_SECONDS[index % DURATIONS_SECONDS.length]!,
        // 09:00 UTC and on, yesterday back to seven days ago.
        createdAtMs: today - ((index % 7) + 1) * DAY_MS + 9 * 3600 * 1000 + index * 60_000,
      })),
    );

    const session = await signIn(server, owner.email, owner.password);
    expect(session.status, session.text).toBe(200);
    const token = session.body.accessToken as string;
    const overview = await server.api.get(`/api/v1/orgs/${owner.organizationId}/billing`, { token });
    expect(overview.status, overview.text).toBe(200);
    expect(overview.body.usage.calls).toMatchObject({ used: CALL_COUNT, limit: 500 });
    expect(overview.body.usage.minutes).toMatchObject({ used: EXPECTED_MINUTES, limit: 1000, percent: 83.9 });
    const invoices = await server.api.get(`/api/v1/orgs/${owner.organizationId}/billing/invoices`, { token });
    expect(invoices.body.items).toHaveLength(1);
    const invoice = invoices.body.items[0] as { id: string; number: string };

    // The owner: the banner on the overview, then the billing page.
    const page = await newPage("owner");
    await signInAs(page, owner.email, owner.password);
    const banner = page.getByRole("region", { name: "Usage notice" });
    await banner.waitFor();
    expect(await banner.textContent()).toContain("83% of your 1,000 monthly minutes used");
    expect(await banner.textContent()).toContain("calls continue and the extra usage is billed as overage");
    await banner.getByRole("link", { name: "Usage and plans" }).click();
    await page.getByRole("heading", { name: "Billing", level: 1 }).waitFor();
    await page.waitForURL(`**/orgs/${owner.organizationId}/billing`);

    expect(await meter(page, "Calls")).toEqual({ now: "42", max: "500", text: "42 of 500 calls (8.4%)", tone: "normal" });
    expect(await meter(page, "Minutes")).toEqual({ now: "839", max: "1000", text: "839 of 1,000 minutes (83.9%)", tone: "warning" });
    const currentPlan = page.getByRole("region", { name: "Current plan" });
    expect(await currentPlan.textContent()).toContain("Starter");
    expect(await currentPlan.textContent()).toContain("$29.00 / month");
    expect(await currentPlan.getByText("Active", { exact: true }).count()).toBe(1);

    // The daily chart: seven days with calls, and the same figures in a table for screen readers.
    const chart = page.getByRole("region", { name: "Daily usage" });
    await chart.getByRole("img", { name: /^Calls per day: 42 calls over \d+ days/ }).waitFor();
    await chart.getByRole("img", { name: /^Minutes per day: 839 minutes over \d+ days/ }).waitFor();
    const tableRows = chart.getByRole("table").getByRole("row");
    const rowTexts = await tableRows.allTextContents();
    expect(rowTexts.length).toBeGreaterThanOrEqual(8); // header + at least the seven days with calls
    const callsPerDay = (await chart.getByRole("table").locator("tbody tr td:nth-child(2)").allTextContents()).map(Number);
    expect(callsPerDay.reduce((sum, calls) => sum + calls, 0)).toBe(CALL_COUNT);
    expect(callsPerDay.filter((calls) => calls > 0)).toHaveLength(7);

    // Manual billing: plans are assigned by the platform, so there is nothing to click.
    const plans = page.getByRole("region", { name: "Plans" });
    await plans.getByText("Plans are assigned by your Switchboard administrator").waitFor();
    expect(await plans.getByRole("button", { name: /Upgrade|Downgrade/ }).count()).toBe(0);
    expect(await plans.getByRole("listitem", { name: "Starter plan" }).getByText("Current plan").count()).toBe(1);

    // The invoice of the closed period.
    const invoiceRow = page.getByRole("row").filter({ hasText: invoice.number });
    await invoiceRow.waitFor();
    expect(await invoiceRow.textContent()).toContain("$29.00");
    expect(await invoiceRow.textContent()).toContain("Open");
    await screenshot(page, "01-page");

    await invoiceRow.getByRole("link", { name: `Receipt for invoice ${invoice.number}` }).click();
    const receipt = page.getByRole("article", { name: `Invoice ${invoice.number}` });
    await receipt.waitFor();
    const receiptText = (await receipt.textContent()) ?? "";
    expect(receiptText).toContain("Starter plan,");
    expect(receiptText).toContain(owner.organizationName);
    expect(receiptText).toContain(owner.email);
    expect(receiptText).toMatch(/Total\s*\$29\.00/);
    expect(receiptText).toContain("Switchboard");
    await page.getByRole("button", { name: "Print" }).waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0); // the receipt stands alone
    await screenshot(page, "02-receipt");
    await page.emulateMedia({ media: "print" });
    expect(await page.getByRole("button", { name: "Print" }).isVisible()).toBe(false);
    await screenshot(page, "03-receipt-print");
    await page.emulateMedia({ media: "screen" });

    // An invoice id that is not this organization's, and this invoice under another organization, are not found.
    await page.goto(`${server.url}/orgs/${owner.organizationId}/billing/invoices/ivc_doesnotexist0000000000`);
    await page.getByRole("heading", { name: "Invoice not found" }).waitFor();
    const other = await createOrgWithOwner(server);
    await page.goto(`${server.url}/orgs/${other.organizationId}/billing/invoices/${invoice.id}`);
    await page.getByRole("heading", { name: "Invoice not found" }).waitFor();

    // A viewer: no Billing in the navigation, and the page says who to ask.
    const viewer = await addTeammate(server, { ...owner, accessToken: token }, "viewer");
    const viewerPage = await newPage("viewer");
    await signInAs(viewerPage, viewer.email, viewer.password);
    await viewerPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).waitFor();
    expect(await viewerPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Billing" }).count()).toBe(0);
    expect(await viewerPage.getByRole("region", { name: "Usage notice" }).count()).toBe(0);
    await viewerPage.goto(`${server.url}/orgs/${owner.organizationId}/billing`);
    await viewerPage.getByRole("heading", { name: "Billing is for owners and admins" }).waitFor();

    // The super admin edits the Starter plan: a bad Stripe price id is refused under its field…
    const admin = await newPage("admin");
    await signInAs(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
    await admin.goto(`${server.url}/admin?tab=plans`);
    const starterRow = admin.getByRole("row").filter({ hasText: "starter" });
    await starterRow.getByRole("button", { name: "Edit the Starter plan" }).click();
    const editor = admin.getByRole("dialog", { name: "Edit the Starter plan" });
    expect(await editor.getByLabel("Calls per month").inputValue()).toBe("500");
    await editor.getByLabel("Stripe price (monthly plan)").fill("prod_starter");
    await editor.getByRole("button", { name: "Save plan" }).click();
    await editor.getByText("Use a Stripe price id (price_…).", { exact: true }).waitFor();
    await editor.getByText("Check the highlighted fields.").waitFor();
    expect(await editor.getByLabel("Stripe price (monthly plan)").getAttribute("aria-invalid")).toBe("true");
    await admin.waitForTimeout(300); // the dialog's fade-in
    await screenshot(admin, "04-admin-plan-error", { fullPage: false });
    const unchanged = await server.api.get("/api/v1/plans");
    expect(unchanged.body.items.find((plan: { id: string }) => plan.id === "starter").callsPerMonth).toBe(500);

    // …then 40 calls a month, saved.
    await editor.getByLabel("Stripe price (monthly plan)").fill("price_1StarterMonthly");
    await editor.getByLabel("Calls per month").fill("40");
    await editor.getByRole("button", { name: "Save plan" }).click();
    await editor.waitFor({ state: "detached" });
    await starterRow.getByText("price_1StarterMonthly").waitFor();
    expect(await starterRow.locator("td").nth(2).textContent()).toBe("40");
    await screenshot(admin, "05-admin-plans");

    // The owner's billing page: 42 of 40 calls, at 100%, and the banner says calls continue as overage.
    await page.goto(`${server.url}/orgs/${owner.organizationId}/billing`);
    expect(await meter(page, "Calls")).toEqual({ now: "40", max: "40", text: "42 of 40 calls (105%)", tone: "exceeded" });
    const bannerAfterEdit = page.getByRole("region", { name: "Usage notice" });
    await bannerAfterEdit.getByText("All 40 calls of your plan used").waitFor();
    expect(await bannerAfterEdit.textContent()).toContain("Calls continue; usage beyond your Starter plan is billed as overage.");
    expect(await bannerAfterEdit.textContent()).toContain("83% of your 1,000 monthly minutes used");

    // The super admin moves the organization to Free, now: 839 of 100 minutes means new calls get the fallback.
    await admin.goto(`${server.url}/admin?tab=organizations`);
    await admin.getByRole("button", { name: `Change the plan of ${owner.organizationName}` }).click();
    const assign = admin.getByRole("dialog", { name: `Change the plan of ${owner.organizationName}` });
    await assign.getByLabel("Plan").selectOption("free");
    await assign.getByRole("button", { name: "Change plan" }).click();
    await assign.waitFor({ state: "detached" });
    await admin.getByRole("row").filter({ hasText: owner.organizationName }).getByText("Free").waitFor();

    await page.goto(`${server.url}/orgs/${owner.organizationId}/billing`);
    expect(await meter(page, "Minutes")).toEqual({ now: "100", max: "100", text: "839 of 100 minutes (839%)", tone: "exceeded" });
    expect(await meter(page, "Calls")).toEqual({ now: "42", max: "50", text: "42 of 50 calls (84%)", tone: "warning" });
    const freeBanner = page.getByRole("region", { name: "Usage notice" });
    await freeBanner.getByText("All 100 minutes of your plan used").waitFor();
    expect(await freeBanner.textContent()).toContain("New calls get the fallback");
    expect(await page.getByRole("region", { name: "Current plan" }).textContent()).toContain("Free");
    await screenshot(page, "06-page-free-at-limit");
    // The only failed requests are the deliberate ones: invoices that are not there, the refused price id.
    const deliberate = (error: string) =>
      (error.includes("404") && error.includes("/billing/invoices/")) || (error.includes("422") && error.includes("/admin/plans/starter"));
    expect(watcher.errors.filter((error) => !deliberate(error))).toEqual([]);
  }, 240_000);
});
