// Assistants: create (from a template with validated variable values, or from a custom prompt),
// list, read, update (including moving to the template's latest version), duplicate and delete,
// within the plan's assistant limit. Every change is audited in its own transaction.
import { and, count, desc, eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { newId } from "../../db/ids.js";
import { withTenant } from "../../db/transaction.js";
import { type FieldError, Invalid, NotFound } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { recordAudit } from "../audit/service.js";
import { organizations } from "../organizations/schema.js";
import { assertMayAdd } from "../plans/service.js";
import { getTemplate, type StoredTemplate } from "../templates/service.js";
import type { BusinessHours, DirectoryEntry, ToolName, VariableDefinition, VariableValues, Voice } from "../templates/types.js";
import { validateVariableValues } from "../templates/variable-values.js";
import { MAX_ASSISTANT_NAME_LENGTH } from "./fields.js";
import { type AfterHours, type AssistantStatus, assistants, type ModelChoice, type NotificationRecipient } from "./schema.js";

export const DEFAULT_MODEL: ModelChoice = { provider: "openai", model: "gpt-4o-mini" };
/** For custom assistants; a template suggests its own voice. */
export const DEFAULT_VOICE: Voice = { provider: "vapi", voiceId: "Elliot" };
export const DEFAULT_LANGUAGES = ["en"];
/** A custom assistant can always take a message; other tools are the caller's choice. */
export const DEFAULT_CUSTOM_ASSISTANT_TOOLS: ToolName[] = ["takeMessage"];
const COPY_SUFFIX = " (copy)";

/** Monday to Friday, 9:00 to 17:00 in the organization's time zone, no holidays. */
export function defaultBusinessHours(timezone: string): BusinessHours {
  return { timezone, weekly: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, open: "09:00", close: "17:00" })), holidays: [] };
}

type AssistantRow = typeof assistants.$inferSelect;

/** The settings a caller may set on any assistant, after validation. */
export type AssistantSettings = {
  firstMessage: string | null;
  voice: Voice;
  model: ModelChoice;
  languages: string[];
  businessHours: BusinessHours;
  afterHours: AfterHours;
  transferDirectory: DirectoryEntry[];
  notificationRecipients: NotificationRecipient[];
  enabledTools: ToolName[];
  status: AssistantStatus;
};

export type CreateAssistantInput = Partial<AssistantSettings> & {
  name: string;
  templateSlug?: string;
  /** Checked against the template's variable definitions here, not by the route. */
  variables?: Record<string, unknown>;
  /** null: not given. */
  customPrompt?: string | null;
};

export type UpdateAssistantInput = Partial<AssistantSettings> & {
  name?: string;
  variables?: Record<string, unknown>;
  /** Custom assistants only; null: not given (a prompt cannot be removed). */
  customPrompt?: string | null;
  /** Moves the assistant to its template's latest version, re-validating the variable values. */
  upgradeTemplate?: boolean;
};

export type AssistantView = AssistantSettings & {
  id: string;
  name: string;
  templateSlug: string | null;
  templateVersion: number | null;
  variables: VariableValues;
  customPrompt: string | null;
  createdAt: string;
  updatedAt: string;
};

export function toAssistantView(row: AssistantRow): AssistantView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    templateSlug: row.templateSlug,
    templateVersion: row.templateVersion,
    variables: row.variables,
    customPrompt: row.customPrompt,
    firstMessage: row.firstMessage,
    voice: row.voice,
    model: row.model,
    languages: row.languages,
    businessHours: row.businessHours,
    afterHours: row.afterHours,
    transferDirectory: row.transferDirectory,
    notificationRecipients: row.notificationRecipients,
    enabledTools: row.enabledTools,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A body field naming a template that does not exist is a validation error (422), not a missing resource. */
export async function templateNamedInBody(ctx: AppContext, slug: string, path = "body.templateSlug"): Promise<StoredTemplate> {
  try {
    return await getTemplate(ctx, slug);
  } catch (error) {
    if (error instanceof NotFound && error.code === "TEMPLATE_NOT_FOUND") {
      throw new Invalid("TEMPLATE_NOT_FOUND", error.message, [{ path, message: error.message, code: "TEMPLATE_NOT_FOUND" }]);
    }
    throw error;
  }
}

