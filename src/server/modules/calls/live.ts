// Live call events across app instances: ingestion publishes with pg_notify inside its own
// transaction (so nothing is sent for a rolled-back change), every instance holds one LISTEN
// connection and fans the events out in memory to its SSE subscribers of that organization.
import { sql } from "drizzle-orm";
import { errors, jwtVerify, SignJWT } from "jose";
import pg from "pg";
import type { Logger } from "pino";
import type { Db } from "../../db/client.js";
import { Unauthorized } from "../../errors.js";
import type { CallStatus } from "./schema.js";

export const CALL_EVENTS_CHANNEL = "call_events";
export const CALL_EVENT_TYPES = ["call.started", "call.updated", "call.ended"] as const;
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

/** What a live event says about a call: enough for a live list row, never the transcript. */
export type CallEventSnapshot = {
  id: string;
  status: CallStatus;
  callerNumber: string | null;
  assistantId: string | null;
  phoneNumberId?: string | null;
  startedAt: Date | string;
  endedAt?: Date | string | null;
  durationSeconds?: number | null;
  endedReason?: string | null;
  isTest?: boolean;
};

export type CallEvent = { organizationId: string; type: CallEventType; call: CallEventSnapshot };

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const NOTIFY_PAYLOAD_MAX_BYTES = 7900;
const RECONNECT_DELAY_MS = 1000;

/**
 * Queues a live event in the caller's transaction: PostgreSQL delivers it to every listening
 * instance when (and only if) that transaction commits.
 */
export async function publishCallEvent(tx: Db, event: CallEvent): Promise<void> {
  await tx.execute(sql`SELECT pg_notify(${CALL_EVENTS_CHANNEL}, ${callEventPayload(event)})`);
}

/** The NOTIFY payload of a live event (for publishing many in one statement: pg_notify over unnest). */
export function callEventPayload(event: CallEvent): string {
  const { call } = event;
  const snapshot = {
    id: call.id,
    status: call.status,
    callerNumber: call.callerNumber,
    assistantId: call.assistantId,
    phoneNumberId: call.phoneNumberId ?? null,
    startedAt: new Date(call.startedAt).toISOString(),
    endedAt: call.endedAt ? new Date(call.endedAt).toISOString() : null,
    durationSeconds: call.durationSeconds ?? null,
    endedReason: call.endedReason?.slice(0, 200) ?? null,
    isTest: call.isTest ?? false,
  };
  const payload = JSON.stringify({ organizationId: event.organizationId, type: event.type, call: snapshot });
  if (Buffer.byteLength(payload) > NOTIFY_PAYLOAD_MAX_BYTES) throw new Error(`call event for ${call.id} is too large for NOTIFY`);
  return payload;
}

export type CallEventSubscriber = {
  onEvent: (event: CallEvent) => void;
  /** The hub is shutting down: end the stream (the client reconnects, to another instance). */
  onClose: () => void;
};

export type CallEventHub = {
  /** Connects and LISTENs; resolves once events can be received. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Receives this organization's events only; returns the unsubscribe function. */
  subscribe(organizationId: string, subscriber: CallEventSubscriber): () => void;
  /** Ends every open stream (before the HTTP server closes, which would otherwise wait for them). */
  closeStreams(): void;
  subscriberCount(): number;
};

function parseEvent(payload: string | undefined): CallEvent | null {
  if (!payload) return null;
  try {
    const event = JSON.parse(payload) as CallEvent;
    if (typeof event.organizationId !== "string" || !CALL_EVENT_TYPES.includes(event.type) || typeof event.call?.id !== "string") return null;
    return event;
  } catch {
    return null;
  }
}

/**
 * One dedicated connection (on the owner URL: LISTEN cannot run through the transaction-scoped
 * pools) per instance. A lost connection is re-established after a second; events sent while it
 * was down are missed, which the web app covers by refetching when its stream reconnects.
 */
