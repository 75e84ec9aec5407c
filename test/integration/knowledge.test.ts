// The knowledge base's sources: pasting text, Markdown and HTML; uploading real PDF, DOCX, HTML,
// Markdown and text files; detection by content, not name; upload limits; the ingest job (ready
// with chunks, or failed with a reason); reprocess, delete, audit; roles and tenancy.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/server/db/client.js";
import { JOB_QUEUES } from "../../src/server/jobs/registry.js";
import { CHUNK_MAX_CHARS } from "../../src/server/modules/knowledge/chunk-text.js";
import { ingestKnowledgeSource } from "../../src/server/modules/knowledge/ingest.js";
import { KNOWLEDGE_UPLOAD_LIMIT_BYTES, PROCESSING_STALE_AFTER_MS } from "../../src/server/modules/knowledge/service.js";
import { docxWithoutDocumentPart, docxWithParagraphs, pdfWithoutText, pdfWithText, pngImage, truncatedDocx } from "../helpers/documents.js";
import { addTeammate, createOrgWithOwner, type TestOrgOwner } from "../helpers/fixtures.js";
import { addPasted, addReady, chunksOf, insertAssistant, knowledgePath, sendRaw, uploadFile, waitForSource } from "../helpers/knowledge.js";
import { startTestPlatform, type TestPlatform } from "../helpers/platform.js";
import { describeRouteSecurity, type SecurityOrg } from "../helpers/route-security.js";

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

const MIB = 1024 * 1024;

async function sourceCount(organizationId: string): Promise<number> {
  const { rows } = await t.ownerQuery<{ n: number }>("SELECT count(*)::int AS n FROM knowledge_sources WHERE organization_id = $1", [organizationId]);
  return rows[0]!.n;
}

function expectProblem(res: { status: number; body: any; headers: Headers; text: string }, status: number, code: string) {
  expect({ status: res.status, code: res.body?.code }, res.text).toEqual({ status, code });
  expect(res.headers.get("content-type")).toContain("application/problem+json");
}

