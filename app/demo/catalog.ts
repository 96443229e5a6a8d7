// The demo catalog: products with variants, inventory, tags, images and collections.
import type { Rng } from "./prng";
import { gid, type IdAllocator } from "./ids";
import { retailPrice, toMoney } from "./money";
import { shopTimestamp, DAY } from "./shop-time";
import type { DemoCollection, RestImage, RestProduct, RestVariant } from "./types";
import { ADJECTIVES, CATEGORIES } from "./vocabulary";

export interface CatalogEntry {
  product: RestProduct;
  category: number;
  /** Relative sales weight (a long tail: a few products sell most). */
  popularity: number;
}

export interface Catalog {
  entries: CatalogEntry[];
  collections: DemoCollection[];
  /** Active products with at least one variant, for baskets. */
  sellable: CatalogEntry[];
}

export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export function generateCatalog(rng: Rng, ids: IdAllocator, opts: { count: number; shopDomain: string; now: number; currency: string }): Catalog {
  const entries: CatalogEntry[] = [];
  const handles = new Set<string>();
  const weights = CATEGORIES.map((c, i) => [i, c.weight] as const);
  for (let i = 0; i < opts.count; i++) {
    const category = rng.weighted(weights);
    const spec = CATEGORIES[category]!;
    const noun = rng.pick(spec.nouns);
    let title = `${rng.pick(ADJECTIVES)} ${noun}`;
    let handle = slugify(title);
    for (let n = 2; handles.has(handle); n++) {
      title = `${title.replace(/ No\. \d+$/, "")} No. ${n}`;
      handle = slugify(title);
    }
    handles.add(handle);
    const createdMs = opts.now - rng.int(20, 420) * DAY - rng.int(0, 86_399) * 1000;
    const created = shopTimestamp(createdMs);
    const updated = shopTimestamp(Math.min(opts.now - 3_600_000, createdMs + rng.int(0, 60) * DAY));
    const status = rng.weighted([["active", 0.94], ["draft", 0.04], ["archived", 0.02]] as const);
    const productId = ids.next("product");
    const basePrice = retailPrice(rng.logNormal(Math.log(spec.priceMedian), spec.priceSigma));
    const onSale = rng.chance(0.12);
    const optionValues = spec.option ? spec.option.values.slice(0, rng.int(Math.min(2, spec.option.values.length), spec.option.values.length)) : [null];
    const soldOut = rng.chance(0.04);
    const variants: RestVariant[] = optionValues.map((value, position) => {
      const id = ids.next("variant");
      const stock = soldOut || rng.chance(0.08) ? 0 : Math.round(rng.logNormal(Math.log(40), 0.9));
      return {
        id,
        product_id: productId,
        title: value ?? "Default Title",
        price: toMoney(basePrice),
        compare_at_price: onSale ? toMoney(Math.round(basePrice * 1.25)) : null,
        sku: `${spec.productType.slice(0, 3).toUpperCase()}-${String(i + 1).padStart(4, "0")}${value ? "-" + slugify(value).toUpperCase() : ""}`,
        position: position + 1,
        option1: value ?? "Default Title",
        option2: null,
        option3: null,
        inventory_policy: "deny",
        inventory_management: "shopify",
        inventory_quantity: stock,
        old_inventory_quantity: stock,
        inventory_item_id: ids.next("inventoryItem"),
        taxable: true,
        requires_shipping: true,
        grams: rng.int(80, 1500),
        barcode: null,
        image_id: null,
        created_at: created,
        updated_at: updated,
        admin_graphql_api_id: gid("ProductVariant", id),
      };
    });
    const imageId = ids.next("image");
    const image: RestImage = {
      id: imageId,
      product_id: productId,
      position: 1,
      alt: title,
      width: 1200,
      height: 1200,
      src: `https://${opts.shopDomain}/cdn/shop/files/${handle}.jpg`,
      variant_ids: [],
      created_at: created,
      updated_at: created,
      admin_graphql_api_id: gid("ProductImage", imageId),
    };
    const tags = new Set<string>();
    const tagCount = rng.int(1, 3);
    for (let t = 0; t < tagCount; t++) tags.add(rng.pick(spec.tags));
    if (basePrice <= 3000) tags.add("under-30");
    const product: RestProduct = {
      id: productId,
      title,
      handle,
      body_html: `<p>The ${title.toLowerCase()}: made to be used every day, built to last.</p>`,
      vendor: "Loopwise Demo Goods",
      product_type: spec.productType,
      status,
      tags: [...tags].sort().join(", "),
      published_at: status === "active" ? created : null,
      published_scope: "global",
      template_suffix: null,
      created_at: created,
      updated_at: updated,
      variants,
      options: [
        {
          id: ids.next("option"),
          product_id: productId,
          name: spec.option?.name ?? "Title",
          position: 1,
          values: optionValues.map((v) => v ?? "Default Title"),
        },
      ],
      images: [image],
      image,
      admin_graphql_api_id: gid("Product", productId),
    };
    entries.push({ product, category, popularity: 0 });
  }
  // A long tail of demand: popularity ~ 1 / rank^0.9 over a shuffled order.
  const order = entries.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  order.forEach((index, rank) => {
    entries[index]!.popularity = 1 / Math.pow(rank + 1, 0.9);
  });
  const sellable = entries.filter((e) => e.product.status === "active");
  return { entries, sellable, collections: buildCollections(ids, entries) };
}

function collection(ids: IdAllocator, title: string, products: CatalogEntry[]): DemoCollection {
  const id = ids.next("collection");
  return {
    id,
    handle: slugify(title),
    title,
    product_ids: products.map((e) => e.product.id),
    admin_graphql_api_id: gid("Collection", id),
  };
}

function buildCollections(ids: IdAllocator, entries: CatalogEntry[]): DemoCollection[] {
  const active = entries.filter((e) => e.product.status === "active");
  const byCategory = CATEGORIES.map((spec, i) => collection(ids, spec.collection, active.filter((e) => e.category === i)));
  const best = [...active].sort((a, b) => b.popularity - a.popularity).slice(0, 24);
  const newest = [...active].sort((a, b) => b.product.created_at.localeCompare(a.product.created_at)).slice(0, 24);
  const gifts = active.filter((e) => e.product.tags.includes("gift") && Number(e.product.variants[0]?.price ?? "0") <= 30);
  return [
    ...byCategory,
    collection(ids, "Best Sellers", best),
    collection(ids, "New Arrivals", newest),
    collection(ids, "Gifts Under $30", gifts),
  ];
}

/** The collections each product belongs to, for payloads that carry them. */
export function collectionsOf(collections: DemoCollection[]): Map<number, DemoCollection[]> {
  const map = new Map<number, DemoCollection[]>();
  for (const c of collections) {
    for (const id of c.product_ids) {
      const list = map.get(id) ?? [];
      list.push(c);
      map.set(id, list);
    }
  }
  return map;
}
