// Calls and minutes per day of the billing period as two hand-drawn SVG bar charts on one time
// axis; a table with the same figures is there for screen readers.
import type { UsageDay } from "../../api/billing";
import { formatQuantity } from "./usage-meter";

const CHART_HEIGHT = 100;
const dayLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

function label(date: string): string {
  return dayLabel.format(new Date(`${date}T00:00:00Z`));
}

type Metric = { key: "calls" | "minutes"; title: string; unit: (value: number) => string; fill: string };

const METRICS: Metric[] = [
  { key: "calls", title: "Calls", unit: (value) => (value === 1 ? "call" : "calls"), fill: "fill-indigo-500" },
  { key: "minutes", title: "Minutes", unit: (value) => (value === 1 ? "minute" : "minutes"), fill: "fill-sky-500" },
];

function Bars({ days, metric }: { days: UsageDay[]; metric: Metric }) {
  const values = days.map((day) => day[metric.key]);
  const max = Math.max(0, ...values);
  const scale = Math.max(1, max);
  const total = values.reduce((sum, value) => sum + value, 0);
  const barWidth = 100 / Math.max(1, days.length);
  return (
    <div>
      <div className="mb-1 flex items-baseline justify-between text-xs">
        <span className="font-medium text-zinc-700">{metric.title}</span>
        <span className="text-zinc-500 tabular-nums">
          {formatQuantity(total)} this period · peak {formatQuantity(max)}
        </span>
      </div>
      <div className="relative">
        <svg
          role="img"
          aria-label={`${metric.title} per day: ${formatQuantity(total)} ${metric.unit(total)} over ${days.length} days, at most ${formatQuantity(max)} in a day`}
          viewBox={`0 0 100 ${CHART_HEIGHT}`}
          preserveAspectRatio="none"
          className="h-24 w-full"
        >
          <line
            x1={0}
            x2={100}
            y1={CHART_HEIGHT - 0.25}
            y2={CHART_HEIGHT - 0.25}
            className="stroke-zinc-200"
            strokeWidth={0.5}
            vectorEffect="non-scaling-stroke"
          />
          {days.map((day, index) => {
            const value = day[metric.key];
            const height = value > 0 ? Math.max(2, (value / scale) * (CHART_HEIGHT - 4)) : 0;
            return (
              <rect
                key={day.date}
                x={index * barWidth + barWidth * 0.15}
                y={CHART_HEIGHT - height}
                width={barWidth * 0.7}
                height={height}
                rx={0.4}
                className={metric.fill}
              >
                <title>{`${label(day.date)}: ${formatQuantity(value)} ${metric.unit(value)}`}</title>
              </rect>
            );
          })}
        </svg>
      </div>
    </div>
  );
}

export function DailyUsageChart({ days, timezone }: { days: UsageDay[]; timezone: string }) {
  return (
    <figure className="space-y-4">
      {METRICS.map((metric) => (
        <Bars key={metric.key} days={days} metric={metric} />
      ))}
      {days.length > 0 && (
        <figcaption aria-hidden className="flex justify-between text-xs text-zinc-500">
          <span>{label(days[0]!.date)}</span>
          <span>{timezone} time</span>
          <span>{label(days.at(-1)!.date)}</span>
        </figcaption>
      )}
      <table className="sr-only">
        <caption>Usage per day this billing period ({timezone} time)</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Calls</th>
            <th scope="col">Minutes</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
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
