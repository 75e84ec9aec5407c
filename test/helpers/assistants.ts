// Arrange helpers for assistants: templates as the public API serves them, valid variable values
// built from a template's own definitions, and assistants created through the API.
import { expect } from "vitest";
import type { MenuItem, VariableDefinition } from "../../src/server/modules/templates/types.js";
import type { TestOrgOwner } from "./fixtures.js";
import type { TestPlatform } from "./platform.js";

export type ApiTemplate = {
  slug: string;
  version: number;
  name: string;
  greeting: string;
  systemPrompt: string;
  variables: VariableDefinition[];
  tools: string[];
  suggestedVoice: { provider: string; voiceId: string };
};

export const assistantsPath = (owner: { organizationId: string }) => `/api/v1/orgs/${owner.organizationId}/assistants`;

export async function listShippedTemplates(t: TestPlatform): Promise<ApiTemplate[]> {
  const res = await t.api.get("/api/v1/templates");
  expect(res.status, res.text).toBe(200);
  return res.body.items;
}

export async function fetchTemplate(t: TestPlatform, slug: string): Promise<ApiTemplate> {
  const res = await t.api.get(`/api/v1/templates/${slug}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

export function sampleMenu(count: number): MenuItem[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `Dish number ${i + 1}`,
    category: ["Starters", "Mains", "Desserts"][i % 3],
    description: "Made fresh every day",
    priceCents: 500 + (i % 40) * 25,
  }));
}

/** A valid value for one variable, from its definition alone. */
export function sampleValue(definition: VariableDefinition): unknown {
  switch (definition.type) {
    case "text":
    case "textarea":
      return `Sample ${definition.label}`.slice(0, definition.maxLength ?? 200);
    case "phone":
      return "+14155552671";
    case "email":
      return "frontdesk@example.com";
    case "url":
      return "https://www.example.com/";
    case "number": {
      const low = definition.min ?? 0;
      const high = definition.max ?? low + 100;
      const middle = Math.floor((low + high) / 2);
      return Math.max(low, Math.min(high, middle));
    }
    case "select":
      return definition.options[0]?.value;
    case "multiselect":
      return definition.options.slice(0, 2).map((option) => option.value);
    case "business_hours":
      return {
        timezone: "America/Chicago",
        weekly: [1, 2, 3, 4, 5].map((day) => ({ day, open: "08:00", close: "18:00" })),
        holidays: [{ date: "2026-12-25", name: "Christmas Day" }],
      };
    case "menu":
      return sampleMenu(4);
    case "directory":
      return [{ name: "Dana Reyes", role: "Office manager", phone: "+14155552671" }];
  }
}

/** Values for every variable of a template (optional ones too, so every type is exercised). */
export function sampleValues(definitions: VariableDefinition[]): Record<string, unknown> {
  return Object.fromEntries(definitions.map((definition) => [definition.key, sampleValue(definition)]));
}

export async function createAssistantVia(t: TestPlatform, owner: TestOrgOwner, body: Record<string, unknown>) {
  const res = await t.api.post(assistantsPath(owner), body, { token: owner.accessToken });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** An assistant from the template (with sample values for all its variables). */
export async function createFromTemplate(t: TestPlatform, owner: TestOrgOwner, slug: string, extra: Record<string, unknown> = {}) {
  const template = await fetchTemplate(t, slug);
  return createAssistantVia(t, owner, { name: `${template.name} line`, templateSlug: slug, variables: sampleValues(template.variables), ...extra });
}

export const CUSTOM_PROMPT = "You answer the phone for {{business_name}}. Be brief and friendly, and take a message when you cannot help.";

export async function createCustom(t: TestPlatform, owner: TestOrgOwner, extra: Record<string, unknown> = {}) {
  return createAssistantVia(t, owner, { name: "Custom receptionist", customPrompt: CUSTOM_PROMPT, ...extra });
}

/** The first shipped template with a variable of this type (a menu, a number…). */
export async function templateWithVariable(
  t: TestPlatform,
  type: VariableDefinition["type"],
): Promise<{ template: ApiTemplate; variable: VariableDefinition }> {
  for (const listed of await listShippedTemplates(t)) {
    const variable = listed.variables.find((v) => v.type === type);
    if (variable) return { template: listed, variable };
  }
  throw new Error(`no shipped template has a ${type} variable`);
}
