// The home page's figures. Every query is a count or an aggregate scoped by
// shop on an indexed column: nothing loads the shop's rows.
import type { Shop } from "@prisma/client";
import prisma from "../../db.server";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface HomeCounts {
  customers: number;
  subscribedCustomers: number;
  orders365: number;
  /** Net revenue of the last 365 days (not cancelled, not test, minus refunds), minor units. */
  revenue365: number;
  currency: string;
  products: number;
  abandonedCheckouts: number;
  browseEvents: number;
}

export async function loadHomeCounts(shop: Shop, now = new Date()): Promise<HomeCounts> {
  const shopId = shop.id;
  const since = new Date(now.getTime() - 365 * DAY_MS);
  const liveCustomer = { shopId, deletedAt: null, redactedAt: null };
  const recentOrder = { shopId, shopifyCreatedAt: { gte: since }, test: false };
  const [customers, subscribedCustomers, orders365, revenue, products, abandonedCheckouts, browseEvents] = await Promise.all([
    prisma.customer.count({ where: liveCustomer }),
    prisma.customer.count({ where: { ...liveCustomer, emailConsentState: "SUBSCRIBED" } }),
    prisma.order.count({ where: recentOrder }),
    prisma.order.aggregate({
      where: { ...recentOrder, cancelledAt: null },
      _sum: { totalPrice: true, refundedAmount: true },
    }),
    prisma.product.count({ where: { shopId, deletedAt: null } }),
    prisma.checkout.count({ where: { shopId, completedAt: null } }),
    prisma.browseEvent.count({ where: { shopId } }),
  ]);
  return {
    customers,
    subscribedCustomers,
    orders365,
    revenue365: (revenue._sum.totalPrice ?? 0) - (revenue._sum.refundedAmount ?? 0),
    currency: shop.currency,
    products,
    abandonedCheckouts,
    browseEvents,
  };
}
