// Phone numbers: the organization's numbers (provider, label, routing, assistant), getting a new
// one (sandbox, Twilio or Vapi; searched by area code), the routing editor, release, test calls on
// sandbox numbers, and the organization's own Twilio accounts (owners and admins).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { KeyRound, PhoneCall, PhoneIncoming, Plus, Search, Trash2 } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { type Assistant, assistantsQuery } from "../api/assistants";
import { callKeys } from "../api/calls";
import {
  type AfterHoursRouting,
  addTwilioCredentials,
  availableNumbersQuery,
  formatPhoneNumber,
  type PhoneNumber,
  type PhoneNumberRouting,
  type PhoneProvider,
  PROVIDER_LABELS,
  phoneNumberKeys,
  phoneNumbersQuery,
  placeSandboxCall,
  providerCredentialsQuery,
  provisionNumber,
  releaseNumber,
  removeCredentials,
  updateNumber,
} from "../api/phone-numbers";
import { toApiProblem } from "../api/problem";
import { Alert } from "../components/alert";
import { Badge } from "../components/badge";
import { Button, buttonClasses } from "../components/button";
import { ConfirmDialog } from "../components/confirm-dialog";
import { Dialog, DialogFooter } from "../components/dialog";
import { CheckboxField, Fieldset, SelectField, TextAreaField, TextField } from "../components/form-field";
import { PageHeader, Panel } from "../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { useToast } from "../components/toaster";
import { cx } from "../lib/class-names";
import { useCurrentOrganization } from "../lib/current-organization";
import { formatDate } from "../lib/dates";
import { can } from "../lib/permissions";

const PROVIDERS: PhoneProvider[] = ["sandbox", "twilio", "vapi"];
const PROVIDER_TONES = { sandbox: "brand", twilio: "danger", vapi: "success" } as const;
const E164 = /^\+[1-9]\d{6,14}$/;

function ProviderBadge({ provider }: { provider: PhoneProvider }) {
  return <Badge tone={PROVIDER_TONES[provider]}>{PROVIDER_LABELS[provider]}</Badge>;
}

function assistantName(assistants: Assistant[] | undefined, id: string | null | undefined): string | null {
  if (!id) return null;
  return assistants?.find((assistant) => assistant.id === id)?.name ?? "An assistant";
}

/** "Same assistant", "Night line", "Forwards to +1 (415) 555-2671", "Takes a message". */
function afterHoursSummary(afterHours: AfterHoursRouting, assistants: Assistant[] | undefined): string {
  switch (afterHours.mode) {
    case "same_assistant":
      return "Same assistant";
    case "assistant":
      return assistantName(assistants, afterHours.assistantId) ?? "Another assistant";
    case "forward":
      return `Forwards to ${formatPhoneNumber(afterHours.forwardTo)}`;
    case "take_message":
      return "Takes a message";
  }
}

/** A refusal for the plan's limit links to Billing; every other problem shows its own detail. */
function ProblemAlert({ error, orgId }: { error: unknown; orgId: string }) {
  const problem = toApiProblem(error);
  if (problem.code === "PHONE_NUMBER_LIMIT_REACHED")
    return (
      <Alert tone="warning" title="Your plan's phone numbers are all in use">
        {problem.detail}{" "}
        <Link to="/orgs/$orgId/billing" params={{ orgId }} className="font-medium underline">
          Upgrade in Billing
        </Link>{" "}
        or release a number you no longer need.
      </Alert>
    );
  return <Alert tone="error">{problem.detail}</Alert>;
}

// ---------------------------------------------------------------------------------------------
// Get a number

