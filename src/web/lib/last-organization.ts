// Remembers the organization last opened in this browser, so "/" lands there next time.
const STORAGE_KEY = "switchboard:last-organization";

export function rememberOrganization(organizationId: string) {
  try {
    localStorage.setItem(STORAGE_KEY, organizationId);
  } catch {
    // storage disabled (private mode): nothing to remember
  }
}

export function lastOrganization(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
