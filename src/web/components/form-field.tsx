// Labelled form controls: a visible label, hint and error text tied to the control with
// aria-describedby, and aria-invalid when the field has an error.
import { type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, useId } from "react";
import { cx } from "../lib/class-names";

const CONTROL =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-zinc-900 shadow-xs ring-1 ring-inset ring-zinc-300 placeholder:text-zinc-400 " +
  "focus:ring-2 focus:ring-inset focus:ring-indigo-500 focus-visible:outline-none disabled:bg-zinc-50 disabled:text-zinc-500 " +
  "aria-invalid:ring-red-400 aria-invalid:focus:ring-red-500";

type FieldFrameProps = { id: string; label: ReactNode; hint?: ReactNode; error?: string; className?: string; children: ReactNode; labelAside?: ReactNode };

function FieldFrame({ id, label, hint, error, className, children, labelAside }: FieldFrameProps) {
  return (
    <div className={cx("space-y-1.5", className)}>
      <div className="flex items-baseline justify-between gap-2">
        <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
          {label}
        </label>
        {labelAside}
      </div>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-xs font-medium text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  if (error) return `${id}-error`;
  if (hint) return `${id}-hint`;
  return undefined;
}

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  labelAside?: ReactNode;
  ref?: Ref<HTMLInputElement>;
  containerClassName?: string;
};

export function TextField({ label, hint, error, labelAside, className, containerClassName, ...input }: TextFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} className={containerClassName} labelAside={labelAside}>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} className={cx(CONTROL, className)} {...input} />
    </FieldFrame>
  );
}

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  ref?: Ref<HTMLSelectElement>;
  containerClassName?: string;
};

export function SelectField({ label, hint, error, className, containerClassName, children, ...select }: SelectFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} className={containerClassName}>
      <select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={cx(CONTROL, "appearance-auto pr-8", className)}
        {...select}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

export const controlClasses = CONTROL;
