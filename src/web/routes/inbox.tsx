// The inbox: what callers left for the team (messages, callbacks, appointments, orders, driver
// call-outs), filtered by kind, status, assignee and words; one item opens beside the list (?item=)
// with its details, the call it came from, the status workflow, its assignee and notes. Call
// events from the live stream refresh it, so items taken on a call appear without a reload.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { CalendarClock, Inbox, MessageSquare, PhoneCall, PhoneForwarded, Search, ShoppingBag, Truck, X } from "lucide-react";
import { type ComponentType, type ReactNode, useState } from "react";
import { useCallEvents } from "../api/calls";
import {
  addInboxNote,
  INBOX_KINDS,
  INBOX_STATUSES,
  type InboxFilters,
  type InboxItem,
  type InboxItemDetail,
  type InboxKind,
  type InboxStatus,
  inboxItemQuery,
  inboxKeys,
  inboxQuery,
  KIND_LABELS,
  STATUS_LABELS,
  STATUS_TRANSITIONS,
  updateInboxItem,
} from "../api/inbox";
import { formatPhoneNumber } from "../api/phone-numbers";
import { toApiProblem } from "../api/problem";
import { type Member, membersQuery } from "../api/queries";
import { Alert } from "../components/alert";
import { Badge } from "../components/badge";
import { Button } from "../components/button";
import { LiveIndicator } from "../components/calls";
import { CursorPager } from "../components/cursor-pager";
import { SelectField, TextAreaField, TextField } from "../components/form-field";
import { PageHeader } from "../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { cx } from "../lib/class-names";
import { useCurrentOrganization } from "../lib/current-organization";
import { formatDateTime, formatRelative } from "../lib/dates";
import { formatMoney } from "../lib/money";
import { can } from "../lib/permissions";
import { personInitials } from "../lib/person-initials";
import { useDebouncedValue } from "../lib/use-debounced-value";
import { useMe } from "../lib/use-session";

const KIND_ICONS: Record<InboxKind, ComponentType<{ className?: string; "aria-hidden"?: boolean }>> = {
  message: MessageSquare,
  callback: PhoneForwarded,
  appointment: CalendarClock,
  order: ShoppingBag,
  driver_callout: Truck,
};

const KIND_COLORS: Record<InboxKind, string> = {
  message: "bg-sky-50 text-sky-700 ring-sky-100",
  callback: "bg-violet-50 text-violet-700 ring-violet-100",
  appointment: "bg-emerald-50 text-emerald-700 ring-emerald-100",
  order: "bg-amber-50 text-amber-700 ring-amber-100",
  driver_callout: "bg-rose-50 text-rose-700 ring-rose-100",
};

const STATUS_TONES = { new: "brand", in_progress: "warning", done: "success", cancelled: "neutral" } as const;

function KindIcon({ kind, className }: { kind: InboxKind; className?: string }) {
  const Icon = KIND_ICONS[kind];
  return (
    <span className={cx("flex size-8 shrink-0 items-center justify-center rounded-lg ring-1 ring-inset", KIND_COLORS[kind], className)}>
      <Icon aria-hidden className="size-4" />
    </span>
  );
}

export function InboxStatusBadge({ status }: { status: InboxStatus }) {
  return <Badge tone={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Badge>;
}

/** The label of the button that moves an item from one status to another. */
function transitionLabel(from: InboxStatus, to: InboxStatus): string {
  if (to === "done") return "Mark done";
  if (to === "cancelled") return "Cancel";
  if (to === "in_progress") return from === "new" ? "Start" : "Reopen";
  return from === "cancelled" ? "Reopen" : "Back to new";
}

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() ? value : typeof value === "number" ? String(value) : null);

type FilterForm = { kind: string; status: string; assignee: string; q: string };
const EMPTY_FILTERS: FilterForm = { kind: "", status: "", assignee: "", q: "" };

function toFilters(form: FilterForm): InboxFilters {
  const filters: InboxFilters = {};
  if (form.kind) filters.kind = form.kind as InboxKind;
  if (form.status) filters.status = form.status as InboxStatus;
  if (form.assignee) filters.assignee = form.assignee;
  if (form.q.trim()) filters.q = form.q.trim();
  return filters;
}

