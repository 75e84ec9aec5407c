// One tool call inline in the console's transcript: its name, the arguments the engine chose, and
// what the tool answered (an error in red), or a spinner while it runs.
import { LoaderCircle, Wrench } from "lucide-react";
import { cx } from "../../lib/class-names";
import type { ConsoleLine } from "./use-console-conversation";

type ToolLine = Extract<ConsoleLine, { kind: "tool" }>;

function argumentText(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function ToolArguments({ value }: { value: ToolLine["arguments"] }) {
  if (typeof value === "string") return <pre className="font-mono text-xs break-all whitespace-pre-wrap text-zinc-700">{value}</pre>;
  const entries = Object.entries(value);
  if (entries.length === 0) return <p className="text-xs text-zinc-500">No arguments</p>;
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-xs">
      {entries.map(([name, argument]) => (
        <div key={name} className="contents">
          <dt className="font-mono text-zinc-500">{name}</dt>
          <dd className="font-mono break-all text-zinc-800">{argumentText(argument)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ToolCallCard({ line }: { line: ToolLine }) {
  const failed = line.error !== undefined;
  return (
    <div
      className={cx(
        "w-full max-w-xl rounded-lg border bg-white px-3 py-2.5 text-sm shadow-xs",
        failed ? "border-red-200" : line.pending ? "border-zinc-200" : "border-emerald-200",
      )}
    >
      <p className="mb-2 flex items-center gap-2 font-medium text-zinc-900">
        <Wrench aria-hidden className="size-3.5 text-zinc-500" />
        <span className="sr-only">Tool call: </span>
        <span className="font-mono text-[13px]">{line.name}</span>
        {line.pending && (
          <span className="ml-auto inline-flex items-center gap-1 text-xs font-normal text-zinc-500">
            <LoaderCircle aria-hidden className="size-3 animate-spin" />
            Running…
          </span>
        )}
      </p>
      <ToolArguments value={line.arguments} />
      {!line.pending && (
        <div className={cx("mt-2 border-t pt-2 text-xs", failed ? "border-red-100 text-red-700" : "border-zinc-100 text-zinc-700")}>
          <span className="font-medium">{failed ? "Error: " : "Result: "}</span>
          <span className="break-words">{failed ? line.error : (line.result ?? "(no result)")}</span>
        </div>
      )}
    </div>
  );
}
