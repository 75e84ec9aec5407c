// Invoices: the platform's own, issued once per organization and period in manual billing mode
// (a plan line and overage lines, tax-free by default), numbered from one platform-wide sequence;
// and reading them (cursor list, detail with lines and who the receipt is made out to).
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { withTenant } from "../../db/transaction.js";
import { Invalid, NotFound } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import type { Plan } from "../plans/service.js";
import type { BillingPeriod } from "./account.js";
import { overageMinutesOf } from "./limits.js";
import type { InvoiceBillTo, InvoiceStatus } from "./schema.js";

export const INVOICE_CURRENCY = "usd";

export type InvoiceLineInput = { kind: "plan" | "overage"; description: string; quantity: number; unitCents: number };

type PeriodTotals = { overageCalls: number; overageSeconds: number };

function formatDay(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "short", day: "numeric" }).format(date);
}

/** The lines of a period's invoice: the plan's price, then priced overage. Empty when nothing is owed. */
export function invoiceLinesFor(plan: Plan, period: BillingPeriod, totals: PeriodTotals, timeZone: string): InvoiceLineInput[] {
  const lines: InvoiceLineInput[] = [];
  // The period's last day is the day before its (exclusive) end.
  const range = `${formatDay(period.start, timeZone)} – ${formatDay(new Date(period.end.getTime() - 1), timeZone)}`;
  if (plan.priceCents !== null && plan.priceCents > 0) {
    lines.push({ kind: "plan", description: `${plan.name} plan, ${range}`, quantity: 1, unitCents: plan.priceCents });
  }
  if (totals.overageCalls > 0 && plan.overageCallCents !== null && plan.overageCallCents > 0) {
    lines.push({
      kind: "overage",
      description: `Calls beyond the ${plan.callsPerMonth?.toLocaleString("en-US") ?? ""} included`.replace("  ", " "),
      quantity: totals.overageCalls,
      unitCents: plan.overageCallCents,
    });
  }
  const overageMinutes = overageMinutesOf(totals.overageSeconds);
  if (overageMinutes > 0 && plan.overageMinuteCents !== null && plan.overageMinuteCents > 0) {
    lines.push({
      kind: "overage",
      description: `Minutes beyond the ${plan.minutesPerMonth?.toLocaleString("en-US") ?? ""} included`.replace("  ", " "),
      quantity: overageMinutes,
      unitCents: plan.overageMinuteCents,
    });
  }
  return lines;
}

export function invoiceNumber(sequence: number, issuedAt: Date): string {
  return `SB-${issuedAt.getUTCFullYear()}-${String(sequence).padStart(6, "0")}`;
}

/**
 * Issues the manual invoice of one period, once: returns the existing invoice's id if the period
 * already has one. The caller holds the billing account's lock, so the existence check and the
 * insert cannot race and the number sequence is only drawn for an invoice that is written.
 */
export async function issueManualInvoice(
  tx: Db,
  input: { organizationId: string; plan: Plan; period: BillingPeriod; lines: InvoiceLineInput[]; billTo: InvoiceBillTo; issuedAt: Date },
): Promise<{ id: string; created: boolean }> {
  const existing = await tx.$client.query<{ id: string }>("SELECT id FROM invoices WHERE organization_id = $1 AND source = 'manual' AND period_start = $2", [
    input.organizationId,
    input.period.start,
  ]);
  if (existing.rows[0]) return { id: existing.rows[0].id, created: false };
  const id = newId("ivc");
  const { rows } = await tx.$client.query<{ n: string }>("SELECT nextval('invoice_number_seq')::text AS n");
  const number = invoiceNumber(Number(rows[0]!.n), input.issuedAt);
  const amounts = input.lines.map((line) => line.quantity * line.unitCents);
  const subtotal = amounts.reduce((sum, amount) => sum + amount, 0);
  const tax = 0;
  await tx.$client.query(
    `INSERT INTO invoices (organization_id, id, number, source, status, period_start, period_end, plan_id, currency, subtotal_cents, tax_cents, total_cents,
       bill_to, issued_at, created_at, updated_at)
     VALUES ($1, $2, $3, 'manual', 'open', $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $12)`,
    [
      input.organizationId,
      id,
      number,
      input.period.start,
      input.period.end,
      input.plan.id,
      INVOICE_CURRENCY,
      subtotal,
      tax,
      subtotal + tax,
      JSON.stringify(input.billTo),
      input.issuedAt,
    ],
  );
  await tx.$client.query(
    `INSERT INTO invoice_lines (organization_id, invoice_id, position, kind, description, quantity, unit_cents, amount_cents)
     SELECT $1, $2, l.position, l.kind, l.description, l.quantity, l.unit_cents, l.amount_cents
     FROM unnest($3::int[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[]) AS l(position, kind, description, quantity, unit_cents, amount_cents)`,
    [
      input.organizationId,
      id,
      input.lines.map((_, index) => index + 1),
      input.lines.map((line) => line.kind),
      input.lines.map((line) => line.description),
      input.lines.map((line) => line.quantity),
      input.lines.map((line) => line.unitCents),
      amounts,
    ],
  );
  return { id, created: true };
}

