// The assistant form, for a new assistant (from a template or from scratch) and for a saved one:
// the template's variables, each with its own control, then the assistant's own settings (first
// message, voice, model, languages, hours, after-hours behaviour, transfers, notifications,
// tools, status), with the live prompt preview beside it. Client checks with zod; the API's
// field errors land on the controls they are about.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { ArrowUpRight, Save } from "lucide-react";
import { type ReactNode, useMemo, useState } from "react";
import { Controller, FormProvider, type Path, useForm, useFormContext, useWatch } from "react-hook-form";
import { type Assistant, assistantKeys, createAssistant, type Template, updateAssistant } from "../../api/assistants";
import { toApiProblem } from "../../api/problem";
import {
  type AssistantFormValues,
  assistantFormSchema,
  describePath,
  emptyDirectoryRow,
  formDefaults,
  formPathOf,
  type RecipientForm,
  toBody,
  toPatchBody,
} from "../../lib/assistant-form";
import { cx } from "../../lib/class-names";
import { useCurrentOrganization } from "../../lib/current-organization";
import { LANGUAGE_OPTIONS } from "../../lib/languages";
import { can } from "../../lib/permissions";
import { readableTemplateText } from "../../lib/prompt-text";
import { TOOL_INFO, TOOL_ORDER } from "../../lib/tools";
import { Alert } from "../alert";
import { Badge } from "../badge";
import { Button, buttonClasses } from "../button";
import { CheckboxField, Fieldset, SelectField, TextAreaField, TextField } from "../form-field";
import { useToast } from "../toaster";
import { BusinessHoursEditor } from "./business-hours-editor";
import { ChipGroup, OptionalTag, useFieldError } from "./controls";
import { PromptPreview } from "./prompt-preview";
import { RECIPIENT_COLUMNS, RowsEditor } from "./rows-editor";
import { VariableField } from "./variable-field";

const VOICE_PROVIDERS = ["vapi", "11labs", "openai", "cartesia", "deepgram", "azure", "playht"];
const MODEL_PROVIDERS = ["openai", "anthropic", "google", "groq"];

const STATUS_CHOICES = [
  { value: "draft", label: "Draft", description: "Being set up; answers no calls." },
  { value: "active", label: "Active", description: "Answers calls on its numbers." },
  { value: "paused", label: "Paused", description: "Off for now; callers hear your fallback." },
] as const;

