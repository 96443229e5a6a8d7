// The suppression list's rules on plain data: which reasons exist, and the keyed
// hash an address is kept as.
//
// The hash is the pixel's emailHash (HMAC-SHA256 of shop + trimmed, lower-cased
// email) under its own key, derived from the app secret for this purpose only.
// Not the pixel's key, on purpose: customers/redact erases every value made
// with the pixel's key for an address (browser links, jobs), while a
// suppression must outlive the redaction to keep blocking the address if it
// comes back. With a separate key, the hash that survives cannot be joined to
// any browsing data: it answers "is this address suppressed?" and nothing else.
import { emailHash } from "../pixel/identity";
import { deriveKey } from "./unsubscribe";

export const SUPPRESSION_REASONS = ["unsubscribe", "spam-report", "hard-bounce", "manual"] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export function isSuppressionReason(value: unknown): value is SuppressionReason {
  return typeof value === "string" && (SUPPRESSION_REASONS as readonly string[]).includes(value);
}

const keys = new Map<string, string>();

function suppressionKey(secret: string): string {
  let key = keys.get(secret);
  if (!key) {
    key = deriveKey(secret, "suppression-email-hash:v1").toString("hex");
    keys.set(secret, key);
  }
  return key;
}

/** Loose on purpose (addresses come from Shopify and SendGrid): something@something, no spaces. */
export function looksLikeEmail(email: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(email.trim());
}

/** Suppression.emailHash for an address in a shop (hex). Throws on something that is not an address. */
export function suppressionHash(secret: string, shopId: string, email: string): string {
  if (!looksLikeEmail(email)) throw new Error("suppression: not an email address");
  return emailHash(suppressionKey(secret), shopId, email);
}
