// The knowledge base's pure parts, without a database: HTML to text, Markdown and plain text,
// whitespace normalisation, chunking, file-type detection, PDF layout, extraction limits and the
// search snippet's escaping.
import { describe, expect, it } from "vitest";
import { CHUNK_MAX_CHARS, CHUNK_OVERLAP_CHARS, chunkBlocks } from "../../src/server/modules/knowledge/chunk-text.js";
import { detectFileType, readZipDirectory } from "../../src/server/modules/knowledge/detect-file-type.js";
import { ExtractionFailed, extractBlocks, pdfLinesToBlocks } from "../../src/server/modules/knowledge/extract-text.js";
import { decodeEntities, htmlToBlocks } from "../../src/server/modules/knowledge/html-to-text.js";
import { snippetToHtml } from "../../src/server/modules/knowledge/search.js";
import { markdownToBlocks, normaliseText, plainTextToBlocks, type TextBlock } from "../../src/server/modules/knowledge/text-blocks.js";
import { docxWithoutDocumentPart, docxWithParagraphs, pdfWithText, pngImage, truncatedDocx } from "../helpers/documents.js";

const p = (text: string): TextBlock => ({ kind: "paragraph", text });
const h = (level: number, text: string): TextBlock => ({ kind: "heading", level, text });

