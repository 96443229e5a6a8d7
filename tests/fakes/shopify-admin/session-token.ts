// Verifies a Shopify session token (an HS256 JWT signed with the app's secret),
// as Shopify's token-exchange endpoint does. Tokens are minted by the app's own
// mintSessionToken (app/core/shopify/session-token.ts).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { SessionTokenClaims } from "../../../app/core/shopify/session-token";

export type { SessionTokenClaims };

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
