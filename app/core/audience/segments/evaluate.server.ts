// Keeping merchant segments' memberships current: a whole segment (on save and
// in the daily recompute), every segment of a shop, or every segment for one
// customer (after that customer's order, checkout or browsing). Each change is a
// SegmentMembership row added or removed, a SegmentTransition (entered/left, at
// `now`: flows trigger on them, and trends are rebuilt from them) and a
// Segment.size step, all in one transaction.
import type { Prisma } from "@prisma/client";
import defaultDb, { isUniqueViolation, type Database } from "~/db.server";
import { logger } from "~/logger.server";
import { compile, countSatisfies, activityWhere, hasTag, planRule } from "./compile";
import {
  CATALOG_SELECT,
  customerPages,
  pageWhere,
  prepare,
  productMatches,
  SegmentNotFoundError,
  SegmentRuleError,
  type CatalogRow,
  type SegmentOptions,
} from "./query.server";
import { parseRule, type Condition, type Rule } from "./rule";

export type Evaluation = { size: number; entered: number; left: number };

/** Below Prisma's SQLite limit of 999 bound parameters per statement. */
const IN_CHUNK = 900;

/**
 * Brings a custom segment's memberships up to date, a page of customers at a
 * time (one transaction per page that changes): customers who now match and
 * were not members enter, members who no longer match (or were deleted or
 * erased) leave. The size is then the number of members.
 */
export async function evaluateSegment(shopId: string, segmentId: string, options: SegmentOptions = {}): Promise<Evaluation> {
  const db = options.db ?? defaultDb;
  const now = options.now ?? new Date();
  const segment = await db.segment.findFirst({ where: { id: segmentId, shopId }, select: { id: true, kind: true, definition: true } });
  if (!segment) throw new SegmentNotFoundError(shopId, segmentId);
  if (segment.kind !== "custom") throw new Error(`segment ${segmentId} is ${segment.kind}: only custom segments are evaluated from a rule`);
  const p = await prepare(db, shopId, segment.definition, now, options.pageSize);
  let entered = 0;
  let left = 0;
  for await (const pageIds of customerPages(db, shopId, p.pageSize, true)) {
    const where = p.pageConditions.length > 0 ? await pageWhere(db, p, pageIds) : { AND: [{ id: { in: pageIds } }, compile(p.rule, p.ctx)] };
    const matching = (await db.customer.findMany({ where, select: { id: true } })).map((c) => pairKey(segmentId, c.id));
    const changes = await syncMemberships(db, shopId, now, { segmentIds: [segmentId], customerIds: pageIds }, new Set(matching));
    entered += changes.entered.length;
    left += changes.left.length;
    await yieldToEventLoop();
  }
  // The members, counted: exact even if a per-customer update ran meanwhile.
  const size = await db.segmentMembership.count({ where: { shopId, segmentId } });
  await db.segment.update({ where: { id: segment.id }, data: { size }, select: { id: true } });
  return { size, entered, left };
}

export type ShopEvaluation = {
  /** By segment key. */
  evaluated: Record<string, Evaluation>;
  /** Segments whose stored rule no longer validates (by key): left untouched, with the reasons. */
  failed: Record<string, string[]>;
};

/** Every merchant segment of the shop (the daily recompute: time-based conditions move without events). */
export async function evaluateShopSegments(shopId: string, options: SegmentOptions = {}): Promise<ShopEvaluation> {
  const db = options.db ?? defaultDb;
  const segments = await db.segment.findMany({ where: { shopId, kind: "custom" }, select: { id: true, key: true }, orderBy: { key: "asc" } });
  const result: ShopEvaluation = { evaluated: {}, failed: {} };
  for (const s of segments) {
    try {
      result.evaluated[s.key] = await evaluateSegment(shopId, s.id, options);
    } catch (error) {
      if (error instanceof SegmentRuleError) result.failed[s.key] = error.errors;
      else if (!(error instanceof SegmentNotFoundError)) throw error; // deleted meanwhile: nothing to do
    }
  }
  return result;
}