describe("pasted knowledge", () => {
  let owner: TestOrgOwner;
  beforeAll(async () => {
    owner = await createOrgWithOwner(t);
  });

  it("is accepted as queued (202), then indexed by the job: ready, with chunks and a processed time", async () => {
    const content = "Guests may bring dogs onto the terrace.\n\nInside, only assistance dogs are allowed.";
    const res = await t.api.post(knowledgePath(owner), { title: "Pets", kind: "text", content }, { token: owner.accessToken });
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^ksrc_/),
      title: "Pets",
      kind: "text",
      filename: null,
      mimeType: "text/plain",
      sizeBytes: Buffer.byteLength(content),
      language: "english",
      status: "queued",
      failureReason: null,
      chunkCount: 0,
      assistantId: null,
      processedAt: null,
    });

    const done = await waitForSource(t, owner, res.body.id);
    expect(done).toMatchObject({ status: "ready", failureReason: null, chunkCount: 1 });
    expect(Date.parse(done.processedAt)).toBeGreaterThanOrEqual(Date.parse(res.body.createdAt));
    const chunks = await chunksOf(t, res.body.id);
    expect(chunks).toEqual([expect.objectContaining({ ordinal: 0, heading: null, content, language: "english" })]);
  });

  it("lists sources newest first", async () => {
    const org = await createOrgWithOwner(t);
    const first = await addPasted(t, org, { title: "First", kind: "text", content: "one" });
    const second = await addPasted(t, org, { title: "Second", kind: "text", content: "two" });
    const list = await t.api.get(knowledgePath(org), { token: org.accessToken });
    expect(list.status, list.text).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([second.id, first.id]);
  });

  it("reads pasted HTML as text: scripts, styles and comments dropped; headings, lists and paragraphs kept", async () => {
    const html = `<!doctype html><html><head><title>Ignored title</title><style>body { color: red }</style>
      <script>window.secretToken = "do-not-index";</script></head><body>
      <h2>Parking</h2><p>Free parking&nbsp;behind the <b>bakery</b>.</p><!-- internal note -->
      <ul><li>Level 1: staff</li><li>Level 2: guests</li></ul>
      <h2>Bikes</h2><p>Racks by the door.</p></body></html>`;
    const source = await addReady(t, owner, { title: "Getting here", kind: "html", content: html });
    const chunks = await chunksOf(t, source.id);
    expect(chunks.map((c) => [c.heading, c.content])).toEqual([
      ["Parking", "Free parking behind the bakery.\n\n- Level 1: staff\n- Level 2: guests"],
      ["Bikes", "Racks by the door."],
    ]);
    expect(source.mimeType).toBe("text/html");
  });

  it("keeps Markdown as written, with its headings as the chunks' headings", async () => {
    const markdown = "# Menu\n\nAll dishes are **made to order**.\n\n## Desserts\n\n- Tiramisu\n- Panna cotta\n\n```\n# not a heading\n```";
    const source = await addReady(t, owner, { title: "Menu", kind: "markdown", content: markdown });
    const chunks = await chunksOf(t, source.id);
    expect(chunks.map((c) => [c.heading, c.content])).toEqual([
      ["Menu", "All dishes are **made to order**."],
      ["Desserts", "- Tiramisu\n- Panna cotta\n\n```\n# not a heading\n```"],
    ]);
  });

  it("splits a long section into chunks of at most 1,200 characters that overlap, each with the section's heading", async () => {
    const sentences = Array.from({ length: 60 }, (_, i) => `Rule ${i + 1} of the refund policy is explained in this sentence.`);
    const markdown = `## Refunds\n\n${sentences.slice(0, 30).join(" ")}\n\n${sentences.slice(30).join(" ")}`;
    const source = await addReady(t, owner, { title: "Refund policy", kind: "markdown", content: markdown });
    const chunks = await chunksOf(t, source.id);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(source.chunkCount).toBe(chunks.length);
    for (const chunk of chunks) {
      expect(chunk.heading).toBe("Refunds");
      expect(chunk.content.length).toBeLessThanOrEqual(CHUNK_MAX_CHARS);
    }
    for (const chunk of chunks.slice(0, -1)) expect(chunk.content.length).toBeGreaterThan(800);
    // Every sentence is kept, and each chunk after the first starts with the end of the previous one.
    const all = chunks.map((c) => c.content).join(" ");
    for (const sentence of sentences) expect(all).toContain(sentence);
    for (let i = 1; i < chunks.length; i++) {
      const firstSentence = chunks[i]!.content.split(/(?<=\.)\s/)[0]!;
      expect(chunks[i - 1]!.content).toContain(firstSentence);
    }
  });

  it("uses the source's language for stemming, and refuses languages outside the allow-list (422)", async () => {
    const source = await addReady(t, owner, { title: "Écurie", kind: "text", content: "Les chevaux dorment dans l'écurie.", language: "french" });
    expect(source.language).toBe("french");
    const search = await t.api.get(knowledgePath(owner, "/search?q=cheval"), { token: owner.accessToken });
    expect(search.body.items.map((hit: { sourceId: string }) => hit.sourceId)).toContain(source.id);

    for (const language of ["klingon", "pg_catalog.english", "English"]) {
      const res = await t.api.post(knowledgePath(owner), { title: "x", kind: "text", content: "x", language }, { token: owner.accessToken });
      expect(res.status, res.text).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain("body.language");
    }
  });

  it.each([
    ["an empty content", { title: "Empty", kind: "text", content: "   " }, "body.content"],
    ["a missing title", { kind: "text", content: "x" }, "body.title"],
    ["a file kind (uploads only)", { title: "x", kind: "pdf", content: "x" }, "body.kind"],
    ["an unknown field", { title: "x", kind: "text", content: "x", url: "https://example.com" }, "body.url"],
  ])("answers 422 for %s", async (_label, body, path) => {
    const res = await t.api.post(knowledgePath(owner), body, { token: owner.accessToken });
    expect(res.status, res.text).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it("scopes knowledge to an assistant of the organization; an unknown or foreign assistant is 404", async () => {
    const assistantId = await insertAssistant(t, owner.organizationId);
    const scoped = await addPasted(t, owner, { title: "Scoped", kind: "text", content: "Only for the front desk.", assistantId });
    expect(scoped).toMatchObject({ assistantId });

    const other = await createOrgWithOwner(t);
    const foreignAssistant = await insertAssistant(t, other.organizationId);
    for (const id of ["ast_doesnotexist", foreignAssistant]) {
      const res = await t.api.post(knowledgePath(owner), { title: "x", kind: "text", content: "x", assistantId: id }, { token: owner.accessToken });
      expectProblem(res, 404, "NOT_FOUND");
    }
  });

  it("writes an audit row when a source is added and when it is deleted", async () => {
    const org = await createOrgWithOwner(t);
    const source = await addPasted(t, org, { title: "Audited", kind: "text", content: "x" });
    expect((await t.api.delete(knowledgePath(org, `/${source.id}`), undefined, { token: org.accessToken })).status).toBe(204);
    const { rows } = await t.ownerQuery<{ action: string; actor_user_id: string; target_id: string }>(
      "SELECT action, actor_user_id, target_id FROM audit_log WHERE organization_id = $1 AND action LIKE 'knowledge.%' ORDER BY created_at",
      [org.organizationId],
    );
    expect(rows).toEqual([
      { action: "knowledge.source_added", actor_user_id: org.userId, target_id: source.id },
      { action: "knowledge.source_deleted", actor_user_id: org.userId, target_id: source.id },
    ]);
  });
});

