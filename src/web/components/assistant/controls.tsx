// Small controls the assistant editors share: a compact input for table-like rows (labelled for
// screen readers, its own error underneath), field-error lookups, chip checkboxes, icon buttons.
import type { LucideIcon } from "lucide-react";
import { type InputHTMLAttributes, type ReactNode, useId } from "react";
import { type FieldErrors, get, useFormContext, useFormState } from "react-hook-form";
import { cx } from "../../lib/class-names";
import { controlClasses } from "../form-field";

/** The message of the error at `name`, including an array's own ("root") error. */
export function errorAt(errors: FieldErrors, name: string): string | undefined {
  const entry = get(errors, name) as { message?: unknown; root?: { message?: unknown } } | undefined;
  if (!entry) return undefined;
  if (typeof entry.message === "string" && entry.message) return entry.message;
  if (typeof entry.root?.message === "string" && entry.root.message) return entry.root.message;
  return undefined;
}

/** The error message of one field, re-rendering only when that field's state changes. */
export function useFieldError(name: string): string | undefined {
  const { errors } = useFormState({ name, exact: false });
  return errorAt(errors, name);
}

export function OptionalTag() {
  return <span className="text-xs font-normal text-zinc-400">Optional</span>;
}

type RowInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id"> & {
  name: string;
  label: string;
  leading?: ReactNode;
  trailing?: ReactNode;
  containerClassName?: string;
};

/** An input inside an editable row: registered with the form, aria-labelled, its error beneath it. */
export function RowInput({ name, label, leading, trailing, className, containerClassName, ...input }: RowInputProps) {
  const { register } = useFormContext();
  const error = useFieldError(name);
  const id = useId();
  return (
    <div className={cx("min-w-0", containerClassName)}>
      <div className="relative">
        {leading && (
          <span aria-hidden className="pointer-events-none absolute inset-y-0 left-0 flex items-center pl-2.5 text-sm text-zinc-400">
            {leading}
          </span>
        )}
        <input
          id={id}
          aria-label={label}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className={cx(controlClasses, "py-1.5", leading ? "pl-6" : undefined, trailing ? "pr-10" : undefined, className)}
          {...input}
          {...register(name)}
        />
        {trailing && (
          <span aria-hidden className="pointer-events-none absolute inset-y-0 right-0 flex items-center pr-2.5 text-xs text-zinc-400">
            {trailing}
          </span>
        )}
      </div>
      {error && (
        <p id={`${id}-error`} className="mt-1 text-xs font-medium text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}

/** A square button with only an icon; its label is for screen readers and the tooltip. */
export function IconButton({
  icon: Icon,
  label,
  onClick,
  disabled,
  tone = "neutral",
  className,
  pressed,
  expanded,
  controls,
}: {
  icon: LucideIcon;
  label: string;
  onClick: () => void;
  disabled?: boolean;
  tone?: "neutral" | "danger";
  className?: string;
  pressed?: boolean;
  expanded?: boolean;
  controls?: string;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      aria-pressed={pressed}
      aria-expanded={expanded}
      aria-controls={controls}
      title={label}
      onClick={onClick}
      disabled={disabled}
      className={cx(
        "inline-flex size-8 shrink-0 items-center justify-center rounded-md text-zinc-500 transition-colors hover:bg-zinc-100 hover:text-zinc-900 disabled:cursor-not-allowed disabled:opacity-40 disabled:hover:bg-transparent",
        tone === "danger" && "hover:bg-red-50 hover:text-red-600",
        (pressed || expanded) && "bg-zinc-100 text-zinc-900",
        className,
      )}
    >
      <Icon aria-hidden className="size-4" />
    </button>
  );
}

/** Checkboxes drawn as chips (multiselect variables, languages); the value is the array of checked values. */
export function ChipGroup({
  options,
  value,
  onChange,
  disabled,
  name,
}: {
  options: { value: string; label: string }[];
  value: string[];
  onChange: (next: string[]) => void;
  disabled?: boolean;
  name: string;
}) {
  return (
    <div className="flex flex-wrap gap-2">
      {options.map((option) => {
        const checked = value.includes(option.value);
        return (
          <label
            key={option.value}
            className={cx(
              "inline-flex cursor-pointer items-center gap-1.5 rounded-full px-3 py-1 text-sm ring-1 transition-colors ring-inset has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500",
              checked ? "bg-indigo-50 text-indigo-800 ring-indigo-300" : "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-50",
              disabled && "cursor-not-allowed opacity-60",
            )}
          >
            <input
              type="checkbox"
              name={name}
              value={option.value}
              checked={checked}
              disabled={disabled}
              onChange={(event) => onChange(event.target.checked ? [...value, option.value] : value.filter((v) => v !== option.value))}
              className="size-3.5 accent-indigo-600"
            />
            {option.label}
          </label>
        );
      })}
    </div>
  );
}
