// Turns HTML (a pasted or uploaded web page, or a DOCX converted by mammoth) into headings and
// paragraphs of plain text. Scripts, styles and other non-text elements are dropped; headings,
// list items, table rows and paragraph breaks survive. One linear pass, no regex backtracking,
// nothing executed or fetched: the input is untrusted.
import { cleanBlocks, normaliseInline, type TextBlock } from "./text-blocks.js";

/** Elements whose content is never text for a reader (raw text elements are skipped up to their end tag). */
const RAW_TEXT_SKIPPED = new Set(["script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"]);
/** Elements with nested markup that is not body text. */
const NESTED_SKIPPED = new Set(["svg", "math", "template", "object", "canvas", "video", "audio", "select", "map"]);
const PARAGRAPH_ELEMENTS = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "caption",
  "center",
  "details",
  "dialog",
  "dir",
  "div",
  "dl",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "header",
  "hgroup",
  "hr",
  "html",
  "legend",
  "main",
  "menu",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "table",
  "tbody",
  "tfoot",
  "thead",
  "ul",
]);
const LINE_ELEMENTS = new Set(["br", "dt", "dd", "tr", "li", "option"]);
const HEADING = /^h([1-6])$/;
/** A "heading" longer than this is a page that forgot to close its <h1>: kept as a paragraph. */
const MAX_HEADING_CHARS = 200;

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  lsquo: "‘",
  rsquo: "’",
  sbquo: "‚",
  ldquo: "“",
  rdquo: "”",
  bdquo: "„",
  bull: "•",
  euro: "€",
  trade: "™",
  dagger: "†",
  Dagger: "‡",
  permil: "‰",
  lsaquo: "‹",
  rsaquo: "›",
  oelig: "œ",
  OElig: "Œ",
  scaron: "š",
  Scaron: "Š",
  ensp: " ",
  emsp: " ",
  thinsp: " ",
  zwnj: "\u200C",
  zwj: "\u200D",
  larr: "←",
  rarr: "→",
  uarr: "↑",
  darr: "↓",
  check: "✓",
};
// HTML's Latin-1 entities, in code point order from U+00A0.
const LATIN1_NAMES =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest " +
  "Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig " +
  "agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml";
LATIN1_NAMES.split(" ").forEach((name, i) => {
  NAMED_ENTITIES[name] = String.fromCodePoint(0xa0 + i);
});
/** Entities browsers accept without the semicolon, as old pages write them. */
const LEGACY_ENTITIES = ["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"];

function codePointText(code: number): string {
  if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\uFFFD";
  return String.fromCodePoint(code);
}

/** Decodes character references: named (the common ones), decimal and hexadecimal. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,8};?|#[0-9]{1,9};?|[a-zA-Z][a-zA-Z0-9]{1,31};?)/g, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const hex = ref[1] === "x" || ref[1] === "X";
      return codePointText(Number.parseInt(ref.slice(hex ? 2 : 1).replace(";", ""), hex ? 16 : 10));
    }
    if (ref.endsWith(";")) return NAMED_ENTITIES[ref.slice(0, -1)] ?? whole;
    const legacy = LEGACY_ENTITIES.find((name) => ref.startsWith(name));
    return legacy ? NAMED_ENTITIES[legacy] + ref.slice(legacy.length) : whole;
  });
}

type Tag = { name: string; closing: boolean; selfClosing: boolean; end: number };

/** Reads the tag starting at `start` ('<'), skipping quoted attribute values (which may hold '>'). */
function readTag(html: string, start: number): Tag | null {
  let i = start + 1;
  const closing = html[i] === "/";
  if (closing) i++;
  const nameStart = i;
  while (i < html.length && /[A-Za-z0-9:-]/.test(html[i]!)) i++;
  if (i === nameStart || !/[A-Za-z]/.test(html[nameStart]!)) return null;
  const name = html.slice(nameStart, i).toLowerCase();
  let quote: string | null = null;
  for (; i < html.length; i++) {
    const ch = html[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === ">") {
      return { name, closing, selfClosing: html[i - 1] === "/", end: i + 1 };
    }
  }
  return { name, closing, selfClosing: false, end: html.length };
}

/** Index just past the end tag `</name ...>` at or after `from`, matched case-insensitively; the end of input if none. */
function skipPastEndTag(html: string, lower: string, name: string, from: number): number {
  const at = lower.indexOf(`</${name}`, from);
  if (at === -1) return html.length;
  const close = html.indexOf(">", at);
  return close === -1 ? html.length : close + 1;
}

/**
 * Collects text into lines, paragraphs and headings as the tags ask. A line is kept as a list of
 * parts with flags, never re-read as a growing string: a page of a million tiny elements on one
 * line must stay linear.
 */
class BlockWriter {
  readonly blocks: TextBlock[] = [];
  private lines: string[] = [];
  private parts: string[] = [];
  private lineHasText = false;
  private lineEndsWithSpace = true;
  private heading: { level: number; parts: string[]; hasText: boolean } | null = null;
  preDepth = 0;

  private append(part: string) {
    this.parts.push(part);
    this.lineEndsWithSpace = part.endsWith(" ");
    if (!this.lineHasText && /\S/.test(part)) this.lineHasText = true;
  }

  text(raw: string) {
    const decoded = decodeEntities(raw);
    if (this.heading) {
      this.heading.parts.push(decoded);
      if (!this.heading.hasText && /\S/.test(decoded)) this.heading.hasText = true;
      return;
    }
    if (this.preDepth > 0) {
      decoded.split("\n").forEach((line, i) => {
        if (i > 0) this.lineBreak();
        if (line) this.append(line);
      });
      return;
    }
    let collapsed = decoded.replace(/\s+/g, " ");
    if (this.lineEndsWithSpace && collapsed.startsWith(" ")) collapsed = collapsed.slice(1);
    if (collapsed) this.append(collapsed);
  }

