// Voice for the test console where the browser has the Web Speech API: dictation of the caller's
// line (SpeechRecognition, prefixed in Chromium and Safari) and spoken replies (speechSynthesis).
import { useCallback, useEffect, useRef, useState } from "react";

// Not in TypeScript's DOM library yet: the few members the console uses.
type RecognitionResultList = ArrayLike<{ isFinal: boolean; 0: { transcript: string } }>;
type Recognition = {
  lang: string;
  interimResults: boolean;
  continuous: boolean;
  onresult: ((event: { resultIndex: number; results: RecognitionResultList }) => void) | null;
  onerror: ((event: { error: string }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
  abort(): void;
};
type RecognitionConstructor = new () => Recognition;

function recognitionConstructor(): RecognitionConstructor | null {
  if (typeof window === "undefined") return null;
  const scope = window as unknown as { SpeechRecognition?: RecognitionConstructor; webkitSpeechRecognition?: RecognitionConstructor };
  return scope.SpeechRecognition ?? scope.webkitSpeechRecognition ?? null;
}

const RECOGNITION_ERRORS: Record<string, string> = {
  "not-allowed": "The browser was not allowed to use the microphone.",
  "service-not-allowed": "The browser was not allowed to use the microphone.",
  "no-speech": "No speech was heard. Try again, a little closer to the microphone.",
  "audio-capture": "No microphone was found.",
  network: "Speech recognition needs a network connection in this browser.",
};

/** Dictation: `start()` listens once; `onInterim` gets the words so far, `onFinal` the whole line. */
export function useDictation(language: string, handlers: { onInterim: (text: string) => void; onFinal: (text: string) => void }) {
  const Constructor = recognitionConstructor();
  const [listening, setListening] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const recognition = useRef<Recognition | null>(null);
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => () => recognition.current?.abort(), []);

  const start = useCallback(() => {
    if (!Constructor || recognition.current) return;
    const next = new Constructor();
    next.lang = language;
    next.interimResults = true;
    next.continuous = false;
    next.onresult = (event) => {
      let text = "";
      let final = false;
      for (let index = 0; index < event.results.length; index++) {
        const result = event.results[index];
        if (!result) continue;
        text += result[0].transcript;
        final = result.isFinal;
      }
      if (final) latest.current.onFinal(text.trim());
      else latest.current.onInterim(text);
    };
    next.onerror = (event) => {
      if (event.error !== "aborted") setError(RECOGNITION_ERRORS[event.error] ?? "Speech recognition stopped with an error.");
    };
    next.onend = () => {
      recognition.current = null;
      setListening(false);
    };
    setError(null);
    recognition.current = next;
    setListening(true);
    next.start();
  }, [Constructor, language]);

  const stop = useCallback(() => recognition.current?.stop(), []);

  return { supported: Constructor !== null, listening, error, start, stop };
}

/** Spoken replies: `speak(text)` reads a reply aloud when enabled; turning it off stops at once. */
export function useSpokenReplies(language: string) {
  const supported = typeof window !== "undefined" && "speechSynthesis" in window;
  const [enabled, setEnabled] = useState(false);

  useEffect(() => {
    if (!enabled && supported) window.speechSynthesis.cancel();
  }, [enabled, supported]);
  useEffect(() => () => (supported ? window.speechSynthesis.cancel() : undefined), [supported]);

  const speak = useCallback(
    (text: string) => {
      if (!supported || !enabled || text.trim() === "") return;
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = language;
      window.speechSynthesis.speak(utterance);
    },
    [enabled, language, supported],
  );

  return { supported, enabled, setEnabled, speak };
}

/** Whether this browser can take the caller's lines by voice. */
export function dictationSupported(): boolean {
  return recognitionConstructor() !== null;
}