describe("htmlToBlocks", () => {
  it.each<[string, string, TextBlock[]]>([
    ["paragraphs and headings", "<h1>Menu</h1><p>Soup</p><p>Bread</p>", [h(1, "Menu"), p("Soup"), p("Bread")]],
    ["inline markup and whitespace", "<p>Fresh   <b>bread</b>\n<i>daily</i></p>", [p("Fresh bread daily")]],
    ["line breaks", "<p>12 Mill Lane<br>Springfield<br/>USA</p>", [p("12 Mill Lane\nSpringfield\nUSA")]],
    ["bulleted and numbered lists", "<ul><li>Tea</li><li>Coffee</li></ul><ol><li>Sit</li><li>Order</li></ol>", [p("- Tea\n- Coffee"), p("1. Sit\n2. Order")]],
    ["tables as rows of cells", "<table><tr><th>Day</th><th>Hours</th></tr><tr><td>Mon</td><td>9–5</td></tr></table>", [p("Day | Hours\nMon | 9–5")]],
    [
      "scripts, styles, templates and SVG dropped",
      '<script>var a = "</p>";</script><style>p{}</style><template><p>x</p></template><svg><text>logo</text></svg><p>Kept</p>',
      [p("Kept")],
    ],
    ["comments, doctype and CDATA", "<!DOCTYPE html><!-- note --><p>A<![CDATA[ & B]]></p>", [p("A & B")]],
    ["the head's title is not body text", "<html><head><title>Site</title><meta charset=utf-8></head><body><p>Body</p></body></html>", [p("Body")]],
    ["upper-case tags and attributes holding '>'", '<P CLASS="a>b">Quoted <A HREF="/x?a>b">link</A></P>', [p("Quoted link")]],
    ["a stray '<' is text", "<p>3 < 5 and 5 > 3</p>", [p("3 < 5 and 5 > 3")]],
    ["an unclosed <h1> does not swallow the page", "<h1>Welcome<p>First paragraph.</p><p>Second.</p>", [h(1, "Welcome"), p("First paragraph."), p("Second.")]],
    ["an unclosed <svg> does not hide the page", "<svg><p>Still here</p>", [p("Still here")]],
    ["an unclosed <script> hides the rest, as in a browser", "<p>Before</p><script>after", [p("Before")]],
    ["a heading wrapping a div", "<h2><div>Parking</div></h2><p>Behind.</p>", [h(2, "Parking"), p("Behind.")]],
    ["pre keeps its lines", "<pre>line one\nline two</pre>", [p("line one\nline two")]],
    ["empty markup", "<div><p> </p><br></div>", []],
  ])("%s", (_label, html, expected) => {
    expect(htmlToBlocks(html)).toEqual(expected);
  });

  it("stays linear on hostile input: unclosed tags, and a million tiny elements on one line, cell row or heading", () => {
    const started = performance.now();
    htmlToBlocks(`${"<svg><div a='".repeat(100_000)}`);
    htmlToBlocks("<p>".repeat(100_000));
    expect(htmlToBlocks(`<p>${"<b>a</b> ".repeat(1_000_000)}`)[0]?.text.length).toBe(2_000_000 - 1);
    htmlToBlocks(`<table><tr>${"<td>a".repeat(1_000_000)}`);
    htmlToBlocks(`<h1>${"<i>a</i> ".repeat(1_000_000)}`);
    expect(chunkBlocks(htmlToBlocks(`<ul>${"<li>item".repeat(500_000)}`)).length).toBeGreaterThan(3000);
    // Quadratic behaviour would take minutes here.
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 30_000);
});

describe("decodeEntities", () => {
  it.each([
    ["&amp;&lt;&gt;&quot;&#39;", "&<>\"'"],
    ["caf&eacute; &Eacute;t&eacute; &szlig; &ntilde;", "café Été ß ñ"],
    ["&#8364; &#x20AC; &euro;", "€ € €"],
    ["&hellip;&mdash;&ldquo;x&rdquo;", "…—“x”"],
    ["&copy 2024 &amp more", "© 2024 & more"],
    ["AT&T &unknown; &#0; &#xD800; &#x110000;", "AT&T &unknown; \uFFFD \uFFFD \uFFFD"],
  ])("%s", (input, expected) => {
    expect(decodeEntities(input)).toBe(expected);
  });
});

describe("normaliseText", () => {
  it.each([
    ["line endings", "a\r\nb\rc", "a\nb\nc"],
    ["runs of spaces and tabs", "a \t  b", "a b"],
    ["no-break and other Unicode spaces", "a\u00A0b\u2009c\u3000d", "a b c d"],
    ["blank lines collapse to one", "a\n\n\n\n b", "a\n\nb"],
    ["invisible and control characters go", "a\u200Bb\u00ADc\uFEFFd\u0007e\u0000f", "abcdef"],
    ["private-use characters (highlight markers, icon fonts) go", "\uE000mark\uE001 \uF0B7 item", "mark item"],
    ["form feeds are paragraph breaks", "page one\fpage two", "page one\n\npage two"],
    ["composed form (NFC)", "Cafe\u0301", "Café"],
    ["lone surrogates become U+FFFD", "a\uD800b", "a\uFFFDb"],
  ])("%s", (_label, input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });
});

describe("markdownToBlocks and plainTextToBlocks", () => {
  it.each<[string, string, TextBlock[]]>([
    ["ATX headings, with closing hashes", "# One\n\ntext\n\n### Three ###\n\nmore", [h(1, "One"), p("text"), h(3, "Three"), p("more")]],
    ["setext headings", "Title\n=====\n\nBody\n\nSection\n-------\n\nMore", [h(1, "Title"), p("Body"), h(2, "Section"), p("More")]],
    ["headings without Markdown marks", "## **Bold** [link](https://x.y) `code`", [h(2, "Bold link code")]],
    ["no heading inside a fence", "```\n# comment\n\ncode\n```\nafter", [p("```\n# comment\n\ncode\n```"), p("after")]],
    ["'#hashtag' is not a heading", "#hashtag and more", [p("#hashtag and more")]],
    ["a thematic break alone is not a heading", "a\n\n---\n\nb", [p("a"), p("---"), p("b")]],
  ])("markdown: %s", (_label, markdown, expected) => {
    expect(markdownToBlocks(markdown)).toEqual(expected);
  });

  it("plain text: paragraphs by blank lines, lines kept inside them, no headings", () => {
    expect(plainTextToBlocks("# Not a heading\nsecond line\n\n\n  Next  paragraph ")).toEqual([p("# Not a heading\nsecond line"), p("Next paragraph")]);
  });
});

describe("chunkBlocks", () => {
  const sentence = (i: number) => `Sentence ${i} explains one more detail of the policy.`;
  const paragraphOf = (from: number, count: number) => Array.from({ length: count }, (_, i) => sentence(from + i)).join(" ");

  it("keeps small sections whole, one chunk per heading, with that heading", () => {
    expect(chunkBlocks([p("Intro."), h(1, "A"), p("a1"), p("a2"), h(2, "B"), p("b")])).toEqual([
      { heading: null, content: "Intro." },
      { heading: "A", content: "a1\n\na2" },
      { heading: "B", content: "b" },
    ]);
  });

  it("skips headings without text under them", () => {
    expect(chunkBlocks([h(1, "Menu"), h(2, "Starters"), p("Soup")])).toEqual([{ heading: "Starters", content: "Soup" }]);
  });

  it("packs paragraphs up to the maximum and splits between them", () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => paragraphOf(i * 10, 7));
    const chunks = chunkBlocks(paragraphs.map(p));
    expect(chunks).toHaveLength(2);
    for (const chunk of chunks) expect(chunk.content.length).toBeLessThanOrEqual(CHUNK_MAX_CHARS);
    expect(chunks[0]!.content).toBe(paragraphs.slice(0, 3).join("\n\n"));
    // The second starts with the first's last sentences (the overlap), then whole paragraphs.
    expect(chunks[1]!.content).toBe(`${sentence(25)} ${sentence(26)}\n\n${paragraphs.slice(3).join("\n\n")}`);
  });

  it("splits a long paragraph at sentences, with an overlap of whole sentences", () => {
    const chunks = chunkBlocks([h(1, "Policy"), p(paragraphOf(0, 60))]);
    expect(chunks.length).toBeGreaterThan(2);
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1]!.content;
      const start = chunks[i]!.content.match(/^(.*?\.)( |$)/)![1]!;
      expect(previous.endsWith(start) || previous.includes(`${start} `)).toBe(true);
      expect(chunks[i]!.content.startsWith("Sentence")).toBe(true);
    }
    for (const chunk of chunks) {
      expect(chunk.heading).toBe("Policy");
      expect(chunk.content.length).toBeLessThanOrEqual(CHUNK_MAX_CHARS);
    }
  });

  it("fills a short chunk with sentences of a long next paragraph rather than leaving it tiny", () => {
    const chunks = chunkBlocks([p("Short opener."), p(paragraphOf(0, 22))]);
    expect(chunks[0]!.content.startsWith("Short opener.\n\nSentence 0")).toBe(true);
    expect(chunks[0]!.content.length).toBeGreaterThan(800);
  });

  it("cuts text without sentence ends at spaces, and a run without spaces at the maximum", () => {
    const words = Array.from({ length: 600 }, (_, i) => `word${i}`).join(" ");
    const wordChunks = chunkBlocks([p(words)]);
    for (const chunk of wordChunks) expect(chunk.content.length).toBeLessThanOrEqual(CHUNK_MAX_CHARS);
    expect(wordChunks.at(-1)!.content.endsWith("word599")).toBe(true);

    const blob = "x".repeat(3000);
    const blobChunks = chunkBlocks([p(blob)]);
    expect(blobChunks.map((c) => c.content.length)).toEqual([1200, 1200, 600]);
  });

  it("never overlaps more than the overlap allowance", () => {
    const chunks = chunkBlocks([p(paragraphOf(0, 80))]);
    for (let i = 1; i < chunks.length; i++) {
      const firstSentenceIndex = Number(chunks[i]!.content.match(/^Sentence (\d+)/)![1]);
      const lastOfPrevious = Number([...chunks[i - 1]!.content.matchAll(/Sentence (\d+)/g)].at(-1)![1]);
      const overlapSentences = lastOfPrevious - firstSentenceIndex + 1;
      expect(overlapSentences * sentence(10).length).toBeLessThanOrEqual(CHUNK_OVERLAP_CHARS + 10);
      expect(overlapSentences).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("detectFileType", () => {
  const text = (s: string) => Buffer.from(s);

  it.each<[string, () => Promise<Uint8Array> | Uint8Array, string, string | null, string]>([
    ["a PDF", () => pdfWithText([["x"]]), "a.pdf", "application/pdf", "pdf"],
    ["a PDF whatever its name", () => pdfWithText([["x"]]), "photo.jpg", "image/jpeg", "pdf"],
    ["a PDF header after some junk", () => Buffer.concat([Buffer.from("junk\n"), pdfWithText([["x"]])]), "a.pdf", null, "pdf"],
    ["a DOCX", () => docxWithParagraphs(["x"]), "a.docx", null, "docx"],
    ["a DOCX named .zip", () => docxWithParagraphs(["x"]), "a.zip", "application/zip", "docx"],
    ["a truncated ZIP named .docx", () => truncatedDocx(["x"]), "a.docx", null, "docx"],
    ["an HTML document by its doctype", () => text("  <!doctype html><p>x"), "notes.txt", "text/plain", "html"],
    ["an HTML fragment by its name", () => text("<p>x</p>"), "a.htm", null, "html"],
    ["an HTML fragment by its MIME type", () => text("<p>x</p>"), "clip", "text/html", "html"],
    ["a .html file without tags is text", () => text("just words"), "a.html", null, "text"],
    ["Markdown by its name", () => text("# x"), "a.markdown", null, "markdown"],
    ["Markdown by its MIME type", () => text("# x"), "notes", "text/markdown", "markdown"],
    ["text starting like a GIF", () => text("GIF89 is the year we opened"), "a.txt", null, "text"],
    ["text starting with MZ", () => text("MZ Motors opening hours"), "a.txt", null, "text"],
    ["UTF-8 with a byte-order mark", () => Buffer.from("\uFEFFhello"), "a.txt", null, "text"],
  ])("%s → %s", async (_label, bytes, name, mime, kind) => {
    expect(detectFileType(await bytes(), name, mime).kind).toBe(kind);
  });

  it.each<[string, () => Promise<Uint8Array> | Uint8Array, string, string, string]>([
    ["empty", () => Buffer.alloc(0), "a.txt", "EMPTY_FILE", "is empty"],
    ["whitespace", () => text("\n \t"), "a.txt", "EMPTY_FILE", "no text"],
    ["a PNG named .pdf", pngImage, "scan.pdf", "UNSUPPORTED_FILE_TYPE", "scan.pdf is a PNG image"],
    ["a JPEG", () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), "a.jpg", "UNSUPPORTED_FILE_TYPE", "JPEG image"],
    ["a gzip archive", () => Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0]), "a.txt.gz", "UNSUPPORTED_FILE_TYPE", "gzip archive"],
    ["a ZIP that is not a DOCX", () => docxWithoutDocumentPart(), "photos.zip", "UNSUPPORTED_FILE_TYPE", "ZIP archive, not a Word document"],
    ["a damaged ZIP not named .docx", () => truncatedDocx(["x"]), "a.zip", "UNSUPPORTED_FILE_TYPE", "damaged ZIP"],
    ["UTF-16 without a byte-order mark", () => Buffer.from("hello", "utf16le"), "a.txt", "UNSUPPORTED_FILE_TYPE", "UTF-8"],
  ])("refuses %s (%s)", async (_label, bytes, name, code, message) => {
    let error: unknown;
    try {
      detectFileType(await bytes(), name, null);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code, message: expect.stringContaining(message) });
  });
});

