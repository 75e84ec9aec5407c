// What in-call code knows about the call it serves: resolved from the vendor's message by the
// webhook (tenant from the dialled number, never from the message body), then handed to tools.
export type CallContext = {
  organizationId: string;
  /** Our call id ("call_…"). */
  callId: string;
  /** The partition key of the call row (the vendor's call creation time). */
  startedAt: Date;
  provider: "vapi" | "sandbox";
  providerCallId: string;
  assistantId: string | null;
  phoneNumberId: string | null;
  /** The dialled number (E.164), one of the platform's own. */
  calledNumber: string | null;
  /** E.164 when known. */
  callerNumber: string | null;
  isTest: boolean;
};
