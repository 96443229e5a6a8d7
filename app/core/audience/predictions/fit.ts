// A shop's fits: eligibility, then BG/NBD and Gamma–Gamma by maximum
// likelihood, each with a status and a reason a merchant can read. Also the
// stored form of the parameters (ModelFit.params) and its parser. Pure.
import { conditionalExpectedPurchases, fitBgnbd, probabilityAlive, type BgnbdParams } from "../clv/bgnbd";
import { fitGammaGamma, type GammaGammaParams } from "../clv/gamma-gamma";
import { MIN_SPEND_CUSTOMERS, purchaseModelEligibility, spendModelEligibility, type HistoryStats } from "./eligibility";
import type { FitInput } from "./history";

export type FitStatus = "fitted" | "insufficient-data" | "failed";

/** ModelFit.params of a BG/NBD row: time in days. */
export interface StoredBgnbd extends BgnbdParams {
  unit: "day";
  repeatBuyers: number;
  /** Customers the fit used (a sample on large shops; see FIT_SAMPLE_CUSTOMERS). */
  sampled: number;
  converged: boolean;
  atBound: boolean;
}

/** ModelFit.params of a Gamma–Gamma row: γ in the shop's minor units. */
export interface StoredGammaGamma extends GammaGammaParams {
  spendUnit: "minor";
  /** Repeat buyers the fit used. */
  sampled: number;
  converged: boolean;
  atBound: boolean;
}

export type ModelOutcome<P> =
  | { status: "fitted"; params: P; logLikelihood: number; customers: number }
  | { status: "insufficient-data" | "failed"; reason: string; customers: number; error?: string };

export interface ShopFit {
  bgnbd: ModelOutcome<StoredBgnbd>;
  gammaGamma: ModelOutcome<StoredGammaGamma>;
  stats: HistoryStats;
}

const RETRY = "Segments use the profile rules meanwhile; the model is tried again with the nightly refresh.";

/**
 * The fit runs on the worker's thread, which in the embedded deployment is the
 * web process's: bound it. Shop-like data converges in a few hundred to a couple
 * of thousand evaluations; data without heterogeneity (every customer alike)
 * drives the parameters towards their bounds and took ~10,000 evaluations (23 s
 * on the 2,000-customer sample). Past the budget the best point so far is used
 * and the fit is recorded as not converged.
 */
export const SHOP_FIT_MAX_EVALUATIONS = 4_000;

export function fitShop(input: FitInput, now: Date): ShopFit {
  const stats = { ...input.stats };
  const eligibility = purchaseModelEligibility(stats, now.getTime());
  if (!eligibility.eligible) {
    const no = { status: "insufficient-data" as const, reason: eligibility.reason };
    return { bgnbd: { ...no, customers: stats.customers }, gammaGamma: { ...no, customers: stats.spendCustomers }, stats };
  }
  return { bgnbd: fitPurchases(input, stats), gammaGamma: fitSpend(input, stats), stats };
}

