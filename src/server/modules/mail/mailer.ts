// Delivers mail: over SMTP (nodemailer) when SMTP_URL is set, otherwise into the dev mailbox
// table that super admins read in the app. Mail is always sent from the job queue, never inline.
import nodemailer from "nodemailer";
import type { Database } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { withPlatform } from "../../db/transaction.js";
import { devMailbox } from "./schema.js";

export type OutgoingMail = { to: string; subject: string; text: string; html?: string };

export type MailTransport = { kind: "smtp" | "dev-mailbox"; deliver: (mail: OutgoingMail) => Promise<void> };

export function createMailTransport(options: { smtpUrl?: string; from: string; db: Database }): MailTransport {
  if (options.smtpUrl) {
    const transporter = nodemailer.createTransport(options.smtpUrl);
    return {
      kind: "smtp",
      deliver: async (mail) => {
        await transporter.sendMail({ from: options.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
      },
    };
  }
  return {
    kind: "dev-mailbox",
    deliver: async (mail) => {
      await withPlatform(options.db, (tx) =>
        tx.insert(devMailbox).values({ id: newId("mail"), from: options.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? null }),
      );
    },
  };
}
