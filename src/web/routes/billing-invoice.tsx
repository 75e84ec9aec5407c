// One invoice as a printable receipt: who it is from (Switchboard) and to (as it was when issued),
// its period, line items and totals, with a Print button. Rendered without the app's sidebar so the
// page prints as the document itself; the buttons are left out of the printout.
import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { ArrowLeft, ExternalLink, Printer, ReceiptText } from "lucide-react";
import { type Invoice, invoiceQuery } from "../api/billing";
import { ApiProblem } from "../api/problem";
import { InvoiceStatusBadge, periodRange } from "../components/billing/invoice-history";
import { Button, buttonClasses } from "../components/button";
import { Logo } from "../components/logo";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { formatDate } from "../lib/dates";
import { formatMoney } from "../lib/money";

const route = getRouteApi("/orgs/$orgId/billing/invoices/$invoiceId");

function addressLines(address: Invoice["billTo"]["address"]): string[] {
  const cityLine = [address.postalCode, address.city, address.region].filter(Boolean).join(" ");
  return [address.line1, address.line2, cityLine, address.country].filter((line): line is string => Boolean(line));
}

function Receipt({ invoice }: { invoice: Invoice }) {
  const money = (cents: number) => formatMoney(cents, invoice.currency);
  const title = invoice.status === "paid" ? "Receipt" : "Invoice";
  return (
    <article aria-labelledby="receipt-title" className="rounded-xl bg-white p-8 shadow-xs ring-1 ring-zinc-200 print:p-0 print:shadow-none print:ring-0">
      <header className="flex flex-col gap-6 border-b border-zinc-200 pb-6 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <Logo className="text-lg" />
          <p className="mt-3 text-sm text-zinc-500">AI phone receptionists</p>
          <p className="text-sm text-zinc-500">{window.location.host}</p>
        </div>
        <div className="sm:text-right">
          <h1 id="receipt-title" className="text-2xl font-semibold tracking-tight text-zinc-900">
            {title} {invoice.number}
          </h1>
          <div className="mt-2">
            <InvoiceStatusBadge status={invoice.status} />
          </div>
        </div>
      </header>

      <div className="grid gap-6 border-b border-zinc-200 py-6 text-sm sm:grid-cols-3">
        <section aria-labelledby="bill-to">
          <h2 id="bill-to" className="text-xs font-medium tracking-wide text-zinc-500 uppercase">
            Billed to
          </h2>
          <p className="mt-1 font-medium text-zinc-900">{invoice.billTo.name}</p>
          {invoice.billTo.email && <p className="text-zinc-600">{invoice.billTo.email}</p>}
          {addressLines(invoice.billTo.address).map((line) => (
            <p key={line} className="text-zinc-600">
              {line}
            </p>
          ))}
          <p className="mt-1 text-xs text-zinc-500">
            {invoice.organization.name !== invoice.billTo.name && <>{invoice.organization.name} · </>}
            Account <span className="font-mono">{invoice.organization.id}</span>
          </p>
        </section>
        <dl className="space-y-2">
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Issued</dt>
            <dd className="text-zinc-900">{formatDate(invoice.issuedAt)}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Billing period</dt>
            <dd className="text-zinc-900">{periodRange(invoice.periodStart, invoice.periodEnd)}</dd>
          </div>
        </dl>
        <dl className="space-y-2">
          {invoice.paidAt && (
            <div>
              <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Paid</dt>
              <dd className="text-zinc-900">{formatDate(invoice.paidAt)}</dd>
            </div>
          )}
          {invoice.voidedAt && (
            <div>
              <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Voided</dt>
              <dd className="text-zinc-900">{formatDate(invoice.voidedAt)}</dd>
            </div>
          )}
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{invoice.status === "paid" ? "Amount paid" : "Amount due"}</dt>
            <dd className="text-lg font-semibold text-zinc-900 tabular-nums">{invoice.status === "void" ? money(0) : money(invoice.totalCents)}</dd>
          </div>
        </dl>
      </div>

      <table className="mt-6 w-full text-sm">
        <caption className="sr-only">Line items</caption>
        <thead className="text-left text-xs font-medium text-zinc-500">
          <tr className="border-b border-zinc-200">
            <th scope="col" className="py-2 pr-3 font-medium">
              Description
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Quantity
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Unit price
            </th>
            <th scope="col" className="py-2 pl-3 text-right font-medium">
              Amount
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {invoice.lines.map((line) => (
            <tr key={line.position}>
              <td className="py-3 pr-3 text-zinc-900">{line.description}</td>
              <td className="px-3 py-3 text-right text-zinc-600 tabular-nums">{line.quantity.toLocaleString()}</td>
              <td className="px-3 py-3 text-right text-zinc-600 tabular-nums">{money(line.unitCents)}</td>
              <td className="py-3 pl-3 text-right font-medium text-zinc-900 tabular-nums">{money(line.amountCents)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot className="text-sm">
          <tr className="border-t border-zinc-200">
            <th scope="row" colSpan={3} className="pt-4 pr-3 text-right font-normal text-zinc-600">
              Subtotal
            </th>
            <td className="pt-4 pl-3 text-right text-zinc-900 tabular-nums">{money(invoice.subtotalCents)}</td>
          </tr>
          <tr>
            <th scope="row" colSpan={3} className="pt-1 pr-3 text-right font-normal text-zinc-600">
              Tax
            </th>
            <td className="pt-1 pl-3 text-right text-zinc-900 tabular-nums">{money(invoice.taxCents)}</td>
          </tr>
          <tr>
            <th scope="row" colSpan={3} className="pt-2 pr-3 text-right font-semibold text-zinc-900">
              Total
            </th>
            <td className="pt-2 pl-3 text-right text-base font-semibold text-zinc-900 tabular-nums">{money(invoice.totalCents)}</td>
          </tr>
        </tfoot>
      </table>

      <footer className="mt-10 border-t border-zinc-200 pt-4 text-xs text-zinc-500">
        {invoice.source === "stripe" ? "Charged through Stripe. " : "Issued by Switchboard. "}
        Amounts in {invoice.currency.toUpperCase()}. Please quote {invoice.number} in any question about this {title.toLowerCase()}.
      </footer>
    </article>
  );
}

export function BillingInvoicePage() {
  const { orgId, invoiceId } = route.useParams();
  const invoice = useQuery(invoiceQuery(orgId, invoiceId));
  return (
    <div className="min-h-dvh bg-zinc-50 print:bg-white">
      <main className="mx-auto max-w-3xl px-4 py-8 sm:px-6 print:max-w-none print:p-0">
        <nav aria-label="Receipt actions" className="mb-6 flex flex-wrap items-center justify-between gap-3 print:hidden">
          <Link to="/orgs/$orgId/billing" params={{ orgId }} className={buttonClasses("ghost", "sm")}>
            <ArrowLeft aria-hidden className="size-4" />
            Back to billing
          </Link>
          {invoice.data && (
            <div className="flex gap-2">
              {invoice.data.hostedInvoiceUrl && (
                <a href={invoice.data.hostedInvoiceUrl} target="_blank" rel="noreferrer" className={buttonClasses("secondary", "sm")}>
                  <ExternalLink aria-hidden className="size-4" />
                  Open in Stripe
                </a>
              )}
              <Button size="sm" onClick={() => window.print()}>
                <Printer aria-hidden className="size-4" />
                Print
              </Button>
            </div>
          )}
        </nav>
        {invoice.isPending ? (
          <LoadingState label="Loading the invoice…" />
        ) : invoice.isError ? (
          invoice.error instanceof ApiProblem && invoice.error.status === 404 ? (
            <EmptyState icon={ReceiptText} title="Invoice not found">
              It does not exist in this organization, or you no longer have access to its billing.
            </EmptyState>
          ) : (
            <ErrorState error={invoice.error} onRetry={() => void invoice.refetch()} title="Could not load the invoice" />
          )
        ) : (
          <Receipt invoice={invoice.data} />
        )}
      </main>
    </div>
  );
}
