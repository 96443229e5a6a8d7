// Merchant segments kept live on the real database (SQLite, and PostgreSQL with
// TEST_DATABASE=postgres): one customer re-evaluated after a new order, the whole
// shop re-evaluated, sizes against direct counts, transitions, shop isolation.
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { all, any, type Rule } from "~/core/audience/segments/rule";
import {
  countMembers,
  evaluateCustomerSegments,
  evaluateShopSegments,
  sampleMembers,
  saveSegment,
} from "~/core/audience/segments/segments.server";

const SHOP = "live-a.myshopify.com";
const OTHER = "live-b.myshopify.com";
const T0 = new Date("2026-06-01T12:00:00.000Z");
const DAY = 86_400_000;
const at = (days: number) => new Date(T0.getTime() + days * DAY);

const PRODUCTS = [
  { shopifyId: "201", productType: "Outerwear", collections: [{ id: "gid://shopify/Collection/9", handle: "outerwear", title: "Outerwear" }] },
  { shopifyId: "202", productType: "Shoes", collections: [] },
  { shopifyId: "203", productType: "Hats", collections: [] },
];

const SEGMENTS: Array<[string, Rule]> = [
  ["Repeat buyers", all({ type: "activity", event: "order", op: "atLeast", count: 2, withinDays: 365 })],
  ["Outerwear buyers", all({ type: "bought", op: "did", target: { kind: "collection", value: "outerwear" } })],
  ["VIP", all({ type: "tag", op: "has", tag: "vip" })],
  ["Quiet", all({ type: "activity", event: "order", op: "atMost", count: 0, withinDays: 30 })],
  ["Big spenders", all({ type: "profile", field: "totalSpent", op: "gte", value: 10_000 })],
  [
    "VIP shoe buyers or keen browsers",
    any(all({ type: "tag", op: "has", tag: "VIP" }, { type: "bought", op: "did", target: { kind: "productType", value: "shoes" } }), {
      type: "activity", event: "productView", op: "atLeast", count: 3, withinDays: 7,
    }),
  ],
];

let orderNo = 0;
async function order(shop: string, customerId: string, when: Date, products: string[], total = 5_000) {
  const o = await prisma.order.create({
    data: { shopId: shop, shopifyId: `${shop}-${++orderNo}`, customerId, currency: "USD", totalPrice: total, shopifyCreatedAt: when, shopifyUpdatedAt: when },
  });
  await prisma.lineItem.createMany({
    data: products.map((p, i) => ({ shopId: shop, orderId: o.id, shopifyId: `${o.shopifyId}-${i}`, productShopifyId: p, title: "x", quantity: 1, price: 1000 })),
  });
}

const cid = (shop: string, n: number) => `${shop === SHOP ? "la" : "lb"}-${String(n).padStart(2, "0")}`;

async function seed(shop: string) {
  await prisma.shop.create({ data: { id: shop } });
  await prisma.product.createMany({
    data: PRODUCTS.map((p) => ({ shopId: shop, shopifyId: p.shopifyId, title: p.productType, handle: `h${p.shopifyId}`, productType: p.productType, collections: p.collections })),
  });
  for (let n = 0; n < 12; n++) {
    const id = cid(shop, n);
    await prisma.customer.create({
      data: { id, shopId: shop, shopifyId: `${shop}-${n}`, email: `l${n}@example.com`, tags: n % 3 === 0 ? "VIP, wholesale" : n % 3 === 1 ? "vipx" : "" },
    });
    await prisma.customerProfile.create({ data: { shopId: shop, customerId: id, orderCount: n % 4, totalSpent: n * 1_500 } });
    for (let k = 0; k < n % 4; k++) await order(shop, id, at(-(10 + 40 * k + n)), [PRODUCTS[(n + k) % 3]!.shopifyId]);
    if (n % 5 === 0) {
      await prisma.browseEvent.createMany({
        data: [1, 2, 3].map((i) => ({ shopId: shop, eventId: `${id}-v${i}`, browserId: `b-${id}`, customerId: id, type: "product_viewed", occurredAt: at(-i) })),
      });
    }
  }
}

/** Every custom segment: stored size = member rows = a direct count, and the members are exactly the rule's matches. */
async function expectConsistent(shop: string, now: Date) {
  const segments = await prisma.segment.findMany({ where: { shopId: shop, kind: "custom" }, orderBy: { key: "asc" } });
  for (const s of segments) {
    const members = await prisma.segmentMembership.findMany({ where: { segmentId: s.id }, select: { customerId: true, shopId: true }, orderBy: { customerId: "asc" } });
    const direct = await countMembers(shop, s.definition, { now });
    expect({ key: s.key, size: s.size, members: members.length }).toEqual({ key: s.key, size: direct, members: direct });
    expect(members.map((m) => m.customerId)).toEqual((await sampleMembers(shop, s.definition, 100, { now })).map((c) => c.id));
    expect(members.every((m) => m.shopId === shop)).toBe(true);
  }
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  await seed(SHOP);
  await seed(OTHER);
  for (const [name, rule] of SEGMENTS) {
    ids[name] = (await saveSegment(SHOP, { name, rule }, { now: T0 })).id;
    await saveSegment(OTHER, { name, rule }, { now: T0 });
  }
}, 120_000);

