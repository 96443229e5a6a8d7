// The demo's shoppers after the emails: who buys, when, and how the order
// shows it. Pure: engagement in (what a recipient did with one email, read
// back from the database), order, refund and checkout payloads out, in
// Shopify's REST webhook shapes; purchases.server.ts sends them through the
// app's real webhook routes at the demo's simulated time.
//
// How an emailed shopper may come back (each is one attribution rule):
//   discount-code   types the single-use code their email carried (after opening or clicking it)
//   checkout-token  completes the abandoned checkout a cart-recovery email was about
//   click-token     buys in the visit a link in the email started (landing_site carries `lw=` and the UTM tags)
//   last-click      clicked, left, and comes back directly within days (no token on the visit)
// and orders no email earned: shoppers who got no email, and a clicker who
// returns long after the attribution window.
//
// Draws are seeded per (seed, flow, step, customer), so a run does not depend
// on message ids. The first engagement that can show a rule not yet shown
// buys that way, so every rule appears even in a small demo; after that a
// share of engaged recipients buy (DEMO_PURCHASE_SHARES).
import { embeddedCustomer } from "./customers";
import { gid, uuid, type IdAllocator } from "./ids";
import { checkoutTotals, moneySet, orderTotals, toMoney } from "./money";
import { refundOf } from "./orders";
import { createRng, type Rng } from "./prng";
import { shopTimestamp } from "./shop-time";
import type { DemoWebhook, RestCheckout, RestCheckoutLineItem, RestCustomer, RestLineItem, RestOrder, RestProduct } from "./types";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const PURCHASE_INTENTS = ["discount-code", "checkout-token", "click-token", "last-click"] as const;
export type PurchaseIntent = (typeof PURCHASE_INTENTS)[number];

/** What one recipient did with one email (human opens only; machine opens are no one's interest). */
export interface Engagement {
  messageId: string;
  /** The customer's Shopify id. */
  customerId: number;
  flowType: string;
  step: number;
  sentAtMs: number;
  openedAtMs: number | null;
  click: { atMs: number; url: string } | null;
  /** The discount code the email carried (its Offer), if any. */
  offer: { code: string; kind: string; value: number } | null;
  /** The checkout a cart-recovery email was about. */
  checkoutToken: string | null;
}

export interface PurchaseShares {
  /** Of recipients who clicked. */
  afterClick: number;
  /** Of recipients who opened an email with a code or about their cart, without clicking. */
  afterOpen: number;
}

export const DEMO_PURCHASE_SHARES: PurchaseShares = { afterClick: 0.35, afterOpen: 0.12 };

export interface PurchaseChoice {
  intent: PurchaseIntent;
  messageId: string;
  customerId: number;
  atMs: number;
  /** The order's landing_site: the clicked link's path and query (with `lw` and UTM), or a direct visit. */
  landingSite: string;
  referringSite: string;
  discount: { code: string; kind: string; value: number } | null;
  checkoutToken: string | null;
  /** What happens to the order later: a return (refund) or a cancellation. */
  after: "refund" | "cancel" | null;
}

/** The path and query of a clicked link, as Shopify records a visit's landing_site. */
export function landingSiteOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return "/";
  }
}

/** Which recipients buy after their emails, and how. One order per customer. */
export class PurchasePlanner {
  private readonly buyers = new Set<number>();
  readonly counts: Record<PurchaseIntent, number> = { "discount-code": 0, "checkout-token": 0, "click-token": 0, "last-click": 0 };
  private repeats = 0;

  constructor(
    private readonly seed: number,
    private readonly shares: PurchaseShares = DEMO_PURCHASE_SHARES,
  ) {}

  /** Customers who already bought in the demo (they are not chosen again). */
  hasBought(customerId: number): boolean {
    return this.buyers.has(customerId);
  }

  /** A customer who bought for another reason (an order no email earned): not chosen again. */
  markBought(customerId: number): void {
    this.buyers.add(customerId);
  }

  /** Engagements in a stable order (first touch, then flow, step, customer), as `consider` should see them. */
  static order(engagements: readonly Engagement[]): Engagement[] {
    const touch = (e: Engagement) => e.click?.atMs ?? e.openedAtMs ?? e.sentAtMs;
    return [...engagements].sort((a, b) => touch(a) - touch(b) || a.flowType.localeCompare(b.flowType) || a.step - b.step || a.customerId - b.customerId);
  }

