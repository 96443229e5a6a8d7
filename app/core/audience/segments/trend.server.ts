// A segment's daily sizes for the Segments page (built-in and merchant segments
// alike: both write SegmentTransition rows beside their memberships).
import defaultDb from "~/db.server";
import { SegmentNotFoundError, SegmentRuleError, type SegmentOptions } from "./query.server";
import { knownTimeZone, lastDates, nextDate, reconstructTrend, startOfLocalDay, type TransitionCount, type TrendPoint } from "./trend";

export type { TrendPoint } from "./trend";

export const MAX_TREND_DAYS = 366;
/** Distinct (kind, instant) groups in the window above which transitions are counted day by day instead. */
export const GROUPED_LIMIT = 5_000;

export type TrendOptions = Pick<SegmentOptions, "db" | "now"> & { /** tests: 0 forces counting day by day */ groupedLimit?: number };

/**
 * Sizes at the end of each of the last `days` calendar days of the shop (its
 * time zone), today last (today's is the size now), from the member count and
 * the transitions after the first day. These are read with one groupBy by
 * (kind, instant): a recompute or a segment evaluation stamps all its
 * transitions with one instant, so it returns far fewer rows than there are
 * transitions. When there are more than GROUPED_LIMIT groups (per-customer
 * updates stamp each transition with its own instant), that query stops there
 * and the window is counted instead with one groupBy by kind per day: `days`
 * small queries, whatever the volume.
 * The reads are not one snapshot: a change committed between them can put one
 * day off by that change until the next call.
 */
export async function segmentTrend(shopId: string, segmentId: string, days: number, options: TrendOptions = {}): Promise<TrendPoint[]> {
  if (!Number.isInteger(days) || days < 1 || days > MAX_TREND_DAYS) {
    throw new SegmentRuleError([`the trend covers 1 to ${MAX_TREND_DAYS} days (got ${String(days)})`]);
  }
  const db = options.db ?? defaultDb;
  const now = options.now ?? new Date();
  const segment = await db.segment.findFirst({ where: { id: segmentId, shopId }, select: { id: true, shop: { select: { timezone: true } } } });
  if (!segment) throw new SegmentNotFoundError(shopId, segmentId);
  const timeZone = knownTimeZone(segment.shop.timezone);
  const dates = lastDates(now, days, timeZone);
  // What changed after the end of the first date: the days after it, and anything stamped later than today.
  const later = [...dates.slice(1), nextDate(dates[dates.length - 1]!)];
  const starts = later.map((d) => startOfLocalDay(d, timeZone));
  const window = { shopId, segmentId, at: { gte: starts[0]! } };
  const limit = options.groupedLimit ?? GROUPED_LIMIT;
  // At most limit + 1 groups: more means per-customer updates, counted day by day instead.
  const groups = await db.segmentTransition.groupBy({ by: ["kind", "at"], where: window, _count: { _all: true }, orderBy: [{ at: "asc" }, { kind: "asc" }], take: limit + 1 });
  let counts: TransitionCount[] = groups.map((g) => ({ at: g.at, kind: g.kind, count: g._count._all }));
  if (groups.length > limit) {
    counts = [];
    for (const [i, start] of starts.entries()) {
      const end = starts[i + 1];
      const day = await db.segmentTransition.groupBy({ by: ["kind"], where: { shopId, segmentId, at: end ? { gte: start, lt: end } : { gte: start } }, _count: { _all: true } });
      counts.push(...day.map((g) => ({ at: start, kind: g.kind, count: g._count._all })));
    }
  }
  const current = await db.segmentMembership.count({ where: { shopId, segmentId } });
  return reconstructTrend(current, counts, dates, timeZone);
}
