// Maps the store's REST/webhook-shaped objects to Admin GraphQL nodes.
import type { RestCustomer, RestMoneySet, RestOrder, RestProduct, RestVariant } from "./types";
import { connection, paginate, type PageArgs } from "./search";

export const gid = (type: string, id: string | number) => `gid://shopify/${type}/${id}`;

export function parseGid(value: string): { type: string; id: string } | null {
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/([^/?]+)/.exec(value);
  return m ? { type: m[1]!, id: m[2]! } : null;
}

const toDecimal = (s: string | number | null | undefined) => (s === null || s === undefined || s === "" ? "0.0" : String(s));

export function moneyBag(set: RestMoneySet | undefined, amount: string | undefined, currency: string, presentment: string) {
  if (set) {
    return {
      shopMoney: { amount: toDecimal(set.shop_money.amount), currencyCode: set.shop_money.currency_code },
      presentmentMoney: { amount: toDecimal(set.presentment_money.amount), currencyCode: set.presentment_money.currency_code },
    };
  }
  const a = toDecimal(amount);
  return { shopMoney: { amount: a, currencyCode: currency }, presentmentMoney: { amount: a, currencyCode: presentment } };
}

const tagList = (tags: string | undefined) => (tags ?? "").split(",").map((t) => t.trim()).filter(Boolean);
const upper = (s: string | null | undefined) => (s ? s.toUpperCase() : null);
const cents = (s: string | undefined | null) => Math.round(Number(s ?? 0) * 100);
const fromCents = (n: number) => (n / 100).toFixed(2);

export interface NodeContext {
  shopDomain: string;
  currency: string;
  products: Map<string, RestProduct>;
  customers: Map<string, RestCustomer>;
  /** Bulk operations: connections return every item, without first/last. */
  unbounded?: boolean;
}

const MAX = Number.MAX_SAFE_INTEGER;
const pageArgs = (ctx: NodeContext, args: PageArgs): PageArgs => (ctx.unbounded ? { first: MAX } : args);

export function variantNode(v: RestVariant, p: RestProduct, ctx: NodeContext): Record<string, unknown> {
  return {
    __typename: "ProductVariant",
    id: gid("ProductVariant", v.id),
    legacyResourceId: String(v.id),
    title: v.title ?? "Default Title",
    sku: v.sku ?? null,
    price: toDecimal(v.price),
    compareAtPrice: v.compare_at_price ?? null,
    inventoryQuantity: v.inventory_quantity ?? null,
    availableForSale: (v.inventory_quantity ?? 1) > 0 && (p.status ?? "active") === "active",
    position: v.position ?? 1,
    createdAt: v.created_at ?? p.created_at,
    updatedAt: v.updated_at ?? p.updated_at,
    product: () => productNode(p, ctx),
  };
}

export function productNode(p: RestProduct, ctx: NodeContext): Record<string, unknown> {
  const prices = p.variants.map((v) => cents(v.price));
  const image = p.image ?? p.images?.[0] ?? null;
  const status = (p.status ?? "active").toUpperCase();
  return {
    __typename: "Product",
    id: gid("Product", p.id),
    legacyResourceId: String(p.id),
    title: p.title,
    handle: p.handle,
    description: (p.body_html ?? "").replace(/<[^>]*>/g, ""),
    descriptionHtml: p.body_html ?? "",
    productType: p.product_type ?? "",
    vendor: p.vendor ?? "",
    status,
    tags: tagList(p.tags),
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    publishedAt: p.published_at ?? null,
    onlineStoreUrl: status === "ACTIVE" && p.published_at !== null ? `https://${ctx.shopDomain}/products/${p.handle}` : null,
    totalInventory: p.variants.reduce((s, v) => s + (v.inventory_quantity ?? 0), 0),
    featuredImage: image ? { id: image.id ? gid("ProductImage", image.id) : null, url: image.src, altText: image.alt ?? null } : null,
    priceRangeV2: {
      minVariantPrice: { amount: fromCents(prices.length ? Math.min(...prices) : 0), currencyCode: ctx.currency },
      maxVariantPrice: { amount: fromCents(prices.length ? Math.max(...prices) : 0), currencyCode: ctx.currency },
    },
    variants: (args: PageArgs) =>
      connection(paginate(p.variants, pageArgs(ctx, args), (v) => [v.position ?? 0, String(v.id)], ctx.unbounded ? MAX : 250), (v) => variantNode(v, p, ctx)),
    collections: (args: PageArgs) =>
      connection(paginate(p.collections ?? [], pageArgs(ctx, args), (c) => [0, String(c.id)], ctx.unbounded ? MAX : 250), (c) => ({
        __typename: "Collection",
        id: gid("Collection", c.id),
        handle: c.handle,
        title: c.title,
      })),
  };
}

