// Minimisation for the likelihood fits: Nelder–Mead on an unconstrained vector
// (the models fit log-parameters, so bounds become box limits on the logs),
// restarted from the best point until a restart no longer improves it. Pure.

export interface MinimizeOptions {
  /** Box limits on every coordinate (e.g. logs of the parameter bounds). */
  lower: number;
  upper: number;
  /** Initial simplex step per coordinate. */
  step?: number;
  /** Stop when the simplex's function values span less than this (absolute). */
  ftol?: number;
  /** ... and its vertices lie within this of the best (absolute, per coordinate). */
  xtol?: number;
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
  const { restarts = 8, ftol = 1e-11, xtol = 1e-9, maxEvaluations = 20_000 } = options;
  const clamp = (x: number[]) => x.map((v) => Math.min(options.upper, Math.max(options.lower, v)));
  const g = (x: number[]) => {
    const v = f(clamp(x));
    return Number.isFinite(v) ? v : Infinity;
  };
  let best = nelderMead(g, clamp(start), options.step ?? 0.5, ftol, xtol, maxEvaluations);
  let evaluations = best.evaluations;
  for (let i = 0; i < restarts; i++) {
    const next = nelderMead(g, best.x, 0.1 / (i + 1), ftol, xtol, maxEvaluations);
    evaluations += next.evaluations;
    const gain = best.value - next.value;
    if (next.value <= best.value) best = next;
    if (gain < ftol * 10) break;
  }
  return { x: clamp(best.x), value: best.value, evaluations, converged: best.converged };
}

function nelderMead(f: (x: number[]) => number, start: number[], step: number, ftol: number, xtol: number, maxEvaluations: number): MinimizeResult {
  const n = start.length;
  let simplex = [start.slice()];
  for (let i = 0; i < n; i++) {
    const v = start.slice();
    v[i] = v[i]! + step;
    simplex.push(v);
  }
  let values = simplex.map(f);
  let evaluations = n + 1;
  const order = () => {
    const idx = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    simplex = idx.map((i) => simplex[i]!);
    values = idx.map((i) => values[i]!);
  };
  const combine = (a: number[], b: number[], t: number) => a.map((v, i) => v + t * (b[i]! - v));
  let converged = false;
  while (evaluations < maxEvaluations) {
    order();
    const spread = values[n]! - values[0]!;
    const size = Math.max(...simplex.slice(1).map((v) => Math.max(...v.map((c, i) => Math.abs(c - simplex[0]![i]!)))));
    if (spread <= ftol && size <= xtol) {
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
