// RFC 9457 problem+json errors from the API as a typed Error, so views can show `detail`
// and forms can put each `errors[]` entry under its field.
import type { components } from "./schema";

export type ProblemBody = components["schemas"]["Problem"];

export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly requestId: string | undefined;
  readonly errors: { path: string; message: string }[];

  constructor(body: ProblemBody) {
    super(body.detail);
    this.name = "ApiProblem";
    this.status = body.status;
    this.code = body.code;
    this.title = body.title;
    this.detail = body.detail;
    this.requestId = body.requestId;
    this.errors = body.errors ?? [];
  }
}

function isProblemBody(value: unknown): value is ProblemBody {
  return typeof value === "object" && value !== null && "status" in value && "code" in value && "detail" in value;
}

/** Turns whatever came back (problem body, other body, thrown error) into an ApiProblem. */
export function toApiProblem(error: unknown, response?: Response): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (isProblemBody(error)) return new ApiProblem(error);
  if (response) {
    return new ApiProblem({
      type: "about:blank",
      title: response.statusText || "Error",
      status: response.status,
      code: response.status >= 500 ? "INTERNAL" : "UNEXPECTED_RESPONSE",
      detail: response.status >= 500 ? "Something went wrong on our side. Try again in a moment." : `The server answered ${response.status}.`,
    });
  }
  return new ApiProblem({
    type: "about:blank",
    title: "Network error",
    status: 0,
    code: "NETWORK_ERROR",
    detail: "Could not reach Switchboard. Check your connection and try again.",
  });
}

/** The message to show a person for any error a query or mutation produced. */
export function problemMessage(error: unknown): string {
  return toApiProblem(error).detail;
}
