import { describe, expect, it } from "vitest";
import { demoPurchases, storeStats } from "~/demo/compare";
import { describeStore, generateDemoStore } from "~/demo/generator";
import { createRng } from "~/demo/prng";
import { easternOffsetMinutes, shopTimestamp } from "~/demo/shop-time";

const NOW = "2026-11-27T17:00:00Z";
const store = generateDemoStore({ seed: 7, customers: 1500, products: 200, now: NOW });
const MONEY = /^-?\d+\.\d{2}$/;

describe("determinism", () => {
  it("same seed and now: identical output; another seed: different", () => {
    const small = { customers: 150, products: 40, now: NOW };
    const a = JSON.stringify(generateDemoStore({ seed: 1, ...small }));
    expect(JSON.stringify(generateDemoStore({ seed: 1, ...small }))).toBe(a);
    expect(JSON.stringify(generateDemoStore({ seed: 2, ...small }))).not.toBe(a);
  });

  it("the PRNG is stable and uniform enough", () => {
    const rng = createRng(123);
    const first = [rng.next(), rng.next(), rng.next()];
    expect(createRng(123).next()).toBe(first[0]);
    const r = createRng("x");
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += r.next();
    expect(sum / 20_000).toBeGreaterThan(0.49);
    expect(sum / 20_000).toBeLessThan(0.51);
  });

  it("generates the default demo quickly", () => {
    const t = performance.now();
    generateDemoStore({ seed: 42, now: NOW });
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it("refuses bad sizes", () => {
    expect(() => generateDemoStore({ customers: 0 })).toThrow(/customers/);
    expect(() => generateDemoStore({ now: "nope" })).toThrow(/now/);
  });
});

describe("plausibility", () => {
  const stats = storeStats(demoPurchases(store));
  it("has the sizes asked for and a year of orders ending now", () => {
    const counts = describeStore(store);
    expect(counts.products).toBe(200);
    expect(counts.customers).toBe(1500);
    expect(counts.orders).toBeGreaterThan(1500);
    expect(counts.checkouts).toBeGreaterThan(40);
    expect(counts.browseEvents).toBeGreaterThan(5000);
    const times = store.orders.map((o) => Date.parse(o.created_at));
    expect(Math.max(...times)).toBeLessThanOrEqual(Date.parse(NOW));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse(NOW) - 366 * 86_400_000);
  });

  it("resembles a real store: repeat share, values, gaps, baskets, a holiday peak", () => {
    expect(stats.repeatShare).toBeGreaterThan(0.25);
    expect(stats.repeatShare).toBeLessThan(0.55);
    expect(stats.orderValue.p50).toBeGreaterThan(35);
    expect(stats.orderValue.p50).toBeLessThan(110);
    expect(stats.orderValue.p90 / stats.orderValue.p50).toBeGreaterThan(1.6);
    expect(stats.interPurchaseDays.p50).toBeGreaterThan(15);
    expect(stats.interPurchaseDays.p50).toBeLessThan(60);
    expect(stats.basketSize.p50).toBeGreaterThanOrEqual(1);
    expect(stats.singleItemShare).toBeGreaterThan(0.3);
    const nov = stats.monthShare[10]!;
    const summer = (stats.monthShare[5]! + stats.monthShare[6]! + stats.monthShare[7]!) / 3;
    expect(nov / summer).toBeGreaterThan(1.4);
  });

  it("mixes consent, stock, discounts, refunds and cancellations", () => {
    const states = new Set(store.customers.map((c) => c.email_marketing_consent.state));
    expect(states).toEqual(new Set(["subscribed", "not_subscribed", "unsubscribed"]));
    expect(new Set(store.customers.map((c) => c.email_marketing_consent.opt_in_level))).toContain("confirmed_opt_in");
    const variants = store.products.flatMap((p) => p.variants);
    expect(variants.some((v) => v.inventory_quantity === 0)).toBe(true);
    expect(variants.some((v) => v.inventory_quantity > 0)).toBe(true);
    expect(store.orders.some((o) => o.discount_codes.length > 0)).toBe(true);
    expect(store.orders.some((o) => o.refunds.length > 0 && !o.cancelled_at)).toBe(true);
    expect(store.orders.some((o) => o.cancelled_at)).toBe(true);
    expect(store.orders.some((o) => o.referring_site !== "" && o.landing_site.includes("utm_source"))).toBe(true);
    expect(store.collections.length).toBeGreaterThan(5);
  });
});

describe("payload shapes", () => {
  it("round-trips through JSON with numeric ids below 2^53 and decimal-string money", () => {
    const parsed = JSON.parse(JSON.stringify(store)) as typeof store;
    for (const p of parsed.products) {
      expect(Number.isSafeInteger(p.id)).toBe(true);
      expect(p.handle).toMatch(/^[a-z0-9-]+$/);
      expect(p.admin_graphql_api_id).toBe(`gid://shopify/Product/${p.id}`);
      expect(p.image?.src).toMatch(/^https:\/\/loopwise-demo\.myshopify\.com\//);
      for (const v of p.variants) expect(v.price).toMatch(MONEY);
    }
    expect(new Set(parsed.products.map((p) => p.handle)).size).toBe(parsed.products.length);
    for (const c of parsed.customers) {
      expect(c.email).toMatch(/@example\.(com|net|org)$/);
      expect(c.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00$/);
    }
    for (const o of parsed.orders) {
      for (const m of [o.total_price, o.subtotal_price, o.total_tax, o.total_discounts]) expect(m).toMatch(MONEY);
      const lines = o.line_items.reduce((s, li) => s + Math.round(Number(li.price) * 100) * li.quantity, 0);
      expect(lines).toBe(Math.round(Number(o.total_line_items_price) * 100));
      const total = Math.round(Number(o.subtotal_price) * 100) + Math.round(Number(o.total_tax) * 100) + Math.round(Number(o.total_shipping_price_set.shop_money.amount) * 100);
      expect(total).toBe(Math.round(Number(o.total_price) * 100));
      expect(o.customer.email).toBe(o.email);
    }
  });

  it("sends customers before their orders and never a webhook from the future", () => {
    const created = new Map<number, number>();
    store.webhooks.forEach((w, i) => {
      expect(w.at).toBeLessThanOrEqual(Date.parse(NOW));
      if (w.topic === "customers/create") created.set((w.payload as { id: number }).id, i);
      if (w.topic === "orders/create") {
        const customer = (w.payload as { customer: { id: number } }).customer.id;
        expect(created.get(customer)).toBeLessThan(i);
      }
    });
    expect(new Set(store.webhooks.map((w) => w.eventId)).size).toBe(store.webhooks.length);
  });

  it("abandoned checkouts have a recovery URL and no order", () => {
    const tokens = new Set(store.orders.map((o) => o.checkout_token));
    for (const c of store.checkouts) {
      expect(c.abandoned_checkout_url).toContain(`/checkouts/ac/${c.token}/recover`);
      expect(c.completed_at).toBeNull();
      expect(tokens.has(c.token)).toBe(false);
    }
    const topics = store.webhooks.filter((w) => w.topic.startsWith("checkouts/")).map((w) => w.topic);
    expect(topics.filter((t) => t === "checkouts/create")).toHaveLength(store.checkouts.length);
    expect(topics.filter((t) => t === "checkouts/update")).toHaveLength(store.checkouts.length);
  });

  it("pixel events use the standard names and shapes", () => {
    const names = new Set<string>();
    for (const s of store.sessions) {
      for (const e of s.events) {
        names.add(e.name);
        expect(e.id).toMatch(/^sh-/);
        expect(e.clientId).toBe(s.clientId);
        expect(e.context.document.location.href).toMatch(/^https:\/\/loopwise-demo\.myshopify\.com\//);
        expect(Number.isFinite(Date.parse(e.timestamp))).toBe(true);
        if (e.name === "product_viewed") expect(e.data).toMatchObject({ productVariant: { id: expect.any(String), product: { id: expect.any(String) }, price: { amount: expect.any(Number) } } });
        if (e.name === "product_added_to_cart") expect(e.data).toMatchObject({ cartLine: { quantity: 1, merchandise: { id: expect.any(String) } } });
        if (e.name === "checkout_completed") expect(e.data).toMatchObject({ checkout: { token: expect.any(String), order: { id: expect.any(String) } } });
      }
    }
    expect(names).toEqual(new Set(["page_viewed", "product_viewed", "collection_viewed", "search_submitted", "product_added_to_cart", "checkout_started", "checkout_completed"]));
    const completedTokens = store.sessions.flatMap((s) => s.events.filter((e) => e.name === "checkout_completed").map((e) => (e.data as { checkout: { token: string } }).checkout.token));
    const orderTokens = new Set(store.orders.map((o) => o.checkout_token));
    expect(completedTokens.every((t) => orderTokens.has(t))).toBe(true);
  });

  it("formats shop time with the US Eastern offset", () => {
    expect(easternOffsetMinutes(Date.UTC(2026, 6, 1))).toBe(-240);
    expect(easternOffsetMinutes(Date.UTC(2026, 0, 1))).toBe(-300);
    expect(shopTimestamp(Date.UTC(2026, 0, 1, 12, 0, 5))).toBe("2026-01-01T07:00:05-05:00");
  });
});
