// recommendFor on the real database (SQLite, and PostgreSQL with
// TEST_DATABASE=postgres): each block for a seeded customer, sold-out, draft,
// unpublished and deleted products left out (also when they sell out after the
// model was built), and another shop's products and customers never reached.
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { buildShopModel, forgetShopModel, recommendFor, RecommendInputError, shopModel, type BuiltShopModel } from "~/core/recommend/recommend.server";

const SHOP = "rec-a.myshopify.com";
const OTHER = "rec-b.myshopify.com";
const NOW = new Date("2026-06-01T12:00:00.000Z");
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

type Seed = { id: string; title: string; type?: string; status?: string; published?: Date | null; inStock?: boolean; deleted?: boolean; noVariants?: { inventory: number | null } };

// Shop A's catalog. 1 is the customer's purchase; 3, 4, 5 and 8 go with it most
// often but are sold out, a draft, unpublished and deleted.
const A_PRODUCTS: Seed[] = [
  { id: "1", title: "Blue mug", type: "Mugs" },
  { id: "2", title: "Red mug", type: "Mugs" },
  { id: "3", title: "Green mug", type: "Mugs", inStock: false },
  { id: "4", title: "Teapot", type: "Tea", status: "DRAFT" },
  { id: "5", title: "Tea tin", type: "Tea", published: null },
  { id: "6", title: "Kettle", type: "Tea" },
  { id: "7", title: "New cup", type: "Mugs", published: ago(2) },
  { id: "8", title: "Old saucer", type: "Mugs", deleted: true },
  { id: "9", title: "Spoon <script>alert(1)</script>", type: "Cutlery" },
  { id: "10", title: "Tray", type: "Cutlery", noVariants: { inventory: null } },
  { id: "11", title: "Coaster", type: "Cutlery", noVariants: { inventory: 0 } },
];
// Shop B reuses ids (as a hostile or buggy payload could): its 3 is in stock and goes with 1.
const B_PRODUCTS: Seed[] = [
  { id: "1", title: "B blue mug" },
  { id: "3", title: "B green mug" },
  { id: "100", title: "B bestseller" },
];

let seq = 0;
async function products(shopId: string, seeds: Seed[]) {
  for (const p of seeds) {
    await prisma.product.create({
      data: {
        shopId,
        shopifyId: p.id,
        title: p.title,
        handle: `h-${p.id}`,
        url: `https://${shopId}/products/h-${p.id}`,
        productType: p.type ?? "",
        status: p.status ?? "ACTIVE",
        publishedAt: p.published === undefined ? ago(300) : p.published,
        shopifyCreatedAt: ago(300),
        deletedAt: p.deleted ? ago(1) : null,
        priceMin: 1000 + Number(p.id),
        priceMax: 1000 + Number(p.id),
        totalInventory: p.noVariants ? p.noVariants.inventory : p.inStock === false ? 0 : 5,
        ...(p.noVariants ? {} : { variants: { create: [{ shopId, shopifyId: `${shopId}-v${p.id}`, available: p.inStock !== false, inventoryQuantity: p.inStock === false ? 0 : 5 }] } }),
      },
    });
  }
}

async function customer(shopId: string, n: number, stage: string | null = null): Promise<string> {
  const c = await prisma.customer.create({ data: { shopId, shopifyId: String(n), email: `c${n}@example.com` } });
  if (stage) await prisma.customerProfile.create({ data: { shopId, customerId: c.id, lifecycleStage: stage } });
  return c.id;
}

async function order(shopId: string, customerId: string | null, products: string[], daysAgo: number, over: { cancelled?: boolean; test?: boolean } = {}) {
  const id = ++seq;
  await prisma.order.create({
    data: {
      shopId,
      shopifyId: String(id),
      customerId,
      currency: "USD",
      totalPrice: 1000,
      test: over.test ?? false,
      cancelledAt: over.cancelled ? ago(daysAgo) : null,
      shopifyCreatedAt: ago(daysAgo),
      shopifyUpdatedAt: ago(daysAgo),
      lineItems: { create: products.map((p, i) => ({ shopId, shopifyId: `${id}-${i}`, productShopifyId: p, title: `item ${p}`, quantity: 1, price: 1000 })) },
    },
  });
}

let me: string; // the customer we recommend for
let bCustomer: string;