describe("uploading files", () => {
  let owner: TestOrgOwner;
  beforeAll(async () => {
    owner = await createOrgWithOwner(t);
  });

  it("a PDF is detected, extracted page by page, and its larger-font lines become headings", async () => {
    const pdf = pdfWithText([
      [{ text: "Opening hours", size: 20 }, "We are open Monday to Friday from 9 am to 6 pm.", "On Saturdays we close at 2 pm."],
      [{ text: "Holidays", size: 20 }, "Closed on public holidays."],
    ]);
    const res = await uploadFile(t, owner, { bytes: pdf, name: "hours.pdf", type: "application/pdf" });
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({
      kind: "pdf",
      title: "hours",
      filename: "hours.pdf",
      mimeType: "application/pdf",
      sizeBytes: pdf.length,
      status: "queued",
    });
    const done = await waitForSource(t, owner, res.body.id);
    expect(done).toMatchObject({ status: "ready", chunkCount: 2 });
    expect((await chunksOf(t, res.body.id)).map((c) => [c.heading, c.content])).toEqual([
      ["Opening hours", "We are open Monday to Friday from 9 am to 6 pm. On Saturdays we close at 2 pm."],
      ["Holidays", "Closed on public holidays."],
    ]);
  });

  it("a DOCX is read with its Word headings as chunk headings", async () => {
    const docx = await docxWithParagraphs([
      { heading: 1, text: "Allergens" },
      "Every dish lists its allergens on the menu.",
      { heading: 2, text: "Nuts" },
      "Our kitchen is not nut-free & we say so <clearly>.",
    ]);
    const res = await uploadFile(t, owner, { bytes: docx, name: "Allergens.docx" }, { title: "Allergen guide" });
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({
      kind: "docx",
      title: "Allergen guide",
      mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    });
    expect(await waitForSource(t, owner, res.body.id)).toMatchObject({ status: "ready", chunkCount: 2 });
    expect((await chunksOf(t, res.body.id)).map((c) => [c.heading, c.content])).toEqual([
      ["Allergens", "Every dish lists its allergens on the menu."],
      ["Nuts", "Our kitchen is not nut-free & we say so <clearly>."],
    ]);
  });

  it.each([
    ["notes.md", "markdown", "# Notes\n\nSome *notes*."],
    ["page.html", "html", "<h1>Title</h1><p>Body text.</p>"],
    ["page.txt", "html", "<!DOCTYPE html><html><body><p>A web page saved as .txt</p></body></html>"],
    ["notes.txt", "text", "Plain notes.\n\nSecond paragraph."],
    ["README", "text", "No extension at all."],
    ["notes.pdf", "text", "Plain text that claims to be a PDF."],
  ])("%s is read as %s (by content, then name)", async (name, kind, content) => {
    const res = await uploadFile(t, owner, { bytes: Buffer.from(content), name });
    expect(res.status, res.text).toBe(202);
    expect(res.body.kind).toBe(kind);
    expect(await waitForSource(t, owner, res.body.id)).toMatchObject({ status: "ready" });
  });

  it("a .txt that is really a PDF is handled as the PDF it is", async () => {
    const res = await uploadFile(t, owner, { bytes: pdfWithText([["Hidden inside a text file."]]), name: "notes.txt", type: "text/plain" });
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({ kind: "pdf", mimeType: "application/pdf", filename: "notes.txt" });
    expect(await waitForSource(t, owner, res.body.id)).toMatchObject({ status: "ready", chunkCount: 1 });
  });

  it("a UTF-16 text file with a byte-order mark is read", async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Café crème at the counter.", "utf16le")]);
    const res = await uploadFile(t, owner, { bytes, name: "cafe.txt" });
    expect(res.status, res.text).toBe(202);
    await waitForSource(t, owner, res.body.id);
    expect((await chunksOf(t, res.body.id))[0]?.content).toBe("Café crème at the counter.");
  });

  it("a PNG named notes.pdf is refused with 415 UNSUPPORTED_FILE_TYPE saying what it is; nothing is stored", async () => {
    const org = await createOrgWithOwner(t);
    const res = await uploadFile(t, org, { bytes: pngImage(), name: "notes.pdf", type: "application/pdf" });
    expectProblem(res, 415, "UNSUPPORTED_FILE_TYPE");
    expect(res.body.detail).toContain("notes.pdf is a PNG image");
    expect(await sourceCount(org.organizationId)).toBe(0);
  });

  it.each([
    ["a ZIP named .docx without word/document.xml", async () => docxWithoutDocumentPart(), "report.docx", "no word/document.xml"],
    ["an old Word .doc", async () => Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), "letter.doc", "Save it as .docx"],
    ["binary bytes that are no known format", async () => Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xfd, 0x00, 0x99]), "data.txt", "neither a supported document"],
    ["text that is not UTF-8 (Latin-1)", async () => Buffer.from("Caf\xe9 cr\xe8me", "latin1"), "menu.txt", "UTF-8"],
    ["an RTF document", async () => Buffer.from("{\\rtf1\\ansi Hello}"), "letter.rtf", "RTF"],
  ])("%s is refused with 415 UNSUPPORTED_FILE_TYPE", async (_label, bytes, name, detail) => {
    const res = await uploadFile(t, owner, { bytes: await bytes(), name });
    expectProblem(res, 415, "UNSUPPORTED_FILE_TYPE");
    expect(res.body.detail).toContain(detail);
  });

  it.each([
    ["an empty file", Buffer.alloc(0)],
    ["a file of only whitespace", Buffer.from(" \n\t \r\n")],
  ])("%s is refused with 422 EMPTY_FILE", async (_label, bytes) => {
    const res = await uploadFile(t, owner, { bytes, name: "empty.txt" });
    expectProblem(res, 422, "EMPTY_FILE");
  });

  it("a truncated DOCX is accepted by its name, then fails with 'The DOCX file is damaged: …'", async () => {
    const res = await uploadFile(t, owner, { bytes: await truncatedDocx(["A document cut short by a broken download."]), name: "cut.docx" });
    expect(res.status, res.text).toBe(202);
    expect(res.body.kind).toBe("docx");
    const done = await waitForSource(t, owner, res.body.id);
    expect(done).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(done.failureReason).toMatch(/^The DOCX file is damaged: /);
  });

  it("takes only the file's own name (no path, no control characters) and defaults the title to it", async () => {
    const res = await uploadFile(t, owner, { bytes: Buffer.from("x"), name: "C:\\Users\\ada\\Price list\u0007.txt" });
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({ filename: "Price list.txt", title: "Price list" });
  });

  it("accepts the upload's optional fields: assistantId and language", async () => {
    const assistantId = await insertAssistant(t, owner.organizationId);
    const res = await uploadFile(t, owner, { bytes: Buffer.from("Hallo"), name: "de.txt" }, { assistantId, language: "german" });
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({ assistantId, language: "german" });
    const bad = await uploadFile(t, owner, { bytes: Buffer.from("x"), name: "x.txt" }, { language: "klingon" });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(["body.language"]);
  });

  it("refuses a body that is not multipart (415) and a form without exactly one file (422)", async () => {
    const json = await t.api.post(knowledgePath(owner, "/upload"), { file: "hello" }, { token: owner.accessToken });
    expectProblem(json, 415, "UNSUPPORTED_MEDIA_TYPE");

    const noFile = new FormData();
    noFile.append("title", "No file here");
    const res = await sendRaw(t, knowledgePath(owner, "/upload"), { method: "POST", body: noFile, headers: { authorization: `Bearer ${owner.accessToken}` } });
    expectProblem(res, 422, "VALIDATION_FAILED");
    expect(res.body.errors).toEqual([expect.objectContaining({ path: "body.file" })]);

    const twoFiles = new FormData();
    twoFiles.append("file", new File(["a"], "a.txt"));
    twoFiles.append("file", new File(["b"], "b.txt"));
    const two = await sendRaw(t, knowledgePath(owner, "/upload"), {
      method: "POST",
      body: twoFiles,
      headers: { authorization: `Bearer ${owner.accessToken}` },
    });
    expectProblem(two, 422, "VALIDATION_FAILED");
  });
});