/** An assistant is built from exactly one of a template and a custom prompt. */
export function assertOnePromptSource(input: { templateSlug?: string | undefined; customPrompt?: string | null | undefined }): void {
  const fromTemplate = input.templateSlug !== undefined;
  if (fromTemplate === (input.customPrompt !== undefined && input.customPrompt !== null)) {
    const message = fromTemplate
      ? "Send either templateSlug or customPrompt, not both."
      : "Send templateSlug (to start from an industry template) or customPrompt (to write your own prompt).";
    throw new Invalid("VALIDATION_FAILED", message, [
      { path: "body.templateSlug", message },
      { path: "body.customPrompt", message },
    ]);
  }
}

/** Values checked against the definitions (a custom assistant has none, so it takes no values). */
function validVariables(definitions: VariableDefinition[], values: unknown, pathPrefix: string): VariableValues {
  const result = validateVariableValues(definitions, values ?? {}, pathPrefix);
  if (!result.ok) {
    const detail = result.errors
      .slice(0, 5)
      .map((e) => `${e.path}: ${e.message}`)
      .join("; ");
    throw new Invalid("VALIDATION_FAILED", `Some variable values are invalid: ${detail}`.slice(0, 500), result.errors);
  }
  return result.values;
}

/**
 * Locks the organization's row: creates and duplicates run one at a time per organization, so
 * concurrent ones cannot all pass the assistant limit. Lock order: organization, then assistants.
 */
async function lockOrganization(tx: Db, organizationId: string) {
  const [org] = await tx
    .select({ name: organizations.name, timezone: organizations.timezone })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    .for("update");
  if (!org) throw new NotFound("Organization");
  return org;
}

/** The organization's name (the prompt's business_name) and time zone (the default business hours). */
export async function organizationProfile(tx: Db, organizationId: string): Promise<{ name: string; timezone: string }> {
  const [org] = await tx.select({ name: organizations.name, timezone: organizations.timezone }).from(organizations).where(eq(organizations.id, organizationId));
  if (!org) throw new NotFound("Organization");
  return org;
}

async function countAssistants(tx: Db, organizationId: string): Promise<number> {
  const [row] = await tx.select({ value: count() }).from(assistants).where(eq(assistants.organizationId, organizationId));
  return row?.value ?? 0;
}

export async function findAssistant(tx: Db, organizationId: string, assistantId: string, options: { forUpdate?: boolean } = {}): Promise<AssistantRow> {
  const query = tx
    .select()
    .from(assistants)
    .where(and(eq(assistants.organizationId, organizationId), eq(assistants.id, assistantId)));
  const [row] = options.forUpdate ? await query.for("update") : await query;
  if (!row) throw new NotFound("Assistant");
  return row;
}

/** The settings of a new assistant: what the caller sent, else the template's suggestions, else the platform defaults. */
export function settingsWithDefaults(input: Partial<AssistantSettings>, template: StoredTemplate | null, timezone: string): AssistantSettings {
  return {
    firstMessage: input.firstMessage ?? null,
    voice: input.voice ?? template?.definition.suggestedVoice ?? DEFAULT_VOICE,
    model: input.model ?? DEFAULT_MODEL,
    languages: input.languages ?? DEFAULT_LANGUAGES,
    businessHours: input.businessHours ?? defaultBusinessHours(timezone),
    afterHours: input.afterHours ?? { mode: "take_message" },
    transferDirectory: input.transferDirectory ?? [],
    notificationRecipients: input.notificationRecipients ?? [],
    enabledTools: input.enabledTools ?? template?.definition.tools ?? DEFAULT_CUSTOM_ASSISTANT_TOOLS,
    status: input.status ?? "draft",
  };
}

export async function listAssistants(ctx: AppContext, access: OrgAccess, filter: { status?: AssistantStatus }): Promise<AssistantView[]> {
  const rows = await withTenant(ctx.db, access.organizationId, (tx) =>
    tx
      .select()
      .from(assistants)
      .where(and(eq(assistants.organizationId, access.organizationId), filter.status ? eq(assistants.status, filter.status) : undefined))
      // assistants_org_created_idx serves this order.
      .orderBy(desc(assistants.createdAt), desc(assistants.id)),
  );
  return rows.map(toAssistantView);
}

