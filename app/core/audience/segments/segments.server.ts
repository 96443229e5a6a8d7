// Merchant segments against the database: live count and sample while editing,
// save, and evaluation into SegmentMembership + SegmentTransition. Every query is
// scoped by shop; customers are never all loaded: a rule without page conditions
// is one query, and one with them walks the shop's customers in pages of
// PAGE_SIZE ids (see compile.ts).
import type { Prisma } from "@prisma/client";
import defaultDb, { type Database } from "~/db.server";
import { currencyExponent } from "~/core/ingest/money";
import {
  activityWhere,
  baseWhere,
  compile,
  countSatisfies,
  hasTag,
  planRule,
  type CompileContext,
} from "./compile";
import { describe } from "./describe";
import { parseRule, type Condition, type ProductTarget, type Rule } from "./rule";

export const PAGE_SIZE = 1000;
export const MAX_SAMPLE = 100;

export type SegmentOptions = { db?: Database; now?: Date; /** customers per page of the page walk (tests use small pages) */ pageSize?: number };

/** A rule that failed validation: `errors` are readable by the merchant. */
export class SegmentRuleError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid segment rule: ${errors.join("; ")}`);
    this.name = "SegmentRuleError";
  }
}

export type MemberSample = { id: string; shopifyId: string; email: string | null; firstName: string | null; lastName: string | null };

function validRule(input: unknown): Rule {
  const result = parseRule(input);
  if (!result.ok) throw new SegmentRuleError(result.errors);
  return result.rule;
}

/** A rule ready to query: its product sets resolved, and whether it needs the page walk. */
type Prepared = { rule: Rule; ctx: CompileContext; pageConditions: Array<{ key: string; condition: Condition }>; pageSize: number };

async function prepare(db: Database, shopId: string, input: unknown, now: Date, pageSize = PAGE_SIZE): Promise<Prepared> {
  const rule = validRule(input);
  const { productTargets, pageConditions } = planRule(rule);
  const productIds = new Map<string, string[]>();
  if (productTargets.length > 0) {
    const sets = await resolveProductTargets(db, shopId, productTargets.map((t) => t.target));
    productTargets.forEach((t, i) => productIds.set(t.key, sets[i]!));
  }
  return { rule, ctx: { shopId, now, productIds }, pageConditions, pageSize };
}

/**
 * The Shopify product ids each target covers. The catalog is read in pages of
 * plain fields and matched here, ignoring case the same way on both databases
 * (and Product.collections is JSON, which the two databases filter differently).
 */
async function resolveProductTargets(db: Database, shopId: string, targets: Exclude<ProductTarget, { kind: "product" }>[]): Promise<string[][]> {
  const sets = targets.map(() => [] as string[]);
  const wanted = targets.map((t) => t.value.trim().toLowerCase());
  let after: string | undefined;
  for (;;) {
    const products = await db.product.findMany({
      where: { shopId, ...(after === undefined ? {} : { id: { gt: after } }) },
      select: { id: true, shopifyId: true, productType: true, tags: true, collections: true },
      orderBy: { id: "asc" },
      take: PAGE_SIZE,
    });
    for (const p of products) {
      targets.forEach((target, i) => {
        const value = wanted[i]!;
        const hit =
          target.kind === "productType" ? p.productType.trim().toLowerCase() === value
          : target.kind === "productTag" ? hasTag(p.tags, value)
          : collectionNames(p.collections).includes(value);
        if (hit) sets[i]!.push(p.shopifyId);
      });
    }
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

/** The where for one page of customer ids: the page's answers to each page condition, then the compiled rule. */
async function pageWhere(db: Database, p: Prepared, pageIds: string[]): Promise<Prisma.CustomerWhereInput> {
  const pageMatches = new Map<string, string[]>();
  let tags: Map<string, string> | undefined;
  for (const { key, condition } of p.pageConditions) {
    if (condition.type === "tag") {
      tags ??= new Map(
        (await db.customer.findMany({ where: { id: { in: pageIds } }, select: { id: true, tags: true } })).map((c) => [c.id, c.tags]),
      );
      const has = (id: string) => hasTag(tags!.get(id) ?? "", condition.tag);
      pageMatches.set(key, pageIds.filter((id) => (condition.op === "has" ? has(id) : !has(id))));
    } else if (condition.type === "activity") {
      const counts = await countEvents(db, condition, p.ctx, pageIds);
      pageMatches.set(key, pageIds.filter((id) => countSatisfies(condition, counts.get(id) ?? 0)));
    } else {
      throw new Error(`segment rule: ${condition.type} is not a page condition`);
    }
  }
  const where: Prisma.CustomerWhereInput = compile(p.rule, { ...p.ctx, pageMatches });
  return { AND: [{ id: { in: pageIds } }, where] };
}

/** Matching events per customer of the page: one groupBy, at most PAGE_SIZE rows back. */
async function countEvents(
  db: Database,
  condition: Extract<Condition, { type: "activity" }>,
  ctx: CompileContext,
  pageIds: string[],
): Promise<Map<string, number>> {
  const events = activityWhere(condition, ctx.shopId, ctx.now);
  const rows =
    events.model === "order"
      ? await db.order.groupBy({ by: ["customerId"], where: { ...events.where, customerId: { in: pageIds } }, _count: { _all: true } })
      : await db.browseEvent.groupBy({ by: ["customerId"], where: { ...events.where, customerId: { in: pageIds } }, _count: { _all: true } });
  const counts = new Map<string, number>();
  for (const row of rows) if (row.customerId !== null) counts.set(row.customerId, row._count._all);
  return counts;
}

/**
 * Pages of the shop's customer ids in id order (keyset: `id > last`). `everyone`
 * includes deleted and erased customers (evaluation must see them leave).
 */
async function* customerPages(db: Database, shopId: string, pageSize: number, everyone = false): AsyncGenerator<string[]> {
  let after: string | undefined;
  const scope: Prisma.CustomerWhereInput = everyone ? { shopId } : baseWhere(shopId);
  for (;;) {
    const rows = await db.customer.findMany({
      where: { AND: [scope, after === undefined ? {} : { id: { gt: after } }] },
      select: { id: true },
      orderBy: { id: "asc" },
      take: pageSize,
    });
    if (rows.length > 0) yield rows.map((r) => r.id);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** How many of the shop's customers the rule matches now. */
export async function countMembers(shopId: string, rule: unknown, options: SegmentOptions = {}): Promise<number> {
  const db = options.db ?? defaultDb;
  const p = await prepare(db, shopId, rule, options.now ?? new Date(), options.pageSize);
  if (p.pageConditions.length === 0) return db.customer.count({ where: compile(p.rule, p.ctx) });
  let total = 0;
  for await (const pageIds of customerPages(db, shopId, p.pageSize)) total += await db.customer.count({ where: await pageWhere(db, p, pageIds) });
  return total;
}

const SAMPLE_SELECT = { id: true, shopifyId: true, email: true, firstName: true, lastName: true } as const;

/** Up to n (≤ 100) members, in a stable order (customer id), for the builder's preview. */
export async function sampleMembers(shopId: string, rule: unknown, n: number, options: SegmentOptions = {}): Promise<MemberSample[]> {
  const db = options.db ?? defaultDb;
  const take = Math.max(0, Math.min(MAX_SAMPLE, Math.floor(n)));
  if (take === 0) return [];
  const p = await prepare(db, shopId, rule, options.now ?? new Date(), options.pageSize);
  if (p.pageConditions.length === 0) {
    return db.customer.findMany({ where: compile(p.rule, p.ctx), select: SAMPLE_SELECT, orderBy: { id: "asc" }, take });
  }
  const out: MemberSample[] = [];
  for await (const pageIds of customerPages(db, shopId, p.pageSize)) {
    out.push(...(await db.customer.findMany({ where: await pageWhere(db, p, pageIds), select: SAMPLE_SELECT, orderBy: { id: "asc" }, take: take - out.length })));
    if (out.length >= take) break;
  }
  return out;
}

/** "VIP buyers!" → "vip-buyers" (ASCII letters and digits; "segment" when nothing is left). */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug === "" ? "segment" : slug;
}

export function moneyFormatter(currency: string): (minor: number) => string {
  const exponent = currencyExponent(currency);
  try {
    const format = new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: 0, maximumFractionDigits: exponent });
    return (minor) => format.format(minor / 10 ** exponent);
  } catch {
    return (minor) => `${(minor / 10 ** exponent).toFixed(exponent)} ${currency}`;
  }
}

export type SaveSegmentInput = { name: string; rule: unknown; /** update this custom segment instead of creating one */ id?: string };

/** Validates and stores a merchant segment (kind "custom"), with its description in words and current size. */
export async function saveSegment(shopId: string, input: SaveSegmentInput, options: SegmentOptions = {}) {
  const db = options.db ?? defaultDb;
  const name = input.name.trim();
  if (name === "" || name.length > 100) throw new SegmentRuleError(["the segment needs a name of 1 to 100 characters"]);
  const rule = validRule(input.rule);
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { currency: true } });
  if (!shop) throw new Error(`unknown shop ${shopId}`);
  const description = describe(rule, { formatMoney: moneyFormatter(shop.currency) });
  const size = await countMembers(shopId, rule, options);
  const data = { name, definition: rule as unknown as Prisma.InputJsonValue, description, size };
  if (input.id !== undefined) {
    const existing = await db.segment.findFirst({ where: { id: input.id, shopId, kind: "custom" }, select: { id: true } });
    if (!existing) throw new Error(`no custom segment ${input.id} in ${shopId}`);
    return db.segment.update({ where: { id: existing.id }, data });
  }
  const base = slugify(name);
  const taken = new Set(
    (await db.segment.findMany({ where: { shopId, key: { startsWith: base } }, select: { key: true } })).map((s) => s.key),
  );
  let key = base;
  for (let i = 2; taken.has(key); i++) key = `${base}-${i}`;
  return db.segment.create({ data: { shopId, key, kind: "custom", ...data } });
}

export type Evaluation = { size: number; entered: number; left: number };

/**
 * Brings a custom segment's memberships up to date, a page of customers at a
 * time (one transaction per page): customers who now match and were not members
 * enter, members who no longer match (or were deleted or erased) leave; each
 * change is a SegmentTransition at `now`.
 */
export async function evaluateSegment(shopId: string, segmentId: string, options: SegmentOptions = {}): Promise<Evaluation> {
  const db = options.db ?? defaultDb;
  const now = options.now ?? new Date();
  const segment = await db.segment.findFirst({ where: { id: segmentId, shopId }, select: { id: true, kind: true, definition: true } });
  if (!segment) throw new Error(`no segment ${segmentId} in ${shopId}`);
  if (segment.kind !== "custom") throw new Error(`segment ${segmentId} is ${segment.kind}: only custom segments are evaluated from a rule`);
  const p = await prepare(db, shopId, segment.definition, now, options.pageSize);
  const result: Evaluation = { size: 0, entered: 0, left: 0 };
  for await (const pageIds of customerPages(db, shopId, p.pageSize, true)) {
    const where = p.pageConditions.length > 0 ? await pageWhere(db, p, pageIds) : { AND: [{ id: { in: pageIds } }, compile(p.rule, p.ctx)] };
    const matching = new Set((await db.customer.findMany({ where, select: { id: true } })).map((c) => c.id));
    const members = new Set(
      (await db.segmentMembership.findMany({ where: { segmentId, customerId: { in: pageIds } }, select: { customerId: true } })).map((m) => m.customerId),
    );
    const entered = [...matching].filter((id) => !members.has(id));
    const left = [...members].filter((id) => !matching.has(id));
    result.size += matching.size;
    result.entered += entered.length;
    result.left += left.length;
    if (entered.length === 0 && left.length === 0) continue;
    await db.$transaction(async (tx) => {
      if (left.length > 0) await tx.segmentMembership.deleteMany({ where: { segmentId, customerId: { in: left } } });
      if (entered.length > 0) await tx.segmentMembership.createMany({ data: entered.map((customerId) => ({ shopId, segmentId, customerId, enteredAt: now })) });
      await tx.segmentTransition.createMany({
        data: [
          ...entered.map((customerId) => ({ shopId, segmentId, customerId, kind: "entered", at: now })),
          ...left.map((customerId) => ({ shopId, segmentId, customerId, kind: "left", at: now })),
        ],
      });
    });
  }
  await db.segment.update({ where: { id: segment.id }, data: { size: result.size } });
  return result;
}
