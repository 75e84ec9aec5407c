// The assistants list: each assistant with its template, status (switchable in place) and last
// change, and edit, duplicate and delete. With none yet, the empty state leads to the gallery.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { Copy, EllipsisVertical, PenLine, Plus, Sparkles, Trash2 } from "lucide-react";
import { DropdownMenu } from "radix-ui";
import { useState } from "react";
import {
  type Assistant,
  type AssistantStatus,
  assistantKeys,
  assistantsQuery,
  deleteAssistant,
  duplicateAssistant,
  type Template,
  templatesQuery,
  updateAssistant,
} from "../api/assistants";
import { problemMessage, toApiProblem } from "../api/problem";
import { Badge } from "../components/badge";
import { buttonClasses } from "../components/button";
import { ConfirmDialog } from "../components/confirm-dialog";
import { controlClasses } from "../components/form-field";
import { PageHeader, Panel } from "../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { useToast } from "../components/toaster";
import { cx } from "../lib/class-names";
import { useCurrentOrganization } from "../lib/current-organization";
import { formatDateTime, formatRelative } from "../lib/dates";
import { INDUSTRY_INFO } from "../lib/industries";
import { can } from "../lib/permissions";

export const STATUS_LABELS: Record<AssistantStatus, string> = { draft: "Draft", active: "Active", paused: "Paused" };
const STATUS_TONES = { draft: "neutral", active: "success", paused: "warning" } as const;

export function StatusBadge({ status }: { status: AssistantStatus }) {
  return (
    <Badge tone={STATUS_TONES[status]}>
      <span
        aria-hidden
        className={cx("mr-1 size-1.5 rounded-full", status === "active" ? "bg-emerald-500" : status === "paused" ? "bg-amber-500" : "bg-zinc-400")}
      />
      {STATUS_LABELS[status]}
    </Badge>
  );
}

function TemplateLabel({ assistant, templates }: { assistant: Assistant; templates: Template[] | undefined }) {
  if (!assistant.templateSlug) return <span className="text-zinc-500">Custom prompt</span>;
  const template = templates?.find((t) => t.slug === assistant.templateSlug);
  if (!template) return <span className="text-zinc-500">{assistant.templateSlug}</span>;
  const info = INDUSTRY_INFO[template.industry];
  const Icon = info.icon;
  return (
    <span className="inline-flex items-center gap-1.5 text-zinc-600">
      <Icon aria-hidden className="size-3.5 text-zinc-400" />
      {template.name}
      <span className="sr-only">({info.label})</span>
    </span>
  );
}

const MENU_ITEM =
  "flex cursor-default items-center gap-2 rounded-md px-2 py-1.5 text-sm text-zinc-700 outline-none select-none data-[highlighted]:bg-zinc-100 data-[highlighted]:text-zinc-900";

