// RFM scores, 1..5, against the shop's own distribution.
//
// Cut-offs are the 20th/40th/60th/80th percentiles of the shop's customers with
// at least one order (nearest-rank on the sorted values). A score is
// 1 + the number of cut-offs the value is strictly above (recency: strictly
// below, fewer days is better). Ties are handled by value: equal values always
// get equal scores, and when one value fills several quintiles (most customers
// with 1 order) its holders all take the lowest of those scores and the next
// value up skips to the score its rank earns (1 order → F1, 2 orders → F4 when
// 60% of customers ordered once). Scoring by value keeps the cut-offs small and
// storable, so one customer can be rescored later without the whole shop.
//
// Shops with fewer than MIN_CUSTOMERS_FOR_QUANTILES customers with orders get
// fixed cut-offs (quantiles of a handful of people are noise):
//   recency   ≤30 / ≤90 / ≤180 / ≤365 days → 5 / 4 / 3 / 2, older → 1
//   frequency 1 / 2 / 3 / 4–5 / 6+ orders  → 1 / 2 / 3 / 4 / 5
//   monetary  above ½, 1, 2 and 4 times the shop's average order value (minor
//             units are currency-specific, so no fixed amount fits every shop)

export const MIN_CUSTOMERS_FOR_QUANTILES = 50;
export const QUINTILES = [0.2, 0.4, 0.6, 0.8] as const;
export const SMALL_SHOP_RECENCY_DAYS = [30, 90, 180, 365] as const;
export const SMALL_SHOP_FREQUENCY = [1, 2, 3, 5] as const;
export const SMALL_SHOP_MONETARY_AOV_MULTIPLES = [0.5, 1, 2, 4] as const;

export type Cutoffs = [number, number, number, number];

export interface RfmCutoffs {
  basis: "quantiles" | "small-shop-defaults";
  /** Days since last order, ascending. */
  recencyDays: Cutoffs;
  /** Orders, ascending. */
  frequency: Cutoffs;
  /** Net spend, minor units, ascending. */
  monetary: Cutoffs;
}

export interface RfmScores {
  recencyScore: number;
  frequencyScore: number;
  monetaryScore: number;
}

/** Index (0-based) of the nearest-rank percentile q among n sorted values. */
export function quantileRank(n: number, q: number): number {
  if (n <= 0) throw new Error("quantile of an empty distribution");
  return Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
}

/** Quintile cut-offs of values (any order). */
export function quintileCutoffs(values: readonly number[]): Cutoffs {
  const sorted = [...values].sort((a, b) => a - b);
  return QUINTILES.map((q) => sorted[quantileRank(sorted.length, q)]!) as Cutoffs;
}

/** Fixed cut-offs for a small shop, given its average order value (minor units). */
export function smallShopCutoffs(averageOrderValue: number): RfmCutoffs {
  const aov = Math.max(1, averageOrderValue);
  return {
    basis: "small-shop-defaults",
    recencyDays: [...SMALL_SHOP_RECENCY_DAYS],
    frequency: [...SMALL_SHOP_FREQUENCY],
    monetary: SMALL_SHOP_MONETARY_AOV_MULTIPLES.map((m) => Math.round(m * aov)) as Cutoffs,
  };
}

/** 1 + the number of cut-offs strictly below the value. */
export function scoreHigherIsBetter(value: number, cutoffs: Cutoffs): number {
  let score = 1;
  for (const c of cutoffs) if (value > c) score++;
  return score;
}

/** 5 − the number of cut-offs strictly below the value (fewer days since the last order is better). */
export function scoreLowerIsBetter(value: number, cutoffs: Cutoffs): number {
  let score = 5;
  for (const c of cutoffs) if (value > c) score--;
  return score;
}

export function rfmScores(p: { daysSinceLastOrder: number; orderCount: number; totalSpent: number }, cutoffs: RfmCutoffs): RfmScores {
  return {
    recencyScore: scoreLowerIsBetter(p.daysSinceLastOrder, cutoffs.recencyDays),
    frequencyScore: scoreHigherIsBetter(p.orderCount, cutoffs.frequency),
    monetaryScore: scoreHigherIsBetter(p.totalSpent, cutoffs.monetary),
  };
}

/** Cut-offs from all values at once (tests, small inputs); the shell computes the same from ordered queries. */
export function rfmCutoffs(
  customers: ReadonlyArray<{ daysSinceLastOrder: number; orderCount: number; totalSpent: number }>,
  averageOrderValue: number,
): RfmCutoffs {
  if (customers.length < MIN_CUSTOMERS_FOR_QUANTILES) return smallShopCutoffs(averageOrderValue);
  return {
    basis: "quantiles",
    recencyDays: quintileCutoffs(customers.map((c) => c.daysSinceLastOrder)),
    frequency: quintileCutoffs(customers.map((c) => c.orderCount)),
    monetary: quintileCutoffs(customers.map((c) => c.totalSpent)),
  };
}
