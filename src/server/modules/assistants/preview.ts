// Live previews of the rendered prompt: a saved assistant with unsaved edits applied, or a draft
// that does not exist yet. A preview never fails on odd input: each invalid value is left out and
// reported in `issues`. Read-only, and quick enough to run as the user types.
import type { AppContext } from "../../context.js";
import { withTenant } from "../../db/transaction.js";
import type { FieldError } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import { getTemplate, type StoredTemplate } from "../templates/service.js";
import type { VariableDefinition, VariableValues } from "../templates/types.js";
import { validateVariableValuesLeniently } from "../templates/variable-values.js";
import { ASSISTANT_FIELD_NAMES, type AssistantFieldName, assistantFieldSchemas, fieldErrorsOf } from "./fields.js";
import { type RenderedAssistant, renderAssistant } from "./render-prompt.js";
import {
  type AssistantSettings,
  assertOnePromptSource,
  findAssistant,
  organizationProfile,
  settingsWithDefaults,
  templateNamedInBody,
  toAssistantView,
} from "./service.js";

export type AssistantPreview = RenderedAssistant & { issues: FieldError[] };

/** What a preview renders: the prompt source, the variable values and the settings. */
type PreviewSubject = AssistantSettings & { customPrompt: string | null; variables: VariableValues };

/** Fields that change the assistant but not what it says; accepted and ignored by previews. */
const FIELDS_NOT_RENDERED = new Set<string>(["name", "status"]);

type LenientResult = { subject: PreviewSubject; issues: FieldError[] };

/**
 * Applies the raw values that pass their field's schema over `base`; each one that does not is
 * skipped and reported under `pathPrefix`. Variables are checked value by value, keeping the good ones.
 */
function applyLeniently(
  base: PreviewSubject,
  raw: Record<string, unknown>,
  options: { pathPrefix: string; definitions: VariableDefinition[]; fromTemplate: boolean; ignoredKeys: ReadonlySet<string> },
): LenientResult {
  const subject: PreviewSubject = { ...base };
  const issues: FieldError[] = [];
  const fieldPath = (key: string) => `${options.pathPrefix}.${key}`;
  for (const [key, value] of Object.entries(raw)) {
    // customPrompt: null means "not given", as on create.
    if (options.ignoredKeys.has(key) || value === undefined || (key === "customPrompt" && value === null)) continue;
    if (!ASSISTANT_FIELD_NAMES.includes(key as AssistantFieldName)) {
      issues.push({ path: fieldPath(key), message: "Unknown field.", code: "unrecognized_key" });
      continue;
    }
    if (key === "variables") {
      const checked = validateVariableValuesLeniently(options.definitions, value, fieldPath("variables"));
      subject.variables = checked.values;
      issues.push(...checked.issues);
      continue;
    }
    if (key === "customPrompt" && options.fromTemplate) {
      issues.push({ path: fieldPath(key), message: "This assistant is built from a template; its prompt comes from the template." });
      continue;
    }
    const parsed = assistantFieldSchemas[key as AssistantFieldName].safeParse(value);
    if (!parsed.success) {
      issues.push(...fieldErrorsOf(parsed.error, fieldPath(key)));
      continue;
    }
    if (!FIELDS_NOT_RENDERED.has(key)) Object.assign(subject, { [key]: parsed.data });
  }
  return { subject, issues };
}

function render(businessName: string, template: StoredTemplate | null, subject: PreviewSubject, at: Date, issues: FieldError[]): AssistantPreview {
  const rendered = renderAssistant({
    businessName,
    template: template?.definition ?? null,
    customPrompt: subject.customPrompt,
    firstMessage: subject.firstMessage,
    variables: subject.variables,
    businessHours: subject.businessHours,
    afterHours: subject.afterHours,
    transferDirectory: subject.transferDirectory,
    enabledTools: subject.enabledTools,
    now: at,
  });
  return { ...rendered, issues };
}

