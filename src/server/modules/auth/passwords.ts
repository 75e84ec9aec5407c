// Password hashing with argon2id (OWASP's recommended parameters) and the password rules.
import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";

const ARGON2ID = 2; // @node-rs/argon2's Algorithm.Argon2id (a const enum, so not importable at runtime)
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`)
  // A lone surrogate cannot be encoded as UTF-8 for hashing: it would become U+FFFD, so different passwords would match.
  .refine((value) => value.isWellFormed(), "Must be valid Unicode.");

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verifying against this when an account does not exist keeps sign-in timing the same either way.
let timingDecoyHash: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<false> {
  timingDecoyHash ??= hashPassword("timing-decoy-password");
  await verifyPassword(await timingDecoyHash, password);
  return false;
}
