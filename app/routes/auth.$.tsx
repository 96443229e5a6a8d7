import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { env } from "../env.server";
import { DEMO_NO_STORE, demoAccessAllowed } from "../demo-access.server";

// Token exchange's bounce page (/auth/session-token) and the auth paths.
// In demo mode the bounce page loads the local App Bridge stand-in instead of
// Shopify's CDN script; it does the same thing (fresh token, reload).
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.pathname === "/auth/session-token" && demoAccessAllowed(request, context)) {
    return new Response(
      `<!doctype html><meta charset="utf-8"><title>Loopwise</title><script src="/demo/app-bridge.js" data-api-key="${encodeURIComponent(env.SHOPIFY_API_KEY)}"></script>`,
      { headers: { ...DEMO_NO_STORE, "content-type": "text/html; charset=utf-8" } },
    );
  }
  await authenticate.admin(request);
  return null;
};
