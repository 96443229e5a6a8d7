// The headless demo's shoppers (purchases.ts decides, this sends): fresh
// abandoned carts before delivery starts, then, tick by tick on the demo's
// clock, the orders of recipients who opened or clicked, with their returns
// and one cancellation, and orders no email earned. Everything reaches the app
// as signed Shopify webhooks through its real routes (replay.server.ts), each
// sent once the simulated clock has passed its time, so the app sees them in
// the order a live shop would (an order after the click that led to it, and
// before the emails it makes unnecessary).
import type { Database } from "../db.server";
import { IdAllocator } from "./ids";
import { createRng } from "./prng";
import {
  PurchasePlanner,
  buildOrder,
  freshCheckouts,
  longAfterMs,
  orderWebhooks,
  unrelatedPurchases,
  type Engagement,
  type PurchaseIntent,
} from "./purchases";
import { loadWebhookRoutes, sendWebhook, type ReplayTarget } from "./replay.server";
import type { DemoStore, DemoWebhook, RestCheckout, RestCustomer, RestOrder } from "./types";

const DAY = 86_400_000;
/** Live ids start far above the history's (its counters stay well below a million per kind). */
const LIVE_ID_START = 1_000_000;
const TOPIC_RANK: Partial<Record<DemoWebhook["topic"], number>> = { "checkouts/create": 0, "checkouts/update": 1, "orders/create": 2, "refunds/create": 3, "orders/cancelled": 4, "orders/updated": 5 };

export interface ShoppersReport {
  /** Abandoned carts sent before delivery (the cart-recovery flow's audience). */
  checkoutsOpened: number;
  /** Orders placed by the demo's shoppers, by the rule the simulator meant them to show, plus "unrelated". */
  ordersPlaced: Record<PurchaseIntent | "unrelated", number>;
  refunds: number;
  cancelled: number;
  /** Names (#1234) of the orders no email earned. */
  unrelatedOrders: string[];
  webhooksSent: number;
}

export interface DemoShoppers {
  /** Sends the fresh abandoned carts (before the first tick: they started in the hours before `now`). */
  openCheckouts(): Promise<void>;
  /** Sends what is due at or before `at` (call before each tick). */
  advance(at: Date): Promise<void>;
  /** Plans the purchases of the recipients of these messages (their events must already be in). */
  afterSend(at: Date, messageIds: string[]): Promise<void>;
  /** Adds a clicker who comes back long after the window, then sends everything left. */
  finish(): Promise<ShoppersReport>;
}

export interface DemoShoppersOptions {
  db: Database;
  store: DemoStore;
  seed: number;
  target: ReplayTarget;
  unrelatedDays?: number;
  /**
   * When an order planned for `plannedMs` is placed. The headless demo keeps the
   * plan (its clock is simulated); the interactive one, on the wall clock,
   * compresses hours into seconds so a merchant sees the orders come.
   */
  placeAt?: (plannedMs: number) => number;
}

