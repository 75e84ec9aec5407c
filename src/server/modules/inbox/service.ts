// The inbox API's rules: list with filters and cursor pagination (newest first), read one item
// (with its appointment), the status workflow, assignees (members only), notes; and contacts.
import { and, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import { newId } from "../../db/ids.js";
import { withTenant } from "../../db/transaction.js";
import { Invalid, NotFound } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import { memberships } from "../organizations/schema.js";
import { appointments, contacts, type InboxKind, type InboxNote, type InboxStatus, inboxItems } from "./schema.js";

export const INBOX_PAGE_DEFAULT = 50;
export const INBOX_PAGE_MAX = 100;
export const NOTE_MAX_CHARS = 5_000;
const NOTES_MAX = 200;

/** Where each status may go next; staying put is always allowed. Done and cancelled items can be reopened. */
export const STATUS_TRANSITIONS: Record<InboxStatus, readonly InboxStatus[]> = {
  new: ["in_progress", "done", "cancelled"],
  in_progress: ["new", "done", "cancelled"],
  done: ["in_progress"],
  cancelled: ["new"],
};

type InboxRow = typeof inboxItems.$inferSelect;
type AppointmentRow = typeof appointments.$inferSelect;

export type InboxItemView = {
  id: string;
  kind: InboxKind;
  status: InboxStatus;
  title: string;
  details: Record<string, unknown>;
  callId: string | null;
  assistantId: string | null;
  contactId: string | null;
  callerName: string | null;
  callerNumber: string | null;
  assigneeUserId: string | null;
  notes: InboxNote[];
  dueAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type AppointmentView = {
  id: string;
  service: string;
  provider: string | null;
  startsAt: string;
  endsAt: string;
  status: "booked" | "cancelled";
  callerName: string | null;
  callerNumber: string | null;
  notes: string | null;
};

function toView(row: InboxRow): InboxItemView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    title: row.title,
    details: row.details,
    callId: row.callId,
    assistantId: row.assistantId,
    contactId: row.contactId,
    callerName: row.callerName,
    callerNumber: row.callerNumber,
    assigneeUserId: row.assigneeUserId,
    notes: row.notes,
    dueAt: row.dueAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toAppointmentView(row: AppointmentRow): AppointmentView {
  return {
    id: row.id,
    service: row.service,
    provider: row.provider || null,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    status: row.status,
    callerName: row.callerName,
    callerNumber: row.callerNumber,
    notes: row.notes,
  };
}

// Cursors: the last row's created_at (microseconds, as PostgreSQL keeps them) and id, base64url.
function encodeCursor(createdAtText: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAtText, id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof createdAt === "string" && typeof id === "string" && !Number.isNaN(Date.parse(createdAt))) return { createdAt, id };
  } catch {
    // fall through
  }
  throw new Invalid("VALIDATION_FAILED", "The cursor is not one this API gave out.", [{ path: "query.cursor", message: "Invalid cursor." }]);
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export type InboxFilter = { kind?: InboxKind; status?: InboxStatus; assignee?: string; q?: string; cursor?: string; limit?: number };

export async function listInboxItems(ctx: AppContext, access: OrgAccess, filter: InboxFilter): Promise<{ items: InboxItemView[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(filter.limit ?? INBOX_PAGE_DEFAULT, 1), INBOX_PAGE_MAX);
  const conditions: SQL[] = [eq(inboxItems.organizationId, access.organizationId)];
  if (filter.kind) conditions.push(eq(inboxItems.kind, filter.kind));
  if (filter.status) conditions.push(eq(inboxItems.status, filter.status));
  if (filter.assignee === "none") conditions.push(sql`${inboxItems.assigneeUserId} IS NULL`);
  else if (filter.assignee) conditions.push(eq(inboxItems.assigneeUserId, filter.assignee));
  if (filter.q?.trim()) {
    const pattern = likePattern(filter.q.trim());
    conditions.push(or(ilike(inboxItems.title, pattern), ilike(inboxItems.callerName, pattern), ilike(inboxItems.callerNumber, pattern))!);
  }
  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor);
    conditions.push(sql`(${inboxItems.createdAt}, ${inboxItems.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id})`);
  }
  const rows = await withTenant(ctx.db, access.organizationId, (tx) =>
    tx
      .select({ row: inboxItems, createdAtText: sql<string>`to_char(${inboxItems.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` })
      .from(inboxItems)
      .where(and(...conditions))
      .orderBy(desc(inboxItems.createdAt), desc(inboxItems.id))
      .limit(limit + 1),
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map((r) => toView(r.row)), nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtText, last.row.id) : null };
}

const itemKey = (organizationId: string, itemId: string) => and(eq(inboxItems.organizationId, organizationId), eq(inboxItems.id, itemId));

export async function getInboxItem(ctx: AppContext, access: OrgAccess, itemId: string): Promise<InboxItemView & { appointment: AppointmentView | null }> {
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    const [row] = await tx.select().from(inboxItems).where(itemKey(access.organizationId, itemId));
    if (!row) throw new NotFound("Inbox item");
    const [appointment] =
      row.kind === "appointment"
        ? await tx
            .select()
            .from(appointments)
            .where(and(eq(appointments.organizationId, access.organizationId), eq(appointments.inboxItemId, row.id)))
        : [];
    return { ...toView(row), appointment: appointment ? toAppointmentView(appointment) : null };
  });
}

