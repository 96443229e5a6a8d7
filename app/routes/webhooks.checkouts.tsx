// /webhooks/checkouts: checkouts/create, checkouts/update.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/core/ingest/webhook.server";

const TOPICS = ["checkouts/create", "checkouts/update"] as const;

export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, { topics: TOPICS });
