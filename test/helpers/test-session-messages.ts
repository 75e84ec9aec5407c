// Vapi messages of a test-console web call, for the webhook's tenant-resolution tests: an
// assistant-request whose call carries a session token in call.assistantOverrides.metadata.
import { assistantRequestMessage } from "../../src/server/modules/sandbox/messages.js";
import { sandboxWebhookSecret } from "../../src/server/modules/vapi-webhook/authenticate.js";
import { signTestSessionToken } from "../../src/server/modules/vapi-webhook/console-call.js";
import type { TestPlatform } from "./platform.js";

export const webCallTestMessage = {
  sandboxSecret: (t: TestPlatform) => sandboxWebhookSecret(t.platform.ctx.accessTokenKey),
  tokenOf: (t: TestPlatform, organizationId: string, testSessionId: string, assistantId: string) =>
    signTestSessionToken(t.platform.ctx.accessTokenKey, { organizationId, testSessionId, assistantId }),
  assistantRequest: (providerCallId: string, token: string) => ({
    message: assistantRequestMessage(
      {
        id: providerCallId,
        createdAtMs: Date.now(),
        type: "webCall",
        callerNumber: "+13125550142",
        assistantOverrides: { metadata: { testSessionToken: token } },
      },
      Date.now(),
    ),
  }),
};
