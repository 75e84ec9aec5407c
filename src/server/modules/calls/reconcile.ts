// The "calls.reconcile" job: Vapi delivers each message at most once, so a call whose
// end-of-call report was lost would stay "live" for ever, or end without transcript, summary or
// metered usage. Calls without a report whose last message is older than RECONCILE_AFTER_MS are
// fetched from Vapi's API (when a key is configured) and a fetched call that has ended is applied
// exactly like an end-of-call report. A call Vapi cannot give us now (404, 5xx) is tried again on
// the next run, until it leaves the RECONCILE_WINDOW_MS window; it never holds up the others.
import { VapiClient } from "@vapi-ai/server-sdk";
import type { AppContext } from "../../context.js";
import { withPlatform } from "../../db/transaction.js";
import { applyCallMessage } from "./ingest.js";

export const RECONCILE_AFTER_MS = 30 * 60 * 1000;
/** Older calls are left alone: Vapi keeps call records, but a day-old stuck call is a different problem. */
export const RECONCILE_WINDOW_MS = 24 * 60 * 60 * 1000;
const RECONCILE_BATCH = 100;
/** One fetch per call and run, without the SDK's retries: the next run (every 10 minutes) is the retry. */
const RECONCILE_FETCH_TIMEOUT_SECONDS = 10;

type StuckCall = { organization_id: string; provider_call_id: string; phone_number_id: string | null };

export async function reconcileCalls(ctx: AppContext, client?: Pick<VapiClient, "calls">): Promise<number> {
  const apiKey = ctx.config.vapi.apiKey;
  if (!apiKey && !client) return 0;
  const vapi = client ?? new VapiClient({ token: apiKey as string, baseUrl: ctx.config.vapi.baseUrl });
  const now = ctx.clock.now().getTime();
  // Across tenants, so on the platform role; calls_org_started_idx does not lead with the report,
  // but the window keeps the scan to the last day's partition. A status-update "ended" does not
  // make a report unnecessary: only the report carries the transcript and meters the call.
  const stuck = await withPlatform(ctx.db, async (tx) => {
    const { rows } = await tx.$client.query<StuckCall>(
      `SELECT organization_id, provider_call_id, phone_number_id FROM calls
       WHERE provider = 'vapi' AND report_received_at IS NULL
         AND started_at > $1 AND started_at < $2 AND COALESCE(last_event_at, started_at) < $2
       ORDER BY started_at LIMIT ${RECONCILE_BATCH}`,
      [new Date(now - RECONCILE_WINDOW_MS), new Date(now - RECONCILE_AFTER_MS)],
    );
    return rows;
  });
  let applied = 0;
  for (const row of stuck) {
    try {
      const call = await vapi.calls.get({ id: row.provider_call_id }, { timeoutInSeconds: RECONCILE_FETCH_TIMEOUT_SECONDS, maxRetries: 0 });
      if (call.status !== "ended") continue;
      const message = {
        type: "end-of-call-report",
        call: call as unknown as Record<string, unknown>,
        endedReason: call.endedReason,
        artifact: call.artifact,
        analysis: call.analysis,
        cost: call.cost,
        costBreakdown: call.costBreakdown,
        startedAt: call.startedAt,
        endedAt: call.endedAt,
      };
      if (
        await applyCallMessage(ctx, row.organization_id, message, {
          provider: "vapi",
          phoneNumberId: row.phone_number_id,
          calledNumber: null,
          receivedAt: ctx.clock.now(),
        })
      )
        applied++;
    } catch (error) {
      ctx.logger.warn({ err: error, providerCallId: row.provider_call_id }, "could not reconcile a call with Vapi");
    }
  }
  return applied;
}
