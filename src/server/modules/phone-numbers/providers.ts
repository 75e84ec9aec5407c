// The one interface every phone number vendor is reached through (sandbox, Twilio, Vapi), and the
// translation of vendor failures into clear problems: a vendor that refuses a request is 422
// VENDOR_REJECTED, one that is down or slow is 502 VENDOR_UNAVAILABLE, never a 500.
import { DomainError } from "../../errors.js";
import type { PhoneProvider } from "./schema.js";

/** How long one vendor call may take before the request fails with VENDOR_UNAVAILABLE. */
export const VENDOR_TIMEOUT_MS = 10_000;

export type AvailableNumber = { number: string; locality: string | null; region: string | null; country: string };

export type NumberSearch = { country: string; areaCode?: string | undefined; limit: number };

export type ProvisionRequest = {
  /** A number from search (E.164); or leave it out and give an area code. */
  number?: string | undefined;
  areaCode?: string | undefined;
  country: string;
  label?: string | undefined;
};

export type ProvisionedNumber = {
  number: string;
  providerNumberId: string | null;
  /** Vapi's id for the number when the provider itself put it into Vapi (Vapi numbers). */
  vapiPhoneNumberId?: string | null;
};

export interface NumberProvider {
  readonly name: PhoneProvider;
  search(query: NumberSearch): Promise<AvailableNumber[]>;
  provision(request: ProvisionRequest): Promise<ProvisionedNumber>;
  release(number: ProvisionedNumber): Promise<void>;
}

/** A Twilio account: the platform's (from configuration) or a customer's own (decrypted from provider_credentials). */
export type TwilioAccount = { accountSid: string; authToken: string };

/** The vendor did not answer in time, or answered with a server error. */
export class VendorUnavailable extends DomainError {
  readonly status = 502;
  readonly title = "Vendor unavailable";
  constructor(vendor: string, detail?: string) {
    super("VENDOR_UNAVAILABLE", detail ?? `${vendor} did not answer as expected; nothing was changed. Try again in a minute.`, { vendor });
  }
}

/** The vendor refused the request (e.g. the number was taken meanwhile, or the account's credentials are wrong). */
export class VendorRejected extends DomainError {
  readonly status = 422;
  readonly title = "Refused by the vendor";
  constructor(
    vendor: string,
    readonly reason: string,
    detail?: string,
  ) {
    super("VENDOR_REJECTED", (detail ?? `${vendor} refused the request: ${reason}`).slice(0, 500), { vendor });
  }
}

function statusOf(error: unknown): number | undefined {
  if (!error || typeof error !== "object") return undefined;
  const candidate = error as { status?: unknown; statusCode?: unknown };
  const status = candidate.status ?? candidate.statusCode;
  return typeof status === "number" ? status : undefined;
}

/** Runs one vendor call; a 4xx answer becomes VendorRejected, anything else that fails VendorUnavailable. */
export async function callVendor<T>(vendor: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const status = statusOf(error);
    if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
      const message = error instanceof Error ? error.message.split("\n")[0] || `HTTP ${status}` : `HTTP ${status}`;
      throw new VendorRejected(vendor, message);
    }
    throw Object.assign(new VendorUnavailable(vendor), { cause: error });
  }
}
