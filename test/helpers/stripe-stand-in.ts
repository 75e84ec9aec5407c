// A local stand-in for the Stripe API endpoints Switchboard uses (customers, Checkout and Billing
// Portal sessions, subscriptions and subscription schedules, Billing meter events). It reads the
// form-encoded bodies the official SDK sends, answers Stripe's documented JSON objects, honours
// `Idempotency-Key` (same key → the same object again, a different body → 400 idempotency_error)
// and records every request so tests can assert what was sent. It can be told to fail the next
// requests with a 500 or to hang past the SDK's timeout.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type StripeParams = { [key: string]: StripeParamValue };
export type StripeParamValue = string | StripeParams | StripeParamValue[];

export type RecordedStripeRequest = {
  method: string;
  path: string;
  /** The decoded form body (POST) or query (GET), nested as the SDK encoded it: `items[0][price]` → params.items[0].price. */
  params: StripeParams;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  authorization: string | null;
};

export type StandInSubscriptionItem = { id: string; price: string; quantity?: number };

export type StandInSubscription = {
  id: string;
  object: "subscription";
  customer: string;
  status: string;
  cancel_at_period_end: boolean;
  cancel_at: number | null;
  canceled_at: number | null;
  ended_at: number | null;
  created: number;
  start_date: number;
  livemode: false;
  metadata: Record<string, string>;
  schedule: string | null;
  billing_cycle_anchor: number;
  items: { object: "list"; data: Record<string, unknown>[]; has_more: false; url: string; total_count?: number };
};

export type FailureMode = "error" | "timeout";

export type StripeStandIn = {
  url: string;
  requests: RecordedStripeRequest[];
  /** Requests to one path (exact, e.g. "/v1/checkout/sessions"). */
  requestsTo(path: string, method?: string): RecordedStripeRequest[];
  /** The next `count` requests (to any path, or only paths starting with `pathPrefix`) fail. */
  failNext(count: number, mode: FailureMode, pathPrefix?: string): void;
  /** Creates (or replaces) a subscription as Stripe would hold it; retrieve and update read it. */
  putSubscription(input: {
    id?: string;
    customer: string;
    prices: string[];
    status?: string;
    periodStart: Date;
    periodEnd: Date;
    cancelAtPeriodEnd?: boolean;
    created?: Date;
    metadata?: Record<string, string>;
  }): StandInSubscription;
  subscription(id: string): StandInSubscription | undefined;
  /** The customer created for an organization (metadata.organizationId), if any. */
  customerOf(organizationId: string): string | undefined;
  stop(): Promise<void>;
};

/** How long a "timeout" failure holds the request: longer than the adapter's request timeout. */
const HANG_MS = 15_000;

function setPath(target: StripeParams, keys: string[], value: string): void {
  let node: StripeParams | StripeParamValue[] = target;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const last = i === keys.length - 1;
    const nextIsIndex = !last && /^\d+$/.test(keys[i + 1] as string);
    const container = node as Record<string, StripeParamValue>;
    if (last) {
      container[key] = value;
      return;
    }
    if (container[key] === undefined) container[key] = nextIsIndex ? [] : {};
    node = container[key] as StripeParams;
  }
}

/** Decodes Stripe's form encoding (`a[b][0][c]=v`) into nested objects and arrays. */
export function decodeStripeForm(body: string): StripeParams {
  const params: StripeParams = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const match = rawKey.match(/^([^[]+)((?:\[[^\]]*\])*)$/);
    if (!match) continue;
    const keys = [match[1] as string, ...[...(match[2] ?? "").matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] as string)];
    setPath(params, keys, value);
  }
  return params;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const str = (value: StripeParamValue | undefined): string | undefined => (typeof value === "string" ? value : undefined);
