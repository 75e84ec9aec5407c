// The organization's overview: a welcome with its name and plan, call figures (today, this month,
// minutes against the plan), calls per day, the live calls panel, a few facts, and the
// getting-started checklist (verify email, invite a teammate).
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { Check, Clock, CreditCard, PhoneCall, PhoneIncoming, ShieldCheck, Users } from "lucide-react";
import type { ComponentType, ReactNode } from "react";
import { callStatsQuery, plansQuery, useCallEvents } from "../api/calls";
import { api, unwrap } from "../api/client";
import { problemMessage } from "../api/problem";
import { invitationsQuery, membersQuery } from "../api/queries";
import { Badge, RoleBadge } from "../components/badge";
import { Button, buttonClasses } from "../components/button";
import { CallsPerDayChart, LiveCallsPanel } from "../components/calls";
import { Panel } from "../components/page-header";
import { ErrorState, LoadingState } from "../components/states";
import { cx } from "../lib/class-names";
import { useCurrentOrganization } from "../lib/current-organization";
import { can } from "../lib/permissions";
import { useMe } from "../lib/use-session";

function Fact({ icon: Icon, label, children }: { icon: ComponentType<{ className?: string }>; label: string; children: ReactNode }) {
  return (
    <div className="rounded-xl bg-white p-4 shadow-xs ring-1 ring-zinc-200">
      <div className="flex items-center gap-2 text-xs font-medium text-zinc-500">
        <Icon aria-hidden className="size-3.5" />
        {label}
      </div>
      <div className="mt-2 text-sm font-semibold text-zinc-900">{children}</div>
    </div>
  );
}

function ChecklistItem({ done, title, children, action }: { done: boolean; title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <li className="flex gap-3 px-5 py-4">
      <span
        aria-hidden
        className={cx(
          "mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full ring-1",
          done ? "bg-emerald-500 text-white ring-emerald-500" : "bg-white text-transparent ring-zinc-300",
        )}
      >
        <Check className="size-3.5" strokeWidth={3} />
      </span>
      <div className="flex min-w-0 flex-1 flex-col gap-3 sm:flex-row sm:items-center">
        <div className="min-w-0 flex-1">
          <p className={cx("text-sm font-medium", done ? "text-zinc-500 line-through decoration-zinc-300" : "text-zinc-900")}>
            {title}
            <span className="sr-only">{done ? " (done)" : " (to do)"}</span>
          </p>
          <div className="mt-0.5 text-sm text-zinc-500">{children}</div>
        </div>
        {!done && action && <div className="shrink-0">{action}</div>}
      </div>
    </li>
  );
}

function Stat({ icon: Icon, label, value, detail }: { icon: ComponentType<{ className?: string }>; label: string; value: ReactNode; detail?: ReactNode }) {
  return (
    <div className="rounded-xl bg-white p-4 shadow-xs ring-1 ring-zinc-200">
      <div className="flex items-center gap-2 text-xs font-medium text-zinc-500">
        <Icon aria-hidden className="size-3.5" />
        {label}
      </div>
      <div className="mt-2 text-2xl font-semibold tabular-nums tracking-tight text-zinc-900">{value}</div>
      {detail && <div className="mt-1 text-xs text-zinc-500">{detail}</div>}
    </div>
  );
}

const numberFormat = new Intl.NumberFormat();

function CallsOverview({ orgId, planId }: { orgId: string; planId: string }) {
  const live = useCallEvents(orgId);
  const stats = useQuery(callStatsQuery(orgId));
  const plans = useQuery(plansQuery());
  const minutesAllowed = plans.data?.find((plan) => plan.id === planId)?.minutesPerMonth;

  const figures = stats.isPending ? (
    <LoadingState label="Loading call figures…" className="sm:col-span-3" />
  ) : stats.isError ? (
    <ErrorState error={stats.error} onRetry={() => stats.refetch()} title="Could not load call figures" className="sm:col-span-3" />
  ) : (
    <>
      <Stat icon={PhoneCall} label="Calls today" value={numberFormat.format(stats.data.callsToday)} detail={`${stats.data.activeCalls} in progress`} />
      <Stat icon={PhoneIncoming} label="Calls this month" value={numberFormat.format(stats.data.callsThisMonth)} />
      <Stat
        icon={Clock}
        label="Minutes this month"
        value={numberFormat.format(stats.data.minutesThisMonth)}
        detail={
          minutesAllowed === undefined ? undefined : minutesAllowed === null ? (
            "Unlimited on your plan"
          ) : (
            <UsageBar used={stats.data.minutesThisMonth} allowed={minutesAllowed} />
          )
        }
      />
    </>
  );

  return (
    <div className="mb-8 space-y-3">
      <div className="grid gap-3 sm:grid-cols-3">{figures}</div>
      <div className="grid gap-3 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <Panel title="Calls per day" description={stats.data ? `Last ${stats.data.perDay.length} days, ${stats.data.timezone} time` : undefined}>
            <div className="px-5 py-4">{stats.data ? <CallsPerDayChart perDay={stats.data.perDay} /> : <div className="h-32" />}</div>
          </Panel>
        </div>
        <LiveCallsPanel orgId={orgId} state={live} />
      </div>
    </div>
  );
}

