// The dev mailbox: where mail goes when no SMTP server is configured, readable by super admins.
import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const devMailbox = pgTable("dev_mailbox", {
  id: text("id").primaryKey(),
  to: text("to").notNull(),
  from: text("from").notNull(),
  subject: text("subject").notNull(),
  text: text("text").notNull(),
  html: text("html"),
  headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
