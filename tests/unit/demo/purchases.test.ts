// The demo's shoppers, pure part: who buys after which email, how the order
// shows it (code, checkout, click token, a direct return), and the payloads.
import { describe, expect, it } from "vitest";
import { clickTokenOf, discountCodesOf } from "~/core/attribution/rules";
import { generateDemoStore } from "~/demo/generator";
import { IdAllocator } from "~/demo/ids";
import { createRng } from "~/demo/prng";
import {
  PurchasePlanner,
  buildOrder,
  freshCheckouts,
  landingSiteOf,
  longAfterMs,
  orderWebhooks,
  unrelatedPurchases,
  type Engagement,
} from "~/demo/purchases";
import type { RestOrder, RestRefund } from "~/demo/types";

const NOW = "2026-11-27T17:00:00Z";
const NOW_MS = Date.parse(NOW);
const store = generateDemoStore({ seed: 3, customers: 120, products: 30, now: NOW });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const cents = (m: string) => Math.round(Number(m) * 100);

function engagement(over: Partial<Engagement> & { customerId: number }): Engagement {
  return { messageId: `msg${over.customerId}xxxxxx`, flowType: "product-launch", step: 0, sentAtMs: NOW_MS, openedAtMs: null, click: null, offer: null, checkoutToken: null, ...over };
}
const click = (customerId: number, atMs = NOW_MS + HOUR) => ({
  atMs,
  url: `https://loopwise-demo.myshopify.com/products/mug?utm_source=loopwise&utm_medium=email&utm_campaign=product-launch&lw=msg${customerId}xxxxxx`,
});

describe("PurchasePlanner", () => {
  it("shows every rule first, in precedence order, then draws; one order per customer", () => {
    const p = new PurchasePlanner(7);
    const code = p.consider(engagement({ customerId: 1, openedAtMs: NOW_MS + HOUR, offer: { code: "LW-ABC", kind: "percentage", value: 15 } }))!;
    expect(code).toMatchObject({ intent: "discount-code", discount: { code: "LW-ABC" }, landingSite: "/", checkoutToken: null });
    const cart = p.consider(engagement({ customerId: 2, flowType: "cart-recovery", openedAtMs: NOW_MS + HOUR, checkoutToken: "tok2" }))!;
    expect(cart).toMatchObject({ intent: "checkout-token", checkoutToken: "tok2", discount: null });
    const link = p.consider(engagement({ customerId: 3, openedAtMs: NOW_MS + HOUR, click: click(3) }))!;
    expect(link.intent).toBe("click-token");
    expect(clickTokenOf(link.landingSite)).toBe("msg3xxxxxx");
    expect(link.landingSite).toMatch(/^\/products\/mug\?utm_source=loopwise&utm_medium=email&utm_campaign=product-launch&lw=/);
    const back = p.consider(engagement({ customerId: 4, openedAtMs: NOW_MS + HOUR, click: click(4) }))!;
    expect(back).toMatchObject({ intent: "last-click", landingSite: "/", discount: null, checkoutToken: null });
    expect(clickTokenOf(back.landingSite)).toBeNull();
    // The same customer never buys twice.
    expect(p.consider(engagement({ customerId: 3, step: 1, openedAtMs: NOW_MS + 2 * HOUR, click: click(3, NOW_MS + 2 * HOUR) }))).toBeNull();
    expect(p.counts).toEqual({ "discount-code": 1, "checkout-token": 1, "click-token": 1, "last-click": 1 });
  });

  it("orders come after the touch that led to them; a direct return stays within the 5-day window", () => {
    for (let id = 10; id < 200; id++) {
      const p = new PurchasePlanner(id);
      p.consider(engagement({ customerId: 1, click: click(1), openedAtMs: NOW_MS })); // click-token shown
      const c = p.consider(engagement({ customerId: id, click: click(id), openedAtMs: NOW_MS }))!;
      expect(c.intent).toBe("last-click");
      expect(c.atMs - (NOW_MS + HOUR)).toBeGreaterThanOrEqual(3 * HOUR);
      expect(c.atMs - (NOW_MS + HOUR)).toBeLessThan(5 * DAY);
    }
  });

  it("no open and no click: no purchase; a machine's interest is not passed in at all", () => {
    const p = new PurchasePlanner(1);
    expect(p.consider(engagement({ customerId: 5, offer: { code: "LW-X", kind: "percentage", value: 10 } }))).toBeNull();
  });

  it("is deterministic per seed and engagement, and converts a share once every rule is shown", () => {
    const list = Array.from({ length: 400 }, (_, i) => engagement({ customerId: 1000 + i, step: i % 4, openedAtMs: NOW_MS + i * 60_000, click: i % 2 ? click(1000 + i, NOW_MS + i * 60_000) : null, offer: i % 4 === 3 ? { code: `LW-${i}`, kind: "percentage", value: 15 } : null }));
    const run = (seed: number) => {
      const p = new PurchasePlanner(seed);
      return PurchasePlanner.order(list).map((e) => p.consider(e));
    };
    expect(JSON.stringify(run(5))).toBe(JSON.stringify(run(5)));
    expect(JSON.stringify(run(6))).not.toBe(JSON.stringify(run(5)));
    const choices = run(5).filter((c) => c !== null);
    // Clickers buy at about 35 %, openers with a code at about 12 %: far from none, far from all.
    expect(choices.length).toBeGreaterThan(40);
    expect(choices.length).toBeLessThan(150);
    expect(choices.filter((c) => c!.after === "cancel")).toHaveLength(1);
    expect(choices.filter((c) => c!.after === "refund").length).toBeGreaterThanOrEqual(1);
    // The cancelled order is never a rule's only example.
    const cancelled = choices.find((c) => c!.after === "cancel")!;
    expect(choices.filter((c) => c!.intent === cancelled.intent && c!.after !== "cancel").length).toBeGreaterThan(0);
  });

  it("landing sites keep a link's path and query", () => {
    expect(landingSiteOf("https://s.myshopify.com/collections/all?utm_source=loopwise&lw=abcdefgh12")).toBe("/collections/all?utm_source=loopwise&lw=abcdefgh12");
    expect(landingSiteOf("not a url")).toBe("/");
  });
});

