// The blended ranking and the per-recipient blocks: exclusions (sold out,
// unpublished, draft, deleted, bought), the order of each block, determinism.
import { describe, expect, it } from "vitest";
import { buildBlock, categoriesOf, isRecommendable, type CatalogProduct, type CustomerContext, type ShopModel } from "~/core/recommend/blocks";
import { CoPurchaseBuilder, DEFAULT_COPURCHASE } from "~/core/recommend/copurchase";
import { popularity, popularityByCategory } from "~/core/recommend/popularity";
import { DAY_MS, historyWeights, recommendProducts } from "~/core/recommend/recommend";

const NOW = Date.UTC(2026, 10, 1);

function product(productId: string, over: Partial<CatalogProduct> = {}): CatalogProduct {
  return { productId, title: `Product ${productId}`, category: "mugs", status: "ACTIVE", publishedAt: NOW - 400 * DAY_MS, arrivedAt: NOW - 400 * DAY_MS, available: true, deleted: false, ...over };
}

// Orders: mug1+mug2 ×3, mug1+mug3 ×2, tea1+tea2 ×2, tea1 ×3: mug1 and tea1 in 5 orders, mug2 3, mug3 and tea2 2.
const BASKETS = [
  ...Array(3).fill(["mug1", "mug2"]),
  ...Array(2).fill(["mug1", "mug3"]),
  ...Array(2).fill(["tea1", "tea2"]),
  ...Array(3).fill(["tea1"]),
] as string[][];

function shopModel(catalog: CatalogProduct[], bySegment: Record<string, string[]> = {}): ShopModel {
  const b = new CoPurchaseBuilder(DEFAULT_COPURCHASE);
  for (const basket of BASKETS) b.add(basket);
  const copurchase = b.build();
  const map = new Map(catalog.map((p) => [p.productId, p]));
  const ranking = popularity(copurchase);
  return {
    copurchase,
    popularity: ranking,
    byCategory: popularityByCategory(ranking, (id) => map.get(id)?.category || undefined),
    bySegment: new Map(Object.entries(bySegment).map(([k, ids]) => [k, ids.map((productId, i) => ({ productId, score: ids.length - i }))])),
    catalog: map,
  };
}

const CATALOG = [
  product("mug1"),
  product("mug2"),
  product("mug3"),
  product("mug4"),
  product("tea1", { category: "tea" }),
  product("tea2", { category: "tea" }),
  product("tea3", { category: "tea" }),
];

function customer(over: Partial<CustomerContext> = {}): CustomerContext {
  return { purchases: [], cart: [], views: [], segment: null, ...over };
}

const ids = (items: Array<{ productId: string }>) => items.map((i) => i.productId);

describe("isRecommendable", () => {
  it("wants an ACTIVE, published, available, not deleted product", () => {
    expect(isRecommendable(product("x"), NOW)).toBe(true);
    expect(isRecommendable(undefined, NOW)).toBe(false);
    expect(isRecommendable(product("x", { available: false }), NOW)).toBe(false);
    expect(isRecommendable(product("x", { status: "DRAFT" }), NOW)).toBe(false);
    expect(isRecommendable(product("x", { status: "ARCHIVED" }), NOW)).toBe(false);
    expect(isRecommendable(product("x", { publishedAt: null }), NOW)).toBe(false);
    expect(isRecommendable(product("x", { publishedAt: NOW + 1 }), NOW)).toBe(false);
    expect(isRecommendable(product("x", { deleted: true }), NOW)).toBe(false);
  });
});

describe("recommendProducts", () => {
  const m = shopModel(CATALOG);
  it("ranks what goes with their purchases first, then fills with popular products, never what they bought", () => {
    // mug1's neighbours: mug2 3/√(5·3) = 0.775, mug3 2/√(5·2) = 0.632.
    // Scores: mug2 1 + 0.5·3/5 = 1.3; mug3 0.632/0.775 + 0.5·2/5 = 1.016; tea1 0.5; tea2 0.2.
    const recs = recommendProducts(m.copurchase, m.popularity, [{ productId: "mug1" }], { k: 3, exclude: new Set(["mug1"]) });
    expect(ids(recs)).toEqual(["mug2", "mug3", "tea1"]);
    expect(recs.map((r) => r.source)).toEqual(["copurchase", "copurchase", "popular"]);
    expect(recs[0]!.score).toBeCloseTo(1.3, 12);
    expect(recs[1]!.score).toBeCloseTo((2 / Math.sqrt(10)) / (3 / Math.sqrt(15)) + 0.2, 12);
  });

  it("respects the catalog filter and k, and with no history is popularity", () => {
    const recs = recommendProducts(m.copurchase, m.popularity, [{ productId: "mug1" }], { k: 2, exclude: new Set(["mug1"]), eligible: (p) => p !== "mug2" });
    expect(ids(recs)).toEqual(["mug3", "tea1"]);
    expect(ids(recommendProducts(m.copurchase, m.popularity, [], { k: 3, exclude: new Set() }))).toEqual(["mug1", "tea1", "mug2"]);
    expect(ids(recommendProducts(m.copurchase, m.popularity, [], { k: 3, exclude: new Set(), popularityWeight: 0 }))).toEqual(["mug1", "tea1", "mug2"]);
    expect(recommendProducts(m.copurchase, m.popularity, [], { k: 0, exclude: new Set() })).toEqual([]);
  });

  it("weighs recent purchases more: half the weight per half-life", () => {
    const h = historyWeights([{ productId: "b", at: NOW - 90 * DAY_MS }, { productId: "a", at: NOW }, { productId: "b", at: NOW - 180 * DAY_MS }], NOW, 90);
    expect(h).toEqual([{ productId: "a", weight: 1 }, { productId: "b", weight: 0.75 }]);
    expect(historyWeights([{ productId: "a", at: NOW - 1000 * DAY_MS }], NOW, 0)).toEqual([{ productId: "a", weight: 1 }]);
  });
});