describe("upload limits", () => {
  let owner: TestOrgOwner;
  beforeAll(async () => {
    owner = await createOrgWithOwner(t);
  });

  it("an 11 MiB file is refused with 413 FILE_TOO_LARGE problem+json, and nothing is stored", async () => {
    const bytes = Buffer.alloc(11 * MIB, 0x41);
    bytes.write("%PDF-1.4\n");
    const res = await uploadFile(t, owner, { bytes, name: "big.pdf" });
    expectProblem(res, 413, "FILE_TOO_LARGE");
    expect(res.body.limitBytes).toBe(KNOWLEDGE_UPLOAD_LIMIT_BYTES);
    expect(await sourceCount(owner.organizationId)).toBe(0);
  });

  it("a declared Content-Length over the limit is refused before any of the body is read", async () => {
    let pulledBytes = 0;
    const chunk = new Uint8Array(64 * 1024);
    const declaredBytes = 20 * 1000 * 1000;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulledBytes += chunk.length;
        if (pulledBytes > declaredBytes) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await sendRaw(t, knowledgePath(owner, "/upload"), {
      method: "POST",
      body,
      duplex: "half",
      headers: {
        authorization: `Bearer ${owner.accessToken}`,
        "content-type": "multipart/form-data; boundary=x",
        "content-length": String(declaredBytes),
      },
    });
    expectProblem(res, 413, "FILE_TOO_LARGE");
    // The stream may have buffered a chunk or two ahead, nothing like 20 MB.
    expect(pulledBytes).toBeLessThan(MIB);
    await body.cancel().catch(() => {});
  });

  it("a streamed body without Content-Length stops being read just past the limit", async () => {
    let pulledBytes = 0;
    const chunk = new Uint8Array(256 * 1024);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulledBytes += chunk.length;
        if (pulledBytes > 40 * MIB) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await sendRaw(t, knowledgePath(owner, "/upload"), {
      method: "POST",
      body,
      duplex: "half",
      headers: { authorization: `Bearer ${owner.accessToken}`, "content-type": "multipart/form-data; boundary=x" },
    });
    expectProblem(res, 413, "FILE_TOO_LARGE");
    expect(pulledBytes).toBeLessThan(KNOWLEDGE_UPLOAD_LIMIT_BYTES + 2 * MIB);
  });

  it("the upload route takes files above the API-wide 1 MiB body limit, which still applies to other routes", async () => {
    const paragraph = "The quick brown fox jumps over the lazy dog near the riverbank every single morning.\n\n";
    const text = paragraph.repeat(Math.ceil((2 * MIB) / paragraph.length));
    const res = await uploadFile(t, owner, { bytes: Buffer.from(text), name: "long.txt" });
    expect(res.status, res.text).toBe(202);
    expect(res.body.sizeBytes).toBeGreaterThan(2 * MIB - 1);

    const pasted = await t.api.post(knowledgePath(owner), { title: "Too long", kind: "text", content: text }, { token: owner.accessToken });
    expectProblem(pasted, 413, "BODY_TOO_LARGE");
  });

  it("a file of exactly 10 MiB is accepted, and text beyond 2 million characters fails with a reason instead of being cut", async () => {
    const line = "Every sentence in this very long file talks about the same thing again.\n";
    const text = line.repeat(Math.floor(KNOWLEDGE_UPLOAD_LIMIT_BYTES / line.length));
    const bytes = Buffer.concat([Buffer.from(text), Buffer.alloc(KNOWLEDGE_UPLOAD_LIMIT_BYTES - Buffer.byteLength(text), 0x20)]);
    expect(bytes.length).toBe(KNOWLEDGE_UPLOAD_LIMIT_BYTES);
    const res = await uploadFile(t, owner, { bytes, name: "huge.txt" });
    expect(res.status, res.text).toBe(202);
    const done = await waitForSource(t, owner, res.body.id, 45_000);
    expect(done.status).toBe("failed");
    expect(done.failureReason).toContain("more than 2,000,000 characters");
  }, 60_000);
});

