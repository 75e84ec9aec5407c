// The calls pages: the list (filters, transcript search, cursor pages, CSV export, live updates)
// and one call (summary, structured data, recording, transcript with speakers and times, actions).
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "@tanstack/react-router";
import { ArrowLeft, Download, PhoneCall, Search } from "lucide-react";
import { type ReactNode, useState } from "react";
import { assistantsQuery } from "../api/assistants";
import { type CallFilters, type CallStatus, callQuery, callsQuery, downloadCallsCsv, useCallEvents } from "../api/calls";
import { problemMessage } from "../api/problem";
import { Badge } from "../components/badge";
import { Button } from "../components/button";
import { CallStatusBadge, formatDuration, formatOffset, formatOutcome, LiveIndicator } from "../components/calls";
import { CursorPager } from "../components/cursor-pager";
import { SelectField, TextField } from "../components/form-field";
import { PageHeader, Panel } from "../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { cx } from "../lib/class-names";
import { useCurrentOrganization } from "../lib/current-organization";
import { formatDateTime } from "../lib/dates";
import { useDebouncedValue } from "../lib/use-debounced-value";

const STATUSES: CallStatus[] = ["queued", "ringing", "in-progress", "forwarding", "ended"];

type FilterForm = { q: string; status: string; assistantId: string; from: string; to: string; caller: string; outcome: string; isTest: string };
const EMPTY_FILTERS: FilterForm = { q: "", status: "", assistantId: "", from: "", to: "", caller: "", outcome: "", isTest: "" };

function toQuery(form: FilterForm): CallFilters {
  const query: CallFilters = {};
  if (form.q.trim()) query.q = form.q.trim();
  if (form.status) query.status = form.status as CallStatus;
  if (form.assistantId) query.assistantId = form.assistantId;
  if (form.from) query.from = form.from;
  if (form.to) query.to = form.to;
  if (/^\+?\d{1,15}$/.test(form.caller.trim())) query.caller = form.caller.trim();
  if (form.outcome.trim()) query.outcome = form.outcome.trim();
  if (form.isTest === "true" || form.isTest === "false") query.isTest = form.isTest;
  return query;
}

