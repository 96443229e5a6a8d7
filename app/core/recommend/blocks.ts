// Per-recipient product blocks for emails. Pure: a shop model (co-purchase,
// popularity, catalog) and one customer's context in, ranked products out.
//   cart          their abandoned cart's items, in cart order
//   viewed        products they viewed, most viewed first
//   copurchase    often bought with what they bought (popularity fills in)
//   popular       popular in their segment, then in their categories, then in the shop
//   new-arrivals  recently published products, their categories first
// Every block leaves out products that are not recommendable (deleted, not
// ACTIVE, unpublished or published in the future, out of stock); every block
// but the cart also leaves out what the customer already bought. Deterministic:
// ties go to the smaller product id.
import { compareIds, type CoPurchaseModel } from "./copurchase";
import type { Ranked } from "./popularity";
import { DAY_MS, DEFAULT_BLEND, historyWeights, recommendProducts, type BlendOptions, type Purchase } from "./recommend";

export const BLOCK_TYPES = ["cart", "viewed", "copurchase", "popular", "new-arrivals"] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];

export interface CatalogProduct {
  /** Shopify product id (numeric string), as on line items and browse events. */
  productId: string;
  title: string;
  /** Product type: the category. */
  category: string;
  status: string;
  publishedAt: number | null;
  /** When it arrived: published, else created. */
  arrivedAt: number | null;
  /** Some variant can be bought (stock, untracked or selling when out of stock). */
  available: boolean;
  deleted: boolean;
}

/** Whether a product may appear in an email at `now`. */
export function isRecommendable(p: CatalogProduct | undefined, now: number): p is CatalogProduct {
  return !!p && !p.deleted && p.status === "ACTIVE" && p.publishedAt !== null && p.publishedAt <= now && p.available;
}

export interface ShopModel {
  copurchase: CoPurchaseModel;
  /** Products by orders, best first. */
  popularity: Ranked[];
  byCategory: Map<string, Ranked[]>;
  /** Rankings among the orders of each lifecycle segment's members. */
  bySegment: Map<string, Ranked[]>;
  catalog: Map<string, CatalogProduct>;
}

export interface CustomerContext {
  purchases: Purchase[];
  /** Their latest abandoned cart's product ids, in cart order. */
  cart: string[];
  views: Array<{ productId: string; count: number; lastAt: number }>;
  /** Their lifecycle segment key, if any. */
  segment: string | null;
}

export type Reason = "in-cart" | "viewed" | "bought-with" | "popular-in-segment" | "popular-in-category" | "popular" | "new";

export interface BlockItem {
  productId: string;
  reason: Reason;
  score: number;
  /** For behaviour lines: how often they viewed it (viewed block), or the category / segment it is popular in. */
  views?: number;
  context?: string;
}

export interface BlockOptions {
  k: number;
  now: number;
  blend?: Partial<BlendOptions>;
  /** new-arrivals: how recent counts as new. */
  newWithinDays?: number;
}

export const DEFAULT_NEW_WITHIN_DAYS = 30;

export function buildBlock(model: ShopModel, customer: CustomerContext, block: BlockType, options: BlockOptions): BlockItem[] {
  const { k, now } = options;
  if (k <= 0) return [];
  const bought = new Set(customer.purchases.map((p) => p.productId));
  const ok = (id: string) => isRecommendable(model.catalog.get(id), now);
  const fresh = (id: string) => ok(id) && !bought.has(id);
  switch (block) {
    case "cart": {
      // The cart is shown even if they bought those products before.
      const items = [...new Set(customer.cart)].filter(ok).slice(0, k);
      return items.map((productId, i) => ({ productId, reason: "in-cart", score: items.length - i }));
    }
    case "viewed":
      return customer.views
        .filter((v) => fresh(v.productId))
        .sort((a, b) => b.count - a.count || b.lastAt - a.lastAt || compareIds(a.productId, b.productId))
        .slice(0, k)
        .map((v) => ({ productId: v.productId, reason: "viewed", score: v.count, views: v.count }));
    case "copurchase": {
      const blend = { ...DEFAULT_BLEND, ...options.blend };
      const history = historyWeights(customer.purchases, now, blend.halfLifeDays);
      return recommendProducts(model.copurchase, model.popularity, history, { k, exclude: bought, eligible: ok, ...blend }).map((r) => ({
        productId: r.productId,
        reason: r.source === "copurchase" ? "bought-with" : "popular",
        score: r.score,
      }));
    }
    case "popular": {
      const out: BlockItem[] = [];
      const taken = new Set<string>();
      const fill = (ranking: readonly Ranked[] | undefined, reason: Reason, context?: string) => {
        for (const r of ranking ?? []) {
          if (out.length >= k) return;
          if (taken.has(r.productId) || !fresh(r.productId)) continue;
          taken.add(r.productId);
          out.push({ productId: r.productId, reason, score: r.score, ...(context ? { context } : {}) });
        }
      };
      if (customer.segment) fill(model.bySegment.get(customer.segment), "popular-in-segment", customer.segment);
      for (const category of categoriesOf(model, customer.purchases)) fill(model.byCategory.get(category), "popular-in-category", category);
      fill(model.popularity, "popular");
      return out;
    }
    case "new-arrivals": {
      const since = now - (options.newWithinDays ?? DEFAULT_NEW_WITHIN_DAYS) * DAY_MS;
      const mine = new Set(categoriesOf(model, customer.purchases));
      const items: CatalogProduct[] = [];
      for (const p of model.catalog.values()) {
        if (p.arrivedAt !== null && p.arrivedAt >= since && p.arrivedAt <= now && fresh(p.productId)) items.push(p);
      }
      const inMine = (p: CatalogProduct) => (mine.has(p.category) ? 1 : 0);
      items.sort((a, b) => inMine(b) - inMine(a) || b.arrivedAt! - a.arrivedAt! || compareIds(a.productId, b.productId));
      return items.slice(0, k).map((p) => ({ productId: p.productId, reason: "new", score: p.arrivedAt!, ...(p.category ? { context: p.category } : {}) }));
    }
  }
}

/** The categories of their purchases, most bought first (ties by name). */
export function categoriesOf(model: Pick<ShopModel, "catalog">, purchases: readonly Purchase[]): string[] {
  const counts = new Map<string, number>();
  for (const p of purchases) {
    const category = model.catalog.get(p.productId)?.category;
    if (category) counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || compareIds(a[0], b[0])).map(([c]) => c);
}
