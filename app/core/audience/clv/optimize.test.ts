import { describe, expect, it } from "vitest";
import { minimize } from "./optimize";

describe("minimize (Nelder–Mead with restarts)", () => {
  it("finds the Rosenbrock minimum", () => {
    const rosen = ([x, y]: number[]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2;
    const r = minimize(rosen, [-1.2, 1], { lower: -10, upper: 10 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
  });

  it("stays in the box and stops on a bound", () => {
    const r = minimize(([x, y]: number[]) => x! + (y! - 2) ** 2, [0, 0], { lower: -3, upper: 3 });
    expect(r.x[0]).toBe(-3);
    expect(r.x[1]).toBeCloseTo(2, 6);
  });

  it("stops on a flat ridge instead of spending its whole budget", () => {
    // Improves ever more slowly as y grows: the value converges, y does not.
    const r = minimize(([x, y]: number[]) => (x! - 1) ** 2 + Math.exp(-Math.exp(y!)), [0, 0], { lower: -50, upper: 50, maxEvaluations: 50_000 });
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.evaluations).toBeLessThan(50_000);
  });

  it("treats non-finite values as +∞", () => {
    const r = minimize(([x]: number[]) => (x! < 0 ? NaN : (x! - 2) ** 2), [1], { lower: -5, upper: 5 });
    expect(r.x[0]).toBeCloseTo(2, 6);
  });
});
