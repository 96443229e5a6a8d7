// Transactions → the Fader–Hardie customer summary (x, t_x, T, m_x and the
// holdout x*) that BG/NBD and Gamma–Gamma are fitted on. Pure.
//
// Conventions (Fader, Hardie & Lee 2005; Fader & Hardie 2013):
// - Time is counted in UTC calendar days. All purchases on one day are merged
//   into one transaction whose amount is the day's sum.
// - The first purchase day is the customer's "birth" and is not a repeat: x is the
//   number of later distinct purchase days up to and including the calibration end.
// - t_x = last calibration purchase day − first day (0 when x = 0);
//   T = calibration end day − first day. Both in weeks (days / 7) or days.
// - m_x = mean amount of the x repeat (day-merged) transactions; 0 when x = 0.
// - x* = distinct purchase days after the calibration end, up to and including
//   the holdout end.
// - Customers whose first purchase is after the calibration end are left out.

export interface Transaction {
  customerId: string;
  /** When: UTC milliseconds (only the UTC calendar day matters). */
  at: number;
  /** Spend in any unit (the app passes minor units); summed per day. */
  amount: number;
}

export type TimeUnit = "week" | "day";

export interface CustomerSummary {
  id: string;
  /** Repeat purchase days in the calibration period. */
  x: number;
  /** Time of the last calibration purchase since the first, in `unit`s. */
  tx: number;
  /** Time from the first purchase to the calibration end, in `unit`s. */
  T: number;
  /** Mean spend per repeat (day-merged) calibration transaction; 0 when x = 0. */
  mx: number;
  /** Distinct purchase days in the holdout (0 without a holdout). */
  xStar: number;
  /** First purchase, as a UTC day number (days since 1970-01-01). */
  firstDay: number;
}

export interface SummaryOptions {
  /** Last calibration day (inclusive): any instant within it, UTC milliseconds. */
  calibrationEnd: number;
  /** Last holdout day (inclusive), after the calibration end. */
  holdoutEnd?: number;
  unit?: TimeUnit;
}

export interface Summary {
  customers: CustomerSummary[];
  unit: TimeUnit;
  /** Length of the holdout period in `unit`s (0 without one). */
  holdoutLength: number;
  /** Customers left out because their first purchase is after the calibration end. */
  excludedLate: number;
  calibrationEndDay: number;
  holdoutEndDay: number | null;
}

export const DAY_MS = 86_400_000;
export const dayNumber = (ms: number) => Math.floor(ms / DAY_MS);
export const unitDays = (unit: TimeUnit) => (unit === "week" ? 7 : 1);

export function summarize(transactions: Iterable<Transaction>, options: SummaryOptions): Summary {
  const unit = options.unit ?? "week";
  const per = unitDays(unit);
  const calEnd = dayNumber(options.calibrationEnd);
  const holdEnd = options.holdoutEnd === undefined ? null : dayNumber(options.holdoutEnd);
  if (holdEnd !== null && holdEnd <= calEnd) throw new RangeError("summarize: the holdout end must be after the calibration end");
  const days = new Map<string, Map<number, number>>();
  for (const t of transactions) {
    if (!Number.isFinite(t.at) || !Number.isFinite(t.amount)) throw new RangeError(`summarize: customer ${t.customerId} has a non-finite date or amount`);
    const day = dayNumber(t.at);
    if (holdEnd !== null ? day > holdEnd : day > calEnd) continue;
    let byDay = days.get(t.customerId);
    if (!byDay) days.set(t.customerId, (byDay = new Map()));
    byDay.set(day, (byDay.get(day) ?? 0) + t.amount);
  }
  const customers: CustomerSummary[] = [];
  let excludedLate = 0;
  for (const [id, byDay] of days) {
    const sorted = [...byDay.keys()].sort((a, b) => a - b);
    const first = sorted[0]!;
    if (first > calEnd) {
      excludedLate++;
      continue;
    }
    let x = 0;
    let last = first;
    let spend = 0;
    let xStar = 0;
    for (const day of sorted) {
      if (day === first) continue;
      if (day <= calEnd) {
        x++;
        last = day;
        spend += byDay.get(day)!;
      } else xStar++;
    }
    customers.push({ id, x, tx: (last - first) / per, T: (calEnd - first) / per, mx: x > 0 ? spend / x : 0, xStar, firstDay: first });
  }
  return { customers, unit, holdoutLength: holdEnd === null ? 0 : (holdEnd - calEnd) / per, excludedLate, calibrationEndDay: calEnd, holdoutEndDay: holdEnd };
}
