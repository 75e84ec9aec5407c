// Searching an organization's knowledge: the one entry point for the API and for the assistant's
// lookupKnowledge tool. Today PostgreSQL full-text search; embeddings may be added behind it.
import { sql } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { withTenant } from "../../db/transaction.js";
import { Invalid } from "../../errors.js";
import { assertAssistant, KNOWLEDGE_LANGUAGES } from "./service.js";
import { HIGHLIGHT_END, HIGHLIGHT_START } from "./text-blocks.js";

export const KNOWLEDGE_SEARCH_DEFAULT_LIMIT = 5;
export const KNOWLEDGE_SEARCH_MAX_LIMIT = 20;
export const KNOWLEDGE_QUERY_MAX_CHARS = 500;

export type KnowledgeSearchHit = {
  sourceId: string;
  sourceTitle: string;
  ordinal: number;
  heading: string | null;
  /** HTML-escaped text of the chunk around the matches, each match in <mark>…</mark>; nothing else. */
  snippetHtml: string;
  /** 0…1, higher is better (ts_rank_cd normalised by log length and to rank/(rank+1)); hits with all the words come first regardless. */
  rank: number;
};

// ts_rank_cd normalisation: 1 divides by 1 + log(length), 32 maps the rank into 0…1 as rank/(rank+1).
const RANK_NORMALISATION = 1 | 32;

const HEADLINE_OPTIONS = `StartSel="${HIGHLIGHT_START}", StopSel="${HIGHLIGHT_END}", MaxWords=40, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escapes everything, then turns the highlight markers (which indexed text cannot contain, see
 * normaliseText) into <mark> elements, always balanced.
 */
export function snippetToHtml(headline: string): string {
  let html = "";
  let open = false;
  for (const ch of headline) {
    if (ch === HIGHLIGHT_START) {
      if (!open) html += "<mark>";
      open = true;
    } else if (ch === HIGHLIGHT_END) {
      if (open) html += "</mark>";
      open = false;
    } else {
      html += HTML_ESCAPES[ch] ?? ch;
    }
  }
  return open ? `${html}</mark>` : html;
}

type HitRow = { source_id: string; source_title: string; ordinal: number; heading: string | null; headline: string; rank: number };

/** A query written with web-search syntax ("phrase", or, -word) is taken literally; a plain question is not. */
function usesSearchSyntax(query: string): boolean {
  return /"|(^|\s)-\S|(^|\s)or(\s|$)/i.test(query);
}

/**
 * The best chunks for a query, from ready sources only: the organization-wide ones and, given an
 * assistant, that assistant's (never another assistant's; NotFound for an assistant the
 * organization does not have). Each chunk is matched with its own
 * source's language, so English stemming applies to English sources and French to French ones.
 *
 * A query with web-search syntax (words, "phrases", or, -exclusions) means exactly that. A plain
 * question ("where can I park my car?") matches chunks with any of its words, but those with all
 * of them come first; within each group, by rank.
 */
/**
 * Ranks the organization's chunks for a query. Pass `tx` to search inside a transaction the
 * caller already holds (an in-call tool does): opening a second one from the same pool while
 * holding the first could exhaust the pool under load and wait forever.
 */
export async function searchKnowledge(
  ctx: Pick<AppContext, "db">,
  organizationId: string,
  options: { query: string; assistantId?: string | undefined; limit: number },
  tx?: Db,
): Promise<KnowledgeSearchHit[]> {
  const query = options.query.trim();
  if (query === "") throw new Invalid("VALIDATION_FAILED", "Enter something to search for.", [{ path: "query.q", message: "Must not be empty." }]);
  const limit = Math.min(Math.max(Math.trunc(options.limit), 1), KNOWLEDGE_SEARCH_MAX_LIMIT);
  const languages = `{${KNOWLEDGE_LANGUAGES.join(",")}}`;
  const assistantId = options.assistantId ?? null;

  const loose = !usesSearchSyntax(query);

  // Per language: the exact query, and the one chunks must match (the exact one with AND turned
  // into OR, for a plain question; tsquery's text form always writes AND as " & "). The join on
  // the chunk's language picks the pair its vector was built with. The plan reads the
  // organization's own chunks by index (organization_id leads the primary key) and tests @@ on
  // each, so a search costs what the organization's corpus holds (about 5 ms per 1,000 chunks),
  // never the whole table. Only the best rows get the (costly) ts_headline.
  const search = async (tx: Db) => {
    await assertAssistant(tx, organizationId, assistantId);
    return tx.execute<HitRow>(sql`
      WITH exact AS (
        SELECT config.oid::regconfig AS config, websearch_to_tsquery(config.oid::regconfig, ${query}) AS tsq
        FROM pg_ts_config config
        WHERE config.cfgname = ANY(${languages}::text[])
      ),
      queries AS (
        SELECT config, tsq AS exact_tsq,
               CASE WHEN ${loose} THEN replace(tsq::text, ' & ', ' | ')::tsquery ELSE tsq END AS match_tsq
        FROM exact
      ),
      best AS (
        SELECT c.source_id, c.ordinal, c.heading, c.content, c.language, q.match_tsq, s.title AS source_title,
               c.search_vector @@ q.exact_tsq AS has_all_words,
               ts_rank_cd(c.search_vector, q.match_tsq, ${RANK_NORMALISATION}) AS rank
        FROM knowledge_chunks c
        JOIN queries q ON q.config = c.language
        JOIN knowledge_sources s ON s.organization_id = c.organization_id AND s.id = c.source_id
        WHERE c.organization_id = ${organizationId}
          AND (c.assistant_id IS NULL OR c.assistant_id = ${assistantId})
          AND s.status = 'ready'
          AND c.search_vector @@ q.match_tsq
        ORDER BY has_all_words DESC, rank DESC, c.source_id, c.ordinal
        LIMIT ${limit}
      )
      SELECT source_id, source_title, ordinal, heading, rank::float8 AS rank,
             ts_headline(language, content, match_tsq, ${HEADLINE_OPTIONS}) AS headline
      FROM best
      ORDER BY has_all_words DESC, rank DESC, source_id, ordinal
    `);
  };
  const { rows } = tx ? await search(tx) : await withTenant(ctx.db, organizationId, search);
  return rows.map((row) => ({
    sourceId: row.source_id,
    sourceTitle: row.source_title,
    ordinal: row.ordinal,
    heading: row.heading,
    snippetHtml: snippetToHtml(row.headline),
    rank: Number(row.rank),
  }));
}

const SNIPPET_ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

/** A snippet's HTML (escaped text and <mark>) back to plain text, for a model to read. */
export function snippetToText(html: string): string {
  return html
    .replace(/<\/?mark>/g, "")
    .replace(/&(amp|lt|gt|quot|#39);/g, (entity) => SNIPPET_ENTITIES[entity] ?? entity)
    .replace(/\s+/g, " ")
    .trim();
}
