// The menu / price-list editor: a row per item (name, category, price in currency units, duration
// for booked services), details with a description and options (each with priced choices), add,
// remove and reorder, and "paste a list" for many items at once. Rows are uncontrolled inputs in a
// field array, so typing in one of hundreds of rows re-renders nothing else.
import { ArrowDown, ArrowUp, ChevronDown, ClipboardPaste, Plus, Trash2, X } from "lucide-react";
import { memo, useId, useMemo, useState } from "react";
import { useFieldArray, useFormContext } from "react-hook-form";
import { emptyMenuRow, type MenuRowForm } from "../../lib/assistant-form";
import { cx } from "../../lib/class-names";
import { centsToInput, currencySymbol, parseMoney } from "../../lib/money";
import { Alert } from "../alert";
import { Button } from "../button";
import { Dialog, DialogFooter } from "../dialog";
import { Fieldset, TextAreaField } from "../form-field";
import { IconButton, RowInput, useFieldError } from "./controls";

type MenuEditorProps = {
  name: string;
  legend: string;
  hint?: string | undefined;
  currency: string;
  /** Show a duration column (services that are booked: clinics, salons). */
  withDuration: boolean;
  disabled?: boolean;
};

function ChoicesEditor({ name, currency, optionLabel, disabled }: { name: string; currency: string; optionLabel: string; disabled?: boolean | undefined }) {
  const { control } = useFormContext();
  const choices = useFieldArray({ control, name });
  const symbol = currencySymbol(currency);
  return (
    <div className="space-y-2">
      {choices.fields.map((field, c) => (
        <div key={field.id} className="flex items-start gap-2">
          <RowInput name={`${name}.${c}.name`} label={`${optionLabel}: choice ${c + 1}`} placeholder="Large" containerClassName="flex-1" disabled={disabled} />
          <RowInput
            name={`${name}.${c}.priceDelta`}
            label={`${optionLabel}: extra price of choice ${c + 1}`}
            placeholder="0.00"
            inputMode="decimal"
            leading={`+${symbol}`}
            className="pl-9"
            containerClassName="w-32"
            disabled={disabled}
          />
          <IconButton icon={X} tone="danger" label={`Remove choice ${c + 1} of ${optionLabel}`} disabled={disabled} onClick={() => choices.remove(c)} />
        </div>
      ))}
      <Button variant="ghost" size="sm" disabled={disabled} onClick={() => choices.append({ name: "", priceDelta: "" })}>
        <Plus aria-hidden className="size-3.5" />
        Add a choice
      </Button>
    </div>
  );
}

function OptionsEditor({ name, currency, itemLabel, disabled }: { name: string; currency: string; itemLabel: string; disabled?: boolean | undefined }) {
  const { control, register } = useFormContext();
  const options = useFieldArray({ control, name });
  return (
    <div className="space-y-3">
      {options.fields.map((field, o) => {
        const optionLabel = `${itemLabel}, option ${o + 1}`;
        return (
          <fieldset key={field.id} className="space-y-2 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200">
            <legend className="sr-only">{optionLabel}</legend>
            <div className="flex flex-wrap items-start gap-2">
              <RowInput
                name={`${name}.${o}.name`}
                label={`Name of ${optionLabel}`}
                placeholder="Size"
                containerClassName="min-w-40 flex-1"
                disabled={disabled}
              />
              <label className="flex items-center gap-1.5 pt-1.5 text-sm text-zinc-700">
                <input type="checkbox" className="size-4 accent-indigo-600" disabled={disabled} {...register(`${name}.${o}.required`)} />
                Required
              </label>
              <label className="flex items-center gap-1.5 pt-1.5 text-sm text-zinc-700">
                <input type="checkbox" className="size-4 accent-indigo-600" disabled={disabled} {...register(`${name}.${o}.multiple`)} />
                Several allowed
              </label>
              <IconButton icon={Trash2} tone="danger" label={`Remove ${optionLabel}`} disabled={disabled} onClick={() => options.remove(o)} />
            </div>
            <ChoicesEditor name={`${name}.${o}.choices`} currency={currency} optionLabel={optionLabel} disabled={disabled} />
          </fieldset>
        );
      })}
      <Button
        variant="secondary"
        size="sm"
        disabled={disabled}
        onClick={() => options.append({ name: "", required: false, multiple: false, choices: [{ name: "", priceDelta: "" }] })}
      >
        <Plus aria-hidden className="size-3.5" />
        Add an option
      </Button>
    </div>
  );
}

