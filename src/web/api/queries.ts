// Query keys and query options for TanStack Query, one per API read, so every view and every
// invalidation names the same data the same way.
import { queryOptions } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

export type Me = components["schemas"]["Me"];
export type User = components["schemas"]["User"];
export type Organization = components["schemas"]["Organization"];
export type Member = components["schemas"]["Member"];
export type Invitation = components["schemas"]["Invitation"];
export type InvitationPreview = components["schemas"]["InvitationPreview"];
export type AdminOrganization = components["schemas"]["AdminOrganization"];
export type AdminUser = components["schemas"]["AdminUser"];
export type DevMail = components["schemas"]["DevMail"];

export const queryKeys = {
  me: ["me"] as const,
  organizations: ["organizations"] as const,
  organization: (orgId: string) => ["organizations", orgId] as const,
  members: (orgId: string) => ["organizations", orgId, "members"] as const,
  invitations: (orgId: string) => ["organizations", orgId, "invitations"] as const,
  invitationPreview: (token: string) => ["invitation-preview", token] as const,
  adminOrganizations: (q: string) => ["admin", "organizations", q] as const,
  adminUsers: (q: string) => ["admin", "users", q] as const,
  adminMailbox: (to: string) => ["admin", "mailbox", to] as const,
};

export const meQuery = () => queryOptions({ queryKey: queryKeys.me, queryFn: () => unwrap(api.GET("/api/v1/me")) });

export const organizationsQuery = () => queryOptions({ queryKey: queryKeys.organizations, queryFn: async () => (await unwrap(api.GET("/api/v1/orgs"))).items });

export const organizationQuery = (orgId: string) =>
  queryOptions({ queryKey: queryKeys.organization(orgId), queryFn: () => unwrap(api.GET("/api/v1/orgs/{orgId}", { params: { path: { orgId } } })) });

export const membersQuery = (orgId: string) =>
  queryOptions({
    queryKey: queryKeys.members(orgId),
    queryFn: async () => (await unwrap(api.GET("/api/v1/orgs/{orgId}/members", { params: { path: { orgId } } }))).items,
  });

export const invitationsQuery = (orgId: string) =>
  queryOptions({
    queryKey: queryKeys.invitations(orgId),
    queryFn: async () => (await unwrap(api.GET("/api/v1/orgs/{orgId}/invitations", { params: { path: { orgId } } }))).items,
  });

export const invitationPreviewQuery = (token: string) =>
  queryOptions({
    queryKey: queryKeys.invitationPreview(token),
    queryFn: () => unwrap(api.GET("/api/v1/invitations/{token}", { params: { path: { token } } })),
    retry: false,
  });

export const adminOrganizationsQuery = (q: string) =>
  queryOptions({
    queryKey: queryKeys.adminOrganizations(q),
    queryFn: () => unwrap(api.GET("/api/v1/admin/organizations", { params: { query: { q: q || undefined, limit: 50 } } })),
  });

export const adminUsersQuery = (q: string) =>
  queryOptions({
    queryKey: queryKeys.adminUsers(q),
    queryFn: () => unwrap(api.GET("/api/v1/admin/users", { params: { query: { q: q || undefined, limit: 50 } } })),
  });

export const adminMailboxQuery = (to: string) =>
  queryOptions({
    queryKey: queryKeys.adminMailbox(to),
    queryFn: async () => (await unwrap(api.GET("/api/v1/admin/mailbox", { params: { query: { to: to || undefined, limit: 50 } } }))).items,
  });
