// The Switchboard mark and word mark.
import { Phone } from "lucide-react";
import { cx } from "../lib/class-names";

export function Logo({ className, withName = true }: { className?: string; withName?: boolean }) {
  return (
    <span className={cx("inline-flex items-center gap-2 font-semibold tracking-tight text-zinc-900", className)}>
      <span aria-hidden className="flex size-7 items-center justify-center rounded-lg bg-gradient-to-br from-indigo-500 to-indigo-700 text-white shadow-sm">
        <Phone className="size-3.5" strokeWidth={2.5} />
      </span>
      {withName && <span>Switchboard</span>}
    </span>
  );
}
