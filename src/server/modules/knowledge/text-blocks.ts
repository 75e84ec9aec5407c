// The document model every extractor produces (headings and paragraphs of clean text), the
// whitespace normalisation they share, and the readers for plain text and Markdown.

export type TextBlock = { kind: "heading"; level: number; text: string } | { kind: "paragraph"; text: string };

/**
 * Search highlights are wrapped in these two private-use characters before being turned into
 * <mark> tags (see search.ts); they are removed from every indexed text so content cannot forge one.
 */
export const HIGHLIGHT_START = "\uE000";
export const HIGHLIGHT_END = "\uE001";

// Private-use characters (icon fonts in PDFs, and our highlight markers), C0/C1 controls other than
// tab and newline, zero-width characters, the soft hyphen and the byte-order mark.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const INVISIBLE = /[\uE000-\uF8FF\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F\u00AD\u200B\u2060\uFEFF]/g;
const UNICODE_SPACES = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;

/**
 * Cleans extracted text: NFC, one kind of line ending, page breaks as paragraph breaks, no
 * invisible or control characters, single spaces, trimmed lines, at most one blank line in a row.
 */
export function normaliseText(text: string): string {
  return text
    .toWellFormed()
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(/[\f\u2028\u2029]/g, "\n\n")
    .replace(INVISIBLE, "")
    .replace(UNICODE_SPACES, " ")
    .replace(/ {2,}/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** One line of normalised text (headings, table cells): every run of whitespace becomes one space. */
export function normaliseInline(text: string): string {
  return normaliseText(text).replace(/\s+/g, " ");
}

/** Drops empty blocks and normalises the rest. */
export function cleanBlocks(blocks: TextBlock[]): TextBlock[] {
  const out: TextBlock[] = [];
  for (const block of blocks) {
    const text = block.kind === "heading" ? normaliseInline(block.text) : normaliseText(block.text);
    if (text) out.push({ ...block, text });
  }
  return out;
}

export function countBlockCharacters(blocks: TextBlock[]): number {
  return blocks.reduce((sum, block) => sum + block.text.length, 0);
}

/** Plain text: paragraphs are separated by blank lines; there are no headings. */
export function plainTextToBlocks(text: string): TextBlock[] {
  return cleanBlocks(
    normaliseText(text)
      .split(/\n{2,}/)
      .map((paragraph) => ({ kind: "paragraph", text: paragraph })),
  );
}

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Heading text without the Markdown around it: links keep their text, emphasis and code marks go. */
function markdownHeadingText(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/(\*\*|__|\*|_|`)/g, "")
    .trim();
}

/**
 * Markdown is indexed as the text it is (a reader of a snippet sees the same marks the author
 * wrote), but its ATX (`## Parking`) and setext headings become headings, so each chunk knows the
 * section it comes from. Fenced code blocks are kept whole and never read as headings.
 */
export function markdownToBlocks(markdown: string): TextBlock[] {
  const lines = normaliseText(markdown).split("\n");
  const blocks: TextBlock[] = [];
  let paragraph: string[] = [];
  let fence: string | null = null;
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: "paragraph", text: paragraph.join("\n") });
    paragraph = [];
  };
  for (const line of lines) {
    if (fence !== null) {
      paragraph.push(line);
      if (line.trim().startsWith(fence)) {
        fence = null;
        flush();
      }
      continue;
    }
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      flush();
      fence = fenceMatch[1]!;
      paragraph.push(line);
      continue;
    }
    const atx = ATX_HEADING.exec(line);
    if (atx) {
      flush();
      blocks.push({ kind: "heading", level: atx[1]!.length, text: markdownHeadingText(atx[2] ?? "") });
      continue;
    }
    const setext = SETEXT_UNDERLINE.exec(line);
    if (setext && paragraph.length > 0) {
      blocks.push({ kind: "heading", level: setext[1]!.startsWith("=") ? 1 : 2, text: markdownHeadingText(paragraph.join(" ")) });
      paragraph = [];
      continue;
    }
    if (line.trim() === "") flush();
    else paragraph.push(line);
  }
  flush();
  return cleanBlocks(blocks);
}
