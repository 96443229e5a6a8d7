// Pure mappers: Shopify REST webhook payloads (already parsed by ./schemas.ts)
// to the normalized records of ./records.ts. No I/O.
import { toMinorUnits } from "./money";
import type {
  CheckoutRecord,
  CustomerRecord,
  EmailConsentRecord,
  EmailConsentState,
  EmailOptInLevel,
  EmbeddedCustomerRecord,
  LineItemRecord,
  OrderRecord,
  ProductRecord,
  ProductStatus,
  RefundRecord,
  VariantRecord,
} from "./records";
import type { CheckoutPayload, CustomerPayload, EmbeddedCustomerPayload, OrderPayload, ProductPayload, RefundPayload } from "./schemas";
import { storedEmail as emailOf } from "./records";

type Amount = string | number;
type MoneySet = { shop_money: { amount: Amount; currency_code: string }; presentment_money?: { amount: Amount; currency_code: string } | null } | null | undefined;

const CONSENT_STATES: readonly EmailConsentState[] = ["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING", "REDACTED", "INVALID"];
const OPT_IN_LEVELS: readonly EmailOptInLevel[] = ["SINGLE_OPT_IN", "CONFIRMED_OPT_IN", "UNKNOWN"];

export function splitTags(tags: string | readonly string[] | null | undefined): string[] {
  const list = typeof tags === "string" ? tags.split(",") : (tags ?? []);
  return list.map((t) => t.trim()).filter((t) => t.length > 0);
}

/** Shop-currency minor units: the *_set.shop_money amount when present, else the plain field in `currency`. */
function shopMoney(set: MoneySet, plain: Amount | null | undefined, currency: string): number {
  if (set) return toMinorUnits(set.shop_money.amount, set.shop_money.currency_code);
  return plain === null || plain === undefined ? 0 : toMinorUnits(plain, currency);
}

/**
 * Shopify's email_marketing_consent. An unknown state is read as
 * NOT_SUBSCRIBED: Loopwise never mails someone whose consent it cannot read.
 * undefined: the payload does not carry consent (keep what is stored).
 */
export function mapConsent(
  consent: { state: string; opt_in_level: string | null; consent_updated_at: Date | null } | null | undefined,
  acceptsMarketing?: boolean | null,
): EmailConsentRecord | null | undefined {
  if (consent === undefined) {
    if (acceptsMarketing === undefined || acceptsMarketing === null) return undefined;
    return { state: acceptsMarketing ? "SUBSCRIBED" : "NOT_SUBSCRIBED", optInLevel: "UNKNOWN", updatedAt: null };
  }
  if (consent === null) return null;
  const state = consent.state.toUpperCase() as EmailConsentState;
  const level = consent.opt_in_level?.toUpperCase() as EmailOptInLevel | undefined;
  return {
    state: CONSENT_STATES.includes(state) ? state : "NOT_SUBSCRIBED",
    optInLevel: level === undefined ? null : OPT_IN_LEVELS.includes(level) ? level : "UNKNOWN",
    updatedAt: consent.consent_updated_at,
  };
}

function person(p: EmbeddedCustomerPayload) {
  return { shopifyId: p.id, email: emailOf(p.email), firstName: p.first_name, lastName: p.last_name, phone: p.phone, state: p.state };
}

