// The team page: members (change role, remove, leave, transfer ownership), pending invitations
// (resend, revoke) and the invite form. Actions the caller's role cannot do are not shown.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { MailPlus, UserPlus, Users } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "../api/client";
import { problemMessage } from "../api/problem";
import { type Invitation, invitationsQuery, type Member, membersQuery, queryKeys } from "../api/queries";
import { Alert } from "../components/alert";
import { Badge, RoleBadge } from "../components/badge";
import { Button } from "../components/button";
import { ConfirmDialog } from "../components/confirm-dialog";
import { Dialog, DialogFooter } from "../components/dialog";
import { controlClasses, SelectField, TextField } from "../components/form-field";
import { PageHeader, Panel } from "../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { useToast } from "../components/toaster";
import { cx } from "../lib/class-names";
import { useCurrentOrganization } from "../lib/current-organization";
import { formatDate, formatRelative } from "../lib/dates";
import { applyProblemToForm } from "../lib/form-errors";
import { emailField, roleField } from "../lib/form-schemas";
import { assignableRoles, can, ROLE_DESCRIPTIONS, ROLE_LABELS, type Role } from "../lib/permissions";
import { personInitials } from "../lib/person-initials";
import { useMe } from "../lib/use-session";

function useRefreshTeam() {
  const queryClient = useQueryClient();
  const organization = useCurrentOrganization();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.members(organization.id) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.invitations(organization.id) }),
    ]);
}

const inviteSchema = z.object({ email: emailField, role: roleField });
type InviteValues = z.infer<typeof inviteSchema>;

function InviteForm({ actorRole }: { actorRole: Role }) {
  const organization = useCurrentOrganization();
  const refreshTeam = useRefreshTeam();
  const toast = useToast();
  const roles = assignableRoles(actorRole, null);
  const form = useForm<InviteValues>({ resolver: zodResolver(inviteSchema), defaultValues: { email: "", role: "member" } });
  const invite = useMutation({
    mutationFn: (values: InviteValues) => unwrap(api.POST("/api/v1/orgs/{orgId}/invitations", { params: { path: { orgId: organization.id } }, body: values })),
    onSuccess: async (invitation) => {
      form.reset({ email: "", role: form.getValues("role") });
      toast({ title: "Invitation sent", description: `${invitation.email} will get an email with a link to join.` });
      await refreshTeam();
    },
    onError: (error) => applyProblemToForm(error, ["email", "role"], form.setError),
  });
  const { errors } = form.formState;
  const role = form.watch("role");

  return (
    <Panel title="Invite a teammate" description="They get an email with a link that works once and expires in 7 days.">
      <form noValidate onSubmit={form.handleSubmit((values) => invite.mutate(values))} className="space-y-4 p-5">
        {errors.root?.server && <Alert tone="error">{errors.root.server.message}</Alert>}
        <div className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start">
          <TextField
            label="Email address"
            type="email"
            autoComplete="off"
            placeholder="teammate@example.com"
            error={errors.email?.message}
            {...form.register("email")}
          />
          <SelectField label="Role" error={errors.role?.message} hint={ROLE_DESCRIPTIONS[role]} {...form.register("role")}>
            {roles.map((option) => (
              <option key={option} value={option}>
                {ROLE_LABELS[option]}
              </option>
            ))}
          </SelectField>
          <Button type="submit" className="sm:mt-[26px]" pending={invite.isPending}>
            <MailPlus aria-hidden className="size-4" />
            Send invitation
          </Button>
        </div>
      </form>
    </Panel>
  );
}

