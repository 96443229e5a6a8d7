// The Gauss hypergeometric function 2F1(a, b; c; z) for real arguments and
// z < 1 (and z = 1 when c − a − b > 0). Pure.
//
// - |z| small enough: the power series, summed in log space (terms with large
//   a, b grow far past 1e308 before they shrink), stopped by a tail bound.
// - z < 0: Pfaff's transformation, 2F1(a,b;c;z) = (1−z)^(−a) 2F1(a, c−b; c; z/(z−1)),
//   which maps z to w ∈ (0, 1).
// - z near 1: the 1 − z connection formula (Abramowitz & Stegun 15.3.6), unless
//   c − a − b is (nearly) an integer, where its two terms are singular, or its terms
//   cancel (large parameters); there the series is summed directly (it still
//   converges for z < 1, just more slowly).
import { gammaSign, lgamma } from "./special";

/** A real number as ln|v| and its sign (0 for v = 0). */
export interface LogValue {
  log: number;
  sign: -1 | 0 | 1;
}

const SERIES_MAX_Z = 0.9;
const NEAR_INTEGER = 1e-3;
const MAX_TERMS = 2_000_000;

const isNonPositiveInteger = (v: number) => v <= 0 && Number.isInteger(v);

/** 2F1(a, b; c; z). Throws for c a non-positive integer, z > 1, or a divergent z = 1. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  const v = logHyp2f1(a, b, c, z);
  return v.sign * Math.exp(v.log);
}

/** ln|2F1(a, b; c; z)| and its sign: use this where the value can overflow. */
export function logHyp2f1(a: number, b: number, c: number, z: number): LogValue {
  if (![a, b, c, z].every(Number.isFinite)) throw new RangeError("hyp2f1: arguments must be finite");
  if (isNonPositiveInteger(c) && !((isNonPositiveInteger(a) && a > c) || (isNonPositiveInteger(b) && b > c))) {
    throw new RangeError(`hyp2f1: c = ${c} is a non-positive integer`);
  }
  if (z > 1) throw new RangeError(`hyp2f1: z = ${z} > 1 is on the branch cut`);
  if (z === 0 || a === 0 || b === 0) return { log: 0, sign: 1 };
  // Polynomials (a or b a non-positive integer) are finite sums anywhere.
  if (isNonPositiveInteger(a) || isNonPositiveInteger(b)) return series(a, b, c, z);
  if (z < 0) {
    // Pfaff: choose the form whose second parameter keeps the series shortest; both are exact.
    const w = z / (z - 1);
    const inner = logHyp2f1(a, c - b, c, w);
    return { log: inner.log - a * Math.log1p(-z), sign: inner.sign };
  }
  if (z === 1) return atOne(a, b, c);
  if (z <= SERIES_MAX_Z) return series(a, b, c, z);
  const s = c - a - b;
  if (Math.abs(s - Math.round(s)) < NEAR_INTEGER) return series(a, b, c, z);
  // The two terms of the connection formula can be huge and cancel (large a or b, or
  // c − a − b far from 0); losing more than 4 of the 16 digits, sum the series instead.
  const { value, largest } = connection(a, b, c, z);
  return largest - value.log > Math.log(1e4) ? series(a, b, c, z) : value;
}

/** Gauss's theorem: 2F1(a,b;c;1) = Γ(c)Γ(c−a−b) / (Γ(c−a)Γ(c−b)), for c − a − b > 0. */
function atOne(a: number, b: number, c: number): LogValue {
  if (c - a - b <= 0) throw new RangeError("hyp2f1: diverges at z = 1 unless c − a − b > 0");
  return gammaRatio([c, c - a - b], [c - a, c - b]);
}

