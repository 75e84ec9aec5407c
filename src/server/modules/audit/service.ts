// Writes audit rows, in the same transaction as the change they record, and reads them back.
import { and, desc, eq, lt } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { withTenant } from "../../db/transaction.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { auditLog } from "./schema.js";

export const AUDIT_ACTIONS = [
  "auth.signup",
  "auth.signin.succeeded",
  "auth.signin.failed",
  "auth.refresh_token.reused",
  "auth.signout_everywhere",
  "auth.password.changed",
  "auth.password.reset",
  "auth.password.reset_requested",
  "auth.email.verified",
  "auth.email.change_requested",
  "auth.email.changed",
  "org.created",
  "org.updated",
  "org.deleted",
  "org.sandbox_mode_changed",
  "member.role_changed",
  "member.removed",
  "member.left",
  "org.ownership_transferred",
  "invitation.created",
  "invitation.resent",
  "invitation.revoked",
  "invitation.accepted",
  "assistant.created",
  "assistant.updated",
  "assistant.deleted",
  "assistant.duplicated",
  "knowledge.source_added",
  "knowledge.source_deleted",
  "admin.super_admin_created",
  "webhook.rejected",
  "phone_number.provisioned",
  "phone_number.updated",
  "phone_number.released",
  "provider_credentials.added",
  "provider_credentials.deleted",
  "notification_settings.updated",
  "admin.plan_updated",
  "admin.org_plan_changed",
  "admin.invoice_status_changed",
  "billing.invoice_issued",
  "billing.details_updated",
  "billing.checkout_started",
  "billing.plan_changed",
  "billing.downgrade_scheduled",
  "billing.downgrade_cancelled",
  "billing.past_due",
  "billing.suspended",
  "billing.reactivated",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditEvent = {
  action: AuditAction;
  organizationId?: string | null;
  actorUserId?: string | null;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
};

export async function recordAudit(tx: Db, event: AuditEvent, meta: RequestMeta | null, at: Date): Promise<void> {
  await tx.insert(auditLog).values({
    id: newId("aud"),
    organizationId: event.organizationId ?? null,
    actorUserId: event.actorUserId ?? null,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    ip: meta?.ip ?? null,
    userAgent: meta?.userAgent ?? null,
    metadata: event.metadata ?? {},
    createdAt: at,
  });
}

/** An organization's audit trail, newest first (uses audit_log_org_created_idx). */
export async function listOrganizationAuditLog(ctx: AppContext, organizationId: string, options: { limit: number; before?: Date }) {
  const rows = await withTenant(ctx.db, organizationId, (tx) =>
    tx
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, organizationId), options.before ? lt(auditLog.createdAt, options.before) : undefined))
      .orderBy(desc(auditLog.createdAt))
      .limit(options.limit),
  );
  return rows.map((row) => ({
    id: row.id,
    action: row.action,
    actorUserId: row.actorUserId,
    targetType: row.targetType,
    targetId: row.targetId,
    ip: row.ip,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
  }));
}
