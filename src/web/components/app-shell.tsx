// The signed-in frame: sidebar (organization switcher, sections, account menu), a drawer on small
// screens, the unverified-email, sandbox-mode and usage banners, and the page itself.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useNavigate, useParams, useRouterState } from "@tanstack/react-router";
import {
  BookOpen,
  ChartNoAxesColumn,
  CreditCard,
  House,
  Inbox,
  LogOut,
  Menu,
  PhoneCall,
  PhoneIncoming,
  Settings,
  Shield,
  Sparkles,
  UserRound,
  Users,
  X,
} from "lucide-react";
import { DropdownMenu, Dialog as RadixDialog } from "radix-ui";
import { type ComponentType, useEffect, useState } from "react";
import { type Organization, organizationsQuery, type User } from "../api/queries";
import { lastOrganization } from "../lib/last-organization";
import { can } from "../lib/permissions";
import { personInitials } from "../lib/person-initials";
import { signOut } from "../lib/sign-out";
import { useMe } from "../lib/use-session";
import { UsageBanner } from "./billing/usage-banner";
import { Logo } from "./logo";
import { OrganizationSwitcher } from "./organization-switcher";
import { SandboxBanner } from "./sandbox-banner";
import { ErrorState, LoadingState } from "./states";
import { VerifyEmailBanner } from "./verify-email-banner";

type OrgSection = "assistants" | "phone-numbers" | "calls" | "inbox" | "knowledge" | "analytics" | "billing" | "settings" | "team";

type NavItem = { label: string; icon: ComponentType<{ className?: string }>; section: OrgSection | null; visible: (org: Organization) => boolean };

const everyone = () => true;
const editors = (org: Organization) => can(org.role, "assistants:write");

// Viewers are read-only (dashboard, calls, analytics, team), so sections they cannot use are hidden.
const WORK_ITEMS: NavItem[] = [
  { label: "Overview", icon: House, section: null, visible: everyone },
  { label: "Assistants", icon: Sparkles, section: "assistants", visible: editors },
  { label: "Phone numbers", icon: PhoneIncoming, section: "phone-numbers", visible: editors },
  { label: "Calls", icon: PhoneCall, section: "calls", visible: (org) => can(org.role, "calls:read") },
  { label: "Inbox", icon: Inbox, section: "inbox", visible: (org) => can(org.role, "inbox:write") },
  { label: "Knowledge", icon: BookOpen, section: "knowledge", visible: (org) => can(org.role, "knowledge:write") },
  { label: "Analytics", icon: ChartNoAxesColumn, section: "analytics", visible: (org) => can(org.role, "analytics:read") },
];

const ORGANIZATION_ITEMS: NavItem[] = [
  { label: "Billing", icon: CreditCard, section: "billing", visible: (org) => can(org.role, "billing:read") },
  { label: "Settings", icon: Settings, section: "settings", visible: everyone },
  { label: "Team", icon: Users, section: "team", visible: (org) => can(org.role, "members:read") },
];

const NAV_LINK =
  "flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 aria-[current=page]:bg-zinc-100 aria-[current=page]:text-zinc-900";

function NavGroup({ title, items, organization }: { title?: string; items: NavItem[]; organization: Organization }) {
  const visible = items.filter((item) => item.visible(organization));
  if (visible.length === 0) return null;
  return (
    <div className="space-y-0.5">
      {title && <p className="px-2 pt-4 pb-1 text-xs font-medium text-zinc-400">{title}</p>}
      {visible.map((item) => {
        const Icon = item.icon;
        const content = (
          <>
            <Icon aria-hidden className="size-4 shrink-0 opacity-80" />
            {item.label}
          </>
        );
        return item.section ? (
          <Link key={item.label} to={`/orgs/$orgId/${item.section}`} params={{ orgId: organization.id }} className={NAV_LINK}>
            {content}
          </Link>
        ) : (
          <Link key={item.label} to="/orgs/$orgId" params={{ orgId: organization.id }} activeOptions={{ exact: true }} className={NAV_LINK}>
            {content}
          </Link>
        );
      })}
    </div>
  );
}

const MENU_ITEM =
  "flex cursor-default items-center gap-2 rounded-md px-2 py-1.5 text-sm text-zinc-700 outline-none select-none data-[highlighted]:bg-zinc-100 data-[highlighted]:text-zinc-900";