export type InvoiceSummary = {
  id: string;
  number: string;
  status: InvoiceStatus;
  source: "manual" | "stripe";
  periodStart: string;
  periodEnd: string;
  currency: string;
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  issuedAt: string;
  paidAt: string | null;
  voidedAt: string | null;
  hostedInvoiceUrl: string | null;
  invoicePdfUrl: string | null;
};

export type InvoiceDetail = InvoiceSummary & {
  planId: string | null;
  lines: { position: number; kind: "plan" | "overage"; description: string; quantity: number; unitCents: number; amountCents: number }[];
  billTo: InvoiceBillTo;
  organization: { id: string; name: string };
};

type InvoiceRow = {
  id: string;
  number: string;
  status: InvoiceStatus;
  source: "manual" | "stripe";
  period_start: Date;
  period_end: Date;
  currency: string;
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
  issued_at: Date;
  paid_at: Date | null;
  voided_at: Date | null;
  hosted_invoice_url: string | null;
  invoice_pdf_url: string | null;
};

const INVOICE_COLUMN_NAMES = [
  "id",
  "number",
  "status",
  "source",
  "period_start",
  "period_end",
  "currency",
  "subtotal_cents",
  "tax_cents",
  "total_cents",
  "issued_at",
  "paid_at",
  "voided_at",
  "hosted_invoice_url",
  "invoice_pdf_url",
];
const INVOICE_COLUMNS = INVOICE_COLUMN_NAMES.join(", ");
const INVOICE_COLUMNS_OF_I = INVOICE_COLUMN_NAMES.map((column) => `i.${column}`).join(", ");

function toSummary(row: InvoiceRow): InvoiceSummary {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    source: row.source,
    periodStart: row.period_start.toISOString(),
    periodEnd: row.period_end.toISOString(),
    currency: row.currency,
    subtotalCents: row.subtotal_cents,
    taxCents: row.tax_cents,
    totalCents: row.total_cents,
    issuedAt: row.issued_at.toISOString(),
    paidAt: row.paid_at?.toISOString() ?? null,
    voidedAt: row.voided_at?.toISOString() ?? null,
    hostedInvoiceUrl: row.hosted_invoice_url,
    invoicePdfUrl: row.invoice_pdf_url,
  };
}

type Cursor = { issuedAt: string; id: string };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.issuedAt, cursor.id])).toString("base64url");
}

function decodeCursor(value: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [issuedAt, id] = parsed;
      if (typeof issuedAt === "string" && typeof id === "string" && !Number.isNaN(Date.parse(issuedAt)) && id.length <= 64) return { issuedAt, id };
    }
  } catch {}
  throw new Invalid("VALIDATION_FAILED", "The cursor is not one this API returned.", [
    { path: "query.cursor", message: "Use nextCursor from a previous page." },
  ]);
}

/** Newest first; invoices_org_issued_idx serves the order and the cursor. */
export async function listInvoices(
  ctx: AppContext,
  access: OrgAccess,
  page: { limit: number; cursor?: string },
): Promise<{ items: InvoiceSummary[]; nextCursor: string | null }> {
  const cursor = page.cursor ? decodeCursor(page.cursor) : null;
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    const { rows } = await tx.$client.query<InvoiceRow & { issued_at_text: string }>(
      `SELECT ${INVOICE_COLUMNS}, issued_at::text AS issued_at_text FROM invoices
       WHERE organization_id = $1 AND ($2::timestamptz IS NULL OR (issued_at, id) < ($2::timestamptz, $3::text))
       ORDER BY issued_at DESC, id DESC LIMIT $4`,
      [access.organizationId, cursor?.issuedAt ?? null, cursor?.id ?? "", page.limit + 1],
    );
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map(toSummary),
      nextCursor: rows.length > page.limit && last ? encodeCursor({ issuedAt: last.issued_at_text, id: last.id }) : null,
    };
  });
}

export async function getInvoice(ctx: AppContext, access: OrgAccess, invoiceId: string): Promise<InvoiceDetail> {
  return withTenant(ctx.db, access.organizationId, async (tx) => {
    const { rows } = await tx.$client.query<InvoiceRow & { plan_id: string | null; bill_to: InvoiceBillTo; organization_name: string }>(
      `SELECT ${INVOICE_COLUMNS_OF_I}, i.plan_id, i.bill_to, o.name AS organization_name
       FROM invoices i JOIN organizations o ON o.id = i.organization_id
       WHERE i.organization_id = $1 AND i.id = $2`,
      [access.organizationId, invoiceId],
    );
    const row = rows[0];
    if (!row) throw new NotFound("Invoice");
    const lines = await tx.$client.query<{
      position: number;
      kind: "plan" | "overage";
      description: string;
      quantity: number;
      unit_cents: number;
      amount_cents: number;
    }>(
      "SELECT position, kind, description, quantity, unit_cents, amount_cents FROM invoice_lines WHERE organization_id = $1 AND invoice_id = $2 ORDER BY position",
      [access.organizationId, invoiceId],
    );
    return {
      ...toSummary(row),
      planId: row.plan_id,
      billTo: row.bill_to,
      organization: { id: access.organizationId, name: row.organization_name },
      lines: lines.rows.map((line) => ({
        position: line.position,
        kind: line.kind,
        description: line.description,
        quantity: line.quantity,
        unitCents: line.unit_cents,
        amountCents: line.amount_cents,
      })),
    };
  });
}
