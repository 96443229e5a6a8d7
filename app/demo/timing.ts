// When things happen: seasonality by month (with the November/December
// peak), a Black Friday week, time of day, and purchase gaps. Calibrated
// against ../shared/data/online_retail_uci (see docs/demo-store.md).
import type { Rng } from "./prng";
import { DAY, easternOffsetMinutes, shopLocal } from "./shop-time";

/** Relative demand per shop-local month, January first. */
export const MONTH_WEIGHTS = [0.98, 0.95, 0.9, 0.8, 0.88, 0.8, 0.74, 0.74, 0.92, 0.98, 1.45, 1.5] as const;
const MAX_MONTH = Math.max(...MONTH_WEIGHTS) * 1.6;

/** Relative orders per shop-local hour (evenings and lunch are busy). */
export const HOUR_WEIGHTS = [
  0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.3, 0.55, 0.8, 0.95, 1.0, 1.05,
  1.15, 1.1, 1.0, 0.95, 0.95, 1.0, 1.1, 1.25, 1.35, 1.25, 0.9, 0.5,
] as const;
const HOUR_TABLE = HOUR_WEIGHTS.map((w, h) => [h, w] as const);

/** The Black Friday / Cyber Monday window: the Friday after US Thanksgiving to the Tuesday after. */
export function isBlackFridayWeek(utcMs: number): boolean {
  const d = new Date(utcMs + easternOffsetMinutes(utcMs) * 60_000);
  const year = d.getUTCFullYear();
  const nov1 = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  const thanksgiving = 1 + ((4 - nov1 + 7) % 7) + 21; // fourth Thursday
  const start = Date.UTC(year, 10, thanksgiving + 1);
  const local = Date.UTC(year, d.getUTCMonth(), d.getUTCDate());
  return local >= start && local <= start + 4 * DAY;
}

export function seasonWeight(utcMs: number): number {
  const { month } = shopLocal(utcMs);
  const base = MONTH_WEIGHTS[month] ?? 1;
  return isBlackFridayWeek(utcMs) ? base * 1.6 : base;
}

/** Moves an instant to a random time of day on the same shop-local day. */
export function atTimeOfDay(rng: Rng, utcMs: number): number {
  const offset = easternOffsetMinutes(utcMs) * 60_000;
  const dayStart = Math.floor((utcMs + offset) / DAY) * DAY - offset;
  const hour = rng.weighted(HOUR_TABLE);
  return dayStart + hour * 3_600_000 + rng.int(0, 3_599) * 1000;
}

/** A seasonal instant in [from, to). */
export function seasonalTime(rng: Rng, from: number, to: number): number {
  for (let i = 0; i < 50; i++) {
    const t = from + rng.next() * (to - from);
    if (rng.next() * MAX_MONTH < seasonWeight(t)) return Math.min(to - 1, atTimeOfDay(rng, t));
  }
  return from + rng.next() * (to - from);
}

export interface RepeatModel {
  /** Chance that a one-time buyer comes back (before the window ends). */
  secondOrder: number;
  /** Chance of yet another order after the second and later ones. */
  laterOrder: number;
  /** Median days between orders and the log-normal spread. */
  gapMedianDays: number;
  gapSigma: number;
}

export const DEFAULT_REPEAT: RepeatModel = { secondOrder: 0.5, laterOrder: 0.68, gapMedianDays: 38, gapSigma: 1.05 };

/** A customer's order instants: the first one, then repeats until `now`. */
export function orderTimes(rng: Rng, first: number, now: number, model: RepeatModel = DEFAULT_REPEAT): number[] {
  const times = [first];
  // Customers differ: some are loyal, most are not.
  const loyalty = rng.logNormal(0, 0.5);
  let t = first;
  for (;;) {
    const p = (times.length === 1 ? model.secondOrder : model.laterOrder) * Math.min(1.4, loyalty);
    if (!rng.chance(Math.min(0.95, p))) break;
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 20; i++) {
      const gapDays = Math.max(0.6, rng.logNormal(Math.log(model.gapMedianDays), model.gapSigma));
      const candidate = t + gapDays * DAY;
      if (rng.next() * MAX_MONTH < seasonWeight(candidate)) {
        next = atTimeOfDay(rng, candidate);
        if (next <= t) next = t + DAY;
        break;
      }
    }
    if (!(next < now)) break;
    times.push(next);
    t = next;
  }
  return times;
}
