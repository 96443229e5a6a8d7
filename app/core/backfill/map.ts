// Maps Admin GraphQL nodes to the ingest's normalized records, so the backfill
// and the webhooks write through the same out-of-order-safe store functions.
// Values are normalized to what the REST webhooks carry (lowercase statuses).
import { toMinorUnits } from "../ingest/money";
import type { CustomerRecord, LineItemRecord, OrderRecord, ProductRecord, RefundRecord, VariantRecord } from "../ingest/records";
import { shopifyIdOf, storedEmail } from "../ingest/records";
import type { z } from "zod";
import { gidType, JsonlFormatError, type JsonlGroup } from "./jsonl";
import { zCollection, zCustomer, zLineItem, zOrder, zProduct, zVariant, type GqlCollection, type GqlCustomer, type GqlLineItem, type GqlOrder, type GqlProduct, type GqlVariant } from "./queries";

const date = (s: string) => new Date(s);
const dateOrNull = (s: string | null | undefined) => (s ? new Date(s) : null);
const lower = (s: string | null | undefined) => (s ? s.toLowerCase() : null);
const minor = (m: { amount: string; currencyCode: string }) => toMinorUnits(m.amount, m.currencyCode);

export function variantRecord(v: GqlVariant, currency: string): VariantRecord {
  return {
    shopifyId: shopifyIdOf(v.id),
    title: v.title,
    sku: v.sku,
    price: toMinorUnits(v.price, currency),
    compareAtPrice: v.compareAtPrice === null ? null : toMinorUnits(v.compareAtPrice, currency),
    inventoryQuantity: v.inventoryQuantity,
    available: v.availableForSale,
    position: v.position,
  };
}

export function productRecord(p: GqlProduct, currency: string, variants: GqlVariant[], collections: GqlCollection[]): ProductRecord {
  return {
    shopifyId: shopifyIdOf(p.id),
    title: p.title,
    handle: p.handle,
    description: p.description,
    productType: p.productType,
    vendor: p.vendor,
    status: p.status,
    tags: p.tags,
    collections: collections.map((c) => ({ id: shopifyIdOf(c.id), handle: c.handle, title: c.title })),
    imageUrl: p.featuredImage?.url ?? null,
    currency,
    variants: variants.map((v) => variantRecord(v, currency)),
    publishedAt: dateOrNull(p.publishedAt),
    createdAt: date(p.createdAt),
    updatedAt: date(p.updatedAt),
  };
}

export function customerRecord(c: GqlCustomer): CustomerRecord {
  const consent = c.emailMarketingConsent;
  return {
    shopifyId: shopifyIdOf(c.id),
    email: storedEmail(c.email),
    firstName: c.firstName,
    lastName: c.lastName,
    phone: c.phone,
    tags: c.tags,
    state: lower(c.state),
    countryCode: c.defaultAddress?.countryCodeV2 ?? null,
    province: c.defaultAddress?.province ?? null,
    city: c.defaultAddress?.city ?? null,
    zip: c.defaultAddress?.zip ?? null,
    emailConsent: consent
      ? { state: consent.marketingState, optInLevel: consent.marketingOptInLevel, updatedAt: dateOrNull(consent.consentUpdatedAt) }
      : null,
    createdAt: date(c.createdAt),
    updatedAt: date(c.updatedAt),
  };
}

export function lineItemRecord(li: GqlLineItem): LineItemRecord {
  return {
    shopifyId: shopifyIdOf(li.id),
    productShopifyId: li.product ? shopifyIdOf(li.product.id) : null,
    variantShopifyId: li.variant ? shopifyIdOf(li.variant.id) : null,
    title: li.title,
    variantTitle: li.variantTitle,
    sku: li.sku,
    quantity: li.quantity,
    price: minor(li.originalUnitPriceSet.shopMoney),
    totalDiscount: minor(li.totalDiscountSet.shopMoney),
  };
}

