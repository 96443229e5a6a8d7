// Merchant segments on the real database (SQLite, and PostgreSQL with TEST_DATABASE=postgres):
// each rule's count and sample are checked against a brute-force filter over the seeded data.
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { all, any, type Condition, type Rule, type RuleNode } from "~/core/audience/segments/rule";
import { countMembers, evaluateCustomerSegments, evaluateSegment, sampleMembers, saveSegment } from "~/core/audience/segments/segments.server";
import { parseSegmentText } from "~/core/audience/segments/natural-language";

const SHOP = "seg-a.myshopify.com";
const OTHER = "seg-b.myshopify.com";
const NOW = new Date("2026-06-01T12:00:00.000Z");
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

// ---- the seeded world, kept in memory for the brute force --------------------------

type Product = { shopifyId: string; productType: string; collections: Array<{ id: string; handle: string; title: string }> };
const PRODUCTS: Product[] = [
  { shopifyId: "101", productType: "Outerwear", collections: [{ id: "gid://shopify/Collection/1", handle: "outerwear", title: "Outerwear" }] },
  { shopifyId: "102", productType: "outerwear", collections: [] },
  { shopifyId: "103", productType: "Shoes", collections: [{ id: "gid://shopify/Collection/2", handle: "winter-sale", title: "Winter Sale" }] },
  { shopifyId: "104", productType: "Hats", collections: [{ id: "gid://shopify/Collection/1", handle: "outerwear", title: "Outerwear" }] },
];
type SeedOrder = { at: Date; cancelled: boolean; test: boolean; products: string[] };
type SeedEvent = { type: "product_viewed" | "product_added_to_cart"; at: Date; product: string };
type SeedProfile = {
  orderCount: number; totalSpent: number; averageOrderValue: number; refundCount: number; predictedClv12m: number | null; pAlive: number | null;
  churnRisk: string | null; lifecycleStage: string | null; firstOrderAt: Date | null; lastOrderAt: Date | null;
  recencyScore: number | null; frequencyScore: number | null; monetaryScore: number | null;
};
type SeedCustomer = { n: number; tags: string; consent: string; deleted: boolean; orders: SeedOrder[]; events: SeedEvent[]; profile: SeedProfile | null };

function rng(seed: number) {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
}

function world(count: number): SeedCustomer[] {
  const r = rng(7);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: count }, (_, n) => {
    const orders: SeedOrder[] = Array.from({ length: Math.floor(r() * 5) }, () => ({
      at: ago(r() < 0.3 ? r() * 30 : r() * 400),
      cancelled: r() < 0.1,
      test: r() < 0.05,
      products: Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(PRODUCTS).shopifyId),
    }));
    const events: SeedEvent[] = Array.from({ length: Math.floor(r() * 8) }, () => ({
      type: r() < 0.7 ? "product_viewed" : "product_added_to_cart",
      at: ago(r() * 40),
      product: pick(PRODUCTS).shopifyId,
    }));
    const counted = orders.filter((o) => !o.cancelled && !o.test).map((o) => o.at.getTime()).sort((a, b) => a - b);
    const totalSpent = Math.floor(r() * 50_000);
    const profile: SeedProfile | null = r() < 0.1 ? null : {
      orderCount: counted.length,
      totalSpent,
      averageOrderValue: counted.length ? Math.round(totalSpent / counted.length) : 0,
      refundCount: Math.floor(r() * 2),
      predictedClv12m: r() < 0.2 ? null : Math.floor(r() * 40_000),
      pAlive: r() < 0.2 ? null : Math.round(r() * 100) / 100,
      churnRisk: r() < 0.2 ? null : pick(["low", "medium", "high"]),
      lifecycleStage: pick([null, "new", "active", "at-risk", "dormant"]),
      firstOrderAt: counted.length ? new Date(counted[0]!) : null,
      lastOrderAt: counted.length ? new Date(counted[counted.length - 1]!) : null,
      recencyScore: 1 + Math.floor(r() * 5),
      frequencyScore: 1 + Math.floor(r() * 5),
      monetaryScore: r() < 0.1 ? null : 1 + Math.floor(r() * 5),
    };
    return {
      n,
      tags: pick(["", "vip", "VIP, wholesale", "vipx", "wholesale, vip", "newsletter"]),
      consent: pick(["SUBSCRIBED", "SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING"]),
      deleted: r() < 0.05,
      orders,
      events,
      profile,
    };
  });
}

