import { describe, expect, it } from "vitest";
import { MIN_CUSTOMERS_FOR_QUANTILES, quantileRank, quintileCutoffs, rfmCutoffs, rfmScores, scoreHigherIsBetter, scoreLowerIsBetter, smallShopCutoffs } from "./rfm";

describe("quintile cut-offs", () => {
  it("splits 1..100 into equal fifths", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const c = quintileCutoffs(values);
    expect(c).toEqual([20, 40, 60, 80]);
    const scores = values.map((v) => scoreHigherIsBetter(v, c));
    for (let s = 1; s <= 5; s++) expect(scores.filter((x) => x === s)).toHaveLength(20);
  });

  it("gives tied values one score, and the value above them the score its rank earns", () => {
    // 60% ordered once, 20% twice, 20% five times
    const values = [...Array(60).fill(1), ...Array(20).fill(2), ...Array(20).fill(5)];
    const c = quintileCutoffs(values);
    expect(c).toEqual([1, 1, 1, 2]);
    expect(scoreHigherIsBetter(1, c)).toBe(1);
    expect(scoreHigherIsBetter(2, c)).toBe(4);
    expect(scoreHigherIsBetter(5, c)).toBe(5);
  });

  it("all equal values: everyone scores 1 (higher is better) or 5 (lower is better)", () => {
    const c = quintileCutoffs(Array(80).fill(3));
    expect(scoreHigherIsBetter(3, c)).toBe(1);
    expect(scoreLowerIsBetter(3, c)).toBe(5);
  });

  it("nearest rank", () => {
    expect(quantileRank(5, 0.2)).toBe(0);
    expect(quantileRank(5, 0.8)).toBe(3);
    expect(quantileRank(1, 0.8)).toBe(0);
    expect(() => quantileRank(0, 0.5)).toThrow();
  });
});

describe("RFM scores", () => {
  it("recency: fewer days is better", () => {
    const c = smallShopCutoffs(5_000);
    expect([0, 30, 31, 90, 91, 180, 181, 365, 366].map((d) => scoreLowerIsBetter(d, c.recencyDays))).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1]);
  });

  it("small shops use fixed cut-offs: frequency 1/2/3/4-5/6+, money in multiples of the average order", () => {
    const few = Array.from({ length: MIN_CUSTOMERS_FOR_QUANTILES - 1 }, (_, i) => ({ daysSinceLastOrder: i, orderCount: 1, totalSpent: 100 * i }));
    const c = rfmCutoffs(few, 4_000);
    expect(c.basis).toBe("small-shop-defaults");
    expect(c.monetary).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect([1, 2, 3, 4, 5, 6].map((f) => scoreHigherIsBetter(f, c.frequency))).toEqual([1, 2, 3, 4, 4, 5]);
    expect(rfmScores({ daysSinceLastOrder: 10, orderCount: 6, totalSpent: 20_000 }, c)).toEqual({ recencyScore: 5, frequencyScore: 5, monetaryScore: 5 });
    expect(rfmScores({ daysSinceLastOrder: 400, orderCount: 1, totalSpent: 1_000 }, c)).toEqual({ recencyScore: 1, frequencyScore: 1, monetaryScore: 1 });
  });

  it("a shop with no orders still gets usable cut-offs", () => {
    expect(smallShopCutoffs(0).monetary).toEqual([1, 1, 2, 4]);
  });

  it("enough customers: quintiles of the shop's own distribution", () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ daysSinceLastOrder: i * 3, orderCount: 1 + (i % 5), totalSpent: (i + 1) * 1_000 }));
    const c = rfmCutoffs(many, 1);
    expect(c.basis).toBe("quantiles");
    expect(c.recencyDays).toEqual([57, 117, 177, 237]);
    expect(c.frequency).toEqual([1, 2, 3, 4]);
    expect(c.monetary).toEqual([20_000, 40_000, 60_000, 80_000]);
  });
});