export type SavedPreviewInput = {
  /** Unsaved edits (any of the assistant's fields; upgradeTemplate: true previews the template's latest version). */
  overrides?: Record<string, unknown>;
  /** The instant to render for (open now, next opening, today's date); default now. */
  at?: Date;
};

/** A saved assistant as it would be with `overrides` applied. */
export async function previewAssistant(ctx: AppContext, access: OrgAccess, assistantId: string, input: SavedPreviewInput): Promise<AssistantPreview> {
  const organizationId = access.organizationId;
  const { row, org } = await withTenant(ctx.db, organizationId, async (tx) => ({
    row: await findAssistant(tx, organizationId, assistantId),
    org: await organizationProfile(tx, organizationId),
  }));
  const overrides = input.overrides ?? {};
  const issues: FieldError[] = [];
  let template: StoredTemplate | null = null;
  if (row.templateSlug !== null && row.templateVersion !== null) {
    template = await getTemplate(ctx, row.templateSlug, overrides.upgradeTemplate === true ? undefined : row.templateVersion);
  }
  if (overrides.upgradeTemplate !== undefined && typeof overrides.upgradeTemplate !== "boolean") {
    issues.push({ path: "body.overrides.upgradeTemplate", message: "Use true or false." });
  } else if (overrides.upgradeTemplate === true && template === null) {
    issues.push({ path: "body.overrides.upgradeTemplate", message: "A custom assistant has no template to upgrade." });
  }
  if (overrides.templateSlug !== undefined) {
    issues.push({ path: "body.overrides.templateSlug", message: "An assistant's template cannot change; create a new assistant instead." });
  }
  const view = toAssistantView(row);
  const base: PreviewSubject = { ...view };
  const applied = applyLeniently(base, overrides, {
    pathPrefix: "body.overrides",
    definitions: template?.definition.variables ?? [],
    fromTemplate: template !== null,
    ignoredKeys: new Set(["upgradeTemplate", "templateSlug"]),
  });
  // On a newer template version the saved values may no longer fit: keep those that do.
  if (template && template.version !== row.templateVersion && overrides.variables === undefined) {
    const checked = validateVariableValuesLeniently(template.definition.variables, row.variables, "body.overrides.variables");
    applied.subject.variables = checked.values;
    applied.issues.push(...checked.issues);
  }
  return render(org.name, template, applied.subject, input.at ?? ctx.clock.now(), [...issues, ...applied.issues]);
}

export type DraftPreviewInput = Record<string, unknown> & { templateSlug?: string; customPrompt?: string | null; at?: Date };

/**
 * An assistant that is not saved yet, from the create form's values: the prompt source must be
 * given (a template that exists, or a custom prompt); every other field is optional and lenient.
 */
export async function previewDraft(ctx: AppContext, access: OrgAccess, draft: DraftPreviewInput): Promise<AssistantPreview> {
  assertOnePromptSource(draft);
  const organizationId = access.organizationId;
  // Two independent reads, side by side: the template (a platform table) and the organization.
  const [template, org] = await Promise.all([
    draft.templateSlug !== undefined ? templateNamedInBody(ctx, draft.templateSlug) : Promise.resolve(null),
    withTenant(ctx.db, organizationId, (tx) => organizationProfile(tx, organizationId)),
  ]);
  const base: PreviewSubject = { ...settingsWithDefaults({}, template, org.timezone), customPrompt: null, variables: {} };
  const { at, templateSlug: _slug, ...fields } = draft;
  // Required variables not typed yet are issues too, and the template's defaults fill in.
  if (template) fields.variables ??= {};
  const applied = applyLeniently(base, fields, {
    pathPrefix: "body",
    definitions: template?.definition.variables ?? [],
    fromTemplate: false,
    ignoredKeys: new Set(),
  });
  // The custom prompt is the whole preview: render it even when it breaks a rule, and say which.
  if (template === null) applied.subject.customPrompt = draft.customPrompt ?? "";
  return render(org.name, template, applied.subject, at ?? ctx.clock.now(), applied.issues);
}