beforeAll(async () => {
  await prisma.shop.createMany({ data: [{ id: SHOP }, { id: OTHER }] });
  await products(SHOP, A_PRODUCTS);
  await products(OTHER, B_PRODUCTS);

  me = await customer(SHOP, 1, "at-risk");
  await order(SHOP, me, ["1"], 20);
  await order(SHOP, me, ["6"], 10, { cancelled: true }); // not bought
  await order(SHOP, me, ["2"], 5, { test: true }); // not bought
  await prisma.checkout.create({
    data: { shopId: SHOP, shopifyId: "ck1", token: "tok1", customerId: me, completedAt: null, lineItems: [{ productShopifyId: "3" }, { productShopifyId: "2" }, { productShopifyId: "1" }, { productShopifyId: null }], shopifyCreatedAt: ago(1), shopifyUpdatedAt: ago(1) },
  });
  await prisma.checkout.create({
    data: { shopId: SHOP, shopifyId: "ck0", token: "tok0", customerId: me, completedAt: null, lineItems: [{ productShopifyId: "6" }], shopifyCreatedAt: ago(9), shopifyUpdatedAt: ago(9) },
  });
  const views: Array<[string, number]> = [["6", 1], ["6", 2], ["4", 1], ["2", 3], ["10", 50]]; // [product, days ago]
  await prisma.browseEvent.createMany({
    data: views.map(([p, d], i) => ({ shopId: SHOP, eventId: `e${i}`, browserId: "b1", customerId: me, type: "product_viewed", productShopifyId: p, occurredAt: ago(d) })),
  });

  // Other buyers: 1 goes with 3, 4, 5, 8 (3 orders each) and with 2 (2 orders); 6 is the best seller;
  // at-risk customers buy 9 and 10.
  const other = await customer(SHOP, 2);
  for (const p of ["3", "4", "5", "8"]) for (let i = 0; i < 3; i++) await order(SHOP, other, ["1", p], 30 + i);
  for (let i = 0; i < 2; i++) await order(SHOP, null, ["1", "2"], 40 + i);
  for (let i = 0; i < 6; i++) await order(SHOP, other, ["6"], 50 + i);
  const atRisk = await customer(SHOP, 3, "at-risk");
  await order(SHOP, atRisk, ["10", "9"], 60);
  await order(SHOP, atRisk, ["10"], 61);
  await order(SHOP, other, ["11"], 400); // older than a year: not in the model

  // Shop B: its 3 goes with 1, and 100 sells most; a customer with shop A's own shopify id.
  bCustomer = await customer(OTHER, 1, "at-risk");
  for (let i = 0; i < 8; i++) await order(OTHER, bCustomer, ["1", "3"], 3 + i);
  for (let i = 0; i < 10; i++) await order(OTHER, null, ["100"], 3 + i);
});

const ids = (items: Array<{ productId: string }>) => items.map((i) => i.productId);

