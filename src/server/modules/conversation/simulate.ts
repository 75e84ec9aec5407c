// A whole scripted conversation with an assistant through a test session (what `npm run
// call:simulate -- --assistant` runs): the caller's lines in order, each answered by the
// conversation engine with real tool calls through the webhook; the call ends after the last line.
import type { AppContext } from "../../context.js";
import { withPlatform } from "../../db/transaction.js";
import { NotFound } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import { createTestSession, endTestSession, startTestTurn, type TestSessionView, type TestTurnLine } from "./service.js";

/** Caller lines, one per line; "#" comments and blank lines are skipped; a "caller:" prefix is allowed. "(silence)" is a caller saying nothing. */
export function parseCallerLines(source: string): string[] {
  return source
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.replace(/^caller\s*:\s*/i, ""))
    .map((line) => (/^\(silence\)$/i.test(line) ? "" : line));
}

export type SimulationEvent = { kind: "assistant"; text: string } | { kind: "caller"; text: string } | { kind: "line"; line: TestTurnLine };

/** Plays the lines and returns the session as it ended (and its organization: the assistant's own; the session is opened for its first owner). */
export async function simulateAssistantConversation(
  ctx: AppContext,
  input: { assistantId: string; lines: string[]; callerNumber?: string | undefined; onEvent?: (event: SimulationEvent) => void },
): Promise<{ organizationId: string; session: TestSessionView }> {
  const found = await withPlatform(ctx.db, async (tx) => {
    const { rows } = await tx.$client.query<{ organization_id: string; user_id: string | null }>(
      `SELECT a.organization_id, (SELECT m.user_id FROM memberships m WHERE m.organization_id = a.organization_id AND m.role = 'owner' ORDER BY m.created_at LIMIT 1) AS user_id
       FROM assistants a WHERE a.id = $1`,
      [input.assistantId],
    );
    return rows[0];
  });
  if (!found?.user_id) throw new NotFound("Assistant");
  const access: OrgAccess = { organizationId: found.organization_id, role: "owner" };
  let session = await createTestSession(ctx, access, found.user_id, input.assistantId, { callerNumber: input.callerNumber });
  for (const entry of session.transcript) if (entry.role === "assistant") input.onEvent?.({ kind: "assistant", text: entry.text });
  for (const line of input.lines) {
    if (session.status === "ended") break;
    input.onEvent?.({ kind: "caller", text: line });
    const run = await startTestTurn(ctx, access, session.id, line);
    await run((event) => {
      input.onEvent?.({ kind: "line", line: event });
      if (event.type === "done") session = event.session;
    });
  }
  if (session.status !== "ended") session = await endTestSession(ctx, access, session.id);
  return { organizationId: access.organizationId, session };
}