export function customerNode(c: RestCustomer, ctx: NodeContext): Record<string, unknown> {
  const consent = c.email_marketing_consent;
  return {
    __typename: "Customer",
    id: gid("Customer", c.id),
    legacyResourceId: String(c.id),
    email: c.email ?? null,
    defaultEmailAddress: c.email ? { emailAddress: c.email, marketingState: upper(consent?.state) ?? "NOT_SUBSCRIBED" } : null,
    firstName: c.first_name ?? null,
    lastName: c.last_name ?? null,
    phone: c.phone ?? null,
    state: upper(c.state) ?? "DISABLED",
    tags: tagList(c.tags),
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    emailMarketingConsent: consent
      ? {
          marketingState: upper(consent.state) ?? "NOT_SUBSCRIBED",
          marketingOptInLevel: upper(consent.opt_in_level),
          consentUpdatedAt: consent.consent_updated_at ?? null,
        }
      : null,
    defaultAddress: c.default_address
      ? {
          countryCodeV2: c.default_address.country_code ?? null,
          province: c.default_address.province ?? null,
          city: c.default_address.city ?? null,
          zip: c.default_address.zip ?? null,
        }
      : null,
    numberOfOrders: String(c.orders_count ?? 0),
    amountSpent: { amount: toDecimal(c.total_spent), currencyCode: ctx.currency },
  };
}

function refundTotal(r: NonNullable<RestOrder["refunds"]>[number]): number {
  return (r.transactions ?? [])
    .filter((t) => (t.kind ?? "refund") === "refund" && (t.status ?? "success") === "success")
    .reduce((s, t) => s + cents(t.amount), 0);
}

function visit(o: RestOrder, ctx: NodeContext) {
  if (!o.landing_site && !o.referring_site) return null;
  const landing = o.landing_site ? (o.landing_site.startsWith("/") ? `https://${ctx.shopDomain}${o.landing_site}` : o.landing_site) : null;
  return {
    __typename: "CustomerVisit",
    id: gid("CustomerVisit", o.id),
    landingPage: landing,
    referrerUrl: o.referring_site || null,
    source: o.referring_site ? new URL(o.referring_site, "https://x.invalid").hostname : "direct",
    occurredAt: o.created_at,
  };
}