export function InboxPage() {
  const organization = useCurrentOrganization();
  const orgId = organization.id;
  const live = useCallEvents(orgId);
  const { item: selectedId } = useSearch({ strict: false }) as { item?: string };
  const navigate = useNavigate();
  const me = useMe();
  const members = useQuery(membersQuery(orgId));
  const [form, setForm] = useState<FilterForm>(EMPTY_FILTERS);
  const filters = toFilters(useDebouncedValue(form, 300));
  const filterKey = JSON.stringify(filters);
  const [pages, setPages] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: filterKey, cursors: [undefined] });
  const cursors = pages.key === filterKey ? pages.cursors : [undefined];
  const items = useQuery(inboxQuery(orgId, filters, cursors.at(-1)));
  const filtered = Object.keys(filters).length > 0;
  const set = (key: keyof FilterForm) => (event: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: event.target.value }));
  const select = (itemId: string | undefined) =>
    navigate({ to: "/orgs/$orgId/inbox", params: { orgId }, search: itemId ? { item: itemId } : {}, replace: Boolean(selectedId && itemId) });
  const memberName = (userId: string | null) => members.data?.find((m) => m.userId === userId)?.name ?? null;

  return (
    <>
      <PageHeader
        title="Inbox"
        description={
          <span className="flex items-center gap-3">
            What your callers left for your team. <LiveIndicator state={live} />
          </span>
        }
      />
      <search className="mb-4 grid gap-3 rounded-xl bg-white p-4 shadow-xs ring-1 ring-zinc-200 sm:grid-cols-2 lg:grid-cols-5">
        <TextField
          label="Search"
          type="search"
          placeholder="Name, number or words"
          value={form.q}
          onChange={set("q")}
          leading={<Search className="size-3.5" />}
          containerClassName="sm:col-span-2"
        />
        <SelectField label="Kind" value={form.kind} onChange={set("kind")}>
          <option value="">Every kind</option>
          {INBOX_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {KIND_LABELS[kind]}
            </option>
          ))}
        </SelectField>
        <SelectField label="Status" value={form.status} onChange={set("status")}>
          <option value="">Any status</option>
          {INBOX_STATUSES.map((status) => (
            <option key={status} value={status}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </SelectField>
        <SelectField label="Assignee" value={form.assignee} onChange={set("assignee")}>
          <option value="">Anyone</option>
          <option value="none">Unassigned</option>
          {me.data && <option value={me.data.user.id}>Me</option>}
          {members.data
            ?.filter((m) => m.userId !== me.data?.user.id)
            .map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name}
              </option>
            ))}
        </SelectField>
      </search>

      <div className={cx("grid items-start gap-6", selectedId && "lg:grid-cols-[minmax(0,1fr)_minmax(0,28rem)]")}>
        <section aria-label="Inbox items" className="overflow-hidden rounded-xl bg-white shadow-xs ring-1 ring-zinc-200">
          {items.isPending ? (
            <LoadingState label="Loading the inbox…" />
          ) : items.isError ? (
            <ErrorState error={items.error} onRetry={() => items.refetch()} title="Could not load the inbox" />
          ) : items.data.items.length === 0 ? (
            <EmptyState
              icon={Inbox}
              title={filtered ? "Nothing matches these filters" : "Your inbox is empty"}
              action={
                filtered ? (
                  <Button variant="secondary" size="sm" onClick={() => setForm(EMPTY_FILTERS)}>
                    Clear filters
                  </Button>
                ) : undefined
              }
            >
              {filtered
                ? "Try another kind, status or word."
                : "Messages, callback requests, appointments and orders your assistants take on calls land here, live."}
            </EmptyState>
          ) : (
            <ul className={cx("divide-y divide-zinc-100", items.isPlaceholderData && "opacity-60")}>
              {items.data.items.map((item) => (
                <InboxRow
                  key={item.id}
                  item={item}
                  selected={item.id === selectedId}
                  onSelect={() => select(item.id)}
                  assignee={memberName(item.assigneeUserId)}
                />
              ))}
            </ul>
          )}
          {items.data && (cursors.length > 1 || items.data.nextCursor) && (
            <CursorPager
              page={cursors.length}
              onPrevious={cursors.length > 1 ? () => setPages({ key: filterKey, cursors: cursors.slice(0, -1) }) : undefined}
              onNext={
                items.data.nextCursor ? () => items.data.nextCursor && setPages({ key: filterKey, cursors: [...cursors, items.data.nextCursor] }) : undefined
              }
            />
          )}
        </section>
        {selectedId && <ItemPanel key={selectedId} itemId={selectedId} members={members.data ?? []} onClose={() => select(undefined)} />}
      </div>
    </>
  );
}

