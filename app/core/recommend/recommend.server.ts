// The shell of product recommendations.
//   buildShopModel(shopId)                          co-purchase, popularity (overall, per category,
//                                                   per lifecycle segment) and the catalog, read in pages
//   recommendFor(shopId, customerId, {block, k})    one recipient's block, checked against the live catalog
// The model is cached per shop for a few minutes (it changes slowly); stock and
// publication are re-read for the chosen products on every call, so a product
// that sold out a minute ago is never recommended. Every query is scoped by shop.
import prisma, { type Database } from "../../db.server";
import { BLOCK_TYPES, buildBlock, isRecommendable, type BlockItem, type BlockType, type CatalogProduct, type CustomerContext, type ShopModel } from "./blocks";
import { CoPurchaseBuilder, DEFAULT_COPURCHASE, type CoPurchaseOptions } from "./copurchase";
import { popularity, popularityByCategory, rank } from "./popularity";
import { DAY_MS, type BlendOptions } from "./recommend";

export class RecommendInputError extends Error {}

export const DEFAULT_PAGE_SIZE = 500;
/** Orders older than this do not train the model: tastes and catalogs move (the install backfill reads 365 days). */
export const DEFAULT_SINCE_DAYS = 365;
/** Product views that count for the viewed block. */
export const DEFAULT_VIEW_DAYS = 30;
export const DEFAULT_MODEL_MAX_AGE_MS = 10 * 60_000;

/** Orders that count: not cancelled, not test orders. */
const counted = { cancelledAt: null, test: false } as const;
const IN_CHUNK = 500;

export interface ShopModelOptions {
  db?: Database;
  now?: Date;
  pageSize?: number;
  sinceDays?: number;
  copurchase?: Partial<CoPurchaseOptions>;
}

export interface BuiltShopModel extends ShopModel {
  shopId: string;
  orders: number;
  builtAt: number;
}

