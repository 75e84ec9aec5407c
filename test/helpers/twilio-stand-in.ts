// A local stand-in for Twilio's REST API (2010-04-01), answering the documented JSON shapes of the
// calls the phone-number adapter and the SMS sender make, and recording every request so tests can
// assert what the official SDK sent. `setDown(true)` makes it answer 503 like an outage;
// `failNextMessages(n)` fails only the next n SMS sends.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";

export type RecordedTwilioRequest = { method: string; path: string; query: URLSearchParams; form: URLSearchParams; accountSid: string | null };

/** An SMS accepted by POST /2010-04-01/Accounts/{sid}/Messages.json. */
export type RecordedTwilioMessage = { sid: string; accountSid: string; to: string; from: string | null; messagingServiceSid: string | null; body: string };

export type TwilioStandIn = {
  url: string;
  requests: RecordedTwilioRequest[];
  /** SMS accepted, in order. */
  messages: RecordedTwilioMessage[];
  /** The next `count` SMS sends answer `status` (default 503) in Twilio's error shape. */
  failNextMessages(count: number, status?: number): void;
  /** The numbers currently bought (not released) in any account, with where their calls go. */
  incomingNumbers(): { accountSid: string; sid: string; phoneNumber: string; voiceUrl: string | null }[];
  setDown(down: boolean): void;
  stop(): Promise<void>;
};

const API = "/2010-04-01/Accounts/";

function basicUser(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header?.startsWith("Basic ")) return null;
  return Buffer.from(header.slice(6), "base64").toString("utf8").split(":")[0] ?? null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function incomingNumber(accountSid: string, sid: string, phoneNumber: string, form: URLSearchParams) {
  const now = new Date().toUTCString();
  return {
    account_sid: accountSid,
    sid,
    phone_number: phoneNumber,
    friendly_name: form.get("FriendlyName") ?? phoneNumber,
    voice_url: form.get("VoiceUrl"),
    voice_method: form.get("VoiceMethod") ?? "POST",
    status_callback: form.get("StatusCallback") ?? "",
    status_callback_method: form.get("StatusCallbackMethod") ?? "POST",
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    api_version: "2010-04-01",
    date_created: now,
    date_updated: now,
    status: "in-use",
    uri: `${API}${accountSid}/IncomingPhoneNumbers/${sid}.json`,
  };
}

