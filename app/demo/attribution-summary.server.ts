// What the demo's orders earned, read back from the database (Attribution
// rows the app's order and refund webhooks wrote), never from what the
// simulator meant: the headless summary's attribution figures.
import type { Database } from "../db.server";
import { ATTRIBUTION_RULES } from "../core/attribution/rules";
import { currencyExponent } from "../core/ingest/money";

export interface AttributionSummary {
  /** Orders credited to an email, cancelled ones excluded (as the dashboard counts them). */
  ordersAttributed: number;
  /** Their net revenue (totals less refunds), in the shop's currency as a decimal number of major units (1234.5 = $1,234.50 for USD). */
  attributedRevenue: number;
  /** The shop currency attributedRevenue is in (ISO 4217). */
  attributedRevenueCurrency: string;
  /** Rule → orders (cancelled excluded); every rule is listed, 0 when none. */
  attributionByRule: Record<string, number>;
  /** Attributed orders that were cancelled since (their revenue counts 0). */
  attributedCancelled: number;
}

export async function attributionSummary(db: Database, shopId: string): Promise<AttributionSummary> {
  const [byRule, cancelled, shop] = await Promise.all([
    db.attribution.groupBy({ by: ["rule"], where: { shopId, cancelled: false }, _count: { _all: true }, _sum: { revenue: true } }),
    db.attribution.count({ where: { shopId, cancelled: true } }),
    db.shop.findUnique({ where: { id: shopId }, select: { currency: true } }),
  ]);
  const currency = shop?.currency ?? "USD";
  const attributionByRule: Record<string, number> = Object.fromEntries(ATTRIBUTION_RULES.map((r) => [r, 0]));
  let orders = 0;
  let minor = 0;
  for (const row of byRule) {
    attributionByRule[row.rule] = row._count._all;
    orders += row._count._all;
    minor += row._sum.revenue ?? 0;
  }
  return {
    ordersAttributed: orders,
    attributedRevenue: minor / 10 ** currencyExponent(currency),
    attributedRevenueCurrency: currency,
    attributionByRule,
    attributedCancelled: cancelled,
  };
}
