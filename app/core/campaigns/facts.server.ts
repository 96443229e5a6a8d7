// What copy and rendering are built from, read from the shop's own data: the
// shop's facts and brand (settings: voice, sender, footer address), and the
// catalog facts of the products an email may name (the plan's product, the
// shop's popular products, its new arrivals). Every query is scoped by shop.
import type { Database } from "../../db.server";
import type { CatalogProduct, ShopFactsInput } from "../content/facts";
import type { Plan, PlanStep } from "../flows/plan";
import { isRecommendable } from "../recommend/blocks";
import { shopModel, toCatalogProduct } from "../recommend/recommend.server";
import type { BrandInput } from "../render/theme";
import { getSettings } from "../settings/settings.server";
import type { EffectiveSettings } from "../settings/settings";
import { CampaignError } from "./types";

/** Products an email names when it shows popular products or new arrivals. */
export const FACT_PRODUCTS = 3;
/** Titles checked against copy ("names a product that is not this email's"): enough for most catalogs, bounded for the rest. */
export const MAX_OTHER_TITLES = 1_000;

const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export interface ShopContext {
  shopId: string;
  name: string;
  currency: string;
  /** The storefront host links go to. */
  domain: string;
  settings: EffectiveSettings;
  facts: ShopFactsInput;
  brand: BrandInput;
}

export async function shopContext(db: Database, shopId: string): Promise<ShopContext> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { id: true, name: true, currency: true, timezone: true, domain: true } });
  if (!shop) throw new CampaignError("not-found", "This shop is not installed.");
  const settings = await getSettings(shopId, { db });
  const name = (shop.name?.trim() || shopId.replace(/\.myshopify\.com$/, "")).slice(0, 100);
  const domain = shop.domain && HOST.test(shop.domain.toLowerCase()) ? shop.domain.toLowerCase() : shopId.toLowerCase();
  const postalAddress = settings.postalAddress ?? "";
  return {
    shopId,
    name,
    currency: shop.currency,
    domain,
    settings,
    facts: { name, domain, myshopifyDomain: shopId.toLowerCase() === domain ? null : shopId.toLowerCase(), currency: shop.currency, postalAddress },
    brand: { shopName: name, shopUrl: `https://${domain}/`, logoUrl: null, postalAddress, currency: shop.currency, timeZone: validZone(shop.timezone) },
  };
}

function validZone(tz: string | null): string {
  if (!tz) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz;
  } catch {
    return "UTC";
  }
}

const productSelect = {
  id: true,
  shopifyId: true,
  title: true,
  handle: true,
  url: true,
  imageUrl: true,
  description: true,
  priceMin: true,
  productType: true,
  status: true,
  publishedAt: true,
  shopifyCreatedAt: true,
  totalInventory: true,
  deletedAt: true,
  variants: { select: { available: true, price: true, compareAtPrice: true } },
} as const;

type ProductRow = {
  shopifyId: string;
  title: string;
  handle: string;
  url: string | null;
  imageUrl: string | null;
  description: string;
  priceMin: number;
  variants: Array<{ price: number; compareAtPrice: number | null }>;
};

/** A product as copy may quote it: its lowest price, a higher compare-at price when the cheapest variant has one, a link on the shop. */
export function catalogFact(row: ProductRow, ctx: Pick<ShopContext, "domain">): CatalogProduct {
  const cheapest = [...row.variants].sort((a, b) => a.price - b.price)[0];
  const compareAt = cheapest && cheapest.price === row.priceMin && cheapest.compareAtPrice !== null && cheapest.compareAtPrice > row.priceMin ? cheapest.compareAtPrice : null;
  return {
    id: row.shopifyId,
    title: row.title.slice(0, 200),
    priceMinor: row.priceMin,
    compareAtPriceMinor: compareAt,
    url: productUrl(row, ctx.domain),
    imageUrl: httpsUrl(row.imageUrl),
    description: row.description.slice(0, 5_000),
  };
}

