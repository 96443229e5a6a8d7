import { describe, expect, it } from "vitest";
import { fitShop, parseStoredBgnbd, parseStoredGammaGamma } from "./fit";
import { addToFitInput, emptyFitInput, summarizeOrders } from "./history";
import { simulateOrders, type SimulationOptions } from "./simulate";

const NOW = new Date(Date.UTC(2026, 10, 27, 12));
const TRUTH = { r: 0.8, alpha: 40, a: 0.8, b: 4, p: 5, q: 4, gamma: 9_000 };

function inputOf(options: Partial<SimulationOptions> = {}, scale = 1) {
  const orders = simulateOrders({ customers: 2_000, ...TRUTH, acquisitionDays: 365, now: NOW, seed: 1, ...options }).map((o) => ({ ...o, totalPrice: o.totalPrice * scale }));
  const input = emptyFitInput();
  addToFitInput(input, summarizeOrders(orders, NOW), orders.length);
  return input;
}

describe("a shop's fit", () => {
  const input = inputOf();
  const fit = fitShop(input, NOW);

  it("recovers the purchase rate, dropout and spend of the process that made the orders", () => {
    expect(fit.bgnbd.status).toBe("fitted");
    expect(fit.gammaGamma.status).toBe("fitted");
    if (fit.bgnbd.status !== "fitted" || fit.gammaGamma.status !== "fitted") return;
    const bg = fit.bgnbd.params;
    expect(bg).toMatchObject({ unit: "day", repeatBuyers: input.stats.repeatBuyers, sampled: 2_000, atBound: false });
    // Mean purchase rate r/α (per day) and mean dropout probability a/(a+b).
    expect(bg.r / bg.alpha / (TRUTH.r / TRUTH.alpha)).toBeGreaterThan(0.8);
    expect(bg.r / bg.alpha / (TRUTH.r / TRUTH.alpha)).toBeLessThan(1.2);
    expect(bg.a / (bg.a + bg.b) / (TRUTH.a / (TRUTH.a + TRUTH.b))).toBeGreaterThan(0.75);
    expect(bg.a / (bg.a + bg.b) / (TRUTH.a / (TRUTH.a + TRUTH.b))).toBeLessThan(1.25);
    const gg = fit.gammaGamma.params;
    const meanSpend = (gg.p * gg.gamma) / (gg.q - 1);
    expect(meanSpend / ((TRUTH.p * TRUTH.gamma) / (TRUTH.q - 1))).toBeGreaterThan(0.85);
    expect(meanSpend / ((TRUTH.p * TRUTH.gamma) / (TRUTH.q - 1))).toBeLessThan(1.15);
    expect(fit.gammaGamma.customers).toBe(input.stats.spendCustomers);
    expect(fit.bgnbd.logLikelihood).toBeLessThan(0);
  });

  it("fits spend the same in any minor unit: p and q unchanged, γ scaled", () => {
    const yen = fitShop(inputOf({}, 100), NOW);
    if (fit.gammaGamma.status !== "fitted" || yen.gammaGamma.status !== "fitted") throw new Error("not fitted");
    expect(yen.gammaGamma.params.p).toBeCloseTo(fit.gammaGamma.params.p, 6);
    expect(yen.gammaGamma.params.q).toBeCloseTo(fit.gammaGamma.params.q, 6);
    expect(yen.gammaGamma.params.gamma / fit.gammaGamma.params.gamma).toBeCloseTo(100, 4);
    // The log-likelihood of a density in 100× the unit is lower by ln(100) per customer.
    expect(fit.gammaGamma.logLikelihood - yen.gammaGamma.logLikelihood).toBeCloseTo(yen.gammaGamma.customers * Math.log(100), 3);
  });

  it("records insufficient data for both models, with the merchant's reason", () => {
    const small = fitShop(inputOf({ customers: 150 }), NOW);
    expect(small.bgnbd).toMatchObject({ status: "insufficient-data", customers: 150 });
    if (small.bgnbd.status === "fitted") return;
    expect(small.bgnbd.reason).toMatch(/^Predictions start once 200 customers have ordered .* you have 150 and \d+\.$/);
    expect(small.gammaGamma).toMatchObject({ status: "insufficient-data", reason: small.bgnbd.reason });
  });

  it("fits the purchase model alone when too few repeat buyers paid", () => {
    const few = inputOf();
    few.stats.spendCustomers = 12;
    const r = fitShop(few, NOW);
    expect(r.bgnbd.status).toBe("fitted");
    expect(r.gammaGamma).toMatchObject({ status: "insufficient-data", customers: 12 });
  });

  it("records a failure, with the error for engineers and a plain reason for the merchant", () => {
    const broken = inputOf();
    broken.sample[0] = { x: 2, tx: 50, T: 10, mx: 100 }; // t_x > T cannot happen
    const r = fitShop(broken, NOW);
    expect(r.bgnbd.status).toBe("failed");
    if (r.bgnbd.status === "fitted") return;
    expect(r.bgnbd.reason).toBe("The purchase model could not be fitted to this store's orders. Segments use the profile rules meanwhile; the model is tried again with the nightly refresh.");
    expect(r.bgnbd.error).toMatch(/inconsistent/);
  });

  it("reads stored parameters back, refusing anything unusable", () => {
    if (fit.bgnbd.status !== "fitted" || fit.gammaGamma.status !== "fitted") throw new Error("not fitted");
    const stored = JSON.parse(JSON.stringify(fit.bgnbd.params)) as unknown;
    const { r, alpha, a, b } = fit.bgnbd.params;
    expect(parseStoredBgnbd({ status: "fitted", params: stored })).toEqual({ r, alpha, a, b });
    expect(parseStoredBgnbd({ status: "failed", params: stored })).toBeNull();
    expect(parseStoredBgnbd({ status: "fitted", params: { r, alpha, a, b, unit: "week" } })).toBeNull();
    expect(parseStoredBgnbd({ status: "fitted", params: { r, alpha: -1, a, b, unit: "day" } })).toBeNull();
    expect(parseStoredBgnbd({ status: "fitted", params: null })).toBeNull();
    expect(parseStoredBgnbd(null)).toBeNull();
    const { p, q, gamma } = fit.gammaGamma.params;
    expect(parseStoredGammaGamma({ status: "fitted", params: { p, q, gamma, spendUnit: "minor" } })).toEqual({ p, q, gamma });
    expect(parseStoredGammaGamma({ status: "fitted", params: { p, q: 0.9, gamma, spendUnit: "minor" } })).toBeNull();
    expect(parseStoredGammaGamma({ status: "fitted", params: { p, q, gamma: "1", spendUnit: "minor" } })).toBeNull();
  });
});
