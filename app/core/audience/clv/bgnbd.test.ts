import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../random";
import {
  bgnbdLogLikelihood,
  conditionalExpectedPurchases,
  customerLogLikelihood,
  expectedPurchases,
  expectedTimeToNextPurchase,
  fitBgnbd,
  probabilityAlive,
  probabilityOfPurchases,
  type BgnbdParams,
  type Rfm,
} from "./bgnbd";

const P: BgnbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** A seeded generator (mulberry32) and the samplers BG/NBD needs. */
function rng(seed: number) {
  const uniform = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * Math.pow(uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = Math.pow(1 + c * z, 3);
      if (v > 0 && Math.log(uniform()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return { uniform, gamma, beta: (a: number, b: number) => { const x = gamma(a); return x / (x + gamma(b)); } };
}

/** Simulates BG/NBD customers observed for T ∈ [20, 40). */
function simulate(p: BgnbdParams, n: number, seed: number): Rfm[] {
  const g = rng(seed);
  const out: Rfm[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = g.gamma(p.r) / p.alpha;
    const drop = g.beta(p.a, p.b);
    const T = 20 + 20 * g.uniform();
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - g.uniform()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      if (g.uniform() < drop) break;
    }
    out.push({ x, tx, T });
  }
  return out;
}

describe("BG/NBD", () => {
  it("recovers the parameters it simulated", () => {
    const truth = { r: 0.5, alpha: 5, a: 0.8, b: 2.5 };
    const data = simulate(truth, 10_000, 7);
    const fit = fitBgnbd(data);
    expect(fit.status).toBe("ok");
    if (fit.status !== "ok") return;
    expect(fit.converged).toBe(true);
    expect(fit.atBound).toBe(false);
    for (const k of ["r", "alpha", "a", "b"] as const) expect(Math.abs(fit.params[k] / truth[k] - 1)).toBeLessThan(0.25);
    expect(fit.logLikelihood).toBeCloseTo(bgnbdLogLikelihood(fit.params, data), 6);
    expect(fit.logLikelihood).toBeGreaterThan(bgnbdLogLikelihood(truth, data));
  });

  it("says why it will not fit too little data", () => {
    const few = simulate(P, 150, 1);
    const fit = fitBgnbd(few);
    expect(fit).toMatchObject({ status: "insufficient-data", customers: 150 });
    if (fit.status === "insufficient-data") expect(fit.reason).toMatch(/150 customers; BG\/NBD needs at least 200/);
    const oneTimers = Array.from({ length: 500 }, (_, i) => ({ x: i < 10 ? 1 : 0, tx: i < 10 ? 3 : 0, T: 30 }));
    expect(fitBgnbd(oneTimers)).toMatchObject({ status: "insufficient-data", repeatBuyers: 10 });
    expect(() => fitBgnbd(Array.from({ length: 300 }, () => ({ x: 2, tx: 40, T: 30 })), { minRepeatBuyers: 1 })).toThrow(/inconsistent/);
  });

  it("gives P(alive) = 1 without repeats and less the longer a repeater has been silent", () => {
    expect(probabilityAlive(P, { x: 0, tx: 0, T: 30 })).toBe(1);
    const recent = probabilityAlive(P, { x: 4, tx: 29, T: 30 });
    const silent = probabilityAlive(P, { x: 4, tx: 5, T: 30 });
    expect(recent).toBeGreaterThan(silent);
    expect(silent).toBeGreaterThan(0);
  });

  it("keeps its closed forms consistent: a new customer's conditional = unconditional expectation, Σ P(X=n) = 1 and Σ n·P(X=n) = E[X]", () => {
    for (const t of [1, 10, 52]) {
      expect(conditionalExpectedPurchases(P, { x: 0, tx: 0, T: 0 }, t)).toBeCloseTo(expectedPurchases(P, t), 10);
      let total = 0;
      let mean = 0;
      for (let n = 0; n < 400; n++) {
        const pn = probabilityOfPurchases(P, t, n);
        total += pn;
        mean += n * pn;
      }
      expect(total).toBeCloseTo(1, 8);
      expect(mean).toBeCloseTo(expectedPurchases(P, t), 6);
    }
  });

  it("is continuous through a = 1, where the formula is 0/0", () => {
    const c = { x: 3, tx: 20, T: 30 };
    const at1 = conditionalExpectedPurchases({ ...P, a: 1 }, c, 20);
    expect(Number.isFinite(at1)).toBe(true);
    const either = (f: (a: number) => number) => (f(0.999) + f(1.001)) / 2;
    expect(at1).toBeCloseTo(either((a) => conditionalExpectedPurchases({ ...P, a }, c, 20)), 6);
    expect(expectedPurchases({ ...P, a: 1 }, 20)).toBeCloseTo(either((a) => expectedPurchases({ ...P, a }, 20)), 6);
  });

  it("puts the next expected order where the conditional expectation reaches 1, or nowhere", () => {
    const frequent = { x: 20, tx: 29, T: 30 };
    const t = expectedTimeToNextPurchase(P, frequent, 104);
    expect(t).not.toBeNull();
    expect(conditionalExpectedPurchases(P, frequent, t!)).toBeCloseTo(1, 5);
    expect(expectedTimeToNextPurchase(P, { x: 1, tx: 1, T: 30 }, 104)).toBeNull();
  });

  it("evaluates the log-likelihood without overflow for heavy buyers", () => {
    const ll = customerLogLikelihood(P, { x: 5000, tx: 999, T: 1000 });
    expect(Number.isFinite(ll)).toBe(true);
  });
});
