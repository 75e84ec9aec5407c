// Phone numbers on the client: the organization's numbers, the providers' available numbers,
// provisioning, routing and release, the organization's own Twilio accounts, and sandbox test calls.
import { queryOptions } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

type Schemas = components["schemas"];

export type PhoneNumber = Schemas["PhoneNumber"];
export type PhoneProvider = Schemas["PhoneProvider"];
export type PhoneNumberRouting = Schemas["PhoneNumberRouting"];
export type AfterHoursRouting = PhoneNumberRouting["afterHours"];
export type AvailablePhoneNumber = Schemas["AvailablePhoneNumber"];
export type PhoneNumberProvision = Schemas["PhoneNumberProvision"];
export type ProviderCredentials = Schemas["ProviderCredentials"];

export const PROVIDER_LABELS: Record<PhoneProvider, string> = { sandbox: "Sandbox", twilio: "Twilio", vapi: "Vapi" };

export const phoneNumberKeys = {
  all: (orgId: string) => ["organizations", orgId, "phone-numbers"] as const,
  available: (orgId: string, provider: PhoneProvider, areaCode: string, credentialsId: string) =>
    ["organizations", orgId, "phone-numbers", "available", provider, areaCode, credentialsId] as const,
  credentials: (orgId: string) => ["organizations", orgId, "provider-credentials"] as const,
};

export const phoneNumbersQuery = (orgId: string) =>
  queryOptions({
    queryKey: phoneNumberKeys.all(orgId),
    queryFn: async () => (await unwrap(api.GET("/api/v1/orgs/{orgId}/phone-numbers", { params: { path: { orgId } } }))).items,
  });

export const availableNumbersQuery = (orgId: string, provider: PhoneProvider, areaCode: string, credentialsId: string) =>
  queryOptions({
    queryKey: phoneNumberKeys.available(orgId, provider, areaCode, credentialsId),
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/api/v1/orgs/{orgId}/phone-numbers/available", {
            params: {
              path: { orgId },
              query: { provider, country: "US", ...(areaCode ? { areaCode } : {}), ...(credentialsId ? { credentialsId } : {}) },
            },
          }),
        )
      ).items,
    retry: false,
    staleTime: 30_000,
  });

export const providerCredentialsQuery = (orgId: string) =>
  queryOptions({
    queryKey: phoneNumberKeys.credentials(orgId),
    queryFn: async () => (await unwrap(api.GET("/api/v1/orgs/{orgId}/provider-credentials", { params: { path: { orgId } } }))).items,
  });

export const provisionNumber = (orgId: string, body: PhoneNumberProvision) =>
  unwrap(api.POST("/api/v1/orgs/{orgId}/phone-numbers", { params: { path: { orgId } }, body }));

export const updateNumber = (orgId: string, phoneNumberId: string, body: Schemas["PhoneNumberPatch"]) =>
  unwrap(api.PATCH("/api/v1/orgs/{orgId}/phone-numbers/{phoneNumberId}", { params: { path: { orgId, phoneNumberId } }, body }));

export const releaseNumber = (orgId: string, phoneNumberId: string) =>
  unwrap(api.POST("/api/v1/orgs/{orgId}/phone-numbers/{phoneNumberId}/release", { params: { path: { orgId, phoneNumberId } } }));

export const addTwilioCredentials = (orgId: string, body: { accountSid: string; authToken: string; label?: string }) =>
  unwrap(api.POST("/api/v1/orgs/{orgId}/provider-credentials", { params: { path: { orgId } }, body: { provider: "twilio", ...body } }));

export const removeCredentials = (orgId: string, credentialsId: string) =>
  unwrap(api.DELETE("/api/v1/orgs/{orgId}/provider-credentials/{credentialsId}", { params: { path: { orgId, credentialsId } } }));

/** Plays a scripted call through the real webhook path; it shows up live in Calls like any other. */
export const placeSandboxCall = (orgId: string, body: { phoneNumberId: string; script?: string; callerNumber?: string; paceMs?: number }) =>
  unwrap(api.POST("/api/v1/orgs/{orgId}/sandbox/calls", { params: { path: { orgId } }, body }));

/** "+14155550123" → "+1 (415) 555-0123"; other countries keep their E.164 form. */
export function formatPhoneNumber(number: string | null | undefined): string {
  if (!number) return "—";
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return nanp ? `+1 (${nanp[1]}) ${nanp[2]}-${nanp[3]}` : number;
}