export async function getAssistant(ctx: AppContext, access: OrgAccess, assistantId: string): Promise<AssistantView> {
  return toAssistantView(await withTenant(ctx.db, access.organizationId, (tx) => findAssistant(tx, access.organizationId, assistantId)));
}

export async function createAssistant(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  input: CreateAssistantInput,
  meta: RequestMeta,
): Promise<AssistantView> {
  assertOnePromptSource(input);
  const template = input.templateSlug !== undefined ? await templateNamedInBody(ctx, input.templateSlug) : null;
  const variables = validVariables(template?.definition.variables ?? [], input.variables, "body.variables");
  const now = ctx.clock.now();
  const organizationId = access.organizationId;
  return withTenant(ctx.db, organizationId, async (tx) => {
    const org = await lockOrganization(tx, organizationId);
    await assertMayAdd(tx, organizationId, "assistants", await countAssistants(tx, organizationId));
    const [created] = await tx
      .insert(assistants)
      .values({
        organizationId,
        id: newId("ast"),
        name: input.name,
        templateSlug: template?.slug ?? null,
        templateVersion: template?.version ?? null,
        variables,
        customPrompt: template ? null : (input.customPrompt ?? null),
        ...settingsWithDefaults(input, template, org.timezone),
        createdBy: actorUserId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!created) throw new Error("assistant insert returned nothing");
    await recordAudit(
      tx,
      {
        action: "assistant.created",
        organizationId,
        actorUserId,
        targetType: "assistant",
        targetId: created.id,
        metadata: { name: created.name, templateSlug: created.templateSlug, templateVersion: created.templateVersion },
      },
      meta,
      now,
    );
    return toAssistantView(created);
  });
}

/** The template version a patch is validated against, or null when the patch touches no variables. */
async function templateForPatch(ctx: AppContext, current: AssistantRow, patch: UpdateAssistantInput): Promise<StoredTemplate | null> {
  if (current.templateSlug === null || current.templateVersion === null) return null;
  if (patch.upgradeTemplate) return getTemplate(ctx, current.templateSlug);
  if (patch.variables !== undefined) return getTemplate(ctx, current.templateSlug, current.templateVersion);
  return null;
}

const MAX_UPDATE_ATTEMPTS = 3;

export async function updateAssistant(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  assistantId: string,
  patch: UpdateAssistantInput,
  meta: RequestMeta,
): Promise<AssistantView> {
  const organizationId = access.organizationId;
  const needsTemplate = patch.upgradeTemplate === true || patch.variables !== undefined;
  // The template is read before the write transaction (templates are immutable per version); if a
  // concurrent update moved the assistant to another version meanwhile, read again.
  for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
    const snapshot = needsTemplate ? await withTenant(ctx.db, organizationId, (tx) => findAssistant(tx, organizationId, assistantId)) : null;
    const template = snapshot ? await templateForPatch(ctx, snapshot, patch) : null;
    const now = ctx.clock.now();
    const result = await withTenant(ctx.db, organizationId, async (tx) => {
      const current = await findAssistant(tx, organizationId, assistantId, { forUpdate: true });
      if (snapshot && snapshot.templateVersion !== current.templateVersion) return null;
      const changes = changesOf(current, patch, template);
      const changedFields = Object.keys(changes).filter((key) => key !== "templateVersion" || changes.templateVersion !== current.templateVersion);
      if (changedFields.length === 0) return toAssistantView(current);
      const [updated] = await tx
        .update(assistants)
        .set({ ...changes, updatedAt: now })
        .where(and(eq(assistants.organizationId, organizationId), eq(assistants.id, assistantId)))
        .returning();
      if (!updated) throw new NotFound("Assistant");
      await recordAudit(
        tx,
        {
          action: "assistant.updated",
          organizationId,
          actorUserId,
          targetType: "assistant",
          targetId: assistantId,
          metadata: {
            fields: changedFields,
            ...(changes.status && changes.status !== current.status ? { status: { from: current.status, to: changes.status } } : {}),
            ...(updated.templateVersion !== current.templateVersion ? { templateVersion: { from: current.templateVersion, to: updated.templateVersion } } : {}),
          },
        },
        meta,
        now,
      );
      return toAssistantView(updated);
    });
    if (result) return result;
  }
  throw new Error(`assistant ${assistantId} kept changing template version during an update`);
}

