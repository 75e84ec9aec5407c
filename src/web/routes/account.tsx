// Account settings: your name, password and sign-in email, and signing out here or everywhere.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "../api/client";
import { problemMessage } from "../api/problem";
import { queryKeys, type User } from "../api/queries";
import { Alert } from "../components/alert";
import { Badge } from "../components/badge";
import { Button } from "../components/button";
import { TextField } from "../components/form-field";
import { PageHeader, Panel } from "../components/page-header";
import { ErrorState, LoadingState } from "../components/states";
import { useToast } from "../components/toaster";
import { applyProblemToForm } from "../lib/form-errors";
import { currentPasswordField, emailField, MIN_PASSWORD_LENGTH, newPasswordField, personNameField } from "../lib/form-schemas";
import { signOut } from "../lib/sign-out";
import { useMe } from "../lib/use-session";

const profileSchema = z.object({ name: personNameField });
type ProfileValues = z.infer<typeof profileSchema>;

function ProfileForm({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useForm<ProfileValues>({ resolver: zodResolver(profileSchema), values: { name: user.name } });
  const save = useMutation({
    mutationFn: (values: ProfileValues) => unwrap(api.PATCH("/api/v1/me", { body: values })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.me });
      toast({ title: "Profile saved" });
    },
    onError: (error) => applyProblemToForm(error, ["name"], form.setError),
  });
  const { errors, isDirty } = form.formState;
  return (
    <Panel
      title="Profile"
      description="Your name as your teammates see it."
      footer={
        <Button type="submit" form="profile-form" pending={save.isPending} disabled={!isDirty}>
          Save
        </Button>
      }
    >
      <form id="profile-form" noValidate onSubmit={form.handleSubmit((values) => save.mutate(values))} className="space-y-4 p-5">
        {errors.root?.server && <Alert tone="error">{errors.root.server.message}</Alert>}
        <TextField label="Name" autoComplete="name" error={errors.name?.message} {...form.register("name")} />
      </form>
    </Panel>
  );
}

const passwordSchema = z
  .object({ currentPassword: currentPasswordField, newPassword: newPasswordField, confirm: z.string() })
  .refine((values) => values.newPassword === values.confirm, { path: ["confirm"], message: "The passwords do not match." });
type PasswordValues = z.infer<typeof passwordSchema>;

function PasswordForm() {
  const toast = useToast();
  const form = useForm<PasswordValues>({ resolver: zodResolver(passwordSchema), defaultValues: { currentPassword: "", newPassword: "", confirm: "" } });
  const change = useMutation({
    mutationFn: ({ currentPassword, newPassword }: PasswordValues) => unwrap(api.POST("/api/v1/me/password", { body: { currentPassword, newPassword } })),
    onSuccess: () => {
      form.reset();
      toast({ title: "Password changed", description: "Your other sessions were signed out." });
    },
    onError: (error) => applyProblemToForm(error, ["currentPassword", "newPassword"], form.setError),
  });
  const { errors } = form.formState;
  return (
    <Panel
      title="Password"
      description="Changing it signs out every other session."
      footer={
        <Button type="submit" form="password-form" pending={change.isPending}>
          Change password
        </Button>
      }
    >
      <form id="password-form" noValidate onSubmit={form.handleSubmit((values) => change.mutate(values))} className="space-y-4 p-5">
        {errors.root?.server && <Alert tone="error">{errors.root.server.message}</Alert>}
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          error={errors.currentPassword?.message}
          {...form.register("currentPassword")}
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
            error={errors.newPassword?.message}
            {...form.register("newPassword")}
          />
          <TextField label="Confirm new password" type="password" autoComplete="new-password" error={errors.confirm?.message} {...form.register("confirm")} />
        </div>
      </form>
    </Panel>
  );
}

const emailSchema = z.object({ newEmail: emailField, password: currentPasswordField });
type EmailValues = z.infer<typeof emailSchema>;

function EmailForm({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const form = useForm<EmailValues>({ resolver: zodResolver(emailSchema), defaultValues: { newEmail: "", password: "" } });
  const change = useMutation({
    mutationFn: (values: EmailValues) => unwrap(api.POST("/api/v1/me/email", { body: values })),
    onSuccess: async () => {
      form.reset();
      await queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
    onError: (error) => applyProblemToForm(error, ["newEmail", "password"], form.setError),
  });
  const { errors } = form.formState;
  return (
    <Panel
      title="Sign-in email"
      description={
        <span className="flex flex-wrap items-center gap-2">
          You sign in with <span className="font-medium text-zinc-700">{user.email}</span>
          {user.emailVerified ? <Badge tone="success">Verified</Badge> : <Badge tone="warning">Not verified</Badge>}
        </span>
      }
      footer={
        <Button type="submit" form="email-form" pending={change.isPending}>
          Send confirmation link
        </Button>
      }
    >
      <form id="email-form" noValidate onSubmit={form.handleSubmit((values) => change.mutate(values))} className="space-y-4 p-5">
        {change.isSuccess && <Alert tone="success">{change.data.message} The change applies once you follow it.</Alert>}
        {!change.isSuccess && user.pendingEmail && (
          <Alert tone="info">A confirmation link was sent to {user.pendingEmail}. Your email changes once you follow it.</Alert>
        )}
        {errors.root?.server && <Alert tone="error">{errors.root.server.message}</Alert>}
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="New email" type="email" autoComplete="email" error={errors.newEmail?.message} {...form.register("newEmail")} />
          <TextField label="Current password" type="password" autoComplete="current-password" error={errors.password?.message} {...form.register("password")} />
        </div>
      </form>
    </Panel>
  );
}

function SessionsPanel() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const signOutHere = useMutation({ mutationFn: () => signOut(queryClient), onSuccess: () => navigate({ to: "/signin" }), onError: setError });
  const signOutEverywhere = useMutation({ mutationFn: () => signOut(queryClient, true), onSuccess: () => navigate({ to: "/signin" }), onError: setError });
  return (
    <Panel title="Sessions">
      <div className="space-y-4 p-5">
        {error ? <Alert tone="error">{problemMessage(error)}</Alert> : null}
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <p className="text-sm text-zinc-500">Sign out of this browser.</p>
          <Button variant="secondary" pending={signOutHere.isPending} onClick={() => signOutHere.mutate()}>
            Sign out
          </Button>
        </div>
        <div className="flex flex-col gap-3 border-t border-zinc-100 pt-4 sm:flex-row sm:items-center sm:justify-between">
          <p className="text-sm text-zinc-500">Lost a device? Sign out of every browser and app, this one included.</p>
          <Button variant="danger" pending={signOutEverywhere.isPending} onClick={() => signOutEverywhere.mutate()}>
            Sign out everywhere
          </Button>
        </div>
      </div>
    </Panel>
  );
}

export function AccountPage() {
  const me = useMe();
  if (me.isPending) return <LoadingState />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  const { user } = me.data;
  return (
    <>
      <PageHeader title="Account" description="Your own sign-in details. They apply in every organization you belong to." />
      <div className="space-y-6">
        <ProfileForm user={user} />
        <EmailForm user={user} />
        <PasswordForm />
        <SessionsPanel />
      </div>
    </>
  );
}
