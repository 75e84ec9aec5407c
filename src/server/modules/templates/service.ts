// Reads industry templates: the latest version of each, or a given version. Nothing is cached:
// another instance's start may add a version at any time, and the reads are primary-key lookups.
import { and, desc, eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import { withAccount } from "../../db/transaction.js";
import { NotFound } from "../../errors.js";
import { templates } from "./schema.js";
import { INDUSTRIES, type Industry, type TemplateDefinition } from "./types.js";

export type StoredTemplate = { slug: string; version: number; definition: TemplateDefinition };

const storedColumns = { slug: templates.slug, version: templates.version, definition: templates.definition };

/** Throws NotFound("Template", "TEMPLATE_NOT_FOUND") when missing. */
export async function getTemplate(ctx: AppContext, slug: string, version?: number): Promise<StoredTemplate> {
  // templates is a platform reference table without RLS: the app role reads it with no tenant set.
  const [row] = await withAccount(ctx.db, (tx) =>
    version === undefined
      ? tx.select(storedColumns).from(templates).where(eq(templates.slug, slug)).orderBy(desc(templates.version)).limit(1)
      : tx
          .select(storedColumns)
          .from(templates)
          .where(and(eq(templates.slug, slug), eq(templates.version, version))),
  );
  if (!row) {
    const message = version === undefined ? `There is no template "${slug}".` : `Template "${slug}" has no version ${version}.`;
    throw new NotFound("Template", "TEMPLATE_NOT_FOUND", message);
  }
  return row;
}

/** The latest version of every template (of one industry when given), in the gallery's industry order, then by name. */
export async function listTemplates(ctx: AppContext, filter: { industry?: Industry }): Promise<StoredTemplate[]> {
  const latest = await withAccount(ctx.db, (tx) =>
    tx
      .selectDistinctOn([templates.slug], { ...storedColumns, industry: templates.industry, name: templates.name })
      .from(templates)
      .orderBy(templates.slug, desc(templates.version)),
  );
  // The industry is filtered on the latest version, so a template that moved industries shows only under its current one.
  const industryOrder = (industry: string) => INDUSTRIES.indexOf(industry as Industry);
  return latest
    .filter((row) => filter.industry === undefined || row.industry === filter.industry)
    .sort((a, b) => industryOrder(a.industry) - industryOrder(b.industry) || a.name.localeCompare(b.name) || a.slug.localeCompare(b.slug))
    .map(({ slug, version, definition }) => ({ slug, version, definition }));
}
