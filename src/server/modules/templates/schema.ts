// Industry templates, loaded from /templates at start. A platform reference table: every
// organization reads the same rows. A changed file becomes a new version; old versions stay,
// so an assistant keeps rendering with the version it was built on until it is updated.
import { integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import type { TemplateDefinition } from "./types.js";

export const templates = pgTable(
  "templates",
  {
    slug: text("slug").notNull(),
    version: integer("version").notNull(),
    industry: text("industry").notNull(),
    name: text("name").notNull(),
    contentHash: text("content_hash").notNull(),
    definition: jsonb("definition").$type<TemplateDefinition>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.slug, t.version] })],
);