describe("payloads", () => {
  const ids = new IdAllocator(createRng("t"), 1_000_000);
  const customer = store.customers.find((c) => c.default_address)!;
  const historyMaxId = Math.max(...store.orders.map((o) => o.id));

  it("an order with the email's code: the discount applied, totals that add up, ids above the history's", () => {
    const order = buildOrder(createRng(1), ids, store.products, {
      customer,
      atMs: NOW_MS + DAY,
      number: 1001 + store.orders.length,
      currency: "USD",
      discount: { code: "LW-ABCDEFGHJK", kind: "percentage", value: 15 },
      landingSite: "/?lw=abcdefgh12",
      referringSite: "",
      checkout: null,
    });
    expect(order.id).toBeGreaterThan(historyMaxId);
    expect(order.id).toBeLessThan(2 ** 53);
    expect(order.name).toBe(`#${1001 + store.orders.length}`);
    expect(discountCodesOf(order.discount_codes)).toEqual(["LW-ABCDEFGHJK"]);
    const items = order.line_items.reduce((s, l) => s + cents(l.price) * l.quantity, 0);
    expect(cents(order.total_line_items_price)).toBe(items);
    expect(cents(order.total_discounts)).toBe(Math.round(items * 0.15));
    expect(order.line_items.reduce((s, l) => s + l.discount_allocations.reduce((a, d) => a + cents(d.amount), 0), 0)).toBe(cents(order.total_discounts));
    expect(cents(order.total_price)).toBe(cents(order.subtotal_price) + cents(order.total_tax_set.shop_money.amount) + cents(order.total_shipping_price_set.shop_money.amount));
    expect(order.created_at).toMatch(/^2026-11-28T\d\d:\d\d:\d\d-05:00$/);
    expect(order.customer?.id).toBe(customer.id);
    for (const l of order.line_items) expect(store.products.some((p) => p.id === l.product_id && p.variants.some((v) => v.id === l.variant_id))).toBe(true);
  });

  it("completing a checkout: its token and its lines", () => {
    const { checkouts, webhooks } = freshCheckouts(createRng(2), ids, store.customers, store.products, { count: 5, nowMs: NOW_MS, currency: "USD", shopDomain: "s.myshopify.com", shopNumericId: 1 });
    expect(checkouts).toHaveLength(5);
    expect(webhooks.map((w) => w.topic)).toEqual(Array.from({ length: 5 }, () => ["checkouts/create", "checkouts/update"]).flat());
    for (const w of webhooks) {
      expect(w.at).toBeLessThanOrEqual(NOW_MS - HOUR);
      expect(w.at).toBeGreaterThan(NOW_MS - 21 * HOUR);
    }
    const subscribed = new Set(store.customers.filter((c) => c.email_marketing_consent.state === "subscribed").map((c) => c.id));
    for (const c of checkouts) expect(subscribed.has(c.customer!.id)).toBe(true);
    const checkout = checkouts[0]!;
    const buyer = store.customers.find((c) => c.id === checkout.customer!.id)!;
    const order = buildOrder(createRng(3), ids, store.products, { customer: buyer, atMs: NOW_MS + HOUR, number: 2000, currency: "USD", discount: null, landingSite: "/", referringSite: "", checkout });
    expect(order.checkout_token).toBe(checkout.token);
    expect(order.line_items.map((l) => [l.variant_id, l.quantity])).toEqual(checkout.line_items.map((l) => [l.variant_id, l.quantity]));
    expect(order.discount_codes).toEqual([]);
  });

  it("a cancellation refunds everything; a return refunds a line (or all of a one-line order) days later", () => {
    const base = { customer, number: 3000, currency: "USD", discount: null, landingSite: "/", referringSite: "", checkout: null };
    const order = buildOrder(createRng(4), ids, store.products, { ...base, atMs: NOW_MS });
    const cancel = orderWebhooks(createRng(5), ids, order, NOW_MS, "cancel");
    expect(cancel.map((w) => w.topic)).toEqual(["orders/create", "refunds/create", "orders/cancelled"]);
    const cancelled = cancel[2]!.payload as RestOrder;
    expect(cancelled.cancelled_at).not.toBeNull();
    expect((cancel[1]!.payload as RestRefund).transactions[0]!.amount).toBe(order.total_price);
    expect(cancel[1]!.at).toBeGreaterThan(NOW_MS);

    const ret = orderWebhooks(createRng(6), ids, order, NOW_MS, "refund");
    expect(ret.map((w) => w.topic)).toEqual(["orders/create", "refunds/create", "orders/updated"]);
    expect(ret[1]!.at - NOW_MS).toBeGreaterThanOrEqual(3 * DAY);
    const refunded = cents((ret[1]!.payload as RestRefund).transactions[0]!.amount);
    expect(refunded).toBeGreaterThan(0);
    expect(refunded).toBeLessThanOrEqual(cents(order.total_price));
    expect(cents((ret[2]!.payload as RestOrder).current_total_price)).toBe(cents(order.total_price) - refunded);
    expect(orderWebhooks(createRng(7), ids, order, NOW_MS, null).map((w) => w.topic)).toEqual(["orders/create"]);
  });

  it("unrelated orders come from customers who get no marketing email, within the span; a late return is past the window", () => {
    const list = unrelatedPurchases(createRng(8), store.customers, { count: 6, fromMs: NOW_MS, toMs: NOW_MS + 20 * DAY });
    expect(list).toHaveLength(6);
    for (const u of list) {
      expect(u.customer.email_marketing_consent.state).not.toBe("subscribed");
      expect(u.atMs).toBeGreaterThanOrEqual(NOW_MS);
      expect(u.atMs).toBeLessThan(NOW_MS + 20 * DAY);
      expect(clickTokenOf(u.landingSite)).toBeNull();
      expect(u.discount?.code ?? "SPRING20").not.toMatch(/^LW-/);
    }
    expect(new Set(list.map((u) => u.customer.id)).size).toBe(6);
    for (let i = 0; i < 50; i++) expect(longAfterMs(createRng(i), NOW_MS) - NOW_MS).toBeGreaterThan(5 * DAY);
  });
});
