// A keep-alive HTTP/1.1 client on node:http (no extra package): one Agent per target whose socket
// pool is as large as the concurrency, so connections are reused and never opened per request.
import http from "node:http";

export type HttpResult = { status: number; text: string; ms: number };

export type HttpClient = {
  post(path: string, body: string, headers?: Record<string, string>): Promise<HttpResult>;
  get(path: string, headers?: Record<string, string>): Promise<HttpResult>;
  close(): void;
};

/** A client for one loopback base URL. Every request has a timeout, so the run always ends. */
export function httpClient(baseUrl: string, options: { maxSockets: number; timeoutMs?: number }): HttpClient {
  const url = new URL(baseUrl);
  if (!isLoopback(url.hostname)) throw new Error(`Refusing to load ${url.hostname}: the bench only targets loopback addresses.`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets });
  const timeoutMs = options.timeoutMs ?? 10_000;

  function send(method: "GET" | "POST", path: string, body: string | null, headers: Record<string, string>): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: body === null ? headers : { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), ms });
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      req.on("error", reject);
      if (body !== null) req.write(body);
      req.end();
    });
  }

  return {
    post: (path, body, headers = {}) => send("POST", path, body, headers),
    get: (path, headers = {}) => send("GET", path, null, headers),
    close: () => agent.destroy(),
  };
}

export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || hostname === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
