// Creating inbox items and remembering callers as contacts, inside the caller's transaction; each
// new item enqueues its notification in that same transaction (outbox), so a rollback sends nothing.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import type { Jobs } from "../../jobs/queue.js";
import { contacts, type InboxKind, inboxItems } from "./schema.js";

export type NotificationEvent = InboxKind | "urgent_transfer";

export type NewInboxItem = {
  organizationId: string;
  kind: InboxKind;
  title: string;
  details: Record<string, unknown>;
  callId: string | null;
  assistantId: string | null;
  callerName: string | null;
  callerNumber: string | null;
  dueAt?: Date | null;
  /** Overrides the event notified (an escalated transfer is a callback item with the urgent event). */
  event?: NotificationEvent;
};

/** The contact for a caller's number (created on first sight); keeps the first name given. */
export async function upsertContact(tx: Db, organizationId: string, phone: string, name: string | null): Promise<string> {
  const [row] = await tx
    .insert(contacts)
    .values({ organizationId, id: newId("con"), phone, name })
    .onConflictDoUpdate({
      target: [contacts.organizationId, contacts.phone],
      set: { name: sql`coalesce(${contacts.name}, excluded.name)`, lastSeenAt: sql`now()` },
    })
    .returning({ id: contacts.id });
  return row!.id;
}

export async function createInboxItem(tx: Db, jobs: Jobs, item: NewInboxItem): Promise<string> {
  const id = newId("inb");
  const contactId = item.callerNumber ? await upsertContact(tx, item.organizationId, item.callerNumber, item.callerName) : null;
  await tx.insert(inboxItems).values({
    organizationId: item.organizationId,
    id,
    kind: item.kind,
    title: item.title,
    details: item.details,
    callId: item.callId,
    assistantId: item.assistantId,
    contactId,
    callerName: item.callerName,
    callerNumber: item.callerNumber,
    dueAt: item.dueAt ?? null,
  });
  await jobs.enqueue(tx, "notifications.send", { organizationId: item.organizationId, inboxItemId: id, event: item.event ?? item.kind });
  return id;
}