/** Γ(n1)Γ(n2)… / (Γ(d1)Γ(d2)…) in log space; 0 when a denominator argument is a pole. */
function gammaRatio(num: number[], den: number[]): LogValue {
  if (den.some(isNonPositiveInteger)) return { log: -Infinity, sign: 0 };
  let log = 0;
  let sign = 1;
  for (const v of num) {
    log += lgamma(v);
    sign *= gammaSign(v);
  }
  for (const v of den) {
    log -= lgamma(v);
    sign *= gammaSign(v);
  }
  return { log, sign: sign as 1 | -1 };
}

/** The power series Σ (a)_n (b)_n / ((c)_n n!) zⁿ in log space, for |z| < 1 (or a terminating one). */
function series(a: number, b: number, c: number, z: number): LogValue {
  let logTerm = 0;
  let termSign = 1;
  let scale = 0; // the sum is held as acc · e^scale
  let acc = 1;
  const logZ = Math.log(Math.abs(z));
  const zSign = z < 0 ? -1 : 1;
  for (let n = 0; n < MAX_TERMS; n++) {
    const num = (a + n) * (b + n);
    if (num === 0) break; // terminating series
    const den = (c + n) * (n + 1);
    logTerm += Math.log(Math.abs(num / den)) + logZ;
    termSign *= Math.sign(num) * Math.sign(den) * zSign;
    if (logTerm > scale) {
      acc *= Math.exp(scale - logTerm);
      scale = logTerm;
    }
    acc += termSign * Math.exp(logTerm - scale);
    // Tail bound. For m > n the term ratio is |z|·(a+m)/(m+1)·(b+m)/(c+m); once a+m, b+m
    // and c+m are positive each factor moves monotonically towards 1, so every later ratio
    // is at most ρ = |z|·max(1, (a+n+1)/(n+2))·max(1, (b+n+1)/(c+n+1)); with ρ < 1 the rest
    // of the series is at most term · ρ / (1 − ρ).
    const m = n + 1;
    if (a + m > 0 && b + m > 0 && c + m > 0) {
      const rho = Math.abs(z) * Math.max(1, (a + m) / (m + 1)) * Math.max(1, (b + m) / (c + m));
      if (rho < 1 && Math.exp(logTerm - scale) * (rho / (1 - rho)) <= 1e-16 * Math.abs(acc)) break;
    }
    if (n === MAX_TERMS - 1) throw new RangeError(`hyp2f1: series did not converge (a=${a}, b=${b}, c=${c}, z=${z})`);
  }
  if (acc === 0) return { log: -Infinity, sign: 0 };
  return { log: scale + Math.log(Math.abs(acc)), sign: acc < 0 ? -1 : 1 };
}

/** A&S 15.3.6: the sum of two series in 1 − z, for z near 1 and c − a − b not an integer. */
function connection(a: number, b: number, c: number, z: number): { value: LogValue; largest: number } {
  const s = c - a - b;
  const w = 1 - z;
  const g1 = gammaRatio([c, s], [c - a, c - b]);
  const g2 = gammaRatio([c, -s], [a, b]);
  const f1 = g1.sign === 0 ? g1 : series(a, b, 1 - s, w);
  const f2 = g2.sign === 0 ? g2 : series(c - a, c - b, 1 + s, w);
  const t1: LogValue = { log: g1.log + f1.log, sign: (g1.sign * f1.sign) as LogValue["sign"] };
  const t2: LogValue = { log: g2.log + f2.log + s * Math.log(w), sign: (g2.sign * f2.sign) as LogValue["sign"] };
  return { value: addLog(t1, t2), largest: Math.max(t1.sign === 0 ? -Infinity : t1.log, t2.sign === 0 ? -Infinity : t2.log) };
}

function addLog(x: LogValue, y: LogValue): LogValue {
  if (x.sign === 0) return y;
  if (y.sign === 0) return x;
  const [big, small] = x.log >= y.log ? [x, y] : [y, x];
  const r = 1 + big.sign * small.sign * Math.exp(small.log - big.log);
  if (r === 0) return { log: -Infinity, sign: 0 };
  return { log: big.log + Math.log(Math.abs(r)), sign: (r < 0 ? -big.sign : big.sign) as LogValue["sign"] };
}
