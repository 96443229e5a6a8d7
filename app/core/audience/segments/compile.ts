// Compiles a rule to a Prisma `where` on Customer. Pure: the result is a plain
// object; the database work happens in segments.server.ts.
//
// Most conditions are relation filters the database answers in one query:
// profile: { is }, orders: { some | none }, browseEvents: { some | none }.
// Two kinds are not expressible as a portable `where`, and are "page conditions":
//   - counts of events in a window other than "at least 1" and "none" (e.g. at least
//     3 product views in 7 days): Prisma has no relation-count filter;
//   - customer tags: Customer.tags is "a, b, c" and whole-tag, case-blind matching
//     needs LIKE, whose case rules differ (SQLite ignores ASCII case, PostgreSQL does
//     not; `mode: "insensitive"` exists only on PostgreSQL).
// For those, the server walks the shop's customers in id-ordered pages (keyset, a
// bounded number per page), asks the database for that page only (a groupBy of
// events by customer, or the page's tags) and passes the ids that satisfy each page
// condition back here as `pageMatches`; the compiled where then reads
// `id IN (<that page's matches>)`. Memory stays bounded by the page size, the
// results are the same on SQLite and PostgreSQL, and no raw SQL is needed. A rule
// without page conditions runs as one query.
import { assertUnreachable, conditionsOf, type Condition, type ProfileField, type ProductTarget, type Rule, type RuleNode } from "./rule";

const DAY_MS = 86_400_000;

// A structural subset of Prisma.CustomerWhereInput (app/core may not import Prisma;
// segments.server.ts assigns it to the Prisma type, so the compiler checks the match).
export type NumberFilter = { equals?: number; gt?: number; gte?: number; lt?: number; lte?: number };
export type DateFilter = { gt?: Date; gte?: Date; lt?: Date; lte?: Date; in?: Date[] };
export type TextFilter = { in?: string[]; notIn?: string[]; not?: null };
type NumberColumn = Exclude<ProfileField, "daysSinceLastOrder" | "daysSinceFirstOrder">;
type DateColumn = "lastOrderAt" | "firstOrderAt";
export type ProfileWhere = { AND?: ProfileWhere[]; OR?: ProfileWhere[]; customerId?: string } & { [K in NumberColumn]?: NumberFilter } & {
  [K in DateColumn]?: DateFilter;
} & { churnRisk?: TextFilter; lifecycleStage?: TextFilter };
export type LineItemWhere = { productShopifyId?: { in: string[] } };
export type OrderWhere = {
  shopId?: string;
  customerId?: string;
  cancelledAt?: null;
  test?: boolean;
  shopifyCreatedAt?: DateFilter;
  lineItems?: { some: LineItemWhere };
};
export type BrowseEventWhere = { shopId?: string; customerId?: string; type?: string; occurredAt?: DateFilter; productShopifyId?: string };
export type CustomerWhere = {
  AND?: CustomerWhere[];
  OR?: CustomerWhere[];
  id?: { in: string[] };
  shopId?: string;
  deletedAt?: null;
  redactedAt?: null;
  emailConsentState?: { in: string[] } | { notIn: string[] };
  profile?: { is: ProfileWhere };
  orders?: { some: OrderWhere } | { none: OrderWhere };
  browseEvents?: { some: BrowseEventWhere } | { none: BrowseEventWhere };
};

export type CompileContext = {
  shopId: string;
  now: Date;
  /** For `bought` conditions on a product type, collection or product tag: the Shopify product ids it covers, by condition key. */
  productIds?: ReadonlyMap<string, readonly string[]>;
  /** For page conditions: the ids, within the current page of customers, that satisfy each one, by condition key. */
  pageMatches?: ReadonlyMap<string, readonly string[]>;
  /**
   * Compile for this one customer: the rule is also restricted to `id = customerId`,
   * and every relation filter (profile, orders, browse events) names the customer,
   * so the database reads that customer's rows through its indexes rather than
   * every row of the shop that passes the filter.
   */
  customerId?: string;
};

export const MATCH_NONE: CustomerWhere = { id: { in: [] } };

/** Customers the rule may ever match: this shop's, not deleted or erased. */
export function baseWhere(shopId: string): CustomerWhere {
  return { shopId, deletedAt: null, redactedAt: null };
}

