// The super admin's plans catalog: every plan's price, limits, features, overage prices and Stripe
// price ids, edited in a dialog that shows the API's field errors; and assigning an organization's
// plan (now or at the end of its billing period) from the organizations list.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Layers } from "lucide-react";
import { useState } from "react";
import { type Path, useForm } from "react-hook-form";
import { PLAN_FEATURES } from "../../server/modules/billing/feature-gates";
import { type AdminPlan, adminPlansQuery, assignOrganizationPlan, type PlanPatch, updatePlan } from "../api/billing";
import { ApiProblem, problemMessage, toApiProblem } from "../api/problem";
import type { AdminOrganization } from "../api/queries";
import { Alert } from "../components/alert";
import { featureLabel, PLAN_CURRENCY, planPrice } from "../components/billing/plan-facts";
import { formatQuantity } from "../components/billing/usage-meter";
import { Button } from "../components/button";
import { Dialog, DialogFooter } from "../components/dialog";
import { CheckboxField, Fieldset, SelectField, TextField } from "../components/form-field";
import { Panel } from "../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { useToast } from "../components/toaster";
import { applyProblemToForm } from "../lib/form-errors";
import { centsToInput, currencySymbol, formatMoney, parseMoney } from "../lib/money";

const LIMIT_FIELDS = [
  { name: "callsPerMonth", label: "Calls per month" },
  { name: "minutesPerMonth", label: "Minutes per month" },
  { name: "concurrentCalls", label: "Concurrent calls" },
  { name: "assistants", label: "Assistants" },
  { name: "phoneNumbers", label: "Phone numbers" },
  { name: "seats", label: "Seats" },
] as const;

const PRICE_ID_FIELDS = [
  { name: "stripePriceId", label: "Stripe price (monthly plan)" },
  { name: "stripeOverageCallPriceId", label: "Stripe price (overage calls, metered)" },
  { name: "stripeOverageMinutePriceId", label: "Stripe price (overage minutes, metered)" },
] as const;

type LimitName = (typeof LIMIT_FIELDS)[number]["name"];
type PriceIdName = (typeof PRICE_ID_FIELDS)[number]["name"];

type Values = Record<LimitName | PriceIdName, string> & {
  name: string;
  price: string;
  overageCall: string;
  overageMinute: string;
  billingIncrementSeconds: string;
  sortOrder: string;
  features: string[];
};

/** Which API field each form field fills, so the API's field errors land under the right control. */
const API_TO_FORM: Record<string, Path<Values>> = {
  priceCents: "price",
  overageCallCents: "overageCall",
  overageMinuteCents: "overageMinute",
};

const FORM_FIELDS: Path<Values>[] = [
  "name",
  "price",
  "overageCall",
  "overageMinute",
  "billingIncrementSeconds",
  "sortOrder",
  "features",
  ...LIMIT_FIELDS.map(({ name }) => name),
  ...PRICE_ID_FIELDS.map(({ name }) => name),
];

function valuesOf(plan: AdminPlan): Values {
  const cents = (value: number | null) => (value === null ? "" : centsToInput(value, PLAN_CURRENCY));
  const whole = (value: number | null) => (value === null ? "" : String(value));
  return {
    name: plan.name,
    price: cents(plan.priceCents),
    overageCall: cents(plan.overageCallCents),
    overageMinute: cents(plan.overageMinuteCents),
    billingIncrementSeconds: String(plan.billingIncrementSeconds),
    sortOrder: String(plan.sortOrder),
    features: [...plan.features],
    callsPerMonth: whole(plan.callsPerMonth),
    minutesPerMonth: whole(plan.minutesPerMonth),
    concurrentCalls: whole(plan.concurrentCalls),
    assistants: whole(plan.assistants),
    phoneNumbers: whole(plan.phoneNumbers),
    seats: whole(plan.seats),
    stripePriceId: plan.stripePriceId ?? "",
    stripeOverageCallPriceId: plan.stripeOverageCallPriceId ?? "",
    stripeOverageMinutePriceId: plan.stripeOverageMinutePriceId ?? "",
  };
}

type Parsed = { patch: PlanPatch; errors: [Path<Values>, string][] };

