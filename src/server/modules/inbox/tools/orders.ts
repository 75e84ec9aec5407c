// takeOrder: every line checked against the assistant's menu (items, options and their choices),
// totals computed here in integer cents (price + option deltas, times quantity), never by the model.
import type { MenuItem } from "../../templates/types.js";
import { createInboxItem } from "../items.js";
import type { ToolArguments } from "./arguments.js";
import { findByName, formatCents, menusOf, normaliseName, rejected, type ToolEnv, type ToolOutcome } from "./context.js";

export type OrderLine = {
  name: string;
  quantity: number;
  options: { group: string; choice: string; priceDeltaCents: number }[];
  unitPriceCents: number;
  lineTotalCents: number;
};

type OptionGroup = NonNullable<MenuItem["options"]>[number];

/** "Large", "Size: Large" or "large size" → the matching choice of one of the item's option groups. */
function findChoice(item: MenuItem, wanted: string): { group: OptionGroup; choice: OptionGroup["choices"][number] } | null {
  const groups = item.options ?? [];
  const key = normaliseName(wanted);
  for (const group of groups) {
    for (const choice of group.choices) {
      const name = normaliseName(choice.name);
      if (key === name || key === `${normaliseName(group.name)} ${name}` || key === `${name} ${normaliseName(group.name)}`) return { group, choice };
    }
  }
  const all = groups.flatMap((group) => group.choices.map((choice) => ({ group, choice })));
  const partial = all.filter(({ choice }) => {
    const name = normaliseName(choice.name);
    return name !== "" && (name.includes(key) || key.includes(name));
  });
  return partial.length === 1 ? partial[0]! : null;
}

function describeChoices(group: OptionGroup): string {
  return group.choices.map((choice) => (choice.priceDeltaCents ? `${choice.name} (+${formatCents(choice.priceDeltaCents)})` : choice.name)).join(", ");
}

/** Prices one order line, or says (for the model) what is wrong with it. */
export function priceLine(item: MenuItem, quantity: number, chosen: readonly string[]): OrderLine | string {
  const options: OrderLine["options"] = [];
  const perGroup = new Map<OptionGroup, number>();
  for (const wanted of chosen) {
    const match = findChoice(item, wanted);
    if (!match) {
      const offered = (item.options ?? []).map((group) => `${group.name}: ${describeChoices(group)}`).join("; ");
      return `"${wanted}" is not an option for ${item.name}. ${offered ? `Its options are ${offered}.` : "It comes with no options."} Ask the caller again.`;
    }
    if (options.some((option) => option.group === match.group.name && option.choice === match.choice.name)) continue;
    const count = (perGroup.get(match.group) ?? 0) + 1;
    if (count > 1 && !match.group.multiple)
      return `${item.name} takes only one ${match.group.name}; ask the caller which one: ${describeChoices(match.group)}.`;
    perGroup.set(match.group, count);
    options.push({ group: match.group.name, choice: match.choice.name, priceDeltaCents: match.choice.priceDeltaCents });
  }
  for (const group of item.options ?? []) {
    if (group.required && !perGroup.has(group)) return `${item.name} needs a choice of ${group.name}: ${describeChoices(group)}. Ask the caller.`;
  }
  const unitPriceCents = item.priceCents + options.reduce((sum, option) => sum + option.priceDeltaCents, 0);
  return { name: item.name, quantity, options, unitPriceCents, lineTotalCents: unitPriceCents * quantity };
}

export async function takeOrder(env: ToolEnv, args: ToolArguments<"takeOrder">): Promise<ToolOutcome> {
  const assistant = env.assistant;
  const menu = assistant ? (menusOf(assistant, ["menu"])[0] ?? []) : [];
  if (menu.length === 0) return rejected("Orders cannot be taken by phone for this business; offer to take a message instead.");
  const lines: OrderLine[] = [];
  for (const requested of args.items) {
    const item = findByName(menu, requested.name, (entry) => entry.name);
    if (!item) {
      const names = menu.slice(0, 12).map((entry) => entry.name);
      return rejected(
        `"${requested.name}" is not on the menu. Items include: ${names.join(", ")}${menu.length > names.length ? ", and more" : ""}. Ask the caller to choose from the menu.`,
      );
    }
    const line = priceLine(item, requested.quantity, requested.options ?? []);
    if (typeof line === "string") return rejected(line);
    lines.push(line);
  }
  const totalCents = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);
  const readBack = lines
    .map(
      (line) =>
        `${line.quantity} × ${line.name}${line.options.length ? ` (${line.options.map((o) => o.choice).join(", ")})` : ""} ${formatCents(line.lineTotalCents)}`,
    )
    .join("; ");
  const fulfillment = args.fulfillment === "delivery" ? `delivery to ${args.deliveryAddress}` : "pickup";
  const inboxItemId = await createInboxItem(env.tx, env.ctx.jobs, {
    organizationId: env.call.organizationId,
    kind: "order",
    title: `Order for ${args.fulfillment} from ${args.callerName}: ${formatCents(totalCents)}`,
    details: {
      lines,
      totalCents,
      currency: "USD",
      fulfillment: args.fulfillment,
      deliveryAddress: args.deliveryAddress ?? null,
      notes: args.notes ?? null,
      callbackNumber: args.callbackNumber,
    },
    callId: env.call.callId,
    assistantId: assistant?.id ?? null,
    callerName: args.callerName,
    callerNumber: args.callbackNumber,
  });
  return {
    outcome: "succeeded",
    inboxItemId,
    text: `Order placed for ${fulfillment}: ${readBack}. Total ${formatCents(totalCents)}. Read the total back to the caller.`,
  };
}
