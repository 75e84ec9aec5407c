// Authenticates a request to the Vapi server URL with any scheme Vapi offers: a bearer-token
// credential, the legacy X-Vapi-Secret header, or an HMAC signature over "{timestamp}.{body}".
// Every comparison is constant-time. The sandbox provider authenticates with a secret derived from
// the platform's key, which only ever admits calls to sandbox numbers (see the route).
import { createHmac, timingSafeEqual } from "node:crypto";

/** A signed request older (or newer) than this is refused: a captured request cannot be replayed later. */
export const HMAC_TOLERANCE_SECONDS = 5 * 60;

/**
 * Header names for the HMAC scheme. Vapi's HMAC credential lets the account choose them; ours are
 * X-Vapi-Signature / X-Vapi-Timestamp, and Vapi's defaults (x-signature / x-timestamp) work too.
 */
const SIGNATURE_HEADERS = ["x-vapi-signature", "x-signature"] as const;
const TIMESTAMP_HEADERS = ["x-vapi-timestamp", "x-timestamp"] as const;

export type WebhookSecrets = {
  /** VAPI_WEBHOOK_SECRET: the bearer token or the legacy X-Vapi-Secret value. */
  sharedSecret: string | undefined;
  /** VAPI_WEBHOOK_HMAC_SECRET. */
  hmacSecret: string | undefined;
  /** Derived from APP_SECRET; admits only sandbox numbers. */
  sandboxSecret: string;
};

export type AuthOutcome =
  | { ok: true; scheme: "bearer" | "x-vapi-secret" | "hmac"; sandboxOnly: boolean }
  | { ok: false; reason: "missing_credentials" | "wrong_secret" | "bad_signature" | "stale_timestamp" };

/** The sandbox call driver's credential: stable across instances and processes sharing APP_SECRET. */
export function sandboxWebhookSecret(accessTokenKey: Uint8Array): string {
  return createHmac("sha256", accessTokenKey).update("switchboard:sandbox-webhook:v1").digest("base64url");
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  // timingSafeEqual needs equal lengths; compare against itself so the time does not depend on where they differ.
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

function firstHeader(headers: Headers, names: readonly string[]): string | null {
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null && value !== "") return value;
  }
  return null;
}

/** Seconds or milliseconds since the epoch (Vapi's HMAC plan does not say which), or an ISO instant. */
function timestampSeconds(raw: string): number | null {
  if (/^\d{1,16}$/.test(raw)) {
    const value = Number(raw);
    return value > 1e12 ? value / 1000 : value;
  }
  const parsed = Date.parse(raw);
  return Number.isNaN(parsed) ? null : parsed / 1000;
}

function verifyHmac(headers: Headers, rawBody: string, secret: string, nowMs: number): AuthOutcome | null {
  const signatureHeader = firstHeader(headers, SIGNATURE_HEADERS);
  if (signatureHeader === null) return null;
  const timestamp = firstHeader(headers, TIMESTAMP_HEADERS);
  const seconds = timestamp === null ? null : timestampSeconds(timestamp);
  if (timestamp === null || seconds === null) return { ok: false, reason: "bad_signature" };
  const digest = createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest();
  // "sha256=" (GitHub style) is an optional prefix; hex is Vapi's default encoding, base64 its other one.
  const presented = signatureHeader.trim().replace(/^sha256=/i, "");
  const matches = constantTimeEqual(presented.toLowerCase(), digest.toString("hex")) || constantTimeEqual(presented, digest.toString("base64"));
  if (!matches) return { ok: false, reason: "bad_signature" };
  if (Math.abs(nowMs / 1000 - seconds) > HMAC_TOLERANCE_SECONDS) return { ok: false, reason: "stale_timestamp" };
  return { ok: true, scheme: "hmac", sandboxOnly: false };
}

function matchSecret(presented: string, secrets: WebhookSecrets): { sandboxOnly: boolean } | null {
  // Both comparisons always run, so timing does not reveal which secret was close.
  const shared = secrets.sharedSecret !== undefined && constantTimeEqual(presented, secrets.sharedSecret);
  const sandbox = constantTimeEqual(presented, secrets.sandboxSecret);
  if (shared) return { sandboxOnly: false };
  if (sandbox) return { sandboxOnly: true };
  return null;
}

export function authenticateVapiRequest(headers: Headers, rawBody: string, secrets: WebhookSecrets, nowMs: number): AuthOutcome {
  if (secrets.hmacSecret !== undefined) {
    const hmac = verifyHmac(headers, rawBody, secrets.hmacSecret, nowMs);
    if (hmac !== null) return hmac;
  }
  const authorization = headers.get("authorization");
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer) {
    const match = matchSecret(bearer, secrets);
    return match ? { ok: true, scheme: "bearer", sandboxOnly: match.sandboxOnly } : { ok: false, reason: "wrong_secret" };
  }
  const legacy = headers.get("x-vapi-secret");
  if (legacy) {
    const match = matchSecret(legacy, secrets);
    return match ? { ok: true, scheme: "x-vapi-secret", sandboxOnly: match.sandboxOnly } : { ok: false, reason: "wrong_secret" };
  }
  return { ok: false, reason: firstHeader(headers, SIGNATURE_HEADERS) !== null ? "bad_signature" : "missing_credentials" };
}
