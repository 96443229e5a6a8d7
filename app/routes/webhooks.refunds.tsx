// /webhooks/refunds: refunds/create.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleWebhook } from "~/core/ingest/webhook.server";

const TOPICS = ["refunds/create"] as const;

export const action = ({ request }: ActionFunctionArgs) => handleWebhook(request, { topics: TOPICS });