const customerId = (shop: string, n: number) => `${shop === SHOP ? "a" : shop === OTHER ? "b" : "c"}-${String(n).padStart(4, "0")}`;

async function seedShop(shop: string, customers: SeedCustomer[]) {
  await prisma.shop.create({ data: { id: shop } });
  await prisma.product.createMany({
    data: PRODUCTS.map((p) => ({ shopId: shop, shopifyId: p.shopifyId, title: p.productType, handle: `p-${p.shopifyId}`, productType: p.productType, collections: p.collections })),
  });
  await prisma.customer.createMany({
    data: customers.map((c) => ({
      id: customerId(shop, c.n), shopId: shop, shopifyId: String(1000 + c.n), email: `c${c.n}@example.com`, tags: c.tags, emailConsentState: c.consent,
      deletedAt: c.deleted ? ago(1) : null,
    })),
  });
  let orderNo = 0;
  let lineNo = 0;
  for (const c of customers) {
    const id = customerId(shop, c.n);
    for (const o of c.orders) {
      const order = await prisma.order.create({
        data: {
          shopId: shop, shopifyId: String(++orderNo), customerId: id, currency: "USD", totalPrice: 1000, test: o.test,
          cancelledAt: o.cancelled ? o.at : null, shopifyCreatedAt: o.at, shopifyUpdatedAt: o.at,
        },
      });
      await prisma.lineItem.createMany({
        data: o.products.map((p) => ({ shopId: shop, orderId: order.id, shopifyId: String(++lineNo), productShopifyId: p, title: "x", quantity: 1, price: 500 })),
      });
    }
    await prisma.browseEvent.createMany({
      data: c.events.map((e, i) => ({ shopId: shop, eventId: `${id}-${i}`, browserId: `b-${id}`, customerId: id, type: e.type, occurredAt: e.at, productShopifyId: e.product })),
    });
    if (c.profile) await prisma.customerProfile.create({ data: { shopId: shop, customerId: id, ...c.profile } });
  }
}

// ---- brute force ---------------------------------------------------------------------

const wholeDays = (d: Date) => Math.floor((NOW.getTime() - d.getTime()) / DAY);
const inWindow = (at: Date, days?: number) => days === undefined || at.getTime() >= NOW.getTime() - days * DAY;

function compare(v: number | null | undefined, op: string, a: number, b?: number): boolean {
  if (v === null || v === undefined) return false;
  switch (op) {
    case "gt": return v > a;
    case "gte": return v >= a;
    case "lt": return v < a;
    case "lte": return v <= a;
    case "eq": return v === a;
    case "neq": return v !== a;
    case "between": return v >= a && v <= (b ?? a);
    default: throw new Error(op);
  }
}

function productsOf(target: Extract<Condition, { type: "bought" }>["target"]): string[] {
  if (target.kind === "product") return [target.productId];
  const v = target.value.toLowerCase();
  return PRODUCTS.filter((p) =>
    target.kind === "productType" ? p.productType.toLowerCase() === v
    : target.kind === "collection" ? p.collections.some((c) => c.title.toLowerCase() === v || c.handle === v)
    : false,
  ).map((p) => p.shopifyId);
}

