// A customer's profile from their orders, refunds, line items and browsing.
// Pure: the shell feeds it either one customer's rows (the incremental path) or
// per-customer aggregates from grouped queries (the full recompute); both go
// through `profileFromAggregate`, so the two paths cannot disagree.

export const DAY_MS = 86_400_000;
/** Window for `views30d`. */
export const VIEW_WINDOW_DAYS = 30;

/** One order as the profile sees it. Amounts in the shop's currency, minor units. */
export interface ProfileOrder {
  createdAt: Date;
  totalPrice: number;
  refundedAmount: number;
  cancelled: boolean;
  /** Test orders never count. */
  test?: boolean;
}

export interface ProfileBrowseEvent {
  type: string;
  occurredAt: Date;
}

/** What grouped queries give per customer (orders already filtered: not cancelled, not test). */
export interface ProfileAggregate {
  orderCount: number;
  grossSpent: number;
  refundedAmount: number;
  refundCount: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  productIds: readonly string[];
  categories: readonly string[];
  lastViewedAt: Date | null;
  views30d: number;
}

/** The columns of CustomerProfile this module owns (scores, predictions and stage are elsewhere). */
export interface ProfileFields {
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  orderCount: number;
  totalSpent: number;
  averageOrderValue: number;
  avgDaysBetweenOrders: number | null;
  refundedAmount: number;
  refundCount: number;
  productIds: string[];
  categories: string[];
  lastViewedAt: Date | null;
  views30d: number;
}

/**
 * The profile from aggregates. Amounts are net of refunds (never below zero).
 * Average days between orders is (last − first) / (orders − 1): the mean of the
 * gaps between consecutive orders, which needs only the first and last dates.
 */
export function profileFromAggregate(a: ProfileAggregate): ProfileFields {
  const orderCount = a.orderCount;
  const totalSpent = Math.max(0, a.grossSpent - a.refundedAmount);
  const avgDaysBetweenOrders =
    orderCount >= 2 && a.firstOrderAt && a.lastOrderAt
      ? round2((a.lastOrderAt.getTime() - a.firstOrderAt.getTime()) / DAY_MS / (orderCount - 1))
      : null;
  return {
    firstOrderAt: orderCount > 0 ? a.firstOrderAt : null,
    lastOrderAt: orderCount > 0 ? a.lastOrderAt : null,
    orderCount,
    totalSpent,
    averageOrderValue: orderCount > 0 ? Math.round(totalSpent / orderCount) : 0,
    avgDaysBetweenOrders,
    refundedAmount: a.refundedAmount,
    refundCount: a.refundCount,
    productIds: sortedUnique(a.productIds),
    categories: sortedUnique(a.categories),
    lastViewedAt: a.lastViewedAt,
    views30d: a.views30d,
  };
}

export interface CustomerActivity {
  orders: readonly ProfileOrder[];
  /** Refunds of the counted orders (one entry per refund). */
  refundCount: number;
  /** Shopify product ids of the counted orders' line items (nulls: custom items). */
  lineItemProductIds: ReadonlyArray<string | null>;
  /** Product id → product type, for the products above. */
  productTypes: ReadonlyMap<string, string>;
  browseEvents: readonly ProfileBrowseEvent[];
}

/** Folds one customer's rows into aggregates (cancelled and test orders dropped). */
export function aggregateActivity(input: CustomerActivity, now: Date): ProfileAggregate {
  const counted = input.orders.filter((o) => !o.cancelled && !o.test);
  let first: Date | null = null;
  let last: Date | null = null;
  let gross = 0;
  let refunded = 0;
  for (const o of counted) {
    gross += o.totalPrice;
    refunded += o.refundedAmount;
    if (!first || o.createdAt < first) first = o.createdAt;
    if (!last || o.createdAt > last) last = o.createdAt;
  }
  const productIds = input.lineItemProductIds.filter((id): id is string => id !== null);
  const categories = productIds.map((id) => input.productTypes.get(id) ?? "").filter((t) => t !== "");
  return {
    orderCount: counted.length,
    grossSpent: gross,
    refundedAmount: refunded,
    refundCount: input.refundCount,
    firstOrderAt: first,
    lastOrderAt: last,
    productIds,
    categories,
    ...browsing(input.browseEvents, now),
  };
}

/** Browsing recency (any storefront event) and intensity (product views in the last 30 days). */
export function browsing(events: readonly ProfileBrowseEvent[], now: Date): { lastViewedAt: Date | null; views30d: number } {
  const since = now.getTime() - VIEW_WINDOW_DAYS * DAY_MS;
  let lastViewedAt: Date | null = null;
  let views30d = 0;
  for (const e of events) {
    if (!lastViewedAt || e.occurredAt > lastViewedAt) lastViewedAt = e.occurredAt;
    if (e.type === "product_viewed" && e.occurredAt.getTime() >= since && e.occurredAt <= now) views30d++;
  }
  return { lastViewedAt, views30d };
}

export function computeProfile(input: CustomerActivity, now: Date): ProfileFields {
  return profileFromAggregate(aggregateActivity(input, now));
}

/** Whole days from `from` to `now` (0 on the same day or in the future). */
export function daysBetween(from: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - from.getTime()) / DAY_MS));
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