function AccountMenu({ user }: { user: User }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="flex w-full items-center gap-2.5 rounded-lg p-1.5 text-left hover:bg-zinc-100 data-[state=open]:bg-zinc-100">
        <span aria-hidden className="flex size-7 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-700">
          {personInitials(user.name)}
        </span>
        <span className="min-w-0 flex-1">
          <span className="sr-only">Account menu: </span>
          <span className="block truncate text-sm font-medium text-zinc-900">{user.name}</span>
          <span className="block truncate text-xs text-zinc-500">{user.email}</span>
        </span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          side="top"
          align="start"
          sideOffset={6}
          className="z-50 w-56 rounded-lg bg-white p-1 shadow-lg ring-1 ring-zinc-200 data-[state=open]:animate-[fade-in_150ms_ease-out]"
        >
          <DropdownMenu.Item className={MENU_ITEM} onSelect={() => void navigate({ to: "/account" })}>
            <UserRound aria-hidden className="size-4" />
            Account settings
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="my-1 h-px bg-zinc-100" />
          <DropdownMenu.Item
            className={MENU_ITEM}
            onSelect={() => {
              void signOut(queryClient).then(() => navigate({ to: "/signin" }));
            }}
          >
            <LogOut aria-hidden className="size-4" />
            Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

function SidebarContent({ organization, user, onNavigate }: { organization: Organization | undefined; user: User; onNavigate?: () => void }) {
  return (
    <div className="flex h-full flex-col">
      <div className="p-3">
        <OrganizationSwitcher current={organization} onNavigate={onNavigate} />
      </div>
      <nav aria-label="Main" className="flex-1 overflow-y-auto px-3 pb-4">
        {organization && (
          <>
            <NavGroup items={WORK_ITEMS} organization={organization} />
            <NavGroup title="Organization" items={ORGANIZATION_ITEMS} organization={organization} />
          </>
        )}
        {user.isSuperAdmin && (
          <div className="space-y-0.5">
            <p className="px-2 pt-4 pb-1 text-xs font-medium text-zinc-400">Platform</p>
            <Link to="/admin" className={NAV_LINK}>
              <Shield aria-hidden className="size-4 shrink-0 opacity-80" />
              Admin
            </Link>
          </div>
        )}
      </nav>
      <div className="border-t border-zinc-200 p-3">
        <AccountMenu user={user} />
      </div>
    </div>
  );
}

/** The organization in view: the one in the URL, else the last one opened, else the first. */
function useShellOrganization(): Organization | undefined {
  const params = useParams({ strict: false }) as { orgId?: string };
  const organizations = useQuery(organizationsQuery());
  const list = organizations.data ?? [];
  const wanted = params.orgId ?? lastOrganization();
  return list.find((org) => org.id === wanted) ?? (params.orgId ? undefined : list[0]);
}

export function AppShell() {
  const me = useMe();
  const organization = useShellOrganization();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const pathname = useRouterState({ select: (state) => state.location.pathname });

  // Close the mobile drawer whenever the page changes.
  useEffect(() => {
    if (pathname) setDrawerOpen(false);
  }, [pathname]);

  if (!me.data) {
    return <div className="min-h-dvh pt-24">{me.isError ? <ErrorState error={me.error} onRetry={() => void me.refetch()} /> : <LoadingState />}</div>;
  }
  const user = me.data.user;

  return (
    <div className="min-h-dvh bg-zinc-50">
      <a href="#main" className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2">
        Skip to content
      </a>
      <aside aria-label="Sidebar" className="fixed inset-y-0 left-0 hidden w-64 border-r border-zinc-200 bg-white lg:block">
        <SidebarContent organization={organization} user={user} />
      </aside>

      <RadixDialog.Root open={drawerOpen} onOpenChange={setDrawerOpen}>
        <RadixDialog.Portal>
          <RadixDialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/40 data-[state=open]:animate-[fade-in_150ms_ease-out] lg:hidden" />
          <RadixDialog.Content
            aria-describedby={undefined}
            className="fixed inset-y-0 left-0 z-50 w-72 max-w-[calc(100vw-4rem)] bg-white shadow-xl data-[state=open]:animate-[slide-in_180ms_ease-out] lg:hidden"
          >
            <RadixDialog.Title className="sr-only">Navigation</RadixDialog.Title>
            <RadixDialog.Close
              aria-label="Close navigation"
              className="absolute top-3 -right-11 rounded-full bg-white/90 p-1.5 text-zinc-700 shadow-sm hover:bg-white"
            >
              <X aria-hidden className="size-4" />
            </RadixDialog.Close>
            <SidebarContent organization={organization} user={user} onNavigate={() => setDrawerOpen(false)} />
          </RadixDialog.Content>
        </RadixDialog.Portal>
      </RadixDialog.Root>

      <div className="lg:pl-64">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b border-zinc-200 bg-white/90 px-4 backdrop-blur lg:hidden">
          <button
            type="button"
            aria-label="Open navigation"
            onClick={() => setDrawerOpen(true)}
            className="-ml-1 rounded-md p-1.5 text-zinc-600 hover:bg-zinc-100"
          >
            <Menu aria-hidden className="size-5" />
          </button>
          <Logo />
        </header>
        <VerifyEmailBanner user={user} />
        <SandboxBanner organization={organization} />
        <UsageBanner organization={organization} />
        <main id="main" className="mx-auto max-w-6xl px-4 py-8 sm:px-6 lg:px-10 lg:py-10">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
