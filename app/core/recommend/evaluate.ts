// The offline evaluation behind `loopwise recommend-eval` (issue 4, part 5):
//   - train on the orders before the split (guest orders included);
//   - evaluate every customer with orders on both sides; their targets are the
//     products of their first order after the split that they had not bought
//     before (a customer whose first order holds only re-buys has no target: no
//     rule that never recommends a bought product can hit, so they are counted
//     in `withoutNewProducts` and left out of the rates);
//   - a hit is any target among the k recommendations;
//   - the baseline recommends the k products in most training orders that the
//     customer has not bought.
// Pure and deterministic.
import { CoPurchaseBuilder, compareIds, DEFAULT_COPURCHASE, type CoPurchaseOptions } from "./copurchase";
import type { BasketOrder } from "./order-lines";
import { popularity, topK } from "./popularity";
import { DEFAULT_BLEND, historyWeights, recommendProducts, type BlendOptions, type Purchase } from "./recommend";

export interface EvaluateOptions {
  /** UTC milliseconds: orders at or after it are the test side. */
  splitAt: number;
  k: number;
  copurchase?: Partial<CoPurchaseOptions>;
  blend?: Partial<BlendOptions>;
}

export interface EvaluationResult {
  /** Customers evaluated: orders on both sides and at least one new product in their first order after the split. */
  customers: number;
  hitRate: number;
  popularityHitRate: number;
  hits: number;
  popularityHits: number;
  /** Customers hit by ours and missed by popularity, and the reverse (the paired difference). */
  onlyOurs: number;
  onlyPopularity: number;
  customersBothSides: number;
  withoutNewProducts: number;
  /** Mean number of targets per evaluated customer. */
  meanTargets: number;
  trainOrders: number;
  guestTrainOrders: number;
  testOrders: number;
  trainProducts: number;
  /** Distinct products recommended across customers. */
  coverage: { ours: number; popularity: number };
}

interface CustomerSides {
  purchases: Purchase[];
  bought: Set<string>;
  first: BasketOrder | null;
}

const byTime = (a: BasketOrder, b: BasketOrder) => a.at - b.at || compareIds(a.orderId, b.orderId);

export function evaluateRecommender(orders: readonly BasketOrder[], options: EvaluateOptions): EvaluationResult {
  const { splitAt, k } = options;
  const blend: BlendOptions = { ...DEFAULT_BLEND, ...options.blend };
  const builder = new CoPurchaseBuilder({ ...DEFAULT_COPURCHASE, ...options.copurchase });
  const customers = new Map<string, CustomerSides>();
  const side = (id: string) => {
    let c = customers.get(id);
    if (!c) customers.set(id, (c = { purchases: [], bought: new Set(), first: null }));
    return c;
  };
  let trainOrders = 0;
  let guestTrainOrders = 0;
  let testOrders = 0;
  for (const o of [...orders].sort(byTime)) {
    if (o.at < splitAt) {
      builder.add(o.products);
      trainOrders++;
      if (o.customerId === null) {
        guestTrainOrders++;
        continue;
      }
      const c = side(o.customerId);
      for (const p of o.products) {
        c.purchases.push({ productId: p, at: o.at });
        c.bought.add(p);
      }
    } else {
      testOrders++;
      if (o.customerId === null) continue;
      const c = customers.get(o.customerId);
      if (c && c.purchases.length > 0 && !c.first) c.first = o; // sorted: the first is the earliest
    }
  }
  const model = builder.build();
  const ranking = popularity(model);

  let evaluated = 0;
  let bothSides = 0;
  let withoutNew = 0;
  let hits = 0;
  let popHits = 0;
  let onlyOurs = 0;
  let onlyPop = 0;
  let targetCount = 0;
  const recommendedOurs = new Set<string>();
  const recommendedPop = new Set<string>();
  for (const id of [...customers.keys()].sort(compareIds)) {
    const c = customers.get(id)!;
    if (!c.first) continue;
    bothSides++;
    const targets = new Set(c.first.products.filter((p) => !c.bought.has(p)));
    if (targets.size === 0) {
      withoutNew++;
      continue;
    }
    evaluated++;
    targetCount += targets.size;
    const history = historyWeights(c.purchases, splitAt, blend.halfLifeDays);
    const ours = recommendProducts(model, ranking, history, { k, exclude: c.bought, ...blend });
    const base = topK(ranking, k, (p) => !c.bought.has(p));
    for (const r of ours) recommendedOurs.add(r.productId);
    for (const r of base) recommendedPop.add(r.productId);
    const hit = ours.some((r) => targets.has(r.productId));
    const popHit = base.some((r) => targets.has(r.productId));
    if (hit) hits++;
    if (popHit) popHits++;
    if (hit && !popHit) onlyOurs++;
    if (popHit && !hit) onlyPop++;
  }
  const rate = (n: number) => (evaluated > 0 ? n / evaluated : 0);
  return {
    customers: evaluated,
    hitRate: rate(hits),
    popularityHitRate: rate(popHits),
    hits,
    popularityHits: popHits,
    onlyOurs,
    onlyPopularity: onlyPop,
    customersBothSides: bothSides,
    withoutNewProducts: withoutNew,
    meanTargets: rate(targetCount),
    trainOrders,
    guestTrainOrders,
    testOrders,
    trainProducts: model.products.length,
    coverage: { ours: recommendedOurs.size, popularity: recommendedPop.size },
  };
}
