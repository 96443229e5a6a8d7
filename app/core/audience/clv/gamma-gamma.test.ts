import { describe, expect, it } from "vitest";
import { clvMinorUnits, conditionalExpectedSpend, customerLifetimeValue, fitGammaGamma, gammaGammaLogLikelihood } from "./gamma-gamma";
import { conditionalExpectedPurchases } from "./bgnbd";

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG = { p: 6.25, q: 3.74, gamma: 15.44 };

/** Deterministic Gamma–Gamma-ish data: quantiles instead of random draws. */
function spends(n: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const x = 1 + (i % 7);
    const level = 20 + 40 * ((i * 37) % n) / n; // the customer's own mean spend
    const noise = 1 + 0.3 * Math.sin(i * 12.9898);
    out.push({ x, mx: level * noise });
  }
  return out;
}

describe("Gamma–Gamma", () => {
  it("fits by maximum likelihood (no nearby point is better) on repeat buyers only", () => {
    const data = [...spends(400), { x: 0, mx: 0 }, { x: 0, mx: 0 }];
    const fit = fitGammaGamma(data);
    expect(fit.status).toBe("ok");
    if (fit.status !== "ok") return;
    expect(fit.customers).toBe(400);
    const best = fit.logLikelihood;
    for (const k of ["p", "q", "gamma"] as const) {
      for (const f of [0.99, 1.01]) expect(gammaGammaLogLikelihood({ ...fit.params, [k]: fit.params[k] * f }, spends(400))).toBeLessThan(best);
    }
    // The population mean is close to the sample's mean spend.
    const mean = spends(400).reduce((s, c) => s + c.mx, 0) / 400;
    expect(Math.abs(conditionalExpectedSpend(fit.params, { x: 0, mx: 0 }) / mean - 1)).toBeLessThan(0.1);
  });

  it("says why it will not fit too few repeat buyers", () => {
    expect(fitGammaGamma(spends(49))).toMatchObject({ status: "insufficient-data", customers: 49, reason: expect.stringContaining("at least 50") });
  });

  it("shrinks a customer's mean spend towards the population mean, less with more purchases", () => {
    const population = conditionalExpectedSpend(GG, { x: 0, mx: 0 });
    expect(population).toBeCloseTo((6.25 * 15.44) / 2.74, 10);
    const one = conditionalExpectedSpend(GG, { x: 1, mx: 100 });
    const ten = conditionalExpectedSpend(GG, { x: 10, mx: 100 });
    expect(one).toBeGreaterThan(population);
    expect(ten).toBeGreaterThan(one);
    expect(ten).toBeLessThan(100);
    expect(conditionalExpectedSpend({ ...GG, q: 0.9 }, { x: 1, mx: 1 })).toBeNaN();
  });

  it("discounts twelve months of expected purchases at 10% a year, monthly", () => {
    const c = { x: 4, tx: 30, T: 35, mx: 2500 }; // minor units
    const clv = customerLifetimeValue(BG, GG, c, { unit: "week" });
    const undiscounted = conditionalExpectedPurchases(BG, c, (12 * 30.4375) / 7) * conditionalExpectedSpend(GG, c);
    expect(clv).toBeLessThan(undiscounted);
    expect(clv).toBeGreaterThan(undiscounted / 1.1);
    expect(customerLifetimeValue(BG, GG, c, { unit: "week", annualDiscountRate: 0 })).toBeCloseTo(undiscounted, 6);
    // Days and weeks describe the same customer.
    const inDays = customerLifetimeValue(BG, { ...GG }, c, { unit: "week" });
    expect(customerLifetimeValue({ ...BG, alpha: BG.alpha * 7 }, GG, { ...c, tx: c.tx * 7, T: c.T * 7 }, { unit: "day" })).toBeCloseTo(inDays, 6);
    expect(Number.isInteger(clvMinorUnits(BG, GG, c, { unit: "week" }))).toBe(true);
  });
});
