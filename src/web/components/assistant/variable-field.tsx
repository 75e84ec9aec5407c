// One control per template variable, chosen by its type: text, textarea, phone, email, url,
// number (with its unit), select, multiselect (chips), business hours, menu, directory.
import { Controller, useFormContext } from "react-hook-form";
import type { Industry, VariableDefinition } from "../../api/assistants";
import { emptyDirectoryRow } from "../../lib/assistant-form";
import { Fieldset, SelectField, TextAreaField, TextField } from "../form-field";
import { BusinessHoursEditor } from "./business-hours-editor";
import { ChipGroup, OptionalTag, useFieldError } from "./controls";
import { MenuEditor } from "./menu-editor";
import { DIRECTORY_COLUMNS, RowsEditor } from "./rows-editor";

const BOOKED_SERVICES: Industry[] = ["clinic", "salon", "home_services"];

export function variableName(key: string): string {
  return `variables.${key}`;
}

export function VariableField({ definition, industry, disabled }: { definition: VariableDefinition; industry: Industry | undefined; disabled?: boolean }) {
  const { register, control } = useFormContext();
  const name = variableName(definition.key);
  const error = useFieldError(name);
  const aside = definition.required ? undefined : <OptionalTag />;
  const common = { label: definition.label, hint: definition.help, error, labelAside: aside, disabled };

  switch (definition.type) {
    case "text":
      return <TextField {...common} placeholder={definition.placeholder} maxLength={definition.maxLength} autoComplete="off" {...register(name)} />;
    case "textarea":
      return <TextAreaField {...common} rows={3} placeholder={definition.placeholder} maxLength={definition.maxLength} {...register(name)} />;
    case "phone":
      return (
        <TextField {...common} type="tel" inputMode="tel" autoComplete="off" placeholder={definition.placeholder ?? "+1 415 555 0123"} {...register(name)} />
      );
    case "email":
      return <TextField {...common} type="email" autoComplete="off" placeholder={definition.placeholder ?? "hello@example.com"} {...register(name)} />;
    case "url":
      return <TextField {...common} type="url" autoComplete="off" placeholder={definition.placeholder ?? "https://example.com"} {...register(name)} />;
    case "number":
      return (
        <TextField
          {...common}
          inputMode={definition.integer ? "numeric" : "decimal"}
          placeholder={definition.placeholder}
          trailing={definition.unit}
          containerClassName="max-w-xs"
          hint={
            definition.help ?? (definition.min !== undefined && definition.max !== undefined ? `Between ${definition.min} and ${definition.max}.` : undefined)
          }
          {...register(name)}
        />
      );
    case "select":
      return (
        <SelectField {...common} {...register(name)}>
          <option value="">{definition.required ? "Choose…" : "None"}</option>
          {definition.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </SelectField>
      );
    case "multiselect":
      return (
        <Fieldset legend={definition.label} hint={definition.help} error={error} aside={aside}>
          <Controller
            control={control}
            name={name}
            render={({ field }) => (
              <ChipGroup
                name={field.name}
                options={definition.options}
                value={(field.value as string[] | undefined) ?? []}
                onChange={field.onChange}
                disabled={disabled}
              />
            )}
          />
        </Fieldset>
      );
    case "business_hours":
      return <BusinessHoursEditor name={name} legend={definition.label} hint={definition.help} optional={!definition.required} disabled={disabled} />;
    case "menu":
      return (
        <MenuEditor
          name={name}
          legend={definition.label}
          hint={definition.help}
          currency={definition.currency}
          withDuration={BOOKED_SERVICES.includes(industry as Industry) || /service|treatment|appointment/i.test(`${definition.key} ${definition.label}`)}
          disabled={disabled}
        />
      );
    case "directory":
      return (
        <RowsEditor
          name={name}
          legend={definition.label}
          hint={definition.help}
          columns={DIRECTORY_COLUMNS}
          noun="contact"
          empty={emptyDirectoryRow()}
          emptyText="Nobody listed yet."
          disabled={disabled}
        />
      );
  }
}