export function compile(rule: Rule, ctx: CompileContext): CustomerWhere {
  const base = ctx.customerId === undefined ? baseWhere(ctx.shopId) : { ...baseWhere(ctx.shopId), id: { in: [ctx.customerId] } };
  return { AND: [base, compileNode(rule, "", ctx)] };
}

/** A relation filter narrowed to the one customer being compiled for, if any. */
function mine<T extends { customerId?: string }>(where: T, ctx: CompileContext): T {
  return ctx.customerId === undefined ? where : { ...where, customerId: ctx.customerId };
}

function compileNode(node: RuleNode, key: string, ctx: CompileContext): CustomerWhere {
  if (node.type !== "group") return compileCondition(node, key, ctx);
  const children = node.children.map((child, i) => compileNode(child, key === "" ? `${i}` : `${key}.${i}`, ctx));
  return node.combinator === "and" ? { AND: children } : { OR: children };
}

/** True when the condition needs a page of customer ids to be decided (see the header). */
export function isPageCondition(c: Condition): boolean {
  if (c.type === "tag") return true;
  if (c.type !== "activity") return false;
  return !(c.op === "atLeast" && c.count <= 1) && c.count !== 0;
}

/** What the server must look up before compiling: product sets and page conditions. */
export function planRule(rule: Rule): {
  productTargets: Array<{ key: string; target: Exclude<ProductTarget, { kind: "product" }> }>;
  pageConditions: Array<{ key: string; condition: Condition }>;
} {
  const productTargets: Array<{ key: string; target: Exclude<ProductTarget, { kind: "product" }> }> = [];
  const pageConditions: Array<{ key: string; condition: Condition }> = [];
  for (const { key, condition } of conditionsOf(rule)) {
    if (condition.type === "bought" && condition.target.kind !== "product") productTargets.push({ key, target: condition.target });
    if (isPageCondition(condition)) pageConditions.push({ key, condition });
  }
  return { productTargets, pageConditions };
}

const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/** Orders that count: not cancelled, not test orders, optionally in the last N days. */
export function orderWhere(shopId: string, now: Date, withinDays: number | undefined): OrderWhere {
  const where: OrderWhere = { shopId, cancelledAt: null, test: false };
  if (withinDays !== undefined) where.shopifyCreatedAt = { gte: daysAgo(now, withinDays) };
  return where;
}

export const BROWSE_TYPES = { productView: "product_viewed", addToCart: "product_added_to_cart" } as const;

/** The events an `activity` condition counts (an Order or a BrowseEvent filter, without the customer). */
export function activityWhere(c: Extract<Condition, { type: "activity" }>, shopId: string, now: Date):
  | { model: "order"; where: OrderWhere }
  | { model: "browseEvent"; where: BrowseEventWhere } {
  if (c.event === "order") return { model: "order", where: orderWhere(shopId, now, c.withinDays) };
  const where: BrowseEventWhere = { shopId, type: BROWSE_TYPES[c.event] };
  if (c.withinDays !== undefined) where.occurredAt = { gte: daysAgo(now, c.withinDays) };
  if (c.productId !== undefined) where.productShopifyId = c.productId;
  return { model: "browseEvent", where };
}

/** Whether a customer with `count` matching events satisfies a count condition. */
export function countSatisfies(c: Extract<Condition, { type: "activity" }>, count: number): boolean {
  switch (c.op) {
    case "atLeast":
      return count >= c.count;
    case "atMost":
      return count <= c.count;
    case "exactly":
      return count === c.count;
    default:
      return assertUnreachable(c.op);
  }
}

/** Whole-tag, case-blind match against Shopify's "a, b, c" tag string. */
export function hasTag(tags: string, tag: string): boolean {
  const wanted = tag.trim().toLowerCase();
  return tags.split(",").some((t) => t.trim().toLowerCase() === wanted);
}

