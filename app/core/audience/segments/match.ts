// The compiled `where` of a rule (compile.ts), evaluated against one customer's
// rows in memory. Per-customer updates use it: loading a customer's profile,
// orders and browsing once and testing 50 compiled rules here costs a handful
// of queries instead of one per rule. compile.ts stays the one definition of
// what a rule means; this only interprets the small filter language it emits,
// with SQL's meaning (a NULL column matches no comparison, `in: []` matches
// nothing). A filter key it does not know is an error, never a guess, so a new
// kind of filter in compile.ts cannot be silently misread here. Pure.
import type { BrowseEventWhere, CustomerWhere, DateFilter, NumberFilter, OrderWhere, ProfileWhere, TextFilter } from "./compile";

export type OrderFact = { shopId: string; customerId: string; cancelledAt: Date | null; test: boolean; shopifyCreatedAt: Date; productIds: readonly string[] };
export type BrowseFact = { shopId: string; customerId: string; type: string; occurredAt: Date; productShopifyId: string | null };
export type ProfileFact = {
  customerId: string;
  orderCount: number | null;
  refundCount: number | null;
  totalSpent: number | null;
  averageOrderValue: number | null;
  predictedClv12m: number | null;
  pAlive: number | null;
  recencyScore: number | null;
  frequencyScore: number | null;
  monetaryScore: number | null;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  churnRisk: string | null;
  lifecycleStage: string | null;
};
export type CustomerFact = {
  id: string;
  shopId: string;
  deletedAt: Date | null;
  redactedAt: Date | null;
  emailConsentState: string;
  profile: ProfileFact | null;
  /** The customer's orders that a rule can count (not cancelled, not test), at least as far back as any rule looks. */
  orders: readonly OrderFact[];
  /** The customer's browse events of the types and windows the rules look at. */
  browseEvents: readonly BrowseFact[];
};

const unsupported = (where: string, key: string): never => {
  throw new Error(`in-memory segment match: unsupported filter ${where}.${key}`);
};

export function matchesWhere(where: CustomerWhere, c: CustomerFact): boolean {
  for (const [key, filter] of Object.entries(where)) {
    if (filter === undefined) continue;
    const ok = (() => {
      switch (key) {
        case "AND":
          return (filter as CustomerWhere[]).every((w) => matchesWhere(w, c));
        case "OR":
          return (filter as CustomerWhere[]).some((w) => matchesWhere(w, c));
        case "id":
          return (filter as { in: string[] }).in.includes(c.id);
        case "shopId":
          return filter === c.shopId;
        case "deletedAt":
          return filter === null ? c.deletedAt === null : unsupported("customer", key);
        case "redactedAt":
          return filter === null ? c.redactedAt === null : unsupported("customer", key);
        case "emailConsentState":
          return textMatches(filter as TextFilter, c.emailConsentState);
        case "profile": {
          const is = (filter as { is?: ProfileWhere }).is;
          if (is === undefined || Object.keys(filter as object).length !== 1) return unsupported("customer.profile", Object.keys(filter as object).join(","));
          return c.profile !== null && profileMatches(is, c.profile);
        }
        case "orders":
          return relation(filter as { some?: OrderWhere; none?: OrderWhere }, c.orders, orderMatches, "orders");
        case "browseEvents":
          return relation(filter as { some?: BrowseEventWhere; none?: BrowseEventWhere }, c.browseEvents, browseMatches, "browseEvents");
        default:
          return unsupported("customer", key);
      }
    })();
    if (!ok) return false;
  }
  return true;
}

function relation<W, R>(filter: { some?: W; none?: W }, rows: readonly R[], matches: (w: W, r: R) => boolean, name: string): boolean {
  const keys = Object.keys(filter);
  if (keys.length !== 1) return unsupported(name, keys.join(","));
  if (filter.some !== undefined) return rows.some((r) => matches(filter.some!, r));
  if (filter.none !== undefined) return !rows.some((r) => matches(filter.none!, r));
  return unsupported(name, keys[0]!);
}

const NUMBER_COLUMNS = new Set(["orderCount", "refundCount", "totalSpent", "averageOrderValue", "predictedClv12m", "pAlive", "recencyScore", "frequencyScore", "monetaryScore"]);
const DATE_COLUMNS = new Set(["firstOrderAt", "lastOrderAt"]);