export async function startTwilioStandIn(): Promise<TwilioStandIn> {
  const requests: RecordedTwilioRequest[] = [];
  const numbers = new Map<string, ReturnType<typeof incomingNumber>>();
  const messages: RecordedTwilioMessage[] = [];
  let messageFailures = { count: 0, status: 503 };
  let down = false;
  let counter = 0;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const body = await readBody(req);
    const form = new URLSearchParams(body);
    const accountSid = basicUser(req);
    requests.push({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, form, accountSid });
    const json = (status: number, payload?: unknown) => {
      res.writeHead(status, payload === undefined ? {} : { "content-type": "application/json" });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    if (down) return json(503, { code: 20503, message: "Service Unavailable", more_info: "https://www.twilio.com/docs/errors/20503", status: 503 });

    const match = url.pathname.match(/^\/2010-04-01\/Accounts\/(AC\w+)\/(.+)$/);
    if (!match || match[1] !== accountSid)
      return json(401, { code: 20003, message: "Authenticate", more_info: "https://www.twilio.com/docs/errors/20003", status: 401 });
    const [, sid, rest] = match as unknown as [string, string, string];

    const available = rest.match(/^AvailablePhoneNumbers\/([A-Z]{2})\/Local\.json$/);
    if (available && req.method === "GET") {
      const areaCode = url.searchParams.get("AreaCode") ?? "212";
      const items = [1, 2, 3].map((i) => ({
        friendly_name: `(${areaCode}) 222-000${i}`,
        phone_number: `+1${areaCode}222000${i}`,
        lata: "722",
        locality: "San Francisco",
        rate_center: "SNFC CA",
        latitude: "37.77",
        longitude: "-122.41",
        region: "CA",
        postal_code: "94103",
        iso_country: available[1],
        address_requirements: "none",
        beta: false,
        capabilities: { voice: true, SMS: true, MMS: true },
      }));
      return json(200, {
        available_phone_numbers: items,
        end: items.length - 1,
        first_page_uri: `${url.pathname}?PageSize=50&Page=0`,
        next_page_uri: null,
        page: 0,
        page_size: 50,
        previous_page_uri: null,
        start: 0,
        uri: `${url.pathname}${url.search}`,
      });
    }
    // List an account's numbers, filtered by PhoneNumber (how Vapi finds a number it imports).
    if (rest === "IncomingPhoneNumbers.json" && req.method === "GET") {
      const wanted = url.searchParams.get("PhoneNumber");
      const items = [...numbers.values()].filter((n) => n.account_sid === sid && (wanted === null || n.phone_number === wanted));
      return json(200, {
        incoming_phone_numbers: items,
        end: Math.max(items.length - 1, 0),
        first_page_uri: `${url.pathname}?PageSize=50&Page=0`,
        next_page_uri: null,
        page: 0,
        page_size: 50,
        previous_page_uri: null,
        start: 0,
        uri: `${url.pathname}${url.search}`,
      });
    }
    if (rest === "IncomingPhoneNumbers.json" && req.method === "POST") {
      const phoneNumber = form.get("PhoneNumber") ?? `+1${form.get("AreaCode") ?? "212"}333${String(++counter).padStart(4, "0")}`;
      const pnSid = `PN${randomBytes(16).toString("hex")}`;
      const created = incomingNumber(sid, pnSid, phoneNumber, form);
      numbers.set(pnSid, created);
      return json(201, created);
    }
    if (rest === "Messages.json" && req.method === "POST") {
      if (messageFailures.count > 0) {
        messageFailures = { ...messageFailures, count: messageFailures.count - 1 };
        const status = messageFailures.status;
        return json(status, { code: 20500, message: "Internal Server Error", more_info: "https://www.twilio.com/docs/errors/20500", status });
      }
      const to = form.get("To");
      const from = form.get("From");
      const messagingServiceSid = form.get("MessagingServiceSid");
      const text = form.get("Body");
      if (!to || !/^\+[1-9]\d{6,14}$/.test(to))
        return json(400, {
          code: 21211,
          message: `The 'To' number ${to ?? ""} is not a valid phone number.`,
          more_info: "https://www.twilio.com/docs/errors/21211",
          status: 400,
        });
      if (!from && !messagingServiceSid)
        return json(400, { code: 21603, message: "A 'From' phone number is required.", more_info: "https://www.twilio.com/docs/errors/21603", status: 400 });
      if (!text) return json(400, { code: 21602, message: "Message body is required.", more_info: "https://www.twilio.com/docs/errors/21602", status: 400 });
      const smSid = `SM${randomBytes(16).toString("hex")}`;
      messages.push({ sid: smSid, accountSid: sid, to, from, messagingServiceSid, body: text });
      const now = new Date().toUTCString();
      return json(201, {
        account_sid: sid,
        api_version: "2010-04-01",
        body: text,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: "outbound-api",
        error_code: null,
        error_message: null,
        from: from ?? null,
        messaging_service_sid: messagingServiceSid ?? null,
        num_media: "0",
        num_segments: String(Math.ceil(text.length / 153)),
        price: null,
        price_unit: "USD",
        sid: smSid,
        status: from ? "queued" : "accepted",
        subresource_uris: { media: `${API}${sid}/Messages/${smSid}/Media.json` },
        to,
        uri: `${API}${sid}/Messages/${smSid}.json`,
      });
    }
    const one = rest.match(/^IncomingPhoneNumbers\/(PN\w+)\.json$/);
    if (one) {
      const existing = numbers.get(one[1] as string);
      if (!existing)
        return json(404, { code: 20404, message: "The requested resource was not found", more_info: "https://www.twilio.com/docs/errors/20404", status: 404 });
      if (req.method === "DELETE") {
        numbers.delete(one[1] as string);
        return json(204);
      }
      if (req.method === "POST") {
        const updated = { ...existing, voice_url: form.get("VoiceUrl") ?? existing.voice_url };
        numbers.set(one[1] as string, updated);
        return json(200, updated);
      }
      return json(200, existing);
    }
    return json(404, { code: 20404, message: "The requested resource was not found", status: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messages,
    failNextMessages: (count, status = 503) => {
      messageFailures = { count, status };
    },
    incomingNumbers: () => [...numbers.values()].map((n) => ({ accountSid: n.account_sid, sid: n.sid, phoneNumber: n.phone_number, voiceUrl: n.voice_url })),
    setDown: (value) => {
      down = value;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
