// One metered limit as a bar (calls, minutes, seats…): used against the plan's limit, coloured at
// 80% (amber) and 100% (red), exposed to assistive technology as a progressbar with its figures.
import type { ReactNode } from "react";
import { cx } from "../../lib/class-names";

export const WARNING_PERCENT = 80;

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function formatQuantity(value: number): string {
  return numberFormat.format(value);
}

export type MeterTone = "normal" | "warning" | "exceeded";

/**
 * Metered usage (calls, minutes) warns from 80% and is exceeded at 100%. Capacity (seats,
 * assistants, numbers) is simply full at 100%, which only stops adding more, and exceeded above it
 * (after a downgrade).
 */
export function meterTone(percent: number, kind: "metered" | "capacity" = "metered"): MeterTone {
  if (kind === "capacity") return percent > 100 ? "exceeded" : percent >= 100 ? "warning" : "normal";
  if (percent >= 100) return "exceeded";
  if (percent >= WARNING_PERCENT) return "warning";
  return "normal";
}

const BAR_TONES: Record<MeterTone, string> = { normal: "bg-indigo-500", warning: "bg-amber-500", exceeded: "bg-red-500" };
const TEXT_TONES: Record<MeterTone, string> = { normal: "text-zinc-500", warning: "text-amber-700", exceeded: "text-red-700" };

type UsageMeterProps = {
  /** "Calls", "Minutes": the progressbar's accessible name. */
  label: string;
  /** The unit after the figures: "calls", "minutes". */
  unit: string;
  used: number;
  /** null: unlimited on this plan. */
  limit: number | null;
  /** The API's percent when it has one (rounded down to 0.1); computed otherwise. */
  percent?: number | null;
  /** A line under the bar: overage, what happens at the limit. */
  note?: ReactNode;
  kind?: "metered" | "capacity";
};

export function UsageMeter({ label, unit, used, limit, percent, note, kind = "metered" }: UsageMeterProps) {
  const shown = limit === null ? null : (percent ?? (limit <= 0 ? 100 : Math.floor((used * 1000) / limit) / 10));
  const tone = shown === null ? "normal" : meterTone(shown, kind);
  const figures =
    limit === null
      ? `${formatQuantity(used)} ${unit}, unlimited`
      : `${formatQuantity(used)} of ${formatQuantity(limit)} ${unit} (${formatQuantity(shown ?? 0)}%)`;
  return (
    <div>
      <div className="flex items-baseline justify-between gap-3">
        <span className="text-sm font-medium text-zinc-900">{label}</span>
        <span className={cx("text-sm tabular-nums", TEXT_TONES[tone])}>
          <span className="font-semibold text-zinc-900">{formatQuantity(used)}</span>
          {limit === null ? " · Unlimited" : ` / ${formatQuantity(limit)} ${unit}`}
        </span>
      </div>
      {limit === null ? (
        <div aria-hidden className="mt-2 h-2 rounded-full bg-zinc-100" />
      ) : (
        <div
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={limit}
          aria-valuenow={Math.min(used, limit)}
          aria-valuetext={figures}
          data-tone={tone}
          className="mt-2 h-2 overflow-hidden rounded-full bg-zinc-100"
        >
          <div className={cx("h-full rounded-full transition-[width]", BAR_TONES[tone])} style={{ width: `${Math.min(100, shown ?? 0)}%` }} />
        </div>
      )}
      <p className={cx("mt-1.5 text-xs", TEXT_TONES[tone])}>
        {limit === null
          ? "No limit on your plan."
          : kind === "capacity" && used >= limit
            ? "All used: upgrade to add more"
            : `${formatQuantity(shown ?? 0)}% used`}
        {note ? <> · {note}</> : null}
      </p>
    </div>
  );
}