function fitPurchases(input: FitInput, stats: HistoryStats): ModelOutcome<StoredBgnbd> {
  const customers = stats.customers;
  const failed = (error: string): ModelOutcome<StoredBgnbd> => ({
    status: "failed",
    reason: `The purchase model could not be fitted to this store's orders. ${RETRY}`,
    customers,
    error,
  });
  try {
    // Eligibility was checked on every customer; the sample (a subset on large shops) is fitted as it is.
    const fit = fitBgnbd(input.sample, { minCustomers: 1, minRepeatBuyers: 1, maxEvaluations: SHOP_FIT_MAX_EVALUATIONS });
    if (fit.status !== "ok") return { status: "insufficient-data", reason: fit.reason, customers };
    const { params, logLikelihood } = fit;
    if (![params.r, params.alpha, params.a, params.b, logLikelihood].every(Number.isFinite)) return failed(`non-finite fit ${JSON.stringify({ ...params, logLikelihood })}`);
    // A probe: a typical repeat buyer's predictions must be finite and in range.
    const T = input.sample.reduce((s, c) => s + c.T, 0) / Math.max(1, input.sample.length);
    const probe = { x: 1, tx: T / 2, T };
    const alive = probabilityAlive(params, probe);
    const expected = conditionalExpectedPurchases(params, probe, 365);
    if (!(alive >= 0 && alive <= 1 && expected >= 0 && Number.isFinite(expected))) return failed(`predictions out of range: P(alive) ${alive}, E[X(365)] ${expected}`);
    return {
      status: "fitted",
      params: { ...params, unit: "day", repeatBuyers: stats.repeatBuyers, sampled: input.sample.length, converged: fit.converged, atBound: fit.atBound },
      logLikelihood,
      customers,
    };
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Gamma–Gamma on spends divided by their mean (so γ starts near 1 whatever the
 * currency's minor unit: yen, cents or rupiah), then γ scaled back: the model is
 * scale-equivariant (p and q unchanged, γ scales with the spend), and the
 * log-likelihood is shifted by the Jacobian, −Σ ln(scale).
 */
function fitSpend(input: FitInput, stats: HistoryStats): ModelOutcome<StoredGammaGamma> {
  const customers = stats.spendCustomers;
  const eligibility = spendModelEligibility(stats);
  if (!eligibility.eligible) return { status: "insufficient-data", reason: eligibility.reason, customers };
  const used = input.sample.filter((s) => s.x > 0 && s.mx > 0);
  const scale = used.reduce((s, c) => s + c.mx, 0) / used.length;
  const failed = (error: string, reason = `Predicted lifetime value could not be computed from this store's order values. ${RETRY}`): ModelOutcome<StoredGammaGamma> => ({
    status: "failed",
    reason,
    customers,
    error,
  });
  try {
    const fit = fitGammaGamma(
      used.map((c) => ({ x: c.x, mx: c.mx / scale })),
      { minCustomers: MIN_SPEND_CUSTOMERS, maxEvaluations: SHOP_FIT_MAX_EVALUATIONS },
    );
    if (fit.status !== "ok") return { status: "insufficient-data", reason: fit.reason, customers };
    const params = { p: fit.params.p, q: fit.params.q, gamma: fit.params.gamma * scale };
    const logLikelihood = fit.logLikelihood - used.length * Math.log(scale);
    if (![params.p, params.q, params.gamma, logLikelihood].every(Number.isFinite)) return failed(`non-finite fit ${JSON.stringify({ ...params, logLikelihood })}`);
    // q ≤ 1: the fitted spread of order values has no finite mean, so neither has a CLV.
    if (params.q <= 1) {
      return failed(`q = ${params.q} ≤ 1`, `Order values vary too much between repeat customers to estimate an average yet. ${RETRY}`);
    }
    return { status: "fitted", params: { ...params, spendUnit: "minor", sampled: used.length, converged: fit.converged, atBound: fit.atBound }, logLikelihood, customers };
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error));
  }
}

/** The parameters a stored BG/NBD row holds, or null when it holds no usable fit. */
export function parseStoredBgnbd(row: { status: string; params: unknown } | null): BgnbdParams | null {
  if (!row || row.status !== "fitted") return null;
  const p = row.params as Partial<StoredBgnbd> | null;
  if (!p || p.unit !== "day") return null;
  const { r, alpha, a, b } = p;
  return positive(r, alpha, a, b) ? { r: r!, alpha: alpha!, a: a!, b: b! } : null;
}

/** The parameters a stored Gamma–Gamma row holds (γ in minor units), or null. */
export function parseStoredGammaGamma(row: { status: string; params: unknown } | null): GammaGammaParams | null {
  if (!row || row.status !== "fitted") return null;
  const p = row.params as Partial<StoredGammaGamma> | null;
  if (!p || p.spendUnit !== "minor") return null;
  const { p: shape, q, gamma } = p;
  return positive(shape, q, gamma) && q! > 1 ? { p: shape!, q: q!, gamma: gamma! } : null;
}

function positive(...values: Array<number | undefined>): boolean {
  return values.every((v) => typeof v === "number" && Number.isFinite(v) && v > 0);
}
