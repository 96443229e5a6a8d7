// Sends genuinely signed Shopify webhooks to the app's route actions.
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { signWebhookBody } from "~/core/shopify/hmac";
import { API_VERSION } from "~/core/shopify-api-version";
import { TEST_API_SECRET, TEST_APP_URL, TEST_SHOP } from "../../setup/test-config";
import { action as orders } from "~/routes/webhooks.orders";
import { action as refunds } from "~/routes/webhooks.refunds";
import { action as checkouts } from "~/routes/webhooks.checkouts";
import { action as customers } from "~/routes/webhooks.customers";
import { action as products } from "~/routes/webhooks.products";
import { action as compliance } from "~/routes/webhooks.compliance";
import { action as uninstalled } from "~/routes/webhooks.app.uninstalled";
import { action as scopesUpdate } from "~/routes/webhooks.app.scopes_update";

type Action = (args: ActionFunctionArgs) => Promise<Response>;

const ROUTES: Record<string, { path: string; action: Action }> = {
  orders: { path: "/webhooks/orders", action: orders },
  refunds: { path: "/webhooks/refunds", action: refunds },
  checkouts: { path: "/webhooks/checkouts", action: checkouts },
  customers: { path: "/webhooks/customers", action: customers },
  products: { path: "/webhooks/products", action: products },
  compliance: { path: "/webhooks/compliance", action: compliance },
  "app/uninstalled": { path: "/webhooks/app/uninstalled", action: uninstalled },
  "app/scopes_update": { path: "/webhooks/app/scopes_update", action: scopesUpdate },
};

function routeFor(topic: string) {
  if (topic in ROUTES) return ROUTES[topic]!;
  if (["customers/data_request", "customers/redact", "shop/redact"].includes(topic)) return ROUTES.compliance!;
  return ROUTES[topic.split("/")[0]!]!;
}

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", `${name}.json`), "utf8")) as T;
}

export interface SendOptions {
  topic: string;
  body: unknown;
  shop?: string;
  eventId?: string;
  webhookId?: string;
  /** Sign with another secret (a forgery). */
  secret?: string;
  /** Send these exact bytes instead of JSON.stringify(body). */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

export function signedRequest(o: SendOptions): Request {
  const raw = o.raw ?? JSON.stringify(o.body);
  const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": o.topic,
    "X-Shopify-Hmac-Sha256": signWebhookBody(bytes, o.secret ?? TEST_API_SECRET),
    "X-Shopify-Shop-Domain": o.shop ?? TEST_SHOP,
    "X-Shopify-Webhook-Id": o.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": o.eventId ?? randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
    "X-Shopify-API-Version": API_VERSION,
    "Content-Length": String(bytes.byteLength),
    ...o.headers,
  };
  return new Request(TEST_APP_URL + routeFor(o.topic).path, { method: "POST", headers, body: bytes as unknown as BodyInit });
}

/** Calls the route's action as Remix would; a thrown Response is returned. */
export async function send(o: SendOptions | Request, topic?: string): Promise<Response> {
  const request = o instanceof Request ? o : signedRequest(o);
  const route = routeFor(o instanceof Request ? (topic ?? request.headers.get("x-shopify-topic") ?? "") : o.topic);
  try {
    return await route.action({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
