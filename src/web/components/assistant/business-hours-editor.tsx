// The business-hours editor: a row per weekday (open or closed, one or more time ranges, ranges
// past midnight allowed), "copy to weekdays", holiday closures with a date and a name, and the
// time zone. Edits a whole HoursForm value (through a Controller), errors read from the form.
import { CalendarPlus, Copy, Moon, Plus, X } from "lucide-react";
import { useId, useMemo } from "react";
import { Controller, type FieldErrors, useFormContext, useFormState } from "react-hook-form";
import { type DayForm, DEFAULT_RANGE, type HoursForm, WEEK_ORDER, WEEKDAY_NAMES } from "../../lib/assistant-form";
import { cx } from "../../lib/class-names";
import { timeZoneOptions } from "../../lib/time-zones";
import { Button } from "../button";
import { CheckboxField, controlClasses, Fieldset, SelectField } from "../form-field";
import { errorAt, IconButton, OptionalTag } from "./controls";

const MAX_RANGES_PER_DAY = 3;
const WEEKDAYS = [1, 2, 3, 4, 5];

type TimeInputProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  errorId: string;
  disabled?: boolean | undefined;
};

function TimeInput({ label, value, onChange, error, errorId, disabled }: TimeInputProps) {
  return (
    <input
      type="time"
      aria-label={label}
      aria-invalid={error ? true : undefined}
      aria-describedby={error ? errorId : undefined}
      value={value}
      disabled={disabled}
      onChange={(event) => onChange(event.target.value)}
      // controlClasses is full width: max-w keeps a time input time-sized.
      className={cx(controlClasses, "max-w-[8rem] px-2 py-1.5 tabular-nums")}
    />
  );
}

function DayRow({
  day,
  value,
  onChange,
  onCopyToWeekdays,
  errors,
  errorPrefix,
  disabled,
}: {
  day: number;
  value: DayForm;
  onChange: (next: DayForm) => void;
  onCopyToWeekdays: () => void;
  errors: FieldErrors;
  errorPrefix: string;
  disabled?: boolean | undefined;
}) {
  const dayName = WEEKDAY_NAMES[day] ?? "";
  const errorId = useId();
  const rangeErrors = value.ranges.map((_, r) => ({
    open: errorAt(errors, `${errorPrefix}.ranges.${r}.open`),
    close: errorAt(errors, `${errorPrefix}.ranges.${r}.close`),
  }));
  const messages = [...new Set(rangeErrors.flatMap((e) => [e.open, e.close]).filter(Boolean))] as string[];
  const setRange = (index: number, patch: Partial<DayForm["ranges"][number]>) =>
    onChange({ ...value, ranges: value.ranges.map((range, r) => (r === index ? { ...range, ...patch } : range)) });

  return (
    <fieldset className="grid grid-cols-[8rem_1fr] items-start gap-x-3 gap-y-1 py-2.5 sm:grid-cols-[8rem_1fr_auto]">
      <legend className="sr-only">{dayName}</legend>
      <label className="flex items-center gap-2 pt-1.5 text-sm font-medium text-zinc-800">
        <input
          type="checkbox"
          checked={!value.closed}
          disabled={disabled}
          onChange={(event) => onChange({ ...value, closed: !event.target.checked, ranges: value.ranges.length > 0 ? value.ranges : [{ ...DEFAULT_RANGE }] })}
          className="size-4 accent-indigo-600"
          aria-label={`Open on ${dayName}`}
        />
        <span aria-hidden>{dayName}</span>
      </label>
      <div className="space-y-2">
        {value.closed && <p className="pt-1.5 text-sm text-zinc-400">Closed</p>}
        {!value.closed &&
          value.ranges.map((range, r) => {
            const overnight = range.open && range.close && range.close <= range.open;
            const which = value.ranges.length > 1 ? ` (hours ${r + 1})` : "";
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: ranges have no identity beyond their position
              <div key={r} className="flex flex-wrap items-center gap-2">
                <TimeInput
                  label={`${dayName} opens${which}`}
                  value={range.open}
                  onChange={(open) => setRange(r, { open })}
                  error={rangeErrors[r]?.open}
                  errorId={errorId}
                  disabled={disabled}
                />
                <span aria-hidden className="text-zinc-400">
                  –
                </span>
                <TimeInput
                  label={`${dayName} closes${which}`}
                  value={range.close}
                  onChange={(close) => setRange(r, { close })}
                  error={rangeErrors[r]?.close}
                  errorId={errorId}
                  disabled={disabled}
                />
                {overnight && (
                  <span className="inline-flex items-center gap-1 text-xs text-indigo-700">
                    <Moon aria-hidden className="size-3" />
                    next day
                  </span>
                )}
                {value.ranges.length > 1 && (
                  <IconButton
                    icon={X}
                    label={`Remove ${dayName} hours ${r + 1}`}
                    tone="danger"
                    disabled={disabled}
                    onClick={() => onChange({ ...value, ranges: value.ranges.filter((_, i) => i !== r) })}
                  />
                )}
              </div>
            );
          })}
        {messages.length > 0 && (
          <p id={errorId} className="text-xs font-medium text-red-600">
            {messages.join(" ")}
          </p>
        )}
      </div>
      <div className="col-span-2 flex gap-1 sm:col-span-1 sm:justify-end">
        {!value.closed && value.ranges.length < MAX_RANGES_PER_DAY && (
          <IconButton
            icon={Plus}
            label={`Add a second range of hours on ${dayName}`}
            disabled={disabled}
            onClick={() => {
              const last = value.ranges.at(-1);
              onChange({ ...value, ranges: [...value.ranges, { open: last?.close ?? "17:00", close: "22:00" }] });
            }}
          />
        )}
        <IconButton icon={Copy} label={`Copy ${dayName}'s hours to Monday–Friday`} disabled={disabled} onClick={onCopyToWeekdays} />
      </div>
    </fieldset>
  );
}

