// Decides what an uploaded file really is from its bytes (magic numbers, the ZIP directory, UTF-8
// validity), using the file name only to choose between text formats. A file whose name lies is
// handled as what it really is, or refused when that is not something the knowledge base reads.
import { DomainError, Invalid } from "../../errors.js";
import type { KnowledgeKind } from "./schema.js";

/** 415: the bytes are a format the knowledge base does not read (whatever the name says). */
export class UnsupportedFileType extends DomainError {
  readonly status = 415;
  readonly title = "Unsupported file type";
  constructor(message: string) {
    super("UNSUPPORTED_FILE_TYPE", message);
  }
}

export const KNOWLEDGE_MIME_TYPES: Record<KnowledgeKind, string> = {
  text: "text/plain",
  markdown: "text/markdown",
  html: "text/html",
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

const SUPPORTED = "Upload plain text, Markdown, HTML, PDF or Word (.docx) files.";

/** PDF readers accept the header anywhere in the first kilobyte. */
const PDF_HEADER_WINDOW_BYTES = 1024;

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY_ARCHIVE = [0x50, 0x4b, 0x05, 0x06];

/** Binary formats people upload by mistake, named so the refusal says what the file is. */
const KNOWN_BINARY_FORMATS: { name: string; offset: number; bytes: number[]; hint?: string }[] = [
  { name: "a PNG image", offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { name: "a JPEG image", offset: 0, bytes: [0xff, 0xd8, 0xff] },
  { name: "a GIF image", offset: 0, bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: "a WebP image", offset: 8, bytes: [0x57, 0x45, 0x42, 0x50] },
  { name: "a WAV audio file", offset: 8, bytes: [0x57, 0x41, 0x56, 0x45] },
  { name: "a TIFF image", offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00] },
  { name: "a TIFF image", offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { name: "an MP3 audio file", offset: 0, bytes: [0x49, 0x44, 0x33] },
  { name: "an Ogg media file", offset: 0, bytes: [0x4f, 0x67, 0x67, 0x53] },
  { name: "an MP4 or QuickTime video", offset: 4, bytes: [0x66, 0x74, 0x79, 0x70] },
  { name: "a gzip archive", offset: 0, bytes: [0x1f, 0x8b] },
  { name: "a 7-Zip archive", offset: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: "a RAR archive", offset: 0, bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
  { name: "a Windows program", offset: 0, bytes: [0x4d, 0x5a] },
  { name: "an ELF program", offset: 0, bytes: [0x7f, 0x45, 0x4c, 0x46] },
  {
    name: "an old-format Office file (.doc, .xls or .ppt)",
    offset: 0,
    bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    hint: "Save it as .docx (File → Save As in Word) and upload that.",
  },
];

function startsWith(bytes: Uint8Array, offset: number, signature: number[]): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

function indexOfAscii(bytes: Uint8Array, needle: string, limit: number): number {
  const end = Math.min(bytes.length, limit) - needle.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}

export type ZipEntry = { name: string; compressedSize: number; uncompressedSize: number };

/**
 * The entries of a ZIP archive, read from its central directory (at the end of the file), or
 * null when that directory cannot be found or read: a truncated or damaged archive.
 * ZIP64 archives (over 4 GiB) are not expected under the upload limit and read as damaged.
 */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const EOCD_SIZE = 22;
  const MAX_COMMENT = 0xffff;
  let eocd = -1;
  for (let i = bytes.length - EOCD_SIZE; i >= Math.max(0, bytes.length - EOCD_SIZE - MAX_COMMENT); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) return null;
  const count = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (directoryOffset + directorySize > eocd) return null;
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== 0x02014b50) return null;
    const compressedSize = view.getUint32(at + 20, true);
    const uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength > eocd) return null;
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    entries.push({ name, compressedSize, uncompressedSize });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export const DOCX_MAIN_PART = "word/document.xml";

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot === -1 ? "" : filename.slice(dot + 1).toLowerCase();
}

const MARKDOWN_EXTENSIONS = new Set(["md", "markdown", "mdown", "mkd"]);
const HTML_EXTENSIONS = new Set(["html", "htm", "xhtml"]);

function looksLikeHtmlDocument(text: string): boolean {
  return /^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(text.slice(0, 2048));
}