/** The columns a patch sets, after checking it fits the assistant (template-built or custom). */
function changesOf(current: AssistantRow, patch: UpdateAssistantInput, template: StoredTemplate | null): Partial<AssistantRow> {
  const fromTemplate = current.templateSlug !== null;
  const errors: FieldError[] = [];
  if (patch.customPrompt != null && fromTemplate) {
    errors.push({
      path: "body.customPrompt",
      message: `This assistant is built from the "${current.templateSlug}" template: change its variables, or create a custom assistant.`,
    });
  }
  if (patch.upgradeTemplate && !fromTemplate) errors.push({ path: "body.upgradeTemplate", message: "A custom assistant has no template to upgrade." });
  if (errors.length > 0) throw new Invalid("VALIDATION_FAILED", errors.map((e) => e.message).join(" "), errors);

  const { upgradeTemplate: _upgrade, variables: newValues, ...settings } = patch;
  const changes = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined && value !== null)) as Partial<AssistantRow>;
  // firstMessage: null is a value (use the template's greeting); customPrompt: null is not.
  if (settings.firstMessage === null) changes.firstMessage = null;
  if (template) {
    changes.variables = validVariables(template.definition.variables, newValues ?? current.variables, "body.variables");
    changes.templateVersion = template.version;
  } else if (newValues !== undefined) {
    changes.variables = validVariables([], newValues, "body.variables");
  }
  return changes;
}

export async function deleteAssistant(ctx: AppContext, access: OrgAccess, actorUserId: string, assistantId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  const organizationId = access.organizationId;
  await withTenant(ctx.db, organizationId, async (tx) => {
    // Knowledge sources scoped to the assistant (and their contents and chunks) go with it: ON DELETE CASCADE.
    const [deleted] = await tx
      .delete(assistants)
      .where(and(eq(assistants.organizationId, organizationId), eq(assistants.id, assistantId)))
      .returning({ id: assistants.id, name: assistants.name });
    if (!deleted) throw new NotFound("Assistant");
    await recordAudit(
      tx,
      { action: "assistant.deleted", organizationId, actorUserId, targetType: "assistant", targetId: deleted.id, metadata: { name: deleted.name } },
      meta,
      now,
    );
  });
}

/** "<name> (copy)", shortening the name so the result still fits. */
function copyName(name: string): string {
  let base = name.slice(0, MAX_ASSISTANT_NAME_LENGTH - COPY_SUFFIX.length);
  if (!base.isWellFormed()) base = base.slice(0, -1); // the cut fell inside a surrogate pair
  return `${base.trimEnd()}${COPY_SUFFIX}`;
}

/** A draft copy of an assistant (its settings, template version and values; not its knowledge sources). */
export async function duplicateAssistant(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  assistantId: string,
  meta: RequestMeta,
): Promise<AssistantView> {
  const now = ctx.clock.now();
  const organizationId = access.organizationId;
  return withTenant(ctx.db, organizationId, async (tx) => {
    await lockOrganization(tx, organizationId);
    const source = await findAssistant(tx, organizationId, assistantId);
    await assertMayAdd(tx, organizationId, "assistants", await countAssistants(tx, organizationId));
    const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, createdBy: _createdBy, ...copied } = source;
    const [created] = await tx
      .insert(assistants)
      .values({ ...copied, id: newId("ast"), name: copyName(source.name), status: "draft", createdBy: actorUserId, createdAt: now, updatedAt: now })
      .returning();
    if (!created) throw new Error("assistant insert returned nothing");
    await recordAudit(
      tx,
      {
        action: "assistant.duplicated",
        organizationId,
        actorUserId,
        targetType: "assistant",
        targetId: created.id,
        metadata: { sourceId: source.id, name: created.name },
      },
      meta,
      now,
    );
    return toAssistantView(created);
  });
}