/**
 * Re-evaluates every merchant segment of the shop for one customer: each rule
 * compiled with an extra `id = customerId`, its page conditions answered for
 * that customer alone, its product sets resolved against the products that
 * customer bought (the same answer for them, without reading the catalog).
 * Returns the keys of the segments entered and left.
 */
export async function evaluateCustomerSegments(shopId: string, customerId: string, options: SegmentOptions = {}): Promise<{ entered: string[]; left: string[] }> {
  const db = options.db ?? defaultDb;
  const now = options.now ?? new Date();
  const none = { entered: [], left: [] };
  const segments = await db.segment.findMany({ where: { shopId, kind: "custom" }, select: { id: true, key: true, definition: true } });
  if (segments.length === 0) return none;
  const customer = await db.customer.findFirst({ where: { id: customerId, shopId }, select: { tags: true, deletedAt: true, redactedAt: true } });
  if (!customer) return none; // not this shop's, or gone (its memberships went with it)
  const present = customer.deletedAt === null && customer.redactedAt === null;
  const facts = new CustomerFacts(db, shopId, customerId, customer.tags, now);
  const evaluated: string[] = [];
  const matches = new Set<string>();
  for (const s of segments) {
    const parsed = parseRule(s.definition);
    if (!parsed.ok) {
      logger.warn("segment rule no longer valid: skipped", { shop: shopId, segment: s.key });
      continue;
    }
    evaluated.push(s.id);
    if (present && (await facts.matches(parsed.rule))) matches.add(pairKey(s.id, customerId));
  }
  const changes = await syncMemberships(db, shopId, now, { segmentIds: evaluated, customerIds: [customerId] }, matches);
  const keys = new Map(segments.map((s) => [s.id, s.key]));
  const keysOf = (pairs: Pair[]) => pairs.map((c) => keys.get(c.segmentId)!).sort();
  return { entered: keysOf(changes.entered), left: keysOf(changes.left) };
}

/** One customer's answers, each looked up once however many rules ask. */
class CustomerFacts {
  private products?: Promise<CatalogRow[]>;
  private readonly counts = new Map<string, Promise<number>>();

  constructor(
    private readonly db: Database,
    private readonly shopId: string,
    private readonly customerId: string,
    private readonly tags: string,
    private readonly now: Date,
  ) {}

  async matches(rule: Rule): Promise<boolean> {
    const { productTargets, pageConditions } = planRule(rule);
    const productIds = new Map<string, string[]>();
    if (productTargets.length > 0) {
      const bought = await this.boughtProducts();
      for (const { key, target } of productTargets) productIds.set(key, bought.filter((p) => productMatches(target, p)).map((p) => p.shopifyId));
    }
    const pageMatches = new Map<string, string[]>();
    for (const { key, condition } of pageConditions) pageMatches.set(key, (await this.satisfies(condition)) ? [this.customerId] : []);
    const where = compile(rule, { shopId: this.shopId, now: this.now, productIds, pageMatches });
    return (await this.db.customer.count({ where: { AND: [{ id: this.customerId }, where] } })) > 0;
  }

  private async satisfies(condition: Condition): Promise<boolean> {
    if (condition.type === "tag") return hasTag(this.tags, condition.tag) === (condition.op === "has");
    if (condition.type !== "activity") throw new Error(`segment rule: ${condition.type} is not a page condition`);
    const events = activityWhere(condition, this.shopId, this.now);
    const cacheKey = JSON.stringify(events);
    let count = this.counts.get(cacheKey);
    if (count === undefined) {
      count =
        events.model === "order"
          ? this.db.order.count({ where: { ...events.where, customerId: this.customerId } })
          : this.db.browseEvent.count({ where: { ...events.where, customerId: this.customerId } });
      this.counts.set(cacheKey, count);
    }
    return countSatisfies(condition, await count);
  }

