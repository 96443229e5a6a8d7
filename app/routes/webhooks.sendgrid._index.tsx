// /webhooks/sendgrid: the event webhook of the app-wide SendGrid account (shops
// sending with the app's key), verified with SENDGRID_WEBHOOK_PUBLIC_KEY; each
// event goes to the shop of the message it names. A shop with its own account
// uses /webhooks/sendgrid/<token>. Everything is in events.server.ts.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleAppEventWebhook } from "~/core/delivery/events.server";

export const action = ({ request }: ActionFunctionArgs) => handleAppEventWebhook(request);
