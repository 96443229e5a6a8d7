// BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way"):
// purchase frequency and dropout. Log-likelihood in log space, maximum-likelihood
// fit (Nelder–Mead on log-parameters, restarted), P(alive), conditional and
// unconditional expected purchases, the purchase-count distribution and an
// expected next-order time. Pure. Time is in whatever unit the summary used.
import { logHyp2f1 } from "./hyp2f1";
import { minimize } from "./optimize";
import { lbeta, lgamma, logAddExp } from "./special";

export interface BgnbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** The per-customer statistics the model needs (see summary.ts). */
export interface Rfm {
  x: number;
  tx: number;
  T: number;
}

export type BgnbdFit =
  | { status: "ok"; params: BgnbdParams; logLikelihood: number; customers: number; repeatBuyers: number; converged: boolean; atBound: boolean; evaluations: number }
  | { status: "insufficient-data"; reason: string; customers: number; repeatBuyers: number };

/**
 * Minimum data for a fit. BG/NBD has four parameters; r and α come from how often
 * repeaters buy, a and b from how their recency lags T, so both need repeat buyers.
 * On CDNOW (2,357 customers, 946 repeaters) the standard errors are already 23% of a
 * and 29% of b; they scale as 1/√n, so with fewer than ~50 repeat buyers (≈ 125
 * CDNOW-like customers) a and b are no better than ±80% and the fit often runs to a
 * bound. We require 200 customers and 50 repeat buyers; the app can ask more.
 */
export const BGNBD_MIN_CUSTOMERS = 200;
export const BGNBD_MIN_REPEAT_BUYERS = 50;

/** Parameter bounds (the optimiser works on their logs). Wide enough for days or weeks. */
const LOWER = 1e-6;
const UPPER = 1e6;

interface Group extends Rfm {
  n: number;
}

