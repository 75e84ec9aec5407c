// What a usage alert means, in words: shared by the banner on every page and the billing page.
import type { BillingOverview, UsageAlert } from "../../api/billing";
import { formatDate } from "../../lib/dates";
import { formatQuantity } from "./usage-meter";

const NOUNS: Record<UsageAlert["metric"], string> = { calls: "calls", minutes: "minutes" };

/** The alert that matters most first: 100% before 80%, then the fuller meter. */
export function sortAlerts(alerts: UsageAlert[]): UsageAlert[] {
  return [...alerts].sort((a, b) => b.threshold - a.threshold || b.percent - a.percent);
}

export function alertHeadline(alert: UsageAlert): string {
  const noun = NOUNS[alert.metric];
  return alert.threshold >= 100
    ? `All ${formatQuantity(alert.limit)} ${noun} of your plan used`
    : `${formatQuantity(Math.floor(alert.percent))}% of your ${formatQuantity(alert.limit)} monthly ${noun} used`;
}

/** What happens now: nothing yet (80%), the fallback (a plan that stops at its limits), or overage. */
export function alertConsequence(alert: UsageAlert, billing: Pick<BillingOverview, "plan" | "period">): string {
  const resets = `Usage resets on ${formatDate(billing.period.end)}.`;
  if (alert.threshold < 100) {
    return billing.plan.stopsAtLimit
      ? `At 100% on the ${billing.plan.name} plan, new calls get the fallback instead of your assistant. ${resets}`
      : `Beyond 100%, calls continue and the extra usage is billed as overage. ${resets}`;
  }
  return billing.plan.stopsAtLimit
    ? `New calls get the fallback (a polite message-taking assistant, or your fallback number) until the period ends or you upgrade. ${resets}`
    : `Calls continue; usage beyond your ${billing.plan.name} plan is billed as overage. ${resets}`;
}
