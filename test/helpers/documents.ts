// Real, small documents for upload tests, written byte by byte: PDFs (text, image-only,
// password-protected), DOCX files (via jszip) and a PNG, so extraction runs on genuine formats.
import JSZip from "jszip";

/** A line of a PDF page: plain text at body size, or text at a given font size (a heading). Empty string: a paragraph gap. */
export type PdfLine = string | { text: string; size: number };

export type PdfOptions = {
  /** Adds a Standard security handler whose user password is not empty, so readers must ask for it. */
  encrypted?: boolean;
};

const PDF_BODY_FONT_SIZE = 11;

function pdfString(text: string): string {
  return `(${text.replaceAll("\\", "\\\\").replaceAll("(", "\\(").replaceAll(")", "\\)")})`;
}

function pageContent(lines: PdfLine[]): string {
  const ops: string[] = [];
  let y = 760;
  for (const line of lines) {
    const { text, size } = typeof line === "string" ? { text: line, size: PDF_BODY_FONT_SIZE } : line;
    if (text === "") {
      y -= size;
      continue;
    }
    ops.push(`BT /F1 ${size} Tf 72 ${y} Td ${pdfString(text)} Tj ET`);
    y -= Math.round(size * 1.4);
  }
  return ops.join("\n");
}

/** Assembles numbered objects into a PDF with a correct cross-reference table. */
function assemblePdf(objects: string[], trailerExtra = ""): Buffer {
  let out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefOffset = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${trailerExtra} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

function stream(content: string): string {
  return `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`;
}

/** A PDF with one page per entry, each drawn in Helvetica. */
export function pdfWithText(pages: PdfLine[][], options: PdfOptions = {}): Buffer {
  // 1 catalog, 2 page tree, 3 font, then a page object and its content stream per page.
  const pageIds = pages.map((_, i) => 4 + i * 2);
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  ];
  pages.forEach((lines, i) => {
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`);
    objects.push(stream(pageContent(lines)));
  });
  if (!options.encrypted) return assemblePdf(objects);
  // O and U entries that match no password: the empty user password fails, so a reader needs one.
  const hex32 = "A5".repeat(32);
  objects.push(`<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <${hex32}> /U <${"5A".repeat(32)}> >>`);
  const id = "0123456789ABCDEF0123456789ABCDEF";
  return assemblePdf(objects, ` /Encrypt ${objects.length} 0 R /ID [<${id}> <${id}>]`);
}

/** A PDF whose only page is a filled rectangle: what a scanned page looks like to a text extractor. */
export function pdfWithoutText(): Buffer {
  return assemblePdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> /Contents 4 0 R >>",
    stream("0.2 0.2 0.2 rg 72 72 400 600 re f"),
  ]);
}

/** A DOCX paragraph: body text, or a heading of a level (Word's built-in "heading N" styles). */
export type DocxParagraph = string | { heading: 1 | 2 | 3; text: string };

function xmlEscape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

const W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

function docxParts(paragraphs: DocxParagraph[]): Record<string, string> {
  const body = paragraphs
    .map((p) => {
      if (typeof p === "string") return `<w:p><w:r><w:t xml:space="preserve">${xmlEscape(p)}</w:t></w:r></w:p>`;
      return `<w:p><w:pPr><w:pStyle w:val="Heading${p.heading}"/></w:pPr><w:r><w:t>${xmlEscape(p.text)}</w:t></w:r></w:p>`;
    })
    .join("");
  const headingStyles = [1, 2, 3]
    .map((n) => `<w:style w:type="paragraph" w:styleId="Heading${n}"><w:name w:val="heading ${n}"/><w:basedOn w:val="Normal"/></w:style>`)
    .join("");
  return {
    "[Content_Types].xml":
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
      "</Types>",
    "_rels/.rels":
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
      "</Relationships>",
    "word/_rels/document.xml.rels":
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
      "</Relationships>",
    "word/styles.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="${W_NS}"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>${headingStyles}</w:styles>`,
    "word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W_NS}"><w:body>${body}</w:body></w:document>`,
  };
}

async function zip(parts: Record<string, string>): Promise<Buffer> {
  const archive = new JSZip();
  for (const [name, content] of Object.entries(parts)) archive.file(name, content);
  return archive.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

/** A Word document with the given paragraphs and headings. */
export function docxWithParagraphs(paragraphs: DocxParagraph[]): Promise<Buffer> {
  return zip(docxParts(paragraphs));
}

/** A ZIP that looks like a DOCX from outside but has no word/document.xml. */
export function docxWithoutDocumentPart(): Promise<Buffer> {
  const { "word/document.xml": _missing, ...rest } = docxParts(["lost"]);
  return zip(rest);
}

/** A real DOCX cut short, as an interrupted download leaves it: the ZIP directory at its end is gone. */
export async function truncatedDocx(paragraphs: DocxParagraph[]): Promise<Buffer> {
  const whole = await docxWithParagraphs(paragraphs);
  return whole.subarray(0, Math.floor(whole.length * 0.6));
}

/** A valid 1×1 PNG image. */
export function pngImage(): Buffer {
  return Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
}
