// The organization a page under /orgs/$orgId works on, provided by that route's layout.
import { createContext, useContext } from "react";
import type { Organization } from "../api/queries";

export const CurrentOrganizationContext = createContext<Organization | null>(null);

export function useCurrentOrganization(): Organization {
  const organization = useContext(CurrentOrganizationContext);
  if (!organization) throw new Error("useCurrentOrganization() used outside an organization route");
  return organization;
}
