// lookupKnowledge: the knowledge search scoped to the call's assistant, as plain text for the model.
import { searchKnowledge, snippetToText } from "../../knowledge/search.js";
import type { ToolArguments } from "./arguments.js";
import { oneLine, type ToolEnv, type ToolOutcome } from "./context.js";

const KNOWLEDGE_RESULTS = 3;

export async function lookupKnowledge(env: ToolEnv, args: ToolArguments<"lookupKnowledge">): Promise<ToolOutcome> {
  // In the tool's own transaction: a second pool checkout per tool call can exhaust the pool.
  const hits = await searchKnowledge(env.ctx, env.call.organizationId, { query: args.query, assistantId: env.assistant?.id, limit: KNOWLEDGE_RESULTS }, env.tx);
  if (hits.length === 0) return { outcome: "succeeded", text: "Nothing in the knowledge base answers that. Say you are not sure and offer to take a message." };
  const passages = hits.map((hit, index) => {
    const where = hit.heading ? `${hit.sourceTitle} — ${hit.heading}` : hit.sourceTitle;
    return `${index + 1}. (${oneLine(where)}) ${snippetToText(hit.snippetHtml)}`;
  });
  return { outcome: "succeeded", text: `From the knowledge base: ${passages.join(" ")}` };
}