describe("processing failures and reprocessing", () => {
  let owner: TestOrgOwner;
  beforeAll(async () => {
    owner = await createOrgWithOwner(t);
  });

  it.each([
    ["a PDF without text (a scanned page)", () => pdfWithoutText(), "scan.pdf", "The PDF has no extractable text (scanned image?)"],
    ["a password-protected PDF", () => pdfWithText([["Top secret"]], { encrypted: true }), "secret.pdf", "Encrypted PDFs are not supported"],
    ["a damaged PDF", () => Buffer.from("%PDF-1.7\nthis is where the objects should be\n"), "broken.pdf", "The PDF file is damaged"],
    ["an HTML page with nothing but scripts", () => Buffer.from("<html><script>alert(1)</script><style>p{}</style></html>"), "app.html", "no readable text"],
  ])("%s fails with a reason the customer can act on", async (_label, bytes, name, reason) => {
    const res = await uploadFile(t, owner, { bytes: bytes(), name });
    expect(res.status, res.text).toBe(202);
    const done = await waitForSource(t, owner, res.body.id);
    expect(done).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(done.failureReason).toContain(reason);
    expect(done.processedAt).not.toBeNull();
  });

  it("reprocessing a failed source reads it again (202 queued, then the same outcome)", async () => {
    const res = await uploadFile(t, owner, { bytes: pdfWithoutText(), name: "scan.pdf" });
    await waitForSource(t, owner, res.body.id);
    const again = await t.api.post(knowledgePath(owner, `/${res.body.id}/reprocess`), undefined, { token: owner.accessToken });
    expect(again.status, again.text).toBe(202);
    expect(again.body).toMatchObject({ id: res.body.id, status: "queued", failureReason: null });
    expect(await waitForSource(t, owner, res.body.id)).toMatchObject({ status: "failed" });
  });

  it("reprocessing a ready source replaces its chunks rather than adding to them", async () => {
    const source = await addReady(t, owner, { title: "Twice", kind: "text", content: "First paragraph.\n\nSecond paragraph." });
    const before = await chunksOf(t, source.id);
    const again = await t.api.post(knowledgePath(owner, `/${source.id}/reprocess`), undefined, { token: owner.accessToken });
    expect(again.status, again.text).toBe(202);
    const done = await waitForSource(t, owner, source.id);
    expect(done).toMatchObject({ status: "ready", chunkCount: before.length });
    expect(await chunksOf(t, source.id)).toEqual(before);
  });

  it("a source left processing by a lost job shows as failed, and reprocessing recovers it", async () => {
    const source = await addReady(t, owner, { title: "Lost", kind: "text", content: "Recovered text." });
    await t.ownerQuery("UPDATE knowledge_sources SET status = 'processing', updated_at = now() - make_interval(secs => $2) WHERE id = $1", [
      source.id,
      PROCESSING_STALE_AFTER_MS / 1000 + 60,
    ]);
    const shown = await t.api.get(knowledgePath(owner, `/${source.id}`), { token: owner.accessToken });
    expect(shown.body).toMatchObject({ status: "failed", failureReason: expect.stringContaining("interrupted") });
    expect((await t.api.post(knowledgePath(owner, `/${source.id}/reprocess`), undefined, { token: owner.accessToken })).status).toBe(202);
    expect(await waitForSource(t, owner, source.id)).toMatchObject({ status: "ready", chunkCount: 1 });
  });
});

