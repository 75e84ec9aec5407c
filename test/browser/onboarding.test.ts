// A customer's first minutes in a real browser: sign up, verify by email, invite a teammate who joins from
// their email and sees the team; and invitations for existing accounts. Screenshots: test-results/screenshots/.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPageWatcher, launchBrowser, saveScreenshot } from "../helpers/browser.js";
import { createOrgWithOwner, tokenFromLink, uniqueEmail } from "../helpers/fixtures.js";
import { startTestHttpServer, type TestHttpServer } from "../helpers/http-server.js";

const VIEWPORT = { width: 1280, height: 800 };
let server: TestHttpServer;
let browser: Browser;
const watcher = createPageWatcher();
const pageErrors = watcher.errors;
const watchErrors = watcher.watch;

function screenshot(page: Page, name: string) {
  return saveScreenshot(page, name);
}

beforeAll(async () => {
  server = await startTestHttpServer();
  browser = await launchBrowser();
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state !== "fail") return;
  await watcher.photographAll("failed-");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("onboarding in the browser", () => {
  it("an owner signs up, verifies their email and invites a teammate, who joins and sees the team", async () => {
    const owner = { name: "Olive Owner", email: uniqueEmail("owner"), password: "correct horse battery staple", organization: "Harbor Dental" };
    const teammate = { name: "Theo Teammate", email: uniqueEmail("teammate"), password: "teammate password 123" };

    // The owner signs up.
    const ownerContext = await browser.newContext({ viewport: VIEWPORT });
    const ownerPage = await ownerContext.newPage();
    watchErrors(ownerPage, "owner");
    await ownerPage.goto(`${server.url}/signup`);
    await ownerPage.getByRole("heading", { name: "Create your account" }).waitFor();
    await ownerPage.getByLabel("Your name").fill(owner.name);
    await ownerPage.getByLabel("Work email").fill(owner.email);
    await ownerPage.getByLabel("Password").fill(owner.password);
    await ownerPage.getByLabel("Organization name").fill(owner.organization);
    await screenshot(ownerPage, "01-signup");
    await ownerPage.getByRole("button", { name: "Create account" }).click();

    // They land on the overview of their new organization, with the unverified-email banner.
    await ownerPage.getByRole("heading", { name: "Welcome, Olive" }).waitFor();
    const banner = ownerPage.getByRole("region", { name: "Email verification" });
    await banner.waitFor();
    expect(await banner.textContent()).toContain(owner.email);
    expect(await ownerPage.getByRole("main").textContent()).toContain(owner.organization);
    await screenshot(ownerPage, "02-overview-unverified");

    // They follow the link in the verification email the SMTP server received.
    const verification = await server.mail.waitFor(owner.email, (mail) => mail.subject.includes("Verify"));
    const verifyLink = verification.links.find((link) => link.includes("/verify-email?token="));
    expect(verifyLink, verification.text).toBeDefined();
    expect(verifyLink?.startsWith(server.url)).toBe(true);
    await ownerPage.goto(verifyLink as string);
    await ownerPage.getByRole("heading", { name: "Email verified" }).waitFor();
    await screenshot(ownerPage, "03-email-verified");

    // Back in the app (the session survived the full page load through the refresh cookie), the banner is gone.
    await ownerPage.getByRole("link", { name: "Continue to Switchboard" }).click();
    await ownerPage.getByRole("heading", { name: "Welcome, Olive" }).waitFor();
    expect(await ownerPage.getByRole("region", { name: "Email verification" }).count()).toBe(0);

    // They invite a teammate from the Team page.
    await ownerPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Team" }).click();
    await ownerPage.getByRole("heading", { name: "Team", exact: true }).waitFor();
    await ownerPage.getByLabel("Email address").fill(teammate.email);
    await ownerPage.getByLabel("Role", { exact: true }).selectOption("member");
    await ownerPage.getByRole("button", { name: "Send invitation" }).click();
    const pending = ownerPage.getByRole("region", { name: "Pending invitations" }).getByRole("listitem").filter({ hasText: teammate.email });
    await pending.waitFor();
    expect(await pending.textContent()).toContain("Member");
    await screenshot(ownerPage, "04-team-invitation-sent");

    // The teammate opens the invitation link from their email in their own browser.
    const invitation = await server.mail.waitFor(teammate.email);
    expect(invitation.subject).toContain(owner.organization);
    const invitationLink = invitation.links.find((link) => link.includes("/invitations/"));
    expect(invitationLink, invitation.text).toBeDefined();
    const teammateContext = await browser.newContext({ viewport: VIEWPORT });
    const teammatePage = await teammateContext.newPage();
    watchErrors(teammatePage, "teammate");
    await teammatePage.goto(invitationLink as string);
    await teammatePage.getByRole("heading", { name: `Join ${owner.organization}` }).waitFor();
    const details = await teammatePage.getByRole("main").textContent();
    expect(details).toContain(owner.name);
    expect(details).toContain(teammate.email);
    expect(details).toContain("Member");
    await teammatePage.getByLabel("Your name").fill(teammate.name);
    await teammatePage.getByLabel("Password").fill(teammate.password);
    await screenshot(teammatePage, "05-invitation");
    await teammatePage.getByRole("button", { name: "Create account and join" }).click();

    // They are signed in, in the owner's organization.
    await teammatePage.getByRole("heading", { name: "Welcome, Theo" }).waitFor();
    expect(await teammatePage.getByRole("main").textContent()).toContain(owner.organization);
    await screenshot(teammatePage, "06-teammate-overview");

    // The Team page lists both people with their roles; a member gets no invite or role controls.
    await teammatePage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Team" }).click();
    const members = teammatePage.getByRole("region", { name: "Members" });
    const teammateRow = members.getByRole("row").filter({ hasText: teammate.email });
    const ownerRow = members.getByRole("row").filter({ hasText: owner.email });
    await teammateRow.waitFor();
    await ownerRow.waitFor();
    expect(await teammateRow.textContent()).toContain(teammate.name);
    expect(await teammateRow.textContent()).toContain("Member");
    expect(await ownerRow.textContent()).toContain(owner.name);
    expect(await ownerRow.textContent()).toContain("Owner");
    expect(await members.getByRole("row").count()).toBe(3); // the header row and two people
    expect(await teammatePage.getByRole("button", { name: "Send invitation" }).count()).toBe(0);
    expect(await teammatePage.getByRole("combobox").count()).toBe(0);
    await teammatePage.getByRole("region", { name: "Pending invitations" }).getByText("No pending invitations").waitFor();
    await screenshot(teammatePage, "07-teammate-team");

    // A reload restores the teammate's session from the refresh cookie the invitation flow set.
    await teammatePage.reload();
    await teammateRow.waitFor();

    // The owner sees the teammate joined, with a role they can change.
    await ownerPage.reload();
    const ownerViewOfTeammate = ownerPage.getByRole("region", { name: "Members" }).getByRole("row").filter({ hasText: teammate.email });
    await ownerViewOfTeammate.waitFor();
    expect(await ownerViewOfTeammate.getByRole("combobox", { name: `Role of ${teammate.name}` }).inputValue()).toBe("member");
    await screenshot(ownerPage, "08-owner-team");

    expect(pageErrors).toEqual([]);
    await teammateContext.close();
    await ownerContext.close();
  }, 120_000);

  it("someone with an account signs in from the invitation to accept it, and the used link then says so", async () => {
    const inviter = await createOrgWithOwner(server, { name: "Iris Inviter", organizationName: "Juniper Law" });
    const invitee = await createOrgWithOwner(server, { name: "Ada Existing", organizationName: "Ada's Plumbing" });
    const invited = await server.api.post(
      `/api/v1/orgs/${inviter.organizationId}/invitations`,
      { email: invitee.email, role: "admin" },
      { token: inviter.accessToken },
    );
    expect(invited.status, invited.text).toBe(201);
    const mail = await server.mail.waitFor(invitee.email, (m) => m.subject.includes("Juniper Law"));
    const link = `${server.url}/invitations/${encodeURIComponent(tokenFromLink(mail.links, "/invitations/"))}`;

    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    watchErrors(page, "invitee");
    await page.goto(link);
    await page.getByRole("heading", { name: "Join Juniper Law" }).waitFor();
    await page.getByRole("link", { name: "Sign in to accept" }).click();
    await page.getByLabel("Email").fill(invitee.email);
    await page.getByLabel("Password").fill(invitee.password);
    await page.getByRole("button", { name: "Sign in" }).click();

    // Back on the invitation, signed in as the invited address.
    const accept = page.getByRole("button", { name: "Accept invitation" });
    await accept.waitFor();
    await accept.click();
    await page.getByRole("heading", { name: "Welcome, Ada" }).waitFor();
    expect(await page.getByRole("main").textContent()).toContain("Juniper Law");
    await page.getByRole("button", { name: /Switch organization/ }).click();
    const menu = page.getByRole("menu");
    await menu.waitFor();
    expect(await menu.getByRole("menuitem").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining("Juniper Law"), expect.stringContaining("Ada's Plumbing")]),
    );

    // Once the 15-minute access token has expired, switching organization fires parallel requests
    // (organization, members, invitations) that all get 401 TOKEN_EXPIRED and share one refresh.
    const refreshes: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/api/v1/auth/refresh")) refreshes.push(request.url());
    });
    server.clock.advance(16 * 60 * 1000);
    await menu.getByRole("menuitem", { name: /Ada's Plumbing/ }).click();
    await page.getByRole("main").getByText("Ada's Plumbing").first().waitFor();
    await page.getByRole("main").getByText("1 member").waitFor();
    expect(refreshes).toHaveLength(1);

    await page.goto(link);
    await page.getByRole("heading", { name: "This invitation can't be used" }).waitFor();
    expect(await page.getByRole("alert").textContent()).toContain("already been used");
    await screenshot(page, "09-invitation-already-used");
    // Expected refusals: the expired access token (401) and the used invitation's preview (404).
    expect(pageErrors.filter((e) => !/status of (401|404)/.test(e))).toEqual([]);
    await context.close();
  }, 60_000);
});
