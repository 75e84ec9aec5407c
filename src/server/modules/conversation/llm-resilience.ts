// How the LLM engine survives its model endpoint: one cockatiel policy per engine (so the circuit
// breaker is shared by every session) — retry with exponential backoff around a circuit breaker
// around a cooperative per-request timeout — and the one place that turns whatever the SDK threw
// into an LlmRequestError that says, in words a business owner can act on, what went wrong.
import {
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  isBrokenCircuitError,
  isTaskCancelledError,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";

export type LlmResilienceOptions = {
  /** Further attempts after a failed one (connection errors, 429, 5xx only, and only before any text reached the caller). */
  maxRetries: number;
  backoffInitialDelayMs: number;
  backoffMaxDelayMs: number;
  /** Consecutive failed requests (across all sessions of the engine) that open the breaker. */
  breakerConsecutiveFailures: number;
  /** How long an open breaker fails requests at once before it lets one through to try again. */
  breakerHalfOpenAfterMs: number;
};

export const DEFAULT_LLM_RESILIENCE: LlmResilienceOptions = {
  maxRetries: 2,
  backoffInitialDelayMs: 250,
  backoffMaxDelayMs: 2_000,
  breakerConsecutiveFailures: 5,
  breakerHalfOpenAfterMs: 30_000,
};

export type LlmFailureKind =
  /** Refused, reset or dropped connection. */
  | "connection"
  | "timeout"
  | "rate-limited"
  | "server-error"
  /** A 4xx other than 408/429: wrong key, unknown model, a request the endpoint will not take. */
  | "rejected"
  /** A stream that could not be read as chat-completion chunks. */
  | "malformed"
  | "circuit-open"
  /** The caller (the session) gave up on the turn. */
  | "aborted";

const TRANSIENT_KINDS: ReadonlySet<LlmFailureKind> = new Set(["connection", "rate-limited", "server-error"]);
const ENDPOINT_FAILURE_KINDS: ReadonlySet<LlmFailureKind> = new Set(["connection", "timeout", "rate-limited", "server-error", "malformed"]);

export class LlmRequestError extends Error {
  constructor(
    readonly kind: LlmFailureKind,
    message: string,
    /** True once part of the reply was streamed to the caller: the request can no longer be repeated. */
    readonly afterText = false,
  ) {
    super(message);
    this.name = "LlmRequestError";
  }

  /** Worth another attempt: a transient endpoint failure before anything was said. */
  get retryable(): boolean {
    return !this.afterText && TRANSIENT_KINDS.has(this.kind);
  }

  /** Counts towards opening the circuit breaker (a caller's abort or a refused request does not). */
  get endpointFailure(): boolean {
    return ENDPOINT_FAILURE_KINDS.has(this.kind);
  }
}

export type LlmResilience = { policy: IPolicy; breaker: CircuitBreakerPolicy; options: LlmResilienceOptions };

export function createLlmResilience(timeoutMs: number, overrides: Partial<LlmResilienceOptions> = {}): LlmResilience {
  const options = { ...DEFAULT_LLM_RESILIENCE, ...overrides };
  const retryPolicy = retry(
    handleWhen((error) => error instanceof LlmRequestError && error.retryable),
    {
      maxAttempts: options.maxRetries,
      backoff: new ExponentialBackoff({ initialDelay: options.backoffInitialDelayMs, maxDelay: options.backoffMaxDelayMs }),
    },
  );
  const breaker = circuitBreaker(
    handleWhen((error) => error instanceof LlmRequestError && error.endpointFailure),
    { breaker: new ConsecutiveBreaker(options.breakerConsecutiveFailures), halfOpenAfter: options.breakerHalfOpenAfterMs },
  );
  // Cooperative: the request's AbortSignal goes to the SDK, which cancels the HTTP request itself.
  const timeoutPolicy = timeout(timeoutMs, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: true });
  // Outermost first: each attempt passes the breaker (an open one fails it at once) and has its own timeout.
  return { policy: wrap(retryPolicy, breaker, timeoutPolicy), breaker, options };
}

