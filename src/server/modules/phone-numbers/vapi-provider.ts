// Vapi through its official SDK: a free Vapi number in an area code, or a Twilio number imported
// into Vapi (a customer's existing one, or one just bought through the Twilio provider). Either way
// the number has no fixed assistant and its server URL is our /webhooks/vapi, so every call starts
// with an assistant-request that we answer.
import { VapiClient } from "@vapi-ai/server-sdk";
import type { Config } from "../../config.js";
import { Invalid } from "../../errors.js";
import { callVendor, type NumberProvider, type ProvisionedNumber, type ProvisionRequest, type TwilioAccount, VENDOR_TIMEOUT_MS } from "./providers.js";

export const VAPI_WEBHOOK_PATH = "/webhooks/vapi";

export function vapiClient(config: Config, apiKey: string) {
  return new VapiClient({ token: apiKey, baseUrl: config.vapi.baseUrl, timeoutInSeconds: VENDOR_TIMEOUT_MS / 1000, maxRetries: 0 });
}

/** Where Vapi sends the number's server messages; the legacy X-Vapi-Secret header when one is configured. */
function serverOf(config: Config) {
  return {
    url: `${config.appUrl}${VAPI_WEBHOOK_PATH}`,
    ...(config.vapi.webhookSecret ? { headers: { "X-Vapi-Secret": config.vapi.webhookSecret } } : {}),
  };
}

/**
 * Imports a number of a Twilio account into Vapi and returns Vapi's id for it. Vapi checks the number
 * with the account's credentials and points its voice URL at Vapi itself; `smsEnabled: false` keeps
 * the number's messaging URL as it is (Vapi would take it over by default).
 */
export async function importTwilioNumberIntoVapi(
  config: Config,
  apiKey: string,
  account: TwilioAccount,
  number: string,
  label?: string | undefined,
): Promise<{ id: string; number: string }> {
  const name = label?.slice(0, 40);
  const imported = await callVendor("Vapi", () =>
    vapiClient(config, apiKey).phoneNumbers.create({
      provider: "twilio",
      number,
      twilioAccountSid: account.accountSid,
      twilioAuthToken: account.authToken,
      smsEnabled: false,
      server: serverOf(config),
      ...(name ? { name } : {}),
    }),
  );
  return { id: imported.id, number: imported.number ?? number };
}

/** Deletes a number at Vapi; one already gone there counts as deleted. */
export async function deleteVapiPhoneNumber(config: Config, apiKey: string, id: string): Promise<void> {
  const client = vapiClient(config, apiKey);
  await callVendor("Vapi", async () => {
    try {
      await client.phoneNumbers.delete({ id });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  });
}

/** `importFrom`: a Twilio account whose number is imported instead of taking a Vapi number. */
export function vapiProvider(config: Config, apiKey: string, importFrom: TwilioAccount | null): NumberProvider {
  const client = vapiClient(config, apiKey);
  return {
    name: "vapi",
    async search() {
      throw new Invalid(
        "VALIDATION_FAILED",
        "Vapi picks its free numbers itself: provision with an areaCode, or search with provider twilio and import the number with your own Twilio credentials.",
        [{ path: "query.provider", message: "Vapi numbers cannot be searched." }],
      );
    },
    async provision(request: ProvisionRequest): Promise<ProvisionedNumber> {
      const name = request.label?.slice(0, 40);
      if (importFrom) {
        if (!request.number) {
          throw new Invalid("VALIDATION_FAILED", "To import a Twilio number into Vapi, send the number (E.164).", [
            { path: "body.number", message: "Required when importing." },
          ]);
        }
        const imported = await importTwilioNumberIntoVapi(config, apiKey, importFrom, request.number, request.label);
        return { number: imported.number, providerNumberId: imported.id, vapiPhoneNumberId: imported.id };
      }
      if (request.country !== "US") {
        throw new Invalid("VALIDATION_FAILED", "Vapi's own numbers are US numbers.", [{ path: "body.country", message: "Use US, or import a Twilio number." }]);
      }
      const created = await callVendor("Vapi", () =>
        client.phoneNumbers.create({
          provider: "vapi",
          ...(request.areaCode ? { numberDesiredAreaCode: request.areaCode } : {}),
          server: serverOf(config),
          ...(name ? { name } : {}),
        }),
      );
      if (!created.number) throw new Invalid("NUMBER_UNAVAILABLE", "Vapi created the number without assigning digits yet; try again.");
      return { number: created.number, providerNumberId: created.id, vapiPhoneNumberId: created.id };
    },
    async release(number: ProvisionedNumber) {
      if (number.providerNumberId) await deleteVapiPhoneNumber(config, apiKey, number.providerNumberId);
    },
  };
}