export async function buildShopModel(shopId: string, options: ShopModelOptions = {}): Promise<BuiltShopModel> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const since = new Date(now.getTime() - (options.sinceDays ?? DEFAULT_SINCE_DAYS) * DAY_MS);
  const builder = new CoPurchaseBuilder({ ...DEFAULT_COPURCHASE, ...options.copurchase });
  const segmentCounts = new Map<string, Map<string, number>>();
  let orders = 0;
  for (let cursor = ""; ; ) {
    const page = await db.order.findMany({
      where: { shopId, ...counted, shopifyCreatedAt: { gte: since, lte: now }, id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: pageSize,
      select: {
        id: true,
        lineItems: { where: { productShopifyId: { not: null } }, select: { productShopifyId: true } },
        customer: { select: { profile: { select: { lifecycleStage: true } } } },
      },
    });
    if (page.length === 0) break;
    cursor = page.at(-1)!.id;
    for (const o of page) {
      const products = [...new Set(o.lineItems.map((li) => li.productShopifyId!))];
      if (products.length === 0) continue;
      orders++;
      builder.add(products);
      const stage = o.customer?.profile?.lifecycleStage;
      if (!stage) continue;
      let counts = segmentCounts.get(stage);
      if (!counts) segmentCounts.set(stage, (counts = new Map()));
      for (const p of products) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const copurchase = builder.build();
  const catalog = await loadCatalog(db, shopId, pageSize);
  const ranking = popularity(copurchase);
  return {
    shopId,
    orders,
    builtAt: now.getTime(),
    copurchase,
    popularity: ranking,
    byCategory: popularityByCategory(ranking, (id) => catalog.get(id)?.category || undefined),
    bySegment: new Map([...segmentCounts].map(([stage, counts]) => [stage, rank(counts)])),
    catalog,
  };
}

const catalogSelect = {
  id: true,
  shopifyId: true,
  title: true,
  productType: true,
  status: true,
  publishedAt: true,
  shopifyCreatedAt: true,
  totalInventory: true,
  deletedAt: true,
  variants: { select: { available: true } },
} as const;

type CatalogRow = {
  shopifyId: string;
  title: string;
  productType: string;
  status: string;
  publishedAt: Date | null;
  shopifyCreatedAt: Date | null;
  totalInventory: number | null;
  deletedAt: Date | null;
  variants: Array<{ available: boolean }>;
};

export function toCatalogProduct(row: CatalogRow): CatalogProduct {
  // A variant knows its own stock policy; without variants, the product's inventory (null: untracked).
  const available = row.variants.length > 0 ? row.variants.some((v) => v.available) : row.totalInventory === null || row.totalInventory > 0;
  return {
    productId: row.shopifyId,
    title: row.title,
    category: row.productType.trim(),
    status: row.status,
    publishedAt: row.publishedAt?.getTime() ?? null,
    arrivedAt: (row.publishedAt ?? row.shopifyCreatedAt)?.getTime() ?? null,
    available,
    deleted: row.deletedAt !== null,
  };
}

async function loadCatalog(db: Database, shopId: string, pageSize: number): Promise<Map<string, CatalogProduct>> {
  const catalog = new Map<string, CatalogProduct>();
  for (let cursor = ""; ; ) {
    const page = await db.product.findMany({ where: { shopId, deletedAt: null, id: { gt: cursor } }, orderBy: { id: "asc" }, take: pageSize, select: catalogSelect });
    if (page.length === 0) break;
    cursor = page.at(-1)!.id;
    for (const row of page) catalog.set(row.shopifyId, toCatalogProduct(row));
  }
  return catalog;
}

/** One customer's purchases, latest abandoned cart, recent product views and segment; null when the shop has no such customer. */
export async function loadCustomerContext(db: Database, shopId: string, customerId: string, now: Date, viewDays = DEFAULT_VIEW_DAYS): Promise<CustomerContext | null> {
  const customer = await db.customer.findFirst({ where: { id: customerId, shopId, deletedAt: null }, select: { profile: { select: { lifecycleStage: true } } } });
  if (!customer) return null;
  const [orders, checkout, views] = await Promise.all([
    db.order.findMany({
      where: { shopId, customerId, ...counted },
      select: { shopifyCreatedAt: true, lineItems: { where: { productShopifyId: { not: null } }, select: { productShopifyId: true } } },
    }),
    db.checkout.findFirst({
      where: { shopId, customerId, completedAt: null },
      orderBy: [{ shopifyUpdatedAt: "desc" }, { id: "desc" }],
      select: { lineItems: true },
    }),
    db.browseEvent.groupBy({
      by: ["productShopifyId"],
      where: { shopId, customerId, type: "product_viewed", productShopifyId: { not: null }, occurredAt: { gte: new Date(now.getTime() - viewDays * DAY_MS), lte: now } },
      _count: { _all: true },
      _max: { occurredAt: true },
    }),
  ]);
  return {
    purchases: orders.flatMap((o) => o.lineItems.map((li) => ({ productId: li.productShopifyId!, at: o.shopifyCreatedAt.getTime() }))),
    cart: cartProducts(checkout?.lineItems),
    views: views.map((v) => ({ productId: v.productShopifyId!, count: v._count._all, lastAt: v._max.occurredAt?.getTime() ?? 0 })),
    segment: customer.profile?.lifecycleStage ?? null,
  };
}

/** Product ids of a checkout's stored line items (JSON written by the ingest; read defensively). */
export function cartProducts(lineItems: unknown): string[] {
  if (!Array.isArray(lineItems)) return [];
  const out: string[] = [];
  for (const li of lineItems) {
    const id = (li as { productShopifyId?: unknown } | null)?.productShopifyId;
    if (typeof id === "string" && id !== "") out.push(id);
    else if (typeof id === "number" && Number.isSafeInteger(id)) out.push(String(id));
  }
  return out;
}

export interface RecommendedProduct extends BlockItem {
  title: string;
  handle: string;
  url: string | null;
  imageUrl: string | null;
  /** Lowest variant price, minor units. */
  price: number;
  currency: string;
}

export interface RecommendForOptions {
  block: BlockType;
  k: number;
  db?: Database;
  now?: Date;
  /** A model built by buildShopModel for this shop; otherwise the cached one (rebuilt when older than modelMaxAgeMs). */
  model?: BuiltShopModel;
  modelMaxAgeMs?: number;
  blend?: Partial<BlendOptions>;
  newWithinDays?: number;
}

type Cache = Map<string, Promise<BuiltShopModel>>;
const caches = new WeakMap<Database, Cache>();

/** The shop's model, built at most every maxAgeMs per database client. */
export async function shopModel(shopId: string, options: { db?: Database; now?: Date; maxAgeMs?: number } = {}): Promise<BuiltShopModel> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const cached = cache.get(shopId);
  if (cached) {
    const model = await cached.catch(() => null);
    if (model && Math.abs(now.getTime() - model.builtAt) <= (options.maxAgeMs ?? DEFAULT_MODEL_MAX_AGE_MS)) return model;
    if (cache.get(shopId) !== cached) return shopModel(shopId, options); // another call is rebuilding it
  }
  const building = buildShopModel(shopId, { db, now });
  cache.set(shopId, building);
  building.catch(() => cache.delete(shopId));
  return building;
}

/** Drops a shop's cached model (after an import, or when the shop is erased). */
export function forgetShopModel(shopId: string, db: Database = prisma): void {
  caches.get(db)?.delete(shopId);
}

/**
 * One block of products for one customer (Customer.id) of a shop. Throws
 * RecommendInputError for an unknown block, a bad k, or a customer the shop does
 * not have (another shop's customer included).
 */
export async function recommendFor(shopId: string, customerId: string, options: RecommendForOptions): Promise<RecommendedProduct[]> {
  const { block, k } = options;
  if (!(BLOCK_TYPES as readonly string[]).includes(block)) throw new RecommendInputError(`unknown block "${String(block)}" (blocks: ${BLOCK_TYPES.join(", ")})`);
  if (!Number.isInteger(k) || k < 1 || k > 50) throw new RecommendInputError(`k must be a whole number from 1 to 50, got ${String(k)}`);
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  if (options.model && options.model.shopId !== shopId) throw new RecommendInputError(`the model given is ${options.model.shopId}'s, not ${shopId}'s`);
  const context = await loadCustomerContext(db, shopId, customerId, now);
  if (!context) throw new RecommendInputError(`shop ${shopId} has no customer ${customerId}`);
  const model = options.model ?? (await shopModel(shopId, { db, now, maxAgeMs: options.modelMaxAgeMs }));
  // Ask for more than k: some may have sold out or been unpublished since the model was built.
  const candidates = buildBlock(model, context, block, { k: Math.max(3 * k, k + 10), now: now.getTime(), blend: options.blend, newWithinDays: options.newWithinDays });
  const live = await liveProducts(db, shopId, candidates.map((c) => c.productId));
  const out: RecommendedProduct[] = [];
  for (const c of candidates) {
    const row = live.get(c.productId);
    if (!row || !isRecommendable(toCatalogProduct(row), now.getTime())) continue;
    out.push({ ...c, title: row.title, handle: row.handle, url: row.url, imageUrl: row.imageUrl, price: row.priceMin, currency: row.currency });
    if (out.length === k) break;
  }
  return out;
}

async function liveProducts(db: Database, shopId: string, ids: string[]) {
  const out = new Map<string, CatalogRow & { handle: string; url: string | null; imageUrl: string | null; priceMin: number; currency: string }>();
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    const rows = await db.product.findMany({
      where: { shopId, shopifyId: { in: ids.slice(i, i + IN_CHUNK) } },
      select: { ...catalogSelect, handle: true, url: true, imageUrl: true, priceMin: true, currency: true },
    });
    for (const r of rows) out.set(r.shopifyId, r);
  }
  return out;
}