function compileCondition(c: Condition, key: string, ctx: CompileContext): CustomerWhere {
  if (isPageCondition(c)) {
    const matches = ctx.pageMatches?.get(key);
    if (matches === undefined) throw new Error(`segment rule: condition ${key} (${c.type}) is decided per page of customers; no page matches were given`);
    return { id: { in: [...matches] } };
  }
  switch (c.type) {
    case "profile":
      return { profile: { is: mine(profileWhere(c, ctx.now), ctx) } };
    case "churnRisk":
    case "lifecycleStage":
      return {
        profile: {
          is: mine(c.op === "in" ? text(c.type, { in: [...c.values] }) : { AND: [text(c.type, { not: null }), text(c.type, { notIn: [...c.values] })] }, ctx),
        },
      };
    case "emailConsent":
      return { emailConsentState: c.op === "in" ? { in: [...c.states] } : { notIn: [...c.states] } };
    case "tag":
      throw new Error("unreachable: tags are page conditions");
    case "bought": {
      const ids = c.target.kind === "product" ? [c.target.productId] : ctx.productIds?.get(key);
      if (ids === undefined) throw new Error(`segment rule: condition ${key} needs the product ids of its ${c.target.kind}`);
      const where: OrderWhere = mine({ ...orderWhere(ctx.shopId, ctx.now, c.withinDays), lineItems: { some: { productShopifyId: { in: [...ids] } } } }, ctx);
      return c.op === "did" ? { orders: { some: where } } : { orders: { none: where } };
    }
    case "activity": {
      if (c.op === "atLeast" && c.count === 0) return {}; // everyone has at least 0
      const events = activityWhere(c, ctx.shopId, ctx.now);
      events.where = mine(events.where, ctx);
      const some = c.op === "atLeast"; // at least 1; otherwise none (at most 0, exactly 0)
      if (events.model === "order") return some ? { orders: { some: events.where } } : { orders: { none: events.where } };
      return some ? { browseEvents: { some: events.where } } : { browseEvents: { none: events.where } };
    }
    default:
      return assertUnreachable(c);
  }
}

// One-column profile filters (a computed key alone would widen to an index signature).
const text = (column: "churnRisk" | "lifecycleStage", filter: TextFilter) => ({ [column]: filter }) as ProfileWhere;
const num = (column: NumberColumn, filter: NumberFilter) => ({ [column]: filter }) as ProfileWhere;
const date = (column: DateColumn, filter: DateFilter) => ({ [column]: filter }) as ProfileWhere;

const DAY_COLUMNS = { daysSinceLastOrder: "lastOrderAt", daysSinceFirstOrder: "firstOrderAt" } as const;

/**
 * A profile field comparison. Days since an order are whole days elapsed,
 * floor((now − t) / 1 day), so "at least 90 days" is t ≤ now − 90 days and
 * "exactly 3 days" is now − 4 days < t ≤ now − 3 days. A missing value (no
 * order yet, no prediction) never matches, whatever the operator.
 */
function profileWhere(c: Extract<Condition, { type: "profile" }>, now: Date): ProfileWhere {
  if (c.field === "daysSinceLastOrder" || c.field === "daysSinceFirstOrder") {
    const column = DAY_COLUMNS[c.field];
    const atLeast = (n: number): DateFilter => ({ lte: daysAgo(now, n) }); // floor(days) >= n
    const atMost = (n: number): DateFilter => ({ gt: daysAgo(now, n + 1) }); // floor(days) <= n
    switch (c.op) {
      case "gte":
        return date(column, atLeast(c.value));
      case "gt":
        return date(column, atLeast(c.value + 1));
      case "lte":
        return date(column, atMost(c.value));
      case "lt":
        return c.value <= 0 ? date(column, { in: [] }) : date(column, atMost(c.value - 1));
      case "eq":
        return date(column, { ...atLeast(c.value), ...atMost(c.value) });
      case "neq":
        return { OR: [date(column, atLeast(c.value + 1)), date(column, { gt: daysAgo(now, c.value) })] };
      case "between":
        return date(column, { ...atLeast(c.value), ...atMost(c.value2 ?? c.value) });
      default:
        return assertUnreachable(c.op);
    }
  }
  const f = c.field;
  switch (c.op) {
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return num(f, { [c.op]: c.value });
    case "eq":
      return num(f, { equals: c.value });
    case "neq": // either side of the value: a missing value (NULL) matches neither
      return { OR: [num(f, { lt: c.value }), num(f, { gt: c.value })] };
    case "between":
      return num(f, { gte: c.value, lte: c.value2 ?? c.value });
    default:
      return assertUnreachable(c.op);
  }
}
