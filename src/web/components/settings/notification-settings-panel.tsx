// Settings → Notifications: which events email and text the team, to which addresses and numbers,
// and quiet hours. Owners and admins edit; everyone else reads. Field errors come from the API.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import {
  MAX_NOTIFICATION_EMAILS,
  MAX_NOTIFICATION_SMS_NUMBERS,
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type NotificationSettings,
  type NotificationSettingsInput,
  notificationSettingsKey,
  notificationSettingsQuery,
  saveNotificationSettings,
} from "../../api/notifications";
import { toApiProblem } from "../../api/problem";
import type { Organization } from "../../api/queries";
import { can } from "../../lib/permissions";
import { Alert } from "../alert";
import { Button } from "../button";
import { CheckboxField, Fieldset, TextField } from "../form-field";
import { Panel } from "../page-header";
import { ErrorState, LoadingState } from "../states";
import { useToast } from "../toaster";

/** Monday first, as the week is shown elsewhere; values are the API's (0 = Sunday). */
const WEEKDAYS = [
  { value: 1, label: "Monday" },
  { value: 2, label: "Tuesday" },
  { value: 3, label: "Wednesday" },
  { value: 4, label: "Thursday" },
  { value: 5, label: "Friday" },
  { value: 6, label: "Saturday" },
  { value: 0, label: "Sunday" },
] as const;
type Weekday = (typeof WEEKDAYS)[number]["value"];

type Draft = {
  emailEvents: NotificationEvent[];
  smsEvents: NotificationEvent[];
  owners: boolean;
  addresses: string[];
  numbers: string[];
  quiet: boolean;
  start: string;
  end: string;
  days: Weekday[];
};

function draftOf(settings: NotificationSettings): Draft {
  return {
    emailEvents: settings.email.events,
    smsEvents: settings.sms.events,
    owners: settings.email.owners,
    addresses: settings.email.addresses,
    numbers: settings.sms.numbers,
    quiet: settings.quietHours !== null,
    start: settings.quietHours?.start ?? "21:00",
    end: settings.quietHours?.end ?? "07:00",
    days: (settings.quietHours?.days as Weekday[] | undefined) ?? [0, 1, 2, 3, 4, 5, 6],
  };
}

function inputOf(draft: Draft): NotificationSettingsInput {
  const keep = (event: NotificationEvent) => NOTIFICATION_EVENTS.some((e) => e.value === event);
  return {
    email: { events: draft.emailEvents.filter(keep), owners: draft.owners, addresses: draft.addresses.filter((a) => a.trim() !== "") },
    sms: { events: draft.smsEvents.filter(keep), numbers: draft.numbers.filter((n) => n.trim() !== "") },
    quietHours: draft.quiet ? { start: draft.start, end: draft.end, days: draft.days } : null,
  };
}

function toggle<T>(list: readonly T[], value: T, on: boolean): T[] {
  return on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value);
}

type FieldErrors = Record<string, string>;

function EventChoices({
  legend,
  channel,
  selected,
  onChange,
  error,
}: {
  legend: string;
  channel: string;
  selected: NotificationEvent[];
  onChange: (next: NotificationEvent[]) => void;
  error?: string | undefined;
}) {
  return (
    <Fieldset legend={legend} error={error}>
      <div className="space-y-2.5 pt-1">
        {NOTIFICATION_EVENTS.map((event) => (
          <CheckboxField
            key={event.value}
            name={`${channel}-${event.value}`}
            label={event.label}
            description={event.description || undefined}
            checked={selected.includes(event.value)}
            onChange={(e) => onChange(toggle(selected, event.value, e.target.checked))}
          />
        ))}
      </div>
    </Fieldset>
  );
}

function ListEditor({
  legend,
  hint,
  noun,
  items,
  max,
  type,
  placeholder,
  errors,
  errorKey,
  onChange,
  children,
  emptyText,
}: {
  legend: string;
  hint: string;
  noun: string;
  items: string[];
  max: number;
  type: "email" | "tel";
  placeholder: string;
  errors: FieldErrors;
  errorKey: string;
  onChange: (next: string[]) => void;
  children?: ReactNode;
  emptyText: string;
}) {
  return (
    <Fieldset legend={legend} hint={hint} error={errors[errorKey]}>
      {children}
      {items.length === 0 && <p className="text-sm text-zinc-500">{emptyText}</p>}
      <ul className="space-y-2">
        {items.map((item, index) => (
          // Rows are plain strings edited in place; the index is their identity while the form is open.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <li key={index} className="flex items-start gap-2">
            <TextField
              containerClassName="min-w-0 flex-1"
              label={<span className="sr-only">{`${noun[0]!.toUpperCase()}${noun.slice(1)} ${index + 1}`}</span>}
              type={type}
              inputMode={type === "tel" ? "tel" : "email"}
              autoComplete="off"
              spellCheck={false}
              placeholder={placeholder}
              value={item}
              error={errors[`${errorKey}.${index}`]}
              onChange={(e) => onChange(items.map((v, i) => (i === index ? e.target.value : v)))}
            />
            <Button
              variant="ghost"
              size="sm"
              className="mt-0.5"
              aria-label={`Remove ${noun} ${index + 1}`}
              onClick={() => onChange(items.filter((_, i) => i !== index))}
            >
              <Trash2 aria-hidden className="size-4" />
            </Button>
          </li>
        ))}
      </ul>
      <Button variant="secondary" size="sm" disabled={items.length >= max} onClick={() => onChange([...items, ""])}>
        <Plus aria-hidden className="size-4" />
        Add {noun}
      </Button>
      {items.length >= max && <p className="text-xs text-zinc-500">At most {max}.</p>}
    </Fieldset>
  );
}

