// A local stand-in for Twilio's REST API (2010-04-01), answering the documented JSON shapes of the
// calls the phone-number adapter makes, and recording every request so tests can assert what the
// official SDK sent. `setDown(true)` makes it answer 503 like an outage.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";

export type RecordedTwilioRequest = { method: string; path: string; query: URLSearchParams; form: URLSearchParams; accountSid: string | null };

export type TwilioStandIn = {
  url: string;
  requests: RecordedTwilioRequest[];
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
    if (rest === "IncomingPhoneNumbers.json" && req.method === "POST") {
      const phoneNumber = form.get("PhoneNumber") ?? `+1${form.get("AreaCode") ?? "212"}333${String(++counter).padStart(4, "0")}`;
      const pnSid = `PN${randomBytes(16).toString("hex")}`;
      const created = incomingNumber(sid, pnSid, phoneNumber, form);
      numbers.set(pnSid, created);
      return json(201, created);
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
    setDown: (value) => {
      down = value;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
