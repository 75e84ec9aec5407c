// The title block at the top of each page, with room for actions on the right.
import { type ReactNode, useId } from "react";

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-8 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0">
        <h1 className="text-xl font-semibold tracking-tight text-zinc-900">{title}</h1>
        {description && <p className="mt-1 text-sm text-zinc-500">{description}</p>}
      </div>
      {actions && <div className="flex shrink-0 gap-2">{actions}</div>}
    </div>
  );
}

/** A white panel with an optional heading, the building block of settings and list pages. */
export function Panel({ title, description, children, footer }: { title?: string; description?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  const headingId = useId();
  return (
    <section aria-labelledby={title ? headingId : undefined} className="overflow-hidden rounded-xl bg-white shadow-xs ring-1 ring-zinc-200">
      {title && (
        <div className="border-b border-zinc-100 px-5 py-4">
          <h2 id={headingId} className="text-sm font-semibold text-zinc-900">
            {title}
          </h2>
          {description && <p className="mt-0.5 text-sm text-zinc-500">{description}</p>}
        </div>
      )}
      <div>{children}</div>
      {footer && <div className="flex items-center justify-end gap-2 border-t border-zinc-100 bg-zinc-50/60 px-5 py-3">{footer}</div>}
    </section>
  );
}
