// An editable list of small rows with a few text columns: a staff or department directory (name,
// role, phone), notification recipients (name, email, phone). Add, remove and reorder.
import { ArrowDown, ArrowUp, Plus, Trash2 } from "lucide-react";
import type { InputHTMLAttributes } from "react";
import { useFieldArray, useFormContext } from "react-hook-form";
import { cx } from "../../lib/class-names";
import { Button } from "../button";
import { Fieldset } from "../form-field";
import { IconButton, RowInput, useFieldError } from "./controls";

export type RowColumn = {
  key: string;
  label: string;
  placeholder?: string;
  type?: InputHTMLAttributes<HTMLInputElement>["type"];
  inputMode?: InputHTMLAttributes<HTMLInputElement>["inputMode"];
  autoComplete?: string;
};

type RowsEditorProps = {
  name: string;
  legend: string;
  hint?: string | undefined;
  columns: RowColumn[];
  /** What one row is called: "contact" → "Name of contact 2", "Add a contact". */
  noun: string;
  empty: Record<string, string>;
  emptyText: string;
  disabled?: boolean;
};

const GRID: Record<number, string> = {
  2: "sm:grid-cols-[1fr_1fr_6.5rem]",
  3: "sm:grid-cols-[1fr_1.25fr_1fr_6.5rem]",
};

export const DIRECTORY_COLUMNS: RowColumn[] = [
  { key: "name", label: "Name", placeholder: "Dr. Ana Ruiz", autoComplete: "off" },
  { key: "role", label: "Role or department", placeholder: "Billing", autoComplete: "off" },
  { key: "phone", label: "Phone", placeholder: "+1 415 555 0123", type: "tel", inputMode: "tel", autoComplete: "off" },
];

export const RECIPIENT_COLUMNS: RowColumn[] = [
  { key: "name", label: "Name", placeholder: "Front desk", autoComplete: "off" },
  { key: "email", label: "Email", placeholder: "desk@example.com", type: "email", autoComplete: "off" },
  { key: "phone", label: "Phone for texts", placeholder: "+1 415 555 0123", type: "tel", inputMode: "tel", autoComplete: "off" },
];

export function RowsEditor({ name, legend, hint, columns, noun, empty, emptyText, disabled }: RowsEditorProps) {
  const { control } = useFormContext();
  const rows = useFieldArray({ control, name });
  const error = useFieldError(name);
  const count = rows.fields.length;
  const grid = GRID[columns.length] ?? "";
  return (
    <Fieldset legend={legend} hint={hint} error={error}>
      {count > 0 && (
        <div aria-hidden className={cx("hidden gap-2 pb-1 text-xs font-medium text-zinc-500 sm:grid", grid)}>
          {columns.map((column) => (
            <span key={column.key}>{column.label}</span>
          ))}
          <span />
        </div>
      )}
      {count > 0 && (
        <ol className="space-y-2">
          {rows.fields.map((field, index) => {
            const rowLabel = `${noun} ${index + 1}`;
            return (
              <li key={field.id} className={cx("grid grid-cols-1 items-start gap-2", grid)}>
                {columns.map((column) => (
                  <RowInput
                    key={column.key}
                    name={`${name}.${index}.${column.key}`}
                    label={`${column.label} of ${rowLabel}`}
                    placeholder={column.placeholder}
                    type={column.type}
                    inputMode={column.inputMode}
                    autoComplete={column.autoComplete}
                    disabled={disabled}
                  />
                ))}
                <div className="flex justify-end">
                  <IconButton icon={ArrowUp} label={`Move ${rowLabel} up`} disabled={disabled || index === 0} onClick={() => rows.move(index, index - 1)} />
                  <IconButton
                    icon={ArrowDown}
                    label={`Move ${rowLabel} down`}
                    disabled={disabled || index === count - 1}
                    onClick={() => rows.move(index, index + 1)}
                  />
                  <IconButton icon={Trash2} tone="danger" label={`Remove ${rowLabel}`} disabled={disabled} onClick={() => rows.remove(index)} />
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {count === 0 && <p className="text-sm text-zinc-500">{emptyText}</p>}
      <Button
        variant="secondary"
        size="sm"
        disabled={disabled}
        onClick={() => rows.append({ ...empty }, { focusName: `${name}.${count}.${columns[0]?.key ?? "name"}` })}
      >
        <Plus aria-hidden className="size-3.5" />
        Add a {noun}
      </Button>
    </Fieldset>
  );
}
