// Typed domain errors. Services throw these; one middleware maps them to problem+json.
// Every error carries a code from one closed list, so clients can branch on it.

export const ERROR_CODES = [
  "VALIDATION_FAILED",
  "MALFORMED_JSON",
  "BODY_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "NOT_FOUND",
  "ROUTE_NOT_FOUND",
  "UNAUTHENTICATED",
  "INVALID_CREDENTIALS",
  "TOKEN_INVALID",
  "TOKEN_EXPIRED",
  "REFRESH_TOKEN_REUSED",
  "FORBIDDEN",
  "SUPER_ADMIN_ONLY",
  "EMAIL_TAKEN",
  "EMAIL_NOT_VERIFIED",
  "SLUG_TAKEN",
  "CONFIRMATION_MISMATCH",
  "LAST_OWNER",
  "ALREADY_MEMBER",
  "INVITATION_PENDING",
  "INVITATION_INVALID",
  "INVITATION_EMAIL_MISMATCH",
  "SEAT_LIMIT_REACHED",
  "ASSISTANT_LIMIT_REACHED",
  "PHONE_NUMBER_LIMIT_REACHED",
  "NUMBER_UNAVAILABLE",
  "SANDBOX_MODE_ON",
  "SANDBOX_MODE_REAL_NUMBERS",
  "PROVIDER_NOT_CONFIGURED",
  "CREDENTIALS_IN_USE",
  "VENDOR_REJECTED",
  "VENDOR_UNAVAILABLE",
  "VENDOR_TIMEOUT",
  "BILLING_MANUAL_MODE",
  "PLAN_NOT_PURCHASABLE",
  "ALREADY_ON_PLAN",
  "BILLING_MANAGED_BY_STRIPE",
  "INVOICE_NOT_OPEN",
  "TEMPLATE_NOT_FOUND",
  "TEST_SESSION_ENDED",
  "TEST_SESSION_BUSY",
  "TEST_SESSION_LIMIT_REACHED",
  "TEXT_TOO_LONG",
  "UNSUPPORTED_FILE_TYPE",
  "EMPTY_FILE",
  "FILE_TOO_LARGE",
  "RATE_LIMITED",
  "SERVICE_UNAVAILABLE",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type FieldError = { path: string; message: string; code?: string };

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class Invalid extends DomainError {
  readonly status = 422;
  readonly title = "Invalid request";
  constructor(
    code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(code, message);
  }
}

export class BadRequest extends DomainError {
  readonly status = 400;
  readonly title = "Bad request";
}

export class Unauthorized extends DomainError {
  readonly status = 401;
  readonly title = "Unauthorized";
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly title = "Forbidden";
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly title = "Not found";
  constructor(what = "Resource", code: ErrorCode = "NOT_FOUND", message?: string) {
    super(code, message ?? `${what} not found.`);
  }
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly title = "Conflict";
}

export class LimitReached extends DomainError {
  readonly status = 403;
  readonly title = "Plan limit reached";
}

export class PayloadTooLarge extends DomainError {
  readonly status = 413;
  readonly title = "Payload too large";
}

export class TooManyRequests extends DomainError {
  readonly status = 429;
  readonly title = "Too many requests";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("RATE_LIMITED", message);
  }
}