function NotificationSettingsForm({ organization, settings }: { organization: Organization; settings: NotificationSettings }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const editable = can(organization.role, "org:update");
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(() => JSON.stringify(inputOf(draftOf(settings))));
  useEffect(() => {
    setDraft(draftOf(settings));
    setSaved(JSON.stringify(inputOf(draftOf(settings))));
  }, [settings]);
  const dirty = JSON.stringify(inputOf(draft)) !== saved;
  const update = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));

  const save = useMutation({
    mutationFn: () => saveNotificationSettings(organization.id, inputOf(draft)),
    onSuccess: (updated) => {
      setErrors({});
      setFormError(null);
      queryClient.setQueryData(notificationSettingsKey(organization.id), updated);
      toast({ title: "Notification settings saved" });
    },
    onError: (error) => {
      const problem = toApiProblem(error);
      setErrors(Object.fromEntries(problem.errors.map((entry) => [entry.path.replace(/^body\./, ""), entry.message])));
      setFormError(problem.errors.length > 0 ? "Check the fields marked below." : problem.detail);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const smsHint =
    settings.smsDelivery === "twilio"
      ? "International format, e.g. +1 415 555 0123. Texts come from Switchboard's number."
      : "International format, e.g. +1 415 555 0123. Texting is not set up on this platform, so texts are kept in the dev mailbox.";

  return (
    <Panel
      title="Notifications"
      description={
        editable
          ? "Who hears about what your assistants take down, by email and by text. Each assistant's own recipients get the same events."
          : "Who hears about what your assistants take down. Only owners and admins can change this."
      }
      footer={
        editable ? (
          <Button type="submit" form="notification-settings" pending={save.isPending} disabled={!dirty}>
            Save notifications
          </Button>
        ) : undefined
      }
    >
      <form id="notification-settings" noValidate onSubmit={submit} className="space-y-6 p-5">
        {formError && (
          <Alert tone="error" title="Not saved">
            {formError}
          </Alert>
        )}
        <fieldset disabled={!editable} className="space-y-8">
          <div className="grid gap-6 sm:grid-cols-2">
            <EventChoices
              legend="Email about"
              channel="email"
              selected={draft.emailEvents}
              error={errors["email.events"]}
              onChange={(emailEvents) => update({ emailEvents })}
            />
            <EventChoices
              legend="Text about"
              channel="sms"
              selected={draft.smsEvents}
              error={errors["sms.events"]}
              onChange={(smsEvents) => update({ smsEvents })}
            />
          </div>

          <div className="grid gap-6 sm:grid-cols-2">
            <ListEditor
              legend="Email addresses"
              hint={`Up to ${MAX_NOTIFICATION_EMAILS} addresses, besides the owners.`}
              noun="email address"
              items={draft.addresses}
              max={MAX_NOTIFICATION_EMAILS}
              type="email"
              placeholder="frontdesk@example.com"
              errors={errors}
              errorKey="email.addresses"
              emptyText="No other addresses."
              onChange={(addresses) => update({ addresses })}
            >
              <CheckboxField
                label="Email the owners"
                description="Whoever owns the organization when it happens."
                checked={draft.owners}
                onChange={(e) => update({ owners: e.target.checked })}
              />
            </ListEditor>
            <ListEditor
              legend="Phone numbers for texts"
              hint={smsHint}
              noun="phone number"
              items={draft.numbers}
              max={MAX_NOTIFICATION_SMS_NUMBERS}
              type="tel"
              placeholder="+1 415 555 0123"
              errors={errors}
              errorKey="sms.numbers"
              emptyText="No numbers yet: nobody gets texts."
              onChange={(numbers) => update({ numbers })}
            />
          </div>

          <Fieldset
            legend="Quiet hours"
            hint={`In ${settings.timezone.replaceAll("_", " ")}. Notifications are held until quiet hours end; urgent escalations always go out at once.`}
            error={errors.quietHours}
          >
            <CheckboxField label="Hold notifications during quiet hours" checked={draft.quiet} onChange={(e) => update({ quiet: e.target.checked })} />
            {draft.quiet && (
              <div className="space-y-4 pt-2">
                <div className="grid max-w-sm grid-cols-2 gap-4">
                  <TextField
                    label="From"
                    type="time"
                    value={draft.start}
                    error={errors["quietHours.start"]}
                    onChange={(e) => update({ start: e.target.value })}
                  />
                  <TextField
                    label="Until"
                    type="time"
                    value={draft.end}
                    hint="Earlier than From: the next morning."
                    error={errors["quietHours.end"]}
                    onChange={(e) => update({ end: e.target.value })}
                  />
                </div>
                <Fieldset legend="Starting on" hint="A night belongs to the day it starts on." error={errors["quietHours.days"]}>
                  <div className="flex flex-wrap gap-x-5 gap-y-2 pt-1">
                    {WEEKDAYS.map((day) => (
                      <CheckboxField
                        key={day.value}
                        label={day.label}
                        checked={draft.days.includes(day.value)}
                        onChange={(e) => update({ days: toggle(draft.days, day.value, e.target.checked) })}
                      />
                    ))}
                  </div>
                </Fieldset>
              </div>
            )}
          </Fieldset>
        </fieldset>
      </form>
    </Panel>
  );
}

export function NotificationSettingsPanel({ organization }: { organization: Organization }) {
  const query = useQuery(notificationSettingsQuery(organization.id));
  if (query.isPending)
    return (
      <Panel title="Notifications">
        <LoadingState label="Loading notification settings…" />
      </Panel>
    );
  if (query.isError)
    return (
      <Panel title="Notifications">
        <ErrorState error={query.error} title="Could not load the notification settings" onRetry={() => query.refetch()} />
      </Panel>
    );
  return <NotificationSettingsForm organization={organization} settings={query.data} />;
}
