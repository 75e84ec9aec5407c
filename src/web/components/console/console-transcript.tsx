// The console's transcript: the caller on the right, the assistant on the left (its words appear
// as they stream), tool calls inline, engine errors as alerts. Scrolls to the newest line.
import { CircleAlert, MessagesSquare } from "lucide-react";
import { useEffect, useRef } from "react";
import { cx } from "../../lib/class-names";
import { ToolCallCard } from "./tool-call-card";
import type { ConsoleLine } from "./use-console-conversation";

function Bubble({ who, children, streaming }: { who: "caller" | "assistant"; children: string; streaming?: boolean }) {
  return (
    <div className={cx("flex", who === "caller" ? "justify-end" : "justify-start")}>
      <p
        className={cx(
          "max-w-[80%] rounded-2xl px-3.5 py-2 text-sm whitespace-pre-wrap",
          who === "caller" ? "rounded-br-sm bg-zinc-900 text-white" : "rounded-bl-sm bg-white text-zinc-900 shadow-xs ring-1 ring-zinc-200",
        )}
      >
        <span className="sr-only">{who === "caller" ? "You (caller): " : "Assistant: "}</span>
        {children}
        {streaming && <span aria-hidden className="ml-0.5 inline-block h-3.5 w-1.5 animate-pulse rounded-sm bg-zinc-400 align-middle" />}
      </p>
    </div>
  );
}

export function ConsoleTranscript({ lines, thinking }: { lines: ConsoleLine[]; thinking: boolean }) {
  const scroller = useRef<HTMLDivElement>(null);
  const last = lines.at(-1);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever a line is added or grows.
  useEffect(() => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [lines, thinking]);

  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to scroll it.
    <div ref={scroller} tabIndex={0} className="h-[clamp(18rem,calc(100dvh-28rem),36rem)] overflow-y-auto bg-zinc-50/70 px-4 py-5">
      {lines.length === 0 && !thinking ? (
        <div className="flex h-full flex-col items-center justify-center text-center text-sm text-zinc-500">
          <MessagesSquare aria-hidden className="mb-2 size-5" />
          Nothing said yet. Type what a caller would say.
        </div>
      ) : (
        <ol aria-label="Transcript" className="space-y-3">
          {lines.map((line) => (
            <li key={line.id}>
              {line.kind === "caller" && <Bubble who="caller">{line.text}</Bubble>}
              {line.kind === "assistant" && (
                <Bubble who="assistant" streaming={line.streaming}>
                  {line.text}
                </Bubble>
              )}
              {line.kind === "tool" && <ToolCallCard line={line} />}
              {line.kind === "error" && (
                <div role="alert" className="flex max-w-xl gap-2 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
                  <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
                  <span>{line.message}</span>
                </div>
              )}
            </li>
          ))}
          {thinking && last?.kind !== "assistant" && (
            <li aria-hidden className="flex gap-1 px-2 py-1">
              {[0, 150, 300].map((delay) => (
                <span key={delay} className="size-1.5 animate-bounce rounded-full bg-zinc-400" style={{ animationDelay: `${delay}ms` }} />
              ))}
            </li>
          )}
        </ol>
      )}
    </div>
  );
}