  consider(e: Engagement): PurchaseChoice | null {
    if (this.buyers.has(e.customerId)) return null;
    const rng = createRng(`purchase:${this.seed}:${e.flowType}:${e.step}:${e.customerId}`);
    const touch = e.click?.atMs ?? e.openedAtMs;
    if (touch === null) return null;
    const minutes = (lo: number, hi: number) => rng.int(lo, hi) * MINUTE;
    const options: Array<{ intent: PurchaseIntent; atMs: number; weight: number }> = [];
    if (e.offer) options.push({ intent: "discount-code", atMs: touch + minutes(5, 180), weight: 3 });
    if (e.checkoutToken) options.push({ intent: "checkout-token", atMs: touch + minutes(3, 60), weight: 3 });
    if (e.click) {
      options.push({ intent: "click-token", atMs: e.click.atMs + minutes(2, 45), weight: 2 });
      // Back within the window, not through the email: 3 hours to 4 days later.
      options.push({ intent: "last-click", atMs: e.click.atMs + minutes(3 * 60, 4 * 24 * 60), weight: 1 });
    }
    if (options.length === 0) return null;
    const unshown = options.find((o) => this.counts[o.intent] === 0);
    let chosen = unshown;
    if (!chosen) {
      if (!rng.chance(e.click ? this.shares.afterClick : this.shares.afterOpen)) return null;
      chosen = rng.weighted(options.map((o) => [o, o.weight] as const));
    }
    const viaLink = e.click !== null && chosen.intent !== "last-click";
    // A rule's first example stays whole; of the repeats, the first is cancelled and the second returned.
    const repeat = this.counts[chosen.intent] > 0 ? this.repeats++ : -1;
    this.counts[chosen.intent]++;
    this.buyers.add(e.customerId);
    return {
      intent: chosen.intent,
      messageId: e.messageId,
      customerId: e.customerId,
      atMs: chosen.atMs,
      landingSite: viaLink ? landingSiteOf(e.click!.url) : "/",
      referringSite: "",
      discount: chosen.intent === "discount-code" ? e.offer : null,
      checkoutToken: chosen.intent === "checkout-token" ? e.checkoutToken : null,
      // One cancellation, and a few returns.
      after: repeat === 0 ? "cancel" : repeat === 1 || rng.chance(0.1) ? "refund" : null,
    };
  }
}

/**
 * A clicker who comes back long after the attribution window (default 5 days):
 * 6 to 9 days after their last click, directly. No rule may credit it.
 */
export function longAfterMs(rng: Rng, lastClickMs: number, windowDays = 5): number {
  return lastClickMs + (windowDays + 1) * DAY + rng.int(0, 3 * 24 * 60) * MINUTE;
}

/** Products a live basket can hold. */
export function sellable(products: readonly RestProduct[]): RestProduct[] {
  return products.filter((p) => p.status === "active" && p.variants.length > 0);
}

export interface OrderInput {
  customer: RestCustomer;
  atMs: number;
  /** The order number (#1001 onwards): the live orders continue the history's numbering. */
  number: number;
  currency: string;
  discount: { code: string; kind: string; value: number } | null;
  landingSite: string;
  referringSite: string;
  /** The checkout this order completes (cart recovery), else a new one. */
  checkout: RestCheckout | null;
}

