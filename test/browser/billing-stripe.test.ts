// The billing page with Stripe configured (the official SDK against the Stripe stand-in): an owner on
// Free upgrades to Pro through a confirmation that leads to Stripe Checkout (one Checkout Session
// even when the confirm button is clicked twice), comes back subscribed, schedules a downgrade to
// Starter for the period's end after a confirmation, and opens the Billing Portal; an admin sees the
// plans without the buttons. Screenshots: test-results/screenshots/billing-stripe-*.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPageWatcher, launchBrowser, saveScreenshot } from "../helpers/browser.js";
import { addTeammate, createOrgWithOwner } from "../helpers/fixtures.js";
import { startTestHttpServer, type TestHttpServer } from "../helpers/http-server.js";
import { PRICES, subscribe, WEBHOOK_SECRET } from "../helpers/stripe.js";
import { type StripeStandIn, startStripeStandIn } from "../helpers/stripe-stand-in.js";

const VIEWPORT = { width: 1440, height: 900 };
let server: TestHttpServer;
let stripe: StripeStandIn;
let browser: Browser;
const contexts: BrowserContext[] = [];
const watcher = createPageWatcher();

async function newPage(who: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: "en-US", timezoneId: "UTC" });
  contexts.push(context);
  // Stripe's hosted pages are not reachable from here: answer them with a stub page to land on.
  await context.route(/^https:\/\/(checkout|billing)\.stripe\.com\//, (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: "<title>Stripe</title><h1>Stripe hosted page</h1>" }),
  );
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

beforeAll(async () => {
  stripe = await startStripeStandIn();
  server = await startTestHttpServer({
    env: { STRIPE_SECRET_KEY: "sk_test_switchboard", STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE_URL: stripe.url },
  });
  await server.ownerQuery("UPDATE plans SET stripe_price_id = $1, stripe_overage_minute_price_id = $2 WHERE id = 'starter'", [
    PRICES.starter,
    PRICES.starterOverageMinutes,
  ]);
  await server.ownerQuery("UPDATE plans SET stripe_price_id = $1, stripe_overage_minute_price_id = $2, stripe_overage_call_price_id = $3 WHERE id = 'pro'", [
    PRICES.pro,
    PRICES.proOverageMinutes,
    PRICES.proOverageCalls,
  ]);
  browser = await launchBrowser();
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state !== "fail") return;
  await watcher.photographAll("billing-stripe-failed-");
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
  await stripe?.stop();
});

describe("the billing page with Stripe", () => {
  it("upgrades through Checkout, schedules a downgrade after a confirmation, and opens the Billing Portal", async () => {
    const owner = await createOrgWithOwner(server, { organizationName: "Harbor Dental" });
    const page = await newPage("owner");
    await signInAs(page, owner.email, owner.password);
    await page.goto(`${server.url}/orgs/${owner.organizationId}/billing`);
    const plans = page.getByRole("region", { name: "Plans" });
    await plans.getByRole("listitem", { name: "Free plan" }).getByText("Current plan").waitFor();
    expect(await plans.getByText("Plans are assigned by your Switchboard administrator").count()).toBe(0);
    expect(await plans.getByRole("listitem", { name: "Enterprise plan" }).getByText("Contact us for a quote.").count()).toBe(1);

    // Upgrade to Pro: a confirmation, then Stripe Checkout; a second click on the pending button makes no second session.
    await plans.getByRole("button", { name: "Upgrade to Pro" }).click();
    const confirm = page.getByRole("dialog", { name: "Upgrade to Pro" });
    await confirm.getByText("Stripe's secure checkout").waitFor();
    await page.waitForTimeout(300); // the dialog's fade-in
    await saveScreenshot(page, "billing-stripe-01-upgrade-confirm", { fullPage: false });
    const continueButton = confirm.getByRole("button", { name: "Continue to checkout" });
    await continueButton.dblclick();
    await page.waitForURL(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const sessions = stripe.requestsTo("/v1/checkout/sessions").filter((request) => request.params.client_reference_id === owner.organizationId);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.params.success_url).toBe(`${server.url}/orgs/${owner.organizationId}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`);

    // Stripe completes the checkout; the browser comes back to the billing page.
    const customerId = stripe.customerOf(owner.organizationId);
    expect(customerId).toBeDefined();
    const subscription = await subscribe({ t: server, stripe, stop: async () => {} }, { ...owner, customerId: customerId! }, { plan: "pro" });
    await page.goto(`${server.url}/orgs/${owner.organizationId}/billing?checkout=success&session_id=cs_test_done`);
    await page.getByText("Thank you: your payment went through").waitFor();
    const currentPlan = page.getByRole("region", { name: "Current plan" });
    await currentPlan.getByText("Pro", { exact: true }).waitFor();
    expect(await currentPlan.textContent()).toContain("Paid by card through Stripe");
    await saveScreenshot(page, "billing-stripe-02-subscribed");

    // Downgrade to Starter: only at the period's end, after saying so.
    await plans.getByRole("button", { name: "Downgrade to Starter" }).click();
    const downgrade = page.getByRole("dialog", { name: "Downgrade to Starter" });
    await downgrade.getByText("You keep the Pro plan until").waitFor();
    await downgrade.getByRole("button", { name: /^Downgrade on / }).click();
    await downgrade.waitFor({ state: "detached" });
    await currentPlan.getByText("Moves to the Starter plan on").waitFor();
    await plans
      .getByRole("listitem", { name: "Starter plan" })
      .getByText(/^From /)
      .waitFor();
    await plans.getByRole("button", { name: "Keep the Pro plan" }).waitFor();
    const billing = await server.api.get(`/api/v1/orgs/${owner.organizationId}/billing`, {
      token: (await server.api.post("/api/v1/auth/signin", { email: owner.email, password: owner.password })).body.accessToken,
    });
    expect(billing.body.plan.id).toBe("pro");
    expect(billing.body.scheduledPlan).toMatchObject({ id: "starter" });
    expect(subscription.id).toBeTruthy();
    await saveScreenshot(page, "billing-stripe-03-downgrade-scheduled");

    // The Billing Portal.
    await currentPlan.getByRole("button", { name: "Payment method and billing portal" }).click();
    await page.waitForURL(/^https:\/\/billing\.stripe\.com\/p\/session\//);
    expect(stripe.requestsTo("/v1/billing_portal/sessions").filter((request) => request.params.customer === customerId)).toHaveLength(1);

    // An admin sees the plans, without the buttons only an owner may use.
    const adminUser = await addTeammate(server, owner, "admin");
    const adminPage = await newPage("admin");
    await signInAs(adminPage, adminUser.email, adminUser.password);
    await adminPage.goto(`${server.url}/orgs/${owner.organizationId}/billing`);
    const adminPlans = adminPage.getByRole("region", { name: "Plans" });
    await adminPlans.getByText("Only an owner of this organization can change its plan.").waitFor();
    expect(await adminPlans.getByRole("button").count()).toBe(0);
    expect(await adminPage.getByRole("button", { name: "Payment method and billing portal" }).count()).toBe(0);
    expect(watcher.errors).toEqual([]);
  }, 240_000);
});
