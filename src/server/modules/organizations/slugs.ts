// URL slugs for organizations: lower-case ASCII letters, digits and single dashes.
import { randomBytes } from "node:crypto";

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_SLUG_LENGTH = 48;

export function slugFromName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_SLUG_LENGTH - 5)
    .replace(/-+$/g, "");
  return slug || "org";
}

export function withRandomSuffix(slug: string): string {
  return `${slug}-${randomBytes(2).toString("hex")}`;
}
