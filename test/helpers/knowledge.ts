// Arrange helpers for the knowledge base: multipart uploads over app.request(), pasted sources,
// waiting for the ingest job, and assistant rows to scope knowledge to (inserted directly, so these
// tests do not depend on the assistants API).
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { type ApiResponse, randomIp } from "./api.js";
import type { TestPlatform } from "./platform.js";

type Org = { organizationId: string; accessToken: string };

export const knowledgePath = (org: { organizationId: string }, rest = "") => `/api/v1/orgs/${org.organizationId}/knowledge${rest}`;

export type UploadFields = { title?: string; assistantId?: string; language?: string };

/** POSTs a multipart upload, as a browser's FormData would send it. */
export async function uploadFile(
  t: TestPlatform,
  org: Org,
  file: { bytes: Uint8Array; name: string; type?: string },
  fields: UploadFields = {},
  token = org.accessToken,
): Promise<ApiResponse> {
  const form = new FormData();
  form.append("file", new File([new Uint8Array(file.bytes)], file.name, { type: file.type ?? "" }));
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
  return sendRaw(t, knowledgePath(org, "/upload"), { method: "POST", body: form, headers: { authorization: `Bearer ${token}` } });
}

/** app.request() with any body (FormData, a stream), parsed like the JSON client's answers. */
export async function sendRaw(t: TestPlatform, path: string, init: RequestInit & { duplex?: "half" }): Promise<ApiResponse> {
  const headers = { "x-forwarded-for": randomIp(), ...(init.headers as Record<string, string>) };
  const response = await t.platform.app.request(path, { ...init, headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, body: body as any, headers: response.headers, text };
}

export type PastedSource = { title: string; kind: "text" | "markdown" | "html"; content: string; assistantId?: string; language?: string };

export async function addPasted(t: TestPlatform, org: Org, source: PastedSource, token = org.accessToken) {
  const res = await t.api.post(knowledgePath(org), source, { token });
  expect(res.status, res.text).toBe(202);
  return res.body as { id: string; status: string };
}

const FINAL_STATUSES = ["ready", "failed"];

/** Polls the source until the ingest job has finished with it (ready or failed). */
export async function waitForSource(t: TestPlatform, org: Org, sourceId: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.api.get(knowledgePath(org, `/${sourceId}`), { token: org.accessToken });
    expect(res.status, res.text).toBe(200);
    if (FINAL_STATUSES.includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`source ${sourceId} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Adds pasted knowledge and waits until it is ready. */
export async function addReady(t: TestPlatform, org: Org, source: PastedSource) {
  const created = await addPasted(t, org, source);
  const done = await waitForSource(t, org, created.id);
  expect(done.status, done.failureReason).toBe("ready");
  return done;
}

/** An assistant row of the organization (the assistants API is not needed for knowledge tests). */
export async function insertAssistant(t: TestPlatform, organizationId: string, name = "Front desk"): Promise<string> {
  const id = `ast_test${randomBytes(6).toString("hex")}`;
  await t.ownerQuery(
    `INSERT INTO assistants (organization_id, id, name, voice, model, business_hours)
     VALUES ($1, $2, $3, '{"provider":"sandbox","voiceId":"alloy"}', '{"provider":"openai","model":"gpt-4o-mini"}',
             '{"timezone":"America/Chicago","weekly":[],"holidays":[]}')`,
    [organizationId, id, name],
  );
  return id;
}

export async function chunksOf(t: TestPlatform, sourceId: string) {
  const { rows } = await t.ownerQuery<{ ordinal: number; heading: string | null; content: string; assistant_id: string | null; language: string }>(
    "SELECT ordinal, heading, content, assistant_id, language::text AS language FROM knowledge_chunks WHERE source_id = $1 ORDER BY ordinal",
    [sourceId],
  );
  return rows;
}
