// A shop's deliverability over a period, counted by the database (aggregates
// only: no message is loaded), then judged by deliverability.ts.
//
//   deliverabilityFor(shopId, { db, since, until?, campaignId? }) → Deliverability
//
// The period is the messages' send time (sentAt in [since, until)): a message
// sent in the period keeps counting its later opens and complaints. Test sends
// are never counted.
import prisma, { type Database } from "../../db.server";
import { deliverabilityOf, type ComplaintOptions, type Deliverability, type DeliveryCounts } from "./deliverability";

export interface DeliverabilityQuery extends ComplaintOptions {
  db?: Database;
  since: Date;
  until?: Date;
  /** One flow or campaign; the whole shop when absent. */
  campaignId?: string;
}

export async function deliveryCounts(shopId: string, q: DeliverabilityQuery): Promise<DeliveryCounts> {
  const db = q.db ?? prisma;
  const where = {
    shopId,
    test: false,
    sentAt: { gte: q.since, ...(q.until ? { lt: q.until } : {}) },
    ...(q.campaignId ? { campaignId: q.campaignId } : {}),
  };
  // count() with a select counts the non-null values of each column: one query for all but one figure.
  const [c, machineOnly] = await Promise.all([
    db.message.count({
      where,
      select: { _all: true, deliveredAt: true, bouncedAt: true, droppedAt: true, openedAt: true, clickedAt: true, unsubscribedAt: true, spamReportedAt: true },
    }),
    db.message.count({ where: { ...where, openedAt: null, machineOpenedAt: { not: null } } }),
  ]);
  return {
    sent: c._all,
    delivered: c.deliveredAt,
    bounced: c.bouncedAt,
    dropped: c.droppedAt,
    opened: c.openedAt,
    machineOpenedOnly: machineOnly,
    clicked: c.clickedAt,
    unsubscribed: c.unsubscribedAt,
    spamReports: c.spamReportedAt,
  };
}

export async function deliverabilityFor(shopId: string, q: DeliverabilityQuery): Promise<Deliverability> {
  return deliverabilityOf(await deliveryCounts(shopId, q), q);
}