/** The product's own https URL on the shop's domain, else /products/<handle> there. */
function productUrl(row: Pick<ProductRow, "url" | "handle">, domain: string): string {
  const own = httpsUrl(row.url);
  if (own && new URL(own).host.toLowerCase() === domain) return own;
  return `https://${domain}/products/${encodeURIComponent(row.handle || "product")}`;
}

function httpsUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" && !url.username && !url.password ? url.href : null;
  } catch {
    return null;
  }
}

/** A product of this shop by its id or its Shopify id; null when the shop has none. */
export async function findProduct(db: Database, shopId: string, idOrShopifyId: string) {
  const id = idOrShopifyId.trim().replace(/^gid:\/\/shopify\/Product\//, "");
  if (!id) return null;
  return db.product.findFirst({ where: { shopId, deletedAt: null, OR: [{ id }, { shopifyId: id }] }, select: productSelect });
}

/** Catalog facts for each email of a plan, by its product focus (read once per focus, not per email). */
export async function stepFacts(db: Database, ctx: ShopContext, plan: Plan, now: Date): Promise<(step: PlanStep) => CatalogProduct[]> {
  const focuses = new Set(plan.steps.map((s) => s.productFocus));
  const featured = focuses.has("featured") && plan.product ? await findProduct(db, ctx.shopId, plan.product.id) : null;
  const popular = focuses.has("popular") ? await popularFacts(db, ctx, now) : [];
  const arrivals = focuses.has("new-arrivals") ? await newArrivalFacts(db, ctx, now) : [];
  return (step) => {
    switch (step.productFocus) {
      case "featured":
        return featured ? [catalogFact(featured, ctx)] : [];
      case "popular":
        return popular;
      case "new-arrivals":
        return arrivals;
      default:
        // none, or per-recipient blocks (cart, viewed, co-purchase) filled at render time.
        return [];
    }
  };
}

/** The shop's most ordered products that can be recommended now; its newest ones when it has no orders yet. */
export async function popularFacts(db: Database, ctx: ShopContext, now: Date, k = FACT_PRODUCTS): Promise<CatalogProduct[]> {
  const model = await shopModel(ctx.shopId, { db, now });
  const ids = model.popularity.filter((r) => isRecommendable(model.catalog.get(r.productId), now.getTime())).slice(0, k * 3).map((r) => r.productId);
  if (ids.length === 0) return newArrivalFacts(db, ctx, now, k);
  const rows = await db.product.findMany({ where: { shopId: ctx.shopId, shopifyId: { in: ids } }, select: productSelect });
  const byId = new Map(rows.map((r) => [r.shopifyId, r]));
  return ids
    .map((id) => byId.get(id))
    .filter((r): r is NonNullable<typeof r> => !!r && isRecommendable(toCatalogProduct(r), now.getTime()))
    .slice(0, k)
    .map((r) => catalogFact(r, ctx));
}

/** The newest products on sale now. */
export async function newArrivalFacts(db: Database, ctx: ShopContext, now: Date, k = FACT_PRODUCTS): Promise<CatalogProduct[]> {
  const rows = await db.product.findMany({
    where: { shopId: ctx.shopId, deletedAt: null, status: "ACTIVE", publishedAt: { lte: now } },
    orderBy: [{ publishedAt: "desc" }, { id: "asc" }],
    take: k * 4,
    select: productSelect,
  });
  return rows.filter((r) => isRecommendable(toCatalogProduct(r), now.getTime())).slice(0, k).map((r) => catalogFact(r, ctx));
}

/** Titles of the shop's active products: copy must not name one that is not its own. */
export async function otherProductTitles(db: Database, shopId: string): Promise<string[]> {
  const rows = await db.product.findMany({ where: { shopId, deletedAt: null, status: "ACTIVE" }, orderBy: { id: "asc" }, take: MAX_OTHER_TITLES, select: { title: true } });
  return rows.map((r) => r.title);
}
