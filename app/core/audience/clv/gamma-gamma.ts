// Gamma–Gamma model of spend per transaction (Fader & Hardie 2013, "The
// Gamma-Gamma Model of Monetary Value"; Fader, Hardie & Lee 2005, "RFM and CLV"),
// fitted on repeat buyers only, and the 12-month CLV that combines it with BG/NBD.
// Pure. Spend is in whatever unit the summary used (the app passes minor units).
import { conditionalExpectedPurchases, type BgnbdParams, type Rfm } from "./bgnbd";
import { minimize } from "./optimize";
import { lgamma } from "./special";
import { unitDays, type TimeUnit } from "./summary";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** x repeat transactions with mean spend m_x. */
export interface Spend {
  x: number;
  mx: number;
}

export type GammaGammaFit =
  | { status: "ok"; params: GammaGammaParams; logLikelihood: number; customers: number; converged: boolean; atBound: boolean; evaluations: number }
  | { status: "insufficient-data"; reason: string; customers: number };

/**
 * Three parameters from the spread of mean spends between repeat buyers and within
 * them (via x): on CDNOW's 946 repeat buyers p and q already trade off strongly (their
 * ratio is what the data pins down). Below 50 repeat buyers with a positive spend the
 * fit is unreliable, and q ≤ 1 (an infinite population mean) is common.
 */
export const GAMMA_GAMMA_MIN_CUSTOMERS = 50;

const LOWER = 1e-6;
const UPPER = 1e7;

/** One customer's log-likelihood of m_x given x (Fader & Hardie 2013, eq. 3), log space. */
export function gammaGammaCustomerLogLikelihood({ p, q, gamma }: GammaGammaParams, { x, mx }: Spend): number {
  const px = p * x;
  return lgamma(px + q) - lgamma(px) - lgamma(q) + q * Math.log(gamma) + (px - 1) * Math.log(mx) + px * Math.log(x) - (px + q) * Math.log(gamma + mx * x);
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, customers: Iterable<Spend>): number {
  let ll = 0;
  for (const c of customers) ll += gammaGammaCustomerLogLikelihood(params, c);
  return ll;
}

/** Maximum likelihood on the customers with x > 0 and m_x > 0 (the others carry no spend information). */
export function fitGammaGamma(customers: readonly Spend[], options: { minCustomers?: number; /** as in fitBgnbd */ maxEvaluations?: number } = {}): GammaGammaFit {
  const used = customers.filter((c) => c.x > 0 && c.mx > 0);
  const min = options.minCustomers ?? GAMMA_GAMMA_MIN_CUSTOMERS;
  if (used.length < min) return { status: "insufficient-data", reason: `${used.length} repeat buyers with spend; Gamma-Gamma needs at least ${min}`, customers: used.length };
  const toParams = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), gamma: Math.exp(v[2]!) });
  const negLl = (v: number[]) => -gammaGammaLogLikelihood(toParams(v), used);
  // Start at p = 1, q = 2, γ = mean m_x: the population mean pγ/(q−1) then equals the observed one.
  const meanSpend = used.reduce((s, c) => s + c.mx, 0) / used.length;
  const result = minimize(negLl, [0, Math.log(2), Math.log(meanSpend)], { lower: Math.log(LOWER), upper: Math.log(UPPER), step: 1, maxEvaluations: options.maxEvaluations });
  const atBound = result.x.some((v) => Math.abs(v - Math.log(LOWER)) < 1e-6 || Math.abs(v - Math.log(UPPER)) < 1e-6);
  return { status: "ok", params: toParams(result.x), logLikelihood: -result.value, customers: used.length, converged: result.converged, atBound, evaluations: result.evaluations };
}

/**
 * E[Z | p, q, γ, m_x, x] = p(γ + x·m_x) / (px + q − 1): a weighted mean of the population
 * mean pγ/(q−1) and the customer's own m_x. For x = 0 it is the population mean. Needs q > 1.
 */
export function conditionalExpectedSpend({ p, q, gamma }: GammaGammaParams, { x, mx }: Spend): number {
  if (q <= 1) return NaN;
  return x > 0 ? (p * (gamma + x * mx)) / (p * x + q - 1) : (p * gamma) / (q - 1);
}

/** Days in an average month (365.25 / 12). */
export const DAYS_PER_MONTH = 30.4375;
/** 10% a year. */
export const ANNUAL_DISCOUNT_RATE = 0.1;

export interface ClvOptions {
  unit: TimeUnit;
  /** Horizon in months (default 12). */
  months?: number;
  /** Annual discount rate (default 10%), applied monthly as (1 + rate)^(1/12) − 1. */
  annualDiscountRate?: number;
}

/**
 * Predicted customer lifetime value over the next `months` (default 12):
 * Σₖ₌₁..₁₂ (E[X(T, T+k months]] − E[X(T, T+(k−1) months]]) · E[Z] / (1 + d)^k,
 * where E[X] is the BG/NBD conditional expectation, E[Z] the Gamma–Gamma conditional
 * expected spend, and d = 1.10^(1/12) − 1 ≈ 0.797% the monthly rate equivalent to an
 * annual discount rate of 10%: each month's purchases are discounted to today from the
 * end of that month. In the units of m_x (minor units in the app; see clvMinorUnits).
 */
export function customerLifetimeValue(bgnbd: BgnbdParams, gg: GammaGammaParams, c: Rfm & Spend, options: ClvOptions): number {
  const months = options.months ?? 12;
  const d = Math.pow(1 + (options.annualDiscountRate ?? ANNUAL_DISCOUNT_RATE), 1 / 12) - 1;
  const monthLength = DAYS_PER_MONTH / unitDays(options.unit);
  const spend = conditionalExpectedSpend(gg, c);
  let value = 0;
  let previous = 0;
  for (let k = 1; k <= months; k++) {
    const cumulative = conditionalExpectedPurchases(bgnbd, c, k * monthLength);
    value += ((cumulative - previous) * spend) / Math.pow(1 + d, k);
    previous = cumulative;
  }
  return value;
}

/** customerLifetimeValue for spend in minor units, rounded to a whole minor unit. */
export function clvMinorUnits(bgnbd: BgnbdParams, gg: GammaGammaParams, c: Rfm & Spend, options: ClvOptions): number {
  return Math.round(customerLifetimeValue(bgnbd, gg, c, options));
}