function MemberRoleControl({ member, actorRole, isSelf }: { member: Member; actorRole: Role; isSelf: boolean }) {
  const organization = useCurrentOrganization();
  const refreshTeam = useRefreshTeam();
  const toast = useToast();
  const options = assignableRoles(actorRole, member.role);
  const change = useMutation({
    mutationFn: (role: Role) =>
      unwrap(api.PATCH("/api/v1/orgs/{orgId}/members/{userId}", { params: { path: { orgId: organization.id, userId: member.userId } }, body: { role } })),
    onSuccess: async (updated) => {
      toast({
        title: "Role updated",
        description: `${updated.name} is now ${updated.role === "admin" ? "an" : "a"} ${ROLE_LABELS[updated.role].toLowerCase()}.`,
      });
      await refreshTeam();
    },
    onError: (error) => toast({ title: "Could not change the role", description: problemMessage(error), tone: "error" }),
  });
  // Your own role, and roles you may not touch (an admin and an owner), show as plain labels.
  if (isSelf || !can(actorRole, "members:manage") || !options.includes(member.role)) return <RoleBadge role={member.role} />;
  return (
    <select
      aria-label={`Role of ${member.name}`}
      value={member.role}
      disabled={change.isPending}
      onChange={(event) => change.mutate(event.target.value as Role)}
      className={cx(controlClasses, "min-w-32 py-1.5 pr-8")}
    >
      {options.map((option) => (
        <option key={option} value={option}>
          {ROLE_LABELS[option]}
        </option>
      ))}
    </select>
  );
}

function RemoveMemberButton({ member }: { member: Member }) {
  const organization = useCurrentOrganization();
  const refreshTeam = useRefreshTeam();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/orgs/{orgId}/members/{userId}", { params: { path: { orgId: organization.id, userId: member.userId } } })),
    onSuccess: async () => {
      setOpen(false);
      toast({ title: `Removed ${member.name}` });
      await refreshTeam();
    },
  });
  return (
    <>
      <Button variant="ghost" size="sm" onClick={() => setOpen(true)} aria-label={`Remove ${member.name}`}>
        Remove
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) remove.reset();
        }}
        title={`Remove ${member.name}?`}
        description={`${member.email} will lose access to ${organization.name} at once. You can invite them again later.`}
        confirmLabel="Remove member"
        onConfirm={() => remove.mutate()}
        pending={remove.isPending}
        error={remove.error}
      />
    </>
  );
}

