// Normalized ingest records: what Loopwise stores about a shop's commerce data,
// independent of where it came from (REST webhook payloads, Admin GraphQL
// backfill, the CSV importer). Mappers produce these; the store functions in
// ./store.server.ts write them. Plain data only: no Prisma, no fetch.
//
// Conventions (the backfill and importer rely on them; keep them stable):
// - Shopify ids are strings holding the numeric part of the GID ("gid://shopify/Order/42" → "42").
//   `shopifyIdOf()` below normalizes either form.
// - Money is integer minor units of the stated currency (see ./money.ts).
// - `updatedAt` is Shopify's updated_at. The store ignores a record older than
//   what it holds (out-of-order deliveries); an equal timestamp re-applies the
//   same data (idempotent).
// - `null` means "Shopify says there is none"; `undefined` (an optional field
//   left out) means "this source does not say: keep what is stored".

export type EmailConsentState = "SUBSCRIBED" | "NOT_SUBSCRIBED" | "UNSUBSCRIBED" | "PENDING" | "REDACTED" | "INVALID";
export type EmailOptInLevel = "SINGLE_OPT_IN" | "CONFIRMED_OPT_IN" | "UNKNOWN";
export type ProductStatus = "ACTIVE" | "DRAFT" | "ARCHIVED";

export interface EmailConsentRecord {
  state: EmailConsentState;
  optInLevel: EmailOptInLevel | null;
  /** When the consent last changed (Shopify's consent_updated_at). */
  updatedAt: Date | null;
}

export interface CustomerRecord {
  shopifyId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  tags: string[];
  /** Account state: enabled | disabled | invited | declined. */
  state: string | null;
  countryCode: string | null;
  province: string | null;
  city: string | null;
  zip: string | null;
  /** undefined: the source does not carry consent (keep what is stored). */
  emailConsent?: EmailConsentRecord | null;
  createdAt: Date | null;
  /** null only for partial customers embedded in orders/checkouts. */
  updatedAt: Date | null;
}

/** A customer as embedded in an order or checkout: used only to create a minimal row when unknown. */
export type EmbeddedCustomerRecord = Pick<CustomerRecord, "shopifyId" | "email" | "firstName" | "lastName" | "phone"> &
  Partial<Pick<CustomerRecord, "emailConsent" | "state" | "createdAt">>;

export interface LineItemRecord {
  shopifyId: string;
  productShopifyId: string | null;
  variantShopifyId: string | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  /** Unit price, shop currency minor units. */
  price: number;
  /** Discount allocated to the whole line, shop currency minor units. */
  totalDiscount: number;
}

export interface RefundRecord {
  shopifyId: string;
  orderShopifyId: string;
  /** Money returned, shop currency minor units (positive). */
  amount: number;
  createdAt: Date;
}

export interface OrderRecord {
  shopifyId: string;
  /** "#1001" */
  name: string;
  email: string | null;
  customer: EmbeddedCustomerRecord | null;
  /** The shop's currency: every amount below except presentment* is in it. */
  currency: string;
  totalPrice: number;
  subtotalPrice: number;
  totalDiscounts: number;
  totalTax: number;
  totalShipping: number;
  presentmentCurrency: string | null;
  presentmentTotalPrice: number | null;
  discountCodes: string[];
  landingSite: string | null;
  referringSite: string | null;
  sourceName: string | null;
  /** Left out (the Admin API backfill) = keep what a webhook stored. */
  checkoutToken?: string | null;
  cartToken?: string | null;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  test: boolean;
  tags: string[];
  processedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  lineItems: LineItemRecord[];
  /** Refunds carried by the payload; undefined when the source does not include them. */
  refunds?: RefundRecord[];
}

export interface CheckoutLineRecord {
  productShopifyId: string | null;
  variantShopifyId: string | null;
  title: string;
  variantTitle: string | null;
  quantity: number;
  /** Unit price, minor units of the checkout's currency. */
  price: number;
}

export interface CheckoutRecord {
  shopifyId: string;
  token: string;
  cartToken: string | null;
  email: string | null;
  customer: EmbeddedCustomerRecord | null;
  abandonedCheckoutUrl: string | null;
  /** The currency the buyer saw (presentment), in which totalPrice and line prices are. */
  currency: string;
  totalPrice: number;
  lineItems: CheckoutLineRecord[];
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface VariantRecord {
  shopifyId: string;
  title: string;
  sku: string | null;
  /** Shop currency minor units. */
  price: number;
  compareAtPrice: number | null;
  inventoryQuantity: number | null;
  available: boolean;
  position: number;
}

export interface CollectionRef {
  id: string;
  handle: string;
  title: string;
}

export interface ProductRecord {
  shopifyId: string;
  title: string;
  handle: string;
  /** Plain text (HTML stripped). */
  description: string;
  productType: string;
  vendor: string;
  status: ProductStatus;
  tags: string[];
  /** undefined: the source does not carry collections (REST webhooks don't). */
  collections?: CollectionRef[];
  imageUrl: string | null;
  /** The shop's currency: variant prices are in it. */
  currency: string;
  variants: VariantRecord[];
  publishedAt: Date | null;
  createdAt: Date | null;
  updatedAt: Date;
}

/** Compliance: customers/redact. */
export interface CustomerRedactRecord {
  customerShopifyId: string | null;
  email: string | null;
  phone: string | null;
  ordersToRedact: string[];
}

/** The numeric part of a Shopify GID, or the id itself ("42", 42, "gid://shopify/Order/42" → "42"). */
export function shopifyIdOf(id: string | number | bigint): string {
  const text = String(id);
  const slash = text.lastIndexOf("/");
  const tail = slash >= 0 ? text.slice(slash + 1) : text;
  const q = tail.indexOf("?");
  return q >= 0 ? tail.slice(0, q) : tail;
}

/** The storefront URL of a product. */
export function productUrl(shopDomain: string, handle: string): string {
  return `https://${shopDomain}/products/${encodeURIComponent(handle)}`;
}

/** Min and max variant price (0 and 0 for a product without variants). */
export function priceRange(variants: readonly VariantRecord[]): { min: number; max: number } {
  if (variants.length === 0) return { min: 0, max: 0 };
  let min = Infinity;
  let max = -Infinity;
  for (const v of variants) {
    min = Math.min(min, v.price);
    max = Math.max(max, v.price);
  }
  return { min, max };
}

/** Sum of known variant inventory, or null when no variant tracks it. */
export function totalInventory(variants: readonly VariantRecord[]): number | null {
  const known = variants.filter((v) => v.inventoryQuantity !== null);
  return known.length === 0 ? null : known.reduce((s, v) => s + (v.inventoryQuantity ?? 0), 0);
}

/** Sum of refund amounts (the one way Order.refundedAmount is computed). */
export function refundedTotal(refunds: readonly Pick<RefundRecord, "amount">[]): number {
  return refunds.reduce((s, r) => s + r.amount, 0);
}

/** The normalized form used for matching emails (and for BrowserIdentity.emailHash). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Emails are stored trimmed and lower-cased (webhooks and backfill alike), so every lookup (redact, pixel links) matches. */
export function storedEmail(value: string | null | undefined): string | null {
  if (!value) return null;
  const email = normalizeEmail(value);
  return email === "" ? null : email;
}
