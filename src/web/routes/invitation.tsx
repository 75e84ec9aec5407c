// The link from an invitation email (/invitations/:token): who invites you where, then accept,
// by creating an account (name + password) or, when the address has one, after signing in.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { Building2, MailX } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "../api/client";
import { ApiProblem, problemMessage } from "../api/problem";
import { type InvitationPreview, invitationPreviewQuery, queryKeys } from "../api/queries";
import { startSession } from "../api/session";
import { Alert } from "../components/alert";
import { AuthCard, textLinkClasses } from "../components/auth-card";
import { RoleBadge } from "../components/badge";
import { Button, buttonClasses } from "../components/button";
import { TextField } from "../components/form-field";
import { ErrorState, LoadingState } from "../components/states";
import { formatRelative } from "../lib/dates";
import { applyProblemToForm } from "../lib/form-errors";
import { MIN_PASSWORD_LENGTH, newPasswordField, personNameField } from "../lib/form-schemas";
import { rememberOrganization } from "../lib/last-organization";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "../lib/permissions";
import { signOut } from "../lib/sign-out";
import { useMe, useSession } from "../lib/use-session";

const route = getRouteApi("/link/invitations/$token");

const newAccountSchema = z.object({ name: personNameField, password: newPasswordField });
type NewAccountValues = z.infer<typeof newAccountSchema>;

function InvitationSummary({ preview }: { preview: InvitationPreview }) {
  return (
    <div className="rounded-lg bg-zinc-50 p-4 ring-1 ring-zinc-200">
      <div className="flex items-center gap-3">
        <span aria-hidden className="flex size-10 items-center justify-center rounded-lg bg-zinc-900 text-white">
          <Building2 className="size-5" />
        </span>
        <div className="min-w-0">
          <p className="truncate font-semibold text-zinc-900">{preview.organizationName}</p>
          <p className="text-xs text-zinc-500">Link expires {formatRelative(preview.expiresAt)}</p>
        </div>
      </div>
      <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        <dt className="text-zinc-500">Invited by</dt>
        <dd className="font-medium text-zinc-900">{preview.inviterName ?? "A teammate"}</dd>
        <dt className="text-zinc-500">Email</dt>
        <dd className="truncate font-medium text-zinc-900">{preview.email}</dd>
        <dt className="text-zinc-500">Role</dt>
        <dd>
          <RoleBadge role={preview.role} />
          <span className="mt-1 block text-xs text-zinc-500">{ROLE_DESCRIPTIONS[preview.role]}</span>
        </dd>
      </dl>
    </div>
  );
}

function useJoined() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return async (organizationId: string) => {
    rememberOrganization(organizationId);
    await queryClient.invalidateQueries({ queryKey: queryKeys.organizations });
    await queryClient.invalidateQueries({ queryKey: queryKeys.me });
    await navigate({ to: "/orgs/$orgId", params: { orgId: organizationId }, replace: true });
  };
}

function CreateAccountAndAccept({ token, preview, onJoining }: { token: string; preview: InvitationPreview; onJoining: () => void }) {
  const joined = useJoined();
  const form = useForm<NewAccountValues>({ resolver: zodResolver(newAccountSchema), defaultValues: { name: "", password: "" } });
  const accept = useMutation({
    mutationFn: (values: NewAccountValues) => unwrap(api.POST("/api/v1/invitations/{token}/accept", { params: { path: { token } }, body: values })),
    onSuccess: async (result) => {
      onJoining();
      // The answer also set the httpOnly refresh cookie, as a sign-in does.
      if (result.accessToken) startSession({ accessToken: result.accessToken });
      await joined(result.organizationId);
    },
    onError: (error) => applyProblemToForm(error, ["name", "password"], form.setError),
  });
  const { errors } = form.formState;
  return (
    <form noValidate onSubmit={form.handleSubmit((values) => accept.mutate(values))} className="mt-6 space-y-4">
      <p className="text-sm text-zinc-600">Create your account to join. You will sign in with {preview.email}.</p>
      {errors.root?.server && <Alert tone="error">{errors.root.server.message}</Alert>}
      <TextField label="Your name" autoComplete="name" error={errors.name?.message} {...form.register("name")} />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        error={errors.password?.message}
        {...form.register("password")}
      />
      <Button type="submit" className="w-full" pending={accept.isPending}>
        Create account and join
      </Button>
    </form>
  );
}

