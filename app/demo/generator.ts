// The seeded, repeatable demo store: a catalog, customers with a year of
// orders ending `now`, abandoned checkouts and browsing sessions, all in
// Shopify's REST webhook and Web Pixel shapes. Pure: no I/O.
import { generateCatalog } from "./catalog";
import { generateAbandonedCheckouts } from "./checkouts";
import { generateCustomers, unsubscribed } from "./customers";
import { IdAllocator, uuid } from "./ids";
import { toMoney } from "./money";
import { generateOrders } from "./orders";
import { generateSessions } from "./pixel";
import { createRng } from "./prng";
import { DEMO_TIMEZONE, shopTimestamp, DAY } from "./shop-time";
import type { DemoStore, DemoWebhook, RestCustomer } from "./types";

export interface DemoStoreOptions {
  seed?: number;
  customers?: number;
  products?: number;
  /** The end of the store's year of history (default: the current hour). */
  now?: Date | number | string;
  shopDomain?: string;
  /** Days of browsing sessions and abandoned checkouts before `now`. */
  recentDays?: number;
  /** Abandoned checkouts per 100 customers. */
  abandonedPer100?: number;
  /** Non-converting browsing sessions per converting one. */
  browseRatio?: number;
}

export const DEMO_SHOP_DOMAIN = "loopwise-demo.myshopify.com";
export const DEFAULT_DEMO_OPTIONS = { seed: 42, customers: 2000, products: 240, recentDays: 30, abandonedPer100: 6, browseRatio: 2 } as const;

export function resolveNow(now: DemoStoreOptions["now"]): number {
  if (now === undefined) return Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const ms = now instanceof Date ? now.getTime() : typeof now === "number" ? now : Date.parse(now);
  if (!Number.isFinite(ms)) throw new Error(`invalid "now": ${String(now)}`);
  return ms;
}

const TOPIC_RANK: Record<DemoWebhook["topic"], number> = {
  "products/create": 0,
  "customers/create": 1,
  "customers/update": 2,
  "checkouts/create": 3,
  "checkouts/update": 4,
  "orders/create": 5,
  "refunds/create": 6,
  "orders/cancelled": 7,
  "orders/updated": 8,
};

export function generateDemoStore(options: DemoStoreOptions = {}): DemoStore {
  const seed = options.seed ?? DEFAULT_DEMO_OPTIONS.seed;
  const customerCount = options.customers ?? DEFAULT_DEMO_OPTIONS.customers;
  const productCount = options.products ?? DEFAULT_DEMO_OPTIONS.products;
  if (!Number.isInteger(customerCount) || customerCount < 1) throw new Error("customers must be a positive integer");
  if (!Number.isInteger(productCount) || productCount < 1) throw new Error("products must be a positive integer");
  const now = resolveNow(options.now);
  const domain = options.shopDomain ?? DEMO_SHOP_DOMAIN;
  const currency = "USD";
  const days = options.recentDays ?? DEFAULT_DEMO_OPTIONS.recentDays;
  const root = createRng(seed);
  const ids = new IdAllocator(root.fork("ids"));

  const catalog = generateCatalog(root.fork("catalog"), ids, { count: productCount, shopDomain: domain, now, currency });
  const plans = generateCustomers(root.fork("customers"), ids, { count: customerCount, now, currency });
  const generated = generateOrders(root.fork("orders"), ids, plans, catalog, { now, currency, shopDomain: domain });
  const { abandoned, webhooks: checkoutHooks } = generateAbandonedCheckouts(root.fork("checkouts"), ids, plans, catalog, {
    count: Math.round((customerCount * (options.abandonedPer100 ?? DEFAULT_DEMO_OPTIONS.abandonedPer100)) / 100),
    now,
    days,
    currency,
    shopDomain: domain,
    shopNumericId: 60_000_000 + (seed % 9_000_000),
  });
  const orderTimesMs = generated.webhooks.filter((w) => w.topic === "orders/create").map((w) => w.at);
  const sessions = generateSessions(root.fork("sessions"), catalog, catalog.collections, {
    shopDomain: domain,
    currency,
    now,
    days,
    browseRatio: options.browseRatio ?? DEFAULT_DEMO_OPTIONS.browseRatio,
    orders: generated.orders.map((order, i) => ({ order, atMs: orderTimesMs[i]!, plan: generated.customerOf[i]! })),
    abandoned,
    plans,
  });

  const events = root.fork("events");
  const webhooks: DemoWebhook[] = [];
  for (const entry of catalog.entries) {
    webhooks.push({ topic: "products/create", at: Date.parse(entry.product.created_at), eventId: uuid(events), payload: entry.product });
  }
  for (const plan of plans) {
    webhooks.push({ topic: "customers/create", at: plan.createdMs, eventId: uuid(events), payload: plan.customer });
    if (plan.unsubscribedMs !== null) {
      webhooks.push({ topic: "customers/update", at: plan.unsubscribedMs, eventId: uuid(events), payload: unsubscribed(plan.customer, plan.unsubscribedMs) });
    }
  }
  webhooks.push(...generated.webhooks, ...checkoutHooks);
  webhooks.sort((a, b) => a.at - b.at || TOPIC_RANK[a.topic] - TOPIC_RANK[b.topic]);

  return {
    seed,
    now: new Date(now).toISOString(),
    shop: { domain, name: "Loopwise Demo Goods", currency, timezone: DEMO_TIMEZONE, email: "owner@example.com" },
    products: catalog.entries.map((e) => e.product),
    collections: catalog.collections,
    customers: finalCustomers(plans, generated.orders, generated.customerOf),
    orders: generated.orders,
    checkouts: abandoned.map((a) => a.checkout),
    sessions,
    webhooks,
  };
}

/** Customers as the Admin API would show them today: order counts, spend, consent. */
function finalCustomers(plans: ReturnType<typeof generateCustomers>, orders: DemoStore["orders"], customerOf: number[]): RestCustomer[] {
  const stats = plans.map(() => ({ count: 0, spent: 0, last: null as null | DemoStore["orders"][number] }));
  orders.forEach((order, i) => {
    const s = stats[customerOf[i]!]!;
    if (order.cancelled_at) return;
    s.count++;
    s.spent += Math.round(Number(order.current_total_price) * 100);
    s.last = order;
  });
  return plans.map((plan, i) => {
    const s = stats[i]!;
    let c: RestCustomer = plan.customer;
    if (plan.unsubscribedMs !== null) c = unsubscribed(c, plan.unsubscribedMs);
    const lastMs = Math.max(Date.parse(c.updated_at), s.last ? Date.parse(s.last.created_at) : 0);
    return {
      ...c,
      orders_count: s.count,
      total_spent: toMoney(s.spent),
      last_order_id: s.last?.id ?? null,
      last_order_name: s.last?.name ?? null,
      updated_at: shopTimestamp(lastMs),
    };
  });
}

/** Counts for logs and summaries. */
export function describeStore(store: DemoStore) {
  const events = store.sessions.reduce((n, s) => n + s.events.length, 0);
  const yearAgo = Date.parse(store.now) - 365 * DAY;
  return {
    products: store.products.length,
    collections: store.collections.length,
    customers: store.customers.length,
    orders: store.orders.length,
    ordersInYear: store.orders.filter((o) => Date.parse(o.created_at) >= yearAgo).length,
    checkouts: store.checkouts.length,
    sessions: store.sessions.length,
    browseEvents: events,
    webhooks: store.webhooks.length,
  };
}