type RowProps = {
  name: string;
  index: number;
  count: number;
  currency: string;
  withDuration: boolean;
  disabled?: boolean | undefined;
  onMove: (from: number, to: number) => void;
  onRemove: (index: number) => void;
  hasDetails: boolean;
};

const MenuRow = memo(function MenuRow({ name, index, count, currency, withDuration, disabled, onMove, onRemove, hasDetails }: RowProps) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const rowName = `${name}.${index}`;
  const itemLabel = `item ${index + 1}`;
  const symbol = currencySymbol(currency);
  const optionsError = useFieldError(`${rowName}.options`);
  return (
    <li className="py-2 [contain-intrinsic-size:auto_3.25rem] [content-visibility:auto]">
      <div
        className={cx(
          "grid items-start gap-2",
          withDuration ? "grid-cols-2 sm:grid-cols-[1.6fr_1fr_7rem_6rem_auto]" : "grid-cols-2 sm:grid-cols-[1.6fr_1fr_7rem_auto]",
        )}
      >
        <RowInput
          name={`${rowName}.name`}
          label={`Name of ${itemLabel}`}
          placeholder="Margherita pizza"
          containerClassName="col-span-2 sm:col-span-1"
          disabled={disabled}
        />
        <RowInput name={`${rowName}.category`} label={`Category of ${itemLabel}`} placeholder="Category" disabled={disabled} />
        <RowInput name={`${rowName}.price`} label={`Price of ${itemLabel}`} placeholder="0.00" inputMode="decimal" leading={symbol} disabled={disabled} />
        {withDuration && (
          <RowInput
            name={`${rowName}.duration`}
            label={`Duration of ${itemLabel} in minutes`}
            placeholder="30"
            inputMode="numeric"
            trailing="min"
            disabled={disabled}
          />
        )}
        <div className={cx("flex items-center justify-end", withDuration ? "col-span-2 sm:col-span-1" : "col-span-1")}>
          <IconButton
            icon={ChevronDown}
            label={`Description and options of ${itemLabel}`}
            expanded={open}
            controls={open ? detailsId : undefined}
            className={cx(hasDetails && !open && "text-indigo-600", open && "[&>svg]:rotate-180")}
            onClick={() => setOpen((value) => !value)}
          />
          <IconButton icon={ArrowUp} label={`Move ${itemLabel} up`} disabled={disabled || index === 0} onClick={() => onMove(index, index - 1)} />
          <IconButton icon={ArrowDown} label={`Move ${itemLabel} down`} disabled={disabled || index === count - 1} onClick={() => onMove(index, index + 1)} />
          <IconButton icon={Trash2} tone="danger" label={`Remove ${itemLabel}`} disabled={disabled} onClick={() => onRemove(index)} />
        </div>
      </div>
      {(open || optionsError) && (
        <div id={detailsId} className="mt-2 space-y-3 rounded-lg border border-zinc-200 p-3">
          <DescriptionInput name={`${rowName}.description`} itemLabel={itemLabel} disabled={disabled} />
          <div className="space-y-2">
            <p className="text-xs font-medium text-zinc-600">Options (sizes, toppings, add-ons)</p>
            {optionsError && <p className="text-xs font-medium text-red-600">{optionsError}</p>}
            <OptionsEditor name={`${rowName}.options`} currency={currency} itemLabel={itemLabel} disabled={disabled} />
          </div>
        </div>
      )}
    </li>
  );
});

function DescriptionInput({ name, itemLabel, disabled }: { name: string; itemLabel: string; disabled?: boolean | undefined }) {
  const { register } = useFormContext();
  const error = useFieldError(name);
  return <TextAreaField label={`Description of ${itemLabel}`} rows={2} disabled={disabled} error={error} className="min-h-12" {...register(name)} />;
}

/** "Pizzas:" starts a category; "Margherita, 12.50", "Margherita\t12.50" or "Margherita 12.50" is an item. */
export function parsePastedMenu(text: string, currency: string): { rows: MenuRowForm[]; skipped: string[] } {
  const rows: MenuRowForm[] = [];
  const skipped: string[] = [];
  let category = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.endsWith(":")) {
      category = line.slice(0, -1).trim();
      continue;
    }
    const match = /^(.+?)\s*(?:[,;\t|]|\s[-–—]\s|\s)\s*([$€£]?\s*\d+(?:[.,]\d{1,2})?)\s*$/.exec(line);
    const priceCents = match?.[2] ? parseMoney(match[2], currency) : null;
    if (!match?.[1] || priceCents === null) {
      skipped.push(line);
      continue;
    }
    rows.push({ ...emptyMenuRow(), name: match[1].replace(/[,;|]\s*$/, "").trim(), category, price: centsToInput(priceCents, currency) });
  }
  return { rows, skipped };
}

