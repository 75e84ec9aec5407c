// The console's conversation as it is shown: the session's transcript, then each turn as it
// streams in (the caller's line, the assistant's words as they arrive, tool calls and their results,
// engine errors). One turn at a time; leaving the page aborts the turn in flight.
import { useCallback, useEffect, useRef, useState } from "react";
import { type EngineEvent, sendCallerLine, type TestSession, type TestSessionEntry, type TurnDone } from "../../api/console";
import { problemMessage } from "../../api/problem";

export type ConsoleLine =
  | { kind: "caller"; id: string; text: string }
  | { kind: "assistant"; id: string; text: string; streaming: boolean }
  | {
      kind: "tool";
      id: string;
      toolCallId: string;
      name: string;
      arguments: Record<string, unknown> | string;
      result?: string;
      error?: string;
      pending: boolean;
    }
  | { kind: "error"; id: string; message: string };

let nextLineId = 1;
const lineId = () => `line-${nextLineId++}`;

export function linesFromTranscript(transcript: TestSessionEntry[]): ConsoleLine[] {
  return transcript.map((entry): ConsoleLine => {
    if (entry.role === "tool") {
      return {
        kind: "tool",
        id: lineId(),
        toolCallId: entry.toolCallId ?? "",
        name: entry.name ?? "tool",
        arguments: entry.arguments ?? {},
        ...(entry.result !== undefined ? { result: entry.result } : {}),
        ...(entry.error !== undefined ? { error: entry.error } : {}),
        pending: false,
      };
    }
    const text = entry.text ?? "";
    return entry.role === "caller" ? { kind: "caller", id: lineId(), text } : { kind: "assistant", id: lineId(), text, streaming: false };
  });
}

/** Applies one streamed engine event to the lines shown. */
function applyEvent(lines: ConsoleLine[], event: EngineEvent): ConsoleLine[] {
  const last = lines.at(-1);
  switch (event.type) {
    case "text-delta":
      if (last?.kind === "assistant" && last.streaming) return [...lines.slice(0, -1), { ...last, text: last.text + event.text }];
      return [...lines, { kind: "assistant", id: lineId(), text: event.text, streaming: true }];
    case "tool-call":
      return [...settle(lines), { kind: "tool", id: lineId(), toolCallId: event.toolCallId, name: event.name, arguments: event.arguments, pending: true }];
    case "tool-result":
      return lines.map((line) =>
        line.kind === "tool" && line.toolCallId === event.toolCallId
          ? {
              ...line,
              pending: false,
              ...(event.result !== undefined ? { result: event.result } : {}),
              ...(event.error !== undefined ? { error: event.error } : {}),
            }
          : line,
      );
    case "error":
      return [...settle(lines), { kind: "error", id: lineId(), message: event.message }];
  }
}

/** Ends the assistant's streaming line, if any: what comes next starts a new bubble. */
function settle(lines: ConsoleLine[]): ConsoleLine[] {
  return lines.map((line) => (line.kind === "assistant" && line.streaming ? { ...line, streaming: false } : line));
}

export type TurnOutcome = { ok: true; done: TurnDone } | { ok: false; error?: unknown };

export function useConsoleConversation(orgId: string, session: TestSession | undefined) {
  const [lines, setLines] = useState<ConsoleLine[]>([]);
  const [sending, setSending] = useState(false);
  const inFlight = useRef<AbortController | null>(null);
  const sessionId = session?.id;

  // A different session (started, or opened from the address bar) replaces what is shown.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new session resets the lines, not a refetch of the same one.
  useEffect(() => {
    setLines(session ? linesFromTranscript(session.transcript) : []);
  }, [sessionId]);

  useEffect(() => () => inFlight.current?.abort(), []);

  const send = useCallback(
    async (text: string): Promise<TurnOutcome> => {
      if (!sessionId || inFlight.current) return { ok: false };
      const controller = new AbortController();
      inFlight.current = controller;
      setSending(true);
      setLines((current) => [...current, { kind: "caller", id: lineId(), text }]);
      try {
        const done = await sendCallerLine(orgId, sessionId, text, (event) => setLines((current) => applyEvent(current, event)), controller.signal);
        setLines((current) => {
          const settled = settle(current);
          // An engine that streamed nothing still says something: show the turn's text.
          const saidSomething = settled.slice(settled.findLastIndex((line) => line.kind === "caller") + 1).some((line) => line.kind === "assistant");
          return saidSomething || done.text === "" ? settled : [...settled, { kind: "assistant", id: lineId(), text: done.text, streaming: false }];
        });
        return { ok: true, done };
      } catch (error) {
        if (controller.signal.aborted) return { ok: false };
        setLines((current) => [...settle(current), { kind: "error", id: lineId(), message: problemMessage(error) }]);
        return { ok: false, error };
      } finally {
        inFlight.current = null;
        if (!controller.signal.aborted) setSending(false);
      }
    },
    [orgId, sessionId],
  );

  return { lines, sending, send };
}
