// /orgs/:orgId: loads the organization (404 for anyone not a member), remembers it as the last one
// opened, and provides it to the pages below.
import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link, Outlet } from "@tanstack/react-router";
import { Building2 } from "lucide-react";
import { useEffect } from "react";
import { ApiProblem } from "../api/problem";
import { organizationQuery } from "../api/queries";
import { buttonClasses } from "../components/button";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { CurrentOrganizationContext } from "../lib/current-organization";
import { rememberOrganization } from "../lib/last-organization";

const route = getRouteApi("/app/orgs/$orgId");

export function OrganizationLayout() {
  const { orgId } = route.useParams();
  const organization = useQuery(organizationQuery(orgId));

  useEffect(() => {
    if (organization.data) rememberOrganization(organization.data.id);
  }, [organization.data]);

  if (organization.isPending) return <LoadingState />;
  if (organization.isError) {
    if (organization.error instanceof ApiProblem && organization.error.status === 404) {
      return (
        <EmptyState
          icon={Building2}
          title="Organization not found"
          action={
            <Link to="/" className={buttonClasses("secondary")}>
              Go to your organizations
            </Link>
          }
        >
          It may have been deleted, or you are no longer a member.
        </EmptyState>
      );
    }
    return <ErrorState error={organization.error} onRetry={() => void organization.refetch()} />;
  }
  return (
    <CurrentOrganizationContext.Provider value={organization.data}>
      <Outlet />
    </CurrentOrganizationContext.Provider>
  );
}