export function orderNode(o: RestOrder, ctx: NodeContext): Record<string, unknown> {
  const cur = o.currency;
  const pcur = o.presentment_currency ?? cur;
  const refunded = (o.refunds ?? []).reduce((s, r) => s + refundTotal(r), 0);
  const v = visit(o, ctx);
  const customer = o.customer ? ctx.customers.get(String(o.customer.id)) : undefined;
  return {
    __typename: "Order",
    id: gid("Order", o.id),
    legacyResourceId: String(o.id),
    name: o.name ?? `#${o.id}`,
    email: o.email ?? null,
    createdAt: o.created_at,
    updatedAt: o.updated_at,
    processedAt: o.processed_at ?? o.created_at,
    cancelledAt: o.cancelled_at ?? null,
    cancelReason: upper(o.cancel_reason),
    closedAt: o.closed_at ?? null,
    test: o.test ?? false,
    tags: tagList(o.tags),
    currencyCode: cur,
    presentmentCurrencyCode: pcur,
    displayFinancialStatus: upper(o.financial_status),
    displayFulfillmentStatus: upper(o.fulfillment_status) ?? "UNFULFILLED",
    totalPriceSet: moneyBag(o.total_price_set, o.total_price, cur, pcur),
    subtotalPriceSet: moneyBag(o.subtotal_price_set, o.subtotal_price, cur, pcur),
    totalDiscountsSet: moneyBag(o.total_discounts_set, o.total_discounts, cur, pcur),
    totalTaxSet: moneyBag(o.total_tax_set, o.total_tax, cur, pcur),
    totalShippingPriceSet: moneyBag(o.total_shipping_price_set, "0.00", cur, pcur),
    totalRefundedSet: moneyBag(undefined, fromCents(refunded), cur, pcur),
    discountCode: o.discount_codes?.[0]?.code ?? null,
    discountCodes: (o.discount_codes ?? []).map((d) => d.code),
    sourceName: o.source_name ?? null,
    sourceIdentifier: o.checkout_token ?? null,
    customerJourneySummary: { firstVisit: v, lastVisit: v, ready: true },
    customer: customer ? customerNode(customer, ctx) : o.customer ? { ...customerNode({ created_at: o.created_at, updated_at: o.updated_at, ...o.customer } as RestCustomer, ctx) } : null,
    lineItems: (args: PageArgs) =>
      connection(paginate(o.line_items, pageArgs(ctx, args), (li) => [0, String(li.id)], ctx.unbounded ? MAX : 250), (li) => {
        const product = li.product_id != null ? ctx.products.get(String(li.product_id)) : undefined;
        const variant = product?.variants.find((x) => String(x.id) === String(li.variant_id));
        return {
          __typename: "LineItem",
          id: gid("LineItem", li.id),
          title: li.title,
          variantTitle: li.variant_title ?? null,
          sku: li.sku ?? null,
          quantity: li.quantity,
          originalUnitPriceSet: moneyBag(li.price_set, li.price, cur, pcur),
          totalDiscountSet: moneyBag(li.total_discount_set, li.total_discount, cur, pcur),
          product: product
            ? productNode(product, ctx)
            : li.product_id != null
              ? { __typename: "Product", id: gid("Product", li.product_id), legacyResourceId: String(li.product_id) }
              : null,
          variant: variant && product
            ? variantNode(variant, product, ctx)
            : li.variant_id != null
              ? { __typename: "ProductVariant", id: gid("ProductVariant", li.variant_id), legacyResourceId: String(li.variant_id) }
              : null,
        };
      }),
    refunds: (args: { first?: number | null }) =>
      (o.refunds ?? []).slice(0, args.first ?? undefined).map((r) => ({
        __typename: "Refund",
        id: gid("Refund", r.id),
        createdAt: r.created_at,
        totalRefundedSet: moneyBag(undefined, fromCents(refundTotal(r)), cur, pcur),
      })),
  };
}

/** Field getters for Shopify's search syntax (undefined = unknown filter). */
export const productField = (p: RestProduct, f: string) =>
  ({ id: Number(p.id), status: p.status ?? "active", created_at: p.created_at, updated_at: p.updated_at, title: p.title, handle: p.handle, product_type: p.product_type ?? "", vendor: p.vendor ?? "", published_status: p.published_at ? "published" : "unpublished" })[f];

export const customerField = (c: RestCustomer, f: string) =>
  ({ id: Number(c.id), email: c.email ?? null, created_at: c.created_at, updated_at: c.updated_at, state: c.state ?? "disabled", email_marketing_state: c.email_marketing_consent?.state ?? "not_subscribed" })[f];

export const orderField = (o: RestOrder, f: string) =>
  ({
    id: Number(o.id),
    email: o.email ?? null,
    created_at: o.created_at,
    updated_at: o.updated_at,
    processed_at: o.processed_at ?? o.created_at,
    financial_status: o.financial_status ?? null,
    status: o.cancelled_at ? "cancelled" : o.closed_at ? "closed" : "open",
    test: String(o.test ?? false),
    customer_id: o.customer ? String(o.customer.id) : null,
  })[f];

export function sortKeyOf(item: { id: string | number; created_at: string; updated_at: string; processed_at?: string | null; title?: string }, sortKey: string | null | undefined): [string | number, string] {
  const id = String(item.id);
  switch (sortKey) {
    case "CREATED_AT":
      return [Date.parse(item.created_at), id];
    case "UPDATED_AT":
      return [Date.parse(item.updated_at), id];
    case "PROCESSED_AT":
      return [Date.parse(item.processed_at ?? item.created_at), id];
    case "TITLE":
      return [item.title ?? "", id];
    default:
      return [0, id];
  }
}
