// Prices in minor units (cents) ↔ what people type and read ("12.50", "$12.50").

/** How many decimals a currency has: 2 for USD and EUR, 0 for JPY. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** The currency's symbol ("$", "€"), or its code when the browser knows none. */
export function currencySymbol(currency: string): string {
  try {
    const parts = new Intl.NumberFormat(undefined, { style: "currency", currency, currencyDisplay: "narrowSymbol" }).formatToParts(0);
    return parts.find((part) => part.type === "currency")?.value ?? currency;
  } catch {
    return currency;
  }
}

export function formatMoney(cents: number, currency: string): string {
  const digits = currencyDigits(currency);
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(cents / 10 ** digits);
  } catch {
    return `${(cents / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

/** "12.5", "12,50", "$ 1,299.00" → minor units; null when it is not an amount. Negative amounts allow a leading "-". */
export function parseMoney(text: string, currency: string, { allowNegative = false } = {}): number | null {
  let cleaned = text.trim().replace(/[\s$€£¥]/g, "");
  if (cleaned === "") return null;
  const negative = cleaned.startsWith("-");
  if (negative) {
    if (!allowNegative) return null;
    cleaned = cleaned.slice(1);
  } else if (cleaned.startsWith("+")) cleaned = cleaned.slice(1);
  // A lone comma followed by one or two digits is a decimal comma ("12,50"); other commas group thousands.
  if (/^\d+,\d{1,2}$/.test(cleaned)) cleaned = cleaned.replace(",", ".");
  else cleaned = cleaned.replaceAll(",", "");
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
  const digits = currencyDigits(currency);
  const [whole = "0", fraction = ""] = cleaned.split(".");
  if (fraction.length > digits) return null;
  const cents = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  if (!Number.isSafeInteger(cents)) return null;
  return negative ? -cents : cents;
}

/** Minor units → the text an input shows ("12.50"). */
export function centsToInput(cents: number, currency: string): string {
  const digits = currencyDigits(currency);
  return (cents / 10 ** digits).toFixed(digits);
}
