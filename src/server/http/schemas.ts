// Zod building blocks shared by every route: text that PostgreSQL can store byte-for-byte,
// emails, ids, and the problem+json response documentation.
import { z } from "@hono/zod-openapi";

/** Text stored exactly as sent: any Unicode except NUL (PostgreSQL cannot store it) and lone surrogates. */
export function storableText(maxLength: number) {
  return z
    .string()
    .max(maxLength, `Use at most ${maxLength} characters.`)
    .refine((value) => !value.includes("\u0000"), "Must not contain NUL characters.")
    .refine((value) => value.isWellFormed(), "Must be valid Unicode.");
}

/** Required text: at least one visible character. */
export function requiredText(maxLength: number) {
  return storableText(maxLength).refine((value) => value.trim().length > 0, "Must not be empty.");
}

export const emailSchema = z
  .string()
  .trim()
  .max(254, "Use at most 254 characters.")
  .pipe(z.email("Enter a valid email address."))
  .transform((value) => value.toLowerCase())
  .openapi({ example: "ada@example.com", format: "email" });

export const timestampSchema = z.string().openapi({ format: "date-time", example: "2026-11-22T09:30:00.000Z" });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })).optional(),
  })
  .openapi("Problem");

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request",
  401: "Missing, invalid or expired credentials",
  403: "The caller's role may not do this, or a plan limit is reached",
  404: "Not found (also for organizations the caller is not a member of)",
  409: "Conflicts with the current state",
  413: "Request body too large",
  422: "Validation failed; errors[] lists each field",
  429: "Too many attempts; see Retry-After",
};

export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: PROBLEM_DESCRIPTIONS[status] ?? "Error", content: { "application/problem+json": { schema: problemSchema } } },
    ]),
  );
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } };
}

export const noContent = { 204: { description: "Done" } } as const;
