// The plans side by side with the current one marked. With Stripe, an owner upgrades (Checkout, or
// a prorated swap of an existing subscription) and downgrades at the period's end after a confirm;
// in manual billing mode the platform's administrators assign plans, and the page says so.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Check } from "lucide-react";
import { useRef, useState } from "react";
import { type BillingOverview, billingKeys, changePlan, type Plan, type PlanChangeResult } from "../../api/billing";
import { problemMessage } from "../../api/problem";
import { queryKeys } from "../../api/queries";
import { cx } from "../../lib/class-names";
import { formatDate } from "../../lib/dates";
import { Alert } from "../alert";
import { Badge } from "../badge";
import { Button } from "../button";
import { Dialog, DialogFooter } from "../dialog";
import { useToast } from "../toaster";
import { beyondLimitsText, comparePlans, featureLabel, planLimits, planPrice } from "./plan-facts";

/** A key per intent (one plan chosen once), so a double click or a retry makes one change. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `plan-change-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

type Intent = { plan: Plan; kind: "upgrade" | "downgrade" | "keep"; key: string };

function intentFor(plan: Plan, current: Plan, order: Map<string, number>, billing: BillingOverview): Intent["kind"] | null {
  if (plan.id === current.id) return billing.scheduledPlan ? "keep" : null;
  if (plan.priceCents === null) return null;
  return comparePlans(plan, current, order) > 0 ? "upgrade" : "downgrade";
}

function ChangePlanDialog({ intent, billing, orgId, onClose }: { intent: Intent; billing: BillingOverview; orgId: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const periodEnd = formatDate(billing.period.end);
  // Two clicks in one frame both run before the button re-renders as pending: only the first sends.
  const sent = useRef(false);
  const change = useMutation({
    mutationFn: () => changePlan(orgId, intent.plan.id, intent.key),
    onSuccess: async (result: PlanChangeResult) => {
      if (result.action === "checkout" && result.url) {
        window.location.assign(result.url);
        return;
      }
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: billingKeys.all(orgId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.organization(orgId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.organizations }),
      ]);
      toast({
        title:
          result.action === "upgraded"
            ? `You are on the ${intent.plan.name} plan`
            : result.action === "downgrade_scheduled"
              ? `${intent.plan.name} starts on ${result.effectiveAt ? formatDate(result.effectiveAt) : periodEnd}`
              : `You stay on the ${intent.plan.name} plan`,
      });
      onClose();
    },
  });
  const withSubscription = billing.subscription.stripeSubscriptionId !== null;
  const copy = {
    upgrade: {
      title: `Upgrade to ${intent.plan.name}`,
      description: withSubscription
        ? `The ${intent.plan.name} plan (${planPrice(intent.plan)}) starts now, with its limits. Stripe charges the prorated difference for the rest of this period.`
        : `You will go to Stripe's secure checkout to subscribe to ${intent.plan.name} (${planPrice(intent.plan)}). The plan starts once the payment goes through.`,
      confirm: withSubscription ? `Upgrade to ${intent.plan.name}` : "Continue to checkout",
    },
    downgrade: {
      title: `Downgrade to ${intent.plan.name}`,
      description: `You keep the ${billing.plan.name} plan until ${periodEnd}; ${intent.plan.name} (${planPrice(intent.plan)}) and its lower limits start then. You can change your mind until that day.`,
      confirm: `Downgrade on ${periodEnd}`,
    },
    keep: {
      title: `Keep the ${intent.plan.name} plan`,
      description: `The change to ${billing.scheduledPlan?.name ?? "another plan"} scheduled for ${periodEnd} is withdrawn; you stay on ${intent.plan.name}.`,
      confirm: `Keep ${intent.plan.name}`,
    },
  }[intent.kind];
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={copy.title} description={copy.description}>
      {change.isError && <Alert tone="error">{problemMessage(change.error)}</Alert>}
      <DialogFooter>
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button
          pending={change.isPending || change.isSuccess}
          onClick={() => {
            if (sent.current) return;
            sent.current = true;
            change.mutate(undefined, { onError: () => (sent.current = false) });
          }}
        >
          {copy.confirm}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}

export function PlanComparison({ plans, billing, orgId, mayManage }: { plans: Plan[]; billing: BillingOverview; orgId: string; mayManage: boolean }) {
  const [intent, setIntent] = useState<Intent | null>(null);
  const order = new Map(plans.map((plan, index) => [plan.id, index]));
  const sorted = [...plans].sort((a, b) => comparePlans(a, b, order));
  const current = billing.plan;
  const stripe = billing.mode === "stripe";
  return (
    <div className="space-y-4 p-5">
      {!stripe && (
        <Alert tone="info" title="Plans are assigned by your Switchboard administrator">
          Your organization is invoiced by Switchboard each month. To move to another plan, contact the Switchboard team; the change applies at once or at the
          end of this billing period.
        </Alert>
      )}
      {stripe && !mayManage && <Alert tone="info">Only an owner of this organization can change its plan.</Alert>}
      <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
        {sorted.map((plan) => {
          const isCurrent = plan.id === current.id;
          const isScheduled = billing.scheduledPlan?.id === plan.id;
          const kind = stripe && mayManage ? intentFor(plan, current, order, billing) : null;
          return (
            <li
              key={plan.id}
              aria-label={`${plan.name} plan`}
              className={cx("flex flex-col rounded-xl p-4 ring-1", isCurrent ? "bg-indigo-50/40 ring-2 ring-indigo-500" : "bg-white ring-zinc-200")}
            >
              <div className="flex items-center justify-between gap-2">
                <h3 className="text-sm font-semibold text-zinc-900">{plan.name}</h3>
                {isCurrent && <Badge tone="brand">Current plan</Badge>}
                {isScheduled && <Badge tone="warning">From {formatDate(billing.scheduledPlan!.effectiveAt)}</Badge>}
              </div>
              <p className="mt-1 text-lg font-semibold tracking-tight text-zinc-900">{planPrice(plan)}</p>
              <ul className="mt-3 flex-1 space-y-1.5 text-sm text-zinc-600">
                {[...planLimits(plan), ...plan.features.map(featureLabel)].map((line) => (
                  <li key={line} className="flex items-start gap-2">
                    <Check aria-hidden className="mt-0.5 size-3.5 shrink-0 text-indigo-600" />
                    {line}
                  </li>
                ))}
              </ul>
              <p className="mt-3 text-xs text-zinc-500">{beyondLimitsText(plan)}</p>
              {stripe && mayManage && plan.priceCents === null && !isCurrent && (
                <p className="mt-3 text-sm font-medium text-zinc-700">Contact us for a quote.</p>
              )}
              {kind && (
                <Button
                  className="mt-4 w-full"
                  variant={kind === "upgrade" ? "primary" : "secondary"}
                  onClick={() => setIntent({ plan, kind, key: newIdempotencyKey() })}
                  aria-label={kind === "keep" ? `Keep the ${plan.name} plan` : `${kind === "upgrade" ? "Upgrade" : "Downgrade"} to ${plan.name}`}
                >
                  {kind === "upgrade" ? "Upgrade" : kind === "downgrade" ? "Downgrade" : "Keep this plan"}
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      {intent && <ChangePlanDialog intent={intent} billing={billing} orgId={orgId} onClose={() => setIntent(null)} />}
    </div>
  );
}
