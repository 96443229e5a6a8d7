// The Web Pixel's endpoint (extensions/browse-pixel). No Shopify session: the
// shop must be installed, and the data is untrusted (see app/core/pixel).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handlePixelRequest } from "~/core/pixel/endpoint.server";

// Remix sends OPTIONS (the CORS preflight) and GET to the loader, POST to the action.
export const loader = ({ request }: LoaderFunctionArgs) => handlePixelRequest(request);
export const action = ({ request }: ActionFunctionArgs) => handlePixelRequest(request);
