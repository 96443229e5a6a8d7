// Minimisation for the likelihood fits: Nelder–Mead on an unconstrained vector
// (the models fit log-parameters, so bounds become box limits on the logs),
// restarted from the best point until a restart no longer improves it. Pure.

export interface MinimizeOptions {
  /** Box limits on every coordinate (e.g. logs of the parameter bounds). */
  lower: number;
  upper: number;
  /** Initial simplex step per coordinate. */
  step?: number;
  /** Stop when the simplex's function values span less than ftol·|f| (at least 1e-11) ... */
  ftol?: number;
  /** ... and its vertices lie within this of the best (absolute, per coordinate). */
  xtol?: number;
  /** Budget over all restarts. */
  maxEvaluations?: number;
  /** Restarts from the best point; stops early when one improves by less than ftol. */
  restarts?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  evaluations: number;
  converged: boolean;
}

export function minimize(f: (x: number[]) => number, start: number[], options: MinimizeOptions): MinimizeResult {
  const { restarts = 8, ftol = 1e-13, xtol = 1e-9 } = options;
  const maxEvaluations = options.maxEvaluations ?? 20_000;
  const clamp = (x: number[]) => x.map((v) => Math.min(options.upper, Math.max(options.lower, v)));
  const g = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let best = nelderMead(g, clamp, clamp(start), options.step ?? 0.5, ftol, xtol, maxEvaluations);
  let evaluations = best.evaluations;
  for (let i = 0; i < restarts && evaluations < maxEvaluations; i++) {
    const next = nelderMead(g, clamp, best.x, 0.1 / (i + 1), ftol, xtol, maxEvaluations - evaluations);
    evaluations += next.evaluations;
    const gain = best.value - next.value;
    if (next.value <= best.value) best = next;
    if (gain < Math.max(ftol * Math.abs(best.value), 1e-11) * 10) break;
  }
  return { x: clamp(best.x), value: best.value, evaluations, converged: best.converged };
}

// Every vertex is projected into the box, so a simplex pressed against a bound collapses onto it.
function nelderMead(f: (x: number[]) => number, clamp: (x: number[]) => number[], start: number[], step: number, ftol: number, xtol: number, maxEvaluations: number): MinimizeResult {
  const n = start.length;
  let simplex = [start.slice()];
  for (let i = 0; i < n; i++) {
    const v = start.slice();
    v[i] = v[i]! + (v[i]! + step > clampMax(clamp, v, i) ? -step : step);
    simplex.push(clamp(v));
  }
  let values = simplex.map(f);
  let evaluations = n + 1;
  const order = () => {
    const idx = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    simplex = idx.map((i) => simplex[i]!);
    values = idx.map((i) => values[i]!);
  };
  const combine = (a: number[], b: number[], t: number) => clamp(a.map((v, i) => v + t * (b[i]! - v)));
  let converged = false;
  // Iterations since the best value last improved by more than 1e-10 relative: on a flat
  // ridge (a parameter the data cannot pin down, e.g. b once a is at its bound) the
  // simplex never shrinks and the value creeps up by ever smaller steps; after 200·n
  // iterations without a real gain the value has converged (the parameters need not).
  let stalled = 0;
  let bestSeen = Infinity;
  while (evaluations < maxEvaluations) {
    order();
    const spread = values[n]! - values[0]!;
    const size = Math.max(...simplex.slice(1).map((v) => Math.max(...v.map((c, i) => Math.abs(c - simplex[0]![i]!)))));
    // A relative tolerance: an absolute one near machine precision of a large |f| is never met.
    const tol = Math.max(ftol * Math.abs(values[0]!), 1e-11);
    if (values[0]! < bestSeen - 1e-10 * Math.abs(values[0]!)) {
      bestSeen = values[0]!;
      stalled = 0;
    } else stalled++;
    if ((spread <= tol && size <= xtol) || stalled > 200 * n) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + simplex[i]![j]! / n;
    const worst = simplex[n]!;
    const reflected = combine(centroid, worst, -1);
    const fr = f(reflected);
    evaluations++;
    if (fr < values[0]!) {
      const expanded = combine(centroid, worst, -2);
      const fe = f(expanded);
      evaluations++;
      if (fe < fr) [simplex[n], values[n]] = [expanded, fe];
      else [simplex[n], values[n]] = [reflected, fr];
    } else if (fr < values[n - 1]!) {
      [simplex[n], values[n]] = [reflected, fr];
    } else {
      const outside = fr < values[n]!;
      const contracted = combine(centroid, worst, outside ? -0.5 : 0.5);
      const fc = f(contracted);
      evaluations++;
      if (fc < Math.min(fr, values[n]!)) [simplex[n], values[n]] = [contracted, fc];
      else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = combine(simplex[0]!, simplex[i]!, 0.5);
          values[i] = f(simplex[i]!);
        }
        evaluations += n;
      }
    }
  }
  order();
  return { x: simplex[0]!, value: values[0]!, evaluations, converged };
}

/** The upper limit of coordinate i (the clamp of a huge value). */
function clampMax(clamp: (x: number[]) => number[], x: number[], i: number): number {
  const probe = x.slice();
  probe[i] = Number.MAX_VALUE;
  return clamp(probe)[i]!;
}