function GetNumberDialog({ open, onOpenChange, assistants }: { open: boolean; onOpenChange: (open: boolean) => void; assistants: Assistant[] }) {
  const organization = useCurrentOrganization();
  const orgId = organization.id;
  const queryClient = useQueryClient();
  const toast = useToast();
  const manage = can(organization.role, "numbers:manage");
  const credentials = useQuery({ ...providerCredentialsQuery(orgId), enabled: open && manage });
  const [provider, setProvider] = useState<PhoneProvider>("sandbox");
  const [credentialsId, setCredentialsId] = useState("");
  const [areaCode, setAreaCode] = useState("");
  // The search that ran (the sandbox lists its numbers straight away).
  const [searched, setSearched] = useState<{ provider: PhoneProvider; areaCode: string; credentialsId: string } | null>({
    provider: "sandbox",
    areaCode: "",
    credentialsId: "",
  });
  const [picked, setPicked] = useState("");
  const [label, setLabel] = useState("");
  const [assistantId, setAssistantId] = useState(assistants.find((a) => a.status === "active")?.id ?? assistants[0]?.id ?? "");
  const searchable = provider !== "vapi";
  const areaCodeError = areaCode && !/^[2-9]\d{2}$/.test(areaCode) ? "Three digits, like 415." : undefined;
  const available = useQuery({
    ...availableNumbersQuery(orgId, searched?.provider ?? "sandbox", searched?.areaCode ?? "", searched?.credentialsId ?? ""),
    enabled: open && searched !== null && searched.provider !== "vapi",
  });

  const provision = useMutation({
    mutationFn: () =>
      provisionNumber(orgId, {
        provider,
        country: "US",
        ...(picked ? { number: picked } : { areaCode: areaCode || "415" }),
        ...(label.trim() ? { label: label.trim() } : {}),
        ...(assistantId ? { assistantId } : {}),
        ...(provider !== "sandbox" && credentialsId ? { credentialsId } : {}),
      }),
    onSuccess: async (number) => {
      await queryClient.invalidateQueries({ queryKey: phoneNumberKeys.all(orgId) });
      toast({ title: `${formatPhoneNumber(number.number)} is yours`, description: "Calls to it reach your assistant now." });
      onOpenChange(false);
    },
  });

  const chooseProvider = (next: PhoneProvider) => {
    setProvider(next);
    setPicked("");
    setCredentialsId("");
    setSearched(next === "sandbox" ? { provider: next, areaCode, credentialsId: "" } : null);
    provision.reset();
  };
  const search = (event?: FormEvent) => {
    event?.preventDefault();
    if (areaCodeError) return;
    setPicked("");
    setSearched({ provider, areaCode, credentialsId });
  };
  const results = searched && searched.provider === provider ? available : null;

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Get a number"
      description="Sandbox numbers are free and reach your assistant from test calls only; Twilio and Vapi numbers take real calls."
    >
      <div className="space-y-4">
        <div className="grid grid-cols-2 gap-3">
          <SelectField label="Provider" value={provider} onChange={(event) => chooseProvider(event.target.value as PhoneProvider)}>
            {PROVIDERS.map((p) => (
              <option key={p} value={p}>
                {PROVIDER_LABELS[p]}
                {p === "sandbox" ? " (test calls)" : ""}
              </option>
            ))}
          </SelectField>
          {provider !== "sandbox" && (credentials.data?.length ?? 0) > 0 ? (
            <SelectField label="Account" value={credentialsId} onChange={(event) => setCredentialsId(event.target.value)}>
              <option value="">Switchboard's</option>
              {credentials.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label ?? "Your Twilio"} ({c.accountSidMasked})
                </option>
              ))}
            </SelectField>
          ) : (
            <div />
          )}
        </div>
        <form noValidate onSubmit={search} className="flex items-end gap-2">
          <TextField
            label="Area code"
            inputMode="numeric"
            maxLength={3}
            placeholder="415"
            value={areaCode}
            onChange={(event) => setAreaCode(event.target.value.replace(/\D/g, ""))}
            error={areaCodeError}
            containerClassName="flex-1"
            hint={searchable ? undefined : "Vapi picks a number in this area code for you."}
          />
          {searchable && (
            <Button type="submit" variant="secondary" pending={results?.isFetching}>
              <Search aria-hidden className="size-4" />
              Search
            </Button>
          )}
        </form>
        {searchable && results && (
          <Fieldset legend="Available numbers" hint={results.data?.length ? "Pick one, or leave it to us: we take the first free one." : undefined}>
            {results.isPending ? (
              <LoadingState label="Looking for numbers…" className="py-4" />
            ) : results.isError ? (
              <ProblemAlert error={results.error} orgId={orgId} />
            ) : results.data.length === 0 ? (
              <p className="text-sm text-zinc-500">No numbers free in that area code; try another.</p>
            ) : (
              <div role="radiogroup" aria-label="Available numbers" className="grid max-h-44 grid-cols-2 gap-2 overflow-y-auto p-0.5">
                {results.data.slice(0, 12).map((n) => (
                  <label
                    key={n.number}
                    className={cx(
                      "flex cursor-pointer items-center gap-2 rounded-md px-2.5 py-2 text-sm ring-1 ring-inset",
                      picked === n.number ? "bg-indigo-50 ring-indigo-400" : "ring-zinc-200 hover:bg-zinc-50",
                    )}
                  >
                    <input
                      type="radio"
                      name="number"
                      value={n.number}
                      checked={picked === n.number}
                      onChange={() => setPicked(n.number)}
                      className="accent-indigo-600"
                    />
                    <span className="min-w-0">
                      <span className="block font-mono text-xs text-zinc-900">{formatPhoneNumber(n.number)}</span>
                      {(n.locality || n.region) && (
                        <span className="block truncate text-xs text-zinc-500">{[n.locality, n.region].filter(Boolean).join(", ")}</span>
                      )}
                    </span>
                  </label>
                ))}
              </div>
            )}
          </Fieldset>
        )}
        {provider === "twilio" && !results && <p className="text-sm text-zinc-500">Search an area code to see Twilio's numbers.</p>}
        <TextField
          label="Label"
          placeholder="Main line"
          maxLength={80}
          value={label}
          onChange={(event) => setLabel(event.target.value)}
          hint="Optional: how your team knows this line."
        />
        <SelectField
          label="Assistant"
          value={assistantId}
          onChange={(event) => setAssistantId(event.target.value)}
          hint="Answers calls during its business hours."
        >
          <option value="">None yet</option>
          {assistants.map((assistant) => (
            <option key={assistant.id} value={assistant.id}>
              {assistant.name}
              {assistant.status !== "active" ? ` (${assistant.status})` : ""}
            </option>
          ))}
        </SelectField>
        {provision.error ? <ProblemAlert error={provision.error} orgId={orgId} /> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button onClick={() => provision.mutate()} pending={provision.isPending} disabled={Boolean(areaCodeError)}>
            {picked ? `Get ${formatPhoneNumber(picked)}` : "Get a number"}
          </Button>
        </DialogFooter>
      </div>
    </Dialog>
  );
}