function UsageBar({ used, allowed }: { used: number; allowed: number }) {
  const ratio = allowed > 0 ? Math.min(1, used / allowed) : 1;
  return (
    <span className="block">
      <span>
        of {numberFormat.format(allowed)} on your plan ({Math.round(ratio * 100)}%)
      </span>
      <span aria-hidden className="mt-1.5 block h-1.5 overflow-hidden rounded-full bg-zinc-100">
        <span className={cx("block h-full rounded-full", ratio >= 0.9 ? "bg-amber-500" : "bg-indigo-500")} style={{ width: `${ratio * 100}%` }} />
      </span>
    </span>
  );
}

export function OverviewPage() {
  const organization = useCurrentOrganization();
  const me = useMe();
  const members = useQuery(membersQuery(organization.id));
  const mayInvite = can(organization.role, "invitations:manage");
  const invitations = useQuery({ ...invitationsQuery(organization.id), enabled: mayInvite });
  const resend = useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/auth/resend-verification")) });

  const user = me.data?.user;
  const firstName = user?.name.split(/\s+/)[0] ?? "";
  const emailVerified = user?.emailVerified ?? false;
  const teamStarted = (members.data?.length ?? 0) > 1 || (invitations.data?.length ?? 0) > 0;
  const stepsDone = [true, emailVerified, teamStarted].filter(Boolean).length;

  return (
    <>
      <div className="mb-8">
        <p className="text-sm font-medium text-indigo-600">{organization.name}</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight text-zinc-900">Welcome{firstName ? `, ${firstName}` : ""}</h1>
        <p className="mt-1 text-sm text-zinc-500">
          Here is where {organization.name} stands. You are on the <span className="font-medium text-zinc-700">{organization.plan.name}</span> plan.
        </p>
      </div>

      <CallsOverview orgId={organization.id} planId={organization.plan.id} />

      <div className="mb-8 grid gap-3 sm:grid-cols-3">
        <Fact icon={CreditCard} label="Plan">
          <span className="flex items-center gap-2">
            {organization.plan.name}
            {organization.status !== "active" && <Badge tone="warning">{organization.status === "past_due" ? "Past due" : "Suspended"}</Badge>}
          </span>
        </Fact>
        <Fact icon={Users} label="Team">
          {members.isPending ? "…" : members.isError ? "—" : `${members.data.length} ${members.data.length === 1 ? "member" : "members"}`}
        </Fact>
        <Fact icon={ShieldCheck} label="Your role">
          <RoleBadge role={organization.role} />
        </Fact>
      </div>

      <Panel title="Getting started" description={`${stepsDone} of 3 done`}>
        <ol className="divide-y divide-zinc-100">
          <ChecklistItem done title="Create your account">
            Your organization is ready.
          </ChecklistItem>
          <ChecklistItem
            done={emailVerified}
            title="Verify your email"
            action={
              <Button variant="secondary" size="sm" pending={resend.isPending} disabled={resend.isSuccess} onClick={() => resend.mutate()}>
                {resend.isSuccess ? "Email sent" : "Resend email"}
              </Button>
            }
          >
            {emailVerified ? "Your address is confirmed." : `Follow the link we sent to ${user?.email ?? "your inbox"}.`}
            {resend.isError && (
              <span role="alert" className="block text-red-600">
                {problemMessage(resend.error)}
              </span>
            )}
          </ChecklistItem>
          <ChecklistItem
            done={teamStarted}
            title="Invite a teammate"
            action={
              mayInvite ? (
                <Link to="/orgs/$orgId/team" params={{ orgId: organization.id }} className={buttonClasses("secondary", "sm")}>
                  Invite
                </Link>
              ) : undefined
            }
          >
            {teamStarted ? "Your team is growing." : mayInvite ? "Bring in the people who handle your calls." : "An owner or admin can invite people."}
          </ChecklistItem>
        </ol>
      </Panel>
    </>
  );
}