function MembersPanel({ actorRole, selfId }: { actorRole: Role; selfId: string | undefined }) {
  const organization = useCurrentOrganization();
  const members = useQuery(membersQuery(organization.id));
  const mayManage = can(actorRole, "members:manage");
  const mayTransfer = can(actorRole, "ownership:transfer");
  const [transferring, setTransferring] = useState(false);

  return (
    <Panel
      title="Members"
      description={
        members.data ? `${members.data.length} ${members.data.length === 1 ? "person has" : "people have"} access to ${organization.name}.` : undefined
      }
    >
      {members.isPending && <LoadingState label="Loading members…" />}
      {members.isError && <ErrorState error={members.error} onRetry={() => void members.refetch()} />}
      {members.data && members.data.length === 0 && (
        <EmptyState icon={Users} title="No members">
          Nobody has access yet.
        </EmptyState>
      )}
      {members.data && members.data.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-left text-xs font-medium text-zinc-500">
              <tr className="border-b border-zinc-100">
                <th scope="col" className="px-5 py-2.5 font-medium">
                  Name
                </th>
                <th scope="col" className="px-3 py-2.5 font-medium">
                  Role
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium md:table-cell">
                  Joined
                </th>
                <th scope="col" className="px-5 py-2.5 text-right font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {members.data.map((member) => {
                const isSelf = member.userId === selfId;
                const mayRemove = mayManage && !isSelf && (member.role !== "owner" || actorRole === "owner");
                return (
                  <tr key={member.userId}>
                    <td className="w-full max-w-0 px-5 py-3">
                      <div className="flex items-center gap-3">
                        <span
                          aria-hidden
                          className="flex size-8 shrink-0 items-center justify-center rounded-full bg-zinc-100 text-xs font-semibold text-zinc-600"
                        >
                          {personInitials(member.name)}
                        </span>
                        <div className="min-w-0">
                          <p className="truncate font-medium text-zinc-900">
                            {member.name}
                            {isSelf && <span className="ml-1.5 text-xs font-normal text-zinc-400">(you)</span>}
                          </p>
                          <p className="truncate text-zinc-500">{member.email}</p>
                        </div>
                      </div>
                    </td>
                    <td className="px-3 py-3">
                      <MemberRoleControl member={member} actorRole={actorRole} isSelf={isSelf} />
                    </td>
                    <td className="hidden px-3 py-3 whitespace-nowrap text-zinc-500 md:table-cell">{formatDate(member.joinedAt)}</td>
                    <td className="px-5 py-3 text-right">{mayRemove && <RemoveMemberButton member={member} />}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {mayTransfer && members.data && (
        <div className="flex flex-col gap-3 border-t border-zinc-100 bg-zinc-50/60 px-5 py-3 sm:flex-row sm:items-center sm:justify-between">
          <p className="text-sm text-zinc-500">Hand the organization to another member. You will become an admin.</p>
          <Button variant="secondary" size="sm" onClick={() => setTransferring(true)} disabled={members.data.length < 2}>
            Transfer ownership
          </Button>
        </div>
      )}
      {mayTransfer && members.data && (
        <TransferOwnershipDialog open={transferring} onOpenChange={setTransferring} candidates={members.data.filter((m) => m.userId !== selfId)} />
      )}
    </Panel>
  );
}

function TransferOwnershipDialog({ open, onOpenChange, candidates }: { open: boolean; onOpenChange: (open: boolean) => void; candidates: Member[] }) {
  const organization = useCurrentOrganization();
  const queryClient = useQueryClient();
  const refreshTeam = useRefreshTeam();
  const toast = useToast();
  const [userId, setUserId] = useState("");
  const chosen = candidates.find((m) => m.userId === userId);
  const transfer = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/orgs/{orgId}/transfer-ownership", { params: { path: { orgId: organization.id } }, body: { userId } })),
    onSuccess: async () => {
      onOpenChange(false);
      toast({ title: "Ownership transferred", description: `${chosen?.name ?? "They"} now own${chosen ? "s" : ""} ${organization.name}.` });
      await Promise.all([
        refreshTeam(),
        queryClient.invalidateQueries({ queryKey: queryKeys.organization(organization.id) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.organizations }),
      ]);
    },
  });
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) {
          transfer.reset();
          setUserId("");
        }
      }}
      title="Transfer ownership"
      description={`The new owner controls billing and can delete ${organization.name}. You stay on as an admin.`}
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (userId) transfer.mutate();
        }}
        className="space-y-4"
      >
        <SelectField label="New owner" value={userId} onChange={(event) => setUserId(event.target.value)}>
          <option value="" disabled>
            Choose a member…
          </option>
          {candidates.map((member) => (
            <option key={member.userId} value={member.userId}>
              {member.name} ({member.email})
            </option>
          ))}
        </SelectField>
        {transfer.isError && <Alert tone="error">{problemMessage(transfer.error)}</Alert>}
        <DialogFooter>
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" pending={transfer.isPending} disabled={!userId}>
            Transfer ownership
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

function InvitationActions({ invitation }: { invitation: Invitation }) {
  const organization = useCurrentOrganization();
  const refreshTeam = useRefreshTeam();
  const toast = useToast();
  const [revoking, setRevoking] = useState(false);
  const path = { orgId: organization.id, invitationId: invitation.id };
  const resend = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/orgs/{orgId}/invitations/{invitationId}/resend", { params: { path } })),
    onSuccess: async () => {
      toast({ title: "Invitation resent", description: `A fresh link went to ${invitation.email}; the old one no longer works.` });
      await refreshTeam();
    },
    onError: (error) => toast({ title: "Could not resend", description: problemMessage(error), tone: "error" }),
  });
  const revoke = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/orgs/{orgId}/invitations/{invitationId}", { params: { path } })),
    onSuccess: async () => {
      setRevoking(false);
      toast({ title: "Invitation revoked", description: `${invitation.email} can no longer join with that link.` });
      await refreshTeam();
    },
  });
  return (
    <div className="flex justify-end gap-1">
      <Button variant="ghost" size="sm" pending={resend.isPending} onClick={() => resend.mutate()} aria-label={`Resend invitation to ${invitation.email}`}>
        Resend
      </Button>
      <Button variant="ghost" size="sm" onClick={() => setRevoking(true)} aria-label={`Revoke invitation to ${invitation.email}`}>
        Revoke
      </Button>
      <ConfirmDialog
        open={revoking}
        onOpenChange={(next) => {
          setRevoking(next);
          if (!next) revoke.reset();
        }}
        title="Revoke invitation?"
        description={`The link sent to ${invitation.email} will stop working.`}
        confirmLabel="Revoke invitation"
        onConfirm={() => revoke.mutate()}
        pending={revoke.isPending}
        error={revoke.error}
      />
    </div>
  );
}