// ---------------------------------------------------------------------------------------------
// Routing

type AfterHoursMode = AfterHoursRouting["mode"];
const AFTER_HOURS_OPTIONS: { mode: AfterHoursMode; label: string; description: string }[] = [
  { mode: "same_assistant", label: "Same assistant", description: "It follows its own after-hours instructions." },
  { mode: "assistant", label: "Another assistant", description: "A night or weekend assistant answers." },
  { mode: "forward", label: "Forward to a number", description: "An on-call phone rings instead." },
  { mode: "take_message", label: "Take a message", description: "A short message-taking assistant answers." },
];

function RoutingDialog({ number, assistants, onClose }: { number: PhoneNumber; assistants: Assistant[]; onClose: () => void }) {
  const orgId = useCurrentOrganization().id;
  const queryClient = useQueryClient();
  const toast = useToast();
  const current = number.routing;
  const [label, setLabel] = useState(number.label ?? "");
  const [openAssistantId, setOpenAssistantId] = useState(current.openAssistantId ?? "");
  const [mode, setMode] = useState<AfterHoursMode>(current.afterHours.mode);
  const [afterAssistantId, setAfterAssistantId] = useState(current.afterHours.mode === "assistant" ? current.afterHours.assistantId : "");
  const [forwardTo, setForwardTo] = useState(current.afterHours.mode === "forward" ? current.afterHours.forwardTo : "");
  const [submitted, setSubmitted] = useState(false);
  const forwardError =
    mode === "forward" && !E164.test(forwardTo.replace(/[\s().-]/g, "")) ? "A number in international format, like +14155550123." : undefined;
  const assistantError = mode === "assistant" && !afterAssistantId ? "Choose the assistant that answers after hours." : undefined;

  const save = useMutation({
    mutationFn: () => {
      const afterHours: AfterHoursRouting =
        mode === "assistant"
          ? { mode, assistantId: afterAssistantId }
          : mode === "forward"
            ? { mode, forwardTo: forwardTo.replace(/[\s().-]/g, "") }
            : { mode };
      const routing: PhoneNumberRouting = { openAssistantId: openAssistantId || null, afterHours };
      return updateNumber(orgId, number.id, { label: label.trim() || null, routing });
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: phoneNumberKeys.all(orgId) });
      toast({ title: `Routing of ${formatPhoneNumber(number.number)} saved` });
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (forwardError || assistantError) return;
    save.mutate();
  };

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Routing of ${formatPhoneNumber(number.number)}`}
      description="Who answers, in and out of business hours."
    >
      <form noValidate onSubmit={submit} className="space-y-4">
        <TextField label="Label" placeholder="Main line" maxLength={80} value={label} onChange={(event) => setLabel(event.target.value)} />
        <SelectField
          label="During business hours"
          value={openAssistantId}
          onChange={(event) => setOpenAssistantId(event.target.value)}
          hint="The assistant's own business hours decide when it is open."
        >
          <option value="">No assistant (calls get the fallback)</option>
          {assistants.map((assistant) => (
            <option key={assistant.id} value={assistant.id}>
              {assistant.name}
            </option>
          ))}
        </SelectField>
        <Fieldset legend="After hours">
          <div className="space-y-2.5">
            {AFTER_HOURS_OPTIONS.map((option) => (
              <CheckboxField
                key={option.mode}
                type="radio"
                name="after-hours"
                label={option.label}
                description={option.description}
                checked={mode === option.mode}
                onChange={() => setMode(option.mode)}
              />
            ))}
          </div>
        </Fieldset>
        {mode === "assistant" && (
          <SelectField
            label="After-hours assistant"
            value={afterAssistantId}
            onChange={(event) => setAfterAssistantId(event.target.value)}
            error={submitted ? assistantError : undefined}
          >
            <option value="">Choose an assistant</option>
            {assistants.map((assistant) => (
              <option key={assistant.id} value={assistant.id}>
                {assistant.name}
              </option>
            ))}
          </SelectField>
        )}
        {mode === "forward" && (
          <TextField
            label="Forward to"
            inputMode="tel"
            placeholder="+14155550123"
            value={forwardTo}
            onChange={(event) => setForwardTo(event.target.value)}
            error={submitted ? forwardError : undefined}
            hint="Not one of your Switchboard numbers."
          />
        )}
        {save.error ? <Alert tone="error">{toApiProblem(save.error).detail}</Alert> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" pending={save.isPending}>
            Save routing
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

// ---------------------------------------------------------------------------------------------
// Test calls on sandbox numbers

/** A caller leaving a message (or asking for a callback), with the tool line the assistant would send. */
export function defaultTestScript(businessName: string, assistant: Assistant | undefined): string {
  const tools = assistant?.enabledTools ?? [];
  const offers = (tool: string) => tools.length === 0 || tools.includes(tool as Assistant["enabledTools"][number]);
  // The assistant's greeting is spoken before the first line, as on a real call.
  if (offers("takeMessage"))
    return [
      `caller: Hi, is this ${businessName}? This is Jamie Rivera. I'd like to leave a message for the office, please.`,
      "assistant: Of course, Jamie. What's the message, and the best number to reach you?",
      "caller: Please call me back about my invoice from last week. My number is 415 555 2671.",
      "assistant: Thanks. That's Jamie Rivera, 415 555 2671, about last week's invoice. I'll pass it on now.",
      `tool: takeMessage ${JSON.stringify({ callerName: "Jamie Rivera", callbackNumber: "+14155552671", message: "Please call back about last week's invoice.", urgency: "normal" })}`,
      "assistant: Your message is with the team; someone will call you back soon. Anything else?",
      "caller: No, that's all. Thank you!",
      "assistant: You're welcome, Jamie. Goodbye!",
    ].join("\n");
  if (offers("scheduleCallback"))
    return [
      "caller: Hi, this is Jamie Rivera. Could someone call me back tomorrow morning?",
      "assistant: Of course. What is it about, and what number should we call?",
      "caller: A question about my booking. My number is 415 555 2671.",
      `tool: scheduleCallback ${JSON.stringify({ callerName: "Jamie Rivera", callbackNumber: "+14155552671", preferredTime: "Tomorrow morning", reason: "A question about a booking" })}`,
      "assistant: Done: we'll call you back tomorrow morning. Goodbye!",
    ].join("\n");
  return [
    "caller: Hi, what are your opening hours?",
    "assistant: We're open on weekdays during business hours. Anything else?",
    "caller: No, thanks. Bye!",
  ].join("\n");
}

