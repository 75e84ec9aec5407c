// Phone numbers of an organization: search a vendor's available numbers, provision within the
// plan's limit (a number bought through Twilio is imported into Vapi, so its calls reach our server
// URL), route calls to assistants, release; and the customer's own Twilio accounts, whose auth
// token is stored encrypted and never returned.
import { and, count, desc, eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/client.js";
import { isUniqueViolation } from "../../db/errors.js";
import { newId } from "../../db/ids.js";
import { asPlatformWithin, withPlatform, withTenant } from "../../db/transaction.js";
import { Conflict, type DomainError, Invalid, NotFound } from "../../errors.js";
import type { OrgAccess } from "../../http/env.js";
import type { RequestMeta } from "../../http/request-meta.js";
import { findAssistant } from "../assistants/service.js";
import { recordAudit } from "../audit/service.js";
import { organizations } from "../organizations/schema.js";
import { assertMayAdd } from "../plans/service.js";
import { decryptSecret, encryptSecret } from "./encryption.js";
import { forgetResolvedNumbers, isPlatformNumber, numbersInDirectory, type ResolvedNumber } from "./lookup.js";
import { type AvailableNumber, type NumberProvider, type ProvisionedNumber, type TwilioAccount, VendorRejected, VendorUnavailable } from "./providers.js";
import { sandboxProvider } from "./sandbox-provider.js";
import { type PhoneProvider, phoneNumberDirectory, phoneNumbers, providerCredentials, type Routing, type VapiStatus } from "./schema.js";
import { twilioProvider } from "./twilio-provider.js";
import { deleteVapiPhoneNumber, importTwilioNumberIntoVapi, vapiProvider } from "./vapi-provider.js";

const SEARCH_LIMIT = 20;

type PhoneNumberRow = typeof phoneNumbers.$inferSelect;
type CredentialsRow = typeof providerCredentials.$inferSelect;

export type PhoneNumberView = {
  id: string;
  number: string;
  provider: PhoneProvider;
  label: string | null;
  status: "active" | "released";
  routing: Routing;
  credentialsId: string | null;
  vapiStatus: VapiStatus;
  createdAt: string;
  updatedAt: string;
  releasedAt: string | null;
};

export type CredentialsView = { id: string; provider: "twilio"; accountSidMasked: string; label: string | null; createdAt: string };

function toView(row: PhoneNumberRow): PhoneNumberView {
  return {
    id: row.id,
    number: row.number,
    provider: row.provider,
    label: row.label,
    status: row.status,
    routing: row.routing,
    credentialsId: row.credentialsId,
    vapiStatus: row.vapiStatus,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    releasedAt: row.releasedAt?.toISOString() ?? null,
  };
}

/** "AC12…cdef": enough to recognize an account, not to use it. */
function maskAccountSid(accountSid: string): string {
  return `${accountSid.slice(0, 4)}…${accountSid.slice(-4)}`;
}

function toCredentialsView(row: CredentialsRow): CredentialsView {
  return { id: row.id, provider: row.provider, accountSidMasked: maskAccountSid(row.accountId), label: row.label, createdAt: row.createdAt.toISOString() };
}

/** The ciphertext is bound to its organization and row. */
const credentialsAad = (row: { organizationId: string; id: string }) => `provider_credentials:${row.organizationId}:${row.id}`;

function accountOf(ctx: AppContext, row: CredentialsRow): TwilioAccount {
  return { accountSid: row.accountId, authToken: decryptSecret(ctx.secretsKey, row.secretEncrypted, credentialsAad(row)) };
}

/** The platform's own Twilio account, when configured. */
function platformTwilioAccount(ctx: AppContext): TwilioAccount | null {
  const { accountSid, authToken } = ctx.config.twilio;
  return accountSid && authToken ? { accountSid, authToken } : null;
}

async function credentialsNamedInBody(ctx: AppContext, tx: Db, organizationId: string, credentialsId: string, path: string): Promise<TwilioAccount> {
  const [row] = await tx
    .select()
    .from(providerCredentials)
    .where(and(eq(providerCredentials.organizationId, organizationId), eq(providerCredentials.id, credentialsId)));
  if (!row) throw new Invalid("VALIDATION_FAILED", "No such provider credentials in this organization.", [{ path, message: "Unknown credentials id." }]);
  return accountOf(ctx, row);
}

function notConfigured(provider: string): Invalid {
  return new Invalid(
    "PROVIDER_NOT_CONFIGURED",
    `${provider} is not configured on this platform; use the sandbox provider, or add your own Twilio credentials.`,
    [{ path: "provider", message: `${provider} is not configured.` }],
  );
}

/** The adapter for a provider; `account` is a customer's own Twilio account, if they chose one. */
function providerFor(ctx: AppContext, provider: PhoneProvider, account: TwilioAccount | null): NumberProvider {
  if (provider === "sandbox") {
    if (account)
      throw new Invalid("VALIDATION_FAILED", "Sandbox numbers take no credentials.", [{ path: "credentialsId", message: "Leave it out for sandbox numbers." }]);
    return sandboxProvider((numbers) => numbersInDirectory(ctx, numbers));
  }
  if (provider === "twilio") {
    const twilioAccount = account ?? platformTwilioAccount(ctx);
    if (!twilioAccount) throw notConfigured("Twilio");
    return twilioProvider(ctx.config, twilioAccount);
  }
  if (!ctx.config.vapi.apiKey) throw notConfigured("Vapi");
  return vapiProvider(ctx.config, ctx.config.vapi.apiKey, account);
}

export async function listPhoneNumbers(ctx: AppContext, access: OrgAccess): Promise<PhoneNumberView[]> {
  const rows = await withTenant(ctx.db, access.organizationId, (tx) =>
    tx
      .select()
      .from(phoneNumbers)
      .where(eq(phoneNumbers.organizationId, access.organizationId))
      // phone_numbers_org_created_idx serves this order.
      .orderBy(desc(phoneNumbers.createdAt), desc(phoneNumbers.id)),
  );
  return rows.map(toView);
}

export type SearchInput = { provider: PhoneProvider; country: string; areaCode?: string | undefined; credentialsId?: string | undefined };

export async function searchAvailableNumbers(ctx: AppContext, access: OrgAccess, input: SearchInput): Promise<AvailableNumber[]> {
  const account = input.credentialsId
    ? await withTenant(ctx.db, access.organizationId, (tx) =>
        credentialsNamedInBody(ctx, tx, access.organizationId, input.credentialsId as string, "query.credentialsId"),
      )
    : null;
  return providerFor(ctx, input.provider, account).search({ country: input.country, areaCode: input.areaCode, limit: SEARCH_LIMIT });
}

async function assertAssistantExists(tx: Db, organizationId: string, assistantId: string, path: string): Promise<void> {
  try {
    await findAssistant(tx, organizationId, assistantId);
  } catch (error) {
    if (error instanceof NotFound) throw new Invalid("VALIDATION_FAILED", "No such assistant in this organization.", [{ path, message: "Unknown assistant." }]);
    throw error;
  }
}

/** Every assistant a routing names must be one of the organization's; a forward must not loop back to us. */
async function assertRoutingValid(ctx: AppContext, tx: Db, organizationId: string, routing: Routing, path: string): Promise<void> {
  const named: [string, string][] = [];
  if (routing.openAssistantId) named.push([routing.openAssistantId, `${path}.openAssistantId`]);
  if (routing.afterHours.mode === "assistant") named.push([routing.afterHours.assistantId, `${path}.afterHours.assistantId`]);
  for (const [assistantId, fieldPath] of named) await assertAssistantExists(tx, organizationId, assistantId, fieldPath);
  if (routing.afterHours.mode === "forward" && (await isPlatformNumber(ctx, routing.afterHours.forwardTo))) {
    const message = "Forward to the business's own phone, not to one of our numbers (the call would loop).";
    throw new Invalid("VALIDATION_FAILED", message, [{ path: `${path}.afterHours.forwardTo`, message }]);
  }
}

export type ProvisionInput = {
  provider: PhoneProvider;
  country: string;
  number?: string | undefined;
  areaCode?: string | undefined;
  label?: string | undefined;
  assistantId?: string | undefined;
  credentialsId?: string | undefined;
};

/** The Vapi import of a just-bought Twilio number failed; the purchase is undone before the user hears of it. */
class VapiImportFailed extends Error {
  constructor(readonly vendorError: unknown) {
    super("Vapi did not import the number");
  }
}

type Purchase = { provider?: NumberProvider; number?: ProvisionedNumber; importedVapiPhoneNumberId?: string };

/** Undoes a purchase whose provisioning failed: out of Vapi, then released at the vendor. True when nothing is left behind. */
async function undoPurchase(ctx: AppContext, bought: Purchase): Promise<boolean> {
  let clean = true;
  const apiKey = ctx.config.vapi.apiKey;
  if (bought.importedVapiPhoneNumberId && apiKey) {
    await deleteVapiPhoneNumber(ctx.config, apiKey, bought.importedVapiPhoneNumberId).catch((error: unknown) => {
      clean = false;
      ctx.logger.error(
        { err: error, vapiPhoneNumberId: bought.importedVapiPhoneNumberId },
        "a number imported into Vapi for a failed provisioning could not be deleted there",
      );
    });
  }
  if (bought.provider && bought.number) {
    const { provider, number } = bought;
    await provider.release(number).catch((releaseError: unknown) => {
      clean = false;
      ctx.logger.error(
        { err: releaseError, number: number.number, provider: provider.name },
        "a number bought for a failed provisioning could not be released; release it by hand",
      );
    });
  }
  return clean;
}

/** What the user hears when Vapi would not take a number just bought at Twilio. */
function vapiImportProblem(vendorError: unknown, number: string, released: boolean): DomainError {
  const aftermath = released
    ? `The number was released at Twilio again, so nothing was bought.`
    : `Releasing it at Twilio failed as well; it is logged for the platform's operators to release.`;
  if (vendorError instanceof VendorRejected) {
    return new VendorRejected(
      "Vapi",
      vendorError.reason,
      `Vapi refused to take ${number} (${vendorError.reason}), so its calls could not reach your assistants. ${aftermath}`,
    );
  }
  return new VendorUnavailable("Vapi", `Vapi did not answer while connecting ${number} to your assistants. ${aftermath} Try again in a minute.`);
}

/**
 * One transaction holds the organization's row locked from the limit check through the vendor
 * purchase to the inserts, so concurrent provisions run one at a time and never buy past the plan.
 * The directory row is written in that same transaction under the platform role (asPlatformWithin),
 * so the number and its directory entry commit together. A number bought through Twilio is imported
 * into Vapi in the same transaction (skipped, with vapiStatus not_configured, when the platform has
 * no Vapi key). A number bought at the vendor whose transaction then fails, including a failed Vapi
 * import, is deleted at Vapi and released at the vendor again, so no one pays for an orphan.
 */
export async function provisionPhoneNumber(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  input: ProvisionInput,
  meta: RequestMeta,
): Promise<PhoneNumberView> {
  const organizationId = access.organizationId;
  const bought: Purchase = {};
  try {
    const view = await withTenant(ctx.db, organizationId, async (tx) => {
      const [org] = await tx
        .select({ id: organizations.id, settings: organizations.settings })
        .from(organizations)
        .where(eq(organizations.id, organizationId))
        .for("update");
      if (!org) throw new NotFound("Organization");
      if (org.settings.sandboxMode && input.provider !== "sandbox") {
        throw new Conflict(
          "SANDBOX_MODE_ON",
          "Sandbox mode is on: only sandbox numbers can be provisioned. Turn sandbox mode off in Settings to get a real number.",
        );
      }
      const [active] = await tx
        .select({ value: count() })
        .from(phoneNumbers)
        .where(and(eq(phoneNumbers.organizationId, organizationId), eq(phoneNumbers.status, "active")));
      await assertMayAdd(tx, organizationId, "phoneNumbers", active?.value ?? 0);

      const routing: Routing = { openAssistantId: input.assistantId ?? null, afterHours: { mode: "same_assistant" } };
      if (input.assistantId) await assertAssistantExists(tx, organizationId, input.assistantId, "body.assistantId");
      const account = input.credentialsId ? await credentialsNamedInBody(ctx, tx, organizationId, input.credentialsId, "body.credentialsId") : null;
      const provider = providerFor(ctx, input.provider, account);
      if (input.number && (await numbersInDirectory(ctx, [input.number])).size > 0) {
        throw new Conflict("NUMBER_UNAVAILABLE", "That number is already in use on this platform; search again.");
      }

      bought.provider = provider;
      bought.number = await provider.provision({ number: input.number, areaCode: input.areaCode, country: input.country, label: input.label });
      const provisioned = bought.number;

      let vapiPhoneNumberId = provisioned.vapiPhoneNumberId ?? null;
      let vapiStatus: VapiStatus = input.provider === "sandbox" ? "not_applicable" : "connected";
      if (input.provider === "twilio") {
        const apiKey = ctx.config.vapi.apiKey;
        const twilioAccount = account ?? platformTwilioAccount(ctx);
        if (!apiKey || !twilioAccount) vapiStatus = "not_configured";
        else {
          try {
            const imported = await importTwilioNumberIntoVapi(ctx.config, apiKey, twilioAccount, provisioned.number, input.label);
            bought.importedVapiPhoneNumberId = imported.id;
            vapiPhoneNumberId = imported.id;
          } catch (error) {
            throw new VapiImportFailed(error);
          }
        }
      }

      const now = ctx.clock.now();
      const id = newId("pn");
      const [row] = await tx
        .insert(phoneNumbers)
        .values({
          organizationId,
          id,
          number: provisioned.number,
          provider: input.provider,
          providerNumberId: provisioned.providerNumberId,
          vapiPhoneNumberId,
          vapiStatus,
          credentialsId: input.credentialsId ?? null,
          label: input.label ?? null,
          routing,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      try {
        await asPlatformWithin(tx, (platformTx) =>
          platformTx.insert(phoneNumberDirectory).values({
            number: provisioned.number,
            provider: input.provider,
            providerNumberId: provisioned.providerNumberId,
            vapiPhoneNumberId,
            organizationId,
            phoneNumberId: id,
            createdAt: now,
          }),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new Conflict("NUMBER_UNAVAILABLE", "That number was just taken on this platform; search again.");
        throw error;
      }
      await recordAudit(
        tx,
        {
          action: "phone_number.provisioned",
          organizationId,
          actorUserId,
          targetType: "phone_number",
          targetId: id,
          metadata: { number: provisioned.number, provider: input.provider, vapiStatus },
        },
        meta,
        now,
      );
      return toView(row as PhoneNumberRow);
    });
    forgetResolvedNumbers(ctx);
    return view;
  } catch (error) {
    const clean = await undoPurchase(ctx, bought);
    if (error instanceof VapiImportFailed) throw vapiImportProblem(error.vendorError, bought.number?.number ?? "the number", clean);
    throw error;
  }
}

async function findPhoneNumber(tx: Db, organizationId: string, phoneNumberId: string, options: { activeOnly?: boolean; forUpdate?: boolean } = {}) {
  const query = tx
    .select()
    .from(phoneNumbers)
    .where(
      and(
        eq(phoneNumbers.organizationId, organizationId),
        eq(phoneNumbers.id, phoneNumberId),
        options.activeOnly ? eq(phoneNumbers.status, "active") : undefined,
      ),
    );
  const [row] = options.forUpdate ? await query.for("update") : await query;
  if (!row) throw new NotFound("Phone number");
  return row;
}

export async function getPhoneNumber(ctx: AppContext, access: OrgAccess, phoneNumberId: string): Promise<PhoneNumberView> {
  return toView(await withTenant(ctx.db, access.organizationId, (tx) => findPhoneNumber(tx, access.organizationId, phoneNumberId)));
}

export type PhoneNumberPatch = { label?: string | null | undefined; routing?: Routing | undefined };

export async function updatePhoneNumber(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  phoneNumberId: string,
  patch: PhoneNumberPatch,
  meta: RequestMeta,
): Promise<PhoneNumberView> {
  const organizationId = access.organizationId;
  const view = await withTenant(ctx.db, organizationId, async (tx) => {
    await findPhoneNumber(tx, organizationId, phoneNumberId, { activeOnly: true, forUpdate: true });
    if (patch.routing) await assertRoutingValid(ctx, tx, organizationId, patch.routing, "body.routing");
    const now = ctx.clock.now();
    const [row] = await tx
      .update(phoneNumbers)
      .set({ ...(patch.label !== undefined ? { label: patch.label } : {}), ...(patch.routing ? { routing: patch.routing } : {}), updatedAt: now })
      .where(and(eq(phoneNumbers.organizationId, organizationId), eq(phoneNumbers.id, phoneNumberId)))
      .returning();
    await recordAudit(
      tx,
      {
        action: "phone_number.updated",
        organizationId,
        actorUserId,
        targetType: "phone_number",
        targetId: phoneNumberId,
        metadata: { fields: Object.keys(patch) },
      },
      meta,
      now,
    );
    return toView(row as PhoneNumberRow);
  });
  forgetResolvedNumbers(ctx);
  return view;
}

/**
 * Deletes the number at Vapi and releases it at the vendor first (a vendor failure changes nothing
 * here and a repeated release is harmless there: both treat "already gone" as done), then marks the
 * number released and removes its directory row together.
 */
export async function releasePhoneNumber(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  phoneNumberId: string,
  meta: RequestMeta,
): Promise<PhoneNumberView> {
  const organizationId = access.organizationId;
  const { row, provider } = await withTenant(ctx.db, organizationId, async (tx) => {
    const found = await findPhoneNumber(tx, organizationId, phoneNumberId, { activeOnly: true });
    const account = found.credentialsId ? await credentialsNamedInBody(ctx, tx, organizationId, found.credentialsId, "credentialsId") : null;
    return { row: found, provider: providerFor(ctx, found.provider, account) };
  });
  // A Vapi number's provider deletes it at Vapi; a Twilio number imported into Vapi leaves Vapi first.
  if (row.provider === "twilio" && row.vapiPhoneNumberId) {
    const apiKey = ctx.config.vapi.apiKey;
    if (apiKey) await deleteVapiPhoneNumber(ctx.config, apiKey, row.vapiPhoneNumberId);
    else ctx.logger.warn({ phoneNumberId, vapiPhoneNumberId: row.vapiPhoneNumberId }, "Vapi is no longer configured: the released number stays in Vapi");
  }
  await provider.release({ number: row.number, providerNumberId: row.providerNumberId });

  const view = await withTenant(ctx.db, organizationId, async (tx) => {
    const now = ctx.clock.now();
    const [released] = await tx
      .update(phoneNumbers)
      .set({ status: "released", releasedAt: now, updatedAt: now })
      .where(and(eq(phoneNumbers.organizationId, organizationId), eq(phoneNumbers.id, phoneNumberId), eq(phoneNumbers.status, "active")))
      .returning();
    if (!released) throw new NotFound("Phone number");
    await asPlatformWithin(tx, (platformTx) =>
      platformTx
        .delete(phoneNumberDirectory)
        .where(and(eq(phoneNumberDirectory.organizationId, organizationId), eq(phoneNumberDirectory.phoneNumberId, phoneNumberId))),
    );
    await recordAudit(
      tx,
      { action: "phone_number.released", organizationId, actorUserId, targetType: "phone_number", targetId: phoneNumberId, metadata: { number: row.number } },
      meta,
      now,
    );
    return toView(released);
  });
  forgetResolvedNumbers(ctx);
  return view;
}

export type CredentialsInput = { provider: "twilio"; accountSid: string; authToken: string; label?: string | undefined };

export async function addProviderCredentials(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  input: CredentialsInput,
  meta: RequestMeta,
): Promise<CredentialsView> {
  const organizationId = access.organizationId;
  return withTenant(ctx.db, organizationId, async (tx) => {
    const id = newId("pcred");
    const now = ctx.clock.now();
    const [row] = await tx
      .insert(providerCredentials)
      .values({
        organizationId,
        id,
        provider: input.provider,
        accountId: input.accountSid,
        secretEncrypted: encryptSecret(ctx.secretsKey, input.authToken, credentialsAad({ organizationId, id })),
        label: input.label ?? null,
        createdAt: now,
      })
      .returning();
    await recordAudit(
      tx,
      {
        action: "provider_credentials.added",
        organizationId,
        actorUserId,
        targetType: "provider_credentials",
        targetId: id,
        metadata: { provider: input.provider },
      },
      meta,
      now,
    );
    return toCredentialsView(row as CredentialsRow);
  });
}

export async function listProviderCredentials(ctx: AppContext, access: OrgAccess): Promise<CredentialsView[]> {
  const rows = await withTenant(ctx.db, access.organizationId, (tx) =>
    tx.select().from(providerCredentials).where(eq(providerCredentials.organizationId, access.organizationId)).orderBy(desc(providerCredentials.createdAt)),
  );
  return rows.map(toCredentialsView);
}

export async function deleteProviderCredentials(
  ctx: AppContext,
  access: OrgAccess,
  actorUserId: string,
  credentialsId: string,
  meta: RequestMeta,
): Promise<void> {
  const organizationId = access.organizationId;
  await withTenant(ctx.db, organizationId, async (tx) => {
    const [row] = await tx
      .select({ id: providerCredentials.id })
      .from(providerCredentials)
      .where(and(eq(providerCredentials.organizationId, organizationId), eq(providerCredentials.id, credentialsId)))
      .for("update");
    if (!row) throw new NotFound("Provider credentials");
    const [inUse] = await tx
      .select({ value: count() })
      .from(phoneNumbers)
      .where(and(eq(phoneNumbers.organizationId, organizationId), eq(phoneNumbers.credentialsId, credentialsId), eq(phoneNumbers.status, "active")));
    if ((inUse?.value ?? 0) > 0) throw new Conflict("CREDENTIALS_IN_USE", "Numbers still use these credentials; release them first.");
    await tx.delete(providerCredentials).where(and(eq(providerCredentials.organizationId, organizationId), eq(providerCredentials.id, credentialsId)));
    await recordAudit(
      tx,
      { action: "provider_credentials.deleted", organizationId, actorUserId, targetType: "provider_credentials", targetId: credentialsId },
      meta,
      ctx.clock.now(),
    );
  });
}

/** The Twilio account a number lives in (the customer's own, decrypted, or the platform's): for checking its webhooks' signatures. */
export async function twilioAccountOfNumber(ctx: AppContext, resolved: ResolvedNumber | null): Promise<TwilioAccount | null> {
  if (!resolved?.credentialsId) return platformTwilioAccount(ctx);
  const credentialsId = resolved.credentialsId;
  const [row] = await withPlatform(ctx.db, (tx) =>
    tx
      .select()
      .from(providerCredentials)
      .where(and(eq(providerCredentials.organizationId, resolved.organizationId), eq(providerCredentials.id, credentialsId))),
  );
  return row ? accountOf(ctx, row) : null;
}
