// Public ids carry a type prefix (as Stripe's do) so a pasted id says what it is.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

export type IdPrefix =
  | "usr"
  | "org"
  | "inv"
  | "ses"
  | "rtk"
  | "ott"
  | "aud"
  | "mail"
  | "ast"
  | "ksrc"
  | "inb"
  | "apt"
  | "cact"
  | "con"
  | "note"
  | "call"
  | "vev"
  | "pn"
  | "pcred"
  | "tses"
  | "ivc";

export function newId(prefix: IdPrefix): string {
  const bytes = randomBytes(16);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return `${prefix}_${out}`;
}
