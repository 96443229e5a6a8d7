// /webhooks/products: products/create, products/update, products/delete.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/core/ingest/webhook.server";

const TOPICS = ["products/create", "products/update", "products/delete"] as const;

export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, { topics: TOPICS });
