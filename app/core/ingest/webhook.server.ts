// The one Shopify webhook handler every webhooks.*.tsx route calls:
//   1. refuse a body over 1 MB (declared or actually read): 413, nothing stored;
//   2. verify the HMAC over the raw bytes (401 forged, 400 missing headers), before
//      anything else reads the body or the database;
//   3. a delivery already received (shop, topic, event id) answers 200 with no effect;
//   4. parse the payload with zod. Malformed (valid HMAC, bad shape): 200 and the
//      receipt is recorded as "failed" with the issue paths. Shopify would
//      redeliver the same bytes for hours and they would fail the same way;
//      nothing is written before parsing, so nothing stored is touched;
//   5. apply it and record the receipt in ONE transaction: if the write fails,
//      the receipt is rolled back too and a 500 makes Shopify retry;
//   6. answer 200. Writes are a few indexed statements (about 8 for a new
//      order); anything slow belongs in the queue.
//
// Speed: almost all the time of a webhook is Prisma compiling and interpreting
// queries (about 0.4 ms each, more for writes with many fields), so the path
// issues as few as it can. No session lookup: authenticate.webhook loads the
// shop's offline session, which ingest never uses; the check below is the one
// it makes (base64 HMAC-SHA256 of the raw body keyed with the API secret,
// compared in constant time, then Shopify's required headers).
// The duplicate lookup (3) stays outside the transaction on purpose: letting a
// repeat fail on the receipt's unique key inside it would save a query but
// roll back a transaction per repeat, and on SQLite a rollback also undoes the
// plain (non-transaction) writes other requests made meanwhile (Prisma's
// better-sqlite3 adapter runs them on the same connection).
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../../env.server";
import { readLimited } from "../http/read-limited";
import prisma, { isUniqueViolation } from "../../db.server";
import { queue } from "../../jobs/index.server";
import { requestLogger } from "../../logger.server";
import { describeIssues } from "./schemas";
import type { ReceiptOutcome, WebhookMeta } from "./topics.server";
import { TOPICS } from "./topics.server";

export const MAX_WEBHOOK_BYTES = 1024 * 1024;

const ok = () => new Response(null, { status: 200 });
const tooLarge = () => new Response("Payload Too Large", { status: 413 });

const REQUIRED_HEADERS = ["x-shopify-topic", "x-shopify-shop-domain", "x-shopify-api-version", "x-shopify-webhook-id"];

/** Shopify's webhook check (as @shopify/shopify-api validates it): null when authentic, else the answer. */
function refuseUnverified(headers: Headers, body: Uint8Array): Response | null {
  const given = headers.get("x-shopify-hmac-sha256");
  if (body.byteLength === 0 || !given) return new Response(null, { status: 400 });
  const expected = Buffer.from(createHmac("sha256", env.SHOPIFY_API_SECRET).update(body).digest("base64"));
  const actual = Buffer.from(given);
  if (actual.byteLength !== expected.byteLength || !timingSafeEqual(actual, expected)) return new Response(null, { status: 401 });
  if (REQUIRED_HEADERS.some((name) => !headers.get(name))) return new Response(null, { status: 400 });
  return null;
}

/** The payload, with NUL characters dropped from its strings (PostgreSQL refuses them in text). */
function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body), (_key, value: unknown) =>
      typeof value === "string" && value.includes("\u0000") ? value.replaceAll("\u0000", "") : value,
    );
  } catch {
    return undefined;
  }
}

function parseDate(value: string | null): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export interface WebhookOptions {
  /** The topics this route serves (shopify.app.toml); others are recorded as ignored. */
  topics: readonly string[];
}

export async function handleWebhook(request: Request, options: WebhookOptions): Promise<Response> {
  const started = performance.now();
  if (request.method !== "POST") return new Response(null, { status: 405 });
  const body = await readLimited(request, MAX_WEBHOOK_BYTES);
  if (body === null) return tooLarge();

  const refused = refuseUnverified(request.headers, body);
  if (refused) return refused;

  const shop = request.headers.get("x-shopify-shop-domain")!;
  const topic = request.headers.get("x-shopify-topic")!.toLowerCase();
  const webhookId = request.headers.get("x-shopify-webhook-id")!;
  const payload = parseJson(body);
  const meta: WebhookMeta = {
    shop,
    topic,
    eventId: request.headers.get("x-shopify-event-id") || webhookId,
    triggeredAt: parseDate(request.headers.get("x-shopify-triggered-at")),
  };
  const log = requestLogger(request, shop);
  const receiptKey = { shopDomain_topic_eventId: { shopDomain: shop, topic, eventId: meta.eventId } };
  const receiptData = { shopDomain: shop, topic, eventId: meta.eventId, webhookId, triggeredAt: meta.triggeredAt };

  const received = async () => Boolean(await prisma.webhookReceipt.findUnique({ where: receiptKey, select: { id: true } }));
  if (await received()) {
    log.info("webhook duplicate", { topic, eventId: meta.eventId });
    return ok();
  }

  const handler = options.topics.includes(topic) ? TOPICS[topic] : undefined;
  const parsed = handler && payload !== undefined ? handler.schema.safeParse(payload) : null;
  if (!handler || !parsed?.success) {
    const outcome = handler ? "failed" : "ignored";
    const error = !handler ? `topic not served by this route` : parsed && !parsed.success ? describeIssues(parsed.error) : "body is not JSON";
    try {
      await prisma.webhookReceipt.create({ data: { ...receiptData, outcome, error } });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      log.info("webhook duplicate", { topic, eventId: meta.eventId });
      return ok();
    }
    log.warn("webhook not applied", { topic, eventId: meta.eventId, outcome, error });
    return ok();
  }

  // app/uninstalled stops everything at once; cancelling is idempotent, so do it
  // before the write (a failed write is retried by Shopify and cancels again).
  if (topic === "app/uninstalled") await queue.cancelShop(shop);

  let outcome: ReceiptOutcome | "duplicate" = "processed";
  for (let attempt = 1; ; attempt++) {
    try {
      outcome = await prisma.$transaction(
        async (tx) => {
          await tx.webhookReceipt.create({ data: receiptData });
          const result = await handler.apply(tx, parsed.data, meta);
          if (result !== "processed" && topic !== "shop/redact") {
            await tx.webhookReceipt.update({ where: receiptKey, data: { outcome: result } });
          }
          return result;
        },
        { maxWait: 10_000, timeout: 20_000 },
      );
      break;
    } catch (error) {
      if (!isUniqueViolation(error)) {
        log.error("webhook failed", { topic, eventId: meta.eventId, error: error instanceof Error ? error.message.slice(0, 300) : String(error) });
        return new Response("Internal Server Error", { status: 500 });
      }
      // A concurrent delivery of the same event won, or an insert race inside the write: look again.
      if (await received()) {
        outcome = "duplicate";
        break;
      }
      if (attempt >= 3) {
        log.error("webhook failed: unique violation in the write", { topic, eventId: meta.eventId });
        return new Response("Internal Server Error", { status: 500 });
      }
    }
  }
  if (topic === "app/uninstalled" && outcome !== "duplicate") await queue.cancelShop(shop);
  log.info("webhook", { topic, eventId: meta.eventId, outcome, ms: Math.round((performance.now() - started) * 10) / 10 });
  return ok();
}
