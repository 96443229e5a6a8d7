// Shopify session tokens (App Bridge's id token): an HS256 JWT signed with the
// app's API secret. Inside the Shopify admin, App Bridge mints them; the demo's
// local stand-in and the tests mint them here, with the same claims, so
// `authenticate.admin` verifies them unchanged.
import { createHmac, randomUUID } from "node:crypto";

export interface MintSessionTokenOptions {
  /** The shop's myshopify domain, e.g. "acme.myshopify.com". */
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** Lifetime; Shopify's own tokens live one minute. */
  ttlSeconds?: number;
  /** The staff member's id (Shopify puts a numeric user id here). */
  sub?: string;
  /** Seconds since the epoch; defaults to now. */
  now?: number;
}

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString("base64url");
}

export function sessionTokenClaims(options: MintSessionTokenOptions): SessionTokenClaims {
  const { shop, apiKey, ttlSeconds = 60, sub = "1", now = Math.floor(Date.now() / 1000) } = options;
  if (!SHOP_DOMAIN.test(shop)) throw new Error(`not a myshopify domain: ${shop}`);
  if (!apiKey) throw new Error("apiKey is required");
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > 3600) {
    throw new Error("ttlSeconds must be an integer between 1 and 3600");
  }
  return {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: apiKey,
    sub,
    exp: now + ttlSeconds,
    nbf: now,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID(),
  };
}

/** Signs a session token for `shop`; valid from now for `ttlSeconds` (default 60). */
export function mintSessionToken(options: MintSessionTokenOptions): string {
  if (!options.apiSecret) throw new Error("apiSecret is required");
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify(sessionTokenClaims(options)));
  const signature = createHmac("sha256", options.apiSecret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The `host` query parameter the admin passes: base64 of admin.shopify.com/store/{name}. */
export function adminHostParam(shop: string): string {
  const name = shop.replace(/\.myshopify\.com$/, "");
  return Buffer.from(`admin.shopify.com/store/${name}`).toString("base64");
}
