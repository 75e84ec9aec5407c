// The organization switcher at the top of the sidebar: lists your organizations (GET /orgs),
// switches between them, and creates a new one.
import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { Check, ChevronsUpDown, Plus } from "lucide-react";
import { DropdownMenu } from "radix-ui";
import { useState } from "react";
import { type Organization, organizationsQuery } from "../api/queries";
import { cx } from "../lib/class-names";
import { ROLE_LABELS } from "../lib/permissions";
import { CreateOrganizationDialog } from "./create-organization-dialog";

export function OrganizationAvatar({ name, className }: { name: string; className?: string }) {
  return (
    <span
      aria-hidden
      className={cx("flex size-7 shrink-0 items-center justify-center rounded-md bg-zinc-900 text-xs font-semibold text-white uppercase", className)}
    >
      {name.trim().charAt(0) || "?"}
    </span>
  );
}

const ITEM =
  "flex cursor-default items-center gap-2 rounded-md px-2 py-1.5 text-sm text-zinc-700 outline-none select-none data-[highlighted]:bg-zinc-100 data-[highlighted]:text-zinc-900";

export function OrganizationSwitcher({ current, onNavigate }: { current: Organization | undefined; onNavigate?: () => void }) {
  const navigate = useNavigate();
  const organizations = useQuery(organizationsQuery());
  const [creating, setCreating] = useState(false);

  return (
    <>
      <DropdownMenu.Root>
        <DropdownMenu.Trigger className="group flex w-full items-center gap-2.5 rounded-lg p-1.5 text-left hover:bg-zinc-100 data-[state=open]:bg-zinc-100">
          {current ? <OrganizationAvatar name={current.name} /> : <span className="size-7 rounded-md bg-zinc-200" />}
          <span className="min-w-0 flex-1">
            <span className="sr-only">Switch organization. Current: </span>
            <span className="block truncate text-sm font-semibold text-zinc-900">{current?.name ?? "No organization"}</span>
            {current && <span className="block truncate text-xs text-zinc-500">{current.plan.name} plan</span>}
          </span>
          <ChevronsUpDown aria-hidden className="size-4 shrink-0 text-zinc-400 group-hover:text-zinc-600" />
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content
            align="start"
            sideOffset={6}
            className="z-50 w-64 rounded-lg bg-white p-1 shadow-lg ring-1 ring-zinc-200 data-[state=open]:animate-[fade-in_150ms_ease-out]"
          >
            <DropdownMenu.Label className="px-2 pt-1.5 pb-1 text-xs font-medium text-zinc-500">Organizations</DropdownMenu.Label>
            {organizations.isPending && <p className="px-2 py-1.5 text-sm text-zinc-500">Loading…</p>}
            {organizations.isError && <p className="px-2 py-1.5 text-sm text-red-600">Could not load your organizations.</p>}
            {organizations.data?.map((organization) => (
              <DropdownMenu.Item
                key={organization.id}
                className={ITEM}
                onSelect={() => {
                  onNavigate?.();
                  void navigate({ to: "/orgs/$orgId", params: { orgId: organization.id } });
                }}
              >
                <OrganizationAvatar name={organization.name} className="size-5 text-[10px]" />
                <span className="min-w-0 flex-1 truncate">{organization.name}</span>
                <span className="text-xs text-zinc-400">{ROLE_LABELS[organization.role]}</span>
                {organization.id === current?.id ? <Check aria-label="Current" className="size-4 text-zinc-900" /> : <span className="size-4" />}
              </DropdownMenu.Item>
            ))}
            <DropdownMenu.Separator className="my-1 h-px bg-zinc-100" />
            <DropdownMenu.Item className={ITEM} onSelect={() => setCreating(true)}>
              <Plus aria-hidden className="size-4" />
              Create organization
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      <CreateOrganizationDialog open={creating} onOpenChange={setCreating} />
    </>
  );
}