describe("readZipDirectory", () => {
  it("lists a DOCX's parts, and reads a cut-off archive as damaged (null)", async () => {
    const names = readZipDirectory(await docxWithParagraphs(["x"]))?.map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining(["[Content_Types].xml", "word/document.xml", "word/styles.xml"]));
    expect(readZipDirectory(await truncatedDocx(["x"]))).toBeNull();
    expect(readZipDirectory(Buffer.from("PK\x03\x04 not really"))).toBeNull();
  });
});

describe("pdfLinesToBlocks", () => {
  const line = (text: string, y: number, size = 11, page = 1) => ({ text, y, size, page });

  it("reads larger lines as headings, wrapped lines as one paragraph, gaps, columns and pages as breaks", () => {
    expect(
      pdfLinesToBlocks([
        line("Refund policy", 760, 22),
        line("Vouchers are refunded in full within thirty days of infor-", 730),
        line("mation being received by us.", 715),
        line("Deposits are kept.", 680),
        line("A second column starts higher up.", 750),
        line("Terms", 700, 14),
        line("Page two text.", 760, 11, 2),
      ]),
    ).toEqual([
      h(1, "Refund policy"),
      p("Vouchers are refunded in full within thirty days of information being received by us."),
      p("Deposits are kept."),
      p("A second column starts higher up."),
      h(3, "Terms"),
      p("Page two text."),
    ]);
  });
});

