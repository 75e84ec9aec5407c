// Loads the template files of /templates into the database at start: each file is validated,
// and a file whose content changed becomes a new version; old versions stay readable.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { desc, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { withPlatform } from "../../db/transaction.js";
import { parseTemplateDefinition } from "./definition-schema.js";
import { templates } from "./schema.js";
import type { TemplateDefinition } from "./types.js";

// Serializes every instance's sync: two instances starting together must not both insert version N+1.
const TEMPLATE_SYNC_LOCK_KEY = 727_274_002; // any constant shared by every instance, distinct from the migration lock

export type TemplateFileProblem = { file: string; problems: string[] };

/** Template files that cannot be loaded; the message names each file and every problem in it. */
export class TemplateFileError extends Error {
  constructor(readonly files: TemplateFileProblem[]) {
    super(files.map(({ file, problems }) => `Template file ${file} is invalid:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`).join("\n"));
    this.name = "TemplateFileError";
  }
}

export type TemplateSyncResult = {
  /** Valid template files read from the directory. */
  loaded: number;
  /** Rows inserted: created + updated. */
  newVersions: number;
  /** Slugs seen for the first time (version 1). */
  created: number;
  /** Slugs whose file changed (version N+1). */
  updated: number;
  unchanged: number;
};

type TemplateFile = { file: string; definition: TemplateDefinition; contentHash: string };

/** JSON with object keys sorted at every level, so formatting and key order do not make a new version. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function templateContentHash(definition: TemplateDefinition): string {
  return createHash("sha256").update(canonicalJson(definition)).digest("hex");
}

/** Reads and validates every *.json of the directory; throws one TemplateFileError listing every bad file. */
export async function readTemplateFiles(directory: string): Promise<TemplateFile[]> {
  const names = (await readdir(directory, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
    .map((entry) => entry.name)
    .sort();
  const files: TemplateFile[] = [];
  const invalid: TemplateFileProblem[] = [];
  for (const name of names) {
    const file = path.join(directory, name);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      invalid.push({ file, problems: [`not valid JSON: ${(error as Error).message}`] });
      continue;
    }
    const parsed = parseTemplateDefinition(json);
    if (!parsed.ok) {
      invalid.push({ file, problems: parsed.problems });
      continue;
    }
    const expectedName = `${parsed.definition.slug}.json`;
    if (name !== expectedName) {
      invalid.push({ file, problems: [`slug: "${parsed.definition.slug}" must match the file name; name the file ${expectedName}.`] });
      continue;
    }
    files.push({ file, definition: parsed.definition, contentHash: templateContentHash(parsed.definition) });
  }
  if (invalid.length > 0) throw new TemplateFileError(invalid);
  return files;
}

export async function syncTemplates(db: Database, directory: string): Promise<TemplateSyncResult> {
  // Validate everything before touching the database: one bad file stops the start, and nothing is half-loaded.
  const files = await readTemplateFiles(directory);
  return withPlatform(db, async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${TEMPLATE_SYNC_LOCK_KEY})`);
    // Read after taking the lock, so a concurrent instance's committed versions are seen.
    const latest = await tx
      .selectDistinctOn([templates.slug], { slug: templates.slug, version: templates.version, contentHash: templates.contentHash })
      .from(templates)
      .orderBy(templates.slug, desc(templates.version));
    const latestBySlug = new Map(latest.map((row) => [row.slug, row]));

    const result: TemplateSyncResult = { loaded: files.length, newVersions: 0, created: 0, updated: 0, unchanged: 0 };
    const rows: (typeof templates.$inferInsert)[] = [];
    for (const { definition, contentHash } of files) {
      const current = latestBySlug.get(definition.slug);
      if (current?.contentHash === contentHash) {
        result.unchanged++;
        continue;
      }
      if (current) result.updated++;
      else result.created++;
      rows.push({
        slug: definition.slug,
        version: (current?.version ?? 0) + 1,
        industry: definition.industry,
        name: definition.name,
        contentHash,
        definition,
      });
    }
    if (rows.length > 0) await tx.insert(templates).values(rows);
    result.newVersions = rows.length;
    return result;
  });
}
