// /webhooks/refunds: refunds/create.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/core/ingest/webhook.server";

/** The topics shopify.app.toml routes here (tests/unit/config.test.ts checks it). */
export const TOPICS_SERVED = ["refunds/create"] as const;

export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, { topics: TOPICS_SERVED });
