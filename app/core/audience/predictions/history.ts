// Order history → the Fader–Hardie summary the models are fitted on, in days,
// and a compact accumulation of it over a shop's pages of customers. Pure.
//
// Conventions (those of ../clv/summary.ts): same-day orders are merged into one
// transaction (their net amounts summed), the first purchase day is not a
// repeat, Gamma–Gamma sees repeat transactions only. Time is in days, the
// observation ends at `now` (T = today − first order day).
import { DAY_MS, summarize, type CustomerSummary } from "../clv/summary";
import type { HistoryStats } from "./eligibility";
import { mulberry32 } from "../../random";

/** One counted order (not cancelled, not a test order), amounts in minor units. */
export interface OrderPoint {
  customerId: string;
  at: Date;
  totalPrice: number;
  refundedAmount: number;
}

/** What the order is worth to the shop: net of refunds, never below zero. */
export function netAmount(o: Pick<OrderPoint, "totalPrice" | "refundedAmount">): number {
  return Math.max(0, o.totalPrice - o.refundedAmount);
}

/** Per-customer summaries in days, observed up to `now` (orders after it are ignored). */
export function summarizeOrders(orders: Iterable<OrderPoint>, now: Date): CustomerSummary[] {
  const transactions = (function* () {
    for (const o of orders) yield { customerId: o.customerId, at: o.at.getTime(), amount: netAmount(o) };
  })();
  return summarize(transactions, { calibrationEnd: now.getTime(), unit: "day" }).customers;
}

/**
 * Customers a fit uses at most: a uniform random sample (reservoir, seeded, so
 * the same data gives the same fit) when a shop has more. The parameters describe
 * the shop's population: 2,000 is about CDNOW's published sample (2,357), and
 * on CDNOW 500-customer samples already forecast within 5% of the full-data fit
 * at the median (docs/decisions/008). The fit's time grows with the distinct
 * (x, t_x, T) it sees (hundreds of likelihood evaluations, each over all of
 * them), and it runs on the worker's thread: the cap bounds both.
 */
export const FIT_SAMPLE_CUSTOMERS = 2_000;

/** What the fits need about a shop: counts over every customer, and the sample. */
export interface FitInput {
  /** Summaries of at most FIT_SAMPLE_CUSTOMERS customers with orders. */
  sample: Array<Pick<CustomerSummary, "x" | "tx" | "T" | "mx">>;
  stats: HistoryStats;
}

export function emptyFitInput(): FitInput & { random: () => number; capacity: number } {
  return {
    sample: [],
    stats: { customers: 0, repeatBuyers: 0, spendCustomers: 0, orders: 0, firstOrderAt: null },
    random: mulberry32(0x5eed),
    capacity: FIT_SAMPLE_CUSTOMERS,
  };
}

/** Adds a page of summaries (and the number of orders they came from). */
export function addToFitInput(input: ReturnType<typeof emptyFitInput>, summaries: readonly CustomerSummary[], orders: number): void {
  const s = input.stats;
  s.orders += orders;
  for (const c of summaries) {
    s.customers++;
    if (c.x > 0) {
      s.repeatBuyers++;
      if (c.mx > 0) s.spendCustomers++;
    }
    const first = c.firstDay * DAY_MS;
    if (s.firstOrderAt === null || first < s.firstOrderAt) s.firstOrderAt = first;
    // Reservoir sampling (Algorithm R): every customer seen so far is kept with equal probability.
    const kept = { x: c.x, tx: c.tx, T: c.T, mx: c.mx };
    if (input.sample.length < input.capacity) input.sample.push(kept);
    else {
      const j = Math.floor(input.random() * s.customers);
      if (j < input.capacity) input.sample[j] = kept;
    }
  }
}