  /** The catalog rows of every product in the customer's orders (a `bought` condition can only be met by one of them). */
  private boughtProducts() {
    this.products ??= (async () => {
      const lines = await this.db.lineItem.findMany({
        where: { shopId: this.shopId, order: { customerId: this.customerId }, productShopifyId: { not: null } },
        select: { productShopifyId: true },
        distinct: ["productShopifyId"],
      });
      const ids = lines.map((l) => l.productShopifyId!);
      const rows: CatalogRow[] = [];
      for (let i = 0; i < ids.length; i += IN_CHUNK) {
        rows.push(...(await this.db.product.findMany({ where: { shopId: this.shopId, shopifyId: { in: ids.slice(i, i + IN_CHUNK) } }, select: CATALOG_SELECT })));
      }
      return rows;
    })();
    return this.products;
  }
}

type Pair = { segmentId: string; customerId: string };
const pairKey = (segmentId: string, customerId: string) => `${segmentId} ${customerId}`;
type Client = Database | Prisma.TransactionClient;

/**
 * Makes the memberships within segmentIds × customerIds equal to `matches`
 * (pair keys). The diff is read first, outside any transaction (nothing to do is
 * the common case); a change is then re-read and written in one transaction, so
 * two evaluations racing for the same pairs cannot both write it (on PostgreSQL
 * the loser hits the unique index and retries once, and then sees nothing to do).
 */
async function syncMemberships(
  db: Database,
  shopId: string,
  now: Date,
  scope: { segmentIds: string[]; customerIds: string[] },
  matches: Set<string>,
): Promise<{ entered: Pair[]; left: Pair[] }> {
  if (scope.segmentIds.length === 0 || scope.customerIds.length === 0) return { entered: [], left: [] };
  const diff = async (client: Client) => {
    const members = await client.segmentMembership.findMany({
      where: { shopId, segmentId: { in: scope.segmentIds }, customerId: { in: scope.customerIds } },
      select: { segmentId: true, customerId: true },
    });
    const current = new Set(members.map((m) => pairKey(m.segmentId, m.customerId)));
    const entered = [...matches].filter((k) => !current.has(k)).map(splitPair);
    const left = members.filter((m) => !matches.has(pairKey(m.segmentId, m.customerId)));
    return { entered, left };
  };
  const first = await diff(db);
  if (first.entered.length === 0 && first.left.length === 0) return first;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const changes = await diff(tx);
        await writeChanges(tx, shopId, now, changes);
        return changes;
      });
    } catch (error) {
      if (attempt >= 2 || !isUniqueViolation(error)) throw error;
    }
  }
}

function splitPair(key: string): Pair {
  const [segmentId, customerId] = key.split(" ") as [string, string];
  return { segmentId, customerId };
}

async function writeChanges(tx: Client, shopId: string, now: Date, { entered, left }: { entered: Pair[]; left: Pair[] }): Promise<void> {
  const delta = new Map<string, number>();
  const leaving = new Map<string, string[]>();
  for (const p of left) {
    leaving.set(p.segmentId, [...(leaving.get(p.segmentId) ?? []), p.customerId]);
    delta.set(p.segmentId, (delta.get(p.segmentId) ?? 0) - 1);
  }
  for (const p of entered) delta.set(p.segmentId, (delta.get(p.segmentId) ?? 0) + 1);
  for (const [segmentId, customerIds] of leaving) {
    for (let i = 0; i < customerIds.length; i += IN_CHUNK) {
      await tx.segmentMembership.deleteMany({ where: { shopId, segmentId, customerId: { in: customerIds.slice(i, i + IN_CHUNK) } } });
    }
  }
  if (entered.length > 0) await tx.segmentMembership.createMany({ data: entered.map((p) => ({ shopId, ...p, enteredAt: now })) });
  const transitions = [
    ...entered.map((p) => ({ shopId, ...p, kind: "entered", at: now })),
    ...left.map((p) => ({ shopId, ...p, kind: "left", at: now })),
  ];
  if (transitions.length > 0) await tx.segmentTransition.createMany({ data: transitions });
  for (const [segmentId, d] of delta) {
    if (d !== 0) await tx.segment.update({ where: { id: segmentId }, data: { size: { increment: d } }, select: { id: true } });
  }
}

/**
 * On SQLite every query completes synchronously, so a loop of awaited queries
 * never lets timers or sockets run: this lets the process serve requests between pages.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
