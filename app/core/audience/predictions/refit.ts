// When a shop's models are fitted again. Pure.
//
// Between fits the stored parameters are reused: every customer is rescored
// with them at each full recompute (P(alive) moves with the time since the last
// order), and each live order rescores its customer within seconds. The
// parameters themselves (how often this shop's customers buy, how fast they
// lapse, what they spend) drift slowly, so a refit is due only:
// - when there is no fitted model (never tried, or the last attempt found too
//   little data or failed: the nightly recompute tries again; it is cheap for
//   the small shops this concerns);
// - when the last attempt is 7 days old (a weekly refresh bounds the drift);
// - when orders placed since the attempt reach max(50, 10% of the orders it
//   used): a launch or a sale can change the mix faster than a week, while a
//   large shop's fit barely moves with 50 orders.

export const REFIT_MAX_AGE_DAYS = 7;
export const REFIT_MIN_NEW_ORDERS = 50;
export const REFIT_NEW_ORDERS_SHARE = 0.1;

const DAY_MS = 86_400_000;

/** The shop's latest attempt (its BG/NBD ModelFit row). */
export interface LastFit {
  status: string;
  fittedAt: Date;
  ordersAtFit: number;
}

export type RefitReason = "no-fit" | "new-orders" | "stale";
export type RefitDecision = { due: true; reason: RefitReason } | { due: false; reason: "fresh" };

/** New orders that make a refit due after an attempt that used `ordersAtFit` orders. */
export function newOrdersForRefit(ordersAtFit: number): number {
  return Math.max(REFIT_MIN_NEW_ORDERS, Math.ceil(REFIT_NEW_ORDERS_SHARE * Math.max(0, ordersAtFit)));
}

/**
 * `ordersSince`: counted orders placed after `last.fittedAt`. The reasons are
 * checked in this order, so the live path can act on "new-orders" alone (the
 * nightly recompute handles the others).
 */
export function refitPolicy(last: LastFit | null, ordersSince: number, now: Date): RefitDecision {
  if (!last) return { due: true, reason: "no-fit" };
  if (ordersSince >= newOrdersForRefit(last.ordersAtFit)) return { due: true, reason: "new-orders" };
  if (now.getTime() - last.fittedAt.getTime() >= REFIT_MAX_AGE_DAYS * DAY_MS) return { due: true, reason: "stale" };
  if (last.status !== "fitted") return { due: true, reason: "no-fit" };
  return { due: false, reason: "fresh" };
}