/** One order, as orders/create carries it: the checkout's lines, or a basket of 1 to 3 products. */
export function buildOrder(rng: Rng, ids: IdAllocator, products: readonly RestProduct[], input: OrderInput): RestOrder {
  const cur = input.currency;
  const byId = new Map(products.map((p) => [p.id, p]));
  const picks: Array<{ product: RestProduct; variant: RestProduct["variants"][number]; quantity: number }> = [];
  for (const line of input.checkout?.line_items ?? []) {
    const product = byId.get(line.product_id);
    const variant = product?.variants.find((v) => v.id === line.variant_id);
    if (product && variant) picks.push({ product, variant, quantity: line.quantity });
  }
  if (picks.length === 0) {
    const pool = sellable(products);
    const count = rng.weighted([[1, 0.6], [2, 0.3], [3, 0.1]] as const);
    const seen = new Set<number>();
    for (let i = 0; i < count * 3 && picks.length < count; i++) {
      const product = rng.pick(pool);
      if (seen.has(product.id)) continue;
      seen.add(product.id);
      picks.push({ product, variant: rng.pick(product.variants), quantity: rng.weighted([[1, 0.85], [2, 0.12], [3, 0.03]] as const) });
    }
  }
  const itemsTotal = picks.reduce((s, p) => s + Math.round(Number(p.variant.price) * 100) * p.quantity, 0);
  const d = input.discount;
  const discountTotal = !d ? 0 : d.kind === "percentage" ? Math.round((itemsTotal * d.value) / 100) : d.kind === "fixed-amount" ? Math.min(itemsTotal, d.value) : 0;
  let allocated = 0;
  const lineItems: RestLineItem[] = picks.map(({ product, variant, quantity }, i) => {
    const lineId = ids.next("lineItem");
    const unit = Math.round(Number(variant.price) * 100);
    const share = i === picks.length - 1 ? discountTotal - allocated : Math.round((discountTotal * unit * quantity) / Math.max(1, itemsTotal));
    allocated += share;
    const variantTitle = variant.title === "Default Title" ? null : variant.title;
    return {
      id: lineId,
      product_id: product.id,
      variant_id: variant.id,
      title: product.title,
      variant_title: variantTitle,
      name: variantTitle ? `${product.title} - ${variantTitle}` : product.title,
      sku: variant.sku,
      vendor: product.vendor,
      quantity,
      current_quantity: quantity,
      fulfillable_quantity: quantity,
      price: variant.price,
      price_set: moneySet(unit, cur),
      total_discount: "0.00",
      total_discount_set: moneySet(0, cur),
      discount_allocations: share > 0 ? [{ amount: toMoney(share), amount_set: moneySet(share, cur), discount_application_index: 0 }] : [],
      grams: variant.grams,
      requires_shipping: true,
      taxable: true,
      gift_card: false,
      product_exists: true,
      admin_graphql_api_id: gid("LineItem", lineId),
    };
  });
  const address = input.customer.default_address;
  const subtotal = itemsTotal - discountTotal;
  const domestic = (address?.country_code ?? "US") === "US";
  const freeShipping = d?.kind === "free-shipping" || subtotal >= 7500;
  const shipping = freeShipping ? 0 : domestic ? 695 : 1495;
  const tax = domestic ? Math.round(subtotal * 0.07) : 0;
  const total = subtotal + shipping + tax;
  const id = ids.next("order");
  const at = shopTimestamp(input.atMs);
  if (!address) throw new Error(`demo customer ${input.customer.id} has no address`);
  const shippingAddress = { first_name: address.first_name, last_name: address.last_name, address1: address.address1, address2: address.address2, city: address.city, province: address.province, province_code: address.province_code, country: address.country, country_code: address.country_code, zip: address.zip, phone: address.phone, company: address.company, name: address.name };
  return {
    id,
    admin_graphql_api_id: gid("Order", id),
    name: `#${input.number}`,
    number: input.number - 1000,
    order_number: input.number,
    token: rng.hex(32),
    email: input.customer.email,
    contact_email: input.customer.email,
    ...orderTotals({ total, subtotal, itemsTotal, discountTotal, tax, shipping }, cur),
    discount_codes: d ? [{ code: d.code, amount: toMoney(d.kind === "free-shipping" ? 0 : discountTotal), type: d.kind === "fixed-amount" ? "fixed_amount" : d.kind === "free-shipping" ? "shipping" : "percentage" }] : [],
    financial_status: "paid",
    fulfillment_status: null,
    landing_site: input.landingSite,
    referring_site: input.referringSite,
    source_name: "web",
    checkout_token: input.checkout?.token ?? rng.hex(32),
    cart_token: input.checkout?.cart_token ?? rng.hex(32),
    browser_ip: `198.51.100.${rng.int(1, 254)}`,
    buyer_accepts_marketing: input.customer.email_marketing_consent.state === "subscribed",
    customer_locale: "en",
    test: false,
    tags: "",
    confirmed: true,
    processed_at: at,
    created_at: at,
    updated_at: at,
    cancelled_at: null,
    cancel_reason: null,
    closed_at: null,
    customer: embeddedCustomer(input.customer),
    billing_address: shippingAddress,
    shipping_address: shippingAddress,
    line_items: lineItems,
    shipping_lines: [{ id: ids.next("shippingLine"), title: shipping === 0 ? "Free Shipping" : "Standard", code: "Standard", price: toMoney(shipping), price_set: moneySet(shipping, cur), source: "shopify" }],
    refunds: [],
  };
}

