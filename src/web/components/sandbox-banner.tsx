// The banner on every page of an organization in sandbox mode, linking to the setting.
import { Link } from "@tanstack/react-router";
import { FlaskConical } from "lucide-react";
import type { Organization } from "../api/queries";

export function SandboxBanner({ organization }: { organization: Organization | undefined }) {
  if (organization?.settings.sandboxMode !== true) return null;
  return (
    <section aria-label="Sandbox mode notice" className="border-b border-indigo-200 bg-indigo-50">
      <div className="mx-auto flex max-w-6xl items-center gap-2.5 px-4 py-2.5 text-sm text-indigo-900 sm:px-6 lg:px-10">
        <FlaskConical aria-hidden className="size-4 shrink-0" />
        <p className="flex-1">
          <span className="font-medium">Sandbox mode is on:</span> calls are simulated and nothing is billed.
        </p>
        <Link
          to="/orgs/$orgId/settings"
          params={{ orgId: organization.id }}
          hash="sandbox-mode"
          className="shrink-0 font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900"
        >
          Sandbox settings
        </Link>
      </div>
    </section>
  );
}
