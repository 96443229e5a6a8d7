// /webhooks/orders: orders/create, orders/updated, orders/paid, orders/cancelled.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/core/ingest/webhook.server";

const TOPICS = ["orders/create", "orders/updated", "orders/paid", "orders/cancelled"] as const;

export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, { topics: TOPICS });
