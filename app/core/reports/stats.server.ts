// Daily stats (DailyStats), kept as events arrive (docs/decisions/012-attribution.md).
//
//   markStats(db, shopId, touches)   a change touched these (campaign, instant)s: mark their days
//   refreshStats(shopId)             recompute every marked (campaign, day) from Message and Attribution
//   rebuildStats(shopId)             mark every day that has a sent message or an attribution, then refresh
//
// Writers mark in the same transaction as their change where they have one,
// and otherwise both before and after it (a mark that turns out unneeded costs
// one recompute; none is ever missing). A refresh recomputes a bucket whole,
// so a row always equals a direct recomputation, and deletes its mark only if
// no writer marked it again meanwhile (the version compare).
import prisma, { type Database } from "../../db.server";
import type { Db } from "../ingest/store.server";
import { addDays, dayBounds, dayOf, shopZone, type Day } from "./days";

export interface StatsTouch {
  campaignId: string;
  at: Date;
}

/** The shop's zone (Shop.timezone, else UTC). */
export async function zoneOf(db: Db, shopId: string): Promise<string> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { timezone: true } });
  return shopZone(shop?.timezone);
}

/** Marks the (campaign, local day) of each touch for recomputation. Idempotent; bumps the mark's version. */
export async function markStats(db: Db, shopId: string, touches: readonly StatsTouch[], zone?: string): Promise<void> {
  if (touches.length === 0) return;
  const z = zone ?? (await zoneOf(db, shopId));
  const keys = new Set(touches.map((t) => `${t.campaignId}\u0000${dayOf(t.at, z)}`));
  for (const key of [...keys].sort()) {
    const [campaignId, day] = key.split("\u0000") as [string, string];
    await db.$executeRaw`INSERT INTO "DirtyStats" ("shopId", "campaignId", "day", "version") VALUES (${shopId}, ${campaignId}, ${day}, 1)
      ON CONFLICT ("shopId", "campaignId", "day") DO UPDATE SET "version" = "DirtyStats"."version" + 1`;
  }
}

export interface RefreshOptions {
  db?: Database;
  /** Buckets per call (the rest wait for the next call). */
  limit?: number;
}

/** Recomputes the marked buckets. Returns how many it recomputed. */
export async function refreshStats(shopId: string, options: RefreshOptions = {}): Promise<number> {
  const db = options.db ?? prisma;
  const limit = options.limit ?? 10_000;
  let done = 0;
  const zone = await zoneOf(db, shopId);
  const flowTypes = new Map<string, string>();
  while (done < limit) {
    const marks = await db.dirtyStats.findMany({ where: { shopId }, orderBy: [{ campaignId: "asc" }, { day: "asc" }], take: Math.min(200, limit - done) });
    if (marks.length === 0) break;
    for (const mark of marks) {
      if (!flowTypes.has(mark.campaignId)) {
        const c = await db.campaign.findFirst({ where: { id: mark.campaignId, shopId }, select: { flowType: true } });
        flowTypes.set(mark.campaignId, c?.flowType ?? "");
      }
      await recomputeBucket(db, shopId, mark.campaignId, mark.day, zone, flowTypes.get(mark.campaignId)!);
      await db.dirtyStats.deleteMany({ where: { shopId, campaignId: mark.campaignId, day: mark.day, version: mark.version } });
      done++;
    }
    if (marks.length < 200) {
      // What is left was marked again during this pass: the next call takes it.
      break;
    }
  }
  return done;
}

interface Row {
  step: number;
  variant: string;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
  unsubscribed: number;
  spamReports: number;
  orders: number;
  revenue: number;
}

const emptyRow = (step: number, variant: string): Row => ({ step, variant, sent: 0, delivered: 0, opened: 0, clicked: 0, bounced: 0, unsubscribed: 0, spamReports: 0, orders: 0, revenue: 0 });