const record = (value: StripeParamValue | undefined): Record<string, string> =>
  value && typeof value === "object" && !Array.isArray(value)
    ? (Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string")) as Record<string, string>)
    : {};
const list = (value: StripeParamValue | undefined): StripeParams[] =>
  Array.isArray(value) ? (value.filter((v) => v && typeof v === "object" && !Array.isArray(v)) as StripeParams[]) : [];

function price(id: string) {
  return {
    id,
    object: "price",
    active: true,
    currency: "usd",
    livemode: false,
    type: "recurring",
    recurring: { interval: "month", interval_count: 1, usage_type: id.includes("overage") ? "metered" : "licensed" },
  };
}

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const requests: RecordedStripeRequest[] = [];
  const customers = new Map<string, Record<string, unknown>>();
  const subscriptions = new Map<string, StandInSubscription>();
  const schedules = new Map<string, Record<string, unknown>>();
  /** Idempotency-Key → the body it was first used with and the answer it got. */
  const idempotent = new Map<string, { body: string; status: number; payload: unknown }>();
  const failures: { mode: FailureMode; pathPrefix: string | undefined }[] = [];
  const hanging = new Set<ServerResponse>();

  function itemOf(subscriptionId: string, itemId: string, priceId: string, start: number, end: number, quantity?: number) {
    return {
      id: itemId,
      object: "subscription_item",
      created: start,
      current_period_start: start,
      current_period_end: end,
      metadata: {},
      price: price(priceId),
      ...(priceId.includes("overage") ? {} : { quantity: quantity ?? 1 }),
      subscription: subscriptionId,
    };
  }

  function putSubscription(input: Parameters<StripeStandIn["putSubscription"]>[0]): StandInSubscription {
    const id = input.id ?? newId("sub");
    const start = Math.floor(input.periodStart.getTime() / 1000);
    const end = Math.floor(input.periodEnd.getTime() / 1000);
    const existing = subscriptions.get(id);
    const created = input.created ? Math.floor(input.created.getTime() / 1000) : (existing?.created ?? start);
    const subscription: StandInSubscription = {
      id,
      object: "subscription",
      customer: input.customer,
      status: input.status ?? "active",
      cancel_at_period_end: input.cancelAtPeriodEnd ?? false,
      cancel_at: input.cancelAtPeriodEnd ? end : null,
      canceled_at: input.status === "canceled" ? nowSeconds() : null,
      ended_at: input.status === "canceled" ? nowSeconds() : null,
      created,
      start_date: created,
      livemode: false,
      metadata: input.metadata ?? existing?.metadata ?? {},
      schedule: existing?.schedule ?? null,
      billing_cycle_anchor: start,
      items: {
        object: "list",
        data: input.prices.map((p, i) => itemOf(id, `si_${id.slice(4, 16)}${i}`, p, start, end)),
        has_more: false,
        url: `/v1/subscription_items?subscription=${id}`,
        total_count: input.prices.length,
      },
    };
    subscriptions.set(id, subscription);
    return subscription;
  }

  function stripeError(status: number, type: string, message: string, extra: Record<string, unknown> = {}) {
    return { status, payload: { error: { type, message, ...extra } } };
  }

  function route(method: string, path: string, params: StripeParams): { status: number; payload: unknown } {
    if (method === "POST" && path === "/v1/customers") {
      const customer = {
        id: newId("cus"),
        object: "customer",
        created: nowSeconds(),
        email: str(params.email) ?? null,
        name: str(params.name) ?? null,
        metadata: record(params.metadata),
        livemode: false,
        balance: 0,
        currency: null,
        delinquent: false,
        description: str(params.description) ?? null,
        invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      };
      customers.set(customer.id, customer);
      return { status: 200, payload: customer };
    }
    if (method === "POST" && path === "/v1/checkout/sessions") {
      const customer = str(params.customer);
      if (customer && !customers.has(customer))
        return stripeError(400, "invalid_request_error", `No such customer: '${customer}'`, { param: "customer", code: "resource_missing" });
      if (list(params.line_items).length === 0)
        return stripeError(400, "invalid_request_error", "Missing required param: line_items.", { param: "line_items" });
      const id = `cs_test_${randomBytes(24).toString("hex")}`;
      const created = nowSeconds();
      return {
        status: 200,
        payload: {
          id,
          object: "checkout.session",
          mode: str(params.mode) ?? "payment",
          status: "open",
          payment_status: "unpaid",
          customer: customer ?? null,
          client_reference_id: str(params.client_reference_id) ?? null,
          metadata: record(params.metadata),
          success_url: str(params.success_url) ?? null,
          cancel_url: str(params.cancel_url) ?? null,
          subscription: null,
          created,
          expires_at: created + 24 * 3600,
          livemode: false,
          url: `https://checkout.stripe.com/c/pay/${id}`,
        },
      };
    }
    if (method === "POST" && path === "/v1/billing_portal/sessions") {
      const customer = str(params.customer);
      if (!customer || !customers.has(customer))
        return stripeError(400, "invalid_request_error", `No such customer: '${customer}'`, { param: "customer", code: "resource_missing" });
      const id = newId("bps");
      return {
        status: 200,
        payload: {
          id,
          object: "billing_portal.session",
          configuration: "bpc_standin",
          created: nowSeconds(),
          customer,
          livemode: false,
          locale: null,
          return_url: str(params.return_url) ?? null,
          url: `https://billing.stripe.com/p/session/test_${id.slice(4)}`,
        },
      };
    }
    const subscriptionMatch = path.match(/^\/v1\/subscriptions\/(sub_\w+)$/);
    if (subscriptionMatch) {
      const subscription = subscriptions.get(subscriptionMatch[1] as string);
      if (!subscription)
        return stripeError(404, "invalid_request_error", `No such subscription: '${subscriptionMatch[1]}'`, { param: "id", code: "resource_missing" });
      if (method === "GET") return { status: 200, payload: subscription };
      if (method === "POST") {
        if (params.cancel_at_period_end !== undefined) {
          subscription.cancel_at_period_end = params.cancel_at_period_end === "true";
          const first = subscription.items.data[0] as { current_period_end: number } | undefined;
          subscription.cancel_at = subscription.cancel_at_period_end ? (first?.current_period_end ?? null) : null;
        }
        if (params.metadata !== undefined) subscription.metadata = { ...subscription.metadata, ...record(params.metadata) };
        const items = list(params.items);
        if (items.length > 0) {
          const first = subscription.items.data[0] as { current_period_start: number; current_period_end: number };
          let data = [...subscription.items.data];
          for (const item of items) {
            const itemId = str(item.id);
            if (itemId && item.deleted === "true") data = data.filter((d) => d.id !== itemId);
            else if (itemId) {
              const index = data.findIndex((d) => d.id === itemId);
              if (index < 0) return stripeError(400, "invalid_request_error", `No such subscription item: '${itemId}'`, { param: "items" });
              data[index] = itemOf(subscription.id, itemId, str(item.price) ?? "", first.current_period_start, first.current_period_end);
            } else if (str(item.price)) {
              data.push(itemOf(subscription.id, newId("si"), str(item.price) as string, first.current_period_start, first.current_period_end));
            }
          }
          subscription.items = { ...subscription.items, data, total_count: data.length };
        }
        return { status: 200, payload: subscription };
      }
    }
    if (method === "POST" && path === "/v1/subscription_schedules") {
      const subscription = subscriptions.get(str(params.from_subscription) ?? "");
      if (!subscription) return stripeError(400, "invalid_request_error", "No such subscription.", { param: "from_subscription" });
      if (subscription.schedule) return stripeError(400, "invalid_request_error", "You cannot migrate a subscription that is already attached to a schedule.");
      const first = subscription.items.data[0] as { current_period_start: number; current_period_end: number };
      const schedule = {
        id: newId("sub_sched"),
        object: "subscription_schedule",
        created: nowSeconds(),
        customer: subscription.customer,
        subscription: subscription.id,
        status: "active",
        end_behavior: "release",
        livemode: false,
        metadata: {},
        current_phase: { start_date: first.current_period_start, end_date: first.current_period_end },
        phases: [
          {
            start_date: first.current_period_start,
            end_date: first.current_period_end,
            items: subscription.items.data.map((d) => ({ price: (d.price as { id: string }).id, quantity: d.quantity, metadata: {} })),
            proration_behavior: "create_prorations",
          },
        ],
      };
      schedules.set(schedule.id, schedule);
      subscription.schedule = schedule.id;
      return { status: 200, payload: schedule };
    }
    const scheduleMatch = path.match(/^\/v1\/subscription_schedules\/(sub_sched_\w+?)(\/release)?$/);
    if (scheduleMatch && method === "POST") {
      const schedule = schedules.get(scheduleMatch[1] as string);
      if (!schedule) return stripeError(404, "invalid_request_error", "No such subscription schedule.", { code: "resource_missing" });
      if (scheduleMatch[2]) {
        schedule.status = "released";
        schedule.released_subscription = schedule.subscription;
        const subscription = subscriptions.get(schedule.subscription as string);
        if (subscription) subscription.schedule = null;
        schedule.subscription = null;
        return { status: 200, payload: schedule };
      }
      const phases = list(params.phases);
      if (phases.length > 0) {
        schedule.phases = phases.map((phase) => ({
          start_date: Number(str(phase.start_date) ?? 0) || null,
          end_date: Number(str(phase.end_date) ?? 0) || null,
          duration: phase.duration ?? null,
          items: list(phase.items).map((item) => ({
            price: str(item.price),
            quantity: item.quantity === undefined ? undefined : Number(item.quantity),
            metadata: {},
          })),
          proration_behavior: str(phase.proration_behavior) ?? "create_prorations",
        }));
      }
      if (str(params.end_behavior)) schedule.end_behavior = str(params.end_behavior);
      return { status: 200, payload: schedule };
    }
    if (method === "POST" && path === "/v1/billing/meter_events") {
      const eventName = str(params.event_name);
      const payload = record(params.payload);
      if (!eventName) return stripeError(400, "invalid_request_error", "Missing required param: event_name.", { param: "event_name" });
      if (!payload.stripe_customer_id || !payload.value)
        return stripeError(400, "invalid_request_error", "The payload needs stripe_customer_id and value.", { param: "payload" });
      return {
        status: 200,
        payload: {
          object: "billing.meter_event",
          created: nowSeconds(),
          event_name: eventName,
          identifier: str(params.identifier) ?? newId("mev"),
          livemode: false,
          payload,
          timestamp: Number(str(params.timestamp) ?? nowSeconds()),
        },
      };
    }
    return stripeError(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const body = await readBody(req);
    const method = req.method ?? "GET";
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === "string" ? value : null;
    };
    const params = decodeStripeForm(method === "GET" ? url.searchParams.toString() : body);
    const idempotencyKey = header("idempotency-key");
    requests.push({ method, path: url.pathname, params, idempotencyKey, stripeVersion: header("stripe-version"), authorization: header("authorization") });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "request-id": newId("req") });
      res.end(JSON.stringify(payload));
    };

    const failureIndex = failures.findIndex((f) => f.pathPrefix === undefined || url.pathname.startsWith(f.pathPrefix));
    if (failureIndex >= 0) {
      const [failure] = failures.splice(failureIndex, 1);
      if (failure?.mode === "timeout") {
        hanging.add(res);
        setTimeout(() => {
          hanging.delete(res);
          if (!res.destroyed) send(500, { error: { type: "api_error", message: "Too late." } });
        }, HANG_MS).unref();
        return;
      }
      return send(500, { error: { type: "api_error", message: "An unknown error occurred on Stripe's side." } });
    }

    if (!header("authorization")?.startsWith("Bearer sk_test_")) {
      return send(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided." } });
    }
    // Stripe keys idempotency per key (and account); a re-used key with a different body is refused.
    if (idempotencyKey && method === "POST" && !idempotencyKey.startsWith("stripe-node-retry-")) {
      const seen = idempotent.get(idempotencyKey);
      if (seen) {
        if (seen.body !== `${url.pathname}?${body}`)
          return send(400, {
            error: {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            },
          });
        res.setHeader("idempotent-replayed", "true");
        return send(seen.status, seen.payload);
      }
      const answer = route(method, url.pathname, params);
      if (answer.status < 500) idempotent.set(idempotencyKey, { body: `${url.pathname}?${body}`, ...answer });
      return send(answer.status, answer.payload);
    }
    const answer = route(method, url.pathname, params);
    return send(answer.status, answer.payload);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path, method = "POST") => requests.filter((r) => r.path === path && r.method === method),
    failNext: (count, mode, pathPrefix) => {
      for (let i = 0; i < count; i++) failures.push({ mode, pathPrefix });
    },
    putSubscription,
    subscription: (id) => subscriptions.get(id),
    customerOf: (organizationId) =>
      [...customers.values()].find((c) => (c.metadata as Record<string, string>).organizationId === organizationId)?.id as string | undefined,
    stop: () =>
      new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
