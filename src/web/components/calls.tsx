// Pieces shared by the calls pages and the overview: status badges, durations and outcomes, the
// live calls panel, and an accessible SVG bar chart of calls per day.
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { PhoneCall, Radio } from "lucide-react";
import { useId } from "react";
import { activeCallsQuery, type CallStats, type CallStatus, type LiveState } from "../api/calls";
import { formatRelative } from "../lib/dates";
import { Badge } from "./badge";
import { EmptyState, ErrorState, LoadingState } from "./states";

const STATUS_LABELS: Record<CallStatus, string> = {
  queued: "Queued",
  ringing: "Ringing",
  "in-progress": "In progress",
  forwarding: "Forwarding",
  ended: "Ended",
};

export function CallStatusBadge({ status }: { status: CallStatus }) {
  const tone = status === "ended" ? "neutral" : status === "in-progress" ? "success" : status === "forwarding" ? "brand" : "warning";
  return <Badge tone={tone}>{STATUS_LABELS[status]}</Badge>;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}

/** "customer-ended-call" → "Customer ended call"; outcomes from structured data read the same way. */
export function formatOutcome(outcome: string | null | undefined): string {
  if (!outcome) return "—";
  const words = outcome.replaceAll(/[-_.]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatOffset(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "";
  return formatDuration(Math.floor(ms / 1000));
}

export function LiveIndicator({ state }: { state: LiveState }) {
  const label = state === "live" ? "Live" : state === "connecting" ? "Connecting…" : "Reconnecting…";
  return (
    <span role="status" className="inline-flex items-center gap-1.5 text-xs font-medium text-zinc-500">
      <span aria-hidden className={`size-2 rounded-full ${state === "live" ? "animate-pulse bg-emerald-500" : "bg-zinc-300"}`} />
      {label}
    </span>
  );
}

/** Calls in progress right now; the stream (useCallEvents, mounted by the page) keeps it current. */
export function LiveCallsPanel({ orgId, state }: { orgId: string; state: LiveState }) {
  const active = useQuery(activeCallsQuery(orgId));
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="overflow-hidden rounded-xl bg-white shadow-xs ring-1 ring-zinc-200">
      <div className="flex items-center justify-between border-b border-zinc-100 px-5 py-4">
        <h2 id={headingId} className="flex items-center gap-2 text-sm font-semibold text-zinc-900">
          <Radio aria-hidden className="size-4 text-emerald-600" />
          Live calls
        </h2>
        <LiveIndicator state={state} />
      </div>
      {active.isPending ? (
        <LoadingState label="Loading live calls…" className="py-8" />
      ) : active.isError ? (
        <ErrorState error={active.error} onRetry={() => active.refetch()} title="Could not load live calls" className="py-8" />
      ) : active.data.length === 0 ? (
        <EmptyState icon={PhoneCall} title="No calls right now" className="py-8">
          Calls appear here the moment they start.
        </EmptyState>
      ) : (
        <ul aria-label="Calls in progress" className="divide-y divide-zinc-100">
          {active.data.map((call) => (
            <li key={call.id}>
              <Link
                to="/orgs/$orgId/calls/$callId"
                params={{ orgId, callId: call.id }}
                className="flex items-center justify-between gap-3 px-5 py-3 text-sm hover:bg-zinc-50"
              >
                <span className="min-w-0">
                  <span className="block truncate font-medium text-zinc-900">{call.callerNumber ?? "Unknown caller"}</span>
                  <span className="block truncate text-xs text-zinc-500">
                    {call.assistantName ?? "No assistant"} · started {formatRelative(call.startedAt)}
                  </span>
                </span>
                <CallStatusBadge status={call.status} />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const CHART_HEIGHT = 120;
const dayLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/** Calls per day as bars; a table with the same figures is available to screen readers. */
export function CallsPerDayChart({ perDay }: { perDay: CallStats["perDay"] }) {
  const max = Math.max(1, ...perDay.map((d) => d.calls));
  const barWidth = 100 / Math.max(1, perDay.length);
  const total = perDay.reduce((sum, d) => sum + d.calls, 0);
  const label = (date: string) => dayLabel.format(new Date(`${date}T00:00:00Z`));
  return (
    <figure>
      <svg
        role="img"
        aria-label={`Calls per day over the last ${perDay.length} days: ${total} in all, at most ${max === 1 && total === 0 ? 0 : max} in a day`}
        viewBox={`0 0 100 ${CHART_HEIGHT}`}
        preserveAspectRatio="none"
        className="h-32 w-full"
      >
        {perDay.map((day, index) => {
          const height = (day.calls / max) * (CHART_HEIGHT - 4);
          return (
            <rect
              key={day.date}
              x={index * barWidth + barWidth * 0.15}
              y={CHART_HEIGHT - Math.max(height, day.calls > 0 ? 2 : 0.6)}
              width={barWidth * 0.7}
              height={Math.max(height, day.calls > 0 ? 2 : 0.6)}
              rx={0.4}
              className={day.calls > 0 ? "fill-indigo-500" : "fill-zinc-200"}
            >
              <title>{`${label(day.date)}: ${day.calls} ${day.calls === 1 ? "call" : "calls"}, ${day.minutes} min`}</title>
            </rect>
          );
        })}
      </svg>
      {perDay.length > 0 && (
        <figcaption aria-hidden className="mt-2 flex justify-between text-xs text-zinc-500">
          <span>{label(perDay[0]!.date)}</span>
          <span>{label(perDay.at(-1)!.date)}</span>
        </figcaption>
      )}
      <table className="sr-only">
        <caption>Calls per day</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Calls</th>
            <th scope="col">Minutes</th>
          </tr>
        </thead>
        <tbody>
          {perDay.map((day) => (
            <tr key={day.date}>
              <td>{day.date}</td>
              <td>{day.calls}</td>
              <td>{day.minutes}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