function holds(c: SeedCustomer, node: RuleNode): boolean {
  if (node.type === "group") return node.combinator === "and" ? node.children.every((n) => holds(c, n)) : node.children.some((n) => holds(c, n));
  const p = c.profile;
  const realOrders = c.orders.filter((o) => !o.cancelled && !o.test);
  switch (node.type) {
    case "profile": {
      if (!p) return false;
      const value =
        node.field === "daysSinceLastOrder" ? (p.lastOrderAt ? wholeDays(p.lastOrderAt) : null)
        : node.field === "daysSinceFirstOrder" ? (p.firstOrderAt ? wholeDays(p.firstOrderAt) : null)
        : p[node.field];
      return compare(value, node.op, node.value, node.value2);
    }
    case "churnRisk":
    case "lifecycleStage": {
      const value = p?.[node.type];
      if (value === null || value === undefined) return false;
      return (node.values as string[]).includes(value) === (node.op === "in");
    }
    case "emailConsent":
      return (node.states as string[]).includes(c.consent) === (node.op === "in");
    case "tag": {
      const has = c.tags.split(",").some((t) => t.trim().toLowerCase() === node.tag.toLowerCase());
      return node.op === "has" ? has : !has;
    }
    case "bought": {
      const ids = productsOf(node.target);
      const did = realOrders.some((o) => inWindow(o.at, node.withinDays) && o.products.some((x) => ids.includes(x)));
      return node.op === "did" ? did : !did;
    }
    case "activity": {
      const n = node.event === "order"
        ? realOrders.filter((o) => inWindow(o.at, node.withinDays)).length
        : c.events.filter((e) => e.type === (node.event === "productView" ? "product_viewed" : "product_added_to_cart") && inWindow(e.at, node.withinDays) && (node.productId === undefined || e.product === node.productId)).length;
      return node.op === "atLeast" ? n >= node.count : node.op === "atMost" ? n <= node.count : n === node.count;
    }
  }
}

const expected = (customers: SeedCustomer[], rule: Rule) =>
  customers.filter((c) => !c.deleted && holds(c, rule)).map((c) => customerId(SHOP, c.n)).sort();

// ---- the tests -------------------------------------------------------------------------

const customersA = world(150);
const customersB = world(150); // the same people in another shop: they must never match shop A's rules

beforeAll(async () => {
  await seedShop(SHOP, customersA);
  await seedShop(OTHER, customersB);
}, 120_000);

const RULES: Array<[string, Rule]> = [
  ["two or more orders", all({ type: "profile", field: "orderCount", op: "gte", value: 2 })],
  ["bought twice but nothing in 90 days", all({ type: "profile", field: "orderCount", op: "gte", value: 2 }, { type: "activity", event: "order", op: "atMost", count: 0, withinDays: 90 })],
  ["spent over $200", all({ type: "profile", field: "totalSpent", op: "gt", value: 20000 })],
  ["last order 60+ days ago", all({ type: "profile", field: "daysSinceLastOrder", op: "gte", value: 60 })],
  ["last order exactly 10..20 days ago", all({ type: "profile", field: "daysSinceLastOrder", op: "between", value: 10, value2: 20 })],
  ["predicted CLV not 0, pAlive below 0.3 or high churn", any({ type: "profile", field: "pAlive", op: "lt", value: 0.3 }, { type: "churnRisk", op: "in", values: ["high"] })],
  ["churn risk not low, lifecycle not dormant", all({ type: "churnRisk", op: "notIn", values: ["low"] }, { type: "lifecycleStage", op: "notIn", values: ["dormant"] })],
  ["subscribed and tagged vip", all({ type: "emailConsent", op: "in", states: ["SUBSCRIBED"] }, { type: "tag", op: "has", tag: "vip" })],
  ["not tagged vip or not subscribed", any({ type: "tag", op: "hasNot", tag: "Vip" }, { type: "emailConsent", op: "notIn", states: ["SUBSCRIBED"] })],
  ["bought from Outerwear (collection) in 120 days", all({ type: "bought", op: "did", target: { kind: "collection", value: "outerwear" }, withinDays: 120 })],
  ["never bought Outerwear (product type)", all({ type: "bought", op: "didNot", target: { kind: "productType", value: "OUTERWEAR" } })],
  ["bought product 103", all({ type: "bought", op: "did", target: { kind: "product", productId: "103" } })],
  ["viewed products 3+ times in 7 days", all({ type: "activity", event: "productView", op: "atLeast", count: 3, withinDays: 7 })],
  ["viewed product 101 at least once in 30 days", all({ type: "activity", event: "productView", op: "atLeast", count: 1, withinDays: 30, productId: "101" })],
  ["2+ orders in 90 days", all({ type: "activity", event: "order", op: "atLeast", count: 2, withinDays: 90 })],
  ["at most 1 order in a year", all({ type: "activity", event: "order", op: "atMost", count: 1, withinDays: 365 })],
  ["exactly one add-to-cart in 30 days and no order in 30", all({ type: "activity", event: "addToCart", op: "exactly", count: 1, withinDays: 30 }, { type: "activity", event: "order", op: "atMost", count: 0, withinDays: 30 })],
  ["nested", any(all({ type: "profile", field: "monetaryScore", op: "gte", value: 4 }, any({ type: "tag", op: "has", tag: "wholesale" }, { type: "activity", event: "productView", op: "atLeast", count: 2, withinDays: 14 })), { type: "profile", field: "averageOrderValue", op: "neq", value: 0 })],
];