/** GraphQL's display statuses in the REST vocabulary the webhooks store. */
const FULFILLMENT: Record<string, string | null> = {
  UNFULFILLED: null,
  FULFILLED: "fulfilled",
  PARTIALLY_FULFILLED: "partial",
  RESTOCKED: "restocked",
};

export function orderRecord(o: GqlOrder, lines: GqlLineItem[]): OrderRecord {
  const shop = o.totalPriceSet.shopMoney;
  const presentment = o.totalPriceSet.presentmentMoney;
  const visit = o.customerJourneySummary?.lastVisit ?? o.customerJourneySummary?.firstVisit ?? null;
  const orderId = shopifyIdOf(o.id);
  const refunds: RefundRecord[] = o.refunds.map((r) => ({
    shopifyId: shopifyIdOf(r.id),
    orderShopifyId: orderId,
    amount: minor(r.totalRefundedSet.shopMoney),
    createdAt: date(r.createdAt ?? o.updatedAt),
  }));
  const fulfillment = o.displayFulfillmentStatus;
  return {
    shopifyId: orderId,
    name: o.name,
    email: storedEmail(o.email),
    customer: o.customer
      ? { shopifyId: shopifyIdOf(o.customer.id), email: storedEmail(o.customer.email), firstName: o.customer.firstName, lastName: o.customer.lastName, phone: o.customer.phone }
      : null,
    currency: shop.currencyCode,
    totalPrice: minor(shop),
    subtotalPrice: o.subtotalPriceSet ? minor(o.subtotalPriceSet.shopMoney) : 0,
    totalDiscounts: o.totalDiscountsSet ? minor(o.totalDiscountsSet.shopMoney) : 0,
    totalTax: o.totalTaxSet ? minor(o.totalTaxSet.shopMoney) : 0,
    totalShipping: minor(o.totalShippingPriceSet.shopMoney),
    presentmentCurrency: presentment.currencyCode,
    presentmentTotalPrice: minor(presentment),
    discountCodes: o.discountCodes,
    landingSite: visit?.landingPage ?? null,
    referringSite: visit?.referrerUrl ?? null,
    sourceName: o.sourceName,
    // Not exposed by the Admin GraphQL Order object; the webhooks fill them.
    // The Admin API does not expose them: left out, so a webhook's stored tokens are kept.
    financialStatus: lower(o.displayFinancialStatus),
    fulfillmentStatus: fulfillment ? (fulfillment in FULFILLMENT ? FULFILLMENT[fulfillment]! : fulfillment.toLowerCase()) : null,
    test: o.test,
    tags: o.tags,
    processedAt: dateOrNull(o.processedAt),
    cancelledAt: dateOrNull(o.cancelledAt),
    cancelReason: lower(o.cancelReason),
    createdAt: date(o.createdAt),
    updatedAt: date(o.updatedAt),
    lineItems: lines.map(lineItemRecord),
    refunds,
  };
}

// ---- bulk result groups (a parent line and its child lines) to records ----

function parsed<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string, group: JsonlGroup): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data as z.output<S>;
  const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
  throw new JsonlFormatError(`bulk result ${what} ending at line ${group.end}: unexpected shape: ${issues}`);
}

function childrenOf<S extends z.ZodTypeAny>(group: JsonlGroup, type: string, schema: S): z.output<S>[] {
  return group.children.filter((c) => gidType(c.id) === type).map((c) => parsed(schema, c, type, group));
}

export function productFromGroup(group: JsonlGroup, currency: string): ProductRecord {
  const product = parsed(zProduct, group.parent, "product", group);
  const variants = childrenOf(group, "ProductVariant", zVariant).sort((a, b) => a.position - b.position);
  return productRecord(product, currency, variants, childrenOf(group, "Collection", zCollection));
}

export function customerFromGroup(group: JsonlGroup): CustomerRecord {
  return customerRecord(parsed(zCustomer, group.parent, "customer", group));
}

export function orderFromGroup(group: JsonlGroup): OrderRecord {
  return orderRecord(parsed(zOrder, group.parent, "order", group), childrenOf(group, "LineItem", zLineItem));
}
