// SendGrid's signed event webhook: ECDSA P-256 with SHA-256 over
// (timestamp header + raw body), the signature in base64 DER, the public key as
// SendGrid's settings page shows it (base64 of the DER SubjectPublicKeyInfo; a
// PEM block is accepted too). Verified over the raw bytes as received: JSON
// re-serialised by us would not verify.
//
// The timestamp is signed with the body, so a captured delivery can be replayed
// only while it is fresh (MAX_EVENT_AGE_SECONDS); within that window a replay
// counts nothing twice anyway (events are unique by sg_event_id).
import { createPublicKey, verify, type KeyObject } from "node:crypto";

export const SIGNATURE_HEADER = "x-twilio-email-event-webhook-signature";
export const TIMESTAMP_HEADER = "x-twilio-email-event-webhook-timestamp";

/** Older deliveries are refused as replays. */
export const MAX_EVENT_AGE_SECONDS = 10 * 60;
/** Clock skew tolerated for a timestamp ahead of ours. */
export const MAX_EVENT_SKEW_SECONDS = 60;

export type SignatureRefusal = "missing" | "bad-timestamp" | "stale" | "future" | "bad-key" | "bad-signature";
export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureRefusal };

export interface SignedDelivery {
  /** The verification key: base64 DER SPKI (SendGrid's format) or PEM. */
  publicKey: string;
  signature: string | null;
  timestamp: string | null;
  body: Uint8Array;
  now: Date;
}

const keys = new Map<string, KeyObject | null>();

/** The key as a P-256 public key, or null when it is not one. Cached: a shop's key is parsed once. */
export function parsePublicKey(text: string): KeyObject | null {
  const trimmed = text.trim();
  if (keys.has(trimmed)) return keys.get(trimmed)!;
  let key: KeyObject | null = null;
  try {
    key = trimmed.startsWith("-----BEGIN")
      ? createPublicKey({ key: trimmed, format: "pem" })
      : createPublicKey({ key: Buffer.from(trimmed, "base64"), format: "der", type: "spki" });
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") key = null;
  } catch {
    key = null;
  }
  if (keys.size > 1000) keys.clear();
  keys.set(trimmed, key);
  return key;
}

/** True when the text is a usable verification key (for the Settings form). */
export const isValidPublicKey = (text: string) => parsePublicKey(text) !== null;

export function verifyEventSignature(d: SignedDelivery): SignatureCheck {
  if (!d.signature || !d.timestamp) return { ok: false, reason: "missing" };
  if (!/^\d{1,12}$/.test(d.timestamp)) return { ok: false, reason: "bad-timestamp" };
  const age = d.now.getTime() / 1000 - Number(d.timestamp);
  if (age > MAX_EVENT_AGE_SECONDS) return { ok: false, reason: "stale" };
  if (age < -MAX_EVENT_SKEW_SECONDS) return { ok: false, reason: "future" };
  const key = parsePublicKey(d.publicKey);
  if (!key) return { ok: false, reason: "bad-key" };
  const signature = Buffer.from(d.signature, "base64");
  if (signature.byteLength === 0 || signature.byteLength > 80) return { ok: false, reason: "bad-signature" };
  let valid = false;
  try {
    valid = verify("sha256", Buffer.concat([Buffer.from(d.timestamp, "utf8"), d.body]), { key, dsaEncoding: "der" }, signature);
  } catch {
    valid = false; // a signature that is not DER at all
  }
  return valid ? { ok: true } : { ok: false, reason: "bad-signature" };
}
