// Sends a generated store into a running Loopwise app the way Shopify and the
// Web Pixel would: genuinely signed webhooks to the URIs in shopify.app.toml,
// and pixel batches to POST /pixel/events. Never touches the database.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { signWebhookBody } from "../core/shopify/hmac";
import { API_VERSION } from "../core/shopify-api-version";
import { parseWebhookRoutes, planReplay, webhookDelivery, type Delivery, type ReplayPhase } from "./replay-plan";
import type { DemoStore, DemoWebhook } from "./types";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface ReplayTarget {
  /** The app's origin, e.g. http://127.0.0.1:3000. */
  appUrl: string;
  apiSecret: string;
}

export interface ReplayOptions {
  concurrency?: number;
  pixelBatchSize?: number;
  /** topic → path; read from shopify.app.toml by default. */
  routes?: Map<string, string>;
  onProgress?: (progress: { phase: string; done: number; total: number }) => void;
  /** Retries for 429/503 answers (pixel rate limits), honouring Retry-After. */
  maxRetries?: number;
}

export interface ReplaySummary {
  webhooks: number;
  pixelBatches: number;
  pixelEvents: number;
  seconds: number;
  phases: { name: string; deliveries: number; seconds: number }[];
}

export class ReplayError extends Error {
  constructor(message: string, readonly status: number, readonly delivery: string) {
    super(message);
  }
}

export function loadWebhookRoutes(file = path.join(root, "shopify.app.toml")): Map<string, string> {
  return parseWebhookRoutes(fs.readFileSync(file, "utf8"));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function deliver(d: Delivery, shop: string, target: ReplayTarget, routes: Map<string, string>, maxRetries: number): Promise<void> {
  const base = target.appUrl.replace(/\/$/, "");
  let url: string;
  let headers: Record<string, string>;
  if (d.kind === "webhook") {
    const uri = routes.get(d.topic);
    if (!uri) throw new ReplayError(`no webhook URI for topic ${d.topic} in shopify.app.toml`, 0, d.topic);
    url = base + uri;
    headers = {
      "Content-Type": "application/json",
      "User-Agent": "Shopify-Captain-Hook",
      "X-Shopify-Topic": d.topic,
      "X-Shopify-Hmac-Sha256": signWebhookBody(d.body, target.apiSecret),
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Webhook-Id": randomUUID(),
      "X-Shopify-Event-Id": d.eventId,
      "X-Shopify-Triggered-At": d.triggeredAt,
      "X-Shopify-API-Version": API_VERSION,
    };
  } else {
    url = `${base}/pixel/events`;
    headers = { "Content-Type": "application/json", Origin: `https://${shop}` };
  }
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { method: "POST", headers, body: d.body });
    } catch (error) {
      // A reset keep-alive socket (the server closed it while a busy event loop
      // held the client's timers) is sent again: webhooks carry their event id
      // and pixel events theirs, so the app stores a redelivery once.
      if (attempt < maxRetries && networkError(error)) {
        await sleep(200 * 2 ** attempt);
        continue;
      }
      throw error;
    }
    if (res.ok) {
      await res.arrayBuffer();
      return;
    }
    const text = (await res.text()).slice(0, 300);
    if ((res.status === 429 || res.status === 503) && attempt < maxRetries) {
      const wait = Number(res.headers.get("retry-after"));
      await sleep(Number.isFinite(wait) && wait > 0 ? Math.min(wait, 10) * 1000 : 200 * 2 ** attempt);
      continue;
    }
    const what = d.kind === "webhook" ? `webhook ${d.topic} (event ${d.eventId})` : `pixel batch of ${d.events} events`;
    throw new ReplayError(`${what} → ${url} answered ${res.status}: ${text}`, res.status, what);
  }
}

function networkError(error: unknown): boolean {
  const code = (error as { cause?: { code?: string } } | null)?.cause?.code;
  return error instanceof TypeError && (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET");
}

/** Runs lanes with at most `concurrency` deliveries in flight; stops at the first error. */
export async function runPhase(phase: ReplayPhase, send: (d: Delivery) => Promise<void>, concurrency: number, onDone: (done: number) => void) {
  let next = 0;
  let done = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < phase.lanes.length) {
      const lane = phase.lanes[next++]!;
      for (const d of lane) {
        if (failed !== null) return;
        try {
          await send(d);
        } catch (error) {
          failed ??= error;
          return;
        }
        onDone(++done);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, phase.lanes.length)) }, worker));
  if (failed !== null) throw failed;
}

/** One webhook, signed and sent to its route as Shopify would (the demo's live orders, refunds and checkouts). */
export async function sendWebhook(w: DemoWebhook, shop: string, target: ReplayTarget, routes: Map<string, string> = loadWebhookRoutes(), maxRetries = 5): Promise<void> {
  await deliver(webhookDelivery(w), shop, target, routes, maxRetries);
}

export async function replayStore(store: DemoStore, target: ReplayTarget, options: ReplayOptions = {}): Promise<ReplaySummary> {
  const started = performance.now();
  const routes = options.routes ?? loadWebhookRoutes();
  const phases = planReplay(store, { pixelBatchSize: options.pixelBatchSize ?? 20 });
  const concurrency = options.concurrency ?? 8;
  const summary: ReplaySummary = { webhooks: 0, pixelBatches: 0, pixelEvents: 0, seconds: 0, phases: [] };
  for (const phase of phases) {
    const t = performance.now();
    options.onProgress?.({ phase: phase.name, done: 0, total: phase.total });
    await runPhase(
      phase,
      async (d) => {
        await deliver(d, store.shop.domain, target, routes, options.maxRetries ?? 5);
        if (d.kind === "webhook") summary.webhooks++;
        else {
          summary.pixelBatches++;
          summary.pixelEvents += d.events;
        }
      },
      concurrency,
      (done) => options.onProgress?.({ phase: phase.name, done, total: phase.total }),
    );
    summary.phases.push({ name: phase.name, deliveries: phase.total, seconds: (performance.now() - t) / 1000 });
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