  separator(value: string) {
    if (this.heading) this.heading.parts.push(" ");
    else if (this.lineHasText) this.append(value);
  }

  lineBreak() {
    if (this.heading) {
      this.heading.parts.push(" ");
      return;
    }
    if (this.lineHasText) this.lines.push(this.parts.join("").trimEnd());
    this.parts = [];
    this.lineHasText = false;
    this.lineEndsWithSpace = true;
  }

  paragraphBreak() {
    this.lineBreak();
    if (this.lines.length > 0) this.blocks.push({ kind: "paragraph", text: this.lines.join("\n") });
    this.lines = [];
  }

  /** Starts a line with a list marker ("- ", "2. "), which alone does not make the line count as text. */
  startLine(prefix: string) {
    this.lineBreak();
    this.parts = [prefix];
    this.lineEndsWithSpace = true;
  }

  startHeading(level: number) {
    this.paragraphBreak();
    this.heading = { level, parts: [], hasText: false };
  }

  /** A heading with text is open: a block element inside it ends it (an unclosed <h1> must not swallow the page). */
  get headingHasText(): boolean {
    return this.heading?.hasText ?? false;
  }

  endHeading() {
    if (!this.heading) return;
    const text = normaliseInline(this.heading.parts.join(""));
    if (text.length > MAX_HEADING_CHARS) this.blocks.push({ kind: "paragraph", text });
    else if (text) this.blocks.push({ kind: "heading", level: this.heading.level, text });
    this.heading = null;
  }
}

export function htmlToBlocks(html: string): TextBlock[] {
  // ASCII-only lower case keeps every index aligned with the input (toLowerCase can change lengths).
  const lower = html.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  const out = new BlockWriter();
  const skipped: string[] = [];
  const lists: { ordered: boolean; next: number }[] = [];
  let cellInRow = 0;
  let i = 0;
  const lastEndTags = new Map<string, number>();
  const lastEndTag = (name: string) => {
    let at = lastEndTags.get(name);
    if (at === undefined) {
      at = lower.lastIndexOf(`</${name}`);
      lastEndTags.set(name, at);
    }
    return at;
  };

  while (i < html.length) {
    const lt = html.indexOf("<", i);
    const textEnd = lt === -1 ? html.length : lt;
    if (textEnd > i && skipped.length === 0) out.text(html.slice(i, textEnd));
    if (lt === -1) break;
    i = lt;

    if (html.startsWith("<!--", i)) {
      const end = html.indexOf("-->", i + 4);
      i = end === -1 ? html.length : end + 3;
      continue;
    }
    if (html.startsWith("<![CDATA[", i)) {
      const end = html.indexOf("]]>", i + 9);
      if (skipped.length === 0) out.text(html.slice(i + 9, end === -1 ? html.length : end).replaceAll("&", "&amp;"));
      i = end === -1 ? html.length : end + 3;
      continue;
    }
    if (html[i + 1] === "!" || html[i + 1] === "?") {
      const end = html.indexOf(">", i);
      i = end === -1 ? html.length : end + 1;
      continue;
    }
    const tag = readTag(html, i);
    if (!tag) {
      if (skipped.length === 0) out.text("<");
      i++;
      continue;
    }
    i = tag.end;
    const { name } = tag;

    if (skipped.length > 0) {
      if (!tag.closing && name === skipped.at(-1) && !tag.selfClosing) skipped.push(name);
      else if (tag.closing && name === skipped.at(-1)) skipped.pop();
      continue;
    }
    if (!tag.closing && RAW_TEXT_SKIPPED.has(name)) {
      if (!tag.selfClosing) i = skipPastEndTag(html, lower, name, i);
      continue;
    }
    if (!tag.closing && NESTED_SKIPPED.has(name)) {
      // Skipped up to its end tag; one that is never closed is not skipped, so it cannot hide the rest of the page.
      if (!tag.selfClosing && lastEndTag(name) > i) skipped.push(name);
      continue;
    }
    if (out.headingHasText && PARAGRAPH_ELEMENTS.has(name)) out.endHeading();

    const heading = HEADING.exec(name);
    if (heading) {
      if (tag.closing) out.endHeading();
      else out.startHeading(Number(heading[1]));
      continue;
    }
    if (name === "pre") out.preDepth = Math.max(0, out.preDepth + (tag.closing ? -1 : 1));
    if (name === "ul" || name === "ol" || name === "menu" || name === "dir") {
      if (tag.closing) lists.pop();
      else lists.push({ ordered: name === "ol", next: 1 });
    }
    if (name === "li" && !tag.closing) {
      const list = lists.at(-1);
      out.startLine(list?.ordered ? `${list.next++}. ` : "- ");
      continue;
    }
    if (name === "tr") cellInRow = 0;
    if ((name === "td" || name === "th") && !tag.closing) {
      if (cellInRow++ > 0) out.separator(" | ");
      continue;
    }
    if (PARAGRAPH_ELEMENTS.has(name)) out.paragraphBreak();
    else if (LINE_ELEMENTS.has(name)) out.lineBreak();
    else if (!tag.closing && (name === "img" || name === "input")) out.text(" ");
  }
  out.endHeading();
  out.paragraphBreak();
  return cleanBlocks(out.blocks);
}
