// Every merchant segment of a shop re-evaluated for one customer, after that
// customer's order, checkout, browsing or profile update (the per-customer job).
//
// Each rule is compiled for that customer (compile.ts with `customerId`: an
// `id = customer` constraint, and every relation filter naming the customer),
// its page conditions answered for that customer alone, its product sets
// resolved against the products the customer bought. The compiled rules are
// then tested in memory (match.ts) against the customer's rows, loaded once:
// their profile, their countable orders and their browse events, as far back as
// any rule looks. So a shop with 50 segments costs a handful of queries per
// customer rather than 50. A customer with more rows than IN_MEMORY_ROWS (a
// wholesale account with thousands of orders) is asked of the database instead,
// one compiled query per rule.
import defaultDb, { type Database } from "~/db.server";
import { logger } from "~/logger.server";
import { activityWhere, BROWSE_TYPES, compile, countSatisfies, hasTag, planRule, type CompileContext } from "./compile";
import { IN_CHUNK, pairKey, syncMemberships, type Pair } from "./evaluate.server";
import { browseMatches, matchesWhere, orderMatches, type CustomerFact } from "./match";
import { CATALOG_SELECT, productMatches, type CatalogRow, type SegmentOptions } from "./query.server";
import { conditionsOf, parseRule, type Condition, type Rule } from "./rule";

/** Orders or browse events of one customer above which the database answers instead (one query per rule). */
export const IN_MEMORY_ROWS = 2_000;
const DAY_MS = 86_400_000;

export type CustomerSegmentOptions = SegmentOptions & { /** tests: 0 forces the one-query-per-rule path */ inMemoryRows?: number };

/**
 * Re-evaluates every merchant (custom) segment of the shop for one customer and
 * writes the changes (memberships, SegmentTransition rows, Segment.size steps)
 * in one transaction. Returns the keys of the segments entered and left. A
 * segment whose stored rule no longer validates is skipped (logged once).
 */
export async function evaluateCustomerSegments(shopId: string, customerId: string, options: CustomerSegmentOptions = {}): Promise<{ entered: string[]; left: string[] }> {
  const db = options.db ?? defaultDb;
  const now = options.now ?? new Date();
  const none = { entered: [], left: [] };
  const segments = await db.segment.findMany({ where: { shopId, kind: "custom" }, select: { id: true, key: true, definition: true, updatedAt: true } });
  if (segments.length === 0) return none;
  const rules: Array<{ id: string; rule: Rule }> = [];
  for (const s of segments) {
    const rule = cachedRule(shopId, s);
    if (rule) rules.push({ id: s.id, rule });
  }
  const n = needs(rules.map((r) => r.rule));
  const limit = options.inMemoryRows ?? IN_MEMORY_ROWS;
  const segmentIds = rules.map((r) => r.id);
  // One request for the customer, their profile, the rows the rules look at and their memberships.
  const since = (days: number | undefined) => (days === undefined ? {} : { gte: new Date(now.getTime() - (days + 1) * DAY_MS) }); // a day's margin
  const customer = await db.customer.findFirst({
    where: { id: customerId, shopId },
    select: {
      id: true, shopId: true, tags: true, emailConsentState: true, deletedAt: true, redactedAt: true,
      profile: { select: PROFILE_SELECT },
      orders: {
        where: n.orders ? { shopId, cancelledAt: null, test: false, shopifyCreatedAt: since(n.orderDays) } : { id: { in: [] } },
        select: { cancelledAt: true, test: true, shopifyCreatedAt: true, lineItems: { select: { productShopifyId: true } } },
        take: limit + 1,
      },
      browseEvents: {
        where: { shopId, type: { in: n.browseTypes }, occurredAt: since(n.browseDays) },
        select: { type: true, occurredAt: true, productShopifyId: true },
        take: limit + 1,
      },
      segmentMemberships: { where: { shopId, segmentId: { in: segmentIds } }, select: { segmentId: true } },
    },
  });
  if (!customer) return none; // not this shop's, or gone (its memberships went with it)

  const matches = new Set<string>();
  if (customer.deletedAt === null && customer.redactedAt === null) {
    // Too many rows to hold (a wholesale account): the database answers each rule instead.
    const facts = customer.orders.length > limit || customer.browseEvents.length > limit ? null : toFacts(customer);
    const bought = await boughtProducts(db, shopId, customerId, facts, rules.map((r) => r.rule));
    for (const { id, rule } of rules) {
      const ctx: CompileContext = { shopId, now, customerId, productIds: productSets(rule, bought), pageMatches: new Map() };
      const pageMatches = new Map<string, string[]>();
      for (const { key, condition } of planRule(rule).pageConditions) {
        pageMatches.set(key, (await satisfies(db, condition, customer.tags, facts, ctx)) ? [customerId] : []);
      }
      const where = compile(rule, { ...ctx, pageMatches });
      const hit = facts ? matchesWhere(where, facts) : (await db.customer.count({ where })) > 0;
      if (hit) matches.add(pairKey(id, customerId));
    }
  }
  const current = customer.segmentMemberships.map((m) => pairKey(m.segmentId, customerId));
  const changes = await syncMemberships(db, shopId, now, { segmentIds, customers: [customerId] }, matches, current);
  const keys = new Map(segments.map((s) => [s.id, s.key]));
  const keysOf = (pairs: Pair[]) => pairs.map((c) => keys.get(c.segmentId)!).sort();
  return { entered: keysOf(changes.entered), left: keysOf(changes.left) };
}