/** Form text → the API's patch; text that is not a number or an amount is reported here, the rest by the API. */
function toPatch(values: Values): Parsed {
  const errors: [Path<Values>, string][] = [];
  const integer = (field: Path<Values>, text: string, blank: null | "required"): number | null => {
    const trimmed = text.trim().replaceAll(",", "");
    if (trimmed === "") {
      if (blank === null) return null;
      errors.push([field, "Enter a whole number."]);
      return 0;
    }
    if (!/^\d+$/.test(trimmed)) {
      errors.push([field, "Enter a whole number (or leave it empty for unlimited)."]);
      return 0;
    }
    return Number(trimmed);
  };
  const money = (field: Path<Values>, text: string): number | null => {
    if (text.trim() === "") return null;
    const cents = parseMoney(text, PLAN_CURRENCY);
    if (cents === null) errors.push([field, "Enter an amount like 29 or 0.12."]);
    return cents ?? 0;
  };
  const limits = Object.fromEntries(LIMIT_FIELDS.map(({ name }) => [name, integer(name, values[name], null)])) as Record<LimitName, number | null>;
  const priceIds = Object.fromEntries(PRICE_ID_FIELDS.map(({ name }) => [name, values[name].trim() || null])) as Record<PriceIdName, string | null>;
  const patch: PlanPatch = {
    name: values.name,
    priceCents: money("price", values.price),
    overageCallCents: money("overageCall", values.overageCall),
    overageMinuteCents: money("overageMinute", values.overageMinute),
    billingIncrementSeconds: integer("billingIncrementSeconds", values.billingIncrementSeconds, "required") ?? 60,
    sortOrder: integer("sortOrder", values.sortOrder, "required") ?? 0,
    features: values.features as PlanPatch["features"],
    ...limits,
    ...priceIds,
  };
  return { patch, errors };
}

function EditPlanDialog({ plan, onClose }: { plan: AdminPlan; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const form = useForm<Values>({ defaultValues: valuesOf(plan) });
  const { errors } = form.formState;
  const save = useMutation({
    mutationFn: (patch: PlanPatch) => updatePlan(plan.id, patch),
    onSuccess: async (saved) => {
      // Every organization on the plan has new limits now: refresh whatever shows them.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["admin"] }),
        queryClient.invalidateQueries({ queryKey: ["plans"] }),
        queryClient.invalidateQueries({ queryKey: ["billing"] }),
      ]);
      toast({ title: `Saved the ${saved.name} plan` });
      onClose();
    },
    // The API names its fields (priceCents); some controls hold them under another name (price).
    onError: (error) => {
      const problem = withFormPaths(error);
      applyProblemToForm(problem, FORM_FIELDS, form.setError);
      // Each field's message is under it already; the summary only points there.
      if (problem.errors.some((entry) => FORM_FIELDS.includes(entry.path.replace(/^body\./, "") as Path<Values>))) {
        form.setError("root.server", { type: "server", message: "Check the highlighted fields." });
      }
    },
  });
  const submit = form.handleSubmit((values) => {
    const { patch, errors: local } = toPatch(values);
    if (local.length > 0) {
      for (const [index, [field, message]] of local.entries()) form.setError(field, { type: "local", message }, { shouldFocus: index === 0 });
      return;
    }
    save.mutate(patch);
  });
  const symbol = currencySymbol(PLAN_CURRENCY);
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      size="lg"
      title={`Edit the ${plan.name} plan`}
      description="Changes apply at once to every organization on this plan."
    >
      <form noValidate onSubmit={submit}>
        {errors.root?.server && (
          <Alert tone="error" className="mb-4">
            {errors.root.server.message}
          </Alert>
        )}
        <div className="-mx-1 max-h-[60vh] space-y-5 overflow-y-auto px-1 pb-1">
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField label="Name" error={errors.name?.message} {...form.register("name")} />
            <TextField
              label="Monthly price"
              leading={symbol}
              inputMode="decimal"
              hint="Empty: custom pricing"
              error={errors.price?.message}
              {...form.register("price")}
            />
          </div>
          <Fieldset legend="Limits" hint="Leave a limit empty for unlimited.">
            <div className="grid gap-4 sm:grid-cols-3">
              {LIMIT_FIELDS.map(({ name, label }) => (
                <TextField key={name} label={label} inputMode="numeric" error={errors[name]?.message} {...form.register(name)} />
              ))}
            </div>
          </Fieldset>
          <Fieldset legend="Metering and overage" hint="With no overage price the plan stops at its limits: new calls get the fallback.">
            <div className="grid gap-4 sm:grid-cols-3">
              <TextField label="Overage per call" leading={symbol} inputMode="decimal" error={errors.overageCall?.message} {...form.register("overageCall")} />
              <TextField
                label="Overage per minute"
                leading={symbol}
                inputMode="decimal"
                error={errors.overageMinute?.message}
                {...form.register("overageMinute")}
              />
              <TextField
                label="Billing increment"
                trailing="seconds"
                inputMode="numeric"
                hint="60 bills whole minutes"
                error={errors.billingIncrementSeconds?.message}
                {...form.register("billingIncrementSeconds")}
              />
            </div>
          </Fieldset>
          <Fieldset legend="Features" error={errors.features?.message}>
            <div className="grid gap-2 sm:grid-cols-2">
              {PLAN_FEATURES.map((feature) => (
                <CheckboxField key={feature} label={featureLabel(feature)} value={feature} {...form.register("features")} />
              ))}
            </div>
          </Fieldset>
          <Fieldset legend="Stripe" hint="Price ids from your Stripe dashboard (price_…). Empty: not sold through Stripe.">
            <div className="grid gap-4">
              {PRICE_ID_FIELDS.map(({ name, label }) => (
                <TextField key={name} label={label} placeholder="price_…" className="font-mono" error={errors[name]?.message} {...form.register(name)} />
              ))}
            </div>
          </Fieldset>
          <TextField
            label="Position in the catalog"
            inputMode="numeric"
            containerClassName="sm:w-1/3"
            error={errors.sortOrder?.message}
            {...form.register("sortOrder")}
          />
        </div>
        <DialogFooter>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" pending={save.isPending}>
            Save plan
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

