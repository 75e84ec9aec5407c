// Zod schemas for the forms, repeating the API's rules (http/schemas.ts, auth/passwords.ts, organizations/slugs.ts),
// whose modules also import server-only code. The API re-validates; its field errors land on the same fields.
import { z } from "zod";

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;
export const MAX_SLUG_LENGTH = 48;
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const requiredText = (label: string, max = 120) => z.string().trim().min(1, `Enter ${label}.`).max(max, `Use at most ${max} characters.`);

export const emailField = z
  .string()
  .trim()
  .min(1, "Enter your email address.")
  .max(254, "Use at most 254 characters.")
  .pipe(z.email("Enter a valid email address."));

export const newPasswordField = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`);

export const currentPasswordField = z.string().min(1, "Enter your password.").max(MAX_PASSWORD_LENGTH);

export const personNameField = requiredText("your name");
export const organizationNameField = requiredText("the organization's name");

export const slugField = z
  .string()
  .trim()
  .min(1, "Enter a URL slug.")
  .max(MAX_SLUG_LENGTH, `Use at most ${MAX_SLUG_LENGTH} characters.`)
  .regex(SLUG_PATTERN, "Use lower-case letters, digits and single dashes.");

export const roleField = z.enum(["owner", "admin", "member", "viewer"]);
