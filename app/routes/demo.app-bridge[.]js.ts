import type { LoaderFunctionArgs } from "@remix-run/node";
import { DEMO_NO_STORE, requireDemoAccess } from "../demo-access.server";
import { APP_BRIDGE_STAND_IN } from "../demo-app-bridge.server";

// GET /demo/app-bridge.js (demo mode only): the local stand-in for App Bridge's script.
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  requireDemoAccess(request, context);
  return new Response(APP_BRIDGE_STAND_IN, {
    headers: { ...DEMO_NO_STORE, "content-type": "text/javascript; charset=utf-8" },
  });
};
