// What operators and clients rely on outside the feature routes: health and readiness, the
// OpenAPI document, Prometheus metrics, the web app's security headers; and a guard that every
// org-scoped operation has the shared security cases.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";

let t: TestPlatform;
let webRoot: string;

beforeAll(async () => {
  webRoot = await mkdtemp(path.join(tmpdir(), "switchboard-web-"));
  await writeFile(path.join(webRoot, "index.html"), '<!doctype html><html><body><div id="root"></div></body></html>');
  t = await startTestPlatform({ webRoot });
});
afterAll(async () => {
  await t?.stop();
  await rm(webRoot, { recursive: true, force: true });
});

type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>> };

const HTTP_METHODS = ["get", "post", "put", "patch", "delete"];

async function openApi(): Promise<OpenApiDocument> {
  const res = await t.api.get("/openapi.json");
  expect(res.status).toBe(200);
  return res.body;
}

function operations(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.keys(item)
      .filter((m) => HTTP_METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${p}`),
  );
}

describe("health", () => {
  it("GET /healthz answers 200", async () => {
    const res = await t.api.get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("GET /readyz answers 200 when the database answers", async () => {
    const res = await t.api.get("/readyz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ready" });
  });
});

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document with every /api/v1 route the app serves, and nothing else", async () => {
    const doc = await openApi();
    expect(doc.openapi).toMatch(/^3\.1\./);
    const served = new Set(
      t.platform.app.routes
        .filter((r) => r.path.startsWith("/api/v1/") && r.path !== "/api/v1/*" && HTTP_METHODS.includes(r.method.toLowerCase()))
        .map((r) => `${r.method} ${r.path.replaceAll(/:(\w+)/g, "{$1}")}`),
    );
    expect(served.size).toBeGreaterThan(20);
    expect(operations(doc).sort()).toEqual([...served].sort());
  });

  it("documents bearer security and problem+json errors on the org-scoped operations", async () => {
    const doc = await openApi();
    for (const [p, item] of Object.entries(doc.paths)) {
      if (!p.startsWith("/api/v1/orgs/{orgId}")) continue;
      for (const [method, operation] of Object.entries(item)) {
        expect({ op: `${method} ${p}`, security: operation.security }).toEqual({ op: `${method} ${p}`, security: [{ bearerAuth: [] }] });
        expect(Object.keys(operation.responses), `${method} ${p}`).toEqual(expect.arrayContaining(["401", "404"]));
      }
    }
  });

  it("every org-scoped operation has the shared security cases in some test file", async () => {
    const doc = await openApi();
    const orgScoped = operations(doc).filter((op) => op.split(" ")[1]?.startsWith("/api/v1/orgs/{orgId}"));
    const dir = path.resolve("test/integration");
    const covered = new Set<string>();
    for (const file of await readdir(dir)) {
      if (!file.endsWith(".test.ts")) continue;
      const source = await readFile(path.join(dir, file), "utf8");
      for (const match of source.matchAll(/describeRouteSecurity\([^{]*\{\s*method:\s*"(\w+)",\s*path:\s*"([^"]+)"/g)) covered.add(`${match[1]} ${match[2]}`);
    }
    expect(orgScoped.length).toBeGreaterThanOrEqual(13);
    expect(orgScoped.filter((op) => !covered.has(op))).toEqual([]);
  });
});

describe("GET /metrics", () => {
  it("exposes http_request_duration_seconds by method, route and status in the Prometheus format", async () => {
    await t.api.get("/healthz");
    await t.api.get("/api/v1/plans");
    const res = await t.api.get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(res.text).toContain("# TYPE http_request_duration_seconds histogram");
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/plans",status="200"\} \d+/);
    expect(res.text).toContain("process_cpu_seconds_total");
  });

  it("labels parameterised routes by their pattern, not by each id", async () => {
    await t.api.get("/api/v1/orgs/org_one");
    await t.api.get("/api/v1/orgs/org_two");
    const res = await t.api.get("/metrics");
    expect(res.text).not.toContain("org_one");
    expect(res.text).toContain('route="/api/v1/orgs/:orgId"');
  });
});

describe("the web app", () => {
  it.each(["/", "/signin", "/orgs/org_123/calls"])("GET %s serves the app with a Content-Security-Policy", async (p) => {
    const res = await t.api.get(p);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.text).toContain('<div id="root">');
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("an unknown /api/v1 path is a problem+json 404, not the web app", async () => {
    const res = await t.api.get("/api/v1/no-such-thing");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.code).toBe("ROUTE_NOT_FOUND");
  });
});