function InboxRow({ item, selected, onSelect, assignee }: { item: InboxItem; selected: boolean; onSelect: () => void; assignee: string | null }) {
  return (
    <li>
      <button
        type="button"
        onClick={onSelect}
        aria-current={selected || undefined}
        className={cx(
          "flex w-full items-start gap-3 px-4 py-3 text-left text-sm transition-colors",
          selected ? "bg-indigo-50/70" : "hover:bg-zinc-50",
          item.status === "new" && !selected && "bg-white",
        )}
      >
        <KindIcon kind={item.kind} />
        <span className="min-w-0 flex-1">
          <span className="flex items-center gap-2">
            <span className={cx("truncate", item.status === "new" ? "font-semibold text-zinc-900" : "font-medium text-zinc-700")}>{item.title}</span>
          </span>
          <span className="mt-0.5 block truncate text-xs text-zinc-500">
            {KIND_LABELS[item.kind]} · {item.callerName ?? "Unknown caller"}
            {item.callerNumber ? ` · ${formatPhoneNumber(item.callerNumber)}` : ""}
          </span>
        </span>
        <span className="flex shrink-0 flex-col items-end gap-1">
          <InboxStatusBadge status={item.status} />
          <span className="flex items-center gap-1.5 text-xs text-zinc-500">
            {assignee && (
              <span
                title={`Assigned to ${assignee}`}
                className="flex size-5 items-center justify-center rounded-full bg-zinc-200 text-[10px] font-semibold text-zinc-700"
              >
                {personInitials(assignee)}
              </span>
            )}
            <time dateTime={item.createdAt} title={formatDateTime(item.createdAt)}>
              {formatRelative(item.createdAt)}
            </time>
          </span>
        </span>
      </button>
    </li>
  );
}

function Field({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "col-span-2" : undefined}>
      <dt className="text-xs font-medium text-zinc-500">{label}</dt>
      <dd className="mt-0.5 text-sm break-words text-zinc-900">{children}</dd>
    </div>
  );
}

type OrderLine = { name: string; quantity: number; options?: { group: string; choice: string }[]; lineTotalCents: number };

