// Secrets stored in the database (a shop's own SendGrid API key): AES-256-GCM
// under a key derived from the app secret for this purpose only (HKDF, see
// deriveKey), so a copy of the database alone reveals nothing, and a value
// encrypted for one purpose cannot be decrypted as another.
//
// Stored form: "v1.<iv>.<tag>.<ciphertext>", each part base64url.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { deriveKey } from "./unsubscribe";

export const SENDGRID_KEY_PURPOSE = "sendgrid-api-key";
const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretError";
  }
}

export function encryptSecret(appSecret: string, purpose: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(appSecret, purpose), iv);
  // The purpose is bound as associated data too: a value moved to another column does not decrypt.
  cipher.setAAD(Buffer.from(purpose, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/** The plaintext; throws SecretError when the value is malformed, or was made with another secret or purpose. */
export function decryptSecret(appSecret: string, purpose: string, stored: string): string {
  const parts = stored.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretError("the stored secret is not in a known format");
  const [, iv, tag, body] = parts.map((p) => Buffer.from(p, "base64url")) as [Buffer, Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretError("the stored secret is not in a known format");
  try {
    const decipher = createDecipheriv("aes-256-gcm", deriveKey(appSecret, purpose), iv);
    decipher.setAAD(Buffer.from(purpose, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretError("the stored secret cannot be decrypted with this app secret (was SHOPIFY_API_SECRET changed?)");
  }
}

// SendGrid keys are "SG." + a 22-character id + "." + a 43-character secret (base64url);
// the shape is checked loosely so a future length change does not lock merchants out.
const SENDGRID_KEY = /^SG\.[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{30,128}$/;

/** Problems with a SendGrid API key as typed, in words ([] when it looks right). */
export function sendgridKeyProblems(key: string): string[] {
  if (key.trim() !== key) return ["the key has spaces around it"];
  if (!key.startsWith("SG.")) return ['a SendGrid API key starts with "SG."'];
  if (!SENDGRID_KEY.test(key)) return ["this does not look like a SendGrid API key (SG.<id>.<secret>)"];
  return [];
}

/** The last four characters, to show which key is stored without showing it. */
export function last4(key: string): string {
  return key.slice(-4);
}
