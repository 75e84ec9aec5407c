// Order lines from what a caller said, matched against the assistant's menu: item names (whole or
// by their distinctive words), quantities said before them, and option choices said anywhere in
// the line (each given to the nearest item before it that offers it).
import type { MenuItem } from "../templates/types.js";
import { normalise, quantityWord } from "./slot-values.js";

export type OrderItem = { name: string; quantity: number; options: string[] };

const FILLER = new Set(["the", "a", "an", "with", "and", "of", "de", "la", "le", "for", "on", "in", "side", "plate", "bowl"]);

function words(text: string): string[] {
  return normalise(text)
    .split(" ")
    .filter((word) => word !== "");
}

/** Where in the line an item is mentioned (word index), or -1. Plurals ("margheritas") count. */
function mentionOf(lineWords: string[], item: MenuItem): number {
  const name = words(item.name).filter((word) => !FILLER.has(word));
  if (name.length === 0) return -1;
  const matches = (word: string, wanted: string) => word === wanted || word === `${wanted}s` || word === `${wanted}es`;
  for (let index = 0; index < lineWords.length; index++) {
    // The whole name in order, or its last distinctive word alone when that is unique enough (checked by the caller).
    if (name.every((wanted, offset) => matches(lineWords[index + offset] ?? "", wanted))) return index;
  }
  return -1;
}

function mentionByDistinctWord(lineWords: string[], item: MenuItem, menu: readonly MenuItem[]): number {
  const name = words(item.name).filter((word) => !FILLER.has(word) && word.length > 3);
  for (const wanted of name) {
    const shared = menu.filter((other) => other !== item && words(other.name).includes(wanted));
    if (shared.length > 0) continue;
    const index = lineWords.findIndex((word) => word === wanted || word === `${wanted}s`);
    if (index !== -1) return index;
  }
  return -1;
}

/** The order lines in a line of speech; empty when no menu item is named. */
export function readOrderItems(line: string, menu: readonly MenuItem[]): OrderItem[] {
  const lineWords = words(line);
  const found: { item: MenuItem; at: number }[] = [];
  for (const item of menu) {
    let at = mentionOf(lineWords, item);
    if (at === -1) at = mentionByDistinctWord(lineWords, item, menu);
    if (at !== -1) found.push({ item, at });
  }
  // A longer name that contains a shorter one wins ("Margherita Pizza" over "Pizza").
  const kept = found.filter(
    (entry) =>
      !found.some(
        (other) =>
          other !== entry &&
          other.at <= entry.at &&
          other.item.name.length > entry.item.name.length &&
          normalise(other.item.name).includes(normalise(entry.item.name)),
      ),
  );
  kept.sort((a, b) => a.at - b.at);
  const lines: OrderItem[] = [];
  for (const [index, { item, at }] of kept.entries()) {
    const before = lineWords.slice(Math.max(0, at - 3), at).reverse();
    let quantity = 1;
    for (const word of before) {
      const value = quantityWord(word);
      if (value !== null) {
        quantity = Math.min(Math.max(value, 1), 99);
        break;
      }
    }
    const end = kept[index + 1]?.at ?? lineWords.length;
    lines.push({ name: item.name, quantity, options: readChoices(lineWords.slice(Math.max(0, at - 4), end), item) });
  }
  return lines;
}

/** The option choices of an item said in these words ("large", "extra mushrooms", "without anchovies"). */
export function readChoices(lineWords: readonly string[], item: MenuItem): string[] {
  const text = ` ${lineWords.join(" ")} `;
  const chosen: string[] = [];
  for (const group of item.options ?? []) {
    for (const choice of group.choices) {
      const key = normalise(choice.name);
      if (key !== "" && text.includes(` ${key} `)) chosen.push(choice.name);
    }
    // Of two choices where one contains the other ("Anchovies" / "No anchovies"), keep the longer.
    for (const choice of [...chosen]) {
      if (chosen.some((other) => other !== choice && normalise(other).includes(normalise(choice)))) chosen.splice(chosen.indexOf(choice), 1);
    }
  }
  return chosen;
}

/** The first required option group of the line's item that has no choice yet. */
export function missingOption(order: OrderItem, menu: readonly MenuItem[]): { item: MenuItem; group: NonNullable<MenuItem["options"]>[number] } | null {
  const item = menu.find((entry) => entry.name === order.name);
  if (!item) return null;
  for (const group of item.options ?? []) {
    if (!group.required) continue;
    const picked = group.choices.some((choice) => order.options.includes(choice.name));
    if (!picked) return { item, group };
  }
  return null;
}

/** "2 Margherita (Large), 1 Caesar Salad" for reading an order back. */
export function speakOrder(items: readonly OrderItem[]): string {
  return items.map((item) => `${item.quantity} ${item.name}${item.options.length ? ` (${item.options.join(", ")})` : ""}`).join(", ");
}
