// "Often bought with what they bought": the customer's purchases (recent ones
// weigh more) scored through the co-purchase model, blended with the shop's
// popularity so that customers with little history still get products. This is
// the function `loopwise recommend-eval` measures and the copurchase block uses.
import { coPurchaseScores, compareIds, type CoPurchaseModel, type HistoryItem } from "./copurchase";
import { topK, type Ranked } from "./popularity";

export const DAY_MS = 86_400_000;

export interface BlendOptions {
  /** Weight of popularity (share of the most popular product's count) next to co-purchase (share of the best candidate's score). */
  popularityWeight: number;
  /** A purchase's weight halves every this many days; 0: no decay. */
  halfLifeDays: number;
}

export const DEFAULT_BLEND: BlendOptions = { popularityWeight: 0.5, halfLifeDays: 90 };

export interface Purchase {
  productId: string;
  at: number;
}

/** Purchases → history weights: each purchase counts 0.5^(age / half-life), summed per product. */
export function historyWeights(purchases: readonly Purchase[], now: number, halfLifeDays: number): HistoryItem[] {
  const weights = new Map<string, number>();
  for (const p of purchases) {
    const age = Math.max(0, now - p.at) / DAY_MS;
    const w = halfLifeDays > 0 ? Math.pow(0.5, age / halfLifeDays) : 1;
    weights.set(p.productId, (weights.get(p.productId) ?? 0) + w);
  }
  return [...weights].sort((a, b) => compareIds(a[0], b[0])).map(([productId, weight]) => ({ productId, weight }));
}

export type Source = "copurchase" | "popular";

export interface Recommendation {
  productId: string;
  score: number;
  /** What brought it: co-purchase with their products, or popularity alone. */
  source: Source;
}

export interface RecommendOptions extends Partial<BlendOptions> {
  k: number;
  /** Never recommended (what they bought). */
  exclude: ReadonlySet<string>;
  /** Catalog filter (in stock, published); everything by default. */
  eligible?: (productId: string) => boolean;
}

/** The k best products for a history; deterministic (ties by product id). */
export function recommendProducts(model: CoPurchaseModel, popularity: readonly Ranked[], history: readonly HistoryItem[], options: RecommendOptions): Recommendation[] {
  const { k, exclude } = options;
  if (k <= 0) return [];
  const beta = options.popularityWeight ?? DEFAULT_BLEND.popularityWeight;
  const accept = (p: string) => !exclude.has(p) && (options.eligible?.(p) ?? true);
  const co = coPurchaseScores(model, history);
  let bestCo = 0;
  for (const [p, s] of co) if (s > bestCo && accept(p)) bestCo = s;
  const bestPop = popularity[0]?.score ?? 0;
  const countOf = (p: string) => {
    const i = model.index.get(p);
    return i === undefined ? 0 : model.counts[i]!;
  };
  const popShare = (p: string) => (bestPop > 0 ? countOf(p) / bestPop : 0);
  const scored: Recommendation[] = [];
  for (const [p, s] of co) {
    if (!accept(p)) continue;
    scored.push({ productId: p, score: s / bestCo + beta * popShare(p), source: "copurchase" });
  }
  // Products no purchase points to can only win on popularity: the k most popular suffice.
  for (const r of topK(popularity, k, (p) => accept(p) && !co.has(p))) {
    scored.push({ productId: r.productId, score: beta * popShare(r.productId), source: "popular" });
  }
  // Ties (popularity weight 0, or equal scores) go to the more popular product, then the smaller id.
  scored.sort((a, b) => b.score - a.score || countOf(b.productId) - countOf(a.productId) || compareIds(a.productId, b.productId));
  return scored.slice(0, k);
}
