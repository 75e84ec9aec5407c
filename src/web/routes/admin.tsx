// The super admin console: search every organization and user (and change an organization's plan),
// edit the plans catalog, and read the dev mailbox (mail kept locally when no SMTP server is configured).
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { Building2, Inbox, Search, UserRound } from "lucide-react";
import { Tabs } from "radix-ui";
import { Fragment, type ReactNode, useState } from "react";
import { adminMailboxQuery, adminOrganizationsQuery, adminUsersQuery, type DevMail } from "../api/queries";
import { Badge } from "../components/badge";
import { controlClasses } from "../components/form-field";
import { PageHeader, Panel } from "../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { cx } from "../lib/class-names";
import { formatDate, formatDateTime } from "../lib/dates";
import { useDebouncedValue } from "../lib/use-debounced-value";
import { AssignPlanButton, PlansTab } from "./admin-plans";

const route = getRouteApi("/app/admin");

function SearchBox({ label, value, onChange, placeholder }: { label: string; value: string; onChange: (value: string) => void; placeholder: string }) {
  return (
    <div className="relative max-w-sm">
      <Search aria-hidden className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" />
      <input
        type="search"
        aria-label={label}
        placeholder={placeholder}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        className={cx(controlClasses, "pl-9")}
      />
    </div>
  );
}

