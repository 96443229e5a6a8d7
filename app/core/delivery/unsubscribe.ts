// Unsubscribe links: a signed token naming (shop, customer, message), the URL
// that carries it, and the RFC 8058 headers a marketing email must have.
//
// Token layout (then base64url, no padding):
//   [version 1 byte] [shop] [customer] [message] [tag 16 bytes]
// each field as [length 1 byte][UTF-8 bytes]; a message length of 0 means none.
// A shop id ending in ".myshopify.com" is stored without it (bit 7 of its
// length byte says so): typical tokens are about 120 characters, the longest
// Shopify handle still fits under 200.
//
// The tag is HMAC-SHA256 over every byte before it (version included), under a
// key derived from the app secret for this purpose only, truncated to 128 bits
// (forging one takes ~2^128 guesses online). The ids are not secret: the tag is
// what makes a token impossible to forge, alter or enumerate; customer ids are
// cuids, so even the ids cannot be guessed in sequence.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

export const TOKEN_VERSION = 1;
const TAG_BYTES = 16;
const MAX_FIELD_BYTES = 100;
const SHOPIFY_SUFFIX = ".myshopify.com";
const SUFFIX_FLAG = 0x80;

export interface UnsubscribeClaim {
  shopId: string;
  customerId: string;
  messageId: string | null;
}

export type VerifyResult = { ok: true; claim: UnsubscribeClaim } | { ok: false; reason: "malformed" | "version" | "signature" };

/**
 * A key for one purpose, derived from the app secret (HKDF-SHA256), so a value
 * made for one use (an unsubscribe tag, a suppression hash) can never stand in
 * for another, and the app secret itself is never used directly.
 */
export function deriveKey(secret: string, purpose: string): Buffer {
  if (!secret) throw new Error("deriveKey: an empty secret");
  return Buffer.from(hkdfSync("sha256", secret, "loopwise", `loopwise:${purpose}`, 32));
}

const tokenKeys = new Map<string, Buffer>();
/** Derived once per secret: a send signs one token per recipient. */
function tokenKey(secret: string): Buffer {
  let key = tokenKeys.get(secret);
  if (!key) {
    key = deriveKey(secret, `unsubscribe-token:v${TOKEN_VERSION}`);
    tokenKeys.set(secret, key);
  }
  return key;
}

function field(value: string, name: string, flags = 0): Buffer {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > MAX_FIELD_BYTES) throw new Error(`unsubscribe token: ${name} is longer than ${MAX_FIELD_BYTES} bytes`);
  return Buffer.concat([Buffer.from([bytes.length | flags]), bytes]);
}

function tag(key: Buffer, body: Buffer): Buffer {
  return createHmac("sha256", key).update(body).digest().subarray(0, TAG_BYTES);
}

/** The token for one recipient of one message (null: not tied to a message). */
export function signUnsubscribeToken(secret: string, claim: UnsubscribeClaim): string {
  const { shopId, customerId, messageId } = claim;
  if (!shopId || !customerId) throw new Error("unsubscribe token: shopId and customerId are required");
  if (messageId === "") throw new Error("unsubscribe token: messageId is null or non-empty");
  const short = shopId.endsWith(SHOPIFY_SUFFIX) && shopId.length > SHOPIFY_SUFFIX.length;
  const body = Buffer.concat([
    Buffer.from([TOKEN_VERSION]),
    short ? field(shopId.slice(0, -SHOPIFY_SUFFIX.length), "shopId", SUFFIX_FLAG) : field(shopId, "shopId"),
    field(customerId, "customerId"),
    field(messageId ?? "", "messageId"),
  ]);
  return Buffer.concat([body, tag(tokenKey(secret), body)]).toString("base64url");
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Checks a token's tag in constant time and returns what it names. Never throws. */
export function verifyUnsubscribeToken(secret: string, token: string): VerifyResult {
  if (typeof token !== "string" || token.length === 0 || token.length > 400 || !BASE64URL.test(token)) return { ok: false, reason: "malformed" };
  const bytes = Buffer.from(token, "base64url");
  // Only the canonical spelling: base64's spare bits would otherwise let two strings name one token.
  if (bytes.toString("base64url") !== token) return { ok: false, reason: "malformed" };
  if (bytes.length < 1 + 3 + TAG_BYTES) return { ok: false, reason: "malformed" };
  if (bytes[0] !== TOKEN_VERSION) return { ok: false, reason: "version" };
  const body = bytes.subarray(0, bytes.length - TAG_BYTES);
  const given = bytes.subarray(bytes.length - TAG_BYTES);
  // The tag is checked before the fields are trusted: a forged token learns nothing from how it fails.
  if (!timingSafeEqual(tag(tokenKey(secret), body), given)) return { ok: false, reason: "signature" };
  const fields: Array<{ value: string; flags: number }> = [];
  let at = 1;
  for (let i = 0; i < 3; i++) {
    if (at >= body.length) return { ok: false, reason: "malformed" };
    const flags = body[at]! & SUFFIX_FLAG;
    const length = body[at]! & ~SUFFIX_FLAG;
    at += 1;
    if (at + length > body.length) return { ok: false, reason: "malformed" };
    fields.push({ value: body.subarray(at, at + length).toString("utf8"), flags });
    at += length;
  }
  if (at !== body.length) return { ok: false, reason: "malformed" };
  const [shop, customer, message] = fields as [{ value: string; flags: number }, { value: string; flags: number }, { value: string; flags: number }];
  if (!shop.value || !customer.value) return { ok: false, reason: "malformed" };
  return {
    ok: true,
    claim: {
      shopId: shop.flags ? shop.value + SHOPIFY_SUFFIX : shop.value,
      customerId: customer.value,
      messageId: message.value || null,
    },
  };
}

/** `${appUrl}/unsubscribe/<token>` (the app URL without a trailing slash). */
export function buildUnsubscribeUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/+$/, "")}/unsubscribe/${token}`;
}

/**
 * The headers every marketing email carries (RFC 2369 + RFC 8058): mailbox
 * providers show their own "Unsubscribe" button, which POSTs
 * `List-Unsubscribe=One-Click` to the URL with no cookies and no redirect.
 */
export function listUnsubscribeHeaders(url: string): { "List-Unsubscribe": string; "List-Unsubscribe-Post": string } {
  if (!url.startsWith("https://") && !url.startsWith("http://")) throw new Error("List-Unsubscribe needs an http(s) URL");
  return { "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

/**
 * An address shown on the unsubscribe page so its owner recognises it, while
 * someone else holding the link (a forwarded email, a link scanner) does not
 * learn it: "a***@e***.com".
 */
export function maskEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at === trimmed.length - 1) return "***";
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : "";
  return `${[...local][0]}***@${[...host][0]}***${tld}`;
}
