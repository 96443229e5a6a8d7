// The CLV models together: fit BG/NBD and Gamma–Gamma on a summary, score a
// holdout, and per-customer predictions for the app. Pure.
import { conditionalExpectedPurchases, expectedTimeToNextPurchase, fitBgnbd, probabilityAlive, type BgnbdFit, type BgnbdFitOptions, type BgnbdParams } from "./bgnbd";
import { conditionalExpectedSpend, customerLifetimeValue, fitGammaGamma, type GammaGammaFit, type GammaGammaParams } from "./gamma-gamma";
import { correlation } from "./special";
import { unitDays, type CustomerSummary, type Summary, type TimeUnit } from "./summary";

export interface HoldoutScore {
  /** Σ over customers of E[repeat purchases in the holdout | calibration history]. */
  predicted: number;
  /** Σ of the actual repeat purchase days in the holdout. */
  actual: number;
  /** Per-customer Pearson correlation of the two. */
  correlation: number;
}

export function scoreHoldout(params: BgnbdParams, summary: Summary): HoldoutScore {
  const predictions = summary.customers.map((c) => conditionalExpectedPurchases(params, c, summary.holdoutLength));
  const actuals = summary.customers.map((c) => c.xStar);
  return { predicted: predictions.reduce((s, v) => s + v, 0), actual: actuals.reduce((s, v) => s + v, 0), correlation: correlation(predictions, actuals) };
}

export interface ClvFits {
  bgnbd: BgnbdFit;
  /** Fitted on m_x / spendScale (e.g. 100 to report minor-unit data in major units). */
  gammaGamma: GammaGammaFit;
  holdout: HoldoutScore | null;
}

export function fitClvModels(summary: Summary, options: BgnbdFitOptions & { spendScale?: number; minGammaGammaCustomers?: number } = {}): ClvFits {
  const bgnbd = fitBgnbd(summary.customers, options);
  const scale = options.spendScale ?? 1;
  const gammaGamma = fitGammaGamma(
    summary.customers.map((c) => ({ x: c.x, mx: c.mx / scale })),
    { minCustomers: options.minGammaGammaCustomers },
  );
  const holdout = bgnbd.status === "ok" && summary.holdoutEndDay !== null ? scoreHoldout(bgnbd.params, summary) : null;
  return { bgnbd, gammaGamma, holdout };
}

export type ChurnRisk = "low" | "medium" | "high";

/** Churn risk = 1 − P(alive): low below 0.3, high from 0.7 (thirds would split hairs the model cannot). */
export function churnRiskBand(pAlive: number): ChurnRisk {
  const risk = 1 - pAlive;
  return risk < 0.3 ? "low" : risk < 0.7 ? "medium" : "high";
}

export interface CustomerPrediction {
  pAlive: number;
  churnRisk: ChurnRisk;
  /** Expected orders in the next 30, 90 and 365 days. */
  expected30: number;
  expected90: number;
  expected365: number;
  /** Days from the end of observation until one more order is expected (see expectedTimeToNextPurchase); null beyond two years. */
  daysToNextOrder: number | null;
  /** Conditional expected spend per order, in the units of m_x. */
  expectedSpend: number;
  /** 12-month CLV at an annual discount rate of 10% (see customerLifetimeValue), in the units of m_x. */
  clv12: number;
}

export function predictCustomer(bgnbd: BgnbdParams, gg: GammaGammaParams, c: CustomerSummary, unit: TimeUnit): CustomerPrediction {
  const perDay = 1 / unitDays(unit);
  const pAlive = probabilityAlive(bgnbd, c);
  const next = expectedTimeToNextPurchase(bgnbd, c, 730 * perDay);
  return {
    pAlive,
    churnRisk: churnRiskBand(pAlive),
    expected30: conditionalExpectedPurchases(bgnbd, c, 30 * perDay),
    expected90: conditionalExpectedPurchases(bgnbd, c, 90 * perDay),
    expected365: conditionalExpectedPurchases(bgnbd, c, 365 * perDay),
    daysToNextOrder: next === null ? null : next / perDay,
    expectedSpend: conditionalExpectedSpend(gg, c),
    clv12: customerLifetimeValue(bgnbd, gg, c, { unit }),
  };
}