/** The fields of each kind, from the item's details (and its appointment). */
function KindDetails({ item }: { item: InboxItemDetail }) {
  const d = item.details;
  const callback = text(d.callbackNumber);
  switch (item.kind) {
    case "message":
      return (
        <dl className="grid grid-cols-2 gap-4">
          <Field label="Message" wide>
            <blockquote className="rounded-lg bg-zinc-50 px-3 py-2 whitespace-pre-wrap text-zinc-800 ring-1 ring-zinc-100">{text(d.message) ?? "—"}</blockquote>
          </Field>
          <Field label="Urgency">{d.urgency === "urgent" ? <Badge tone="danger">Urgent</Badge> : d.urgency === "low" ? "Low" : "Normal"}</Field>
          <Field label="Call back on">{callback ? formatPhoneNumber(callback) : "—"}</Field>
        </dl>
      );
    case "callback":
      return (
        <dl className="grid grid-cols-2 gap-4">
          <Field label="When">{text(d.preferredTime) ?? (d.urgent ? "As soon as possible" : "—")}</Field>
          <Field label="Call back on">{callback ? formatPhoneNumber(callback) : "—"}</Field>
          <Field label="About" wide>
            {text(d.reason) ?? "—"}
          </Field>
          {text(d.destination) && <Field label="Asked for">{text(d.destination)}</Field>}
          {d.urgent === true && (
            <Field label="Urgency">
              <Badge tone="danger">Urgent</Badge>
            </Field>
          )}
        </dl>
      );
    case "appointment": {
      const appointment = item.appointment;
      const startsAt = appointment?.startsAt ?? text(d.startsAt);
      const endsAt = appointment?.endsAt ?? text(d.endsAt);
      return (
        <dl className="grid grid-cols-2 gap-4">
          <Field label="Service">{appointment?.service ?? text(d.service) ?? "—"}</Field>
          <Field label="With">{appointment?.provider ?? text(d.provider) ?? "Anyone"}</Field>
          <Field label="When" wide>
            {startsAt ? formatDateTime(startsAt) : "—"}
            {endsAt && startsAt ? ` – ${new Date(endsAt).toLocaleTimeString(undefined, { timeStyle: "short" })}` : ""}
            {appointment?.status === "cancelled" && (
              <Badge tone="danger" className="ml-2">
                Cancelled
              </Badge>
            )}
          </Field>
          <Field label="Call back on">{callback ? formatPhoneNumber(callback) : "—"}</Field>
          {(appointment?.notes ?? text(d.notes)) && <Field label="Notes">{appointment?.notes ?? text(d.notes)}</Field>}
        </dl>
      );
    }
    case "order": {
      const lines = Array.isArray(d.lines) ? (d.lines as OrderLine[]) : [];
      const currency = text(d.currency) ?? "USD";
      return (
        <div className="space-y-4">
          <table className="w-full text-sm">
            <caption className="sr-only">Order lines</caption>
            <thead className="sr-only">
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Price</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {lines.map((line, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: order lines have no id and never reorder
                <tr key={index}>
                  <td className="py-1.5 pr-3 text-zinc-800">
                    <span className="tabular-nums">{line.quantity} ×</span> {line.name}
                    {line.options && line.options.length > 0 && (
                      <span className="block text-xs text-zinc-500">{line.options.map((o) => o.choice).join(", ")}</span>
                    )}
                  </td>
                  <td className="py-1.5 text-right tabular-nums text-zinc-800">{formatMoney(line.lineTotalCents, currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr className="border-t border-zinc-200">
                <th scope="row" className="pt-2 text-left font-semibold text-zinc-900">
                  Total
                </th>
                <td className="pt-2 text-right font-semibold tabular-nums text-zinc-900">
                  {typeof d.totalCents === "number" ? formatMoney(d.totalCents, currency) : "—"}
                </td>
              </tr>
            </tfoot>
          </table>
          <dl className="grid grid-cols-2 gap-4">
            <Field label="Fulfillment">{d.fulfillment === "delivery" ? "Delivery" : "Pickup"}</Field>
            <Field label="Call back on">{callback ? formatPhoneNumber(callback) : "—"}</Field>
            {text(d.deliveryAddress) && (
              <Field label="Deliver to" wide>
                {text(d.deliveryAddress)}
              </Field>
            )}
            {text(d.notes) && (
              <Field label="Notes" wide>
                {text(d.notes)}
              </Field>
            )}
          </dl>
        </div>
      );
    }
    case "driver_callout":
      return (
        <dl className="grid grid-cols-2 gap-4">
          <Field label="Driver">{text(d.driverName) ?? "—"}</Field>
          <Field label="Driver ID">{text(d.driverId) ?? "—"}</Field>
          <Field label="Shift">{[text(d.shiftDate), text(d.shiftStart)].filter(Boolean).join(" at ") || "—"}</Field>
          <Field label="Expected back">{text(d.expectedReturn) ?? "—"}</Field>
          <Field label="Reason" wide>
            {text(d.reason) ?? "—"}
          </Field>
        </dl>
      );
  }
}

function ItemPanel({ itemId, members, onClose }: { itemId: string; members: Member[]; onClose: () => void }) {
  const organization = useCurrentOrganization();
  const orgId = organization.id;
  const writable = can(organization.role, "inbox:write");
  const queryClient = useQueryClient();
  const item = useQuery(inboxItemQuery(orgId, itemId));
  const [note, setNote] = useState("");
  const afterChange = async (updated: InboxItem) => {
    queryClient.setQueryData(inboxKeys.item(orgId, itemId), (old: InboxItemDetail | undefined) => (old ? { ...old, ...updated } : old));
    await queryClient.invalidateQueries({ queryKey: inboxKeys.all(orgId) });
  };
  const update = useMutation({
    mutationFn: (body: { status?: InboxStatus; assigneeUserId?: string | null }) => updateInboxItem(orgId, itemId, body),
    onSuccess: afterChange,
  });
  const addNote = useMutation({
    mutationFn: () => addInboxNote(orgId, itemId, note.trim()),
    onSuccess: async (updated) => {
      setNote("");
      await afterChange(updated);
    },
  });
  const memberName = (userId: string) => members.find((m) => m.userId === userId)?.name ?? "A former member";

  const frame = (children: ReactNode, title = "Item") => (
    <aside aria-label={title} className="overflow-hidden rounded-xl bg-white shadow-xs ring-1 ring-zinc-200 lg:sticky lg:top-6">
      {children}
    </aside>
  );
  const close = (
    <button type="button" onClick={onClose} aria-label="Close" className="-m-1 rounded-md p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700">
      <X aria-hidden className="size-4" />
    </button>
  );
  if (item.isPending) return frame(<LoadingState label="Loading the item…" />);
  if (item.isError)
    return frame(
      <>
        <div className="flex justify-end px-5 pt-4">{close}</div>
        <ErrorState error={item.error} onRetry={() => item.refetch()} title="Could not load this item" className="pt-2" />
      </>,
    );
  const data = item.data;

  return frame(
    <>
      <div className="border-b border-zinc-100 px-5 py-4">
        <div className="flex items-start gap-3">
          <KindIcon kind={data.kind} />
          <div className="min-w-0 flex-1">
            <p className="text-xs font-medium text-zinc-500">{KIND_LABELS[data.kind]}</p>
            <h2 className="text-sm font-semibold text-zinc-900">{data.title}</h2>
          </div>
          {close}
        </div>
        <div className="mt-3 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-500">
          <InboxStatusBadge status={data.status} />
          <span>{formatDateTime(data.createdAt)}</span>
          {data.callId && (
            <Link
              to="/orgs/$orgId/calls/$callId"
              params={{ orgId, callId: data.callId }}
              className="inline-flex items-center gap-1 font-medium text-indigo-700 hover:underline"
            >
              <PhoneCall aria-hidden className="size-3.5" />
              Open the call
            </Link>
          )}
        </div>
      </div>
      <div className="space-y-5 px-5 py-4">
        <dl className="grid grid-cols-2 gap-4">
          <Field label="Caller">{data.callerName ?? "Unknown"}</Field>
          <Field label="Number">{data.callerNumber ? <span className="font-mono text-xs">{formatPhoneNumber(data.callerNumber)}</span> : "—"}</Field>
        </dl>
        <KindDetails item={data} />
      </div>
      <div className="space-y-4 border-t border-zinc-100 bg-zinc-50/60 px-5 py-4">
        {writable && STATUS_TRANSITIONS[data.status].length > 0 && (
          <fieldset className="flex flex-wrap gap-2">
            <legend className="sr-only">Change the status</legend>
            {STATUS_TRANSITIONS[data.status].map((to) => (
              <Button
                key={to}
                size="sm"
                variant={to === "done" ? "primary" : "secondary"}
                onClick={() => update.mutate({ status: to })}
                pending={update.isPending && update.variables?.status === to}
                disabled={update.isPending}
              >
                {transitionLabel(data.status, to)}
              </Button>
            ))}
          </fieldset>
        )}
        <SelectField
          label="Assignee"
          value={data.assigneeUserId ?? ""}
          disabled={!writable || update.isPending}
          onChange={(event) => update.mutate({ assigneeUserId: event.target.value || null })}
        >
          <option value="">Unassigned</option>
          {members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name}
            </option>
          ))}
        </SelectField>
        {update.error ? <Alert tone="error">{toApiProblem(update.error).detail}</Alert> : null}
      </div>
      <section aria-label="Notes" className="border-t border-zinc-100 px-5 py-4">
        <h3 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Notes</h3>
        {data.notes.length === 0 ? (
          <p className="mt-2 text-sm text-zinc-500">No notes yet.</p>
        ) : (
          <ol className="mt-2 space-y-3">
            {data.notes.map((n) => (
              <li key={n.id} className="text-sm">
                <p className="text-xs text-zinc-500">
                  <span className="font-medium text-zinc-700">{memberName(n.authorUserId)}</span> · {formatRelative(n.createdAt)}
                </p>
                <p className="mt-0.5 whitespace-pre-wrap text-zinc-800">{n.text}</p>
              </li>
            ))}
          </ol>
        )}
        {writable && (
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              if (note.trim()) addNote.mutate();
            }}
            className="mt-4 space-y-2"
          >
            <TextAreaField
              label="Add a note"
              rows={2}
              maxLength={2000}
              value={note}
              onChange={(event) => setNote(event.target.value)}
              placeholder="Called back, left a voicemail…"
            />
            {addNote.error ? <Alert tone="error">{toApiProblem(addNote.error).detail}</Alert> : null}
            <div className="flex justify-end">
              <Button type="submit" size="sm" variant="secondary" pending={addNote.isPending} disabled={!note.trim()}>
                Add note
              </Button>
            </div>
          </form>
        )}
      </section>
    </>,
    data.title,
  );
}
