// /webhooks/sendgrid/<token>: SendGrid's signed event webhook for one shop (the
// token is its ShopSettings.webhookToken). POST only; everything else is in
// app/core/delivery/events.server.ts (verify over the raw body, store, apply).
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleEventWebhook } from "~/core/delivery/events.server";

export const action = ({ request, params }: ActionFunctionArgs) => handleEventWebhook(request, params.token ?? "");