describe("extractBlocks limits", () => {
  it("refuses text longer than the maximum instead of cutting it", async () => {
    await expect(extractBlocks("text", Buffer.from("a".repeat(50)), { timeLimitMs: 60_000, maxChars: 10 })).rejects.toThrow(ExtractionFailed);
    await expect(extractBlocks("pdf", pdfWithText([["a long enough line of text"]]), { timeLimitMs: 60_000, maxChars: 5 })).rejects.toMatchObject({
      reason: expect.stringContaining("more than 5 characters"),
    });
  });

  it("gives up on a document that takes longer than the time limit", async () => {
    const pages = Array.from({ length: 300 }, (_, i) => Array.from({ length: 40 }, (_, j) => `Page ${i} line ${j} with some words on it.`));
    await expect(extractBlocks("pdf", pdfWithText(pages), { timeLimitMs: 5, maxChars: 10_000_000 })).rejects.toMatchObject({
      reason: expect.stringContaining("took longer than"),
    });
  });
});

describe("snippetToHtml", () => {
  it.each([
    ["escapes every special character", `<script>alert("x")</script> & 'y'`, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"],
    ["turns the markers into <mark>", "free \uE000parking\uE001 here", "free <mark>parking</mark> here"],
    ["escapes inside a highlight", "\uE000<b>\uE001", "<mark>&lt;b&gt;</mark>"],
    ["closes an unclosed highlight", "\uE000open", "<mark>open</mark>"],
    ["ignores a stray end or a repeated start", "a\uE001 \uE000b\uE000c\uE001", "a <mark>bc</mark>"],
  ])("%s", (_label, headline, html) => {
    expect(snippetToHtml(headline)).toBe(html);
  });
});
