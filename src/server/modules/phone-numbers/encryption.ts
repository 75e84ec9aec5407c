// Secrets stored in the database (customers' vendor tokens): AES-256-GCM with a random 12-byte IV
// and the 16-byte tag, in a versioned text format "v1.<base64(iv ‖ ciphertext ‖ tag)>". The
// associated data binds a ciphertext to its row, so one row's secret cannot be pasted into another.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const FORMAT_VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretDecryptionError extends Error {
  constructor() {
    super("The stored secret could not be decrypted: wrong key, or the ciphertext was altered.");
  }
}

/** ENCRYPTION_KEY (32 bytes as hex or base64), else a key derived from APP_SECRET with HKDF-SHA256. */
export function secretsKeyFrom(encryptionKey: string | undefined, appSecret: string): Uint8Array {
  if (encryptionKey) {
    const key = /^[0-9a-fA-F]{64}$/.test(encryptionKey) ? Buffer.from(encryptionKey, "hex") : Buffer.from(encryptionKey, "base64");
    if (key.length !== KEY_BYTES) throw new Error("ENCRYPTION_KEY must decode to exactly 32 bytes");
    return new Uint8Array(key);
  }
  return new Uint8Array(hkdfSync("sha256", appSecret, "", "secrets-encryption", KEY_BYTES));
}

export function encryptSecret(key: Uint8Array, plaintext: string, associatedData: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `${FORMAT_VERSION}.${Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString("base64")}`;
}

export function decryptSecret(key: Uint8Array, stored: string, associatedData: string): string {
  const [version, payload] = stored.split(".", 2);
  if (version !== FORMAT_VERSION || !payload) throw new SecretDecryptionError();
  const bytes = Buffer.from(payload, "base64");
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretDecryptionError();
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(associatedData, "utf8"));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError();
  }
}