export function demoShoppers(options: DemoShoppersOptions): DemoShoppers {
  const { db, store, seed, target } = options;
  const shop = store.shop.domain;
  const nowMs = Date.parse(store.now);
  const root = createRng(`shoppers:${seed}`);
  const ids = new IdAllocator(root.fork("ids"), LIVE_ID_START);
  const orderRng = root.fork("orders");
  const routes = loadWebhookRoutes();
  const customers = new Map(store.customers.map((c) => [c.id, c]));
  const checkouts = new Map<string, RestCheckout>();
  const planner = new PurchasePlanner(seed);
  const pending: DemoWebhook[] = [];
  let nextNumber = 1001 + store.orders.length;
  const report: ShoppersReport = {
    checkoutsOpened: 0,
    ordersPlaced: { "discount-code": 0, "checkout-token": 0, "click-token": 0, "last-click": 0, unrelated: 0 },
    refunds: 0,
    cancelled: 0,
    unrelatedOrders: [],
    webhooksSent: 0,
  };

  const send = async (hooks: DemoWebhook[]) => {
    hooks.sort((a, b) => a.at - b.at || (TOPIC_RANK[a.topic] ?? 9) - (TOPIC_RANK[b.topic] ?? 9));
    for (const w of hooks) {
      await sendWebhook(w, shop, target, routes);
      report.webhooksSent++;
    }
  };

  const place = (customer: RestCustomer, plannedMs: number, how: { discount: Engagement["offer"]; landingSite: string; referringSite: string; checkout: RestCheckout | null; after: "refund" | "cancel" | null }): RestOrder => {
    const atMs = options.placeAt ? options.placeAt(plannedMs) : plannedMs;
    const order = buildOrder(orderRng, ids, store.products, { customer, atMs, number: nextNumber++, currency: store.shop.currency, ...how });
    const hooks = orderWebhooks(orderRng, ids, order, atMs, how.after);
    if (how.after === "refund") report.refunds++;
    if (how.after === "cancel") report.cancelled++;
    pending.push(...hooks);
    return order;
  };

  // Orders from customers who never get marketing email, spread over the demo's weeks.
  const unrelatedCount = Math.max(2, Math.round(store.customers.length / 60));
  for (const u of unrelatedPurchases(root.fork("unrelated"), store.customers, { count: unrelatedCount, fromMs: nowMs + 6 * 3_600_000, toMs: nowMs + (options.unrelatedDays ?? 20) * DAY })) {
    const order = place(u.customer, u.atMs, { discount: u.discount, landingSite: u.landingSite, referringSite: u.referringSite, checkout: null, after: null });
    report.ordersPlaced.unrelated++;
    report.unrelatedOrders.push(order.name);
    planner.markBought(u.customer.id);
  }

  return {
    async openCheckouts() {
      const fresh = freshCheckouts(root.fork("checkouts"), ids, store.customers, store.products, {
        count: Math.max(10, Math.round(store.customers.length * 0.03)),
        nowMs,
        currency: store.shop.currency,
        shopDomain: shop,
        shopNumericId: 60_000_000 + (seed % 9_000_000),
      });
      for (const c of fresh.checkouts) checkouts.set(c.token, c);
      report.checkoutsOpened = fresh.checkouts.length;
      await send(fresh.webhooks);
    },

    async advance(at) {
      const due = pending.filter((w) => w.at <= at.getTime());
      if (due.length === 0) return;
      const rest = pending.filter((w) => w.at > at.getTime());
      pending.length = 0;
      pending.push(...rest);
      await send(due);
    },

    async afterSend(_at, messageIds) {
      for (const e of PurchasePlanner.order(await engagements(db, shop, messageIds))) {
        const choice = planner.consider(e);
        if (!choice) continue;
        const customer = customers.get(choice.customerId);
        if (!customer) continue;
        const checkout = choice.checkoutToken ? (checkouts.get(choice.checkoutToken) ?? null) : null;
        place(customer, choice.atMs, { discount: choice.discount, landingSite: choice.landingSite, referringSite: choice.referringSite, checkout, after: choice.after });
        report.ordersPlaced[choice.intent]++;
      }
    },

    async finish() {
      // A clicker (who has not bought) returns directly long after their last click: no email earned it.
      const clicks = await db.emailEvent.findMany({ where: { shopId: shop, type: "click", messageId: { not: null } }, select: { messageId: true, occurredAt: true } });
      const messages = await db.message.findMany({ where: { shopId: shop, id: { in: [...new Set(clicks.map((c) => c.messageId!))] } }, select: { id: true, customerId: true } });
      const customerOf = new Map(messages.map((m) => [m.id, m.customerId]));
      const rows = await db.customer.findMany({ where: { shopId: shop, id: { in: [...new Set(messages.flatMap((m) => (m.customerId ? [m.customerId] : [])))] } }, select: { id: true, shopifyId: true } });
      const shopifyOf = new Map(rows.map((r) => [r.id, Number(r.shopifyId)]));
      const lastClick = new Map<number, number>();
      for (const c of clicks) {
        const who = shopifyOf.get(customerOf.get(c.messageId!) ?? "");
        if (who === undefined) continue;
        lastClick.set(who, Math.max(lastClick.get(who) ?? 0, c.occurredAt.getTime()));
      }
      const returning = [...lastClick.entries()].filter(([id]) => !planner.hasBought(id)).sort((a, b) => a[0] - b[0]);
      if (returning.length > 0) {
        const [id, last] = returning[Math.floor(root.fork("long-after").next() * returning.length)]!;
        const order = place(customers.get(id)!, longAfterMs(root.fork("long-after-time"), last), { discount: null, landingSite: "/", referringSite: "https://www.google.com/", checkout: null, after: null });
        planner.markBought(id);
        report.ordersPlaced.unrelated++;
        report.unrelatedOrders.push(order.name);
      }
      const rest = pending.splice(0, pending.length);
      await send(rest);
      return report;
    },
  };
}