export function profileMatches(where: ProfileWhere, p: ProfileFact): boolean {
  for (const [key, filter] of Object.entries(where)) {
    if (filter === undefined) continue;
    let ok: boolean;
    if (key === "AND") ok = (filter as ProfileWhere[]).every((w) => profileMatches(w, p));
    else if (key === "OR") ok = (filter as ProfileWhere[]).some((w) => profileMatches(w, p));
    else if (key === "customerId") ok = filter === p.customerId;
    else if (NUMBER_COLUMNS.has(key)) ok = numberMatches(filter as NumberFilter, p[key as keyof ProfileFact] as number | null);
    else if (DATE_COLUMNS.has(key)) ok = dateMatches(filter as DateFilter, p[key as keyof ProfileFact] as Date | null);
    else if (key === "churnRisk" || key === "lifecycleStage") ok = textMatches(filter as TextFilter, p[key]);
    else return unsupported("profile", key);
    if (!ok) return false;
  }
  return true;
}

export function orderMatches(where: OrderWhere, o: OrderFact): boolean {
  for (const [key, filter] of Object.entries(where)) {
    if (filter === undefined) continue;
    let ok: boolean;
    switch (key) {
      case "shopId":
      case "customerId":
      case "test":
        ok = filter === o[key];
        break;
      case "cancelledAt":
        ok = filter === null ? o.cancelledAt === null : unsupported("order", key);
        break;
      case "shopifyCreatedAt":
        ok = dateMatches(filter as DateFilter, o.shopifyCreatedAt);
        break;
      case "lineItems": {
        const some = (filter as { some?: { productShopifyId?: { in: string[] } } }).some;
        const ids = some?.productShopifyId?.in;
        if (ids === undefined || Object.keys(some!).length !== 1) return unsupported("order.lineItems", JSON.stringify(Object.keys(some ?? {})));
        ok = o.productIds.some((id) => ids.includes(id));
        break;
      }
      default:
        return unsupported("order", key);
    }
    if (!ok) return false;
  }
  return true;
}

export function browseMatches(where: BrowseEventWhere, e: BrowseFact): boolean {
  for (const [key, filter] of Object.entries(where)) {
    if (filter === undefined) continue;
    let ok: boolean;
    switch (key) {
      case "shopId":
      case "customerId":
      case "type":
      case "productShopifyId":
        ok = filter === e[key];
        break;
      case "occurredAt":
        ok = dateMatches(filter as DateFilter, e.occurredAt);
        break;
      default:
        return unsupported("browseEvent", key);
    }
    if (!ok) return false;
  }
  return true;
}

function numberMatches(f: NumberFilter, v: number | null): boolean {
  if (v === null) return false;
  for (const [op, x] of Object.entries(f)) {
    if (x === undefined) continue;
    const n = x as number;
    const ok = op === "equals" ? v === n : op === "gt" ? v > n : op === "gte" ? v >= n : op === "lt" ? v < n : op === "lte" ? v <= n : unsupported("number", op);
    if (!ok) return false;
  }
  return true;
}

function dateMatches(f: DateFilter, value: Date | null): boolean {
  if (value === null) return false;
  const v = value.getTime();
  for (const [op, x] of Object.entries(f)) {
    if (x === undefined) continue;
    if (op === "in") {
      if (!(x as Date[]).some((d) => d.getTime() === v)) return false;
      continue;
    }
    const t = (x as Date).getTime();
    const ok = op === "gt" ? v > t : op === "gte" ? v >= t : op === "lt" ? v < t : op === "lte" ? v <= t : unsupported("date", op);
    if (!ok) return false;
  }
  return true;
}

function textMatches(f: TextFilter | { in: string[] } | { notIn: string[] }, v: string | null): boolean {
  for (const [op, x] of Object.entries(f)) {
    if (x === undefined) continue;
    let ok: boolean;
    if (op === "not" && x === null) ok = v !== null;
    else if (op === "in") ok = v !== null && (x as string[]).includes(v);
    else if (op === "notIn") ok = v !== null && !(x as string[]).includes(v); // NULL NOT IN (…) is not true in SQL
    else return unsupported("text", op);
    if (!ok) return false;
  }
  return true;
}
