// Routes of the inbox (messages, callbacks, appointments, orders, driver call-outs left by calls)
// and of contacts (callers remembered by number).
import { createRoute, z } from "@hono/zod-openapi";
import { requireOrg } from "../../http/authorize.js";
import { bearerSecurity, newRouter } from "../../http/router.js";
import { jsonBody, jsonContent, problemResponses, requiredText, storableText, timestampSchema } from "../../http/schemas.js";
import { orgIdParam } from "../organizations/routes.js";
import { INBOX_KINDS, INBOX_STATUSES } from "./schema.js";
import {
  addInboxNote,
  getContact,
  getInboxItem,
  INBOX_PAGE_DEFAULT,
  INBOX_PAGE_MAX,
  listContacts,
  listInboxItems,
  NOTE_MAX_CHARS,
  updateInboxItem,
} from "./service.js";

const idSchema = z.string().max(64);

const noteSchema = z.object({ id: z.string(), authorUserId: z.string(), text: z.string(), createdAt: timestampSchema }).openapi("InboxNote");

const inboxItemSchema = z
  .object({
    id: z.string(),
    kind: z.enum(INBOX_KINDS),
    status: z.enum(INBOX_STATUSES),
    title: z.string(),
    details: z.record(z.string(), z.unknown()).openapi({ description: "The kind's fields: message text, callback time, order lines and total in cents…" }),
    callId: z.string().nullable(),
    assistantId: z.string().nullable(),
    contactId: z.string().nullable(),
    callerName: z.string().nullable(),
    callerNumber: z.string().nullable(),
    assigneeUserId: z.string().nullable(),
    notes: z.array(noteSchema),
    dueAt: timestampSchema.nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .openapi("InboxItem");

const appointmentSchema = z
  .object({
    id: z.string(),
    service: z.string(),
    provider: z.string().nullable(),
    startsAt: timestampSchema,
    endsAt: timestampSchema,
    status: z.enum(["booked", "cancelled"]),
    callerName: z.string().nullable(),
    callerNumber: z.string().nullable(),
    notes: z.string().nullable(),
  })
  .openapi("Appointment");

const contactSchema = z
  .object({
    id: z.string(),
    phone: z.string(),
    name: z.string().nullable(),
    notes: z.string().nullable(),
    callCount: z.number().int(),
    firstSeenAt: timestampSchema,
    lastSeenAt: timestampSchema,
  })
  .openapi("Contact");

const itemParams = orgIdParam.extend({ itemId: idSchema.openapi({ param: { name: "itemId", in: "path" }, example: "inb_3k9x2m" }) });
const contactParams = orgIdParam.extend({ contactId: idSchema.openapi({ param: { name: "contactId", in: "path" }, example: "con_7d2m4q" }) });
const limitSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(INBOX_PAGE_MAX)
  .optional()
  .openapi({ description: `Page size, default ${INBOX_PAGE_DEFAULT}` });

const listRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/inbox",
  tags: ["Inbox"],
  summary: "Inbox items, newest first",
  description: "Filters combine. `assignee` is a user id, or `none` for unassigned items. Pass `nextCursor` back as `cursor` for the next page.",
  security: bearerSecurity,
  middleware: [requireOrg("inbox:read")] as const,
  request: {
    params: orgIdParam,
    query: z.object({
      kind: z.enum(INBOX_KINDS).optional(),
      status: z.enum(INBOX_STATUSES).optional(),
      assignee: idSchema.optional(),
      q: storableText(200).optional().openapi({ description: "Matches the title, the caller's name or number" }),
      cursor: z.string().max(500).optional(),
      limit: limitSchema,
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(inboxItemSchema), nextCursor: z.string().nullable() }), "A page of items"),
    ...problemResponses(401, 404, 422),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/inbox/{itemId}",
  tags: ["Inbox"],
  summary: "One inbox item, with its call id and (for appointments) the appointment",
  security: bearerSecurity,
  middleware: [requireOrg("inbox:read")] as const,
  request: { params: itemParams },
  responses: { 200: jsonContent(inboxItemSchema.extend({ appointment: appointmentSchema.nullable() }), "The item"), ...problemResponses(401, 404) },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/orgs/{orgId}/inbox/{itemId}",
  tags: ["Inbox"],
  summary: "Change an item's status or assignee",
  description:
    "Status workflow: new → in_progress, done or cancelled; in_progress → new, done or cancelled; done → in_progress (reopen); cancelled → new (reopen). Other changes are 422. Cancelling an appointment's item cancels the appointment. The assignee must be a member (null unassigns).",
  security: bearerSecurity,
  middleware: [requireOrg("inbox:write")] as const,
  request: {
    params: itemParams,
    ...jsonBody(z.strictObject({ status: z.enum(INBOX_STATUSES).optional(), assigneeUserId: idSchema.nullable().optional() })),
  },
  responses: { 200: jsonContent(inboxItemSchema, "The updated item"), ...problemResponses(400, 401, 403, 404, 422) },
});

const noteRoute = createRoute({
  method: "post",
  path: "/orgs/{orgId}/inbox/{itemId}/notes",
  tags: ["Inbox"],
  summary: "Add a note to an item",
  security: bearerSecurity,
  middleware: [requireOrg("inbox:write")] as const,
  request: { params: itemParams, ...jsonBody(z.strictObject({ text: requiredText(NOTE_MAX_CHARS) })) },
  responses: { 201: jsonContent(inboxItemSchema, "The item with the note added"), ...problemResponses(400, 401, 403, 404, 422) },
});

const contactsRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/contacts",
  tags: ["Contacts"],
  summary: "Callers, most recently seen first",
  security: bearerSecurity,
  middleware: [requireOrg("inbox:read")] as const,
  request: {
    params: orgIdParam,
    query: z.object({ q: storableText(200).optional().openapi({ description: "Part of a name or of a phone number" }), limit: limitSchema }),
  },
  responses: { 200: jsonContent(z.object({ items: z.array(contactSchema) }), "Contacts"), ...problemResponses(401, 404, 422) },
});

const contactRoute = createRoute({
  method: "get",
  path: "/orgs/{orgId}/contacts/{contactId}",
  tags: ["Contacts"],
  summary: "One contact with their recent inbox items",
  security: bearerSecurity,
  middleware: [requireOrg("inbox:read")] as const,
  request: { params: contactParams },
  responses: { 200: jsonContent(contactSchema.extend({ recentItems: z.array(inboxItemSchema) }), "The contact"), ...problemResponses(401, 404) },
});

export function inboxRoutes() {
  const router = newRouter();
  router.openapi(listRoute, async (c) => c.json(await listInboxItems(c.get("ctx"), c.get("org"), c.req.valid("query")), 200));
  router.openapi(getRoute, async (c) => c.json(await getInboxItem(c.get("ctx"), c.get("org"), c.req.valid("param").itemId), 200));
  router.openapi(patchRoute, async (c) => c.json(await updateInboxItem(c.get("ctx"), c.get("org"), c.req.valid("param").itemId, c.req.valid("json")), 200));
  router.openapi(noteRoute, async (c) =>
    c.json(await addInboxNote(c.get("ctx"), c.get("org"), c.get("user").id, c.req.valid("param").itemId, c.req.valid("json").text), 201),
  );
  router.openapi(contactsRoute, async (c) => c.json(await listContacts(c.get("ctx"), c.get("org"), c.req.valid("query")), 200));
  router.openapi(contactRoute, async (c) => c.json(await getContact(c.get("ctx"), c.get("org"), c.req.valid("param").contactId), 200));
  return router;
}
