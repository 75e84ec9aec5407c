// The billing page of an organization (owners and admins): plan and account status, the billing
// period, usage against each limit, calls and minutes per day, the plans to move to, the Stripe
// Billing Portal, and the invoice history with receipts.
import { useMutation, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { ExternalLink, Lock } from "lucide-react";
import { assistantsQuery } from "../api/assistants";
import { type BillingOverview, billingOverviewQuery, billingUsageQuery, openBillingPortal } from "../api/billing";
import { plansQuery } from "../api/calls";
import { phoneNumbersQuery } from "../api/phone-numbers";
import { problemMessage } from "../api/problem";
import { invitationsQuery, membersQuery } from "../api/queries";
import { Alert } from "../components/alert";
import { Badge } from "../components/badge";
import { DailyUsageChart } from "../components/billing/daily-usage-chart";
import { InvoiceHistory, periodRange } from "../components/billing/invoice-history";
import { PlanComparison } from "../components/billing/plan-comparison";
import { beyondLimitsText, planPrice } from "../components/billing/plan-facts";
import { alertConsequence, alertHeadline, sortAlerts } from "../components/billing/usage-alerts";
import { formatQuantity, UsageMeter } from "../components/billing/usage-meter";
import { Button } from "../components/button";
import { PageHeader, Panel } from "../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { useCurrentOrganization } from "../lib/current-organization";
import { formatDate, formatDateTime } from "../lib/dates";
import { can } from "../lib/permissions";

const route = getRouteApi("/app/orgs/$orgId/billing");

const STATUS_BADGES: Record<BillingOverview["status"], { label: string; tone: "success" | "warning" | "danger" }> = {
  active: { label: "Active", tone: "success" },
  past_due: { label: "Past due", tone: "warning" },
  suspended: { label: "Suspended", tone: "danger" },
};

function AccountStatusNotice({ billing, mayManage }: { billing: BillingOverview; mayManage: boolean }) {
  const fix =
    billing.mode === "stripe"
      ? mayManage
        ? "Update your payment method in the billing portal and Stripe retries the payment."
        : "An owner can update the payment method in the billing portal."
      : "Pay the open invoice or contact the Switchboard team.";
  if (billing.status === "past_due") {
    const graceEnd = billing.subscription.graceEndsAt;
    return (
      <Alert tone="warning" title="Your last payment failed">
        Your assistants keep answering calls {graceEnd ? `until ${formatDateTime(graceEnd)}` : "for a few days"}; after that the organization is suspended and
        calls get the fallback instead. {fix}
      </Alert>
    );
  }
  if (billing.status === "suspended") {
    return (
      <Alert tone="error" title="This organization is suspended">
        Your assistants are not answering calls: callers get the fallback (a message-taking assistant or your fallback number), and nothing is metered. Service
        comes back as soon as the payment goes through. {fix}
      </Alert>
    );
  }
  return null;
}

function PlanSummary({ billing, mayManage, orgId }: { billing: BillingOverview; mayManage: boolean; orgId: string }) {
  const status = STATUS_BADGES[billing.status];
  const portal = useMutation({
    mutationFn: () => openBillingPortal(orgId),
    onSuccess: (url) => window.location.assign(url),
  });
  return (
    <Panel title="Current plan">
      <div className="space-y-4 px-5 py-4">
        <div>
          <div className="flex items-center gap-2">
            <p className="text-2xl font-semibold tracking-tight text-zinc-900">{billing.plan.name}</p>
            <Badge tone={status.tone}>{status.label}</Badge>
          </div>
          <p className="mt-0.5 text-sm text-zinc-500">{planPrice(billing.plan)}</p>
        </div>
        <dl className="space-y-2 text-sm">
          <div>
            <dt className="text-xs font-medium text-zinc-500">Billing period</dt>
            <dd className="text-zinc-900">{periodRange(billing.period.start, billing.period.end)}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-zinc-500">Usage resets</dt>
            <dd className="text-zinc-900">{formatDateTime(billing.period.end)}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-zinc-500">At the limits</dt>
            <dd className="text-zinc-900">{beyondLimitsText(billing.plan)}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-zinc-500">Billing</dt>
            <dd className="text-zinc-900">{billing.mode === "stripe" ? "Paid by card through Stripe" : "Invoiced monthly by Switchboard"}</dd>
          </div>
        </dl>
        {billing.scheduledPlan && (
          <Alert tone="info">
            Moves to the <span className="font-medium">{billing.scheduledPlan.name}</span> plan on {formatDate(billing.scheduledPlan.effectiveAt)}.
          </Alert>
        )}
        {billing.subscription.cancelAtPeriodEnd && !billing.scheduledPlan && (
          <Alert tone="info">The subscription ends on {formatDate(billing.period.end)}.</Alert>
        )}
        {billing.mode === "stripe" && mayManage && (
          <div className="space-y-2">
            <Button variant="secondary" className="w-full" pending={portal.isPending} onClick={() => portal.mutate()}>
              <ExternalLink aria-hidden className="size-4" />
              Payment method and billing portal
            </Button>
            {portal.isError && <Alert tone="error">{problemMessage(portal.error)}</Alert>}
          </div>
        )}
      </div>
    </Panel>
  );
}

function UsagePanel({ billing, orgId }: { billing: BillingOverview; orgId: string }) {
  const { calls, minutes } = billing.usage;
  const members = useQuery(membersQuery(orgId));
  const invitations = useQuery(invitationsQuery(orgId));
  const assistants = useQuery(assistantsQuery(orgId));
  const numbers = useQuery(phoneNumbersQuery(orgId));
  // Seats are members plus pending invitations, as the server counts them.
  const seats = members.data && invitations.data ? members.data.length + invitations.data.filter((invitation) => invitation.status === "pending").length : null;
  const activeNumbers = numbers.data?.filter((number) => number.status === "active").length ?? null;
  const overageNote = (overage: number, unit: string) => (overage > 0 ? `${formatQuantity(overage)} ${unit} of overage` : undefined);
  return (
    <Panel title="Usage this period" description={`Metered from your calls' end-of-call reports, ${billing.period.timezone} time.`}>
      <div className="space-y-5 px-5 py-4">
        <UsageMeter label="Calls" unit="calls" used={calls.used} limit={calls.limit} percent={calls.percent} note={overageNote(calls.overage, "calls")} />
        <UsageMeter
          label="Minutes"
          unit="minutes"
          used={minutes.used}
          limit={minutes.limit}
          percent={minutes.percent}
          note={overageNote(minutes.overage, "minutes")}
        />
        {billing.alerts.length > 0 && (
          <ul className="space-y-2">
            {sortAlerts(billing.alerts).map((alert) => (
              <li key={alert.metric}>
                <Alert tone={alert.threshold >= 100 ? "error" : "warning"} title={alertHeadline(alert)}>
                  {alertConsequence(alert, billing)}
                  {alert.notifiedAt && <span className="block text-xs opacity-80">Owners and admins were emailed on {formatDateTime(alert.notifiedAt)}.</span>}
                </Alert>
              </li>
            ))}
          </ul>
        )}
        <div className="grid gap-5 border-t border-zinc-100 pt-5 sm:grid-cols-3">
          {seats !== null && <UsageMeter kind="capacity" label="Seats" unit="seats" used={seats} limit={billing.plan.seats} />}
          {assistants.data && <UsageMeter kind="capacity" label="Assistants" unit="assistants" used={assistants.data.length} limit={billing.plan.assistants} />}
          {activeNumbers !== null && <UsageMeter kind="capacity" label="Phone numbers" unit="numbers" used={activeNumbers} limit={billing.plan.phoneNumbers} />}
        </div>
      </div>
    </Panel>
  );
}

function DailyUsagePanel({ orgId }: { orgId: string }) {
  const usage = useQuery(billingUsageQuery(orgId));
  return (
    <Panel title="Daily usage" description="Calls and minutes per day since this billing period started.">
      <div className="px-5 py-4">
        {usage.isPending ? (
          <LoadingState label="Loading daily usage…" />
        ) : usage.isError ? (
          <ErrorState error={usage.error} onRetry={() => void usage.refetch()} title="Could not load daily usage" />
        ) : usage.data.totals.calls === 0 ? (
          <EmptyState title="No calls this period yet">Calls and minutes per day appear here once your assistants answer calls.</EmptyState>
        ) : (
          <DailyUsageChart days={usage.data.days} timezone={usage.data.timezone} />
        )}
      </div>
    </Panel>
  );
}

function PlansPanel({ billing, orgId, mayManage }: { billing: BillingOverview; orgId: string; mayManage: boolean }) {
  const plans = useQuery(plansQuery());
  return (
    <Panel title="Plans" description="Compare what each plan includes.">
      {plans.isPending ? (
        <LoadingState label="Loading plans…" />
      ) : plans.isError ? (
        <ErrorState error={plans.error} onRetry={() => void plans.refetch()} title="Could not load plans" />
      ) : (
        <PlanComparison plans={plans.data} billing={billing} orgId={orgId} mayManage={mayManage} />
      )}
    </Panel>
  );
}

export function BillingPage() {
  const organization = useCurrentOrganization();
  const { checkout } = route.useSearch();
  const mayRead = can(organization.role, "billing:read");
  const mayManage = can(organization.role, "billing:manage");
  const billing = useQuery({ ...billingOverviewQuery(organization.id), enabled: mayRead });

  if (!mayRead) {
    return (
      <>
        <PageHeader title="Billing" />
        <div className="rounded-xl bg-white ring-1 ring-zinc-200">
          <EmptyState icon={Lock} title="Billing is for owners and admins">
            Ask an owner of {organization.name} about the plan, usage or invoices.
          </EmptyState>
        </div>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Billing" description={`Plan, usage and invoices for ${organization.name}.`} />
      {billing.isPending ? (
        <LoadingState label="Loading billing…" />
      ) : billing.isError ? (
        <ErrorState error={billing.error} onRetry={() => void billing.refetch()} title="Could not load billing" />
      ) : (
        <div className="space-y-6">
          {checkout === "success" && (
            <Alert tone="success" title="Thank you: your payment went through">
              Your new plan applies as soon as Stripe confirms the subscription, usually within a few seconds.
            </Alert>
          )}
          {checkout === "cancelled" && <Alert tone="info">Checkout was cancelled; nothing changed.</Alert>}
          <AccountStatusNotice billing={billing.data} mayManage={mayManage} />
          <div className="grid gap-6 lg:grid-cols-3">
            <PlanSummary billing={billing.data} mayManage={mayManage} orgId={organization.id} />
            <div className="lg:col-span-2">
              <UsagePanel billing={billing.data} orgId={organization.id} />
            </div>
          </div>
          <DailyUsagePanel orgId={organization.id} />
          <PlansPanel billing={billing.data} orgId={organization.id} mayManage={mayManage} />
          <Panel title="Invoices">
            <InvoiceHistory orgId={organization.id} />
          </Panel>
        </div>
      )}
    </>
  );
}
