// Organization settings: name, URL slug and time zone (owners and admins), notifications, sandbox mode,
// deleting the organization (owners), confirmed by typing its slug.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "../api/client";
import { type Organization, queryKeys } from "../api/queries";
import { Alert } from "../components/alert";
import { Button } from "../components/button";
import { ConfirmDialog } from "../components/confirm-dialog";
import { SelectField, TextField } from "../components/form-field";
import { PageHeader, Panel } from "../components/page-header";
import { NotificationSettingsPanel } from "../components/settings/notification-settings-panel";
import { SandboxModePanel } from "../components/settings/sandbox-mode-panel";
import { useToast } from "../components/toaster";
import { useCurrentOrganization } from "../lib/current-organization";
import { applyProblemToForm } from "../lib/form-errors";
import { organizationNameField, slugField } from "../lib/form-schemas";
import { can } from "../lib/permissions";
import { timeZoneOptions } from "../lib/time-zones";

const schema = z.object({ name: organizationNameField, slug: slugField, timezone: z.string().min(1, "Choose a time zone.") });
type Values = z.infer<typeof schema>;

function GeneralSettings({ organization }: { organization: Organization }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const editable = can(organization.role, "org:update");
  const zones = useMemo(() => timeZoneOptions(organization.timezone), [organization.timezone]);
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    values: { name: organization.name, slug: organization.slug, timezone: organization.timezone },
  });
  const save = useMutation({
    mutationFn: (values: Values) => unwrap(api.PATCH("/api/v1/orgs/{orgId}", { params: { path: { orgId: organization.id } }, body: values })),
    onSuccess: async (updated) => {
      queryClient.setQueryData(queryKeys.organization(organization.id), updated);
      await queryClient.invalidateQueries({ queryKey: queryKeys.organizations });
      toast({ title: "Settings saved" });
    },
    onError: (error) => applyProblemToForm(error, ["name", "slug", "timezone"], form.setError),
  });
  const { errors, isDirty } = form.formState;

  return (
    <Panel
      title="General"
      description={editable ? "How your organization appears and which clock it keeps." : "Only owners and admins can change these."}
      footer={
        editable ? (
          <Button type="submit" form="organization-settings" pending={save.isPending} disabled={!isDirty}>
            Save changes
          </Button>
        ) : undefined
      }
    >
      <form id="organization-settings" noValidate onSubmit={form.handleSubmit((values) => save.mutate(values))} className="space-y-5 p-5">
        {errors.root?.server && <Alert tone="error">{errors.root.server.message}</Alert>}
        <fieldset disabled={!editable} className="space-y-5">
          <TextField label="Organization name" error={errors.name?.message} {...form.register("name")} />
          <TextField
            label="URL slug"
            hint="Lower-case letters, digits and dashes. Used in links and to confirm deletion."
            error={errors.slug?.message}
            spellCheck={false}
            autoCapitalize="none"
            {...form.register("slug")}
          />
          <SelectField
            label="Time zone"
            hint="Business hours, call times and reports use this time zone."
            error={errors.timezone?.message}
            {...form.register("timezone")}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll("_", " ")}
              </option>
            ))}
          </SelectField>
        </fieldset>
      </form>
    </Panel>
  );
}

function DeleteOrganization({ organization }: { organization: Organization }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/orgs/{orgId}", { params: { path: { orgId: organization.id } }, body: { confirm: typed } })),
    onSuccess: async () => {
      setOpen(false);
      toast({ title: `Deleted ${organization.name}` });
      queryClient.removeQueries({ queryKey: queryKeys.organization(organization.id) });
      await queryClient.invalidateQueries({ queryKey: queryKeys.organizations });
      await queryClient.invalidateQueries({ queryKey: queryKeys.me });
      await navigate({ to: "/" });
    },
  });
  return (
    <section aria-labelledby="danger-zone-heading" className="overflow-hidden rounded-xl bg-white shadow-xs ring-1 ring-red-200">
      <div className="flex flex-col gap-4 p-5 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h2 id="danger-zone-heading" className="text-sm font-semibold text-red-700">
            Delete organization
          </h2>
          <p className="mt-0.5 text-sm text-zinc-500">Removes {organization.name} for every member at once. This cannot be undone from the app.</p>
        </div>
        <Button variant="danger" onClick={() => setOpen(true)}>
          Delete organization
        </Button>
      </div>
      <ConfirmDialog
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) {
            setTyped("");
            remove.reset();
          }
        }}
        title={`Delete ${organization.name}?`}
        description="Every member loses access at once, and its assistants stop answering."
        confirmLabel="Delete organization"
        onConfirm={() => remove.mutate()}
        pending={remove.isPending}
        error={remove.error}
        confirmDisabled={typed !== organization.slug}
      >
        <TextField
          label={
            <>
              Type <span className="font-mono text-red-700">{organization.slug}</span> to confirm
            </>
          }
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="none"
        />
      </ConfirmDialog>
    </section>
  );
}

export function OrganizationSettingsPage() {
  const organization = useCurrentOrganization();
  return (
    <>
      <PageHeader title="Settings" description={`Settings of ${organization.name}.`} />
      <div className="space-y-6">
        <GeneralSettings organization={organization} />
        <NotificationSettingsPanel organization={organization} />
        <Panel title="Plan">
          <div className="flex items-center justify-between gap-4 p-5 text-sm">
            <p className="text-zinc-600">
              {organization.name} is on the <span className="font-medium text-zinc-900">{organization.plan.name}</span> plan.
            </p>
            <span className="font-mono text-xs text-zinc-400">{organization.id}</span>
          </div>
        </Panel>
        <div id="sandbox-mode" className="scroll-mt-16">
          <SandboxModePanel organization={organization} />
        </div>
        {can(organization.role, "org:delete") && <DeleteOrganization organization={organization} />}
      </div>
    </>
  );
}
