// A segment's daily sizes for the Segments page (built-in and merchant segments
// alike: both write SegmentTransition rows beside their memberships).
import defaultDb from "~/db.server";
import { SegmentNotFoundError, SegmentRuleError, type SegmentOptions } from "./query.server";
import { knownTimeZone, lastDates, reconstructTrend, type TrendPoint } from "./trend";

export type { TrendPoint } from "./trend";

export const MAX_TREND_DAYS = 366;
const DAY_MS = 86_400_000;

/**
 * Sizes at the end of each of the last `days` calendar days of the shop (its
 * time zone), today last (today's is the size now). Reads the member count and
 * one groupBy of the window's transitions by (kind, instant): a recompute or
 * evaluation stamps all its transitions with one instant, so this returns far
 * fewer rows than there are transitions. Counts are read one after the other:
 * a change committed between the two reads can put one day off by that change
 * until the next call.
 */
export async function segmentTrend(shopId: string, segmentId: string, days: number, options: Pick<SegmentOptions, "db" | "now"> = {}): Promise<TrendPoint[]> {
  if (!Number.isInteger(days) || days < 1 || days > MAX_TREND_DAYS) {
    throw new SegmentRuleError([`the trend covers 1 to ${MAX_TREND_DAYS} days (got ${String(days)})`]);
  }
  const db = options.db ?? defaultDb;
  const now = options.now ?? new Date();
  const segment = await db.segment.findFirst({ where: { id: segmentId, shopId }, select: { id: true, shop: { select: { timezone: true } } } });
  if (!segment) throw new SegmentNotFoundError(shopId, segmentId);
  const timeZone = knownTimeZone(segment.shop.timezone);
  const dates = lastDates(now, days, timeZone);
  // Everything after the first date's end; a day's margin covers any zone offset (filtered by date below).
  const since = new Date(now.getTime() - (days + 1) * DAY_MS);
  const groups = await db.segmentTransition.groupBy({
    by: ["kind", "at"],
    where: { shopId, segmentId, at: { gte: since } },
    _count: { _all: true },
  });
  const current = await db.segmentMembership.count({ where: { shopId, segmentId } });
  return reconstructTrend(current, groups.map((g) => ({ at: g.at, kind: g.kind, count: g._count._all })), dates, timeZone);
}