describe("countMembers and sampleMembers against a brute-force filter", () => {
  it.each(RULES)("%s", async (_name, rule) => {
    const want = expected(customersA, rule);
    expect(want.length).toBeGreaterThan(0); // every rule is exercised on a non-empty set…
    expect(want.length).toBeLessThan(customersA.filter((c) => !c.deleted).length); // …that is not everyone
    for (const pageSize of [1000, 7]) {
      expect(await countMembers(SHOP, rule, { now: NOW, pageSize })).toBe(want.length);
      const sample = await sampleMembers(SHOP, rule, 10, { now: NOW, pageSize });
      expect(sample.map((s) => s.id)).toEqual(want.slice(0, 10));
    }
  });

  it("another shop's customers never match", async () => {
    const rule = all({ type: "profile", field: "orderCount", op: "gte", value: 0 });
    expect(await countMembers(SHOP, rule, { now: NOW })).toBe(customersA.filter((c) => !c.deleted && c.profile).length);
    const sample = await sampleMembers(SHOP, all({ type: "tag", op: "hasNot", tag: "zzz" }), 100, { now: NOW, pageSize: 9 });
    expect(sample.every((s) => s.id.startsWith("a-"))).toBe(true);
    expect(await countMembers("nobody.myshopify.com", rule, { now: NOW })).toBe(0);
  });

  it("counts what the natural-language box produced", async () => {
    const parsed = parseSegmentText("customers who bought twice but nothing in 90 days");
    if (!("rule" in parsed)) throw new Error(parsed.error);
    expect(await countMembers(SHOP, parsed.rule, { now: NOW })).toBe(expected(customersA, parsed.rule).length);
  });

  it("refuses an invalid rule with readable errors", async () => {
    await expect(countMembers(SHOP, all({ type: "profile", field: "recencyScore", op: "gt", value: 9 }), { now: NOW })).rejects.toThrow(
      /recency score must be between 1 and 5/,
    );
  });
});

