// A local stand-in for Vapi's REST API (phone numbers and calls), answering the documented shapes
// and recording each request (with its JSON body) so tests can assert what the SDK sent. Given a
// Twilio API URL, importing a Twilio number does what Vapi does: it looks the number up in that
// Twilio account with the credentials it was given, and points the number's voice URL at Vapi.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Vapi } from "@vapi-ai/server-sdk";

export type RecordedVapiRequest = { method: string; path: string; authorization: string | undefined; body: any };

export type VapiStandIn = {
  url: string;
  requests: RecordedVapiRequest[];
  /** The phone numbers Vapi holds now (created or imported, not deleted). */
  phoneNumbers(): Record<string, any>[];
  /** Calls `GET /call/{id}` answers, in Vapi's Call shape. */
  calls: Map<string, Vapi.Call>;
  /** Calls whose `GET /call/{id}` answers this HTTP status instead. */
  callFailures: Map<string, number>;
  /** Every `POST /phone-number` answers this status (a 4xx with a Vapi error body) until set back to null. */
  failPhoneNumberCreates(status: number | null): void;
  setDown(down: boolean): void;
  stop(): Promise<void>;
};

/** Where Vapi takes the inbound calls of imported Twilio numbers. */
export const VAPI_TWILIO_INBOUND_PATH = "/twilio/inbound_call";

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

type TwilioLookup = { ok: true; sid: string } | { ok: false; message: string };

/** Finds the number in the Twilio account (Basic auth with the imported credentials) and points its voice URL at Vapi. */
async function configureTwilioNumber(twilioApiUrl: string, vapiUrl: string, body: Record<string, any>): Promise<TwilioLookup> {
  const auth = `Basic ${Buffer.from(`${body.twilioAccountSid}:${body.twilioAuthToken}`).toString("base64")}`;
  const base = `${twilioApiUrl}/2010-04-01/Accounts/${encodeURIComponent(body.twilioAccountSid)}/IncomingPhoneNumbers`;
  const list = await fetch(`${base}.json?PhoneNumber=${encodeURIComponent(body.number)}`, { headers: { authorization: auth } });
  if (list.status === 401) return { ok: false, message: "Twilio Error: Authenticate. Check your Twilio credentials." };
  const found = ((await list.json()) as { incoming_phone_numbers?: { sid: string }[] }).incoming_phone_numbers?.[0];
  if (!found) return { ok: false, message: "Number Not Found on Twilio." };
  const form = new URLSearchParams({ VoiceUrl: `${vapiUrl}${VAPI_TWILIO_INBOUND_PATH}`, VoiceMethod: "POST" });
  if (body.smsEnabled !== false) form.set("SmsUrl", `${vapiUrl}/twilio/sms`);
  await fetch(`${base}/${found.sid}.json`, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  return { ok: true, sid: found.sid };
}

export async function startVapiStandIn(options: { twilioApiUrl?: string } = {}): Promise<VapiStandIn> {
  const requests: RecordedVapiRequest[] = [];
  const numbers = new Map<string, Record<string, unknown>>();
  const calls = new Map<string, Vapi.Call>();
  const callFailures = new Map<string, number>();
  let down = false;
  let failCreates: number | null = null;
  let counter = 0;
  let selfUrl = "";
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const body = (await readJson(req)) as Record<string, any> | undefined;
    requests.push({ method: req.method ?? "GET", path: url.pathname, authorization: req.headers.authorization, body });
    const json = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const badRequest = (message: string | string[]) => json(400, { message, error: "Bad Request", statusCode: 400 });
    if (down) return json(503, { message: "Service Unavailable", statusCode: 503 });
    if (url.pathname === "/phone-number" && req.method === "POST" && body) {
      if (failCreates !== null) return json(failCreates, { message: "The request could not be completed.", error: "Bad Request", statusCode: failCreates });
      if (body.provider === "twilio") {
        const missing = ["number", "twilioAccountSid"].filter((field) => typeof body[field] !== "string" || body[field] === "");
        if (missing.length > 0) return badRequest(missing.map((field) => `${field} must be a string`));
        if (options.twilioApiUrl) {
          const lookup = await configureTwilioNumber(options.twilioApiUrl, selfUrl, body);
          if (!lookup.ok) return badRequest(lookup.message);
        }
      }
      const now = new Date().toISOString();
      const number = body.provider === "vapi" ? `+1${body.numberDesiredAreaCode ?? "415"}777${String(++counter).padStart(4, "0")}` : body.number;
      const created = { id: randomUUID(), orgId: "vapi-org-stand-in", createdAt: now, updatedAt: now, status: "active", ...body, number };
      delete (created as Record<string, unknown>).twilioAuthToken; // Vapi never echoes the token
      numbers.set(created.id, created);
      return json(201, created);
    }
    const one = url.pathname.match(/^\/phone-number\/([\w-]+)$/);
    if (one && req.method === "DELETE") {
      const existing = numbers.get(one[1] as string);
      if (!existing) return json(404, { message: "Not Found", statusCode: 404 });
      numbers.delete(one[1] as string);
      return json(200, existing);
    }
    if (one && req.method === "GET") {
      const existing = numbers.get(one[1] as string);
      return existing ? json(200, existing) : json(404, { message: "Not Found", statusCode: 404 });
    }
    const call = url.pathname.match(/^\/call\/([\w-]+)$/);
    if (call && req.method === "GET") {
      const failure = callFailures.get(call[1] as string);
      if (failure !== undefined) return json(failure, { message: failure === 404 ? "Not Found" : "Internal Server Error", statusCode: failure });
      const found = calls.get(call[1] as string);
      return found ? json(200, found) : json(404, { message: "Not Found", statusCode: 404 });
    }
    return json(404, { message: "Not Found", statusCode: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  selfUrl = `http://127.0.0.1:${port}`;
  return {
    url: selfUrl,
    requests,
    phoneNumbers: () => [...numbers.values()],
    calls,
    callFailures,
    failPhoneNumberCreates: (status) => {
      failCreates = status;
    },
    setDown: (value) => {
      down = value;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
