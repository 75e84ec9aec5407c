// The route tree (TanStack Router, declared in code): public pages, links from emails, and the
// signed-in app under the shell, with the session checks that guard them.
import type { QueryClient } from "@tanstack/react-query";
import { createRootRouteWithContext, createRoute, createRouter, Outlet, redirect } from "@tanstack/react-router";
import type { Industry } from "./api/assistants";
import { meQuery, organizationsQuery } from "./api/queries";
import { getSession, restoreSession } from "./api/session";
import { AppShell } from "./components/app-shell";
import { ErrorState, LoadingState } from "./components/states";
import { isIndustry } from "./lib/industries";
import { lastOrganization } from "./lib/last-organization";
import { AccountPage } from "./routes/account";
import { AdminPage } from "./routes/admin";
import { AssistantConsolePage } from "./routes/assistant-console";
import { EditAssistantPage, NewAssistantPage } from "./routes/assistant-editor";
import { TemplateDetailPage, TemplateGalleryPage } from "./routes/assistant-templates";
import { AssistantsPage } from "./routes/assistants";
import { BillingPage } from "./routes/billing";
import { BillingInvoicePage } from "./routes/billing-invoice";
import { CallDetailPage, CallsPage } from "./routes/calls";
import { ForgotPasswordPage } from "./routes/forgot-password";
import { NoOrganizationPage } from "./routes/home";
import { InboxPage } from "./routes/inbox";
import { InvitationPage } from "./routes/invitation";
import { KnowledgePage } from "./routes/knowledge";
import { OrganizationLayout } from "./routes/organization-layout";
import { OrganizationSettingsPage } from "./routes/organization-settings";
import { OverviewPage } from "./routes/overview";
import { PhoneNumbersPage } from "./routes/phone-numbers";
import { ResetPasswordPage } from "./routes/reset-password";
import { NotFoundPage, RootLayout } from "./routes/root-layout";
import { SignInPage } from "./routes/signin";
import { SignUpPage } from "./routes/signup";
import { TeamPage } from "./routes/team";
import { UPCOMING_SECTIONS, type UpcomingSectionKey, UpcomingSectionPage } from "./routes/upcoming-section";
import { VerifyEmailPage } from "./routes/verify-email";

export type RouterContext = { queryClient: QueryClient };

/** Only same-site paths, so a crafted ?redirect= cannot send anyone elsewhere. */
export function safeRedirect(target: unknown): string | undefined {
  return typeof target === "string" && target.startsWith("/") && !target.startsWith("//") && !target.startsWith("/\\") ? target : undefined;
}

const redirectSearch = (search: Record<string, unknown>): { redirect?: string } => {
  const target = safeRedirect(search.redirect);
  return target ? { redirect: target } : {};
};

const tokenSearch = (search: Record<string, unknown>): { token?: string } => (typeof search.token === "string" ? { token: search.token } : {});

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: RootLayout,
  notFoundComponent: NotFoundPage,
});

// Sign-in, sign-up, forgot password: a signed-in visitor goes straight on.
const guestRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "guest",
  beforeLoad: async ({ location }) => {
    await restoreSession();
    if (getSession().status === "signed-in") throw redirect({ href: safeRedirect((location.search as { redirect?: unknown }).redirect) ?? "/" });
  },
  component: Outlet,
});

const signinRoute = createRoute({ getParentRoute: () => guestRoute, path: "signin", validateSearch: redirectSearch, component: SignInPage });
const signupRoute = createRoute({ getParentRoute: () => guestRoute, path: "signup", validateSearch: redirectSearch, component: SignUpPage });
const forgotPasswordRoute = createRoute({ getParentRoute: () => guestRoute, path: "forgot-password", component: ForgotPasswordPage });

// Links from emails work signed in or not.
const linkRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "link",
  beforeLoad: () => restoreSession(),
  component: Outlet,
});
const verifyEmailRoute = createRoute({ getParentRoute: () => linkRoute, path: "verify-email", validateSearch: tokenSearch, component: VerifyEmailPage });
const resetPasswordRoute = createRoute({ getParentRoute: () => linkRoute, path: "reset-password", validateSearch: tokenSearch, component: ResetPasswordPage });
const invitationRoute = createRoute({ getParentRoute: () => linkRoute, path: "invitations/$token", component: InvitationPage });

// Everything else needs a session.
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "app",
  beforeLoad: async ({ location }) => {
    await restoreSession();
    if (getSession().status !== "signed-in") throw redirect({ to: "/signin", search: { redirect: location.href } });
  },
  component: AppShell,
  pendingComponent: () => <LoadingState className="min-h-dvh" />,
});

const homeRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/",
  loader: async ({ context }) => {
    const organizations = await context.queryClient.ensureQueryData(organizationsQuery());
    const target = organizations.find((org) => org.id === lastOrganization()) ?? organizations[0];
    if (target) throw redirect({ to: "/orgs/$orgId", params: { orgId: target.id }, replace: true });
  },
  component: NoOrganizationPage,
  errorComponent: ({ error, reset }) => <ErrorState error={error} onRetry={reset} />,
});

const accountRoute = createRoute({ getParentRoute: () => appRoute, path: "account", component: AccountPage });

const adminRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "admin",
  validateSearch: (search: Record<string, unknown>): { tab?: "organizations" | "users" | "plans" | "mailbox" } =>
    search.tab === "users" || search.tab === "plans" || search.tab === "mailbox" || search.tab === "organizations" ? { tab: search.tab } : {},
  beforeLoad: async ({ context }) => {
    const me = await context.queryClient.ensureQueryData(meQuery());
    if (!me.user.isSuperAdmin) throw redirect({ to: "/" });
  },
  component: AdminPage,
});

const organizationRoute = createRoute({ getParentRoute: () => appRoute, path: "orgs/$orgId", component: OrganizationLayout });
const overviewRoute = createRoute({ getParentRoute: () => organizationRoute, path: "/", component: OverviewPage });
const teamRoute = createRoute({ getParentRoute: () => organizationRoute, path: "team", component: TeamPage });
const settingsRoute = createRoute({ getParentRoute: () => organizationRoute, path: "settings", component: OrganizationSettingsPage });
// Sections not built yet: each shows what will live there.
const upcoming = (key: UpcomingSectionKey) => () => <UpcomingSectionPage section={UPCOMING_SECTIONS[key]} />;
// Assistants: the list, the template gallery ("new"), a template's detail, the form (from a
// template or from scratch) and a saved assistant's page.
const assistantsRoute = createRoute({ getParentRoute: () => organizationRoute, path: "assistants", component: AssistantsPage });
const assistantGalleryRoute = createRoute({
  getParentRoute: () => organizationRoute,
  path: "assistants/new",
  validateSearch: (search: Record<string, unknown>): { industry?: Industry } => (isIndustry(search.industry) ? { industry: search.industry } : {}),
  component: TemplateGalleryPage,
});
const assistantTemplateRoute = createRoute({ getParentRoute: () => organizationRoute, path: "assistants/templates/$slug", component: TemplateDetailPage });
const assistantCreateRoute = createRoute({
  getParentRoute: () => organizationRoute,
  path: "assistants/create",
  validateSearch: (search: Record<string, unknown>): { template?: string } =>
    typeof search.template === "string" && search.template ? { template: search.template } : {},
  component: NewAssistantPage,
});
const assistantRoute = createRoute({ getParentRoute: () => organizationRoute, path: "assistants/$assistantId", component: EditAssistantPage });
// The test console; ?session= keeps the session across reloads.
const assistantConsoleRoute = createRoute({
  getParentRoute: () => organizationRoute,
  path: "assistants/$assistantId/test",
  validateSearch: (search: Record<string, unknown>): { session?: string } =>
    typeof search.session === "string" && search.session ? { session: search.session } : {},
  component: AssistantConsolePage,
});
const phoneNumbersRoute = createRoute({ getParentRoute: () => organizationRoute, path: "phone-numbers", component: PhoneNumbersPage });
const callsRoute = createRoute({ getParentRoute: () => organizationRoute, path: "calls", component: CallsPage });
const callRoute = createRoute({ getParentRoute: () => organizationRoute, path: "calls/$callId", component: CallDetailPage });
// The inbox; ?item= opens one item beside the list (the calls pages link to items that way).
const inboxRoute = createRoute({
  getParentRoute: () => organizationRoute,
  path: "inbox",
  validateSearch: (search: Record<string, unknown>): { item?: string } => (typeof search.item === "string" && search.item ? { item: search.item } : {}),
  component: InboxPage,
});
const knowledgeRoute = createRoute({
  getParentRoute: () => organizationRoute,
  path: "knowledge",
  validateSearch: (search: Record<string, unknown>): { assistant?: string } =>
    typeof search.assistant === "string" && search.assistant ? { assistant: search.assistant } : {},
  component: KnowledgePage,
});
const analyticsRoute = createRoute({ getParentRoute: () => organizationRoute, path: "analytics", component: upcoming("analytics") });
// Billing; ?checkout= is where Stripe Checkout sends the browser back.
const billingRoute = createRoute({
  getParentRoute: () => organizationRoute,
  path: "billing",
  validateSearch: (search: Record<string, unknown>): { checkout?: "success" | "cancelled" } =>
    search.checkout === "success" || search.checkout === "cancelled" ? { checkout: search.checkout } : {},
  component: BillingPage,
});

// An invoice's printable receipt: signed in, but outside the app shell so it prints as the document alone.
const invoiceReceiptRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "orgs/$orgId/billing/invoices/$invoiceId",
  beforeLoad: async ({ location }) => {
    await restoreSession();
    if (getSession().status !== "signed-in") throw redirect({ to: "/signin", search: { redirect: location.href } });
  },
  component: BillingInvoicePage,
});

const routeTree = rootRoute.addChildren([
  guestRoute.addChildren([signinRoute, signupRoute, forgotPasswordRoute]),
  linkRoute.addChildren([verifyEmailRoute, resetPasswordRoute, invitationRoute]),
  invoiceReceiptRoute,
  appRoute.addChildren([
    homeRoute,
    accountRoute,
    adminRoute,
    organizationRoute.addChildren([
      overviewRoute,
      teamRoute,
      settingsRoute,
      assistantsRoute,
      assistantGalleryRoute,
      assistantTemplateRoute,
      assistantCreateRoute,
      assistantRoute,
      assistantConsoleRoute,
      phoneNumbersRoute,
      callsRoute,
      callRoute,
      inboxRoute,
      knowledgeRoute,
      analyticsRoute,
      billingRoute,
    ]),
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultErrorComponent: ({ error, reset }) => <ErrorState error={error} onRetry={reset} className="min-h-[60vh]" />,
    defaultNotFoundComponent: NotFoundPage,
    defaultPreload: "intent",
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