describe("evaluateCustomerSegments", () => {
  it("starts consistent after saving", async () => {
    await expectConsistent(SHOP, T0);
    await expectConsistent(OTHER, T0);
  });

  it("moves one customer in and out after a new order, with transitions and sizes", async () => {
    const c = cid(SHOP, 1); // one order 11 days ago (Shoes), tagged "vipx" (not vip), spent 1,500
    const t1 = at(1);
    const before = await prisma.segment.findMany({ where: { shopId: SHOP }, select: { key: true, size: true } });
    expect(await evaluateCustomerSegments(SHOP, c, { now: t1 })).toEqual({ entered: [], left: [] }); // nothing new yet

    await order(SHOP, c, t1, ["201"], 20_000);
    await prisma.customerProfile.update({ where: { customerId: c }, data: { orderCount: 2, totalSpent: 21_500 } });
    const changes = await evaluateCustomerSegments(SHOP, c, { now: t1 });
    expect(changes).toEqual({ entered: ["big-spenders", "outerwear-buyers", "repeat-buyers"], left: [] });

    const transitions = await prisma.segmentTransition.findMany({ where: { shopId: SHOP, customerId: c, at: t1 }, include: { segment: { select: { key: true } } } });
    expect(transitions.map((t) => [t.segment.key, t.kind]).sort()).toEqual([["big-spenders", "entered"], ["outerwear-buyers", "entered"], ["repeat-buyers", "entered"]]);
    const after = new Map((await prisma.segment.findMany({ where: { shopId: SHOP }, select: { key: true, size: true } })).map((s) => [s.key, s.size]));
    for (const s of before) expect(after.get(s.key)).toBe(s.size + (changes.entered.includes(s.key) ? 1 : 0));
    await expectConsistent(SHOP, t1);

    // Again: nothing changes, nothing is written.
    expect(await evaluateCustomerSegments(SHOP, c, { now: t1 })).toEqual({ entered: [], left: [] });
    expect(await prisma.segmentTransition.count({ where: { shopId: SHOP, customerId: c, at: t1 } })).toBe(3);

    // Tagged VIP and bought shoes before: enters the mixed segment.
    await prisma.customer.update({ where: { id: c }, data: { tags: "vipx, VIP" } });
    expect(await evaluateCustomerSegments(SHOP, c, { now: t1 })).toEqual({ entered: ["vip", "vip-shoe-buyers-or-keen-browsers"], left: [] });

    // 31 days later with no new order: quiet again, and the VIP tag removed.
    await prisma.customer.update({ where: { id: c }, data: { tags: "" } });
    const t2 = at(32);
    expect(await evaluateCustomerSegments(SHOP, c, { now: t2 })).toEqual({ entered: ["quiet"], left: ["vip", "vip-shoe-buyers-or-keen-browsers"] });
    expect(await prisma.segmentTransition.count({ where: { shopId: SHOP, customerId: c, at: t2, kind: "left" } })).toBe(2);
    // Back at t1 (the other customers' memberships are as of then): the order is recent again.
    expect(await evaluateCustomerSegments(SHOP, c, { now: t1 })).toEqual({ entered: [], left: ["quiet"] });
    await expectConsistent(SHOP, t1);
  });

  it("a customer with no orders leaves Quiet on their first order", async () => {
    const c = cid(SHOP, 4); // n % 4 = 0: no orders
    expect(await prisma.segmentMembership.count({ where: { segmentId: ids.Quiet, customerId: c } })).toBe(1);
    await order(SHOP, c, at(2), ["203"]);
    expect(await evaluateCustomerSegments(SHOP, c, { now: at(2) })).toEqual({ entered: [], left: ["quiet"] });
    await expectConsistent(SHOP, at(2));
  });

  it("a deleted customer leaves every segment", async () => {
    const c = cid(SHOP, 6);
    const memberOf = await prisma.segmentMembership.count({ where: { customerId: c } });
    expect(memberOf).toBeGreaterThan(0);
    await prisma.customer.update({ where: { id: c }, data: { deletedAt: at(3) } });
    const changes = await evaluateCustomerSegments(SHOP, c, { now: at(3) });
    expect(changes.entered).toEqual([]);
    expect(changes.left).toHaveLength(memberOf);
    expect(await prisma.segmentMembership.count({ where: { customerId: c } })).toBe(0);
    await expectConsistent(SHOP, at(3));
  });

  it("never reads or writes across shops", async () => {
    const otherBefore = await prisma.segmentMembership.findMany({ where: { shopId: OTHER }, orderBy: [{ segmentId: "asc" }, { customerId: "asc" }] });
    const otherTransitions = await prisma.segmentTransition.count({ where: { shopId: OTHER } });
    // Shop A asked about shop B's customer (who would enter several of A's segments): nothing happens anywhere.
    const b = cid(OTHER, 4); // no orders yet
    await order(OTHER, b, at(1), ["201", "202"], 90_000);
    expect(await evaluateCustomerSegments(SHOP, b, { now: at(1) })).toEqual({ entered: [], left: [] });
    expect(await prisma.segmentMembership.count({ where: { customerId: b, shopId: SHOP } })).toBe(0);
    expect(await prisma.segmentMembership.findMany({ where: { shopId: OTHER }, orderBy: [{ segmentId: "asc" }, { customerId: "asc" }] })).toEqual(otherBefore);
    expect(await prisma.segmentTransition.count({ where: { shopId: OTHER } })).toBe(otherTransitions);
    // Shop B's own evaluation moves only B's segments.
    const changes = await evaluateCustomerSegments(OTHER, b, { now: at(1) });
    expect(changes).toEqual({ entered: ["outerwear-buyers"], left: ["quiet"] });
    const touched = await prisma.segmentTransition.findMany({ where: { customerId: b, at: at(1) }, select: { shopId: true, segment: { select: { shopId: true } } } });
    expect(touched.length).toBe(changes.entered.length + changes.left.length);
    expect(touched.every((t) => t.shopId === OTHER && t.segment.shopId === OTHER)).toBe(true);
    await expectConsistent(OTHER, at(1));
    expect(await evaluateCustomerSegments(SHOP, "no-such-customer", { now: at(1) })).toEqual({ entered: [], left: [] });
  });

  it("two evaluations racing for one customer write each change once", async () => {
    const c = cid(SHOP, 5); // one order (Hats)
    await order(SHOP, c, at(4), ["201"]);
    const [a, b] = await Promise.all([evaluateCustomerSegments(SHOP, c, { now: at(4) }), evaluateCustomerSegments(SHOP, c, { now: at(4) })]);
    const both = [...a.entered, ...b.entered].sort();
    expect(both).toEqual(["outerwear-buyers", "repeat-buyers"]);
    expect(await prisma.segmentTransition.count({ where: { customerId: c, at: at(4) } })).toBe(2);
    await expectConsistent(SHOP, at(4));
  });

  it("skips a segment whose stored rule no longer validates and keeps the others live", async () => {
    const broken = await prisma.segment.create({
      data: { shopId: SHOP, key: "broken", name: "Broken", kind: "custom", definition: { type: "group", combinator: "and", children: [{ type: "profile", field: "shoeSize", op: "gt", value: 1 }] } },
    });
    const c = cid(SHOP, 10); // spent 15,000 already; two orders
    await prisma.customerProfile.update({ where: { customerId: c }, data: { totalSpent: 5_000 } });
    expect(await evaluateCustomerSegments(SHOP, c, { now: at(4) })).toEqual({ entered: [], left: ["big-spenders"] });
    const shop = await evaluateShopSegments(SHOP, { now: at(4) });
    expect(shop.failed).toEqual({ broken: [expect.stringMatching(/field/)] });
    await prisma.segment.delete({ where: { id: broken.id } });
  });
});

