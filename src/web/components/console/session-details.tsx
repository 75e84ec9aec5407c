// The console's side panel: the session's state, which engine answers, links to the call record
// and the inbox, and the voice settings this browser supports.
import { Link } from "@tanstack/react-router";
import { ExternalLink } from "lucide-react";
import type { TestSession } from "../../api/console";
import { Badge } from "../badge";
import { Panel } from "../page-header";

const LINK = "inline-flex items-center gap-1 font-medium text-indigo-700 underline-offset-2 hover:underline";

export function engineLabel(engine: TestSession["engine"]): string {
  return engine === "llm" ? "Language model" : "Template engine";
}

type SessionDetailsProps = {
  orgId: string;
  session: TestSession;
  speech: { supported: boolean; enabled: boolean; setEnabled: (enabled: boolean) => void };
  dictationSupported: boolean;
};

export function SessionDetails({ orgId, session, speech, dictationSupported }: SessionDetailsProps) {
  const live = session.status === "open";
  return (
    <Panel title="This test call">
      <dl className="space-y-3 p-5 text-sm">
        <div className="flex items-center justify-between gap-3">
          <dt className="text-zinc-500">Status</dt>
          <dd>
            <Badge tone={live ? "success" : "neutral"}>{live ? "In progress" : "Ended"}</Badge>
          </dd>
        </div>
        <div className="flex items-center justify-between gap-3">
          <dt className="text-zinc-500">Engine</dt>
          <dd className="text-right font-medium text-zinc-900">{engineLabel(session.engine)}</dd>
        </div>
        <div className="flex items-center justify-between gap-3">
          <dt className="text-zinc-500">Call record</dt>
          <dd>
            {session.callId ? (
              <Link to="/orgs/$orgId/calls/$callId" params={{ orgId, callId: session.callId }} className={LINK}>
                Open call record
              </Link>
            ) : (
              <span className="text-zinc-400">Not recorded yet</span>
            )}
          </dd>
        </div>
        <div className="flex items-center justify-between gap-3">
          <dt className="text-zinc-500">What it took down</dt>
          <dd>
            <Link to="/orgs/$orgId/inbox" params={{ orgId }} search={{}} className={LINK}>
              Open the inbox
              <ExternalLink aria-hidden className="size-3" />
            </Link>
          </dd>
        </div>
      </dl>
      <div className="space-y-2 border-t border-zinc-100 p-5 text-sm">
        {speech.supported ? (
          <label className="flex items-center justify-between gap-3">
            <span className="text-zinc-700">Speak the assistant's replies</span>
            <input
              type="checkbox"
              role="switch"
              aria-checked={speech.enabled}
              checked={speech.enabled}
              onChange={(event) => speech.setEnabled(event.target.checked)}
              className="size-4 accent-indigo-600"
            />
          </label>
        ) : (
          <p className="text-zinc-500">This browser cannot speak replies aloud.</p>
        )}
        <p className="text-xs text-zinc-500">
          {dictationSupported ? "Use the microphone button to speak the caller's lines." : "This browser cannot take the caller's lines by voice; type them."}
        </p>
      </div>
      <p className="border-t border-zinc-100 bg-zinc-50/60 px-5 py-3 text-xs text-zinc-500">
        Test calls run the assistant's real tools, appear in the call log marked “Test”, and are not counted as usage.
      </p>
    </Panel>
  );
}
