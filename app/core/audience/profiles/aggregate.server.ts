// Per-customer aggregates for a page of customers, from grouped queries: one
// groupBy over orders, two over browse events, one narrow select of the orders'
// line items and one grouped count of their refunds. Never more than one page of customers at a time.
import type { Prisma } from "@prisma/client";
import type { Database } from "../../../db.server";
import { DAY_MS, VIEW_WINDOW_DAYS, type ProfileAggregate } from "./profile";

export type Db = Database | Prisma.TransactionClient;

/** Orders that count: not cancelled, not test orders. */
const counted = { cancelledAt: null, test: false } as const;
/** Bounded `IN (...)` lists (SQLite allows 32,766 parameters; PostgreSQL 65,535). */
const IN_CHUNK = 900;

/**
 * Aggregates for a page of customers. `customerIds` must be in the database's id
 * order (a keyset page, or one id): the queries select the id range from the first
 * to the last (an index range scan, and no parameter list: Prisma's SQLite limit is
 * 999 parameters); rows of customers outside the page are ignored.
 */
export async function aggregateCustomers(db: Db, shopId: string, customerIds: readonly string[], now: Date): Promise<Map<string, ProfileAggregate>> {
  const ids = [...customerIds];
  const out = new Map<string, ProfileAggregate>();
  for (const id of ids) {
    out.set(id, { orderCount: 0, grossSpent: 0, refundedAmount: 0, refundCount: 0, firstOrderAt: null, lastOrderAt: null, productIds: [], categories: [], lastViewedAt: null, views30d: 0 });
  }
  if (ids.length === 0) return out;
  const inPage = pageRange(ids);
  const since = new Date(now.getTime() - VIEW_WINDOW_DAYS * DAY_MS);
  const [orders, details, refunds, lastSeen, views] = await Promise.all([
    db.order.groupBy({
      by: ["customerId"],
      where: { shopId, customerId: inPage, ...counted },
      _count: { _all: true },
      _sum: { totalPrice: true, refundedAmount: true },
      _min: { shopifyCreatedAt: true },
      _max: { shopifyCreatedAt: true },
    }),
    // Line items through the page's orders (Order's index on (shopId, customerId),
    // then LineItem's on orderId).
    db.order.findMany({
      where: { shopId, customerId: inPage, ...counted },
      select: { id: true, customerId: true, lineItems: { where: { productShopifyId: { not: null } }, select: { productShopifyId: true } } },
    }),
    refundCounts(db, shopId, inPage),
    db.browseEvent.groupBy({ by: ["customerId"], where: { shopId, customerId: inPage }, _max: { occurredAt: true } }),
    db.browseEvent.groupBy({
      by: ["customerId"],
      where: { shopId, customerId: inPage, type: "product_viewed", occurredAt: { gte: since, lte: now } },
      _count: { _all: true },
    }),
  ]);
  for (const o of orders) {
    const a = o.customerId ? out.get(o.customerId) : undefined;
    if (!a) continue;
    a.orderCount = o._count._all;
    a.grossSpent = o._sum.totalPrice ?? 0;
    a.refundedAmount = o._sum.refundedAmount ?? 0;
    a.firstOrderAt = o._min.shopifyCreatedAt;
    a.lastOrderAt = o._max.shopifyCreatedAt;
  }
  const productsOf = new Map<string, Set<string>>();
  for (const o of details) {
    const a = o.customerId ? out.get(o.customerId) : undefined;
    if (!a || !o.customerId) continue;
    a.refundCount += refunds.get(o.id) ?? 0;
    let set = productsOf.get(o.customerId);
    if (!set) productsOf.set(o.customerId, (set = new Set()));
    for (const li of o.lineItems) if (li.productShopifyId) set.add(li.productShopifyId);
  }
  const types = await productTypes(db, shopId, new Set([...productsOf.values()].flatMap((s) => [...s])));
  for (const [customerId, set] of productsOf) {
    const a = out.get(customerId)!;
    a.productIds = [...set];
    a.categories = [...set].map((p) => types.get(p) ?? "").filter((t) => t !== "");
  }
  for (const e of lastSeen) {
    const a = e.customerId ? out.get(e.customerId) : undefined;
    if (a) a.lastViewedAt = e._max.occurredAt;
  }
  for (const v of views) {
    const a = v.customerId ? out.get(v.customerId) : undefined;
    if (a) a.views30d = v._count._all;
  }
  return out;
}

/** The id range of a keyset page (ids in database order). */
export function pageRange(ids: readonly string[]): { gte: string; lte: string } {
  return { gte: ids[0]!, lte: ids.at(-1)! };
}

/**
 * Refunds per order of the page's counted orders, in one grouped query (the
 * orders as a subquery on Order's (shopId, customerId) index). Not
 * `_count: { refunds }` in the orders' select: Prisma turns that into a join on
 * a GROUP BY of the whole Refund table, read again for every page, so a full
 * recompute would grow with pages × refunds.
 */
async function refundCounts(db: Db, shopId: string, inPage: { gte: string; lte: string }): Promise<Map<string, number>> {
  const rows = await db.refund.groupBy({ by: ["orderId"], where: { shopId, order: { shopId, customerId: inPage, ...counted } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.orderId, r._count._all]));
}

async function productTypes(db: Db, shopId: string, productIds: Set<string>): Promise<Map<string, string>> {
  const all = [...productIds];
  const types = new Map<string, string>();
  for (let i = 0; i < all.length; i += IN_CHUNK) {
    const rows = await db.product.findMany({ where: { shopId, shopifyId: { in: all.slice(i, i + IN_CHUNK) } }, select: { shopifyId: true, productType: true } });
    for (const r of rows) if (r.productType) types.set(r.shopifyId, r.productType);
  }
  return types;
}