/** What each recipient did with these messages, from the database (events as the webhook route stored them). */
async function engagements(db: Database, shopId: string, messageIds: string[]): Promise<Engagement[]> {
  if (messageIds.length === 0) return [];
  const messages = await db.message.findMany({
    where: { shopId, id: { in: messageIds }, status: "sent", test: false, customerId: { not: null } },
    select: { id: true, customerId: true, campaignId: true, step: true, flowType: true, sentAt: true, enrollmentId: true },
  });
  const customerIds = [...new Set(messages.map((m) => m.customerId!))];
  const [customers, enrollments, offers, events] = await Promise.all([
    db.customer.findMany({ where: { shopId, id: { in: customerIds } }, select: { id: true, shopifyId: true } }),
    db.enrollment.findMany({ where: { shopId, id: { in: messages.flatMap((m) => (m.enrollmentId ? [m.enrollmentId] : [])) } }, select: { id: true, triggerKey: true } }),
    db.offer.findMany({ where: { shopId, customerId: { in: customerIds }, status: "created" }, select: { campaignId: true, step: true, customerId: true, code: true, kind: true, value: true } }),
    db.emailEvent.findMany({ where: { shopId, messageId: { in: messageIds }, type: { in: ["open", "click"] }, machineOpen: false }, select: { messageId: true, type: true, occurredAt: true, url: true }, orderBy: { occurredAt: "asc" } }),
  ]);
  const shopifyId = new Map(customers.map((c) => [c.id, Number(c.shopifyId)]));
  const triggerKey = new Map(enrollments.map((e) => [e.id, e.triggerKey]));
  const offerOf = new Map(offers.map((o) => [`${o.campaignId}:${o.step}:${o.customerId}`, { code: o.code, kind: o.kind, value: o.value }]));
  const out: Engagement[] = [];
  for (const m of messages) {
    const customerId = shopifyId.get(m.customerId!);
    if (customerId === undefined || !m.sentAt) continue;
    const mine = events.filter((e) => e.messageId === m.id);
    const open = mine.find((e) => e.type === "open");
    const click = mine.find((e) => e.type === "click");
    const key = m.enrollmentId ? triggerKey.get(m.enrollmentId) : undefined;
    out.push({
      messageId: m.id,
      customerId,
      flowType: m.flowType,
      step: m.step,
      sentAtMs: m.sentAt.getTime(),
      openedAtMs: open ? open.occurredAt.getTime() : click ? click.occurredAt.getTime() : null,
      click: click ? { atMs: click.occurredAt.getTime(), url: click.url ?? `https://${shopId}/` } : null,
      offer: offerOf.get(`${m.campaignId}:${m.step}:${m.customerId}`) ?? null,
      checkoutToken: m.flowType === "cart-recovery" && key?.startsWith("checkout:") ? key.slice("checkout:".length) : null,
    });
  }
  return out;
}
