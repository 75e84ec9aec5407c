// Tenant resolution of inbound calls: a dialled number, or a vendor's number id, to its
// organization, number and routing, read on the platform role before any tenant is known. Every
// call asks this, so answers (including "no such number") are cached in-process for a short
// time; provisioning, routing changes and releases in this process clear the cache at once.
import { and, eq, inArray, type SQL } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import { withPlatform } from "../../db/transaction.js";
import { type PhoneProvider, phoneNumberDirectory, phoneNumbers, type Routing } from "./schema.js";

/** Another instance's change is seen after at most this long. */
export const NUMBER_CACHE_TTL_MS = 30_000;
const NUMBER_CACHE_MAX_ENTRIES = 10_000;

export type ResolvedNumber = {
  organizationId: string;
  phoneNumberId: string;
  number: string;
  provider: PhoneProvider;
  providerNumberId: string | null;
  /** Vapi's id for the number (its calls carry it as call.phoneNumberId), or null when Vapi does not know it. */
  vapiPhoneNumberId: string | null;
  /** The customer's own vendor account (provider_credentials id), or null for the platform's. */
  credentialsId: string | null;
  routing: Routing;
};

export type NumberKey = {
  number?: string | null | undefined;
  provider?: PhoneProvider | undefined;
  providerNumberId?: string | null | undefined;
  /** Vapi's phone number id: of a Vapi number, or of a Twilio number imported into Vapi. */
  vapiPhoneNumberId?: string | null | undefined;
};

type CacheEntry = { value: ResolvedNumber | null; expiresAtMs: number };

// One cache per platform (tests run several in one process), not a module-level singleton.
const caches = new WeakMap<AppContext, Map<string, CacheEntry>>();

function cacheOf(ctx: AppContext): Map<string, CacheEntry> {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new Map();
    caches.set(ctx, cache);
  }
  return cache;
}

/** Called after any change to a number or the directory in this process. */
export function forgetResolvedNumbers(ctx: AppContext): void {
  caches.get(ctx)?.clear();
}

function cacheKeyOf(key: NumberKey): string | null {
  if (key.vapiPhoneNumberId) return `vapi:${key.vapiPhoneNumberId}`;
  if (key.provider && key.providerNumberId) return `id:${key.provider}:${key.providerNumberId}`;
  if (key.number) return `number:${key.number}`;
  return null;
}

/** The live number behind a dialled number or a vendor's number id (an id wins over the number), or null. */
export async function resolveNumber(ctx: AppContext, key: NumberKey): Promise<ResolvedNumber | null> {
  const cacheKey = cacheKeyOf(key);
  if (!cacheKey) return null;
  const cache = cacheOf(ctx);
  const nowMs = ctx.clock.now().getTime();
  const cached = cache.get(cacheKey);
  if (cached && cached.expiresAtMs > nowMs) return cached.value;

  const match: SQL | undefined = key.vapiPhoneNumberId
    ? eq(phoneNumberDirectory.vapiPhoneNumberId, key.vapiPhoneNumberId)
    : key.provider && key.providerNumberId
      ? and(eq(phoneNumberDirectory.provider, key.provider), eq(phoneNumberDirectory.providerNumberId, key.providerNumberId))
      : eq(phoneNumberDirectory.number, key.number as string);
  const [row] = await withPlatform(ctx.db, (tx) =>
    tx
      .select({
        organizationId: phoneNumbers.organizationId,
        phoneNumberId: phoneNumbers.id,
        number: phoneNumbers.number,
        provider: phoneNumbers.provider,
        providerNumberId: phoneNumbers.providerNumberId,
        vapiPhoneNumberId: phoneNumbers.vapiPhoneNumberId,
        credentialsId: phoneNumbers.credentialsId,
        routing: phoneNumbers.routing,
      })
      .from(phoneNumberDirectory)
      .innerJoin(
        phoneNumbers,
        and(eq(phoneNumbers.organizationId, phoneNumberDirectory.organizationId), eq(phoneNumbers.id, phoneNumberDirectory.phoneNumberId)),
      )
      .where(and(match, eq(phoneNumbers.status, "active")))
      .limit(1),
  );
  const value = row ?? null;
  if (cache.size >= NUMBER_CACHE_MAX_ENTRIES) cache.clear();
  cache.set(cacheKey, { value, expiresAtMs: nowMs + NUMBER_CACHE_TTL_MS });
  return value;
}

/** True when the number (E.164) is one of the platform's own: a transfer there would loop back to us. */
export async function isPlatformNumber(ctx: AppContext, e164: string): Promise<boolean> {
  return (await resolveNumber(ctx, { number: e164 })) !== null;
}

/** Which of these numbers are in the directory (any organization). */
export async function numbersInDirectory(ctx: AppContext, numbers: string[]): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  const rows = await withPlatform(ctx.db, (tx) =>
    tx.select({ number: phoneNumberDirectory.number }).from(phoneNumberDirectory).where(inArray(phoneNumberDirectory.number, numbers)),
  );
  return new Set(rows.map((r) => r.number));
}