export function mapCustomer(p: CustomerPayload): CustomerRecord {
  const a = p.default_address;
  return {
    ...person(p),
    tags: splitTags(p.tags),
    countryCode: a?.country_code ?? null,
    province: a?.province ?? null,
    city: a?.city ?? null,
    zip: a?.zip ?? null,
    emailConsent: mapConsent(p.email_marketing_consent, p.accepts_marketing),
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}

export function mapEmbeddedCustomer(p: EmbeddedCustomerPayload): EmbeddedCustomerRecord {
  const consent = mapConsent(p.email_marketing_consent);
  return {
    ...person(p),
    createdAt: p.created_at,
    ...(consent ? { emailConsent: consent } : {}),
  };
}

/**
 * Money returned by a refund, in the shop's currency. Successful refund
 * transactions are the money that moved; when they are in another currency
 * (a multi-currency order) the shop-money sets of the refunded lines,
 * shipping and adjustments are used instead. No successful transaction: 0.
 */
export function mapRefund(p: RefundPayload, shopCurrency: string): RefundRecord {
  const paid = (p.transactions ?? []).filter((t) => (t.kind ?? "refund") === "refund" && (t.status ?? "success") === "success");
  let amount = 0;
  if (paid.length > 0) {
    const inShopCurrency = paid.every((t) => !t.currency || t.currency.toUpperCase() === shopCurrency.toUpperCase());
    if (inShopCurrency) {
      amount = paid.reduce((s, t) => s + toMinorUnits(t.amount, shopCurrency), 0);
    } else {
      const set = (m: MoneySet) => (m ? toMinorUnits(m.shop_money.amount, m.shop_money.currency_code) : 0);
      for (const l of p.refund_line_items ?? []) amount += set(l.subtotal_set) + set(l.total_tax_set);
      for (const s of p.refund_shipping_lines ?? []) amount += set(s.subtotal_amount_set);
      for (const a of p.order_adjustments ?? []) amount -= set(a.amount_set) + set(a.tax_amount_set);
    }
  }
  return { shopifyId: p.id, orderShopifyId: p.order_id, amount: Math.max(0, amount), createdAt: p.created_at };
}

function mapLineItem(li: OrderPayload["line_items"][number], currency: string): LineItemRecord {
  return {
    shopifyId: li.id,
    productShopifyId: li.product_id ?? null,
    variantShopifyId: li.variant_id ?? null,
    title: li.title ?? li.name ?? "",
    variantTitle: li.variant_title,
    sku: li.sku,
    quantity: li.quantity,
    price: shopMoney(li.price_set, li.price, currency),
    totalDiscount: shopMoney(li.total_discount_set, li.total_discount, currency),
  };
}

export function mapOrder(p: OrderPayload): OrderRecord {
  const currency = (p.total_price_set?.shop_money.currency_code ?? p.currency).toUpperCase();
  const presentment = p.total_price_set?.presentment_money ?? null;
  const shipping = p.total_shipping_price_set
    ? shopMoney(p.total_shipping_price_set, null, currency)
    : (p.shipping_lines ?? []).reduce((s, l) => s + shopMoney(l.price_set, l.price, currency), 0);
  return {
    shopifyId: p.id,
    name: p.name ?? "",
    email: emailOf(p.email ?? p.contact_email),
    customer: p.customer ? mapEmbeddedCustomer(p.customer) : null,
    currency,
    totalPrice: shopMoney(p.total_price_set, p.total_price, currency),
    subtotalPrice: shopMoney(p.subtotal_price_set, p.subtotal_price, currency),
    totalDiscounts: shopMoney(p.total_discounts_set, p.total_discounts, currency),
    totalTax: shopMoney(p.total_tax_set, p.total_tax, currency),
    totalShipping: shipping,
    presentmentCurrency: presentment?.currency_code.toUpperCase() ?? p.presentment_currency?.toUpperCase() ?? null,
    presentmentTotalPrice: presentment ? toMinorUnits(presentment.amount, presentment.currency_code) : null,
    discountCodes: (p.discount_codes ?? []).map((d) => d.code),
    landingSite: p.landing_site,
    referringSite: p.referring_site,
    sourceName: p.source_name,
    checkoutToken: p.checkout_token,
    cartToken: p.cart_token,
    financialStatus: p.financial_status,
    fulfillmentStatus: p.fulfillment_status,
    test: p.test ?? false,
    tags: splitTags(p.tags),
    processedAt: p.processed_at,
    cancelledAt: p.cancelled_at,
    cancelReason: p.cancel_reason,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    lineItems: p.line_items.map((li) => mapLineItem(li, currency)),
    ...(p.refunds ? { refunds: p.refunds.map((r) => mapRefund(r, currency)) } : {}),
  };
}

export function mapCheckout(p: CheckoutPayload): CheckoutRecord {
  const currency = (p.presentment_currency ?? p.currency).toUpperCase();
  return {
    shopifyId: p.id,
    token: p.token,
    cartToken: p.cart_token,
    email: emailOf(p.email ?? p.customer?.email),
    customer: p.customer ? mapEmbeddedCustomer(p.customer) : null,
    abandonedCheckoutUrl: p.abandoned_checkout_url,
    currency,
    totalPrice: p.total_price === null || p.total_price === undefined ? 0 : toMinorUnits(p.total_price, currency),
    lineItems: p.line_items.map((li) => ({
      productShopifyId: li.product_id ?? null,
      variantShopifyId: li.variant_id ?? null,
      title: li.title ?? "",
      variantTitle: li.variant_title,
      quantity: li.quantity,
      price: toMinorUnits(li.price, currency),
    })),
    completedAt: p.completed_at,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}

/** HTML to plain text (enough for product descriptions: tags dropped, entities for the common few). */
export function htmlToText(html: string | null): string {
  if (!html) return "";
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

function mapStatus(status: string | null): ProductStatus {
  const s = (status ?? "active").toUpperCase();
  return s === "DRAFT" || s === "ARCHIVED" ? s : "ACTIVE";
}

export function mapProduct(p: ProductPayload, shopCurrency: string): ProductRecord {
  const currency = shopCurrency.toUpperCase();
  const variants: VariantRecord[] = p.variants.map((v, i) => {
    const tracked = Boolean(v.inventory_management);
    const qty = v.inventory_quantity ?? null;
    return {
      shopifyId: v.id,
      title: v.title ?? "",
      sku: v.sku,
      price: toMinorUnits(v.price, currency),
      compareAtPrice: v.compare_at_price === null || v.compare_at_price === undefined || v.compare_at_price === "" ? null : toMinorUnits(v.compare_at_price, currency),
      inventoryQuantity: qty,
      available: !tracked || v.inventory_policy === "continue" || (qty ?? 0) > 0,
      position: v.position ?? i + 1,
    };
  });
  const images = [...(p.images ?? [])].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  return {
    shopifyId: p.id,
    title: p.title,
    handle: p.handle,
    description: htmlToText(p.body_html),
    productType: p.product_type ?? "",
    vendor: p.vendor ?? "",
    status: mapStatus(p.status),
    tags: splitTags(p.tags),
    imageUrl: p.image?.src ?? images[0]?.src ?? null,
    currency,
    variants,
    publishedAt: p.published_at,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}
