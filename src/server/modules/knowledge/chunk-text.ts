// Splits a document into the chunks that search ranks and the assistant reads: about a
// paragraph or three each, never across a heading, each labelled with its nearest heading.
import type { TextBlock } from "./text-blocks.js";

/** A chunk never exceeds this (one search hit should read in a few seconds on a call). */
export const CHUNK_MAX_CHARS = 1200;
/** A chunk shorter than this borrows sentences from a long next paragraph instead of ending early. */
export const CHUNK_MIN_CHARS = 400;
/** When a section spans chunks, the next one starts with up to this much of the previous one's end. */
export const CHUNK_OVERLAP_CHARS = 150;

export type TextChunk = { heading: string | null; content: string };

/** A piece that is never split further unless it is too long: a paragraph, a line or a sentence. */
type Unit = { text: string; joiner: string; splittable: boolean };

const SENTENCE_END = /(?<=[.!?…。！？]["'”’)\]]*)\s+/;

/** Cuts at the last space before `max` (or at `max` in a run without spaces). */
function hardSplit(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const space = rest.lastIndexOf(" ", max);
    const cut = space > max / 2 ? space : max;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** A paragraph's lines (lists, addresses), each line's sentences, each sentence's words: the finest split first needed. */
function splitFurther(text: string): Unit[] {
  const lines = text.split("\n");
  if (lines.length > 1) return lines.map((line, i) => ({ text: line, joiner: i === 0 ? "\n\n" : "\n", splittable: true }));
  const sentences = text.split(SENTENCE_END).filter(Boolean);
  if (sentences.length > 1) return sentences.map((sentence, i) => ({ text: sentence, joiner: i === 0 ? "\n\n" : " ", splittable: true }));
  return hardSplit(text, CHUNK_MAX_CHARS).map((piece, i) => ({ text: piece, joiner: i === 0 ? "\n\n" : " ", splittable: false }));
}

/** The end of a chunk carried into the next: whole sentences if they fit, else its last words. */
function overlapOf(content: string): string {
  const sentences = content.split(SENTENCE_END);
  let tail = "";
  for (let i = sentences.length - 1; i >= 0; i--) {
    const candidate = tail ? `${sentences[i]} ${tail}` : sentences[i]!;
    if (candidate.length > CHUNK_OVERLAP_CHARS) break;
    tail = candidate;
  }
  if (tail) return tail;
  const end = content.slice(-CHUNK_OVERLAP_CHARS);
  const space = end.indexOf(" ");
  return space === -1 ? "" : `…${end.slice(space + 1)}`;
}

export function chunkBlocks(blocks: TextBlock[]): TextChunk[] {
  const chunks: TextChunk[] = [];
  let heading: string | null = null;
  let content = "";

  const emit = () => {
    if (content.trim()) chunks.push({ heading, content: content.trim() });
    content = "";
  };

  for (const block of blocks) {
    if (block.kind === "heading") {
      emit();
      heading = block.text;
      continue;
    }
    // A stack, next unit last: a paragraph may split into very many units.
    const pending: Unit[] = [{ text: block.text, joiner: "\n\n", splittable: true }];
    while (pending.length > 0) {
      const unit = pending.pop()!;
      const joined = content ? `${content}${unit.joiner}${unit.text}` : unit.text;
      if (joined.length <= CHUNK_MAX_CHARS) {
        content = joined;
        continue;
      }
      // Too long: split the unit when it cannot fit any chunk, or when the current chunk is still short.
      if (unit.splittable && (unit.text.length > CHUNK_MAX_CHARS || content.length < CHUNK_MIN_CHARS)) {
        const parts = splitFurther(unit.text);
        if (parts.length > 1) {
          parts[0]!.joiner = unit.joiner;
          for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]!);
          continue;
        }
      }
      const overlap = overlapOf(content);
      emit();
      const withOverlap = overlap ? `${overlap}${unit.joiner}${unit.text}` : unit.text;
      content = withOverlap.length <= CHUNK_MAX_CHARS ? withOverlap : unit.text;
    }
  }
  emit();
  return chunks;
}