describe("evaluateShopSegments", () => {
  it("brings every merchant segment of the shop up to date as time passes, and only that shop's", async () => {
    const later = at(60); // orders age out of Quiet's 30-day window; nothing else happened
    const otherSizes = await prisma.segment.findMany({ where: { shopId: OTHER }, select: { id: true, size: true }, orderBy: { id: "asc" } });
    const result = await evaluateShopSegments(SHOP, { now: later, pageSize: 5 });
    expect(Object.keys(result.evaluated).sort()).toEqual(["big-spenders", "outerwear-buyers", "quiet", "repeat-buyers", "vip", "vip-shoe-buyers-or-keen-browsers"]);
    expect(result.failed).toEqual({});
    expect(result.evaluated.quiet!.entered).toBeGreaterThan(0);
    expect(result.evaluated["vip-shoe-buyers-or-keen-browsers"]!.left).toBeGreaterThan(0); // the views were in the last 7 days of T0
    for (const [key, e] of Object.entries(result.evaluated)) {
      expect(await prisma.segment.findFirstOrThrow({ where: { shopId: SHOP, key }, select: { size: true } })).toEqual({ size: e.size });
    }
    await expectConsistent(SHOP, later);
    expect(await prisma.segment.findMany({ where: { shopId: OTHER }, select: { id: true, size: true }, orderBy: { id: "asc" } })).toEqual(otherSizes);
    const again = await evaluateShopSegments(SHOP, { now: later });
    expect(Object.values(again.evaluated).every((e) => e.entered === 0 && e.left === 0)).toBe(true);
  });
});
