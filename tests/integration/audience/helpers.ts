// Shared set-up for the audience tests: shops, order histories written straight
// into the database (fast and exact), and live orders sent as signed webhooks.
import { expect } from "vitest";
import prisma from "~/db.server";
import { simulateOrders } from "~/core/audience/predictions/simulate";
import { fixture, send } from "../webhooks/send";

// Fixtures are free-form JSON, edited per test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

export const DAY = 86_400_000;

export async function createShop(id: string, status = "installed", installedAt = new Date("2026-01-01T00:00:00Z")) {
  await prisma.shop.create({ data: { id, status, installedAt, currency: "USD" } });
}

export interface HistoryOrder {
  daysAgo: number;
  cents: number;
  cancelled?: boolean;
  test?: boolean;
}

/** Customer n of a shop: its database id and Shopify id are derived from n (a webhook for Shopify customer 1000 + n reaches it). */
export const customerKey = (shop: string, n: number) => `cust_${shop.split(".")[0]}_${String(n).padStart(5, "0")}`;
export const shopifyCustomerId = (n: number) => 1_000 + n;

let nextOrder = 1;

/** Customers and their orders, written directly (createMany), relative to `now`. */
export async function insertHistory(shop: string, customers: ReadonlyArray<{ n: number; orders: readonly HistoryOrder[] }>, now: Date) {
  const rows = customers.map((c) => ({ id: customerKey(shop, c.n), shopId: shop, shopifyId: String(shopifyCustomerId(c.n)), email: `c${c.n}@example.com`, emailConsentState: "SUBSCRIBED" }));
  const orders = customers.flatMap((c) =>
    c.orders.map((o) => {
      const id = nextOrder++;
      const at = new Date(now.getTime() - o.daysAgo * DAY);
      return {
        shopId: shop,
        shopifyId: `h${id}`,
        name: `#H${id}`,
        customerId: customerKey(shop, c.n),
        currency: "USD",
        totalPrice: o.cents,
        shopifyCreatedAt: at,
        shopifyUpdatedAt: at,
        cancelledAt: o.cancelled ? at : null,
        test: o.test ?? false,
      };
    }),
  );
  for (let i = 0; i < rows.length; i += 500) await prisma.customer.createMany({ data: rows.slice(i, i + 500) });
  for (let i = 0; i < orders.length; i += 500) await prisma.order.createMany({ data: orders.slice(i, i + 500) });
}

/** Every `gap` days, `count` orders, the last one `lastDaysAgo` days ago. */
export function regularOrders(count: number, gap: number, lastDaysAgo: number, cents = 5_000): HistoryOrder[] {
  return Array.from({ length: count }, (_, k) => ({ daysAgo: lastDaysAgo + (count - 1 - k) * gap, cents }));
}

export interface GeneratedShop {
  /** Bought every 20 days, the last time 3 days ago. */
  regular: string[];
  /** Bought every 10 days, then stopped 120 days ago. */
  stopped: string[];
  /** Never ordered. */
  noOrders: string[];
  customersWithOrders: number;
  orders: number;
}

/**
 * A shop with a known structure: 260 customers drawn from the BG/NBD and
 * Gamma–Gamma processes over a year, plus 20 regular recent buyers, 20 who
 * bought often and then stopped, and 5 who never ordered.
 */
export async function generatedShop(shop: string, now: Date, seed = 3): Promise<GeneratedShop> {
  const simulated = simulateOrders({ customers: 260, r: 0.9, alpha: 45, a: 0.7, b: 3, p: 5, q: 4, gamma: 9_000, acquisitionDays: 360, now, seed, idPrefix: "" });
  const byCustomer = new Map<number, HistoryOrder[]>();
  for (const o of simulated) {
    const n = Number(o.customerId);
    const list = byCustomer.get(n) ?? [];
    list.push({ daysAgo: (now.getTime() - o.at.getTime()) / DAY, cents: o.totalPrice });
    byCustomer.set(n, list);
  }
  const customers = [...byCustomer].map(([n, orders]) => ({ n, orders }));
  const regular = Array.from({ length: 20 }, (_, i) => ({ n: 300 + i, orders: regularOrders(10, 20, 3, 6_000 + i * 10) }));
  const stopped = Array.from({ length: 20 }, (_, i) => ({ n: 400 + i, orders: regularOrders(10, 10, 120, 6_000 + i * 10) }));
  const noOrders = Array.from({ length: 5 }, (_, i) => ({ n: 500 + i, orders: [] }));
  const all = [...customers, ...regular, ...stopped, ...noOrders];
  await insertHistory(shop, all, now);
  return {
    regular: regular.map((c) => customerKey(shop, c.n)),
    stopped: stopped.map((c) => customerKey(shop, c.n)),
    noOrders: noOrders.map((c) => customerKey(shop, c.n)),
    customersWithOrders: all.filter((c) => c.orders.length > 0).length,
    orders: all.reduce((s, c) => s + c.orders.length, 0),
  };
}

function money(cents: number) {
  const amount = (cents / 100).toFixed(2);
  return { shop_money: { amount, currency_code: "USD" }, presentment_money: { amount, currency_code: "USD" } };
}

let nextWebhookOrder = 8_000_000;

/** A live orders/create webhook for Shopify customer `shopifyCustomer`, placed `daysAgo` days ago. */
export async function sendOrder(shop: string, shopifyCustomer: number, cents: number, daysAgo = 0): Promise<void> {
  const base = fixture<Json>("orders-create");
  const id = nextWebhookOrder++;
  const at = new Date(Date.now() - daysAgo * DAY).toISOString();
  const body = {
    ...base,
    id,
    name: `#${id}`,
    created_at: at,
    processed_at: at,
    updated_at: at,
    checkout_token: null,
    cart_token: null,
    email: `c${shopifyCustomer}@example.com`,
    contact_email: `c${shopifyCustomer}@example.com`,
    total_price: (cents / 100).toFixed(2),
    total_price_set: money(cents),
    refunds: [],
    customer: { ...base.customer, id: shopifyCustomer, email: `c${shopifyCustomer}@example.com`, updated_at: at },
    line_items: base.line_items.map((li: Json, i: number) => ({ ...li, id: Number(`${id}0${i}`) })),
  };
  const res = await send({ topic: "orders/create", body, shop });
  expect(res.status).toBe(200);
}