describe("the ingest job when the database fails", () => {
  /** The platform's database, except that the n-th transaction it opens cannot connect. */
  function databaseFailingAt(n: number): Database {
    const real = t.platform.ctx.db;
    let connects = 0;
    const appPool = {
      connect: () => (++connects === n ? Promise.reject(new Error("connection refused")) : real.appPool.connect()),
    } as unknown as pg.Pool;
    return { ...real, appPool };
  }

  const statusOf = async (sourceId: string) =>
    (await t.ownerQuery<{ status: string; failure_reason: string | null }>("SELECT status, failure_reason FROM knowledge_sources WHERE id = $1", [sourceId]))
      .rows[0];

  it("rethrows for the queue to retry while attempts remain, and records a failure on the last one", async () => {
    const owner = await createOrgWithOwner(t);
    const source = await addReady(t, owner, { title: "Flaky", kind: "text", content: "Stored while the database hiccups." });
    const payload = { organizationId: owner.organizationId, sourceId: source.id };
    const lastAttempt = JOB_QUEUES["knowledge.ingest"].retryLimit;

    // The second transaction (storing the chunks) fails: on a first attempt the queue will retry.
    await expect(ingestKnowledgeSource({ ...t.platform.ctx, db: databaseFailingAt(2) }, payload, { retryCount: 0 })).rejects.toThrow("connection refused");
    expect(await statusOf(source.id)).toEqual({ status: "processing", failure_reason: null });

    // On the last attempt the failure is recorded instead: never left processing.
    await ingestKnowledgeSource({ ...t.platform.ctx, db: databaseFailingAt(2) }, payload, { retryCount: lastAttempt });
    expect(await statusOf(source.id)).toEqual({ status: "failed", failure_reason: expect.stringContaining("temporary problem") });
    expect(await chunksOf(t, source.id)).toEqual([]);

    // A healthy run afterwards makes it ready again.
    await ingestKnowledgeSource(t.platform.ctx, payload, { retryCount: 0 });
    expect(await statusOf(source.id)).toEqual({ status: "ready", failure_reason: null });
  });

  it("does nothing for a source deleted before its job ran", async () => {
    const owner = await createOrgWithOwner(t);
    await ingestKnowledgeSource(t.platform.ctx, { organizationId: owner.organizationId, sourceId: "ksrc_gone" }, { retryCount: 0 });
  });
});

