// What the replay sends, and in which order. Pure: the demo store in, an
// ordered list of phases of HTTP deliveries out.
import type { BrowseSession, DemoStore, DemoWebhook, PixelEvent } from "./types";

/** Reads topic → URI from shopify.app.toml's [[webhooks.subscriptions]] blocks. */
export function parseWebhookRoutes(toml: string): Map<string, string> {
  const routes = new Map<string, string>();
  for (const block of toml.split(/^\s*\[\[webhooks\.subscriptions\]\]\s*$/m).slice(1)) {
    const body = block.split(/^\s*\[(?!\[webhooks\.subscriptions)/m)[0] ?? "";
    const uri = /^\s*uri\s*=\s*"([^"]+)"/m.exec(body)?.[1];
    const topics = /^\s*(?:compliance_)?topics\s*=\s*\[([^\]]*)\]/m.exec(body)?.[1];
    if (!uri || !topics) continue;
    for (const m of topics.matchAll(/"([^"]+)"/g)) routes.set(m[1]!, uri);
  }
  return routes;
}

export interface WebhookDelivery {
  kind: "webhook";
  topic: DemoWebhook["topic"];
  eventId: string;
  triggeredAt: string;
  body: string;
}

export interface PixelDelivery {
  kind: "pixel";
  body: string;
  events: number;
}

export type Delivery = WebhookDelivery | PixelDelivery;

/** Deliveries in one lane go one after another, in order; lanes run concurrently. */
export interface ReplayPhase {
  name: string;
  lanes: Delivery[][];
  total: number;
}

export function webhookDelivery(w: DemoWebhook): WebhookDelivery {
  return { kind: "webhook", topic: w.topic, eventId: w.eventId, triggeredAt: new Date(w.at).toISOString(), body: JSON.stringify(w.payload) };
}

/** The resource a webhook is about: its later deliveries share a lane. */
function laneKey(w: DemoWebhook): string {
  const p = w.payload as { id: number; order_id?: number; token?: string };
  if (w.topic === "refunds/create") return `order:${p.order_id}`;
  if (w.topic.startsWith("orders/")) return `order:${p.id}`;
  if (w.topic.startsWith("checkouts/")) return `checkout:${p.token}`;
  return `${w.topic.split("/")[0]}:${p.id}`;
}

function phase(name: string, hooks: DemoWebhook[], laned: boolean): ReplayPhase {
  if (!laned) return { name, lanes: hooks.map((h) => [webhookDelivery(h)]), total: hooks.length };
  const lanes = new Map<string, Delivery[]>();
  for (const h of hooks) {
    const key = laneKey(h);
    const lane = lanes.get(key) ?? [];
    lane.push(webhookDelivery(h));
    lanes.set(key, lane);
  }
  return { name, lanes: [...lanes.values()], total: hooks.length };
}

export function pixelBatches(shop: string, sessions: BrowseSession[], batchSize = 20): PixelDelivery[] {
  if (batchSize < 1 || batchSize > 50) throw new Error("pixel batch size must be 1..50");
  const out: PixelDelivery[] = [];
  for (const s of sessions) {
    const identity = s.customerId !== null ? { customerId: `gid://shopify/Customer/${s.customerId}`, ...(s.email ? { email: s.email } : {}) } : undefined;
    for (let i = 0; i < s.events.length; i += batchSize) {
      const events: PixelEvent[] = s.events.slice(i, i + batchSize);
      out.push({ kind: "pixel", body: JSON.stringify({ shop, ...(identity ? { identity } : {}), events }), events: events.length });
    }
  }
  return out;
}

/**
 * Products first, then customers, then orders and checkouts as created, then
 * everything that changed them later (one lane per order, checkout or customer,
 * in time order), then the browsing sessions (one lane per browser).
 */
export function planReplay(store: DemoStore, options: { pixelBatchSize?: number } = {}): ReplayPhase[] {
  const by = (topics: string[]) => store.webhooks.filter((w) => topics.includes(w.topic));
  const pixel = new Map<string, PixelDelivery[]>();
  const batches = pixelBatches(store.shop.domain, store.sessions, options.pixelBatchSize);
  batches.forEach((b) => {
    const client = (JSON.parse(b.body) as { events: PixelEvent[] }).events[0]!.clientId;
    const lane = pixel.get(client) ?? [];
    lane.push(b);
    pixel.set(client, lane);
  });
  return [
    phase("products", by(["products/create"]), false),
    phase("customers", by(["customers/create"]), false),
    phase("orders", by(["orders/create", "checkouts/create"]), false),
    phase("updates", by(["customers/update", "checkouts/update", "refunds/create", "orders/cancelled", "orders/updated"]), true),
    { name: "browsing", lanes: [...pixel.values()], total: batches.length },
  ];
}
