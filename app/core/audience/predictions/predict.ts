// A stored fit → one customer's prediction columns (CustomerProfile.pAlive,
// churnRisk, expectedOrders30/90/365, nextOrderAt, predictedClv12m). Pure.
//
// The same quantities as ../clv/model.ts's predictCustomer, computed once per
// distinct (x, t_x, T) (a shop's one-time buyers share a few hundred) and with
// the spend factored out of the CLV sum, so a full rescore costs a fraction of
// calling it per customer.
import { conditionalExpectedPurchases, probabilityAlive, type BgnbdParams } from "../clv/bgnbd";
import { ANNUAL_DISCOUNT_RATE, conditionalExpectedSpend, DAYS_PER_MONTH, type GammaGammaParams } from "../clv/gamma-gamma";
import { churnRiskBand, type ChurnRisk } from "../clv/model";
import { DAY_MS, type CustomerSummary } from "../clv/summary";

export interface PredictionFields {
  pAlive: number | null;
  churnRisk: ChurnRisk | null;
  expectedOrders30: number | null;
  expectedOrders90: number | null;
  expectedOrders365: number | null;
  nextOrderAt: Date | null;
  /** 12-month CLV, minor units, discounted at 10% a year (monthly). */
  predictedClv12m: number | null;
}

export const NO_PREDICTION: PredictionFields = Object.freeze({
  pAlive: null,
  churnRisk: null,
  expectedOrders30: null,
  expectedOrders90: null,
  expectedOrders365: null,
  nextOrderAt: null,
  predictedClv12m: null,
});

/** Beyond this no next order is expected (the customer has likely lapsed). */
export const NEXT_ORDER_HORIZON_DAYS = 730;
/** The CLV is stated at this annual rate (see customerLifetimeValue). */
export const CLV_ANNUAL_DISCOUNT_RATE = ANNUAL_DISCOUNT_RATE;
const CLV_MONTHS = 12;
const MAX_INT32 = 2_147_483_647;
/** Entries kept per predictor before the memo starts over (bounded memory on huge shops). */
const MEMO_LIMIT = 200_000;

interface PurchaseOutlook {
  pAlive: number;
  e30: number;
  e90: number;
  e365: number;
  daysToNext: number | null;
  /** Σₖ (E[X(T, T+k months]] − E[X(T, T+(k−1) months]]) / (1+d)^k: the CLV per unit of spend. */
  discountedOrders: number;
}

export type Predictor = (c: CustomerSummary) => PredictionFields;

/**
 * Predictions at `now` from a shop's BG/NBD fit (time in days) and, when there
 * is one, its Gamma–Gamma fit (γ in minor units). `c` is the customer's summary
 * observed up to `now` (see history.ts).
 */
export function createPredictor(bgnbd: BgnbdParams, gammaGamma: GammaGammaParams | null, now: Date): Predictor {
  const memo = new Map<string, PurchaseOutlook | null>();
  return (c) => {
    const key = `${c.x}|${c.tx}|${c.T}`;
    let outlook = memo.get(key);
    if (outlook === undefined) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(key, (outlook = safeOutlook(bgnbd, c)));
    }
    if (!outlook) return NO_PREDICTION;
    const spend = gammaGamma ? conditionalExpectedSpend(gammaGamma, c) : NaN;
    const clv = outlook.discountedOrders * spend;
    return {
      pAlive: outlook.pAlive,
      churnRisk: churnRiskBand(outlook.pAlive),
      expectedOrders30: outlook.e30,
      expectedOrders90: outlook.e90,
      expectedOrders365: outlook.e365,
      nextOrderAt: outlook.daysToNext === null ? null : new Date(now.getTime() + Math.round(outlook.daysToNext * DAY_MS)),
      predictedClv12m: Number.isFinite(clv) && clv >= 0 ? Math.min(MAX_INT32, Math.round(clv)) : null,
    };
  };
}

/** null when the model gives no finite numbers for this customer (their columns are then cleared, never the run failed). */
function safeOutlook(p: BgnbdParams, c: CustomerSummary): PurchaseOutlook | null {
  try {
    return purchaseOutlook(p, c);
  } catch {
    return null;
  }
}

function purchaseOutlook(p: BgnbdParams, c: CustomerSummary): PurchaseOutlook | null {
  const E = (t: number) => conditionalExpectedPurchases(p, c, t);
  const pAlive = probabilityAlive(p, c);
  const d = Math.pow(1 + CLV_ANNUAL_DISCOUNT_RATE, 1 / 12) - 1;
  const months: number[] = [0];
  let discountedOrders = 0;
  for (let k = 1; k <= CLV_MONTHS; k++) {
    months.push(E(k * DAYS_PER_MONTH));
    discountedOrders += (months[k]! - months[k - 1]!) / Math.pow(1 + d, k);
  }
  const e365 = E(365);
  const outlook = { pAlive, e30: E(30), e90: E(90), e365, daysToNext: daysToNextOrder(E, months), discountedOrders };
  const numbers = [pAlive, outlook.e30, outlook.e90, e365, discountedOrders, outlook.daysToNext ?? 0];
  return numbers.every(Number.isFinite) && pAlive >= 0 && pAlive <= 1 ? outlook : null;
}

/**
 * Days until one more order is expected: the t at which E[X(T, T+t]] reaches 1
 * (as expectedTimeToNextPurchase), to a hundredth of a day, bracketed by the
 * monthly values already computed. null when it stays below 1 within two years.
 */
function daysToNextOrder(E: (t: number) => number, months: readonly number[]): number | null {
  let lo = 0;
  let hi = 0;
  const k = months.findIndex((v) => v >= 1);
  if (k > 0) {
    lo = (k - 1) * DAYS_PER_MONTH;
    hi = k * DAYS_PER_MONTH;
  } else {
    if (E(NEXT_ORDER_HORIZON_DAYS) < 1) return null;
    lo = CLV_MONTHS * DAYS_PER_MONTH;
    hi = NEXT_ORDER_HORIZON_DAYS;
  }
  while (hi - lo > 0.01) {
    const mid = (lo + hi) / 2;
    if (E(mid) < 1) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
