// Shopify's webhook signature: base64 HMAC-SHA256 of the raw body, keyed with
// the app's API secret. app/core/ingest/webhook.server.ts verifies it (in
// constant time, as authenticate.webhook does); this module signs for the
// demo's replay and the tests.
import { createHmac } from "node:crypto";

export function signWebhookBody(rawBody: string | Uint8Array, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}