// Stored rules, validated once per version of the segment (this runs for every customer event).
const ruleCache = new Map<string, { updatedAt: number; rule: Rule | null }>();
function cachedRule(shopId: string, s: { id: string; key: string; definition: unknown; updatedAt: Date }): Rule | null {
  const hit = ruleCache.get(s.id);
  if (hit && hit.updatedAt === s.updatedAt.getTime()) return hit.rule;
  if (ruleCache.size >= 10_000) ruleCache.clear();
  const parsed = parseRule(s.definition);
  const rule = parsed.ok ? parsed.rule : null;
  if (!parsed.ok) logger.warn("segment rule no longer valid: skipped until it is saved again", { shop: shopId, segment: s.key }); // once per version
  ruleCache.set(s.id, { updatedAt: s.updatedAt.getTime(), rule });
  return rule;
}

const PROFILE_SELECT = {
  customerId: true, orderCount: true, refundCount: true, totalSpent: true, averageOrderValue: true, predictedClv12m: true, pAlive: true,
  recencyScore: true, frequencyScore: true, monetaryScore: true, firstOrderAt: true, lastOrderAt: true, churnRisk: true, lifecycleStage: true,
} as const;

type CustomerRow = { id: string; shopId: string; emailConsentState: string; deletedAt: Date | null; redactedAt: Date | null; profile: CustomerFact["profile"] };

/** What the rules ask of orders and browsing: whether at all, which event types, and how far back (undefined: ever). */
function needs(rules: Rule[]) {
  let orders = false;
  let orderDays: number | undefined = 0;
  const browseTypes = new Set<string>();
  let browseDays: number | undefined = 0;
  const widen = (current: number | undefined, days: number | undefined) => (current === undefined || days === undefined ? undefined : Math.max(current, days));
  for (const rule of rules) {
    for (const { condition: c } of conditionsOf(rule)) {
      if (c.type === "bought") {
        orders = true;
        orderDays = widen(orderDays, c.withinDays);
      } else if (c.type === "activity") {
        if (c.event === "order") {
          orders = true;
          orderDays = widen(orderDays, c.withinDays);
        } else {
          browseTypes.add(BROWSE_TYPES[c.event]);
          browseDays = widen(browseDays, c.withinDays);
        }
      }
    }
  }
  return { orders, orderDays, browseTypes: [...browseTypes], browseDays };
}

type Loaded = CustomerRow & {
  orders: Array<{ cancelledAt: Date | null; test: boolean; shopifyCreatedAt: Date; lineItems: Array<{ productShopifyId: string | null }> }>;
  browseEvents: Array<{ type: string; occurredAt: Date; productShopifyId: string | null }>;
};

function toFacts(c: Loaded): CustomerFact {
  return {
    id: c.id, shopId: c.shopId, deletedAt: c.deletedAt, redactedAt: c.redactedAt, emailConsentState: c.emailConsentState, profile: c.profile,
    orders: c.orders.map((o) => ({ shopId: c.shopId, customerId: c.id, cancelledAt: o.cancelledAt, test: o.test, shopifyCreatedAt: o.shopifyCreatedAt, productIds: o.lineItems.flatMap((l) => (l.productShopifyId === null ? [] : [l.productShopifyId])) })),
    browseEvents: c.browseEvents.map((e) => ({ shopId: c.shopId, customerId: c.id, ...e })),
  };
}

/**
 * Catalog rows of the products the customer bought, when a rule names a product
 * type, collection or tag: such a condition can only be met by one of them, so
 * its product set is resolved against these rather than the whole catalog.
 */
async function boughtProducts(db: Database, shopId: string, customerId: string, facts: CustomerFact | null, rules: Rule[]): Promise<CatalogRow[]> {
  if (!rules.some((r) => planRule(r).productTargets.length > 0)) return [];
  const ids = facts
    ? [...new Set(facts.orders.flatMap((o) => o.productIds))]
    : (await db.lineItem.findMany({ where: { shopId, order: { customerId }, productShopifyId: { not: null } }, select: { productShopifyId: true }, distinct: ["productShopifyId"] })).map((l) => l.productShopifyId!);
  const rows: CatalogRow[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) rows.push(...(await db.product.findMany({ where: { shopId, shopifyId: { in: ids.slice(i, i + IN_CHUNK) } }, select: CATALOG_SELECT })));
  return rows;
}

function productSets(rule: Rule, bought: CatalogRow[]): Map<string, string[]> {
  return new Map(planRule(rule).productTargets.map(({ key, target }) => [key, bought.filter((p) => productMatches(target, p)).map((p) => p.shopifyId)]));
}

/** A page condition for this one customer: their tags, or their count of matching events (counted in memory, or by the database). */
async function satisfies(db: Database, condition: Condition, tags: string, facts: CustomerFact | null, ctx: CompileContext): Promise<boolean> {
  if (condition.type === "tag") return hasTag(tags, condition.tag) === (condition.op === "has");
  if (condition.type !== "activity") throw new Error(`segment rule: ${condition.type} is not a page condition`);
  const events = activityWhere(condition, ctx.shopId, ctx.now);
  const customerId = ctx.customerId!;
  let count: number;
  if (facts) {
    count = events.model === "order" ? facts.orders.filter((o) => orderMatches(events.where, o)).length : facts.browseEvents.filter((e) => browseMatches(events.where, e)).length;
  } else {
    count = events.model === "order" ? await db.order.count({ where: { ...events.where, customerId } }) : await db.browseEvent.count({ where: { ...events.where, customerId } });
  }
  return countSatisfies(condition, count);
}
