// The revenue dashboard from the daily rollups (issue 6, part 2). It first
// refreshes the marked buckets (so every number is exact), then reads only
// DailyStats, grouped in the database: per day for the two periods, per
// (campaign, step, variant) for the current one. It never scans Message.
import prisma, { type Database } from "../../db.server";
import { attributionSettings } from "../attribution/attribute.server";
import { describeAttribution } from "../attribution/rules";
import { dayBounds, dayOf, shopZone, type Day } from "./days";
import { refreshStats } from "./stats.server";
import {
  byCampaign,
  byFlowType,
  byVariant,
  changes,
  emptyReason,
  fillDays,
  inPeriod,
  metricsOf,
  periodsEnding,
  sumCounts,
  DEFAULT_PERIOD,
  type CampaignInfo,
  type Dashboard,
  type EmptyReason,
  type PeriodDays,
  type StatsRow,
} from "./dashboard";

export interface DashboardOptions {
  days?: PeriodDays;
  now?: Date;
  db?: Database;
}

const SUMS = { sent: true, delivered: true, opened: true, clicked: true, orders: true, revenue: true } as const;

export async function loadDashboard(shopId: string, options: DashboardOptions = {}): Promise<Dashboard> {
  const db = options.db ?? prisma;
  const days = options.days ?? DEFAULT_PERIOD;
  await refreshStats(shopId, { db });

  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { currency: true, timezone: true } });
  const zone = shopZone(shop?.timezone);
  const { current, previous } = periodsEnding(dayOf(options.now ?? new Date(), zone), days);

  const [perDay, perVariant, settings, everSent] = await Promise.all([
    db.dailyStats.groupBy({ by: ["day"], where: { shopId, day: { gte: previous.from, lte: current.to } }, _sum: SUMS }),
    db.dailyStats.groupBy({ by: ["campaignId", "flowType", "step", "variant"], where: { shopId, day: { gte: current.from, lte: current.to } }, _sum: SUMS }),
    attributionSettings(db, shopId),
    db.dailyStats.findFirst({ where: { shopId, sent: { gt: 0 } }, select: { id: true } }),
  ]);

  const days_ = perDay.map((d) => ({ day: d.day as Day, ...d._sum }));
  const totals = metricsOf(sumCounts(days_.filter((d) => inPeriod(d.day, current))));
  const before = metricsOf(sumCounts(days_.filter((d) => inPeriod(d.day, previous))));
  const rows: StatsRow[] = perVariant.map((g) => ({ campaignId: g.campaignId, flowType: g.flowType, step: g.step, variant: g.variant, ...sumCounts([g._sum]) }));

  const ids = [...new Set(rows.map((r) => r.campaignId))];
  const campaigns = new Map<string, CampaignInfo>(
    (ids.length > 0 ? await db.campaign.findMany({ where: { shopId, id: { in: ids } }, select: { id: true, name: true, kind: true, flowType: true } }) : []).map((c) => [c.id, c]),
  );

  let empty: EmptyReason | null = null;
  if (totals.orders === 0) {
    const { start } = dayBounds(current.from, zone);
    const { end } = dayBounds(current.to, zone);
    const ordersInPeriod = await db.order.count({ where: { shopId, test: false, shopifyCreatedAt: { gte: start, lt: end } } });
    empty = emptyReason({ attributedOrders: 0, everSent: everSent !== null, ordersInPeriod });
  }

  return {
    period: current,
    previousPeriod: previous,
    currency: shop?.currency ?? "USD",
    timeZone: zone,
    totals,
    previous: before,
    change: changes(totals, before),
    series: fillDays(days_, current),
    byFlow: byFlowType(rows),
    byCampaign: byCampaign(rows, campaigns),
    byVariant: byVariant(rows),
    attribution: { text: describeAttribution(settings), ...settings },
    empty,
  };
}