function Section({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replaceAll(/[^a-z]+/g, "-")}`;
  return (
    <section aria-labelledby={id} className="rounded-xl bg-white shadow-xs ring-1 ring-zinc-200">
      <div className="border-b border-zinc-100 px-5 py-4">
        <h2 id={id} className="text-sm font-semibold text-zinc-900">
          {title}
        </h2>
        {description && <p className="mt-0.5 text-sm text-zinc-500">{description}</p>}
      </div>
      <div className="space-y-6 p-5">{children}</div>
    </section>
  );
}

function StatusField() {
  const { register } = useFormContext<AssistantFormValues>();
  return (
    <Fieldset legend="Status">
      <div className="grid gap-2 sm:grid-cols-3">
        {STATUS_CHOICES.map((choice) => (
          <label
            key={choice.value}
            className="flex cursor-pointer gap-2.5 rounded-lg p-3 ring-1 ring-zinc-200 ring-inset has-[:checked]:bg-indigo-50/60 has-[:checked]:ring-2 has-[:checked]:ring-indigo-500 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500"
          >
            <input
              type="radio"
              value={choice.value}
              aria-labelledby={`status-${choice.value}`}
              aria-describedby={`status-${choice.value}-description`}
              className="mt-0.5 size-4 accent-indigo-600"
              {...register("status")}
            />
            <span className="text-sm">
              <span id={`status-${choice.value}`} className="block font-medium text-zinc-900">
                {choice.label}
              </span>
              <span id={`status-${choice.value}-description`} className="block text-xs text-zinc-500">
                {choice.description}
              </span>
            </span>
          </label>
        ))}
      </div>
    </Fieldset>
  );
}

function HoursSection() {
  return (
    <Section title="Business hours" description="When the assistant tells callers you are open; the after-hours rules apply outside them.">
      <BusinessHoursEditor name="businessHours" legend="Opening hours" />
    </Section>
  );
}

function AfterHoursSection() {
  const { register } = useFormContext<AssistantFormValues>();
  const mode = useWatch<AssistantFormValues, "afterHours.mode">({ name: "afterHours.mode" });
  const forwardError = useFieldError("afterHours.forwardTo");
  const greetingError = useFieldError("afterHours.greeting");
  const choices = [
    { value: "take_message", label: "Take a message", description: "The assistant answers and writes down who called and why." },
    { value: "forward", label: "Forward to a number", description: "Calls go straight to another phone, like an on-call mobile." },
    { value: "greeting", label: "Play a different greeting", description: "The assistant answers with an after-hours message." },
  ] as const;
  return (
    <Section title="After hours" description="What happens when someone calls while you are closed.">
      <Fieldset legend="When closed" legendClassName="sr-only">
        <div className="space-y-3">
          {choices.map((choice) => (
            <CheckboxField
              key={choice.value}
              type="radio"
              value={choice.value}
              label={choice.label}
              description={choice.description}
              {...register("afterHours.mode")}
            />
          ))}
        </div>
      </Fieldset>
      {mode === "forward" && (
        <TextField
          label="Forward to"
          type="tel"
          inputMode="tel"
          placeholder="+1 415 555 0123"
          error={forwardError}
          containerClassName="max-w-sm"
          {...register("afterHours.forwardTo")}
        />
      )}
      {mode === "greeting" && (
        <TextAreaField
          label="After-hours greeting"
          rows={2}
          placeholder="Thanks for calling! We're closed right now; we open again at 9 tomorrow."
          error={greetingError}
          {...register("afterHours.greeting")}
        />
      )}
    </Section>
  );
}

function VoiceSection({ template }: { template: Template | null }) {
  const { register, control, setValue } = useFormContext<AssistantFormValues>();
  const voice = useWatch<AssistantFormValues, "voice">({ name: "voice" });
  const providerError = useFieldError("voice.provider");
  const voiceIdError = useFieldError("voice.voiceId");
  const modelProviderError = useFieldError("model.provider");
  const modelError = useFieldError("model.model");
  const languagesError = useFieldError("languages");
  const suggested = template?.suggestedVoice;
  const providers = [...new Set([suggested?.provider, voice?.provider, ...VOICE_PROVIDERS].filter((p): p is string => Boolean(p)))];
  const differs = suggested && (suggested.provider !== voice?.provider || suggested.voiceId !== voice?.voiceId);
  return (
    <Section title="Voice and language" description="How the assistant sounds, which model thinks for it, and the languages it speaks.">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField label="Voice provider" error={providerError} {...register("voice.provider")}>
          <option value="">Default</option>
          {providers.map((provider) => (
            <option key={provider} value={provider}>
              {provider}
            </option>
          ))}
        </SelectField>
        <TextField label="Voice ID" placeholder="Default" error={voiceIdError} autoComplete="off" spellCheck={false} {...register("voice.voiceId")} />
      </div>
      {suggested && (
        <div className="-mt-3 flex flex-wrap items-center gap-2 text-xs text-zinc-500">
          <span>
            The template suggests{" "}
            <span className="font-medium text-zinc-700">
              {suggested.provider} · {suggested.voiceId}
            </span>
            .
          </span>
          {differs && (
            <button
              type="button"
              className="font-medium text-indigo-600 hover:text-indigo-500"
              onClick={() => setValue("voice", { ...suggested }, { shouldDirty: true, shouldValidate: true })}
            >
              Use it
            </button>
          )}
        </div>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Model provider"
          error={modelProviderError}
          hint="Leave both on the default unless you need a specific model."
          {...register("model.provider")}
        >
          <option value="">Default</option>
          {MODEL_PROVIDERS.map((provider) => (
            <option key={provider} value={provider}>
              {provider}
            </option>
          ))}
        </SelectField>
        <TextField label="Model" placeholder="Default" error={modelError} autoComplete="off" spellCheck={false} {...register("model.model")} />
      </div>
      <Fieldset legend="Languages" hint="The assistant answers in the caller's language when it is one of these." error={languagesError}>
        <Controller
          control={control}
          name="languages"
          render={({ field }) => {
            const known = new Set(LANGUAGE_OPTIONS.map((o) => o.value));
            const options = [...LANGUAGE_OPTIONS, ...(field.value ?? []).filter((code) => !known.has(code)).map((code) => ({ value: code, label: code }))];
            return <ChipGroup name={field.name} options={options} value={field.value ?? []} onChange={field.onChange} />;
          }}
        />
      </Fieldset>
    </Section>
  );
}

function ToolsSection({ template }: { template: Template | null }) {
  const { control } = useFormContext<AssistantFormValues>();
  const suggested = new Set(template?.tools ?? []);
  return (
    <Section title="Tools" description="What the assistant can do during a call, besides talking.">
      <Controller
        control={control}
        name="enabledTools"
        render={({ field }) => (
          <Fieldset legend="Enabled tools" legendClassName="sr-only">
            <div className="grid gap-3 sm:grid-cols-2">
              {TOOL_ORDER.map((tool) => (
                <CheckboxField
                  key={tool}
                  label={
                    <>
                      {TOOL_INFO[tool].label}
                      {suggested.has(tool) && (
                        <Badge tone="brand" className="ml-1.5 align-middle text-[10px]">
                          Suggested
                        </Badge>
                      )}
                    </>
                  }
                  description={TOOL_INFO[tool].description}
                  checked={field.value.includes(tool)}
                  onChange={(event) => field.onChange(event.target.checked ? [...field.value, tool] : field.value.filter((t) => t !== tool))}
                />
              ))}
            </div>
          </Fieldset>
        )}
      />
    </Section>
  );
}

type AssistantFormProps = {
  template: Template | null;
  assistant?: Assistant;
  /** For a new assistant: who gets notified, to start with (the person creating it). */
  defaultRecipient?: RecipientForm;
};

export function AssistantForm({ template, assistant, defaultRecipient }: AssistantFormProps) {
  const organization = useCurrentOrganization();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const editable = can(organization.role, "assistants:write");
  const schema = useMemo(() => assistantFormSchema(template), [template]);
  const defaults = useMemo(
    () =>
      formDefaults({
        template,
        assistant,
        organizationTimezone: organization.timezone,
        recipient: defaultRecipient,
      }),
    [template, assistant, organization.timezone, defaultRecipient],
  );
  const form = useForm<AssistantFormValues>({
    resolver: zodResolver(schema),
    defaultValues: assistant ? defaults : { ...defaults, name: defaults.name || (template?.name ?? "") },
    mode: "onSubmit",
    reValidateMode: "onChange",
  });
  const [serverErrors, setServerErrors] = useState<{ path: string; message: string }[]>([]);
  const [limitReached, setLimitReached] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: async (values: AssistantFormValues) => {
      const { body, origins } = toBody(values, template);
      try {
        return assistant ? await updateAssistant(organization.id, assistant.id, toPatchBody(body)) : await createAssistant(organization.id, body);
      } catch (error) {
        throw Object.assign(toApiProblem(error), { origins });
      }
    },
    onMutate: () => {
      setServerErrors([]);
      setLimitReached(null);
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(assistantKeys.assistant(organization.id, saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: assistantKeys.assistants(organization.id), exact: true });
      if (assistant) {
        form.reset(formDefaults({ template, assistant: saved, organizationTimezone: organization.timezone }));
        toast({ title: "Changes saved", description: `${saved.name} is up to date.` });
      } else {
        toast({ title: `Created ${saved.name}`, description: saved.status === "active" ? "It answers calls now." : "It is saved as a draft." });
        await navigate({ to: "/orgs/$orgId/assistants", params: { orgId: organization.id } });
      }
    },
    onError: (error) => {
      const problem = error as ReturnType<typeof toApiProblem> & { origins?: Parameters<typeof formPathOf>[2] };
      if (problem.code === "ASSISTANT_LIMIT_REACHED") {
        setLimitReached(problem.detail);
        return;
      }
      let focused = false;
      for (const entry of problem.errors) {
        const path = formPathOf(entry.path, template, problem.origins ?? {});
        form.setError(path as Path<AssistantFormValues>, { type: "server", message: entry.message }, { shouldFocus: !focused });
        focused = true;
      }
      setServerErrors(problem.errors);
      form.setError("root.server", { type: "server", message: problem.detail });
    },
  });

  const { errors, isDirty, submitCount } = form.formState;
  const clientErrorCount = submitCount > 0 && !errors.root?.server ? Object.keys(errors).length : 0;

  return (
    <FormProvider {...form}>
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_22rem] xl:grid-cols-[minmax(0,1fr)_26rem]">
        <form
          noValidate
          aria-label={assistant ? `Edit ${assistant.name}` : "New assistant"}
          onSubmit={form.handleSubmit((values) => save.mutate(values))}
          className="min-w-0 space-y-6"
        >
          {limitReached && (
            <Alert tone="warning" title="Your plan's assistant limit is reached">
              <p>{limitReached}</p>
              <p className="mt-1">
                <Link to="/orgs/$orgId/billing" params={{ orgId: organization.id }} className="inline-flex items-center gap-0.5 font-medium underline">
                  See plans
                  <ArrowUpRight aria-hidden className="size-3.5" />
                </Link>{" "}
                or delete an assistant you no longer need.
              </p>
            </Alert>
          )}
          {errors.root?.server && (
            <Alert tone="error" title={errors.root.server.message}>
              {serverErrors.length > 0 && (
                <ul className="mt-1 list-disc space-y-0.5 pl-5">
                  {serverErrors.map((entry) => (
                    <li key={`${entry.path}:${entry.message}`}>
                      <span className="font-medium">{describePath(entry.path, template)}:</span> {entry.message}
                    </li>
                  ))}
                </ul>
              )}
            </Alert>
          )}
          {clientErrorCount > 0 && <Alert tone="error">Some fields need a look: they are marked below.</Alert>}
          {!editable && <Alert tone="info">You can look at this assistant; only owners, admins and members can change it.</Alert>}

          <fieldset disabled={!editable} className="min-w-0 space-y-6">
            <Section title="Basics">
              <TextField
                label="Name"
                hint="For you and your team; callers do not hear it."
                error={errors.name?.message}
                autoComplete="off"
                {...form.register("name")}
              />
              <StatusField />
              <TextAreaField
                label="First message"
                labelAside={template ? <OptionalTag /> : undefined}
                rows={2}
                placeholder={template ? readableTemplateText(template.greeting, organization.name) : undefined}
                hint={
                  template
                    ? "What the assistant says when it picks up. Leave empty to use the template's greeting."
                    : "What the assistant says when it picks up."
                }
                error={errors.firstMessage?.message}
                {...form.register("firstMessage")}
              />
            </Section>

            {template ? (
              <Section title="About your business" description={`The ${template.name} template fills its prompt with these answers.`}>
                {template.variables.map((definition) => (
                  <VariableField key={definition.key} definition={definition} industry={template.industry} />
                ))}
              </Section>
            ) : (
              <Section title="Instructions" description="The system prompt your assistant follows on every call. The preview shows it as rendered.">
                <TextAreaField
                  label="Instructions"
                  rows={14}
                  className="font-mono text-xs leading-relaxed"
                  placeholder={
                    "You are the friendly receptionist of {{business_name}}.\nAnswer questions about opening hours and prices, and take a message when you cannot help."
                  }
                  error={errors.customPrompt?.message}
                  {...form.register("customPrompt")}
                />
              </Section>
            )}

            <HoursSection />
            <AfterHoursSection />
            <VoiceSection template={template} />

            <Section title="Transfers and notifications">
              <RowsEditor
                name="transferDirectory"
                legend="Transfer directory"
                hint="People and departments the assistant may put callers through to."
                columns={[
                  { key: "name", label: "Name", placeholder: "Front desk", autoComplete: "off" },
                  { key: "role", label: "Role or department", placeholder: "Reservations", autoComplete: "off" },
                  { key: "phone", label: "Phone", placeholder: "+1 415 555 0123", type: "tel", inputMode: "tel", autoComplete: "off" },
                ]}
                noun="transfer contact"
                empty={emptyDirectoryRow()}
                emptyText="No transfers: the assistant takes a message instead."
              />
              <RowsEditor
                name="notificationRecipients"
                legend="Notification recipients"
                hint="Who hears about messages, bookings and orders, by email or text."
                columns={RECIPIENT_COLUMNS}
                noun="recipient"
                empty={{ name: "", email: "", phone: "" }}
                emptyText="Nobody is notified yet."
              />
            </Section>

            <ToolsSection template={template} />
          </fieldset>

          {editable && (
            <div className="sticky bottom-0 z-10 -mx-1 flex items-center justify-end gap-3 rounded-xl bg-white/90 px-4 py-3 shadow-[0_-4px_12px_-6px_rgb(0_0_0/0.12)] ring-1 ring-zinc-200 backdrop-blur">
              <p className={cx("mr-auto text-xs text-zinc-500", !isDirty && "invisible")}>Unsaved changes</p>
              <Link to="/orgs/$orgId/assistants" params={{ orgId: organization.id }} className={buttonClasses("ghost")}>
                Cancel
              </Link>
              <Button type="submit" pending={save.isPending}>
                <Save aria-hidden className="size-4" />
                {assistant ? "Save changes" : "Create assistant"}
              </Button>
            </div>
          )}
        </form>

        <aside aria-label="Preview" className="lg:sticky lg:top-6 lg:max-h-[calc(100dvh-3rem)] lg:overflow-y-auto">
          <PromptPreview organizationId={organization.id} assistantId={assistant?.id ?? null} template={template} control={form.control} />
        </aside>
      </div>
    </FormProvider>
  );
}