/** One (campaign, day): what its messages sent that day and the orders placed that day credited to it. */
async function recomputeBucket(db: Database, shopId: string, campaignId: string, day: Day, zone: string, flowType: string): Promise<void> {
  const { start, end } = dayBounds(day, zone);
  await db.$transaction(
    async (tx) => {
      const rows = new Map<string, Row>();
      const row = (step: number, variant: string | null) => {
        const key = `${step}\u0000${variant ?? ""}`;
        let r = rows.get(key);
        if (!r) rows.set(key, (r = emptyRow(step, variant ?? "")));
        return r;
      };
      const messages = await tx.message.groupBy({
        by: ["step", "variant"],
        where: { shopId, campaignId, status: "sent", test: false, sentAt: { gte: start, lt: end } },
        _count: { _all: true, deliveredAt: true, openedAt: true, clickedAt: true, bouncedAt: true, unsubscribedAt: true, spamReportedAt: true },
      });
      for (const m of messages) {
        const r = row(m.step, m.variant);
        r.sent = m._count._all;
        r.delivered = m._count.deliveredAt;
        r.opened = m._count.openedAt;
        r.clicked = m._count.clickedAt;
        r.bounced = m._count.bouncedAt;
        r.unsubscribed = m._count.unsubscribedAt;
        r.spamReports = m._count.spamReportedAt;
      }
      const orders = await tx.attribution.groupBy({
        by: ["step", "variant"],
        where: { shopId, campaignId, cancelled: false, orderCreatedAt: { gte: start, lt: end } },
        _count: { _all: true },
        _sum: { revenue: true },
      });
      for (const o of orders) {
        const r = row(o.step, o.variant);
        r.orders = o._count._all;
        r.revenue = o._sum.revenue ?? 0;
      }
      await tx.dailyStats.deleteMany({ where: { shopId, campaignId, day } });
      if (rows.size > 0) await tx.dailyStats.createMany({ data: [...rows.values()].map((r) => ({ shopId, campaignId, day, flowType, ...r })) });
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}

/**
 * Marks every day of every campaign, from its first send or credited order to
 * its last, then refreshes (after a time-zone change, or to repair). Reads two
 * indexed min/max per campaign, never every message: a day with nothing is
 * recomputed to no row. Stale rows elsewhere are marked too, so they go.
 */
export async function rebuildStats(shopId: string, options: { db?: Database } = {}): Promise<number> {
  const db = options.db ?? prisma;
  const zone = await zoneOf(db, shopId);
  const touches = new Map<string, StatsTouch>();
  const addRange = (campaignId: string, first: Date | null, last: Date | null) => {
    if (!first || !last) return;
    for (let day = dayOf(first, zone), end = dayOf(last, zone); day <= end; day = addDays(day, 1)) {
      touches.set(`${campaignId}\u0000${day}`, { campaignId, at: dayBounds(day, zone).start });
    }
  };
  for (const c of await db.campaign.findMany({ where: { shopId }, select: { id: true } })) {
    const sent = await db.message.aggregate({ where: { campaignId: c.id, sentAt: { not: null } }, _min: { sentAt: true }, _max: { sentAt: true } });
    addRange(c.id, sent._min.sentAt, sent._max.sentAt);
    const credited = await db.attribution.aggregate({ where: { campaignId: c.id }, _min: { orderCreatedAt: true }, _max: { orderCreatedAt: true } });
    addRange(c.id, credited._min.orderCreatedAt, credited._max.orderCreatedAt);
  }
  for (const s of await db.dailyStats.findMany({ where: { shopId }, select: { campaignId: true, day: true }, distinct: ["campaignId", "day"] })) {
    touches.set(`${s.campaignId}\u0000${s.day}`, { campaignId: s.campaignId, at: dayBounds(s.day, zone).start });
  }
  await markStats(db, shopId, [...touches.values()], zone);
  return refreshStats(shopId, { db });
}
