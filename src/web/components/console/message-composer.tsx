// Where the tester types (or dictates) the caller's next line. Enter sends, Shift+Enter starts a
// new line; the microphone appears only where the browser can recognise speech.
import { Mic, MicOff, SendHorizontal } from "lucide-react";
import { type KeyboardEvent, type Ref, useId, useState } from "react";
import { Button } from "../button";
import { useDictation } from "./use-speech";

type ComposerProps = {
  disabled: boolean;
  sending: boolean;
  language: string;
  maxLength: number;
  /** Sends the line; resolves false when it was not sent, so the text is kept for another try. */
  onSend: (text: string) => Promise<boolean>;
  inputRef?: Ref<HTMLTextAreaElement>;
};

export function MessageComposer({ disabled, sending, language, maxLength, onSend, inputRef }: ComposerProps) {
  const [text, setText] = useState("");
  const hintId = useId();
  const submit = async (line: string) => {
    const trimmed = line.trim();
    if (trimmed === "" || sending || disabled) return;
    setText("");
    if (!(await onSend(trimmed))) setText((current) => (current === "" ? trimmed : current));
  };
  const dictation = useDictation(language, { onInterim: setText, onFinal: (line) => void submit(line) });

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit(text);
    }
  };

  return (
    <form
      aria-label="Say something as the caller"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit(text);
      }}
      className="border-t border-zinc-200 bg-white p-3"
    >
      <div className="flex items-end gap-2">
        <label className="sr-only" htmlFor={`${hintId}-input`}>
          Caller's line
        </label>
        <textarea
          id={`${hintId}-input`}
          ref={inputRef}
          rows={1}
          value={text}
          maxLength={maxLength}
          disabled={disabled}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          aria-describedby={hintId}
          placeholder={disabled ? "The call has ended." : "Type what the caller says…"}
          className="max-h-32 min-h-9 flex-1 resize-y rounded-md border-0 px-3 py-2 text-sm text-zinc-900 shadow-xs ring-1 ring-zinc-300 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-indigo-600 disabled:bg-zinc-50 disabled:text-zinc-500"
        />
        {dictation.supported && (
          <Button
            variant="secondary"
            aria-label={dictation.listening ? "Stop listening" : "Speak instead of typing"}
            aria-pressed={dictation.listening}
            disabled={disabled || sending}
            onClick={dictation.listening ? dictation.stop : dictation.start}
            className={dictation.listening ? "ring-red-300 text-red-600" : undefined}
          >
            {dictation.listening ? <MicOff aria-hidden className="size-4" /> : <Mic aria-hidden className="size-4" />}
          </Button>
        )}
        <Button type="submit" pending={sending} disabled={disabled || text.trim() === ""}>
          {!sending && <SendHorizontal aria-hidden className="size-4" />}
          Send
        </Button>
      </div>
      <p id={hintId} className="mt-1.5 text-xs text-zinc-500">
        {dictation.error ?? (dictation.listening ? "Listening… speak as the caller." : "Enter sends, Shift+Enter starts a new line.")}
      </p>
    </form>
  );
}
