// Merchant segments against the database: live count and sample while editing,
// save (with reserved keys) and delete; the module the rest of the app imports,
// re-exporting evaluation (evaluate.server.ts), trends (trend.server.ts) and the
// model-backed parser (llm-parser.server.ts). Every query is scoped by shop;
// customers are never all loaded: a rule without page conditions is one query,
// and one with them walks the shop's customers in pages of PAGE_SIZE ids (see
// compile.ts and query.server.ts).
import type { Prisma } from "@prisma/client";
import defaultDb, { isUniqueViolation } from "~/db.server";
import { currencyExponent } from "~/core/ingest/money";
import { SEGMENT_KEYS } from "~/core/audience/profiles/lifecycle";
import { compile } from "./compile";
import { describe } from "./describe";
import { evaluateSegment } from "./evaluate.server";
import {
  BuiltinSegmentError,
  customerPages,
  MAX_SAMPLE,
  pageWhere,
  prepare,
  SegmentNotFoundError,
  SegmentRuleError,
  validRule,
  type SegmentOptions,
} from "./query.server";

export { PAGE_SIZE, MAX_SAMPLE, SegmentRuleError, SegmentNotFoundError, BuiltinSegmentError, type SegmentOptions } from "./query.server";
export { evaluateSegment, evaluateShopSegments, type Evaluation, type ShopEvaluation } from "./evaluate.server";
export { evaluateCustomerSegments, IN_MEMORY_ROWS, type CustomerSegmentOptions } from "./evaluate-customer.server";
export { segmentTrend, MAX_TREND_DAYS, GROUPED_LIMIT, type TrendPoint, type TrendOptions } from "./trend.server";
export { segmentParser, OpenAISegmentParser } from "./llm-parser.server";

export type MemberSample = { id: string; shopifyId: string; email: string | null; firstName: string | null; lastName: string | null };

/** How many of the shop's customers the rule matches now. */
export async function countMembers(shopId: string, rule: unknown, options: SegmentOptions = {}): Promise<number> {
  const db = options.db ?? defaultDb;
  const p = await prepare(db, shopId, rule, options.now ?? new Date(), options.pageSize);
  if (p.pageConditions.length === 0) return db.customer.count({ where: compile(p.rule, p.ctx) });
  let total = 0;
  for await (const page of customerPages(db, shopId, p.pageSize)) total += await db.customer.count({ where: await pageWhere(db, p, page) });
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
  for await (const page of customerPages(db, shopId, p.pageSize)) {
    out.push(...(await db.customer.findMany({ where: await pageWhere(db, p, page), select: SAMPLE_SELECT, orderBy: { id: "asc" }, take: take - out.length })));
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

/** Keys only built-in segments may hold: a merchant segment named "At risk" gets "at-risk-2". */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(SEGMENT_KEYS);

/** The first of slug, slug-2, slug-3… that is neither taken nor reserved. */
export function freeKey(base: string, taken: ReadonlySet<string>): string {
  let key = base;
  for (let i = 2; taken.has(key) || RESERVED_KEYS.has(key); i++) key = `${base}-${i}`;
  return key;
}

export const MAX_NAME_LENGTH = 80;

/** A segment's name: whitespace (and control characters) collapsed, trimmed, 1..80 characters. */
export function segmentName(input: unknown): string {
  const name = typeof input === "string" ? input.replace(/[\s\p{Cc}]+/gu, " ").trim() : "";
  if (name === "") throw new SegmentRuleError(["the segment needs a name"]);
  if ([...name].length > MAX_NAME_LENGTH) throw new SegmentRuleError([`the name must be at most ${MAX_NAME_LENGTH} characters (it has ${[...name].length})`]);
  return name;
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

/**
 * Validates and stores a merchant segment (kind "custom") with its description
 * in words, then evaluates it: its members are stored and their entering
 * recorded, so its size, the per-customer updates and its trend start from the
 * truth. A new segment's key is a slug of its name that no built-in segment and
 * no other segment of the shop holds; renaming keeps the key.
 */
export async function saveSegment(shopId: string, input: SaveSegmentInput, options: SegmentOptions = {}) {
  const db = options.db ?? defaultDb;
  const name = segmentName(input.name);
  const rule = validRule(input.rule);
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { currency: true } });
  if (!shop) throw new Error(`unknown shop ${shopId}`);
  const description = describe(rule, { formatMoney: moneyFormatter(shop.currency) });
  const data = { name, definition: rule as unknown as Prisma.InputJsonValue, description };
  let id: string;
  if (input.id !== undefined) {
    const existing = await db.segment.findFirst({ where: { id: input.id, shopId }, select: { id: true, key: true, kind: true } });
    if (!existing) throw new SegmentNotFoundError(shopId, input.id, "custom segment");
    if (existing.kind !== "custom") throw new BuiltinSegmentError(existing.key, "edited");
    id = (await db.segment.update({ where: { id: existing.id }, data, select: { id: true } })).id;
  } else {
    id = await createWithFreeKey(shopId, slugify(name), data, options);
  }
  await evaluateSegment(shopId, id, options);
  return db.segment.findUniqueOrThrow({ where: { id } });
}

/** Creates the row under the first free key; a concurrent save that took it first makes us try the next. */
async function createWithFreeKey(shopId: string, base: string, data: { name: string; definition: Prisma.InputJsonValue; description: string }, options: SegmentOptions) {
  const db = options.db ?? defaultDb;
  for (let attempt = 1; ; attempt++) {
    const taken = new Set((await db.segment.findMany({ where: { shopId, key: { startsWith: base } }, select: { key: true } })).map((s) => s.key));
    try {
      return (await db.segment.create({ data: { shopId, key: freeKey(base, taken), kind: "custom", ...data }, select: { id: true } })).id;
    } catch (error) {
      if (attempt >= 3 || !isUniqueViolation(error)) throw error;
    }
  }
}

/**
 * Deletes a merchant segment with its memberships and transitions (cascade).
 * Built-in segments cannot be deleted; another shop's id is not found.
 */
export async function deleteSegment(shopId: string, id: string, options: Pick<SegmentOptions, "db"> = {}): Promise<{ key: string }> {
  const db = options.db ?? defaultDb;
  const segment = await db.segment.findFirst({ where: { id, shopId }, select: { key: true, kind: true } });
  if (!segment) throw new SegmentNotFoundError(shopId, id);
  if (segment.kind !== "custom") throw new BuiltinSegmentError(segment.key, "deleted");
  // Scoped again in the delete itself: nothing but this shop's custom row can go.
  const { count } = await db.segment.deleteMany({ where: { id, shopId, kind: "custom" } });
  if (count === 0) throw new SegmentNotFoundError(shopId, id);
  return { key: segment.key };
}
