// The query machinery shared by counts, samples, evaluation and the per-customer
// update: a stored or submitted rule validated and prepared (product sets
// resolved), page conditions answered for a page of customer ids, and the
// keyset walk over a shop's customers. Every query is scoped by shop.
import type { Prisma } from "@prisma/client";
import type { Database } from "~/db.server";
import { activityWhere, baseWhere, compile, countSatisfies, hasTag, planRule, type CompileContext } from "./compile";
import { parseRule, type Condition, type ProductTarget, type Rule } from "./rule";

/**
 * Customers per page of the page walk. Prisma refuses a statement with more than
 * 999 bound parameters on SQLite, and a page's statements carry customer ids: the
 * page itself is an id range (two parameters), but each page condition's answer
 * is a list of ids, so a rule with k page conditions gets pages of at most
 * MAX_ID_PARAMS / k customers (see pageSizeFor).
 */
export const PAGE_SIZE = 800;
const MAX_ID_PARAMS = 800;
export const MAX_SAMPLE = 100;

export type SegmentOptions = { db?: Database; now?: Date; /** customers per page of the page walk (tests use small pages) */ pageSize?: number };

/** A rule (or a segment's name) that failed validation: `errors` are readable by the merchant. */
export class SegmentRuleError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid segment rule: ${errors.join("; ")}`);
    this.name = "SegmentRuleError";
  }
}

/** No such segment in this shop (another shop's id reads the same as a missing one). */
export class SegmentNotFoundError extends Error {
  constructor(readonly shopId: string, readonly segmentId: string, kind = "segment") {
    super(`no ${kind} ${segmentId} in ${shopId}`);
    this.name = "SegmentNotFoundError";
  }
}

/** A built-in segment asked to do what only merchant segments do (be deleted, be edited). */
export class BuiltinSegmentError extends Error {
  constructor(readonly key: string, action: string) {
    super(`“${key}” is a built-in segment: it cannot be ${action}`);
    this.name = "BuiltinSegmentError";
  }
}

export function validRule(input: unknown): Rule {
  const result = parseRule(input);
  if (!result.ok) throw new SegmentRuleError(result.errors);
  return result.rule;
}

/** A rule ready to query: its product sets resolved, and whether it needs the page walk. */
export type Prepared = { rule: Rule; ctx: CompileContext; pageConditions: Array<{ key: string; condition: Condition }>; pageSize: number };

export async function prepare(db: Database, shopId: string, input: unknown, now: Date, pageSize = PAGE_SIZE): Promise<Prepared> {
  const rule = validRule(input);
  const { productTargets, pageConditions } = planRule(rule);
  const productIds = new Map<string, string[]>();
  if (productTargets.length > 0) {
    const sets = await resolveProductTargets(db, shopId, productTargets.map((t) => t.target));
    productTargets.forEach((t, i) => productIds.set(t.key, sets[i]!));
  }
  return { rule, ctx: { shopId, now, productIds }, pageConditions, pageSize: pageSizeFor(pageConditions.length, pageSize) };
}

/** The page size a rule with `pageConditions` page conditions can use (see PAGE_SIZE). */
export function pageSizeFor(pageConditions: number, requested = PAGE_SIZE): number {
  return Math.max(1, Math.min(requested, Math.floor(MAX_ID_PARAMS / Math.max(1, pageConditions))));
}

/** A page of the walk: the customers of the shop with ids in (after, last]. */
export type Page = { after?: string; last: string };

/** A page as a filter on Customer: two parameters, however many customers it holds. */
export function pageRange(shopId: string, page: Page): { shopId: string; id: { gt?: string; lte: string } } {
  return { shopId, id: page.after === undefined ? { lte: page.last } : { gt: page.after, lte: page.last } };
}

type CatalogTarget = Exclude<ProductTarget, { kind: "product" }>;
export type CatalogRow = { shopifyId: string; productType: string; tags: string; collections: Prisma.JsonValue | null };

/** Whether a product belongs to a product type, collection or product tag, ignoring case. */
export function productMatches(target: CatalogTarget, p: CatalogRow): boolean {
  const value = target.value.trim().toLowerCase();
  return target.kind === "productType" ? p.productType.trim().toLowerCase() === value
    : target.kind === "productTag" ? hasTag(p.tags, value)
    : collectionNames(p.collections).includes(value);
}

export const CATALOG_SELECT = { id: true, shopifyId: true, productType: true, tags: true, collections: true } as const;

/**
 * The Shopify product ids each target covers. The catalog is read in pages of
 * plain fields and matched here, ignoring case the same way on both databases
 * (and Product.collections is JSON, which the two databases filter differently).
 */
async function resolveProductTargets(db: Database, shopId: string, targets: CatalogTarget[]): Promise<string[][]> {
  const sets = targets.map(() => [] as string[]);
  let after: string | undefined;
  for (;;) {
    const products = await db.product.findMany({
      where: { shopId, ...(after === undefined ? {} : { id: { gt: after } }) },
      select: CATALOG_SELECT,
      orderBy: { id: "asc" },
      take: PAGE_SIZE,
    });
    for (const p of products) targets.forEach((target, i) => productMatches(target, p) && sets[i]!.push(p.shopifyId));
    if (products.length < PAGE_SIZE) return sets;
    after = products[products.length - 1]!.id;
  }
}

/** Lower-cased ids, handles and titles of a product's collections ([{ id, handle, title }]). */
function collectionNames(collections: Prisma.JsonValue | null): string[] {
  if (!Array.isArray(collections)) return [];
  const names: string[] = [];
  for (const c of collections) {
    if (typeof c !== "object" || c === null || Array.isArray(c)) continue;
    for (const field of ["id", "handle", "title"]) {
      const v = (c as Record<string, unknown>)[field];
      if (typeof v === "string" || typeof v === "number") names.push(String(v).trim().toLowerCase());
    }
    const id = (c as Record<string, unknown>).id;
    if (typeof id === "string") names.push(id.replace(/^gid:\/\/shopify\/Collection\//, "").toLowerCase());
  }
  return names;
}

/**
 * The where for one page: the page's answers to each page condition, then the
 * compiled rule. Page conditions are decided for the page's customers that a
 * rule can match (not deleted or erased): at most one page of ids per list.
 */
export async function pageWhere(db: Database, p: Prepared, page: Page): Promise<Prisma.CustomerWhereInput> {
  const range = pageRange(p.ctx.shopId, page);
  const candidates = await db.customer.findMany({ where: { ...range, deletedAt: null, redactedAt: null }, select: { id: true, tags: true } });
  const pageMatches = new Map<string, string[]>();
  for (const { key, condition } of p.pageConditions) {
    if (condition.type === "tag") {
      pageMatches.set(key, candidates.filter((c) => hasTag(c.tags, condition.tag) === (condition.op === "has")).map((c) => c.id));
    } else if (condition.type === "activity") {
      const counts = await countEvents(db, condition, p.ctx, range.id);
      pageMatches.set(key, candidates.filter((c) => countSatisfies(condition, counts.get(c.id) ?? 0)).map((c) => c.id));
    } else {
      throw new Error(`segment rule: ${condition.type} is not a page condition`);
    }
  }
  const where: Prisma.CustomerWhereInput = compile(p.rule, { ...p.ctx, pageMatches });
  return { AND: [range, where] };
}

/** Matching events per customer of the page's id range: one groupBy, at most a page of rows back. */
async function countEvents(
  db: Database,
  condition: Extract<Condition, { type: "activity" }>,
  ctx: CompileContext,
  customerId: { gt?: string; lte: string },
): Promise<Map<string, number>> {
  const events = activityWhere(condition, ctx.shopId, ctx.now);
  const rows =
    events.model === "order"
      ? await db.order.groupBy({ by: ["customerId"], where: { ...events.where, customerId }, _count: { _all: true } })
      : await db.browseEvent.groupBy({ by: ["customerId"], where: { ...events.where, customerId }, _count: { _all: true } });
  const counts = new Map<string, number>();
  for (const row of rows) if (row.customerId !== null) counts.set(row.customerId, row._count._all);
  return counts;
}

/**
 * The shop's customers in id order, a page of `pageSize` at a time, as id
 * ranges: each page costs one lookup of its last id (an index step over
 * pageSize entries), not pageSize rows. `everyone` counts deleted and erased
 * customers too (evaluation must see them leave); otherwise a range may also
 * hold some of those, which every compiled rule excludes.
 */
export async function* customerPages(db: Database, shopId: string, pageSize: number, everyone = false): AsyncGenerator<Page> {
  const scope: Prisma.CustomerWhereInput = everyone ? { shopId } : baseWhere(shopId);
  let after: string | undefined;
  for (;;) {
    const where: Prisma.CustomerWhereInput = { AND: [scope, after === undefined ? {} : { id: { gt: after } }] };
    const boundary = await db.customer.findFirst({ where, select: { id: true }, orderBy: { id: "asc" }, skip: pageSize - 1 });
    const last = boundary ?? (await db.customer.findFirst({ where, select: { id: true }, orderBy: { id: "desc" } }));
    if (!last) return;
    yield { after, last: last.id };
    if (!boundary) return;
    after = last.id;
  }
}