function looksLikeMarkup(text: string): boolean {
  return /<\/?[a-z][a-z0-9]*[\s>/]/i.test(text.slice(0, 65_536));
}

export type DetectedFile = { kind: KnowledgeKind; mimeType: string };

/** Text of an upload: UTF-8 (with or without BOM) or UTF-16 with a BOM; null when it is not text. */
export function decodeTextFile(bytes: Uint8Array): string | null {
  try {
    if (startsWith(bytes, 0, [0xff, 0xfe])) return new TextDecoder("utf-16le", { fatal: true }).decode(bytes.subarray(2));
    if (startsWith(bytes, 0, [0xfe, 0xff])) return new TextDecoder("utf-16be", { fatal: true }).decode(bytes.subarray(2));
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    // NUL and most C0 controls do not occur in text files; their presence means a binary format.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting binary content
    if (/[\u0000-\u0008\u000E-\u001A\u001C-\u001F]/.test(text.slice(0, 65_536))) return null;
    return text;
  } catch {
    return null;
  }
}

/**
 * What the bytes are, in this order: PDF (header), DOCX (a ZIP whose directory lists
 * word/document.xml, or an unreadable ZIP named .docx, which ingestion then reports as damaged),
 * then text (UTF-8, or UTF-16 with a BOM; anything else is refused, naming a known binary format),
 * and among texts HTML (by content, or by name when it has tags), Markdown (by name) or plain text.
 */
export function detectFileType(bytes: Uint8Array, filename: string, claimedMimeType: string | null): DetectedFile {
  const label = filename || "The file";
  if (bytes.length === 0) throw new Invalid("EMPTY_FILE", `${label} is empty.`);
  const extension = extensionOf(filename);

  if (indexOfAscii(bytes, "%PDF-", PDF_HEADER_WINDOW_BYTES) !== -1) return { kind: "pdf", mimeType: KNOWLEDGE_MIME_TYPES.pdf };

  if (startsWith(bytes, 0, ZIP_LOCAL_HEADER) || startsWith(bytes, 0, ZIP_EMPTY_ARCHIVE)) {
    const entries = readZipDirectory(bytes);
    if (entries?.some((entry) => entry.name === DOCX_MAIN_PART)) return { kind: "docx", mimeType: KNOWLEDGE_MIME_TYPES.docx };
    const claimsDocx = extension === "docx" || claimedMimeType === KNOWLEDGE_MIME_TYPES.docx;
    if (entries === null && claimsDocx) return { kind: "docx", mimeType: KNOWLEDGE_MIME_TYPES.docx };
    if (entries === null) throw new UnsupportedFileType(`${label} is a damaged ZIP archive. ${SUPPORTED}`);
    if (claimsDocx) throw new UnsupportedFileType(`${label} is not a valid Word document: the archive has no ${DOCX_MAIN_PART}. ${SUPPORTED}`);
    throw new UnsupportedFileType(`${label} is a ZIP archive, not a Word document. ${SUPPORTED}`);
  }

  const text = decodeTextFile(bytes);
  if (text === null) {
    // Only now: some signatures are printable ("GIF8", "MZ"), and a text file may begin with them.
    const known = KNOWN_BINARY_FORMATS.find((format) => startsWith(bytes, format.offset, format.bytes));
    if (known) throw new UnsupportedFileType(`${label} is ${known.name}. ${known.hint ?? SUPPORTED}`);
    throw new UnsupportedFileType(`${label} is neither a supported document nor UTF-8 text. ${SUPPORTED}`);
  }
  if (/^\s*\{\\rtf/.test(text.slice(0, 64))) throw new UnsupportedFileType(`${label} is an RTF document. Save it as .docx or plain text and upload that.`);
  if (text.trim() === "") throw new Invalid("EMPTY_FILE", `${label} has no text in it.`);

  const claimsHtml = HTML_EXTENSIONS.has(extension) || claimedMimeType === "text/html";
  if (looksLikeHtmlDocument(text) || (claimsHtml && looksLikeMarkup(text))) return { kind: "html", mimeType: KNOWLEDGE_MIME_TYPES.html };
  if (MARKDOWN_EXTENSIONS.has(extension) || claimedMimeType === "text/markdown") return { kind: "markdown", mimeType: KNOWLEDGE_MIME_TYPES.markdown };
  return { kind: "text", mimeType: KNOWLEDGE_MIME_TYPES.text };
}
