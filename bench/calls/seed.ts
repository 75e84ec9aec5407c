// Seeds the tenants through the public API, as a customer would: sign up (user + organization), an
// active assistant from the "general-office" template with valid values for its required
// variables, a knowledge note for lookupKnowledge to find, and a sandbox number routed to the
// assistant. Plans are raised to Enterprise with SQL, so plan limits never refuse a call.
import type pg from "pg";
import type { HttpClient } from "./http.js";
import type { BenchTenant } from "./messages.js";

const TEMPLATE = "general-office";
const ALWAYS_OPEN = { timezone: "UTC", weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: "00:00", close: "24:00" })), holidays: [] };
const KNOWLEDGE = [
  "# Visiting the office",
  "## Parking",
  "Visitors can park in the garage under the building on Everett Street; the first two hours are validated at the front desk.",
  "## Deliveries",
  "Deliveries go to the loading dock on Everett Street, weekdays 8am to 4pm.",
].join("\n\n");

type VariableDefinition = { key: string; type: string; required?: boolean; default?: unknown; options?: { value: string }[]; min?: number };

function json<T>(res: { status: number; text: string }, expected: number, what: string): T {
  if (res.status !== expected) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
  return JSON.parse(res.text) as T;
}

/** A valid value for each required variable of the template: its default, else one by type. */
export function variableValues(definitions: VariableDefinition[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const definition of definitions) {
    if (!definition.required) continue;
    if (definition.default !== undefined) {
      values[definition.key] = definition.default;
      continue;
    }
    switch (definition.type) {
      case "directory":
        values[definition.key] = [
          { name: "Billing", role: "Invoices and payments", phone: "+13125550142" },
          { name: "Dana Brooks", role: "Office manager", phone: "+13125550143" },
        ];
        break;
      case "multiselect":
        values[definition.key] = (definition.options ?? []).slice(0, 2).map((option) => option.value);
        break;
      case "select":
        values[definition.key] = definition.options?.[0]?.value;
        break;
      case "number":
        values[definition.key] = definition.min ?? 1;
        break;
      case "phone":
        values[definition.key] = "+13125550140";
        break;
      case "email":
        values[definition.key] = "office@bench.example";
        break;
      case "url":
        values[definition.key] = "https://bench.example";
        break;
      default:
        values[definition.key] = "An accounting firm for small businesses: bookkeeping, payroll, tax preparation and advisory.";
    }
  }
  return values;
}

async function seedTenant(http: HttpClient, owner: pg.Pool, runId: string, index: number, variables: Record<string, unknown>): Promise<BenchTenant> {
  const signup = json<{ accessToken: string; organizationId: string }>(
    await http.post(
      "/api/v1/auth/signup",
      JSON.stringify({
        email: `bench-${runId}-${index}@bench.example`,
        password: `bench-password-${runId}`,
        name: `Bench Owner ${index}`,
        organizationName: `Bench Office ${index}`,
      }),
    ),
    201,
    "signup",
  );
  const auth = { authorization: `Bearer ${signup.accessToken}` };
  const org = `/api/v1/orgs/${signup.organizationId}`;
  await owner.query("UPDATE organizations SET plan_id = 'enterprise' WHERE id = $1", [signup.organizationId]);
  const assistant = json<{ id: string }>(
    await http.post(
      `${org}/assistants`,
      JSON.stringify({ name: "Front desk", templateSlug: TEMPLATE, variables, status: "active", businessHours: ALWAYS_OPEN }),
      auth,
    ),
    201,
    "create assistant",
  );
  json(await http.post(`${org}/knowledge`, JSON.stringify({ title: "Visiting the office", kind: "markdown", content: KNOWLEDGE }), auth), 202, "add knowledge");
  // Area codes 300..899: one sandbox number per tenant, never two tenants in one area code's range.
  const areaCode = String(300 + (index % 600));
  const number = json<{ id: string; number: string }>(
    await http.post(`${org}/phone-numbers`, JSON.stringify({ provider: "sandbox", areaCode, assistantId: assistant.id }), auth),
    201,
    "provision a sandbox number",
  );
  return { organizationId: signup.organizationId, assistantId: assistant.id, phoneNumberId: number.id, number: number.number };
}

/** Seeds `count` tenants, a few at a time (sign-up hashes a password with argon2: CPU-bound). */
export async function seedTenants(http: HttpClient, owner: pg.Pool, count: number, runId: string): Promise<BenchTenant[]> {
  const template = json<{ variables: VariableDefinition[] }>(await http.get(`/api/v1/templates/${TEMPLATE}`), 200, "read the template");
  const variables = variableValues(template.variables);
  const tenants: BenchTenant[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, count) }, async () => {
      while (next < count) {
        const index = next++;
        tenants[index] = await seedTenant(http, owner, runId, index, variables);
      }
    }),
  );
  return tenants;
}

/** Waits until every knowledge source is indexed (or failed), so lookupKnowledge searches real chunks. */
export async function waitForKnowledge(owner: pg.Pool, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await owner.query<{ pending: number }>("SELECT count(*)::int AS pending FROM knowledge_sources WHERE status NOT IN ('ready', 'failed')");
    if (rows[0]!.pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