/** The webhooks of an order's creation and later life (a return days later, or a cancellation within hours). */
export function orderWebhooks(rng: Rng, ids: IdAllocator, order: RestOrder, atMs: number, after: PurchaseChoice["after"]): DemoWebhook[] {
  const hooks: DemoWebhook[] = [{ topic: "orders/create", at: atMs, eventId: uuid(rng), payload: order }];
  if (after === "cancel") {
    const cancelMs = atMs + rng.int(20, 8 * 60) * MINUTE;
    const refund = refundOf(ids, order, order.line_items, cancelMs, "Order cancelled", "cancel");
    const at = shopTimestamp(cancelMs);
    const cancelled: RestOrder = { ...order, cancelled_at: at, cancel_reason: "customer", financial_status: "refunded", current_total_price: "0.00", closed_at: at, updated_at: at, refunds: [refund] };
    hooks.push({ topic: "refunds/create", at: cancelMs, eventId: uuid(rng), payload: refund });
    hooks.push({ topic: "orders/cancelled", at: cancelMs, eventId: uuid(rng), payload: cancelled });
  } else if (after === "refund") {
    const refundMs = atMs + rng.int(3, 9) * DAY + rng.int(0, 600) * MINUTE;
    const partial = order.line_items.length > 1;
    const lines = partial ? [rng.pick(order.line_items)] : order.line_items;
    const refund = refundOf(ids, order, lines, refundMs, partial ? "Returned item" : "Returned order", "return");
    const refunded = Math.round(Number(refund.transactions[0]!.amount) * 100);
    const updated: RestOrder = {
      ...order,
      financial_status: partial ? "partially_refunded" : "refunded",
      current_total_price: toMoney(Math.round(Number(order.total_price) * 100) - refunded),
      updated_at: shopTimestamp(refundMs + 1000),
      refunds: [refund],
    };
    hooks.push({ topic: "refunds/create", at: refundMs, eventId: uuid(rng), payload: refund });
    hooks.push({ topic: "orders/updated", at: refundMs + 1000, eventId: uuid(rng), payload: updated });
  }
  return hooks;
}

/**
 * Carts left in the hours before the demo's now by subscribed customers: the
 * cart-recovery flow, once switched on, looks back a day for them.
 */
