// The Stripe SDK as the platform uses it (official `stripe` package), and the translation of its
// failures into clear problems: Stripe down or failing is 502, Stripe too slow or unreachable is
// 503, a refused request (our configuration, e.g. a wrong price id) is 502 too,
// since the user can do nothing about it. Never a 500, and never the secret key in a message.
import Stripe from "stripe";
import type { Config } from "../../../config.js";
import type { AppContext } from "../../../context.js";
import { Conflict, DomainError } from "../../../errors.js";

/** How long one Stripe request may take before it fails (the SDK's own retries are off: the job queue retries). */
export const STRIPE_REQUEST_TIMEOUT_MS = 8_000;

export type StripeConfig = NonNullable<Config["stripe"]>;

const clients = new WeakMap<StripeConfig, Stripe>();

/** One SDK client per configuration; STRIPE_API_BASE_URL moves it to another host (tests: the stand-in). */
export function stripeClient(config: StripeConfig): Stripe {
  let client = clients.get(config);
  if (!client) {
    const base = config.apiBaseUrl ? new URL(config.apiBaseUrl) : null;
    const protocol = base?.protocol === "http:" ? "http" : "https";
    client = new Stripe(config.secretKey, {
      maxNetworkRetries: 0,
      timeout: STRIPE_REQUEST_TIMEOUT_MS,
      telemetry: false,
      appInfo: { name: "Switchboard" },
      ...(base ? { host: base.hostname, port: base.port || (protocol === "http" ? 80 : 443), protocol } : {}),
    });
    clients.set(config, client);
  }
  return client;
}

/** Stripe billing is configured; otherwise the platform is in manual billing mode. */
export function requireStripe(ctx: AppContext): { stripe: Stripe; config: StripeConfig } {
  const config = ctx.config.stripe;
  if (!config) {
    throw new Conflict(
      "BILLING_MANUAL_MODE",
      "Online payments are not enabled on this platform: plans are assigned by the platform's administrators, who issue the invoices.",
    );
  }
  return { stripe: stripeClient(config), config };
}

/** Stripe answered with a server error or refused a request it should have accepted. */
export class StripeUnavailable extends DomainError {
  readonly status = 502;
  readonly title = "Payment provider unavailable";
  constructor(detail = "Stripe, our payment provider, could not complete the request; nothing was charged. Try again in a minute.") {
    super("VENDOR_UNAVAILABLE", detail, { vendor: "stripe" });
  }
}

/** Stripe did not answer in time or could not be reached. */
export class StripeTimedOut extends DomainError {
  readonly status = 503;
  readonly title = "Payment provider not answering";
  constructor() {
    super("VENDOR_TIMEOUT", "Stripe, our payment provider, did not answer in time; nothing was charged. Try again in a minute.", {
      vendor: "stripe",
    });
  }
}

/** True for failures worth retrying later (connection problems, timeouts, 5xx, 429). */
export function isTransientStripeError(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeError)) return false;
  if (error instanceof Stripe.errors.StripeConnectionError) return true;
  const status = error.statusCode ?? 0;
  return status >= 500 || status === 429 || status === 409;
}

/** Runs one Stripe call on a request's path: failures become StripeTimedOut / StripeUnavailable. */
export async function callStripe<T>(ctx: AppContext, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    if (error instanceof Stripe.errors.StripeConnectionError) {
      ctx.logger.warn({ err: { message: error.message, type: error.type }, what }, "Stripe did not answer");
      throw new StripeTimedOut();
    }
    if (error instanceof Stripe.errors.StripeError) {
      // A 4xx here means our configuration is wrong (a price, a key): log it for the operator.
      const level = (error.statusCode ?? 500) >= 500 ? "warn" : "error";
      ctx.logger[level](
        { err: { message: error.message, type: error.type, code: error.code, statusCode: error.statusCode }, what },
        "Stripe refused a request",
      );
      throw new StripeUnavailable();
    }
    throw error;
  }
}
