// The three states every data view has besides its data: loading, empty, and error (with retry).
import { CircleAlert, LoaderCircle } from "lucide-react";
import type { ComponentType, ReactNode } from "react";
import { problemMessage } from "../api/problem";
import { cx } from "../lib/class-names";
import { Button } from "./button";

export function LoadingState({ label = "Loading…", className }: { label?: string; className?: string }) {
  return (
    <div role="status" aria-live="polite" className={cx("flex items-center justify-center gap-2 py-12 text-sm text-zinc-500", className)}>
      <LoaderCircle aria-hidden className="size-4 animate-spin" />
      {label}
    </div>
  );
}

type EmptyStateProps = {
  icon?: ComponentType<{ className?: string; "aria-hidden"?: boolean }>;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
};

export function EmptyState({ icon: Icon, title, children, action, className }: EmptyStateProps) {
  return (
    <div className={cx("flex flex-col items-center justify-center px-6 py-12 text-center", className)}>
      {Icon && (
        <div className="mb-4 flex size-12 items-center justify-center rounded-xl bg-white shadow-sm ring-1 ring-zinc-200">
          <Icon aria-hidden className="size-5 text-zinc-500" />
        </div>
      )}
      <h2 className="text-sm font-semibold text-zinc-900">{title}</h2>
      {children && <div className="mt-1 max-w-md text-sm text-zinc-500">{children}</div>}
      {action && <div className="mt-5">{action}</div>}
    </div>
  );
}

export function ErrorState({
  error,
  onRetry,
  title = "Could not load this",
  className,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
  className?: string;
}) {
  return (
    <div role="alert" className={cx("flex flex-col items-center justify-center px-6 py-12 text-center", className)}>
      <div className="mb-4 flex size-12 items-center justify-center rounded-xl bg-red-50 ring-1 ring-red-100">
        <CircleAlert aria-hidden className="size-5 text-red-600" />
      </div>
      <h2 className="text-sm font-semibold text-zinc-900">{title}</h2>
      <p className="mt-1 max-w-md text-sm text-zinc-500">{problemMessage(error)}</p>
      {onRetry && (
        <Button variant="secondary" size="sm" className="mt-5" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