export function freshCheckouts(
  rng: Rng,
  ids: IdAllocator,
  customers: readonly RestCustomer[],
  products: readonly RestProduct[],
  opts: { count: number; nowMs: number; currency: string; shopDomain: string; shopNumericId: number },
): { checkouts: RestCheckout[]; webhooks: DemoWebhook[] } {
  const pool = customers.filter((c) => c.email_marketing_consent.state === "subscribed" && c.email);
  const goods = sellable(products);
  const checkouts: RestCheckout[] = [];
  const webhooks: DemoWebhook[] = [];
  if (pool.length === 0 || goods.length === 0) return { checkouts, webhooks };
  const chosen = new Set<number>();
  for (let i = 0; i < opts.count && chosen.size < pool.length; i++) {
    let customer = rng.pick(pool);
    while (chosen.has(customer.id)) customer = rng.pick(pool);
    chosen.add(customer.id);
    const startedMs = opts.nowMs - rng.int(2 * 60, 20 * 60) * MINUTE;
    const lines: RestCheckoutLineItem[] = [];
    const seen = new Set<number>();
    for (let n = 0; n < 1 + rng.poisson(0.6); n++) {
      const product = rng.pick(goods);
      if (seen.has(product.id)) continue;
      seen.add(product.id);
      const variant = rng.pick(product.variants);
      const quantity = rng.chance(0.85) ? 1 : 2;
      lines.push({
        key: rng.hex(32),
        product_id: product.id,
        variant_id: variant.id,
        title: product.title,
        variant_title: variant.title === "Default Title" ? null : variant.title,
        sku: variant.sku,
        vendor: product.vendor,
        quantity,
        price: variant.price,
        line_price: toMoney(Math.round(Number(variant.price) * 100) * quantity),
        compare_at_price: variant.compare_at_price,
        requires_shipping: true,
        taxable: true,
        gift_card: false,
        grams: variant.grams,
        applied_discounts: [],
        discount_allocations: [],
        tax_lines: [],
      });
    }
    const subtotal = lines.reduce((s, l) => s + Math.round(Number(l.line_price) * 100), 0);
    const token = rng.hex(32);
    const id = ids.next("checkout");
    const created = shopTimestamp(startedMs);
    const updatedMs = startedMs + rng.int(1, 15) * MINUTE;
    const address = customer.default_address;
    const plain = address ? { first_name: address.first_name, last_name: address.last_name, address1: address.address1, address2: address.address2, city: address.city, province: address.province, province_code: address.province_code, country: address.country, country_code: address.country_code, zip: address.zip, phone: address.phone, company: address.company, name: address.name } : null;
    const base: RestCheckout = {
      id,
      token,
      cart_token: rng.hex(32),
      name: `#${id}`,
      email: customer.email,
      phone: null,
      currency: opts.currency,
      presentment_currency: opts.currency,
      buyer_accepts_marketing: true,
      customer_locale: "en",
      created_at: created,
      updated_at: created,
      completed_at: null,
      closed_at: null,
      landing_site: "/",
      referring_site: "",
      source_name: "web",
      abandoned_checkout_url: `https://${opts.shopDomain}/${opts.shopNumericId}/checkouts/ac/${token}/recover?key=${rng.hex(32)}`,
      ...checkoutTotals(subtotal),
      line_items: lines,
      shipping_lines: [],
      shipping_address: null,
      billing_address: null,
      customer: embeddedCustomer(customer),
    };
    const final: RestCheckout = { ...base, updated_at: shopTimestamp(updatedMs), shipping_address: plain, billing_address: plain };
    webhooks.push({ topic: "checkouts/create", at: startedMs, eventId: uuid(rng), payload: base });
    webhooks.push({ topic: "checkouts/update", at: updatedMs, eventId: uuid(rng), payload: final });
    checkouts.push(final);
  }
  return { checkouts, webhooks };
}

/**
 * Orders no email earned: customers who never get marketing email (not
 * subscribed), buying on their own at times spread over the demo's weeks,
 * from search or social, sometimes with a public code.
 */
export function unrelatedPurchases(
  rng: Rng,
  customers: readonly RestCustomer[],
  opts: { count: number; fromMs: number; toMs: number },
): Array<{ customer: RestCustomer; atMs: number; landingSite: string; referringSite: string; discount: { code: string; kind: string; value: number } | null }> {
  const pool = customers.filter((c) => c.email_marketing_consent.state !== "subscribed" && c.email);
  const out: ReturnType<typeof unrelatedPurchases> = [];
  const chosen = new Set<number>();
  for (let i = 0; i < opts.count && chosen.size < pool.length; i++) {
    let customer = rng.pick(pool);
    while (chosen.has(customer.id)) customer = rng.pick(pool);
    chosen.add(customer.id);
    const [landingSite, referringSite] = rng.weighted([
      [["/", ""], 0.35],
      [["/", "https://www.google.com/"], 0.3],
      [["/?utm_source=instagram&utm_medium=social", "https://www.instagram.com/"], 0.2],
      [["/?utm_source=facebook&utm_medium=paid_social&utm_campaign=prospecting", "https://www.facebook.com/"], 0.15],
    ] as const);
    out.push({
      customer,
      atMs: opts.fromMs + Math.floor(rng.next() * (opts.toMs - opts.fromMs)),
      landingSite,
      referringSite,
      // A public code from the shop's own promotions: no Offer row, no email credited.
      discount: rng.chance(0.2) ? { code: "SPRING20", kind: "percentage", value: 20 } : null,
    });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}