function TestCallDialog({ number, assistants, onClose }: { number: PhoneNumber; assistants: Assistant[]; onClose: () => void }) {
  const organization = useCurrentOrganization();
  const orgId = organization.id;
  const queryClient = useQueryClient();
  const assistant = assistants.find((a) => a.id === number.routing.openAssistantId);
  const [script, setScript] = useState(() => defaultTestScript(organization.name, assistant));
  const [callerNumber, setCallerNumber] = useState("");
  const [paceMs, setPaceMs] = useState("600");
  const callerError = callerNumber.trim() && !E164.test(callerNumber.trim()) ? "International format, like +14155552671." : undefined;
  const place = useMutation({
    mutationFn: () =>
      placeSandboxCall(orgId, {
        phoneNumberId: number.id,
        ...(script.trim() ? { script } : {}),
        ...(callerNumber.trim() ? { callerNumber: callerNumber.trim() } : {}),
        paceMs: Number(paceMs),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: callKeys.all(orgId) }),
  });

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      size="lg"
      title={`Place a test call to ${formatPhoneNumber(number.number)}`}
      description="A scripted caller talks to your assistant through the real call path. It shows up live in Calls, with its transcript and inbox items."
    >
      {place.isSuccess ? (
        <div className="space-y-4">
          <Alert tone="success" title="The call is under way">
            Watch it come in live; it ends by itself when the script runs out.
          </Alert>
          <DialogFooter>
            <Button variant="secondary" onClick={onClose}>
              Close
            </Button>
            <Link to="/orgs/$orgId/calls" params={{ orgId }} className={buttonClasses("primary")}>
              <PhoneCall aria-hidden className="size-4" />
              Watch it in Calls
            </Link>
          </DialogFooter>
        </div>
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!callerError) place.mutate();
          }}
          className="space-y-4"
        >
          <TextAreaField
            label="Script"
            rows={10}
            value={script}
            onChange={(event) => setScript(event.target.value)}
            className="font-mono text-xs leading-relaxed"
            spellCheck={false}
            hint={
              <>
                One line each: <code>caller: …</code>, <code>assistant: …</code> or <code>tool: name {"{json}"}</code>.
              </>
            }
          />
          <div className="grid grid-cols-2 gap-3">
            <TextField
              label="Calling from"
              inputMode="tel"
              placeholder="+14155552671"
              value={callerNumber}
              onChange={(event) => setCallerNumber(event.target.value)}
              error={callerError}
              hint="Optional"
            />
            <SelectField label="Pace" value={paceMs} onChange={(event) => setPaceMs(event.target.value)}>
              <option value="300">Quick</option>
              <option value="600">Natural</option>
              <option value="1500">Slow</option>
            </SelectField>
          </div>
          {!assistant && <Alert tone="warning">No assistant answers this number in business hours: the call gets your fallback.</Alert>}
          {place.error ? <Alert tone="error">{toApiProblem(place.error).detail}</Alert> : null}
          <DialogFooter>
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" pending={place.isPending}>
              <PhoneCall aria-hidden className="size-4" />
              Place the call
            </Button>
          </DialogFooter>
        </form>
      )}
    </Dialog>
  );
}

