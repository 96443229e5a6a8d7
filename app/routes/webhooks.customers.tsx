// /webhooks/customers: customers/create, customers/update, customers/delete (erases personal data, keeps orders).
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/core/ingest/webhook.server";

/** The topics shopify.app.toml routes here (tests/unit/config.test.ts checks it). */
export const TOPICS_SERVED = ["customers/create", "customers/update", "customers/delete"] as const;

export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, { topics: TOPICS_SERVED });