export type InboxPatch = { status?: InboxStatus; assigneeUserId?: string | null };

export async function updateInboxItem(ctx: AppContext, access: OrgAccess, itemId: string, patch: InboxPatch): Promise<InboxItemView> {
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    const [row] = await tx.select().from(inboxItems).where(itemKey(access.organizationId, itemId)).for("update");
    if (!row) throw new NotFound("Inbox item");
    const set: Partial<typeof inboxItems.$inferInsert> = { updatedAt: ctx.clock.now() };
    if (patch.status !== undefined && patch.status !== row.status) {
      if (!STATUS_TRANSITIONS[row.status].includes(patch.status)) {
        const allowed = STATUS_TRANSITIONS[row.status].join(", ");
        throw new Invalid("VALIDATION_FAILED", `An item that is ${row.status} cannot become ${patch.status}.`, [
          { path: "body.status", message: `From ${row.status} the status can become: ${allowed}.` },
        ]);
      }
      set.status = patch.status;
      // Cancelling an appointment's item frees its slot; reopening does not re-book it (the slot may be gone).
      if (row.kind === "appointment" && patch.status === "cancelled") {
        await tx
          .update(appointments)
          .set({ status: "cancelled", updatedAt: ctx.clock.now() })
          .where(and(eq(appointments.organizationId, access.organizationId), eq(appointments.inboxItemId, row.id)));
      }
    }
    if (patch.assigneeUserId !== undefined) {
      if (patch.assigneeUserId !== null) {
        const [member] = await tx
          .select({ userId: memberships.userId })
          .from(memberships)
          .where(and(eq(memberships.organizationId, access.organizationId), eq(memberships.userId, patch.assigneeUserId)));
        if (!member)
          throw new Invalid("VALIDATION_FAILED", "The assignee must be a member of the organization.", [
            { path: "body.assigneeUserId", message: "Not a member of this organization." },
          ]);
      }
      set.assigneeUserId = patch.assigneeUserId;
    }
    const [updated] = await tx.update(inboxItems).set(set).where(itemKey(access.organizationId, itemId)).returning();
    return toView(updated!);
  });
}

export async function addInboxNote(ctx: AppContext, access: OrgAccess, authorUserId: string, itemId: string, text: string): Promise<InboxItemView> {
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    const [row] = await tx.select({ notes: inboxItems.notes }).from(inboxItems).where(itemKey(access.organizationId, itemId)).for("update");
    if (!row) throw new NotFound("Inbox item");
    if (row.notes.length >= NOTES_MAX)
      throw new Invalid("VALIDATION_FAILED", `An item holds at most ${NOTES_MAX} notes.`, [{ path: "body.text", message: "Too many notes on this item." }]);
    const now = ctx.clock.now();
    const note: InboxNote = { id: newId("note"), authorUserId, text, createdAt: now.toISOString() };
    const [updated] = await tx
      .update(inboxItems)
      .set({ notes: sql`${inboxItems.notes} || ${JSON.stringify([note])}::jsonb`, updatedAt: now })
      .where(itemKey(access.organizationId, itemId))
      .returning();
    return toView(updated!);
  });
}

// ---------------------------------------------------------------------------------------------
// Contacts
// ---------------------------------------------------------------------------------------------

type ContactRow = typeof contacts.$inferSelect;

export type ContactView = { id: string; phone: string; name: string | null; notes: string | null; callCount: number; firstSeenAt: string; lastSeenAt: string };

function toContactView(row: ContactRow): ContactView {
  return {
    id: row.id,
    phone: row.phone,
    name: row.name,
    notes: row.notes,
    callCount: row.callCount,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
  };
}

const CONTACT_RECENT_ITEMS = 20;

export async function listContacts(ctx: AppContext, access: OrgAccess, filter: { q?: string; limit?: number }): Promise<{ items: ContactView[] }> {
  const limit = Math.min(Math.max(filter.limit ?? INBOX_PAGE_DEFAULT, 1), INBOX_PAGE_MAX);
  const conditions: SQL[] = [eq(contacts.organizationId, access.organizationId)];
  if (filter.q?.trim()) {
    const q = filter.q.trim();
    const digits = q.replace(/[^\d]/g, "");
    const byName = ilike(contacts.name, likePattern(q));
    conditions.push(digits.length >= 3 ? or(byName, ilike(contacts.phone, likePattern(digits)))! : byName);
  }
  const rows = await withTenant(ctx.db, access.organizationId, (tx) =>
    tx
      .select()
      .from(contacts)
      .where(and(...conditions))
      .orderBy(desc(contacts.lastSeenAt), desc(contacts.id))
      .limit(limit),
  );
  return { items: rows.map(toContactView) };
}

export async function getContact(ctx: AppContext, access: OrgAccess, contactId: string): Promise<ContactView & { recentItems: InboxItemView[] }> {
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    const [row] = await tx
      .select()
      .from(contacts)
      .where(and(eq(contacts.organizationId, access.organizationId), eq(contacts.id, contactId)));
    if (!row) throw new NotFound("Contact");
    const items = await tx
      .select()
      .from(inboxItems)
      .where(and(eq(inboxItems.organizationId, access.organizationId), eq(inboxItems.contactId, contactId)))
      .orderBy(desc(inboxItems.createdAt))
      .limit(CONTACT_RECENT_ITEMS);
    return { ...toContactView(row), recentItems: items.map(toView) };
  });
}
