// Reads a stored source's bytes into headings and paragraphs: PDF with unpdf (pdf.js), DOCX with
// mammoth (to HTML, then our HTML reader), HTML, Markdown and plain text. Failures come out as
// ExtractionFailed with a reason a customer can act on; time and size are bounded.
import mammoth from "mammoth";
import { getDocumentProxy } from "unpdf";
import { DOCX_MAIN_PART, decodeTextFile, readZipDirectory } from "./detect-file-type.js";
import { htmlToBlocks } from "./html-to-text.js";
import type { KnowledgeKind } from "./schema.js";
import { cleanBlocks, countBlockCharacters, markdownToBlocks, normaliseInline, plainTextToBlocks, type TextBlock } from "./text-blocks.js";

/** Extraction of one source stops after this long. */
export const EXTRACTION_TIME_LIMIT_MS = 60_000;
/** About 1,000 pages of text; more is refused rather than silently cut. */
export const MAX_EXTRACTED_CHARS = 2_000_000;
/** A DOCX's XML parts may unpack to this much at most (a ZIP bomb stops here, before mammoth parses it). */
export const DOCX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024;

/** A permanent failure: the same bytes would fail the same way, so the job does not retry. */
export class ExtractionFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "ExtractionFailed";
  }
}

export type ExtractionLimits = { timeLimitMs: number; maxChars: number };

const DEFAULT_LIMITS: ExtractionLimits = { timeLimitMs: EXTRACTION_TIME_LIMIT_MS, maxChars: MAX_EXTRACTED_CHARS };

function tooLong(maxChars: number): ExtractionFailed {
  return new ExtractionFailed(`The document has more than ${maxChars.toLocaleString("en-US")} characters of text. Split it into smaller files.`);
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").trim().slice(0, 200) || "unknown error";
}

// ---- PDF ----

type PdfTextItem = { str: string; hasEOL: boolean; transform: number[]; height: number };
type PdfLine = { text: string; y: number; size: number; page: number };

/** pdf.js text items → lines (an item ends its line, or the baseline moves by more than half a line). */
function linesOfPage(items: PdfTextItem[], page: number): PdfLine[] {
  const lines: PdfLine[] = [];
  let current: PdfLine | null = null;
  for (const item of items) {
    const [, , c = 0, d = 0, , y = 0] = item.transform;
    const size = Math.hypot(c, d) || item.height || 1;
    if (item.str !== "") {
      if (current && Math.abs(current.y - y) > Math.max(current.size, size) / 2) {
        lines.push(current);
        current = null;
      }
      if (current) {
        current.text += item.str;
        current.size = Math.max(current.size, size);
      } else {
        current = { text: item.str, y, size, page };
      }
    }
    if (item.hasEOL && current) {
      lines.push(current);
      current = null;
    }
  }
  if (current) lines.push(current);
  return lines.filter((line) => line.text.trim() !== "");
}

/** The font size most of the text is set in (by characters). */
function bodyFontSize(lines: PdfLine[]): number {
  const bySize = new Map<number, number>();
  for (const line of lines) {
    const size = Math.round(line.size * 2) / 2;
    bySize.set(size, (bySize.get(size) ?? 0) + line.text.length);
  }
  let best = 0;
  let bestCount = -1;
  for (const [size, count] of bySize) {
    if (count > bestCount) [best, bestCount] = [size, count];
  }
  return best;
}

/**
 * PDFs carry no structure, only positioned text: a line set clearly larger than the body text
 * (and short) is a heading; a vertical gap wider than a normal line spacing, a jump back up the
 * page (a new column) or a new page starts a paragraph. Wrapped lines join with a space, or
 * without their hyphen when a word was split ("infor-" + "mation").
 */
export function pdfLinesToBlocks(lines: PdfLine[]): TextBlock[] {
  const body = bodyFontSize(lines);
  const blocks: TextBlock[] = [];
  // The block being built, as lines (joined once at the end: a paragraph may run for thousands of lines).
  type Building = { kind: "heading" | "paragraph"; level: number; lines: string[] };
  let current = null as Building | null;
  const flush = () => {
    if (current?.kind === "heading") blocks.push({ kind: "heading", level: current.level, text: current.lines.join(" ") });
    else if (current) blocks.push({ kind: "paragraph", text: current.lines.join("") });
    current = null;
  };
  let previous: PdfLine | null = null;
  for (const line of lines) {
    const text = normaliseInline(line.text);
    const isHeading = line.size >= body * 1.2 && text.length <= 120 && /\p{L}/u.test(text);
    const gap = previous ? previous.y - line.y : 0;
    const sameFlow =
      previous !== null &&
      previous.page === line.page &&
      gap > 0 &&
      gap <= Math.max(previous.size, line.size) * 1.75 &&
      Math.abs(previous.size - line.size) < 0.5;
    const kind = isHeading ? "heading" : "paragraph";
    if (sameFlow && current?.kind === kind) {
      const last = current.lines.at(-1) ?? "";
      if (kind === "paragraph" && /\p{L}-$/u.test(last) && /^\p{Ll}/u.test(text)) current.lines[current.lines.length - 1] = last.slice(0, -1);
      else if (kind === "paragraph") current.lines.push(" ");
      current.lines.push(text);
    } else {
      flush();
      current = { kind, level: line.size >= body * 1.6 ? 1 : line.size >= body * 1.35 ? 2 : 3, lines: [text] };
    }
    previous = line;
  }
  flush();
  return blocks;
}

