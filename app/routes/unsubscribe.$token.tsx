// /unsubscribe/<token>: the link in every marketing email's footer and its
// List-Unsubscribe header. Public (no Shopify auth, no cookies): GET shows a
// confirmation and changes nothing; POST (the page's button, or a mail client's
// RFC 8058 one-click) unsubscribes. See app/core/delivery/unsubscribe-page.server.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleUnsubscribeRequest } from "~/core/delivery/unsubscribe-page.server";

export const loader = ({ request, params }: LoaderFunctionArgs) => handleUnsubscribeRequest(request, params.token ?? "");
export const action = ({ request, params }: ActionFunctionArgs) => handleUnsubscribeRequest(request, params.token ?? "");