function PasteListDialog({
  open,
  onOpenChange,
  currency,
  onAdd,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  currency: string;
  onAdd: (rows: MenuRowForm[]) => void;
}) {
  const [text, setText] = useState("");
  const parsed = useMemo(() => parsePastedMenu(text, currency), [text, currency]);
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) setText("");
      }}
      title="Paste a list"
      description="One item per line: a name, then its price. A line ending with a colon starts a category."
    >
      <form
        noValidate
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          // The dialog is portaled out of the assistant form in the DOM, but React still bubbles this
          // submit through its tree to that form: stop it here, or adding items would save the assistant.
          event.stopPropagation();
          if (parsed.rows.length === 0) return;
          onAdd(parsed.rows);
          setText("");
          onOpenChange(false);
        }}
      >
        <TextAreaField
          label="Items"
          rows={8}
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder={"Pizzas:\nMargherita, 12.50\nDiavola, 14.00\nDrinks:\nLemonade, 3.50"}
          className="font-mono text-xs"
        />
        {text.trim() && (
          <p role="status" className="text-sm text-zinc-600">
            {parsed.rows.length} {parsed.rows.length === 1 ? "item" : "items"} found
            {parsed.skipped.length > 0 && `; ${parsed.skipped.length} ${parsed.skipped.length === 1 ? "line has" : "lines have"} no price and will be skipped`}.
          </p>
        )}
        {parsed.skipped.length > 0 && (
          <Alert tone="warning" title="Lines without a price">
            <span className="font-mono text-xs">{parsed.skipped.slice(0, 3).join(" · ")}</span>
          </Alert>
        )}
        <DialogFooter>
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={parsed.rows.length === 0}>
            Add {parsed.rows.length > 0 ? parsed.rows.length : ""} {parsed.rows.length === 1 ? "item" : "items"}
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

export function MenuEditor({ name, legend, hint, currency, withDuration, disabled }: MenuEditorProps) {
  const { control, getValues } = useFormContext();
  const rows = useFieldArray({ control, name });
  const error = useFieldError(name);
  const [pasting, setPasting] = useState(false);
  const { move, remove } = rows;
  const count = rows.fields.length;

  return (
    <Fieldset legend={legend} hint={hint ?? `Prices in ${currency}.`} error={error}>
      {count > 0 && (
        <div
          aria-hidden
          className={cx(
            "hidden gap-2 border-b border-zinc-100 pb-1.5 text-xs font-medium text-zinc-500 sm:grid",
            withDuration ? "grid-cols-[1.6fr_1fr_7rem_6rem_8.5rem]" : "grid-cols-[1.6fr_1fr_7rem_8.5rem]",
          )}
        >
          <span>Name</span>
          <span>Category</span>
          <span>Price</span>
          {withDuration && <span>Duration</span>}
          <span />
        </div>
      )}
      <ol className="divide-y divide-zinc-100">
        {rows.fields.map((field, index) => {
          const row = getValues(`${name}.${index}`) as MenuRowForm | undefined;
          return (
            <MenuRow
              key={field.id}
              name={name}
              index={index}
              count={count}
              currency={currency}
              withDuration={withDuration}
              disabled={disabled}
              onMove={move}
              onRemove={remove}
              hasDetails={Boolean(row?.description || row?.options.length)}
            />
          );
        })}
      </ol>
      {count === 0 && <p className="rounded-lg border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-500">No items yet.</p>}
      <div className="flex flex-wrap items-center gap-2 pt-1">
        <Button variant="secondary" size="sm" disabled={disabled} onClick={() => rows.append(emptyMenuRow(), { focusName: `${name}.${count}.name` })}>
          <Plus aria-hidden className="size-3.5" />
          Add an item
        </Button>
        <Button variant="ghost" size="sm" disabled={disabled} onClick={() => setPasting(true)}>
          <ClipboardPaste aria-hidden className="size-3.5" />
          Paste a list
        </Button>
        <span className="ml-auto text-xs text-zinc-500">
          {count} {count === 1 ? "item" : "items"}
        </span>
      </div>
      <PasteListDialog open={pasting} onOpenChange={setPasting} currency={currency} onAdd={(added) => rows.append(added, { shouldFocus: false })} />
    </Fieldset>
  );
}
