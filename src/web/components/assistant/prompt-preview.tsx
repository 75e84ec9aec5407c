// The live preview beside the assistant form: ~400 ms after typing stops, the form's values go to
// the API's preview, which answers with the rendered system prompt, the first message, the tools,
// whether the business is open now (and when it next opens), and gentle warnings. It never blocks
// typing: the last answer stays on screen while the next one loads.
import { useQuery } from "@tanstack/react-query";
import { Clock, LoaderCircle, MessageSquareQuote, TriangleAlert, Wrench } from "lucide-react";
import { useMemo } from "react";
import { type Control, useWatch } from "react-hook-form";
import { previewQuery, type Template } from "../../api/assistants";
import { toApiProblem } from "../../api/problem";
import { type AssistantFormValues, describePath, toBody, toPatchBody } from "../../lib/assistant-form";
import { toolLabel } from "../../lib/tools";
import { useDebouncedValue } from "../../lib/use-debounced-value";
import { Badge } from "../badge";

export const PREVIEW_DELAY_MS = 400;

function formatOpening(iso: string, timezone: string): string {
  const date = new Date(iso);
  try {
    const inZone = new Intl.DateTimeFormat(undefined, { weekday: "short", hour: "numeric", minute: "2-digit", timeZone: timezone });
    return inZone.format(date);
  } catch {
    return date.toLocaleString();
  }
}

function Heading({ icon: Icon, children }: { icon: typeof Clock; children: string }) {
  return (
    <h3 className="flex items-center gap-1.5 text-xs font-semibold tracking-wide text-zinc-500 uppercase">
      <Icon aria-hidden className="size-3.5" />
      {children}
    </h3>
  );
}

export function PromptPreview({
  organizationId,
  assistantId,
  template,
  control,
}: {
  organizationId: string;
  assistantId: string | null;
  template: Template | null;
  control: Control<AssistantFormValues>;
}) {
  // useWatch hands over a fresh object on every change; the conversion and the request wait until
  // typing pauses, so a keystroke costs this panel a re-render and nothing more.
  const values = useWatch({ control }) as AssistantFormValues;
  const settled = useDebouncedValue(values, PREVIEW_DELAY_MS);
  const bodyJson = useMemo(() => {
    const draft = toBody(settled, template, { lenient: true }).body;
    return JSON.stringify(assistantId ? toPatchBody(draft) : draft);
  }, [settled, template, assistantId]);
  const preview = useQuery(previewQuery(organizationId, assistantId, bodyJson));
  const updating = preview.isFetching || settled !== values;
  const data = preview.data;
  const timezone = values.businessHours.timezone;
  const problem = preview.isError ? toApiProblem(preview.error) : null;

  return (
    <section aria-labelledby="preview-heading" className="overflow-hidden rounded-xl bg-white shadow-xs ring-1 ring-zinc-200">
      <div className="flex items-center justify-between gap-3 border-b border-zinc-100 px-4 py-3">
        <h2 id="preview-heading" className="text-sm font-semibold text-zinc-900">
          Live preview
        </h2>
        <span role="status" aria-live="polite" className="flex items-center gap-1.5 text-xs text-zinc-500">
          {updating ? (
            <>
              <LoaderCircle aria-hidden className="size-3.5 animate-spin" />
              Updating…
            </>
          ) : data ? (
            "Up to date"
          ) : null}
        </span>
      </div>

      {!data && !problem && (
        <div className="space-y-3 p-4" aria-hidden>
          <div className="h-4 w-1/3 animate-pulse rounded bg-zinc-100" />
          <div className="h-16 animate-pulse rounded bg-zinc-100" />
          <div className="h-40 animate-pulse rounded bg-zinc-100" />
        </div>
      )}

      {problem && (
        <div className="m-4 rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          <p className="font-medium">The preview is waiting for a few fixes</p>
          <p className="mt-0.5">{problem.errors.length === 0 ? problem.detail : ""}</p>
          {problem.errors.length > 0 && (
            <ul className="mt-1 list-disc space-y-0.5 pl-5">
              {problem.errors.slice(0, 6).map((error) => (
                <li key={`${error.path}:${error.message}`}>
                  <span className="font-medium">{describePath(error.path, template)}:</span> {error.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      {data && (
        <div className={updating ? "opacity-70 transition-opacity" : "transition-opacity"}>
          <div className="flex flex-wrap items-center gap-2 px-4 pt-4">
            {data.openNow ? <Badge tone="success">Open now</Badge> : <Badge tone="warning">Closed now</Badge>}
            {!data.openNow && (
              <span className="text-xs text-zinc-500">{data.nextOpening ? `Opens ${formatOpening(data.nextOpening, timezone)}` : "No opening hours set"}</span>
            )}
          </div>

          <div className="space-y-2 px-4 pt-4">
            <Heading icon={MessageSquareQuote}>First message</Heading>
            <p data-testid="preview-first-message" className="rounded-2xl rounded-tl-sm bg-indigo-50 px-3.5 py-2.5 text-sm text-indigo-950">
              {data.firstMessage || <span className="text-indigo-400">(nothing yet)</span>}
            </p>
          </div>

          {data.issues.length > 0 && (
            <div className="mx-4 mt-4 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2.5 text-sm text-amber-900">
              <p className="flex items-center gap-1.5 font-medium">
                <TriangleAlert aria-hidden className="size-4" />
                Worth a look before going live
              </p>
              <ul className="mt-1 list-disc space-y-0.5 pl-5">
                {data.issues.map((issue) => (
                  <li key={`${issue.path}:${issue.message}`}>
                    <span className="font-medium">{describePath(issue.path, template)}:</span> {issue.message}
                  </li>
                ))}
              </ul>
            </div>
          )}

          <div className="space-y-2 px-4 pt-4">
            <Heading icon={Clock}>System prompt</Heading>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
            <section tabIndex={0} aria-label="Rendered system prompt" className="max-h-[26rem] overflow-auto rounded-lg bg-zinc-950 p-3">
              <pre className="font-mono text-[11.5px] leading-relaxed whitespace-pre-wrap text-zinc-100">{data.systemPrompt}</pre>
            </section>
          </div>

          <div className="space-y-2 p-4">
            <Heading icon={Wrench}>Tools</Heading>
            {data.tools.length === 0 ? (
              <p className="text-sm text-zinc-500">No tools: the assistant can only talk.</p>
            ) : (
              <ul className="space-y-1.5">
                {data.tools.map((tool) => (
                  <li key={tool.name} className="text-sm">
                    <span className="font-medium text-zinc-900">{toolLabel(tool.name)}</span>
                    <span className="line-clamp-2 block text-xs text-zinc-500" title={tool.description}>
                      {tool.description}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
