// Twilio through its official SDK: search local numbers, buy one pointed at our voice and status
// webhooks, re-point it, release it. The platform's account comes from configuration; a customer
// may bring their own. TWILIO_API_BASE_URL sends the SDK's requests elsewhere (tests' stand-in).
import twilio from "twilio";
import type TwilioRequestClient from "twilio/lib/base/RequestClient.js";
import type { Config } from "../../config.js";
import {
  callVendor,
  type NumberProvider,
  type NumberSearch,
  type ProvisionedNumber,
  type ProvisionRequest,
  type TwilioAccount,
  VENDOR_TIMEOUT_MS,
} from "./providers.js";

export const TWILIO_VOICE_WEBHOOK_PATH = "/webhooks/twilio/voice";
export const TWILIO_STATUS_WEBHOOK_PATH = "/webhooks/twilio/status";

/**
 * The SDK builds absolute https://api.twilio.com/… URLs and offers no base-URL option (only
 * region/edge, which rename the host); a custom httpClient is its documented extension point, so
 * this one moves each request's origin to the configured base URL and keeps the path and query.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    options: TwilioRequestClient.RequestClientOptions,
  ) {
    super(options);
  }

  override request<TData>(opts: TwilioRequestClient.RequestOptions<TData>) {
    const original = new URL(opts.uri);
    const rebased = new URL(`${original.pathname}${original.search}`, this.baseUrl);
    return super.request<TData>({ ...opts, uri: rebased.href });
  }
}

export function twilioClient(config: Config, account: TwilioAccount) {
  const requestOptions = { timeout: VENDOR_TIMEOUT_MS, autoRetry: false };
  const httpClient = config.twilio.apiBaseUrl ? new RebasedRequestClient(config.twilio.apiBaseUrl, requestOptions) : new twilio.RequestClient(requestOptions);
  return twilio(account.accountSid, account.authToken, { httpClient, autoRetry: false });
}

export function twilioWebhookUrls(config: Config) {
  return { voiceUrl: `${config.appUrl}${TWILIO_VOICE_WEBHOOK_PATH}`, statusCallback: `${config.appUrl}${TWILIO_STATUS_WEBHOOK_PATH}` };
}

export function twilioProvider(config: Config, account: TwilioAccount): NumberProvider {
  const client = twilioClient(config, account);
  const { voiceUrl, statusCallback } = twilioWebhookUrls(config);
  return {
    name: "twilio",
    async search(query: NumberSearch) {
      const found = await callVendor("Twilio", () =>
        client.availablePhoneNumbers(query.country).local.list({
          ...(query.areaCode ? { areaCode: Number(query.areaCode) } : {}),
          voiceEnabled: true,
          limit: query.limit,
        }),
      );
      return found.map((n) => ({ number: n.phoneNumber, locality: n.locality || null, region: n.region || null, country: n.isoCountry }));
    },
    async provision(request: ProvisionRequest): Promise<ProvisionedNumber> {
      const bought = await callVendor("Twilio", () =>
        client.incomingPhoneNumbers.create({
          ...(request.number ? { phoneNumber: request.number } : { areaCode: request.areaCode }),
          voiceUrl,
          voiceMethod: "POST",
          statusCallback,
          statusCallbackMethod: "POST",
          ...(request.label ? { friendlyName: request.label } : {}),
        }),
      );
      return { number: bought.phoneNumber, providerNumberId: bought.sid };
    },
    async release(number: ProvisionedNumber) {
      if (!number.providerNumberId) return;
      const sid = number.providerNumberId;
      await callVendor("Twilio", async () => {
        try {
          await client.incomingPhoneNumbers(sid).remove();
        } catch (error) {
          // Already gone at Twilio (released in its console): the release still succeeds here.
          if ((error as { status?: number }).status !== 404) throw error;
        }
      });
    },
  };
}
