// The organization's invoices, newest first, paged with the API's cursors; each opens its
// printable receipt.
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { ReceiptText } from "lucide-react";
import { useState } from "react";
import { type InvoiceSummary, invoicesQuery } from "../../api/billing";
import { formatDate } from "../../lib/dates";
import { formatMoney } from "../../lib/money";
import { Badge } from "../badge";
import { CursorPager } from "../cursor-pager";
import { EmptyState, ErrorState, LoadingState } from "../states";

const STATUS: Record<InvoiceSummary["status"], { label: string; tone: "success" | "warning" | "neutral" }> = {
  paid: { label: "Paid", tone: "success" },
  open: { label: "Open", tone: "warning" },
  void: { label: "Void", tone: "neutral" },
};

export function InvoiceStatusBadge({ status }: { status: InvoiceSummary["status"] }) {
  return <Badge tone={STATUS[status].tone}>{STATUS[status].label}</Badge>;
}

/** A period's dates as people read them: the end is exclusive, so the last day is the day before. */
export function periodRange(start: string, end: string): string {
  return `${formatDate(start)} – ${formatDate(new Date(new Date(end).getTime() - 1).toISOString())}`;
}

export function InvoiceHistory({ orgId }: { orgId: string }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const invoices = useQuery(invoicesQuery(orgId, cursors.at(-1)));
  if (invoices.isPending) return <LoadingState label="Loading invoices…" />;
  if (invoices.isError) return <ErrorState error={invoices.error} onRetry={() => void invoices.refetch()} title="Could not load invoices" />;
  if (invoices.data.items.length === 0 && cursors.length === 1) {
    return (
      <EmptyState icon={ReceiptText} title="No invoices yet">
        Your first invoice appears here when the current billing period ends.
      </EmptyState>
    );
  }
  return (
    <>
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <caption className="sr-only">Invoices</caption>
          <thead className="text-left text-xs font-medium text-zinc-500">
            <tr className="border-b border-zinc-100">
              <th scope="col" className="px-5 py-2.5 font-medium">
                Number
              </th>
              <th scope="col" className="px-3 py-2.5 font-medium">
                Period
              </th>
              <th scope="col" className="px-3 py-2.5 text-right font-medium">
                Total
              </th>
              <th scope="col" className="px-3 py-2.5 font-medium">
                Status
              </th>
              <th scope="col" className="px-5 py-2.5 text-right font-medium">
                <span className="sr-only">Receipt</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {invoices.data.items.map((invoice) => (
              <tr key={invoice.id}>
                <td className="px-5 py-3 font-mono text-xs whitespace-nowrap text-zinc-900">{invoice.number}</td>
                <td className="px-3 py-3 whitespace-nowrap text-zinc-600">{periodRange(invoice.periodStart, invoice.periodEnd)}</td>
                <td className="px-3 py-3 text-right font-medium whitespace-nowrap text-zinc-900 tabular-nums">
                  {formatMoney(invoice.totalCents, invoice.currency)}
                </td>
                <td className="px-3 py-3">
                  <InvoiceStatusBadge status={invoice.status} />
                </td>
                <td className="px-5 py-3 text-right whitespace-nowrap">
                  <Link
                    to="/orgs/$orgId/billing/invoices/$invoiceId"
                    params={{ orgId, invoiceId: invoice.id }}
                    className="font-medium text-indigo-600 hover:text-indigo-800"
                    aria-label={`Receipt for invoice ${invoice.number}`}
                  >
                    View receipt
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {(cursors.length > 1 || invoices.data.nextCursor) && (
        <CursorPager
          page={cursors.length}
          onPrevious={cursors.length > 1 ? () => setCursors(cursors.slice(0, -1)) : undefined}
          onNext={invoices.data.nextCursor ? () => setCursors([...cursors, invoices.data.nextCursor ?? undefined]) : undefined}
        />
      )}
    </>
  );
}
