// The banner on every page of an organization whose usage reached 80% or 100% of a plan limit
// this billing period, linking to the billing page. Billing is read by owners and admins only, so
// only they see it (they are the ones who can act on it).
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { Gauge } from "lucide-react";
import { billingOverviewQuery } from "../../api/billing";
import type { Organization } from "../../api/queries";
import { cx } from "../../lib/class-names";
import { can } from "../../lib/permissions";
import { alertConsequence, alertHeadline, sortAlerts } from "./usage-alerts";

const BANNER_STALE_MS = 60_000;

export function UsageBanner({ organization }: { organization: Organization | undefined }) {
  const allowed = organization !== undefined && can(organization.role, "billing:read");
  const billing = useQuery({ ...billingOverviewQuery(organization?.id ?? ""), enabled: allowed, staleTime: BANNER_STALE_MS });
  if (!allowed || !billing.data || billing.data.alerts.length === 0) return null;
  const alerts = sortAlerts(billing.data.alerts);
  const exceeded = alerts[0]!.threshold >= 100;
  return (
    <section
      aria-label="Usage notice"
      className={cx("border-b", exceeded ? "border-red-200 bg-red-50 text-red-900" : "border-amber-200 bg-amber-50 text-amber-900")}
    >
      <div className="mx-auto flex max-w-6xl items-start gap-2.5 px-4 py-2.5 text-sm sm:px-6 lg:px-10">
        <Gauge aria-hidden className="mt-0.5 size-4 shrink-0" />
        <ul className="flex-1 space-y-0.5">
          {alerts.map((alert) => (
            <li key={alert.metric}>
              <span className="font-medium">{alertHeadline(alert)}.</span> {alertConsequence(alert, billing.data)}
            </li>
          ))}
        </ul>
        <Link
          to="/orgs/$orgId/billing"
          params={{ orgId: organization.id }}
          className={cx(
            "shrink-0 font-medium underline underline-offset-2",
            exceeded ? "text-red-800 hover:text-red-950" : "text-amber-800 hover:text-amber-950",
          )}
        >
          Usage and plans
        </Link>
      </div>
    </section>
  );
}