// ---------------------------------------------------------------------------------------------
// The organization's own Twilio accounts

function TwilioAccountsPanel() {
  const orgId = useCurrentOrganization().id;
  const queryClient = useQueryClient();
  const toast = useToast();
  const credentials = useQuery(providerCredentialsQuery(orgId));
  const [accountSid, setAccountSid] = useState("");
  const [authToken, setAuthToken] = useState("");
  const [label, setLabel] = useState("");
  const [submitted, setSubmitted] = useState(false);
  const formId = useId();
  const sidError = !/^AC[0-9a-fA-F]{32}$/.test(accountSid.trim()) ? "An Account SID starts with AC and has 34 characters." : undefined;
  const tokenError = authToken.trim().length < 16 ? "Paste the auth token from the Twilio console." : undefined;
  const add = useMutation({
    mutationFn: () =>
      addTwilioCredentials(orgId, { accountSid: accountSid.trim(), authToken: authToken.trim(), ...(label.trim() ? { label: label.trim() } : {}) }),
    onSuccess: async () => {
      setAccountSid("");
      setAuthToken("");
      setLabel("");
      setSubmitted(false);
      await queryClient.invalidateQueries({ queryKey: phoneNumberKeys.credentials(orgId) });
      toast({ title: "Twilio account added", description: "Pick it as the account when you get a Twilio number." });
    },
  });
  const remove = useMutation({
    mutationFn: (credentialsId: string) => removeCredentials(orgId, credentialsId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: phoneNumberKeys.credentials(orgId) }),
  });

  return (
    <Panel
      title="Your Twilio account"
      description="Bring your own Twilio account to buy numbers on it. The auth token is stored encrypted and never shown again."
      footer={
        <Button type="submit" form={formId} variant="secondary" pending={add.isPending}>
          <KeyRound aria-hidden className="size-4" />
          Add account
        </Button>
      }
    >
      {credentials.isPending ? (
        <LoadingState label="Loading accounts…" className="py-6" />
      ) : credentials.isError ? (
        <ErrorState error={credentials.error} onRetry={() => credentials.refetch()} title="Could not load your accounts" className="py-6" />
      ) : credentials.data.length > 0 ? (
        <ul aria-label="Twilio accounts" className="divide-y divide-zinc-100 border-b border-zinc-100">
          {credentials.data.map((c) => (
            <li key={c.id} className="flex items-center justify-between gap-3 px-5 py-3 text-sm">
              <span>
                <span className="font-medium text-zinc-900">{c.label ?? "Twilio"}</span>{" "}
                <span className="font-mono text-xs text-zinc-500">{c.accountSidMasked}</span>
                <span className="ml-2 text-xs text-zinc-400">added {formatDate(c.createdAt)}</span>
              </span>
              <Button
                variant="ghost"
                size="sm"
                onClick={() => remove.mutate(c.id)}
                pending={remove.isPending && remove.variables === c.id}
                aria-label={`Remove ${c.label ?? "Twilio"} account`}
              >
                <Trash2 aria-hidden className="size-4" />
                Remove
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {remove.error ? (
        <div className="px-5 pt-4">
          <Alert tone="error">{toApiProblem(remove.error).detail}</Alert>
        </div>
      ) : null}
      <form
        id={formId}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted(true);
          if (!sidError && !tokenError) add.mutate();
        }}
        className="grid gap-4 p-5 sm:grid-cols-3"
      >
        <TextField
          label="Account SID"
          placeholder="AC…"
          spellCheck={false}
          autoComplete="off"
          value={accountSid}
          onChange={(event) => setAccountSid(event.target.value)}
          error={submitted ? sidError : undefined}
        />
        <TextField
          label="Auth token"
          type="password"
          autoComplete="new-password"
          value={authToken}
          onChange={(event) => setAuthToken(event.target.value)}
          error={submitted ? tokenError : undefined}
        />
        <TextField label="Label" placeholder="Our Twilio" value={label} onChange={(event) => setLabel(event.target.value)} />
        {add.error ? (
          <div className="sm:col-span-3">
            <Alert tone="error">{toApiProblem(add.error).detail}</Alert>
          </div>
        ) : null}
      </form>
    </Panel>
  );
}

// ---------------------------------------------------------------------------------------------
// The page

type OpenDialog = { kind: "routing" | "test-call" | "release"; number: PhoneNumber } | { kind: "get" } | null;

export function PhoneNumbersPage() {
  const organization = useCurrentOrganization();
  const orgId = organization.id;
  const manage = can(organization.role, "numbers:manage");
  const testCalls = can(organization.role, "assistants:write");
  const queryClient = useQueryClient();
  const toast = useToast();
  const numbers = useQuery(phoneNumbersQuery(orgId));
  const assistants = useQuery(assistantsQuery(orgId));
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const release = useMutation({
    mutationFn: (number: PhoneNumber) => releaseNumber(orgId, number.id),
    onSuccess: async (number) => {
      setDialog(null);
      await queryClient.invalidateQueries({ queryKey: phoneNumberKeys.all(orgId) });
      toast({ title: `Released ${formatPhoneNumber(number.number)}` });
    },
  });
  const active = numbers.data?.filter((n) => n.status === "active") ?? [];
  const released = numbers.data?.filter((n) => n.status === "released") ?? [];
  const getButton = manage ? (
    <Button onClick={() => setDialog({ kind: "get" })} disabled={!assistants.data}>
      <Plus aria-hidden className="size-4" />
      Get a number
    </Button>
  ) : undefined;

  return (
    <>
      <PageHeader title="Phone numbers" description="The numbers your customers call, and who answers them." actions={getButton} />
      <div className="space-y-6">
        <section aria-label="Phone numbers" className="overflow-hidden rounded-xl bg-white shadow-xs ring-1 ring-zinc-200">
          {numbers.isPending ? (
            <LoadingState label="Loading phone numbers…" />
          ) : numbers.isError ? (
            <ErrorState error={numbers.error} onRetry={() => numbers.refetch()} title="Could not load phone numbers" />
          ) : active.length === 0 ? (
            <EmptyState icon={PhoneIncoming} title="No phone numbers yet" action={getButton}>
              {manage
                ? "Get a free sandbox number to try your assistant with test calls, or a Twilio or Vapi number for real callers."
                : "An owner or admin can get the organization a number."}
            </EmptyState>
          ) : (
            <div className="overflow-x-auto">
              <table className="min-w-full divide-y divide-zinc-100 text-sm">
                <thead className="bg-zinc-50/80 text-left text-xs font-medium text-zinc-500">
                  <tr>
                    <th scope="col" className="px-4 py-2.5">
                      Number
                    </th>
                    <th scope="col" className="px-4 py-2.5">
                      Label
                    </th>
                    <th scope="col" className="px-4 py-2.5">
                      Business hours
                    </th>
                    <th scope="col" className="px-4 py-2.5">
                      After hours
                    </th>
                    <th scope="col" className="px-4 py-2.5">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {active.map((number) => {
                    const formatted = formatPhoneNumber(number.number);
                    return (
                      <tr key={number.id} className="hover:bg-zinc-50">
                        <td className="whitespace-nowrap px-4 py-3">
                          <span className="font-mono text-[13px] font-medium text-zinc-900">{formatted}</span>
                          <span className="ml-2 align-middle">
                            <ProviderBadge provider={number.provider} />
                          </span>
                        </td>
                        <td className="px-4 py-3 text-zinc-700">{number.label ?? <span className="text-zinc-400">—</span>}</td>
                        <td className="whitespace-nowrap px-4 py-3 text-zinc-700">
                          {assistantName(assistants.data, number.routing.openAssistantId) ?? <span className="text-amber-700">No assistant</span>}
                        </td>
                        <td className="whitespace-nowrap px-4 py-3 text-zinc-700">{afterHoursSummary(number.routing.afterHours, assistants.data)}</td>
                        <td className="whitespace-nowrap px-4 py-3">
                          <div className="flex justify-end gap-1.5">
                            {number.provider === "sandbox" && testCalls && (
                              <Button variant="secondary" size="sm" onClick={() => setDialog({ kind: "test-call", number })} disabled={!assistants.data}>
                                <PhoneCall aria-hidden className="size-3.5" />
                                Place a test call<span className="sr-only"> to {formatted}</span>
                              </Button>
                            )}
                            {manage && (
                              <>
                                <Button variant="secondary" size="sm" onClick={() => setDialog({ kind: "routing", number })} disabled={!assistants.data}>
                                  Routing<span className="sr-only"> of {formatted}</span>
                                </Button>
                                <Button
                                  variant="ghost"
                                  size="sm"
                                  onClick={() => setDialog({ kind: "release", number })}
                                  className="text-red-700 hover:bg-red-50 hover:text-red-800"
                                >
                                  Release<span className="sr-only"> {formatted}</span>
                                </Button>
                              </>
                            )}
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {released.length > 0 && (
            <details className="border-t border-zinc-100 bg-zinc-50/60 px-4 py-3 text-sm text-zinc-500">
              <summary className="cursor-pointer">
                {released.length} released {released.length === 1 ? "number" : "numbers"}
              </summary>
              <ul className="mt-2 space-y-1">
                {released.map((number) => (
                  <li key={number.id}>
                    <span className="font-mono text-xs">{formatPhoneNumber(number.number)}</span> · {PROVIDER_LABELS[number.provider]}
                    {number.releasedAt ? ` · released ${formatDate(number.releasedAt)}` : ""}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>
        {manage && <TwilioAccountsPanel />}
      </div>

      {dialog?.kind === "get" && assistants.data && <GetNumberDialog open onOpenChange={(open) => !open && setDialog(null)} assistants={assistants.data} />}
      {dialog?.kind === "routing" && assistants.data && <RoutingDialog number={dialog.number} assistants={assistants.data} onClose={() => setDialog(null)} />}
      {dialog?.kind === "test-call" && assistants.data && (
        <TestCallDialog number={dialog.number} assistants={assistants.data} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === "release" && (
        <ConfirmDialog
          open
          onOpenChange={(open) => {
            if (!open) {
              setDialog(null);
              release.reset();
            }
          }}
          title={`Release ${formatPhoneNumber(dialog.number.number)}?`}
          description={
            dialog.number.provider === "sandbox"
              ? "It stops taking test calls at once. Its call history stays."
              : `It stops taking calls at once and goes back to ${PROVIDER_LABELS[dialog.number.provider]}; you may not get it back. Its call history stays.`
          }
          confirmLabel="Release number"
          onConfirm={() => release.mutate(dialog.number)}
          pending={release.isPending}
          error={release.error}
        />
      )}
    </>
  );
}