/**
 * Edits the business hours at `name` ("variables.delivery_hours" or "businessHours"). An optional
 * schedule starts switched off, meaning "not set" (the template then says what that means).
 */
export function BusinessHoursEditor({
  name,
  legend,
  hint,
  optional = false,
  disabled,
}: {
  name: string;
  legend: string;
  hint?: string | undefined;
  optional?: boolean;
  disabled?: boolean | undefined;
}) {
  const { control } = useFormContext();
  const { errors } = useFormState({ name, exact: false });
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => {
        const value = field.value as HoursForm;
        const change = (next: HoursForm) => field.onChange(next);
        return (
          <Fieldset legend={legend} hint={hint} error={errorAt(errors, `${name}.days`)} aside={optional ? <OptionalTag /> : undefined}>
            {optional && (
              <CheckboxField
                label={`Set ${legend.toLowerCase()}`}
                checked={value.enabled}
                disabled={disabled}
                onChange={(event) => change({ ...value, enabled: event.target.checked })}
                containerClassName="py-1"
              />
            )}
            {(!optional || value.enabled) && <HoursBody name={name} value={value} onChange={change} errors={errors} disabled={disabled} />}
          </Fieldset>
        );
      }}
    />
  );
}

function HoursBody({
  name,
  value,
  onChange,
  errors,
  disabled,
}: {
  name: string;
  value: HoursForm;
  onChange: (next: HoursForm) => void;
  errors: FieldErrors;
  disabled?: boolean | undefined;
}) {
  const zones = useMemo(() => timeZoneOptions(value.timezone), [value.timezone]);
  const setDay = (day: number, next: DayForm) => onChange({ ...value, days: value.days.map((d, i) => (i === day ? next : d)) });
  const copyToWeekdays = (from: number) => {
    const source = value.days[from];
    if (!source) return;
    onChange({
      ...value,
      days: value.days.map((d, i) => (WEEKDAYS.includes(i) ? { closed: source.closed, ranges: source.ranges.map((range) => ({ ...range })) } : d)),
    });
  };
  return (
    <div className="space-y-4">
      <div className="divide-y divide-zinc-100 rounded-lg px-3 ring-1 ring-zinc-200">
        {WEEK_ORDER.map((day) => {
          const dayValue = value.days[day];
          if (!dayValue) return null;
          return (
            <DayRow
              key={day}
              day={day}
              value={dayValue}
              onChange={(next) => setDay(day, next)}
              onCopyToWeekdays={() => copyToWeekdays(day)}
              errors={errors}
              errorPrefix={`${name}.days.${day}`}
              disabled={disabled}
            />
          );
        })}
      </div>
      <p className="text-xs text-zinc-500">A closing time earlier than the opening time means the range ends after midnight.</p>

      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Time zone"
          value={value.timezone}
          disabled={disabled}
          error={errorAt(errors, `${name}.timezone`)}
          onChange={(event) => onChange({ ...value, timezone: event.target.value })}
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll("_", " ")}
            </option>
          ))}
        </SelectField>
      </div>

      <Fieldset legend="Holiday closures" hint="Closed all day on these dates." legendClassName="text-sm" error={errorAt(errors, `${name}.holidays`)}>
        {value.holidays.length > 0 && (
          <ul className="space-y-2">
            {value.holidays.map((holiday, index) => {
              const dateError = errorAt(errors, `${name}.holidays.${index}.date`);
              const nameError = errorAt(errors, `${name}.holidays.${index}.name`);
              const setHoliday = (patch: Partial<HoursForm["holidays"][number]>) =>
                onChange({ ...value, holidays: value.holidays.map((h, i) => (i === index ? { ...h, ...patch } : h)) });
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: holidays have no identity beyond their position
                <li key={index} className="space-y-1">
                  <div className="flex items-center gap-2">
                    <input
                      type="date"
                      aria-label={`Date of closure ${index + 1}`}
                      aria-invalid={dateError ? true : undefined}
                      value={holiday.date}
                      disabled={disabled}
                      onChange={(event) => setHoliday({ date: event.target.value })}
                      className={cx(controlClasses, "max-w-44 py-1.5")}
                    />
                    <input
                      type="text"
                      aria-label={`Name of closure ${index + 1}`}
                      aria-invalid={nameError ? true : undefined}
                      placeholder="Christmas Day"
                      value={holiday.name}
                      disabled={disabled}
                      onChange={(event) => setHoliday({ name: event.target.value })}
                      className={cx(controlClasses, "py-1.5")}
                    />
                    <IconButton
                      icon={X}
                      tone="danger"
                      label={`Remove closure ${index + 1}`}
                      disabled={disabled}
                      onClick={() => onChange({ ...value, holidays: value.holidays.filter((_, i) => i !== index) })}
                    />
                  </div>
                  {(dateError || nameError) && <p className="text-xs font-medium text-red-600">{[dateError, nameError].filter(Boolean).join(" ")}</p>}
                </li>
              );
            })}
          </ul>
        )}
        <Button
          variant="secondary"
          size="sm"
          disabled={disabled}
          onClick={() => onChange({ ...value, holidays: [...value.holidays, { date: "", name: "" }] })}
          className="mt-1"
        >
          <CalendarPlus aria-hidden className="size-4" />
          Add a closure
        </Button>
      </Fieldset>
    </div>
  );
}
