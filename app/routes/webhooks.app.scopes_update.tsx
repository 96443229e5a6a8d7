// /webhooks/app/scopes_update: records the granted scopes on the shop and its sessions.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/core/ingest/webhook.server";

/** The topics shopify.app.toml routes here (tests/unit/config.test.ts checks it). */
export const TOPICS_SERVED = ["app/scopes_update"] as const;

export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, { topics: TOPICS_SERVED });