describe("saveSegment and evaluateSegment", () => {
  const rule = all({ type: "activity", event: "order", op: "atMost", count: 0, withinDays: 30 }, { type: "activity", event: "productView", op: "atLeast", count: 2, withinDays: 30 });

  it("stores a custom segment with a slug, a description and its size, and records who enters and leaves", async () => {
    const saved = await saveSegment(SHOP, { name: "Browsers, no buy!", rule }, { now: NOW });
    const want = expected(customersA, rule);
    expect(saved).toMatchObject({ key: "browsers-no-buy", kind: "custom", size: want.length });
    expect(saved.description).toBe("Customers who placed no orders in the last 30 days and viewed products at least 2 times in the last 30 days");
    const again = await saveSegment(SHOP, { name: "Browsers no buy", rule }, { now: NOW });
    expect(again.key).toBe("browsers-no-buy-2");

    // Saving evaluated it: its members are stored, each with an "entered" transition.
    const members = await prisma.segmentMembership.findMany({ where: { segmentId: saved.id }, select: { customerId: true }, orderBy: { customerId: "asc" } });
    expect(members.map((m) => m.customerId)).toEqual(want);
    expect(await prisma.segmentTransition.count({ where: { segmentId: saved.id, kind: "entered", at: NOW } })).toBe(want.length);
    expect(await evaluateSegment(SHOP, saved.id, { now: NOW, pageSize: 11 })).toEqual({ size: want.length, entered: 0, left: 0 });
    expect(await evaluateSegment(SHOP, saved.id, { now: NOW })).toEqual({ size: want.length, entered: 0, left: 0 });

    // One member orders; another is deleted; a non-member starts browsing.
    const [buyer, gone] = [want[0]!, want[1]!];
    await prisma.order.create({ data: { shopId: SHOP, shopifyId: "new-1", customerId: buyer, currency: "USD", totalPrice: 100, shopifyCreatedAt: ago(1), shopifyUpdatedAt: ago(1) } });
    await prisma.customer.update({ where: { id: gone }, data: { deletedAt: NOW } });
    const newcomer = customersA.find((c) => !c.deleted && !want.includes(customerId(SHOP, c.n)) && !c.orders.some((o) => !o.cancelled && !o.test && o.at >= ago(30)))!;
    const newcomerId = customerId(SHOP, newcomer.n);
    await prisma.browseEvent.createMany({
      data: [1, 2].map((i) => ({ shopId: SHOP, eventId: `new-${i}`, browserId: "b-new", customerId: newcomerId, type: "product_viewed", occurredAt: ago(2) })),
    });
    const later = new Date(NOW.getTime() + 60_000);
    expect(await evaluateSegment(SHOP, saved.id, { now: later, pageSize: 11 })).toEqual({ size: want.length - 1, entered: 1, left: 2 });
    const transitions = await prisma.segmentTransition.findMany({ where: { segmentId: saved.id, at: later }, orderBy: { customerId: "asc" } });
    expect(transitions.map((t) => [t.customerId, t.kind]).sort()).toEqual([[buyer, "left"], [gone, "left"], [newcomerId, "entered"]].sort());
    expect((await prisma.segment.findUniqueOrThrow({ where: { id: saved.id } })).size).toBe(want.length - 1);
    expect(await prisma.segmentTransition.count({ where: { shopId: OTHER } })).toBe(0);
  });

  it("will not evaluate another shop's segment", async () => {
    const saved = await saveSegment(OTHER, { name: "Anyone", rule: all({ type: "tag", op: "hasNot", tag: "x" }) }, { now: NOW });
    await expect(evaluateSegment(SHOP, saved.id, { now: NOW })).rejects.toThrow(/no segment/);
  });
});

describe("evaluateCustomerSegments against the set queries", () => {
  it("agrees with every rule for every customer, in memory and asked of the database", async () => {
    const shop = "seg-c.myshopify.com";
    const customersC = world(60);
    await seedShop(shop, customersC);
    // Saving evaluates each rule over the whole shop (set queries, pages of 7).
    for (const [name, rule] of RULES) await saveSegment(shop, { name, rule }, { now: NOW, pageSize: 7 });
    const memberships = async () =>
      (await prisma.segmentMembership.findMany({ where: { shopId: shop }, select: { segmentId: true, customerId: true } })).map((m) => `${m.segmentId} ${m.customerId}`).sort();
    const before = await memberships();
    expect(before.length).toBeGreaterThan(100);
    // Each customer alone: nothing to change, by either path. Any disagreement would show as an entry or a leave.
    for (const inMemoryRows of [undefined, 0]) {
      for (const c of customersC) {
        expect(await evaluateCustomerSegments(shop, customerId(shop, c.n), { now: NOW, inMemoryRows })).toEqual({ entered: [], left: [] });
      }
    }
    expect(await memberships()).toEqual(before);
  }, 120_000);
});