function AssistantRow({ assistant, templates, editable }: { assistant: Assistant; templates: Template[] | undefined; editable: boolean }) {
  const organization = useCurrentOrganization();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [deleting, setDeleting] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: assistantKeys.assistants(organization.id), exact: true });

  const setStatus = useMutation({
    mutationFn: (status: AssistantStatus) => updateAssistant(organization.id, assistant.id, { status }),
    onSuccess: async (updated) => {
      queryClient.setQueryData(assistantKeys.assistant(organization.id, updated.id), updated);
      toast({ title: `${updated.name} is ${STATUS_LABELS[updated.status].toLowerCase()}` });
      await refresh();
    },
    onError: (error) => toast({ title: "Could not change the status", description: problemMessage(error), tone: "error" }),
  });
  const duplicate = useMutation({
    mutationFn: () => duplicateAssistant(organization.id, assistant.id),
    onSuccess: async (copy) => {
      toast({ title: "Assistant duplicated", description: `${copy.name} is a draft copy of ${assistant.name}.` });
      await refresh();
    },
    onError: (error) => {
      const problem = toApiProblem(error);
      toast({
        title: problem.code === "ASSISTANT_LIMIT_REACHED" ? "Your plan's assistant limit is reached" : "Could not duplicate",
        description: problem.code === "ASSISTANT_LIMIT_REACHED" ? `${problem.detail} Upgrade your plan on the Billing page to add more.` : problem.detail,
        tone: "error",
      });
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteAssistant(organization.id, assistant.id),
    onSuccess: async () => {
      setDeleting(false);
      toast({ title: `Deleted ${assistant.name}` });
      queryClient.removeQueries({ queryKey: assistantKeys.assistant(organization.id, assistant.id) });
      await refresh();
    },
  });

  return (
    <tr>
      <td className="w-full max-w-0 px-5 py-3">
        <Link
          to="/orgs/$orgId/assistants/$assistantId"
          params={{ orgId: organization.id, assistantId: assistant.id }}
          className="block truncate font-medium text-zinc-900 hover:text-indigo-600"
        >
          {assistant.name}
        </Link>
        <span className="block truncate text-xs">
          <TemplateLabel assistant={assistant} templates={templates} />
        </span>
      </td>
      <td className="px-3 py-3">
        {editable ? (
          <select
            aria-label={`Status of ${assistant.name}`}
            value={assistant.status}
            disabled={setStatus.isPending}
            onChange={(event) => setStatus.mutate(event.target.value as AssistantStatus)}
            className={cx(controlClasses, "min-w-28 py-1.5 pr-8")}
          >
            {(Object.keys(STATUS_LABELS) as AssistantStatus[]).map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        ) : (
          <StatusBadge status={assistant.status} />
        )}
      </td>
      <td className="hidden px-3 py-3 whitespace-nowrap text-zinc-500 md:table-cell">
        <time dateTime={assistant.updatedAt} title={formatDateTime(assistant.updatedAt)}>
          {formatRelative(assistant.updatedAt)}
        </time>
      </td>
      <td className="px-5 py-3 text-right">
        {editable && (
          <DropdownMenu.Root>
            <DropdownMenu.Trigger
              aria-label={`Actions for ${assistant.name}`}
              className="inline-flex size-8 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 data-[state=open]:bg-zinc-100"
            >
              <EllipsisVertical aria-hidden className="size-4" />
            </DropdownMenu.Trigger>
            <DropdownMenu.Portal>
              <DropdownMenu.Content
                align="end"
                sideOffset={4}
                className="z-50 w-44 rounded-lg bg-white p-1 shadow-lg ring-1 ring-zinc-200 data-[state=open]:animate-[fade-in_150ms_ease-out]"
              >
                <DropdownMenu.Item
                  className={MENU_ITEM}
                  onSelect={() => void navigate({ to: "/orgs/$orgId/assistants/$assistantId", params: { orgId: organization.id, assistantId: assistant.id } })}
                >
                  <PenLine aria-hidden className="size-4" />
                  Edit
                </DropdownMenu.Item>
                <DropdownMenu.Item className={MENU_ITEM} disabled={duplicate.isPending} onSelect={() => duplicate.mutate()}>
                  <Copy aria-hidden className="size-4" />
                  Duplicate
                </DropdownMenu.Item>
                <DropdownMenu.Separator className="my-1 h-px bg-zinc-100" />
                <DropdownMenu.Item
                  className={cx(MENU_ITEM, "text-red-600 data-[highlighted]:bg-red-50 data-[highlighted]:text-red-700")}
                  onSelect={() => setDeleting(true)}
                >
                  <Trash2 aria-hidden className="size-4" />
                  Delete
                </DropdownMenu.Item>
              </DropdownMenu.Content>
            </DropdownMenu.Portal>
          </DropdownMenu.Root>
        )}
        <ConfirmDialog
          open={deleting}
          onOpenChange={(next) => {
            setDeleting(next);
            if (!next) remove.reset();
          }}
          title={`Delete ${assistant.name}?`}
          description="Its settings and its own knowledge go with it. Numbers pointing at it stop being answered by it. This cannot be undone."
          confirmLabel="Delete assistant"
          onConfirm={() => remove.mutate()}
          pending={remove.isPending}
          error={remove.error}
        />
      </td>
    </tr>
  );
}

export function AssistantsPage() {
  const organization = useCurrentOrganization();
  const assistants = useQuery(assistantsQuery(organization.id));
  const templates = useQuery(templatesQuery());
  const editable = can(organization.role, "assistants:write");
  const newButton = editable ? (
    <Link to="/orgs/$orgId/assistants/new" params={{ orgId: organization.id }} search={{}} className={buttonClasses("primary")}>
      <Plus aria-hidden className="size-4" />
      New assistant
    </Link>
  ) : undefined;

  return (
    <>
      <PageHeader
        title="Assistants"
        description="The AI receptionists that answer your calls."
        actions={assistants.data && assistants.data.length > 0 ? newButton : undefined}
      />
      <Panel>
        {assistants.isPending && <LoadingState label="Loading assistants…" />}
        {assistants.isError && <ErrorState error={assistants.error} onRetry={() => void assistants.refetch()} />}
        {assistants.data && assistants.data.length === 0 && (
          <EmptyState icon={Sparkles} title="No assistants yet" action={newButton}>
            Start from a template made for your industry (restaurant, clinic, salon and more) and have a receptionist ready in minutes.
          </EmptyState>
        )}
        {assistants.data && assistants.data.length > 0 && (
          <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <caption className="sr-only">Assistants</caption>
              <thead className="text-left text-xs font-medium text-zinc-500">
                <tr className="border-b border-zinc-100">
                  <th scope="col" className="px-5 py-2.5 font-medium">
                    Assistant
                  </th>
                  <th scope="col" className="px-3 py-2.5 font-medium">
                    Status
                  </th>
                  <th scope="col" className="hidden px-3 py-2.5 font-medium md:table-cell">
                    Updated
                  </th>
                  <th scope="col" className="px-5 py-2.5 text-right font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {assistants.data.map((assistant) => (
                  <AssistantRow key={assistant.id} assistant={assistant} templates={templates.data} editable={editable} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </>
  );
}