function Table({ head, children }: { head: string[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <thead className="text-left text-xs font-medium text-zinc-500">
          <tr className="border-b border-zinc-100">
            {head.map((label, index) => (
              <th key={label} scope="col" className={cx("py-2.5 font-medium whitespace-nowrap", index === 0 ? "px-5" : "px-3")}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">{children}</tbody>
      </table>
    </div>
  );
}

function OrganizationsTab() {
  const [q, setQ] = useState("");
  const query = useQuery({ ...adminOrganizationsQuery(useDebouncedValue(q.trim())), placeholderData: keepPreviousData });
  return (
    <div className="space-y-4">
      <SearchBox label="Search organizations" placeholder="Name, slug or id" value={q} onChange={setQ} />
      <Panel title="Organizations" description={query.data ? `${query.data.total} found` : undefined}>
        {query.isPending && <LoadingState />}
        {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
        {query.data && query.data.items.length === 0 && <EmptyState icon={Building2} title="No organizations match" />}
        {query.data && query.data.items.length > 0 && (
          <Table head={["Organization", "Plan", "Status", "Members", "Created", "Actions"]}>
            {query.data.items.map((org) => (
              <tr key={org.id}>
                <td className="px-5 py-3">
                  <p className="font-medium text-zinc-900">{org.name}</p>
                  <p className="font-mono text-xs text-zinc-500">
                    {org.slug} · {org.id}
                  </p>
                </td>
                <td className="px-3 py-3">{org.planName}</td>
                <td className="px-3 py-3">
                  {org.deletedAt ? (
                    <Badge tone="danger">Deleted</Badge>
                  ) : (
                    <Badge tone={org.status === "active" ? "success" : "warning"}>{org.status.replace("_", " ")}</Badge>
                  )}
                </td>
                <td className="px-3 py-3 tabular-nums">{org.members}</td>
                <td className="px-3 py-3 whitespace-nowrap text-zinc-500">{formatDate(org.createdAt)}</td>
                <td className="px-3 py-3 text-right">
                  <AssignPlanButton organization={org} />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Panel>
    </div>
  );
}

function UsersTab() {
  const [q, setQ] = useState("");
  const query = useQuery({ ...adminUsersQuery(useDebouncedValue(q.trim())), placeholderData: keepPreviousData });
  return (
    <div className="space-y-4">
      <SearchBox label="Search users" placeholder="Name, email or id" value={q} onChange={setQ} />
      <Panel title="Users" description={query.data ? `${query.data.total} found` : undefined}>
        {query.isPending && <LoadingState />}
        {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
        {query.data && query.data.items.length === 0 && <EmptyState icon={UserRound} title="No users match" />}
        {query.data && query.data.items.length > 0 && (
          <Table head={["User", "Email", "Organizations", "Joined"]}>
            {query.data.items.map((user) => (
              <tr key={user.id}>
                <td className="px-5 py-3">
                  <p className="flex items-center gap-2 font-medium text-zinc-900">
                    {user.name}
                    {user.isSuperAdmin && <Badge tone="brand">Super admin</Badge>}
                  </p>
                  <p className="font-mono text-xs text-zinc-500">{user.id}</p>
                </td>
                <td className="px-3 py-3">
                  <span className="mr-2">{user.email}</span>
                  {!user.emailVerified && <Badge tone="warning">Unverified</Badge>}
                </td>
                <td className="px-3 py-3 tabular-nums">{user.organizations}</td>
                <td className="px-3 py-3 whitespace-nowrap text-zinc-500">{formatDate(user.createdAt)}</td>
              </tr>
            ))}
          </Table>
        )}
      </Panel>
    </div>
  );
}

const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

/** Splits mail text into plain runs and links, keyed by where each starts in the text. */
function linkRuns(text: string): { at: number; text: string; link: boolean }[] {
  const runs: { at: number; text: string; link: boolean }[] = [];
  let at = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    if (match.index > at) runs.push({ at, text: text.slice(at, match.index), link: false });
    runs.push({ at: match.index, text: match[0], link: true });
    at = match.index + match[0].length;
  }
  if (at < text.length) runs.push({ at, text: text.slice(at), link: false });
  return runs;
}

/** Mail text with its links clickable: following them is how a local setup verifies accounts. */
function MailText({ text }: { text: string }) {
  return (
    <pre className="overflow-x-auto rounded-lg bg-zinc-50 p-4 font-sans text-sm whitespace-pre-wrap text-zinc-700 ring-1 ring-zinc-200">
      {linkRuns(text).map((run) =>
        run.link ? (
          <a key={run.at} href={run.text} className="break-all text-indigo-600 underline">
            {run.text}
          </a>
        ) : (
          <Fragment key={run.at}>{run.text}</Fragment>
        ),
      )}
    </pre>
  );
}

function MailRow({ mail }: { mail: DevMail }) {
  return (
    <li>
      <details className="group">
        <summary className="flex cursor-pointer list-none flex-col gap-1 px-5 py-3 hover:bg-zinc-50 sm:flex-row sm:items-center sm:gap-4">
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-medium text-zinc-900">{mail.subject}</span>
            <span className="block truncate text-xs text-zinc-500">To {mail.to}</span>
          </span>
          <span className="text-xs whitespace-nowrap text-zinc-400">{formatDateTime(mail.createdAt)}</span>
        </summary>
        <div className="px-5 pb-4">
          <MailText text={mail.text} />
        </div>
      </details>
    </li>
  );
}

function MailboxTab() {
  const [to, setTo] = useState("");
  const query = useQuery({ ...adminMailboxQuery(useDebouncedValue(to.trim())), placeholderData: keepPreviousData });
  return (
    <div className="space-y-4">
      <SearchBox label="Filter by recipient" placeholder="Recipient address" value={to} onChange={setTo} />
      <Panel title="Dev mailbox" description="Mail kept locally because no SMTP server or Resend key is configured. Newest first.">
        {query.isPending && <LoadingState />}
        {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
        {query.data && query.data.length === 0 && (
          <EmptyState icon={Inbox} title="No mail here">
            When Switchboard sends mail without an SMTP server (verification links, invitations), it lands here.
          </EmptyState>
        )}
        {query.data && query.data.length > 0 && (
          <ul className="divide-y divide-zinc-100">
            {query.data.map((mail) => (
              <MailRow key={mail.id} mail={mail} />
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}

const TAB_TRIGGER =
  "-mb-px border-b-2 border-transparent px-1 pb-3 text-sm font-medium text-zinc-500 hover:text-zinc-800 data-[state=active]:border-zinc-900 data-[state=active]:text-zinc-900";

export function AdminPage() {
  const { tab = "organizations" } = route.useSearch();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader title="Admin" description="The whole platform, across every organization." />
      <Tabs.Root value={tab} onValueChange={(value) => void navigate({ to: "/admin", search: { tab: value as typeof tab }, replace: true })}>
        <Tabs.List aria-label="Admin sections" className="mb-6 flex gap-6 border-b border-zinc-200">
          <Tabs.Trigger value="organizations" className={TAB_TRIGGER}>
            Organizations
          </Tabs.Trigger>
          <Tabs.Trigger value="users" className={TAB_TRIGGER}>
            Users
          </Tabs.Trigger>
          <Tabs.Trigger value="plans" className={TAB_TRIGGER}>
            Plans
          </Tabs.Trigger>
          <Tabs.Trigger value="mailbox" className={TAB_TRIGGER}>
            Mailbox
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="organizations">
          <OrganizationsTab />
        </Tabs.Content>
        <Tabs.Content value="users">
          <UsersTab />
        </Tabs.Content>
        <Tabs.Content value="plans">
          <PlansTab />
        </Tabs.Content>
        <Tabs.Content value="mailbox">
          <MailboxTab />
        </Tabs.Content>
      </Tabs.Root>
    </>
  );
}