describe("deleting", () => {
  it("removes the source, its stored bytes and its chunks (204), then answers 404", async () => {
    const owner = await createOrgWithOwner(t);
    const source = await addReady(t, owner, { title: "Going", kind: "text", content: "Soon gone." });
    const res = await t.api.delete(knowledgePath(owner, `/${source.id}`), undefined, { token: owner.accessToken });
    expect(res.status, res.text).toBe(204);
    for (const table of ["knowledge_sources WHERE id", "knowledge_contents WHERE source_id", "knowledge_chunks WHERE source_id"]) {
      const { rows } = await t.ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} = $1`, [source.id]);
      expect(rows[0]!.n, table).toBe(0);
    }
    expectProblem(await t.api.get(knowledgePath(owner, `/${source.id}`), { token: owner.accessToken }), 404, "NOT_FOUND");
    expectProblem(await t.api.delete(knowledgePath(owner, `/${source.id}`), undefined, { token: owner.accessToken }), 404, "NOT_FOUND");
  });
});

describe("roles and tenancy", () => {
  it("a viewer may list, read and search, but not add, upload, reprocess or delete (403)", async () => {
    const owner = await createOrgWithOwner(t);
    const viewer = await addTeammate(t, owner, "viewer");
    const source = await addReady(t, owner, { title: "Hours", kind: "text", content: "Open daily." });
    const as = { token: viewer.accessToken };
    expect((await t.api.get(knowledgePath(owner), as)).status).toBe(200);
    expect((await t.api.get(knowledgePath(owner, `/${source.id}`), as)).status).toBe(200);
    expect((await t.api.get(knowledgePath(owner, "/search?q=open"), as)).body.items).toHaveLength(1);
    expectProblem(await t.api.post(knowledgePath(owner), { title: "x", kind: "text", content: "x" }, as), 403, "FORBIDDEN");
    expectProblem(await uploadFile(t, owner, { bytes: Buffer.from("x"), name: "x.txt" }, {}, viewer.accessToken), 403, "FORBIDDEN");
    expectProblem(await t.api.post(knowledgePath(owner, `/${source.id}/reprocess`), undefined, as), 403, "FORBIDDEN");
    expectProblem(await t.api.delete(knowledgePath(owner, `/${source.id}`), undefined, as), 403, "FORBIDDEN");
  });

  it("a member may add and delete knowledge", async () => {
    const owner = await createOrgWithOwner(t);
    const member = await addTeammate(t, owner, "member");
    const source = await addPasted(t, owner, { title: "By a member", kind: "text", content: "x" }, member.accessToken);
    expect((await t.api.delete(knowledgePath(owner, `/${source.id}`), undefined, { token: member.accessToken })).status).toBe(204);
  });

  it("another organization's source is 404 on read, delete and reprocess, even through one's own organization", async () => {
    const a = await createOrgWithOwner(t);
    const b = await createOrgWithOwner(t);
    const source = await addReady(t, a, { title: "A's", kind: "text", content: "Private to A." });
    const asB = { token: b.accessToken };
    expectProblem(await t.api.get(knowledgePath(b, `/${source.id}`), asB), 404, "NOT_FOUND");
    expectProblem(await t.api.delete(knowledgePath(b, `/${source.id}`), undefined, asB), 404, "NOT_FOUND");
    expectProblem(await t.api.post(knowledgePath(b, `/${source.id}/reprocess`), undefined, asB), 404, "NOT_FOUND");
    expectProblem(await t.api.get(knowledgePath(a, `/${source.id}`), asB), 404, "NOT_FOUND");
    expect((await t.api.get(knowledgePath(b), asB)).body.items).toEqual([]);
    expect((await waitForSource(t, a, source.id)).status).toBe("ready");
  });
});

// A knowledge source per security organization, for the routes that name one.
const securitySources = new Map<string, Promise<Record<string, string>>>();
function sourceIdsOf(tp: TestPlatform, org: SecurityOrg): Promise<Record<string, string>> {
  let ids = securitySources.get(org.organizationId);
  if (!ids) {
    ids = addPasted(tp, { organizationId: org.organizationId, accessToken: org.owner.accessToken }, { title: "Security", kind: "text", content: "x" }).then(
      (source) => ({ sourceId: source.id }),
    );
    securitySources.set(org.organizationId, ids);
  }
  return ids;
}

const pastedBody = () => ({ title: "Security check", kind: "text", content: "Some knowledge." });

describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/knowledge" });
describeRouteSecurity(() => t, { method: "POST", path: "/api/v1/orgs/{orgId}/knowledge", deniedRoles: ["viewer"], body: pastedBody });
describeRouteSecurity(() => t, { method: "POST", path: "/api/v1/orgs/{orgId}/knowledge/upload", deniedRoles: ["viewer"] });
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/knowledge/search" });
describeRouteSecurity(() => t, { method: "GET", path: "/api/v1/orgs/{orgId}/knowledge/{sourceId}", subResourceIds: sourceIdsOf });
describeRouteSecurity(() => t, { method: "DELETE", path: "/api/v1/orgs/{orgId}/knowledge/{sourceId}", deniedRoles: ["viewer"], subResourceIds: sourceIdsOf });
describeRouteSecurity(() => t, {
  method: "POST",
  path: "/api/v1/orgs/{orgId}/knowledge/{sourceId}/reprocess",
  deniedRoles: ["viewer"],
  subResourceIds: sourceIdsOf,
});
