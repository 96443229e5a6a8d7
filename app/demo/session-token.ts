// Mints the HS256 session token App Bridge would give the embedded admin,
// signed with the app's secret. The demo uses it to install the demo shop
// through the real token-exchange path.
import { createHmac, randomUUID } from "node:crypto";

const b64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

export function mintSessionToken(opts: { shop: string; apiKey: string; apiSecret: string; userId?: string; nowSeconds?: number; ttlSeconds?: number }): string {
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  const header = { alg: "HS256", typ: "JWT" };
  const payload = {
    iss: `https://${opts.shop}/admin`,
    dest: `https://${opts.shop}`,
    aud: opts.apiKey,
    sub: opts.userId ?? "1",
    exp: now + (opts.ttlSeconds ?? 60),
    nbf: now - 5,
    iat: now - 5,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${unsigned}.${createHmac("sha256", opts.apiSecret).update(unsigned).digest("base64url")}`;
}

/** The `host` parameter Shopify passes to embedded apps: base64 of "admin.shopify.com/store/<name>". */
export function embeddedHost(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64url");
}
