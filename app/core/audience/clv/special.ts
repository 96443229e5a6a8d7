// Special functions for the CLV models: log-gamma (with its sign for negative
// arguments), log-beta and log-sum-exp. Pure.

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln|Γ(x)| for real x (not a non-positive integer, where it is +∞). Lanczos (g = 7), ~1e-15 relative; reflection below 0.5. */
export function lgamma(x: number): number {
  if (x < 0.5) {
    if (Number.isInteger(x)) return Infinity;
    // Γ(x)Γ(1−x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  if (x > 1e6) {
    // Stirling with two correction terms; Lanczos loses relative accuracy in ln only negligibly, but this is cheaper.
    return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + 1 / (12 * x) - 1 / (360 * x * x * x);
  }
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS_G + 2; i++) s += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** The sign of Γ(x): +1 for x > 0, alternating between the poles below 0. */
export function gammaSign(x: number): 1 | -1 {
  if (x > 0) return 1;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** ln(e^x + e^y) without overflow. */
export function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const m = Math.max(x, y);
  return m + Math.log1p(Math.exp(-Math.abs(x - y)));
}

/** ln(e^x − e^y) for x ≥ y (−∞ when equal). */
export function logSubExp(x: number, y: number): number {
  if (y === -Infinity) return x;
  if (y > x) return NaN;
  return x + Math.log(-Math.expm1(y - x));
}

/** Pearson correlation; NaN when either side has no variance. */
export function correlation(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n !== ys.length || n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}