export function CallsPage() {
  const organization = useCurrentOrganization();
  const orgId = organization.id;
  const live = useCallEvents(orgId);
  const [form, setForm] = useState<FilterForm>(EMPTY_FILTERS);
  const filters = toQuery(useDebouncedValue(form, 300));
  const filterKey = JSON.stringify(filters);
  // The cursors of the pages before the current one, so "Previous" can go back.
  const [pages, setPages] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: filterKey, cursors: [undefined] });
  const cursors = pages.key === filterKey ? pages.cursors : [undefined];
  const cursor = cursors.at(-1);
  const calls = useQuery(callsQuery(orgId, filters, cursor));
  const assistants = useQuery(assistantsQuery(orgId));
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);

  const set = (key: keyof FilterForm) => (event: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: event.target.value }));
  const filtered = Object.keys(filters).length > 0;

  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadCallsCsv(orgId, filters);
    } catch (error) {
      setExportError(problemMessage(error));
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Calls"
        description={
          <span className="flex items-center gap-3">
            Every call your assistants answered. <LiveIndicator state={live} />
          </span>
        }
        actions={
          <Button variant="secondary" onClick={exportCsv} pending={exporting}>
            <Download aria-hidden className="size-4" />
            Export CSV
          </Button>
        }
      />
      {exportError && (
        <p role="alert" className="mb-4 text-sm text-red-600">
          {exportError}
        </p>
      )}

      <search className="mb-4 grid gap-3 rounded-xl bg-white p-4 shadow-xs ring-1 ring-zinc-200 sm:grid-cols-2 lg:grid-cols-4">
        <TextField
          label="Search transcripts"
          type="search"
          placeholder="Words, &quot;a phrase&quot;, -exclude"
          value={form.q}
          onChange={set("q")}
          leading={<Search className="size-3.5" />}
          containerClassName="sm:col-span-2"
        />
        <SelectField label="Status" value={form.status} onChange={set("status")}>
          <option value="">Any status</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {formatOutcome(status)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Assistant" value={form.assistantId} onChange={set("assistantId")}>
          <option value="">Any assistant</option>
          {assistants.data?.map((assistant) => (
            <option key={assistant.id} value={assistant.id}>
              {assistant.name}
            </option>
          ))}
        </SelectField>
        <TextField label="From" type="date" value={form.from} onChange={set("from")} max={form.to || undefined} />
        <TextField label="To" type="date" value={form.to} onChange={set("to")} min={form.from || undefined} />
        <TextField
          label="Caller"
          inputMode="tel"
          placeholder="+1415"
          value={form.caller}
          onChange={set("caller")}
          hint="Start of the number"
          error={form.caller.trim() && !/^\+?\d{1,15}$/.test(form.caller.trim()) ? "Digits, with an optional +" : undefined}
        />
        <div className="grid grid-cols-2 gap-3">
          <TextField label="Outcome" placeholder="booked" value={form.outcome} onChange={set("outcome")} />
          <SelectField label="Test calls" value={form.isTest} onChange={set("isTest")}>
            <option value="">Included</option>
            <option value="false">Hidden</option>
            <option value="true">Only</option>
          </SelectField>
        </div>
      </search>

      <section aria-label="Calls" className="overflow-hidden rounded-xl bg-white shadow-xs ring-1 ring-zinc-200">
        {calls.isPending ? (
          <LoadingState label="Loading calls…" />
        ) : calls.isError ? (
          <ErrorState error={calls.error} onRetry={() => calls.refetch()} title="Could not load calls" />
        ) : calls.data.items.length === 0 ? (
          <EmptyState
            icon={PhoneCall}
            title={filtered ? "No calls match these filters" : "No calls yet"}
            action={
              filtered ? (
                <Button variant="secondary" size="sm" onClick={() => setForm(EMPTY_FILTERS)}>
                  Clear filters
                </Button>
              ) : undefined
            }
          >
            {filtered ? "Try a wider date range or other words." : "When someone calls one of your numbers, the call shows up here live."}
          </EmptyState>
        ) : (
          <div className={cx("overflow-x-auto", calls.isPlaceholderData && "opacity-60")}>
            <table className="min-w-full divide-y divide-zinc-100 text-sm">
              <thead className="bg-zinc-50/80 text-left text-xs font-medium text-zinc-500">
                <tr>
                  <th scope="col" className="px-4 py-2.5">
                    Started
                  </th>
                  <th scope="col" className="px-4 py-2.5">
                    Caller
                  </th>
                  <th scope="col" className="px-4 py-2.5">
                    Assistant
                  </th>
                  <th scope="col" className="px-4 py-2.5">
                    Status
                  </th>
                  <th scope="col" className="px-4 py-2.5 text-right">
                    Duration
                  </th>
                  <th scope="col" className="px-4 py-2.5">
                    Outcome
                  </th>
                  <th scope="col" className="px-4 py-2.5">
                    Summary
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {calls.data.items.map((call) => (
                  <tr key={call.id} className="hover:bg-zinc-50">
                    <td className="whitespace-nowrap px-4 py-3">
                      <Link to="/orgs/$orgId/calls/$callId" params={{ orgId, callId: call.id }} className="font-medium text-indigo-700 hover:underline">
                        {formatDateTime(call.startedAt)}
                      </Link>
                    </td>
                    <td className="whitespace-nowrap px-4 py-3 font-mono text-xs text-zinc-700">
                      {call.callerNumber ?? "Unknown"}
                      {call.isTest && (
                        <Badge tone="brand" className="ml-2 font-sans">
                          Test
                        </Badge>
                      )}
                    </td>
                    <td className="whitespace-nowrap px-4 py-3 text-zinc-700">{call.assistantName ?? "—"}</td>
                    <td className="whitespace-nowrap px-4 py-3">
                      <CallStatusBadge status={call.status} />
                    </td>
                    <td className="whitespace-nowrap px-4 py-3 text-right tabular-nums text-zinc-700">{formatDuration(call.durationSeconds)}</td>
                    <td className="whitespace-nowrap px-4 py-3 text-zinc-700">{formatOutcome(call.outcome)}</td>
                    <td className="px-4 py-3 text-zinc-500" title={call.summary ?? undefined}>
                      <span className="block max-w-64 truncate">{call.summary ?? "—"}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {calls.data && (cursors.length > 1 || calls.data.nextCursor) && (
          <CursorPager
            page={cursors.length}
            onPrevious={cursors.length > 1 ? () => setPages({ key: filterKey, cursors: cursors.slice(0, -1) }) : undefined}
            onNext={
              calls.data.nextCursor ? () => calls.data.nextCursor && setPages({ key: filterKey, cursors: [...cursors, calls.data.nextCursor] }) : undefined
            }
          />
        )}
      </section>
    </>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-zinc-500">{label}</dt>
      <dd className="mt-1 text-sm text-zinc-900">{children}</dd>
    </div>
  );
}

const SPEAKER_LABELS: Record<string, string> = { assistant: "Assistant", caller: "Caller", system: "System", tool: "Tool" };

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function CallDetailPage() {
  const organization = useCurrentOrganization();
  const orgId = organization.id;
  const { callId } = useParams({ strict: false }) as { callId: string };
  useCallEvents(orgId);
  const call = useQuery(callQuery(orgId, callId));

  const back = (
    <Link to="/orgs/$orgId/calls" params={{ orgId }} className="mb-4 inline-flex items-center gap-1 text-sm text-zinc-500 hover:text-zinc-900">
      <ArrowLeft aria-hidden className="size-4" />
      All calls
    </Link>
  );
  if (call.isPending) return <LoadingState label="Loading the call…" />;
  if (call.isError)
    return (
      <>
        {back}
        <ErrorState error={call.error} onRetry={() => call.refetch()} title="Could not load this call" />
      </>
    );
  const data = call.data;
  const structured = Object.entries(data.structuredData ?? {});

  return (
    <>
      {back}
      <PageHeader
        title={`Call from ${data.callerNumber ?? "an unknown number"}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            {formatDateTime(data.startedAt)} · {data.assistantName ?? "No assistant"} <CallStatusBadge status={data.status} />
            {data.isTest && <Badge tone="brand">Test call</Badge>}
          </span>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Panel title="Summary">
            <div className="space-y-4 px-5 py-4">
              <p className="text-sm text-zinc-700">{data.summary ?? "No summary yet: it arrives when the call ends."}</p>
              {data.recordingUrl && (
                <div>
                  <p className="mb-1 text-xs font-medium text-zinc-500">Recording</p>
                  {/* biome-ignore lint/a11y/useMediaCaption: call recordings have the transcript below as their text equivalent */}
                  <audio controls preload="none" src={data.recordingUrl} className="w-full" aria-label="Call recording" />
                </div>
              )}
            </div>
          </Panel>
          <Panel title="Transcript">
            {data.segments.length > 0 ? (
              <ol className="divide-y divide-zinc-100">
                {data.segments.map((segment) => (
                  <li key={segment.seq} className="flex gap-4 px-5 py-3 text-sm">
                    <span className="w-12 shrink-0 pt-0.5 text-right font-mono text-xs tabular-nums text-zinc-400">{formatOffset(segment.startOffsetMs)}</span>
                    <div className="min-w-0">
                      <p className={cx("text-xs font-semibold", segment.speaker === "caller" ? "text-emerald-700" : "text-indigo-700")}>
                        {SPEAKER_LABELS[segment.speaker] ?? segment.speaker}
                      </p>
                      <p className="mt-0.5 whitespace-pre-wrap text-zinc-800">{segment.text}</p>
                    </div>
                  </li>
                ))}
              </ol>
            ) : data.transcript ? (
              <p className="whitespace-pre-wrap px-5 py-4 text-sm text-zinc-800">{data.transcript}</p>
            ) : (
              <EmptyState title="No transcript yet" className="py-8">
                The transcript appears as the call goes on.
              </EmptyState>
            )}
          </Panel>
        </div>
        <div className="space-y-6">
          <Panel title="Details">
            <dl className="grid grid-cols-2 gap-4 px-5 py-4">
              <Field label="Duration">{formatDuration(data.durationSeconds)}</Field>
              <Field label="Outcome">{formatOutcome(data.outcome)}</Field>
              <Field label="Ended because">{formatOutcome(data.endedReason)}</Field>
              <Field label="Success">{data.successEvaluation ?? "—"}</Field>
              <Field label="Cost">{data.costUsd === null ? "—" : `$${data.costUsd.toFixed(2)}`}</Field>
              {data.fallback && <Field label="Fallback">{formatOutcome(data.fallback)}</Field>}
            </dl>
          </Panel>
          <Panel title="Structured data">
            {structured.length > 0 ? (
              <dl className="space-y-3 px-5 py-4">
                {structured.map(([key, value]) => (
                  <Field key={key} label={key}>
                    <span className="break-words">{formatValue(value)}</span>
                  </Field>
                ))}
              </dl>
            ) : (
              <p className="px-5 py-4 text-sm text-zinc-500">None extracted from this call.</p>
            )}
          </Panel>
          <Panel title="Actions">
            {data.actions.length > 0 ? (
              <ul className="divide-y divide-zinc-100">
                {data.actions.map((action) => (
                  <li key={action.id} className="px-5 py-3 text-sm">
                    <div className="flex items-center justify-between gap-2">
                      <span className="font-medium text-zinc-900">{action.tool}</span>
                      <Badge tone={action.outcome === "succeeded" ? "success" : action.outcome === "rejected" ? "warning" : "danger"}>
                        {formatOutcome(action.outcome)}
                      </Badge>
                    </div>
                    <p className="mt-1 text-zinc-600">{action.result}</p>
                    {action.inboxItemId && (
                      <Link
                        to="/orgs/$orgId/inbox"
                        params={{ orgId }}
                        search={{ item: action.inboxItemId }}
                        className="mt-1 inline-block text-indigo-700 hover:underline"
                      >
                        Open in inbox
                      </Link>
                    )}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="px-5 py-4 text-sm text-zinc-500">The assistant took no actions on this call.</p>
            )}
            {data.inboxItemIds.some((id) => !data.actions.some((a) => a.inboxItemId === id)) && (
              <p className="border-t border-zinc-100 px-5 py-3 text-sm">
                {data.inboxItemIds
                  .filter((id) => !data.actions.some((a) => a.inboxItemId === id))
                  .map((id) => (
                    <Link key={id} to="/orgs/$orgId/inbox" params={{ orgId }} search={{ item: id }} className="mr-3 text-indigo-700 hover:underline">
                      Inbox item
                    </Link>
                  ))}
              </p>
            )}
          </Panel>
        </div>
      </div>
    </>
  );
}
