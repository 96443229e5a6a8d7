import { describe, expect, it } from "vitest";
import { hyp2f1, logHyp2f1 } from "./hyp2f1";

const rel = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe("hyp2f1", () => {
  it("matches closed forms on both sides of 0 and near ±1", () => {
    for (const z of [0.1, 0.5, 0.85, 0.95, 0.999, -0.5, -0.99, -20]) {
      expect(rel(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-12);
      expect(rel(hyp2f1(2.5, 0.7, 0.7, z), Math.pow(1 - z, -2.5))).toBeLessThan(1e-12);
    }
    const x = 0.99; // 2F1(½,½;3/2;x²) = asin(x)/x
    expect(rel(hyp2f1(0.5, 0.5, 1.5, x * x), Math.asin(x) / x)).toBeLessThan(1e-12);
    expect(rel(hyp2f1(0.5, 1, 1.5, -9), Math.atan(3) / 3)).toBeLessThan(1e-12); // atan(x)/x at x = 3
  });

  it("matches high-precision values (mpmath, 30 digits)", () => {
    const cases: [number, number, number, number, number][] = [
      [26.2426, 28.4258, 53.2187, 0.595, 85243.705085598558],
      [0.25, 2.43, 2.2, 0.999, 12.945891620935045],
      [0.2426, 2.4258, 2.2187, 0.95, 2.4429625964210371],
      [3.5, -1.2, 2.7, -30, 82.685934462464573],
      [1.5, 2.5, 4.7, 0.97, 5.1639566261335847],
      // b and c near the fit's upper bound (a shop with no dropout signal): the series must
      // stop on its tail bound long before n passes b.
      [1.9222486162863648, 991715.7082784546, 1400883.6991115902, 0.3315368147621423, 1.672270741823447],
      [0.5, 3000.5, 3001.2, 0.97, 5.7520244046922], // the 1 − z formula's terms cancel here
      [200.24, 202.43, 401.2, 0.95, 4.798455855599215e86], // a heavy buyer's E[X]: c − a − b ≈ −1.5
    ];
    for (const [a, b, c, z, expected] of cases) expect(rel(hyp2f1(a, b, c, z), expected)).toBeLessThan(1e-11);
  });

  it("works in log space where the value overflows a double's comfortable range", () => {
    const v = logHyp2f1(50.5, 60.25, 30.5, 0.8); // 1.9704046535982319e+60
    expect(v.sign).toBe(1);
    expect(Math.abs(v.log - Math.log(1.9704046535982319e+60))).toBeLessThan(1e-11);
    expect(logHyp2f1(500, 600, 300, 0.9).log).toBeGreaterThan(709); // past exp's range, still finite
  });

  it("is exact for polynomials (Legendre P₃) and uses Gauss's theorem at z = 1", () => {
    for (const x of [-0.7, 0.2, 0.9]) expect(hyp2f1(-3, 4, 1, (1 - x) / 2)).toBeCloseTo((5 * x ** 3 - 3 * x) / 2, 12);
    // Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)) with a=1/2, b=1/2, c=2: Γ(2)Γ(1)/(Γ(3/2)²) = 4/π
    expect(rel(hyp2f1(0.5, 0.5, 2, 1), 4 / Math.PI)).toBeLessThan(1e-12);
  });

  it("agrees across the switch between the series and the 1 − z formula, including integer c − a − b", () => {
    for (const [a, b, c] of [[0.3, 1.7, 2.9], [1, 1, 3], [0.2426, 2.4258, 2.2187]] as const) {
      const below = hyp2f1(a, b, c, 0.9);
      const above = hyp2f1(a, b, c, 0.9 + 1e-9);
      expect(rel(above, below)).toBeLessThan(1e-7);
    }
  });

  it("refuses arguments where it is undefined", () => {
    expect(() => hyp2f1(1, 1, -2, 0.5)).toThrow(/non-positive integer/);
    expect(() => hyp2f1(1, 1, 2, 1.5)).toThrow(/branch cut/);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/diverges/);
    expect(() => hyp2f1(1, NaN, 2, 0.5)).toThrow(/finite/);
  });
});
