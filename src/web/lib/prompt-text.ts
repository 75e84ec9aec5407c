// Template text for people to read before anything is filled in: {{business_name}} becomes the
// organization's name, other {{keys}} stay as readable stand-ins, section tags disappear.
const TAG = /\{\{\s*([#^/]?)\s*([A-Za-z0-9_]+)\s*\}\}/g;

export type TextPart = { text: string; placeholder: boolean };

/** The text in parts: plain text, and stand-ins for the values still to be filled in ("address"). */
export function readableTemplateParts(template: string, businessName: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of template.matchAll(TAG)) {
    const [whole, sigil, key = ""] = match;
    const index = match.index ?? 0;
    if (index > last) parts.push({ text: template.slice(last, index), placeholder: false });
    last = index + whole.length;
    if (sigil) continue;
    if (key === "business_name") parts.push({ text: businessName, placeholder: false });
    else parts.push({ text: key.replaceAll("_", " "), placeholder: true });
  }
  if (last < template.length) parts.push({ text: template.slice(last), placeholder: false });
  return parts;
}

export function readableTemplateText(template: string, businessName: string): string {
  return readableTemplateParts(template, businessName)
    .map((part) => (part.placeholder ? `[${part.text}]` : part.text))
    .join("");
}
