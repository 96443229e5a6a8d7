// The co-purchase model on a hand-built basket set whose counts and
// similarities are worked out in the comments.
import { describe, expect, it } from "vitest";
import { CoPurchaseBuilder, coPurchaseScores, DEFAULT_COPURCHASE, similarity, type CoPurchaseModel, type CoPurchaseOptions } from "~/core/recommend/copurchase";
import { popularity, popularityByCategory, rank, topK } from "~/core/recommend/popularity";

// Orders holding: A 4, B 4, C 2, D 3, E 2 (N = 7).
// Pairs: AB 3, DE 2, AC 1, BC 1, AD 1, BD 1.
const BASKETS = [["A", "B"], ["A", "B"], ["A", "C"], ["B", "C"], ["A", "B", "D"], ["D", "E"], ["E", "D", "D"]];

function build(baskets: string[][], options: Partial<CoPurchaseOptions> = {}): CoPurchaseModel {
  const b = new CoPurchaseBuilder({ ...DEFAULT_COPURCHASE, ...options });
  for (const basket of baskets) b.add(basket);
  return b.build();
}

const neighbours = (m: CoPurchaseModel, p: string) => {
  const { ids, weights } = m.neighbours[m.index.get(p)!]!;
  return [...ids].map((id, n) => [m.products[id], Number(weights[n]!.toFixed(4))]);
};

describe("co-purchase model", () => {
  it("counts each product once per order and keeps pairs with the minimum support", () => {
    const m = build(BASKETS);
    expect(m.orders).toBe(7);
    expect(Object.fromEntries(m.products.map((p, i) => [p, m.counts[i]]))).toEqual({ A: 4, B: 4, C: 2, D: 3, E: 2 });
    // cosine: AB 3/√16 = 0.75; DE 2/√6 = 0.8165; single co-occurrences dropped at support 2.
    expect(neighbours(m, "A")).toEqual([["B", 0.75]]);
    expect(neighbours(m, "D")).toEqual([["E", 0.8165]]);
    expect(neighbours(m, "C")).toEqual([]);
    expect(m.prunedPairs).toBe(0);
  });

  it("computes each similarity as defined", () => {
    expect(similarity({ similarity: "cosine", alpha: 0 }, 3, 4, 4, 7)).toBeCloseTo(0.75, 12);
    expect(similarity({ similarity: "jaccard", alpha: 0 }, 2, 3, 2, 7)).toBeCloseTo(2 / 3, 12);
    expect(similarity({ similarity: "lift", alpha: 0 }, 3, 4, 4, 7)).toBeCloseTo(21 / 16, 12);
    expect(similarity({ similarity: "conditional", alpha: 0 }, 3, 4, 4, 7)).toBeCloseTo(0.75, 12); // P(B|A)
    expect(similarity({ similarity: "conditional", alpha: 0.5 }, 2, 3, 2, 7)).toBeCloseTo(2 / (3 * Math.SQRT2), 12);
  });

  it("scores candidates as the weighted sum over the customer's products (support 1)", () => {
    const m = build(BASKETS, { minSupport: 1 });
    // A's neighbours: B 3/4, C 1/√8, D 1/√12; D's: E 2/√6, A 1/√12, B 1/√12.
    expect(neighbours(m, "A")).toEqual([["B", 0.75], ["C", 0.3536], ["D", 0.2887]]);
    const s = coPurchaseScores(m, [{ productId: "A", weight: 1 }, { productId: "D", weight: 2 }, { productId: "unknown" }]);
    expect(s.get("B")).toBeCloseTo(0.75 + 2 / Math.sqrt(12), 12);
    expect(s.get("E")).toBeCloseTo((2 * 2) / Math.sqrt(6), 12);
    expect(s.get("C")).toBeCloseTo(1 / Math.sqrt(8), 12);
    expect(s.get("A")).toBeCloseTo(2 / Math.sqrt(12), 12); // bought products score too: callers exclude them
  });

  it("is the same model whatever the order of the baskets and of their products", () => {
    const a = build(BASKETS, { minSupport: 1 });
    const b = build([...BASKETS].reverse().map((x) => [...x].reverse()), { minSupport: 1 });
    for (const p of ["A", "B", "C", "D", "E"]) expect(neighbours(b, p)).toEqual(neighbours(a, p));
    // A tie: Y and Z are each bought once with X, fed in either order.
    const t1 = build([["X", "Y"], ["X", "Z"]], { minSupport: 1 });
    const t2 = build([["X", "Z"], ["X", "Y"]], { minSupport: 1 });
    expect(neighbours(t1, "X")).toEqual([["Y", 0.7071], ["Z", 0.7071]]);
    expect(neighbours(t2, "X")).toEqual(neighbours(t1, "X"));
  });

  it("counts big baskets for popularity but not for pairs, and ignores empty ones", () => {
    const m = build([["A", "B", "C"], ["A", "B", "C"], ["A", "B"], [], [""]], { maxBasket: 2, minSupport: 1 });
    expect(m.orders).toBe(3);
    expect(m.counts[m.index.get("C")!]).toBe(2);
    // Only the 2-product basket adds a pair: AB 1 / √(3 · 3).
    expect(neighbours(m, "A")).toEqual([["B", 0.3333]]);
  });

  it("bounds pair counters: the rarest pairs go first and the model says so", () => {
    const baskets = [["A", "B"], ["A", "B"], ["A", "B"], ["C", "D"], ["E", "F"], ["G", "H"], ["A", "B"]];
    const m = build(baskets, { maxPairs: 3, minSupport: 1 });
    expect(m.prunedPairs).toBeGreaterThan(0);
    expect(neighbours(m, "A")).toEqual([["B", 1]]); // 4 of 4 orders: the frequent pair survives
    expect(m.counts[m.index.get("G")!]).toBe(1); // popularity is exact
  });

  it("keeps at most maxNeighbours per product, best first", () => {
    const m = build([["A", "B"], ["A", "B"], ["A", "C"], ["A", "D"]], { minSupport: 1, maxNeighbours: 1 });
    expect(neighbours(m, "A")).toEqual([["B", Number((2 / Math.sqrt(8)).toFixed(4))]]);
  });
});

describe("popularity", () => {
  const m = build(BASKETS);
  it("ranks by orders, ties by product id", () => {
    expect(popularity(m).map((r) => [r.productId, r.score])).toEqual([["A", 4], ["B", 4], ["D", 3], ["C", 2], ["E", 2]]);
    expect(rank([["z", 1], ["a", 1], ["m", 0]]).map((r) => r.productId)).toEqual(["a", "z"]);
  });

  it("splits a ranking by category and takes the first k accepted", () => {
    const cat: Record<string, string> = { A: "mugs", B: "tea", C: "mugs", D: "" };
    const by = popularityByCategory(popularity(m), (p) => cat[p] || undefined);
    expect([...by.keys()]).toEqual(["mugs", "tea"]);
    expect(by.get("mugs")!.map((r) => r.productId)).toEqual(["A", "C"]);
    expect(topK(popularity(m), 2, (p) => p !== "A").map((r) => r.productId)).toEqual(["B", "D"]);
  });
});