/** The API's problem with its field paths renamed to the form's (body.priceCents → body.price). */
function withFormPaths(error: unknown): ApiProblem {
  const problem = toApiProblem(error);
  const errors = problem.errors.map((entry) => {
    const [place, field, ...rest] = entry.path.split(".");
    const renamed = field && API_TO_FORM[field] ? API_TO_FORM[field] : field;
    // An error inside a list (features.2) belongs to the list.
    return { ...entry, path: [place, renamed, ...(renamed === "features" ? [] : rest)].filter(Boolean).join(".") };
  });
  return new ApiProblem({
    type: "about:blank",
    title: problem.title,
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    requestId: problem.requestId,
    errors,
  });
}

function limitCell(value: number | null) {
  return value === null ? <span className="text-zinc-400">Unlimited</span> : formatQuantity(value);
}

export function PlansTab() {
  const plans = useQuery(adminPlansQuery());
  const [editing, setEditing] = useState<AdminPlan | null>(null);
  return (
    <Panel title="Plans" description="The catalog every organization's limits and features come from.">
      {plans.isPending && <LoadingState />}
      {plans.isError && <ErrorState error={plans.error} onRetry={() => void plans.refetch()} />}
      {plans.data && plans.data.length === 0 && <EmptyState icon={Layers} title="No plans" />}
      {plans.data && plans.data.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <caption className="sr-only">Plans</caption>
            <thead className="text-left text-xs font-medium text-zinc-500">
              <tr className="border-b border-zinc-100">
                {["Plan", "Price / mo", "Calls / mo", "Minutes / mo", "Concurrent", "Assistants", "Numbers", "Seats", "Overage", "Stripe price"].map(
                  (label, index) => (
                    <th key={label} scope="col" className={`py-2.5 font-medium whitespace-nowrap ${index === 0 ? "px-5" : "px-2.5"}`}>
                      {label}
                    </th>
                  ),
                )}
                <th scope="col" className="px-5 py-2.5">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {plans.data.map((plan) => (
                <tr key={plan.id}>
                  <td className="px-5 py-3">
                    <p className="font-medium text-zinc-900">{plan.name}</p>
                    <p className="font-mono text-xs text-zinc-500">{plan.id}</p>
                  </td>
                  <td className="px-2.5 py-3 whitespace-nowrap">
                    {plan.priceCents === null ? "Custom" : plan.priceCents === 0 ? "Free" : formatMoney(plan.priceCents, PLAN_CURRENCY)}
                  </td>
                  <td className="px-2.5 py-3 tabular-nums">{limitCell(plan.callsPerMonth)}</td>
                  <td className="px-2.5 py-3 tabular-nums">{limitCell(plan.minutesPerMonth)}</td>
                  <td className="px-2.5 py-3 tabular-nums">{limitCell(plan.concurrentCalls)}</td>
                  <td className="px-2.5 py-3 tabular-nums">{limitCell(plan.assistants)}</td>
                  <td className="px-2.5 py-3 tabular-nums">{limitCell(plan.phoneNumbers)}</td>
                  <td className="px-2.5 py-3 tabular-nums">{limitCell(plan.seats)}</td>
                  <td className="px-2.5 py-3 text-xs whitespace-nowrap text-zinc-600">
                    {plan.callsPerMonth === null && plan.minutesPerMonth === null ? (
                      <span className="text-zinc-400">No limits</span>
                    ) : plan.overageCallCents === null && plan.overageMinuteCents === null ? (
                      <span className="text-zinc-400">Stops at limits</span>
                    ) : (
                      <>
                        {plan.overageCallCents !== null && <span className="block">{formatMoney(plan.overageCallCents, PLAN_CURRENCY)} / call</span>}
                        {plan.overageMinuteCents !== null && <span className="block">{formatMoney(plan.overageMinuteCents, PLAN_CURRENCY)} / min</span>}
                      </>
                    )}
                  </td>
                  <td className="max-w-40 truncate px-2.5 py-3 font-mono text-xs text-zinc-600" title={plan.stripePriceId ?? undefined}>
                    {plan.stripePriceId ?? <span className="font-sans text-zinc-400">—</span>}
                  </td>
                  <td className="px-5 py-3 text-right">
                    <Button variant="secondary" size="sm" aria-label={`Edit the ${plan.name} plan`} onClick={() => setEditing(plan)}>
                      Edit
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && <EditPlanDialog key={editing.id} plan={editing} onClose={() => setEditing(null)} />}
    </Panel>
  );
}

function AssignPlanDialog({ organization, onClose }: { organization: AdminOrganization; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const plans = useQuery(adminPlansQuery());
  const [planId, setPlanId] = useState(organization.planId);
  const [effective, setEffective] = useState<"now" | "period_end">("now");
  const assign = useMutation({
    mutationFn: () => assignOrganizationPlan(organization.id, planId, effective),
    onSuccess: async (result) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["admin"] }),
        queryClient.invalidateQueries({ queryKey: ["billing", organization.id] }),
        queryClient.invalidateQueries({ queryKey: ["organizations"] }),
      ]);
      const name = plans.data?.find((plan) => plan.id === planId)?.name ?? planId;
      toast({ title: result.scheduledPlanId ? `${organization.name} moves to ${name} when its period ends` : `${organization.name} is on ${name}` });
      onClose();
    },
  });
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={`Change the plan of ${organization.name}`} description={`Now on ${organization.planName}.`}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          assign.mutate();
        }}
        className="space-y-4"
      >
        {plans.isError && <Alert tone="error">{problemMessage(plans.error)}</Alert>}
        <SelectField label="Plan" value={planId} onChange={(event) => setPlanId(event.target.value)} disabled={!plans.data}>
          {(plans.data ?? [{ id: organization.planId, name: organization.planName, priceCents: null } as AdminPlan]).map((plan) => (
            <option key={plan.id} value={plan.id}>
              {plan.name} ({planPrice(plan)})
            </option>
          ))}
        </SelectField>
        <Fieldset legend="When">
          <CheckboxField
            type="radio"
            name="effective"
            label="Now"
            description="Limits and features change at once."
            checked={effective === "now"}
            onChange={() => setEffective("now")}
          />
          <CheckboxField
            type="radio"
            name="effective"
            label="At the end of the billing period"
            description="The current period is invoiced on the current plan."
            checked={effective === "period_end"}
            onChange={() => setEffective("period_end")}
          />
        </Fieldset>
        {assign.isError && <Alert tone="error">{problemMessage(assign.error)}</Alert>}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" pending={assign.isPending}>
            Change plan
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

/** The organizations list's "Change plan" action. */
export function AssignPlanButton({ organization }: { organization: AdminOrganization }) {
  const [open, setOpen] = useState(false);
  if (organization.deletedAt) return null;
  return (
    <>
      <Button variant="secondary" size="sm" aria-label={`Change the plan of ${organization.name}`} onClick={() => setOpen(true)}>
        Change plan
      </Button>
      {open && <AssignPlanDialog organization={organization} onClose={() => setOpen(false)} />}
    </>
  );
}
