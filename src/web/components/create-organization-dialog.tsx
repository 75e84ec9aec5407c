// The "Create organization" dialog: a name (the URL slug is derived by the API), then open the new organization.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "../api/client";
import { queryKeys } from "../api/queries";
import { applyProblemToForm } from "../lib/form-errors";
import { organizationNameField } from "../lib/form-schemas";
import { browserTimeZone } from "../lib/time-zones";
import { Alert } from "./alert";
import { Button } from "./button";
import { Dialog, DialogFooter } from "./dialog";
import { TextField } from "./form-field";
import { useToast } from "./toaster";

const schema = z.object({ name: organizationNameField });
type Values = z.infer<typeof schema>;

export function CreateOrganizationDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { name: "" } });
  const create = useMutation({
    mutationFn: (values: Values) => unwrap(api.POST("/api/v1/orgs", { body: { name: values.name, timezone: browserTimeZone() } })),
    onSuccess: async (organization) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.organizations });
      await queryClient.invalidateQueries({ queryKey: queryKeys.me });
      onOpenChange(false);
      form.reset();
      toast({ title: `Created ${organization.name}` });
      await navigate({ to: "/orgs/$orgId", params: { orgId: organization.id } });
    },
    onError: (error) => applyProblemToForm(error, ["name"], form.setError),
  });
  const { errors } = form.formState;
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Create organization"
      description="A separate workspace with its own assistants, numbers, team and plan."
    >
      <form noValidate onSubmit={form.handleSubmit((values) => create.mutate(values))} className="space-y-4">
        {errors.root?.server && <Alert tone="error">{errors.root.server.message}</Alert>}
        <TextField label="Organization name" autoComplete="organization" placeholder="Acme Dental" error={errors.name?.message} {...form.register("name")} />
        <DialogFooter>
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" pending={create.isPending}>
            Create organization
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