function group(customers: Iterable<Rfm>): Group[] {
  const groups = new Map<string, Group>();
  for (const c of customers) {
    const key = `${c.x}|${c.tx}|${c.T}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { x: c.x, tx: c.tx, T: c.T, n: 1 });
  }
  return [...groups.values()];
}

/** ln of the "could have died after the last purchase" term relative to "still alive": A4 − A3. */
function logDeadOverAlive(p: BgnbdParams, c: Rfm): number {
  if (c.x === 0) return -Infinity;
  return Math.log(p.a) - Math.log(p.b + c.x - 1) + (p.r + c.x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.tx));
}

/** One customer's log-likelihood (Fader, Hardie & Lee 2005, eq. 6), in log space. */
export function customerLogLikelihood(p: BgnbdParams, c: Rfm): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = c;
  const a1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
  const a2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return a1 + a2 + logAddExp(a3, a4);
}

export function bgnbdLogLikelihood(p: BgnbdParams, customers: Iterable<Rfm>): number {
  let ll = 0;
  for (const g of group(customers)) ll += g.n * customerLogLikelihood(p, g);
  return ll;
}

export interface BgnbdFitOptions {
  minCustomers?: number;
  minRepeatBuyers?: number;
  /** Likelihood evaluations allowed over all restarts (the fit runs on the caller's thread). */
  maxEvaluations?: number;
}

/** Maximum-likelihood fit; "insufficient-data" below the thresholds above. */
export function fitBgnbd(customers: readonly Rfm[], options: BgnbdFitOptions = {}): BgnbdFit {
  const n = customers.length;
  const repeatBuyers = customers.filter((c) => c.x > 0).length;
  const minCustomers = options.minCustomers ?? BGNBD_MIN_CUSTOMERS;
  const minRepeat = options.minRepeatBuyers ?? BGNBD_MIN_REPEAT_BUYERS;
  if (n < minCustomers) return { status: "insufficient-data", reason: `${n} customers; BG/NBD needs at least ${minCustomers}`, customers: n, repeatBuyers };
  if (repeatBuyers < minRepeat) {
    return { status: "insufficient-data", reason: `${repeatBuyers} repeat buyers; BG/NBD needs at least ${minRepeat}`, customers: n, repeatBuyers };
  }
  for (const c of customers) {
    if (!(c.x >= 0 && c.tx >= 0 && c.T >= c.tx && (c.x === 0 ? c.tx === 0 : c.tx > 0))) throw new RangeError(`fitBgnbd: inconsistent x/t_x/T ${JSON.stringify(c)}`);
  }
  const groups = group(customers);
  const toParams = (v: number[]): BgnbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });
  const negLl = (v: number[]) => {
    const p = toParams(v);
    let ll = 0;
    for (const g of groups) ll += g.n * customerLogLikelihood(p, g);
    return -ll;
  };
  // Start from r = 1, a = b = 1 and α at the mean observation length, so that the
  // start is on the data's time scale whether T is in days or weeks.
  const meanT = customers.reduce((s, c) => s + c.T, 0) / n;
  const start = [0, Math.log(Math.max(meanT, 1e-3)), 0, 0];
  const result = minimize(negLl, start, { lower: Math.log(LOWER), upper: Math.log(UPPER), step: 1, maxEvaluations: options.maxEvaluations });
  const params = toParams(result.x);
  const atBound = result.x.some((v) => Math.abs(v - Math.log(LOWER)) < 1e-6 || Math.abs(v - Math.log(UPPER)) < 1e-6);
  return { status: "ok", params, logLikelihood: -result.value, customers: n, repeatBuyers, converged: result.converged, atBound, evaluations: result.evaluations };
}

/** P(alive at T | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)). */
export function probabilityAlive(p: BgnbdParams, c: Rfm): number {
  return 1 / (1 + Math.exp(logDeadOverAlive(p, c)));
}

/** a = 1 makes the closed forms 0/0; evaluate just either side and average. */
function aroundAEqualsOne(p: BgnbdParams, f: (q: BgnbdParams) => number): number {
  if (Math.abs(p.a - 1) > 1e-7) return f(p);
  return (f({ ...p, a: 1 - 1e-6 }) + f({ ...p, a: 1 + 1e-6 })) / 2;
}

/**
 * E[X(T, T+t] | x, t_x, T]: expected repeat purchases in the next t (FHL 2005, eq. 10):
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))] / (1 + δ(x>0)·a/(b+x−1)·((α+T)/(α+t_x))^(r+x)).
 */
export function conditionalExpectedPurchases(p: BgnbdParams, c: Rfm, t: number): number {
  if (t <= 0) return 0;
  return aroundAEqualsOne(p, (q) => {
    const { r, alpha, a, b } = q;
    const { x, T } = c;
    const h = logHyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
    const logTerm = (r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t)) + h.log;
    const bracket = h.sign > 0 ? -Math.expm1(logTerm) : 1 + Math.exp(logTerm);
    return (((a + b + x - 1) / (a - 1)) * bracket) / (1 + Math.exp(logDeadOverAlive(q, c)));
  });
}

/** E[X(t)] for a customer just acquired: (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))] (FHL 2005, eq. 9). */
export function expectedPurchases(p: BgnbdParams, t: number): number {
  if (t <= 0) return 0;
  return aroundAEqualsOne(p, ({ r, alpha, a, b }) => {
    const h = logHyp2f1(r, b, a + b - 1, t / (alpha + t));
    const logTerm = r * (Math.log(alpha) - Math.log(alpha + t)) + h.log;
    const bracket = h.sign > 0 ? -Math.expm1(logTerm) : 1 + Math.exp(logTerm);
    return ((a + b - 1) / (a - 1)) * bracket;
  });
}

/** P(X(t) = n) for a customer just acquired (FHL 2005, eq. 8). */
export function probabilityOfPurchases(p: BgnbdParams, t: number, n: number): number {
  const { r, alpha, a, b } = p;
  const lAlpha = Math.log(alpha / (alpha + t));
  const lT = Math.log(t / (alpha + t));
  const nbd = (j: number) => Math.exp(lgamma(r + j) - lgamma(r) - lgamma(j + 1) + r * lAlpha + (j > 0 ? j * lT : 0));
  const lb = lbeta(a, b);
  let prob = Math.exp(lbeta(a, b + n) - lb) * nbd(n);
  if (n > 0) {
    let cdf = 0;
    for (let j = 0; j < n; j++) cdf += nbd(j);
    prob += Math.exp(lbeta(a + 1, b + n - 1) - lb) * Math.max(0, 1 - cdf);
  }
  return prob;
}

/**
 * Expected time to the next order, from the end of the observation (T): the t at
 * which the conditional expected purchases E[X(T, T+t] | x, t_x, T] reach 1 (found
 * by bisection). null when they stay below 1 within `horizon`: a customer likely to
 * have dropped out has no expected next order.
 */
export function expectedTimeToNextPurchase(p: BgnbdParams, c: Rfm, horizon: number): number | null {
  if (conditionalExpectedPurchases(p, c, horizon) < 1) return null;
  let lo = 0;
  let hi = horizon;
  while (hi - lo > horizon * 1e-7) {
    const mid = (lo + hi) / 2;
    if (conditionalExpectedPurchases(p, c, mid) < 1) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
