// /webhooks/compliance: the mandatory compliance topics (customers/data_request, customers/redact, shop/redact).
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/core/ingest/webhook.server";

/** The topics shopify.app.toml routes here (tests/unit/config.test.ts checks it). */
export const TOPICS_SERVED = ["customers/data_request", "customers/redact", "shop/redact"] as const;

export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, { topics: TOPICS_SERVED });