function AcceptAsSignedInUser({ token, preview }: { token: string; preview: InvitationPreview }) {
  const joined = useJoined();
  const me = useMe();
  const queryClient = useQueryClient();
  const accept = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/invitations/{token}/accept", { params: { path: { token } } })),
    onSuccess: (result) => joined(result.organizationId),
  });
  if (me.isPending) return <LoadingState className="py-6" />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} className="py-6" />;
  const signedInAs = me.data.user.email;

  if (signedInAs.toLowerCase() !== preview.email.toLowerCase()) {
    return (
      <div className="mt-6 space-y-4">
        <Alert tone="warning" title="Signed in with another address">
          You are signed in as {signedInAs}, but this invitation is for {preview.email}. Sign out, then sign in (or create an account) with the invited address.
        </Alert>
        <Button variant="secondary" className="w-full" onClick={() => void signOut(queryClient)}>
          Sign out
        </Button>
      </div>
    );
  }
  const alreadyMember = accept.error instanceof ApiProblem && accept.error.code === "ALREADY_MEMBER";
  return (
    <div className="mt-6 space-y-4">
      {accept.isError && <Alert tone={alreadyMember ? "info" : "error"}>{problemMessage(accept.error)}</Alert>}
      {alreadyMember ? (
        <Link to="/" className={buttonClasses("primary", "md", "w-full")}>
          Go to Switchboard
        </Link>
      ) : (
        <Button className="w-full" pending={accept.isPending} onClick={() => accept.mutate()}>
          Accept invitation
        </Button>
      )}
      <p className="text-center text-xs text-zinc-500">Signed in as {signedInAs}</p>
    </div>
  );
}

function InvalidInvitation({ error }: { error: unknown }) {
  return (
    <AuthCard title="This invitation can't be used">
      <div className="flex items-start gap-3 rounded-lg bg-red-50 p-4 text-sm text-red-800 ring-1 ring-red-200" role="alert">
        <MailX aria-hidden className="mt-0.5 size-5 shrink-0" />
        <p>{problemMessage(error)}</p>
      </div>
      <p className="mt-4 text-sm text-zinc-500">Ask the person who invited you to send a new invitation. Each link works once and expires after 7 days.</p>
      <Link to="/" className={buttonClasses("secondary", "md", "mt-6 w-full")}>
        Go to Switchboard
      </Link>
    </AuthCard>
  );
}

export function InvitationPage() {
  const { token } = route.useParams();
  const { status } = useSession();
  const preview = useQuery(invitationPreviewQuery(token));
  // Set once a new account has joined, so the page does not flash the signed-in view before moving on.
  const [joining, setJoining] = useState(false);

  if (joining) {
    return (
      <AuthCard title="Welcome aboard">
        <LoadingState label="Opening your organization…" className="py-6" />
      </AuthCard>
    );
  }

  if (preview.isPending) {
    return (
      <AuthCard title="Opening your invitation">
        <LoadingState className="py-6" />
      </AuthCard>
    );
  }
  if (preview.isError) {
    if (preview.error instanceof ApiProblem && preview.error.status === 404) return <InvalidInvitation error={preview.error} />;
    return (
      <AuthCard title="Opening your invitation">
        <ErrorState error={preview.error} onRetry={() => void preview.refetch()} className="py-6" />
      </AuthCard>
    );
  }

  const invitation = preview.data;
  const signInHref = `/invitations/${encodeURIComponent(token)}`;
  return (
    <AuthCard
      title={`Join ${invitation.organizationName}`}
      description={`${invitation.inviterName ?? "A teammate"} invited you to join as ${invitation.role === "admin" ? "an" : "a"} ${ROLE_LABELS[invitation.role].toLowerCase()}.`}
    >
      <InvitationSummary preview={invitation} />
      {status === "signed-in" && <AcceptAsSignedInUser token={token} preview={invitation} />}
      {status !== "signed-in" && invitation.accountExists && (
        <div className="mt-6 space-y-4">
          <p className="text-sm text-zinc-600">You already have a Switchboard account for {invitation.email}. Sign in to accept the invitation.</p>
          <Link to="/signin" search={{ redirect: signInHref }} className={buttonClasses("primary", "md", "w-full")}>
            Sign in to accept
          </Link>
          <p className="text-center text-xs text-zinc-500">
            Forgot your password?{" "}
            <Link to="/forgot-password" className={textLinkClasses}>
              Reset it
            </Link>
          </p>
        </div>
      )}
      {status !== "signed-in" && !invitation.accountExists && <CreateAccountAndAccept token={token} preview={invitation} onJoining={() => setJoining(true)} />}
    </AuthCard>
  );
}