export function createCallEventHub(options: { databaseUrl: string; logger: Logger }): CallEventHub {
  const { logger } = options;
  const subscribers = new Map<string, Set<CallEventSubscriber>>();
  let client: pg.Client | null = null;
  let stopped = false;
  let reconnectTimer: NodeJS.Timeout | null = null;

  const dispatch = (message: pg.Notification) => {
    if (message.channel !== CALL_EVENTS_CHANNEL) return;
    const event = parseEvent(message.payload);
    if (!event) {
      logger.warn({ channel: message.channel }, "ignored a malformed call event");
      return;
    }
    for (const subscriber of subscribers.get(event.organizationId) ?? []) {
      try {
        subscriber.onEvent(event);
      } catch (error) {
        logger.error({ err: error }, "a call event subscriber failed");
      }
    }
  };

  const scheduleReconnect = () => {
    if (stopped || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect().catch((error: unknown) => {
        logger.warn({ err: error }, "call events: reconnecting failed");
        scheduleReconnect();
      });
    }, RECONNECT_DELAY_MS);
    reconnectTimer.unref();
  };

  const connect = async () => {
    const next = new pg.Client({ connectionString: options.databaseUrl });
    next.on("notification", dispatch);
    next.on("error", (error) => {
      logger.warn({ err: error }, "call events: the LISTEN connection failed");
      if (client === next) client = null;
      next.end().catch(() => {});
      scheduleReconnect();
    });
    next.on("end", () => {
      if (client === next) {
        client = null;
        scheduleReconnect();
      }
    });
    await next.connect();
    await next.query(`LISTEN ${CALL_EVENTS_CHANNEL}`);
    if (stopped) {
      await next.end();
      return;
    }
    client = next;
  };

  const closeStreams = () => {
    const all = [...subscribers.values()].flatMap((set) => [...set]);
    subscribers.clear();
    for (const subscriber of all) subscriber.onClose();
  };

  return {
    start: connect,
    stop: async () => {
      stopped = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      closeStreams();
      const current = client;
      client = null;
      await current?.end();
    },
    closeStreams,
    subscribe: (organizationId, subscriber) => {
      let set = subscribers.get(organizationId);
      if (!set) {
        set = new Set();
        subscribers.set(organizationId, set);
      }
      set.add(subscriber);
      return () => {
        const current = subscribers.get(organizationId);
        current?.delete(subscriber);
        if (current?.size === 0) subscribers.delete(organizationId);
      };
    },
    subscriberCount: () => [...subscribers.values()].reduce((total, set) => total + set.size, 0),
  };
}

// Stream tokens: EventSource cannot send an Authorization header, so the browser first trades its
// access token for a one-minute token bound to one organization, and passes it as ?token=.
export const STREAM_TOKEN_TTL_SECONDS = 60;
const STREAM_TOKEN_ISSUER = "switchboard";
/** Differs from access tokens' audience, so neither kind of token passes for the other. */
const STREAM_TOKEN_AUDIENCE = "switchboard-call-stream";

export async function signStreamToken(key: Uint8Array, claims: { userId: string; organizationId: string }, now: Date) {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + STREAM_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ org: claims.organizationId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.userId)
    .setIssuer(STREAM_TOKEN_ISSUER)
    .setAudience(STREAM_TOKEN_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key);
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

export async function verifyStreamToken(key: Uint8Array, token: string, now: Date): Promise<{ userId: string; organizationId: string }> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], issuer: STREAM_TOKEN_ISSUER, audience: STREAM_TOKEN_AUDIENCE, currentDate: now });
    if (typeof payload.sub !== "string" || typeof payload.org !== "string") throw new Error("missing claims");
    return { userId: payload.sub, organizationId: payload.org };
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new Unauthorized("TOKEN_EXPIRED", "The stream token has expired; request a new one.");
    throw new Unauthorized("TOKEN_INVALID", "The stream token is invalid.");
  }
}
