// One plain, accessible layout for every transactional email, as HTML and as text.
import type { OutgoingMail } from "./mailer.js";

export type EmailContent = { to: string; subject: string; heading: string; paragraphs: string[]; action?: { label: string; url: string }; footer?: string };

export function escapeHtml(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

export function renderEmail(content: EmailContent): OutgoingMail {
  const text = [
    content.heading,
    "",
    ...content.paragraphs.flatMap((p) => [p, ""]),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ""] : []),
    content.footer ?? "— Switchboard",
  ].join("\n");
  const html = `<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;color:#0f172a;max-width:560px;margin:0 auto;padding:24px">
<h1 style="font-size:20px">${escapeHtml(content.heading)}</h1>
${content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
${content.action ? `<p><a href="${escapeHtml(content.action.url)}" style="display:inline-block;background:#4f46e5;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(content.action.label)}</a></p><p style="font-size:12px;color:#64748b">Or paste this link into your browser: ${escapeHtml(content.action.url)}</p>` : ""}
<p style="font-size:12px;color:#64748b">${escapeHtml(content.footer ?? "— Switchboard")}</p>
</body></html>`;
  return { to: content.to, subject: content.subject, text, html };
}
