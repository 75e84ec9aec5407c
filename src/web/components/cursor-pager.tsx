// Previous / next paging for lists the API pages with opaque cursors.
import { ChevronLeft, ChevronRight } from "lucide-react";
import { Button } from "./button";

/** A missing handler disables its button. */
export function CursorPager({ page, onPrevious, onNext }: { page: number; onPrevious?: () => void; onNext?: () => void }) {
  return (
    <nav aria-label="Pages" className="flex items-center justify-between border-t border-zinc-100 bg-zinc-50/60 px-4 py-3 text-sm text-zinc-500">
      <span>Page {page}</span>
      <div className="flex gap-2">
        <Button variant="secondary" size="sm" disabled={!onPrevious} onClick={onPrevious}>
          <ChevronLeft aria-hidden className="size-4" />
          Previous
        </Button>
        <Button variant="secondary" size="sm" disabled={!onNext} onClick={onNext}>
          Next
          <ChevronRight aria-hidden className="size-4" />
        </Button>
      </div>
    </nav>
  );
}
