import type { LoaderFunctionArgs } from "@remix-run/node";
import { DEMO_NO_STORE, DEMO_TOKEN_TTL_SECONDS, mintDemoSessionToken, requireDemoAccess } from "../demo-access.server";

// GET /demo/session-token (demo mode only): App Bridge's idToken(), for the
// local stand-in script. Same-origin only: browsers send Sec-Fetch-Site, and
// without CORS headers no other origin can read the answer anyway.
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  requireDemoAccess(request, context);
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    return new Response("Forbidden", { status: 403, headers: DEMO_NO_STORE });
  }
  return Response.json(
    { token: mintDemoSessionToken(), expiresIn: DEMO_TOKEN_TTL_SECONDS },
    { headers: DEMO_NO_STORE },
  );
};