describe("recommendFor", () => {
  let model: BuiltShopModel;
  beforeAll(async () => {
    model = await buildShopModel(SHOP, { now: NOW, pageSize: 5 });
  });

  it("builds the model from the shop's counted orders of the last year, in pages", () => {
    expect(model.orders).toBe(12 + 2 + 6 + 2 + 1); // cancelled, test and year-old orders left out
    expect(model.copurchase.products).not.toContain("100");
    expect(model.copurchase.products).not.toContain("11");
    expect(model.popularity[0]).toEqual({ productId: "1", score: 15 });
    expect(ids(model.bySegment.get("at-risk")!)).toEqual(["10", "1", "9"]); // 10 in 2 at-risk orders
  });

  it("copurchase: what goes with their purchase and is for sale, then popular products", async () => {
    const items = await recommendFor(SHOP, me, { block: "copurchase", k: 4, now: NOW, model });
    expect(items.map((i) => [i.productId, i.reason])).toEqual([["2", "bought-with"], ["6", "popular"], ["10", "popular"], ["9", "popular"]]);
    expect(items[0]).toMatchObject({ title: "Red mug", handle: "h-2", url: `https://${SHOP}/products/h-2`, price: 1002, currency: "USD" });
    expect(items[3]!.title).toBe("Spoon <script>alert(1)</script>"); // data, as stored: the renderer escapes
  });

  it("cart: the latest abandoned cart, bought items kept, the sold-out mug dropped", async () => {
    expect(ids(await recommendFor(SHOP, me, { block: "cart", k: 4, now: NOW, model }))).toEqual(["2", "1"]);
  });

  it("viewed: views of the last 30 days, most viewed first; the draft teapot left out", async () => {
    const items = await recommendFor(SHOP, me, { block: "viewed", k: 4, now: NOW, model });
    expect(items.map((i) => [i.productId, i.views])).toEqual([["6", 2], ["2", 1]]); // 10 was viewed 50 days ago
  });

  it("popular: their segment's favourites, then their category, then the shop", async () => {
    const items = await recommendFor(SHOP, me, { block: "popular", k: 3, now: NOW, model });
    expect(items.map((i) => [i.productId, i.reason])).toEqual([["10", "popular-in-segment"], ["9", "popular-in-segment"], ["2", "popular-in-category"]]);
  });

  it("new-arrivals: the cup published two days ago", async () => {
    expect(ids(await recommendFor(SHOP, me, { block: "new-arrivals", k: 4, now: NOW, model }))).toEqual(["7"]);
  });

  it("re-checks stock and status for every answer: a product that sells out after the model was built is dropped", async () => {
    await prisma.variant.updateMany({ where: { shopId: SHOP, shopifyId: `${SHOP}-v2` }, data: { available: false } });
    await prisma.product.updateMany({ where: { shopId: SHOP, shopifyId: "6" }, data: { status: "ARCHIVED" } });
    try {
      expect(ids(await recommendFor(SHOP, me, { block: "copurchase", k: 4, now: NOW, model }))).toEqual(["10", "9"]);
      expect(ids(await recommendFor(SHOP, me, { block: "cart", k: 4, now: NOW, model }))).toEqual(["1"]);
    } finally {
      await prisma.variant.updateMany({ where: { shopId: SHOP, shopifyId: `${SHOP}-v2` }, data: { available: true } });
      await prisma.product.updateMany({ where: { shopId: SHOP, shopifyId: "6" }, data: { status: "ACTIVE" } });
    }
  });

  it("never shows another shop's products, and never reaches another shop's customer", async () => {
    forgetShopModel(SHOP);
    const all = await Promise.all((["cart", "viewed", "copurchase", "popular", "new-arrivals"] as const).map((block) => recommendFor(SHOP, me, { block, k: 10, now: NOW })));
    const seen = new Set(all.flat().map((i) => i.productId));
    expect(seen.has("100")).toBe(false);
    expect(seen.has("3")).toBe(false); // in stock and bought with 1 in shop B only
    expect(all.flat().every((i) => !i.title.startsWith("B "))).toBe(true);
    await expect(recommendFor(SHOP, bCustomer, { block: "copurchase", k: 4, now: NOW })).rejects.toThrow(RecommendInputError);
    await expect(recommendFor(SHOP, bCustomer, { block: "copurchase", k: 4, now: NOW })).rejects.toThrow(`shop ${SHOP} has no customer`);
    // Shop B's own answer: its 3 goes with its 1, and its bestseller.
    const b = await recommendFor(OTHER, bCustomer, { block: "popular", k: 4, now: NOW });
    expect(ids(b)).toEqual(["100"]);
    await expect(recommendFor(OTHER, bCustomer, { block: "copurchase", k: 4, now: NOW, model })).rejects.toThrow(/model given is rec-a/);
  });

  it("caches the shop's model and rebuilds it when it is older than the limit", async () => {
    forgetShopModel(SHOP);
    const first = await shopModel(SHOP, { now: NOW });
    expect(await shopModel(SHOP, { now: new Date(NOW.getTime() + 60_000) })).toBe(first);
    const later = await shopModel(SHOP, { now: new Date(NOW.getTime() + 11 * 60_000) });
    expect(later).not.toBe(first);
    expect(later.orders).toBe(first.orders);
  });

  it("refuses an unknown block, a bad k and an unknown customer with a clear error", async () => {
    // @ts-expect-error: a block name from outside the type
    await expect(recommendFor(SHOP, me, { block: "bestsellers", k: 4, now: NOW, model })).rejects.toThrow(/unknown block "bestsellers" \(blocks: cart, viewed/);
    await expect(recommendFor(SHOP, me, { block: "cart", k: 0, now: NOW, model })).rejects.toThrow(/k must be a whole number from 1 to 50/);
    await expect(recommendFor(SHOP, "nobody", { block: "cart", k: 4, now: NOW, model })).rejects.toThrow(RecommendInputError);
  });
});