const MESSAGE_EXCERPT_CHARS = 200;

function excerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MESSAGE_EXCERPT_CHARS ? `${oneLine.slice(0, MESSAGE_EXCERPT_CHARS)}…` : oneLine;
}

export type FailureContext = {
  /** The endpoint's origin, for messages (never the key). */
  endpoint: string;
  timeoutMs: number;
  /** Removed from any message the endpoint sent back, in case it echoes the key. */
  apiKey: string | undefined;
  /** The request's own signal fired while the caller's had not: the per-request timeout. */
  timedOut: boolean;
  callerAborted: boolean;
  afterText: boolean;
};

function scrub(text: string, apiKey: string | undefined): string {
  return apiKey && apiKey.length >= 4 ? text.replaceAll(apiKey, "[redacted]") : text;
}

/** Whatever a request threw, as an LlmRequestError with a message fit for the console. */
export function classifyLlmError(error: unknown, context: FailureContext): LlmRequestError {
  if (error instanceof LlmRequestError) return error;
  const { afterText } = context;
  const make = (kind: LlmFailureKind, message: string) => new LlmRequestError(kind, scrub(message, context.apiKey), afterText);
  const seconds = Math.round(context.timeoutMs / 100) / 10;
  if (context.callerAborted) return make("aborted", "The turn was cancelled.");
  if (context.timedOut || error instanceof APIConnectionTimeoutError) {
    const what = afterText ? "did not finish its reply" : "did not answer";
    return make("timeout", `The language model at ${context.endpoint} ${what} within ${seconds} s.`);
  }
  if (error instanceof APIUserAbortError) return make("aborted", "The turn was cancelled.");
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? (((error.cause as { cause?: { code?: string } }).cause?.code ?? error.cause.message) as string) : "";
    return make("connection", `Could not reach the language model at ${context.endpoint}${cause ? ` (${excerpt(cause)})` : ""}.`);
  }
  if (error instanceof APIError) {
    const detail = excerpt(error.message.replace(/^\d{3}\s*/, ""));
    const status = error.status;
    if (status === 429)
      return make("rate-limited", `The language model at ${context.endpoint} is rate-limiting requests (HTTP 429)${detail ? `: ${detail}` : ""}.`);
    if (status === undefined || status >= 500 || status === 408) {
      return make("server-error", `The language model at ${context.endpoint} failed${status ? ` (HTTP ${status})` : ""}${detail ? `: ${detail}` : ""}.`);
    }
    return make("rejected", `The language model at ${context.endpoint} refused the request (HTTP ${status})${detail ? `: ${detail}` : ""}.`);
  }
  if (error instanceof SyntaxError)
    return make("malformed", `The language model at ${context.endpoint} sent a reply that is not valid JSON: ${excerpt(error.message)}.`);
  // Anything else while reading the stream is the connection breaking off (undici's "terminated", a reset socket).
  const message = error instanceof Error ? error.message : String(error);
  return make("connection", `The connection to the language model at ${context.endpoint} broke off${message ? ` (${excerpt(message)})` : ""}.`);
}

/** A failure from outside the request (the breaker, the retry loop) as an LlmRequestError too. */
export function classifyPolicyError(error: unknown, options: LlmResilienceOptions, callerAborted: boolean): LlmRequestError | null {
  if (error instanceof LlmRequestError) return error;
  if (callerAborted) return new LlmRequestError("aborted", "The turn was cancelled.");
  if (isBrokenCircuitError(error)) {
    const seconds = Math.round(options.breakerHalfOpenAfterMs / 1000);
    return new LlmRequestError(
      "circuit-open",
      `The language model failed ${options.breakerConsecutiveFailures} times in a row, so it is not asked again for up to ${seconds} s.`,
    );
  }
  if (isTaskCancelledError(error)) return new LlmRequestError("aborted", "The turn was cancelled.");
  return null;
}