describe("blocks", () => {
  const catalog = [
    ...CATALOG.filter((p) => !["mug2", "tea3"].includes(p.productId)),
    product("mug2", { available: false }), // sold out
    product("tea3", { category: "tea", status: "DRAFT" }),
    product("new-mug", { publishedAt: NOW - 2 * DAY_MS, arrivedAt: NOW - 2 * DAY_MS }),
    product("new-tea", { category: "tea", publishedAt: NOW - DAY_MS, arrivedAt: NOW - DAY_MS }),
    product("new-tea-soldout", { category: "tea", publishedAt: NOW - DAY_MS, arrivedAt: NOW - DAY_MS, available: false }),
    product("scheduled", { publishedAt: NOW + DAY_MS, arrivedAt: NOW + DAY_MS }),
    product("unpublished", { publishedAt: null, arrivedAt: NOW - DAY_MS }),
  ];
  const m = shopModel(catalog, { "at-risk": ["tea2", "mug1", "mug3"] });
  const bought = [{ productId: "mug1", at: NOW - 10 * DAY_MS }];
  const opts = { k: 4, now: NOW };

  it("cart: their cart in order, even products bought before, never sold out or unpublished", () => {
    const c = customer({ purchases: bought, cart: ["mug1", "mug2", "tea3", "tea1", "mug1", "gone"] });
    expect(buildBlock(m, c, "cart", opts).map((i) => [i.productId, i.reason])).toEqual([["mug1", "in-cart"], ["tea1", "in-cart"]]);
  });

  it("viewed: most viewed, then most recent; never bought, sold out or draft", () => {
    const c = customer({
      purchases: bought,
      views: [
        { productId: "mug3", count: 1, lastAt: NOW - DAY_MS },
        { productId: "tea1", count: 2, lastAt: NOW - 5 * DAY_MS },
        { productId: "tea2", count: 1, lastAt: NOW - 2 * DAY_MS },
        { productId: "mug1", count: 9, lastAt: NOW },
        { productId: "mug2", count: 9, lastAt: NOW },
        { productId: "tea3", count: 9, lastAt: NOW },
      ],
    });
    const block = buildBlock(m, c, "viewed", opts);
    expect(block.map((i) => [i.productId, i.views])).toEqual([["tea1", 2], ["mug3", 1], ["tea2", 1]]);
  });

  it("copurchase: goes-with first, no sold-out mug2, no bought mug1", () => {
    const block = buildBlock(m, customer({ purchases: bought }), "copurchase", opts);
    expect(ids(block)).toEqual(["mug3", "tea1", "tea2"]);
    expect(block.map((i) => i.reason)).toEqual(["bought-with", "popular", "popular"]);
  });

  it("popular: their segment, then their categories, then the shop", () => {
    const c = customer({ purchases: bought, segment: "at-risk" });
    const block = buildBlock(m, c, "popular", opts);
    expect(block.map((i) => [i.productId, i.reason])).toEqual([
      ["tea2", "popular-in-segment"],
      ["mug3", "popular-in-segment"],
      ["tea1", "popular"],
    ]);
    const noSegment = buildBlock(m, customer({ purchases: bought }), "popular", { k: 2, now: NOW });
    expect(noSegment.map((i) => [i.productId, i.reason, i.context])).toEqual([["mug3", "popular-in-category", "mugs"], ["tea1", "popular", undefined]]);
  });

  it("new arrivals: recent, published, in stock, their categories first", () => {
    const block = buildBlock(m, customer({ purchases: bought }), "new-arrivals", opts);
    expect(ids(block)).toEqual(["new-mug", "new-tea"]);
    expect(ids(buildBlock(m, customer(), "new-arrivals", opts))).toEqual(["new-tea", "new-mug"]);
    expect(buildBlock(m, customer(), "new-arrivals", { ...opts, newWithinDays: 1 }).map((i) => i.productId)).toEqual(["new-tea"]);
  });

  it("is deterministic: the same answer from a model built from reordered input", () => {
    const c = customer({ purchases: bought, segment: "at-risk", views: [{ productId: "tea2", count: 1, lastAt: NOW }, { productId: "mug3", count: 1, lastAt: NOW }] });
    const reversed = shopModel([...catalog].reverse(), { "at-risk": ["tea2", "mug1", "mug3"] });
    for (const block of ["cart", "viewed", "copurchase", "popular", "new-arrivals"] as const) {
      expect(buildBlock(reversed, c, block, opts)).toEqual(buildBlock(m, c, block, opts));
    }
    expect(ids(buildBlock(m, c, "viewed", opts))).toEqual(["mug3", "tea2"]); // same count and time: by id
  });

  it("orders a customer's categories by how much they bought in them", () => {
    expect(categoriesOf(m, [{ productId: "tea1", at: 0 }, { productId: "mug1", at: 0 }, { productId: "tea2", at: 0 }, { productId: "zzz", at: 0 }])).toEqual(["tea", "mugs"]);
  });
});
