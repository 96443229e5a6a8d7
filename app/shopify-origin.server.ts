// Tests and the demo only (env refuses it in production): sends every Admin API
// and token-exchange request meant for https://{shop}.myshopify.com to a local
// fake Shopify server, passing the shop in X-Forwarded-Host.
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

export function rewriteShopifyUrl(input: string, origin: string): { url: string; shop: string } | null {
  const url = new URL(input);
  if (!url.hostname.endsWith(".myshopify.com")) return null;
  return { url: origin.replace(/\/$/, "") + url.pathname + url.search, shop: url.hostname };
}

export function installFakeAdminOrigin(origin: string) {
  const host = new URL(origin).hostname;
  if (!["127.0.0.1", "localhost", "[::1]"].includes(host)) {
    throw new Error(`SHOPIFY_ADMIN_ORIGIN must be a loopback address, got ${host}`);
  }
  const realFetch = globalThis.fetch;
  setAbstractFetchFunc(async (input, init) => {
    const raw = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const target = rewriteShopifyUrl(raw, origin);
    if (!target) return realFetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set("x-forwarded-host", target.shop);
    return realFetch(target.url, { ...init, headers });
  });
}
