// Verifies a Shopify session token (an HS256 JWT signed with the app's secret),
// as Shopify's token-exchange endpoint does, and mints one for tests and the demo.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

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

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString("base64url");

export function signSessionToken(claims: Partial<SessionTokenClaims> & { dest: string; aud: string }, secret: string): string {
  const now = Math.floor(Date.now() / 1000);
  const shop = claims.dest.replace(/^https?:\/\//, "");
  const payload: SessionTokenClaims = {
    iss: `https://${shop}/admin`,
    sub: "1",
    exp: now + 60,
    nbf: now - 1,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID(),
    ...claims,
    dest: `https://${shop}`,
  };
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

export type VerifyResult = { ok: true; claims: SessionTokenClaims; shop: string } | { ok: false; reason: string };

export function verifySessionToken(token: string, secret: string, apiKey: string, nowSec = Math.floor(Date.now() / 1000)): VerifyResult {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed token" };
  const [head, body, sig] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: SessionTokenClaims;
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as { alg?: string };
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as SessionTokenClaims;
  } catch {
    return { ok: false, reason: "malformed token" };
  }
  if (header.alg !== "HS256") return { ok: false, reason: "unsupported algorithm" };
  const expected = createHmac("sha256", secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad signature" };
  if (claims.aud !== apiKey) return { ok: false, reason: "wrong audience" };
  const leeway = 5;
  if (typeof claims.exp !== "number" || claims.exp + leeway < nowSec) return { ok: false, reason: "expired" };
  if (typeof claims.nbf === "number" && claims.nbf - leeway > nowSec) return { ok: false, reason: "not yet valid" };
  let shop: string;
  try {
    shop = new URL(claims.dest).hostname;
  } catch {
    return { ok: false, reason: "bad dest" };
  }
  return { ok: true, claims, shop };
}
