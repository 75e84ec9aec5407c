// RFC 9457 problem+json: the one error shape of every route. Domain errors map to their status;
// anything unknown is logged and masked as a 500 that reveals nothing.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { isDatabaseUnavailable } from "../db/errors.js";
import { DomainError, type ErrorCode, type FieldError, Invalid, TooManyRequests } from "../errors.js";
import type { AppEnv } from "./env.js";

export type ProblemInput = {
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  [extension: string]: unknown;
};

export type Problem = ProblemInput & { type: string; requestId?: string };

const PROBLEM_TYPE_BASE = "https://switchboard.dev/problems/";

export function problemResponse(c: Context<AppEnv>, problem: ProblemInput, headers: Record<string, string> = {}) {
  const body: Problem = {
    type: `${PROBLEM_TYPE_BASE}${problem.code.toLowerCase().replaceAll("_", "-")}`,
    ...problem,
    requestId: c.get("requestId"),
  };
  return new Response(JSON.stringify(body), {
    status: problem.status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

export function fieldErrorsFromZod(error: ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: base ? `${base}.${key}` : key,
        message: "Unknown field.",
        code: "unrecognized_key",
      }));
    }
    return [{ path: base, message: issue.message, code: issue.code }];
  });
}

export function validationProblem(c: Context<AppEnv>, error: ZodError, target: string) {
  const place = target === "json" ? "body" : target;
  const errors = fieldErrorsFromZod(error).map((e) => ({ ...e, path: e.path ? `${place}.${e.path}` : place }));
  return problemResponse(c, {
    title: "Invalid request",
    status: 422,
    code: "VALIDATION_FAILED",
    detail: `The request ${place} is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`.slice(0, 500),
    errors,
  });
}

export function errorToProblem(error: unknown, c: Context<AppEnv>): Response {
  if (error instanceof DomainError) {
    const headers: Record<string, string> = {};
    if (error instanceof TooManyRequests) headers["retry-after"] = String(error.retryAfterSeconds);
    return problemResponse(
      c,
      {
        title: error.title,
        status: error.status,
        code: error.code,
        detail: error.message,
        ...(error instanceof Invalid && error.errors.length > 0 ? { errors: error.errors } : {}),
        ...error.extra,
      },
      headers,
    );
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 400) {
      return problemResponse(c, { title: "Bad request", status, code: "MALFORMED_JSON", detail: "The request body is not valid JSON." });
    }
    if (status === 413) {
      return problemResponse(c, { title: "Payload too large", status, code: "BODY_TOO_LARGE", detail: error.message });
    }
    if (status === 415) {
      return problemResponse(c, {
        title: "Unsupported media type",
        status,
        code: "UNSUPPORTED_MEDIA_TYPE",
        detail: "Send the request body as application/json.",
      });
    }
    return problemResponse(c, { title: "Error", status, code: status === 401 ? "UNAUTHENTICATED" : "INTERNAL", detail: error.message });
  }
  if (isDatabaseUnavailable(error)) {
    c.get("logger")?.warn({ err: error }, "database unavailable");
    return problemResponse(
      c,
      {
        title: "Service unavailable",
        status: 503,
        code: "SERVICE_UNAVAILABLE",
        detail: "We are briefly unable to reach our database. Try again in a few seconds.",
      },
      { "retry-after": "5" },
    );
  }
  c.get("logger")?.error({ err: error }, "unhandled error");
  return problemResponse(c, {
    title: "Internal server error",
    status: 500,
    code: "INTERNAL",
    detail: "Something went wrong on our side. Quote the request id when you contact support.",
  });
}
