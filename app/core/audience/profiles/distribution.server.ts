// The shop's distribution, from aggregate and ordered queries over its stored
// profiles (one row fetched per cut-off): RFM quintile cut-offs and the
// lifecycle thresholds. Never loads the profiles themselves.
import { daysBetween } from "./profile";
import { deriveThresholds, type LifecycleThresholds } from "./lifecycle";
import { MIN_CUSTOMERS_FOR_QUANTILES, QUINTILES, quantileRank, smallShopCutoffs, type Cutoffs, type RfmCutoffs } from "./rfm";
import type { Db } from "./aggregate.server";

/** Predictions need at least this many customers before their 80th percentile is used. */
const MIN_PREDICTIONS_FOR_CLV_CUTOFF = 20;

export async function shopDistribution(db: Db, shopId: string, now: Date): Promise<{ rfm: RfmCutoffs; thresholds: LifecycleThresholds }> {
  const buyers = { shopId, orderCount: { gt: 0 } };
  const [n, sums, repeatCustomers, predictions] = await Promise.all([
    db.customerProfile.count({ where: buyers }),
    db.customerProfile.aggregate({ where: buyers, _sum: { totalSpent: true, orderCount: true } }),
    db.customerProfile.count({ where: { shopId, orderCount: { gte: 2 } } }),
    db.customerProfile.count({ where: { ...buyers, predictedClv12m: { not: null } } }),
  ]);
  const orders = sums._sum.orderCount ?? 0;
  const aov = orders > 0 ? Math.round((sums._sum.totalSpent ?? 0) / orders) : 0;

  let rfm: RfmCutoffs;
  if (n < MIN_CUSTOMERS_FOR_QUANTILES) {
    rfm = smallShopCutoffs(aov);
  } else {
    const [recency, frequency, monetary] = await Promise.all([
      Promise.all(
        QUINTILES.map(async (q) => {
          // The q-th percentile of days since the last order is the (q)-th latest last order.
          const row = await db.customerProfile.findFirst({ where: buyers, orderBy: [{ lastOrderAt: "desc" }, { id: "asc" }], skip: quantileRank(n, q), select: { lastOrderAt: true } });
          return row?.lastOrderAt ? daysBetween(row.lastOrderAt, now) : 0;
        }),
      ),
      frequencyCutoffs(db, shopId, n),
      Promise.all(
        QUINTILES.map(async (q) => {
          const row = await db.customerProfile.findFirst({ where: buyers, orderBy: [{ totalSpent: "asc" }, { id: "asc" }], skip: quantileRank(n, q), select: { totalSpent: true } });
          return row?.totalSpent ?? 0;
        }),
      ),
    ]);
    rfm = { basis: "quantiles", recencyDays: recency as Cutoffs, frequency, monetary: monetary as Cutoffs };
  }

  const median =
    repeatCustomers > 0
      ? await db.customerProfile.findFirst({
          where: { shopId, orderCount: { gte: 2 } },
          orderBy: [{ avgDaysBetweenOrders: "asc" }, { id: "asc" }],
          skip: quantileRank(repeatCustomers, 0.5),
          select: { avgDaysBetweenOrders: true },
        })
      : null;
  const clv =
    predictions >= MIN_PREDICTIONS_FOR_CLV_CUTOFF
      ? await db.customerProfile.findFirst({
          where: { ...buyers, predictedClv12m: { not: null } },
          orderBy: [{ predictedClv12m: "asc" }, { id: "asc" }],
          skip: quantileRank(predictions, 0.8),
          select: { predictedClv12m: true },
        })
      : null;
  const thresholds = deriveThresholds({
    customersWithOrders: n,
    repeatCustomers,
    medianGapDays: median?.avgDaysBetweenOrders ?? null,
    spendP80: rfm.monetary[3],
    clvP80: clv?.predictedClv12m ?? null,
  });
  return { rfm, thresholds };
}

/** Order counts take few distinct values: one grouped query gives the exact histogram. */
async function frequencyCutoffs(db: Db, shopId: string, n: number): Promise<Cutoffs> {
  const groups = await db.customerProfile.groupBy({ by: ["orderCount"], where: { shopId, orderCount: { gt: 0 } }, _count: { _all: true }, orderBy: { orderCount: "asc" } });
  const out: number[] = [];
  for (const q of QUINTILES) {
    const rank = quantileRank(n, q);
    let seen = 0;
    let value = groups.at(-1)?.orderCount ?? 0;
    for (const g of groups) {
      seen += g._count._all;
      if (seen > rank) {
        value = g.orderCount;
        break;
      }
    }
    out.push(value);
  }
  return out as Cutoffs;
}
