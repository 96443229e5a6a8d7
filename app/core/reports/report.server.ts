// One flow's or campaign's report (issue 6, part 3): the funnel sent →
// delivered → clicked → ordered and the revenue (from DailyStats, refreshed
// first), the same by email and variant, the products bought in its
// attributed orders, and those orders, 50 to a page, each with the rule that
// credited it. Every read is scoped by shop: another shop's campaign is null.
import prisma, { type Database } from "../../db.server";
import { attributionSettings } from "../attribution/attribute.server";
import { describeAttribution } from "../attribution/rules";
import { dayBounds, dayOf, shopZone } from "./days";
import { refreshStats } from "./stats.server";
import { byVariant, metricsOf, periodsEnding, sumCounts, type PeriodDays } from "./dashboard";
import { ruleText } from "./export";
import { customerLabel, funnelOf, ORDERS_PER_PAGE, TOP_PRODUCTS, type Report, type ReportOrder, type TopProduct } from "./report";

const IDS_PER_QUERY = 500;

export interface ReportOptions {
  /** Only the last N shop days (null or absent: all time). */
  days?: PeriodDays | null;
  page?: number;
  now?: Date;
  db?: Database;
}

export async function loadReport(shopId: string, campaignId: string, options: ReportOptions = {}): Promise<Report | null> {
  const db = options.db ?? prisma;
  const campaign = await db.campaign.findFirst({ where: { id: campaignId, shopId }, select: { id: true, name: true, kind: true, flowType: true, status: true } });
  if (!campaign) return null;
  await refreshStats(shopId, { db });

  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { currency: true, timezone: true } });
  const zone = shopZone(shop?.timezone);
  const period = options.days ? periodsEnding(dayOf(options.now ?? new Date(), zone), options.days).current : null;
  const placed = period ? { orderCreatedAt: { gte: dayBounds(period.from, zone).start, lt: dayBounds(period.to, zone).end } } : {};

  const SUMS = { sent: true, delivered: true, opened: true, clicked: true, orders: true, revenue: true } as const;
  const grouped = await db.dailyStats.groupBy({
    by: ["step", "variant"],
    where: { shopId, campaignId, ...(period ? { day: { gte: period.from, lte: period.to } } : {}) },
    _sum: SUMS,
  });
  const rows = grouped.map((g) => ({ campaignId, flowType: campaign.flowType, step: g.step, variant: g.variant, ...sumCounts([g._sum]) }));
  const totals = metricsOf(sumCounts(rows));

  const scope = { shopId, campaignId, ...placed };
  const total = await db.attribution.count({ where: scope });
  const pages = Math.max(1, Math.ceil(total / ORDERS_PER_PAGE));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pages);
  const [orders, topProducts, settings] = await Promise.all([
    pageOfOrders(db, scope, page),
    topProductsOf(db, { ...scope, cancelled: false }),
    attributionSettings(db, shopId),
  ]);

  return {
    campaign,
    currency: shop?.currency ?? "USD",
    timeZone: zone,
    period,
    totals,
    funnel: funnelOf(totals),
    byVariant: byVariant(rows),
    topProducts,
    orders: { rows: orders, page, pages, total },
    attribution: describeAttribution(settings),
  };
}

type Scope = { shopId: string; campaignId: string; orderCreatedAt?: { gte: Date; lt: Date } };

async function pageOfOrders(db: Database, scope: Scope, page: number): Promise<ReportOrder[]> {
  const attributions = await db.attribution.findMany({
    where: scope,
    orderBy: [{ orderCreatedAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * ORDERS_PER_PAGE,
    take: ORDERS_PER_PAGE,
  });
  if (attributions.length === 0) return [];
  const orders = await db.order.findMany({
    where: { shopId: scope.shopId, id: { in: attributions.map((a) => a.orderId) } },
    select: {
      id: true,
      name: true,
      email: true,
      refundedAmount: true,
      redactedAt: true,
      customer: { select: { firstName: true, lastName: true, email: true, redactedAt: true } },
    },
  });
  const byId = new Map(orders.map((o) => [o.id, o]));
  return attributions.map((a) => {
    const o = byId.get(a.orderId);
    return {
      orderId: a.orderId,
      name: o?.name || "(no name)",
      placedAt: a.orderCreatedAt.toISOString(),
      customer: o ? customerLabel(o, o.customer) : "Guest",
      revenue: a.revenue,
      currency: a.currency,
      cancelled: a.cancelled,
      refunded: (o?.refundedAmount ?? 0) > 0,
      rule: a.rule,
      ruleText: ruleText(a.rule),
      touchedAt: a.touchedAt.toISOString(),
      messageId: a.messageId,
      step: a.step,
      variant: a.variant,
    };
  });
}

/** The products bought in the scope's attributed, uncancelled orders, most revenue first. */
async function topProductsOf(db: Database, scope: Scope & { cancelled: false }): Promise<TopProduct[]> {
  const products = new Map<string, TopProduct>();
  let cursor: string | undefined;
  for (;;) {
    const ids = await db.attribution.findMany({
      where: { ...scope, ...(cursor ? { orderId: { gt: cursor } } : {}) },
      select: { orderId: true },
      orderBy: { orderId: "asc" },
      take: IDS_PER_QUERY,
    });
    if (ids.length === 0) break;
    const lines = await db.lineItem.findMany({
      where: { shopId: scope.shopId, orderId: { in: ids.map((i) => i.orderId) } },
      select: { title: true, productShopifyId: true, quantity: true, price: true, totalDiscount: true },
    });
    for (const l of lines) {
      const key = l.productShopifyId ? `p:${l.productShopifyId}` : `t:${l.title}`;
      const p = products.get(key) ?? { title: l.title, productId: l.productShopifyId, quantity: 0, revenue: 0 };
      p.quantity += l.quantity;
      p.revenue += l.price * l.quantity - l.totalDiscount;
      products.set(key, p);
    }
    if (ids.length < IDS_PER_QUERY) break;
    cursor = ids[ids.length - 1]!.orderId;
  }
  return [...products.values()].sort((a, b) => b.revenue - a.revenue || b.quantity - a.quantity || a.title.localeCompare(b.title)).slice(0, TOP_PRODUCTS);
}
