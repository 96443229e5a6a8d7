import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { DEMO_NO_STORE, demoAdminUrl, requireDemoAccess } from "../demo-access.server";

// GET /demo (demo mode only): what the Shopify admin does when it opens the app,
// a fresh session token for the demo shop and the embedded URL that carries it.
// ?path=/app/… opens another admin page.
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  requireDemoAccess(request, context);
  const path = new URL(request.url).searchParams.get("path") ?? "/app";
  return redirect(demoAdminUrl(path), { headers: DEMO_NO_STORE });
};
