// Labelled form controls: a visible label, hint and error text tied to the control with
// aria-describedby, and aria-invalid when the field has an error; fieldsets with legends for groups.
import { type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes, useId } from "react";
import { cx } from "../lib/class-names";

const CONTROL =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-zinc-900 shadow-xs ring-1 ring-inset ring-zinc-300 placeholder:text-zinc-400 " +
  "focus:ring-2 focus:ring-inset focus:ring-indigo-500 focus-visible:outline-none disabled:bg-zinc-50 disabled:text-zinc-500 " +
  "aria-invalid:ring-red-400 aria-invalid:focus:ring-red-500";

type FieldFrameProps = {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
  children: ReactNode;
  labelAside?: ReactNode;
};

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
  error?: string | undefined;
  labelAside?: ReactNode;
  ref?: Ref<HTMLInputElement>;
  containerClassName?: string;
  /** Shown inside the control before the text (a currency symbol). */
  leading?: ReactNode;
  /** Shown inside the control after the text (a unit: "minutes", "%"). */
  trailing?: ReactNode;
};

export function TextField({ label, hint, error, labelAside, className, containerClassName, leading, trailing, ...input }: TextFieldProps) {
  const id = useId();
  const control = (
    <input
      id={id}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy(id, hint, error)}
      className={cx(CONTROL, leading ? "pl-7" : undefined, trailing ? "pr-16" : undefined, className)}
      {...input}
    />
  );
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} className={containerClassName} labelAside={labelAside}>
      {leading || trailing ? <Adorned leading={leading} trailing={trailing} control={control} /> : control}
    </FieldFrame>
  );
}

/** A control with a symbol or unit drawn inside its frame (not part of the label or the value). */
export function Adorned({ leading, trailing, control }: { leading?: ReactNode; trailing?: ReactNode; control: ReactNode }) {
  return (
    <div className="relative">
      {leading && (
        <span aria-hidden className="pointer-events-none absolute inset-y-0 left-0 flex items-center pl-3 text-sm text-zinc-400">
          {leading}
        </span>
      )}
      {control}
      {trailing && (
        <span aria-hidden className="pointer-events-none absolute inset-y-0 right-0 flex max-w-16 items-center truncate pr-3 text-sm text-zinc-400">
          {trailing}
        </span>
      )}
    </div>
  );
}

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
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

type TextAreaFieldProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id"> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  labelAside?: ReactNode;
  ref?: Ref<HTMLTextAreaElement>;
  containerClassName?: string;
};

export function TextAreaField({ label, hint, error, labelAside, className, containerClassName, ...textarea }: TextAreaFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} className={containerClassName} labelAside={labelAside}>
      <textarea
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={cx(CONTROL, "min-h-20 resize-y", className)}
        {...textarea}
      />
    </FieldFrame>
  );
}

/** A group of controls under a legend (business hours, a menu, a checkbox group), with its own hint and error. */
export function Fieldset({
  legend,
  hint,
  error,
  children,
  className,
  legendClassName,
  aside,
}: {
  legend: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  children: ReactNode;
  className?: string;
  legendClassName?: string;
  aside?: ReactNode;
}) {
  const id = useId();
  return (
    <fieldset aria-describedby={describedBy(id, hint, error)} aria-invalid={error ? true : undefined} className={cx("relative min-w-0 space-y-2", className)}>
      {/* The aside (an "Optional" tag) shares the legend's line, so it is read with the group's name. */}
      <legend className={cx("flex w-full items-baseline justify-between gap-2 text-sm font-medium text-zinc-800", legendClassName)}>
        <span>{legend}</span>
        {aside}
      </legend>
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-xs font-medium text-red-600">
          {error}
        </p>
      )}
      {children}
    </fieldset>
  );
}

type CheckboxFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "type"> & {
  label: ReactNode;
  description?: ReactNode;
  ref?: Ref<HTMLInputElement>;
  containerClassName?: string;
  type?: "checkbox" | "radio";
};

/** A checkbox (or radio) with its label beside it and an optional line of explanation. */
export function CheckboxField({ label, description, containerClassName, className, type = "checkbox", ...input }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className={cx("flex items-start gap-2.5", containerClassName)}>
      <input
        id={id}
        type={type}
        aria-describedby={description ? `${id}-description` : undefined}
        className={cx("mt-0.5 size-4 shrink-0 accent-indigo-600", className)}
        {...input}
      />
      <div className="min-w-0 text-sm">
        <label htmlFor={id} className="font-medium text-zinc-800">
          {label}
        </label>
        {description && (
          <p id={`${id}-description`} className="text-xs text-zinc-500">
            {description}
          </p>
        )}
      </div>
    </div>
  );
}
