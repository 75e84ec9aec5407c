// A local stand-in for Vapi's REST API (the phone-number endpoints), answering the documented
// shapes and recording each request (with its JSON body) so tests can assert what the SDK sent.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";

export type RecordedVapiRequest = { method: string; path: string; authorization: string | undefined; body: any };

export type VapiStandIn = { url: string; requests: RecordedVapiRequest[]; setDown(down: boolean): void; stop(): Promise<void> };

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

export async function startVapiStandIn(): Promise<VapiStandIn> {
  const requests: RecordedVapiRequest[] = [];
  const numbers = new Map<string, Record<string, unknown>>();
  let down = false;
  let counter = 0;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const body = (await readJson(req)) as Record<string, any> | undefined;
    requests.push({ method: req.method ?? "GET", path: url.pathname, authorization: req.headers.authorization, body });
    const json = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    if (down) return json(503, { message: "Service Unavailable", statusCode: 503 });
    if (url.pathname === "/phone-number" && req.method === "POST" && body) {
      const now = new Date().toISOString();
      const number = body.provider === "vapi" ? `+1${body.numberDesiredAreaCode ?? "415"}777${String(++counter).padStart(4, "0")}` : body.number;
      const created = { id: randomUUID(), orgId: randomUUID(), createdAt: now, updatedAt: now, status: "active", ...body, number };
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
    return json(404, { message: "Not Found", statusCode: 404 });
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