function InvitationsPanel({ actorRole }: { actorRole: Role }) {
  const organization = useCurrentOrganization();
  const invitations = useQuery(invitationsQuery(organization.id));
  const mayManage = can(actorRole, "invitations:manage");
  return (
    <Panel title="Pending invitations" description="People who have been invited but have not joined yet.">
      {invitations.isPending && <LoadingState label="Loading invitations…" />}
      {invitations.isError && <ErrorState error={invitations.error} onRetry={() => void invitations.refetch()} />}
      {invitations.data && invitations.data.length === 0 && (
        <EmptyState icon={UserPlus} title="No pending invitations">
          {mayManage ? "Invite teammates above; their invitations show here until they join." : "Invitations that are waiting to be accepted show here."}
        </EmptyState>
      )}
      {invitations.data && invitations.data.length > 0 && (
        <ul className="divide-y divide-zinc-100">
          {invitations.data.map((invitation) => (
            <li key={invitation.id} className="flex flex-col gap-2 px-5 py-3 sm:flex-row sm:items-center">
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium text-zinc-900">{invitation.email}</p>
                <p className="text-xs text-zinc-500">
                  {invitation.status === "expired"
                    ? `Expired ${formatRelative(invitation.expiresAt)}`
                    : `Sent ${formatRelative(invitation.lastSentAt)} · expires ${formatRelative(invitation.expiresAt)}`}
                </p>
              </div>
              <div className="flex items-center gap-2">
                {invitation.status === "expired" ? <Badge tone="warning">Expired</Badge> : <Badge tone="neutral">Pending</Badge>}
                <RoleBadge role={invitation.role} />
              </div>
              {mayManage && <InvitationActions invitation={invitation} />}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function LeavePanel() {
  const organization = useCurrentOrganization();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const leave = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/orgs/{orgId}/members/me", { params: { path: { orgId: organization.id } } })),
    onSuccess: async () => {
      setOpen(false);
      toast({ title: `You left ${organization.name}` });
      queryClient.removeQueries({ queryKey: queryKeys.organization(organization.id) });
      await queryClient.invalidateQueries({ queryKey: queryKeys.organizations });
      await queryClient.invalidateQueries({ queryKey: queryKeys.me });
      await navigate({ to: "/" });
    },
  });
  return (
    <Panel title="Leave organization">
      <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between">
        <p className="text-sm text-zinc-500">
          You will lose access to {organization.name}. {organization.role === "owner" && "As an owner, transfer ownership first if you are the only one."}
        </p>
        <Button variant="secondary" onClick={() => setOpen(true)}>
          Leave organization
        </Button>
      </div>
      <ConfirmDialog
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) leave.reset();
        }}
        title={`Leave ${organization.name}?`}
        description="You will need a new invitation to come back."
        confirmLabel="Leave organization"
        onConfirm={() => leave.mutate()}
        pending={leave.isPending}
        error={leave.error}
      />
    </Panel>
  );
}

export function TeamPage() {
  const organization = useCurrentOrganization();
  const me = useMe();
  const actorRole = organization.role;
  return (
    <>
      <PageHeader title="Team" description={`Who can work on ${organization.name}, and what they may do.`} />
      <div className="space-y-6">
        {can(actorRole, "invitations:manage") && <InviteForm actorRole={actorRole} />}
        <MembersPanel actorRole={actorRole} selfId={me.data?.user.id} />
        <InvitationsPanel actorRole={actorRole} />
        <LeavePanel />
      </div>
    </>
  );
}