function pdfFailure(error: unknown): ExtractionFailed {
  const name = (error as { name?: string } | null)?.name;
  if (name === "PasswordException")
    return new ExtractionFailed("Encrypted PDFs are not supported. Remove the password (print to PDF without one) and upload it again.");
  if (name === "InvalidPDFException") return new ExtractionFailed(`The PDF file is damaged: ${errorMessage(error)}`);
  return new ExtractionFailed(`The PDF file could not be read: ${errorMessage(error)}`);
}

async function pdfBlocks(bytes: Uint8Array, limits: ExtractionLimits, deadline: number): Promise<TextBlock[]> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // A copy: pdf.js takes ownership of (detaches) the buffer it is given.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false, stopAtErrors: false });
  } catch (error) {
    throw pdfFailure(error);
  }
  try {
    const lines: PdfLine[] = [];
    let chars = 0;
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
      if (Date.now() > deadline) throw timedOut(limits);
      const page = await pdf.getPage(pageNumber);
      const content = await page.getTextContent();
      const items = content.items.flatMap((item) => ("str" in item ? [item as PdfTextItem] : []));
      const pageLines = linesOfPage(items, pageNumber);
      page.cleanup();
      chars += pageLines.reduce((sum, line) => sum + line.text.length, 0);
      if (chars > limits.maxChars) throw tooLong(limits.maxChars);
      lines.push(...pageLines);
    }
    return pdfLinesToBlocks(lines);
  } catch (error) {
    throw error instanceof ExtractionFailed ? error : pdfFailure(error);
  } finally {
    await pdf.destroy().catch(() => {});
  }
}

// ---- DOCX ----

async function docxBlocks(bytes: Uint8Array): Promise<TextBlock[]> {
  const entries = readZipDirectory(bytes);
  if (entries === null) throw new ExtractionFailed("The DOCX file is damaged: its ZIP directory is missing (was the file cut short?).");
  if (!entries.some((entry) => entry.name === DOCX_MAIN_PART)) throw new ExtractionFailed(`The DOCX file is damaged: it has no ${DOCX_MAIN_PART}.`);
  const unpackedXml = entries.filter((entry) => /\.(xml|rels)$/i.test(entry.name)).reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (unpackedXml > DOCX_MAX_UNPACKED_BYTES) {
    throw new ExtractionFailed(
      `The DOCX file unpacks to more than ${DOCX_MAX_UNPACKED_BYTES / 1024 / 1024} MB of text and markup. Split it into smaller documents.`,
    );
  }
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        // Never read files a document links to, and never decode images: only the text matters.
        externalFileAccess: false,
        convertImage: mammoth.images.imgElement(async () => ({ src: "" })),
      },
    );
    html = result.value;
  } catch (error) {
    throw new ExtractionFailed(`The DOCX file is damaged: ${errorMessage(error)}`);
  }
  return htmlToBlocks(html);
}

// ---- everything ----

function timedOut(limits: ExtractionLimits): ExtractionFailed {
  return new ExtractionFailed(`Reading the document took longer than ${Math.round(limits.timeLimitMs / 1000)} seconds. Split it into smaller files.`);
}

function textOf(bytes: Uint8Array): string {
  const text = decodeTextFile(bytes);
  if (text === null) throw new ExtractionFailed("The file is not UTF-8 text.");
  return text;
}

const EMPTY_REASONS: Record<KnowledgeKind, string> = {
  pdf: "The PDF has no extractable text (scanned image?). Upload a PDF with selectable text, or paste the text instead.",
  docx: "The Word document has no text.",
  html: "The HTML has no readable text (only markup, scripts or styles).",
  markdown: "The file is empty.",
  text: "The file is empty.",
};

async function blocksOf(kind: KnowledgeKind, bytes: Uint8Array, limits: ExtractionLimits, deadline: number): Promise<TextBlock[]> {
  switch (kind) {
    case "pdf":
      return pdfBlocks(bytes, limits, deadline);
    case "docx":
      return docxBlocks(bytes);
    case "html":
      return htmlToBlocks(textOf(bytes));
    case "markdown":
      return markdownToBlocks(textOf(bytes));
    case "text":
      return plainTextToBlocks(textOf(bytes));
  }
}

/**
 * The headings and paragraphs of a source, normalised. Throws ExtractionFailed for anything the
 * customer must fix (damaged, encrypted, empty, too long, too slow). The time limit is checked
 * between PDF pages and around the whole extraction; a parser still busy when it passes is
 * abandoned (its result ignored).
 */
export async function extractBlocks(kind: KnowledgeKind, bytes: Uint8Array, limits: ExtractionLimits = DEFAULT_LIMITS): Promise<TextBlock[]> {
  if (bytes.length === 0) throw new ExtractionFailed("The file is empty.");
  const deadline = Date.now() + limits.timeLimitMs;
  let timer: NodeJS.Timeout | undefined;
  const timeLimit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut(limits)), limits.timeLimitMs);
  });
  try {
    const blocks = cleanBlocks(await Promise.race([blocksOf(kind, bytes, limits, deadline), timeLimit]));
    if (countBlockCharacters(blocks) > limits.maxChars) throw tooLong(limits.maxChars);
    if (blocks.length === 0) throw new ExtractionFailed(EMPTY_REASONS[kind]);
    // Only headings (a one-line document in a large font): they are the text.
    if (!blocks.some((block) => block.kind === "paragraph")) return blocks.map((block) => ({ kind: "paragraph", text: block.text }));
    return blocks;
  } finally {
    clearTimeout(timer);
  }
}
