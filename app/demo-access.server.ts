// Demo access without Shopify, through the real auth path.
//
// Inside the Shopify admin, App Bridge mints a session token for every request.
// In demo mode only, the app plays that one part itself for the demo shop: it
// mints short-lived session tokens with the app's secret, and a small local
// stand-in for App Bridge's script attaches them to same-origin fetches.
// `authenticate.admin` then verifies them exactly as it verifies Shopify's.
//
// Every guard must hold, or the demo routes answer 404:
// - LOOPWISE_DEMO is on and NODE_ENV is not production (env.server.ts also
//   refuses that pair at start-up, and bin/serve.ts refuses a non-loopback bind);
// - the TCP peer is a loopback address (from the server's load context: a
//   server that does not provide it gets no demo access);
// - the Host header names a loopback host (defeats DNS rebinding);
// - no proxy header is present: a reverse proxy on the same machine would
//   otherwise make every visitor look like a loopback peer;
// - tokens are minted for LOOPWISE_DEMO_SHOP only.
import { env } from "./env.server";
import { adminHostParam, mintSessionToken } from "./core/shopify/session-token";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The TCP peer's address, set by bin/serve.ts. */
    remoteAddress?: string;
  }
}

export const DEMO_TOKEN_TTL_SECONDS = 60;

const LOOPBACK_PEER = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d{1,5})?$/i;

export function isDemoMode(): boolean {
  return env.LOOPWISE_DEMO && env.NODE_ENV !== "production";
}

export function isDemoShop(shop: string): boolean {
  return isDemoMode() && shop === env.LOOPWISE_DEMO_SHOP;
}

export function demoAccessAllowed(request: Request, context: { remoteAddress?: string } | undefined): boolean {
  if (!isDemoMode()) return false;
  const peer = context?.remoteAddress;
  if (!peer || !LOOPBACK_PEER.test(peer)) return false;
  for (const proxied of ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip"]) {
    if (request.headers.has(proxied)) return false;
  }
  const host = request.headers.get("host");
  return !!host && LOOPBACK_HOST.test(host);
}

/** Throws a plain 404 unless demo access is allowed for this request. */
export function requireDemoAccess(request: Request, context: { remoteAddress?: string } | undefined): void {
  if (!demoAccessAllowed(request, context)) {
    throw new Response("Not Found", { status: 404, headers: { "content-type": "text/plain" } });
  }
}

/** A fresh session token for the demo shop. */
export function mintDemoSessionToken(): string {
  return mintSessionToken({
    shop: env.LOOPWISE_DEMO_SHOP,
    apiKey: env.SHOPIFY_API_KEY,
    apiSecret: env.SHOPIFY_API_SECRET,
    ttlSeconds: DEMO_TOKEN_TTL_SECONDS,
  });
}

const ADMIN_PATH = /^\/app(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/?$/; // no "." or ".." segments

/** The embedded admin URL the admin would load in its iframe: /app?embedded=1&shop=…&host=…&id_token=… */
export function demoAdminUrl(path = "/app"): string {
  const target = ADMIN_PATH.test(path) ? path : "/app";
  const shop = env.LOOPWISE_DEMO_SHOP;
  const params = new URLSearchParams({
    embedded: "1",
    shop,
    host: adminHostParam(shop),
    id_token: mintDemoSessionToken(),
  });
  return `${target}?${params.toString()}`;
}

/** No caching and no referrer for anything that carries a token. */
export const DEMO_NO_STORE = {
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
} as const;

/**
 * A document request for an admin page opened directly (a bookmark, a reload after
 * a client-side navigation) lacks the embedded parameters the admin would add.
 * Inside Shopify the admin reloads the iframe with them; in the demo, /demo does.
 */
export function demoReentry(request: Request, context: { remoteAddress?: string } | undefined): void {
  if (request.headers.has("authorization") || !demoAccessAllowed(request, context)) return;
  const url = new URL(request.url);
  if (url.searchParams.get("embedded") === "1") return;
  throw new Response(null, {
    status: 302,
    headers: { ...DEMO_NO_STORE, location: `/demo?path=${encodeURIComponent(url.pathname)}` },
  });
}
