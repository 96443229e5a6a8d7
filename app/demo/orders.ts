// Demo orders: baskets drawn from the catalog by popularity, discount codes,
// shipping and tax, plus the later life of some orders (refunds, cancellations).
import type { Rng } from "./prng";
import type { Catalog, CatalogEntry } from "./catalog";
import { embeddedCustomer, type CustomerPlan } from "./customers";
import { gid, uuid, type IdAllocator } from "./ids";
import { moneySet, orderTotals, toMoney } from "./money";
import { shopTimestamp, DAY } from "./shop-time";
import { isBlackFridayWeek } from "./timing";
import type { DemoWebhook, RestLineItem, RestOrder, RestRefund } from "./types";
import { TRAFFIC_SOURCES } from "./vocabulary";

export interface OrderOptions {
  now: number;
  currency: string;
  shopDomain: string;
  /** Mean extra lines beyond the first (Poisson). */
  extraLines?: number;
  refundShare?: number;
  cancelShare?: number;
}

export interface GeneratedOrders {
  orders: RestOrder[]; // final state
  webhooks: DemoWebhook[];
  /** Plan index of each order's customer, aligned with `orders`. */
  customerOf: number[];
}

function sampler(entries: CatalogEntry[]): (rng: Rng) => CatalogEntry {
  const cumulative: number[] = [];
  let total = 0;
  for (const e of entries) cumulative.push((total += e.popularity));
  return (rng) => {
    const r = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return entries[lo]!;
  };
}

function discountFor(rng: Rng, at: number, orderIndex: number): { code: string; percent: number } | null {
  if (isBlackFridayWeek(at) && rng.chance(0.45)) return { code: "BFCM25", percent: 25 };
  if (orderIndex === 0 && rng.chance(0.14)) return { code: "WELCOME10", percent: 10 };
  if (orderIndex > 0 && rng.chance(0.1)) return { code: "LOYAL15", percent: 15 };
  if (rng.chance(0.03)) return { code: "SPRING20", percent: 20 };
  return null;
}

export function generateOrders(rng: Rng, ids: IdAllocator, plans: CustomerPlan[], catalog: Catalog, opts: OrderOptions): GeneratedOrders {
  const pickProduct = sampler(catalog.sellable);
  const slots: { plan: number; at: number; index: number }[] = [];
  plans.forEach((p, plan) => p.orderTimes.forEach((at, index) => slots.push({ plan, at, index })));
  slots.sort((a, b) => a.at - b.at || a.plan - b.plan);
  const sources = TRAFFIC_SOURCES.map((s) => [s, s[2]] as const);
  const orders: RestOrder[] = [];
  const webhooks: DemoWebhook[] = [];
  const customerOf: number[] = [];
  const cur = opts.currency;

  slots.forEach((slot, k) => {
    const plan = plans[slot.plan]!;
    const id = ids.next("order");
    const number = 1001 + k;
    const at = shopTimestamp(slot.at);
    const lineCount = Math.min(8, 1 + rng.poisson(opts.extraLines ?? 0.8));
    const chosen = new Map<number, CatalogEntry>();
    for (let i = 0; i < lineCount * 3 && chosen.size < lineCount; i++) {
      const e = pickProduct(rng);
      chosen.set(e.product.id, e);
    }
    const discount = discountFor(rng, slot.at, slot.index);
    let itemsTotal = 0;
    const lines = [...chosen.values()].map((entry) => {
      const variant = rng.pick(entry.product.variants);
      const quantity = rng.weighted([[1, 0.8], [2, 0.12], [3, 0.04], [4, 0.02], [6, 0.02]] as const);
      const unit = Math.round(Number(variant.price) * 100);
      itemsTotal += unit * quantity;
      return { entry, variant, quantity, unit };
    });
    const discountTotal = discount ? Math.round((itemsTotal * discount.percent) / 100) : 0;
    let allocated = 0;
    const lineItems: RestLineItem[] = lines.map(({ entry, variant, quantity, unit }, i) => {
      const lineId = ids.next("lineItem");
      const share = i === lines.length - 1 ? discountTotal - allocated : Math.round((discountTotal * unit * quantity) / Math.max(1, itemsTotal));
      allocated += share;
      const variantTitle = variant.title === "Default Title" ? null : variant.title;
      return {
        id: lineId,
        product_id: entry.product.id,
        variant_id: variant.id,
        title: entry.product.title,
        variant_title: variantTitle,
        name: variantTitle ? `${entry.product.title} - ${variantTitle}` : entry.product.title,
        sku: variant.sku,
        vendor: entry.product.vendor,
        quantity,
        current_quantity: quantity,
        fulfillable_quantity: 0,
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
    const subtotal = itemsTotal - discountTotal;
    const domestic = plan.address.country_code === "US";
    const shipping = subtotal >= 7500 ? 0 : domestic ? 695 : 1495;
    const tax = domestic ? Math.round(subtotal * 0.07) : 0;
    const total = subtotal + shipping + tax;
    const [referring, utm] = rng.weighted(sources);
    const landingProduct = lines[0]!.entry.product.handle;
    const landing = rng.chance(0.45) ? `/products/${landingProduct}${utm}` : `/${utm}`;
    const checkoutToken = rng.hex(32);
    const order: RestOrder = {
      id,
      admin_graphql_api_id: gid("Order", id),
      name: `#${number}`,
      number: number - 1000,
      order_number: number,
      token: rng.hex(32),
      email: plan.customer.email,
      contact_email: plan.customer.email,
      ...orderTotals({ total, subtotal, itemsTotal, discountTotal, tax, shipping }, cur),
      discount_codes: discount ? [{ code: discount.code, amount: toMoney(discountTotal), type: "percentage" }] : [],
      financial_status: "paid",
      fulfillment_status: null,
      landing_site: landing,
      referring_site: referring,
      source_name: "web",
      checkout_token: checkoutToken,
      cart_token: rng.hex(32),
      browser_ip: `198.51.100.${rng.int(1, 254)}`,
      buyer_accepts_marketing: plan.customer.email_marketing_consent.state === "subscribed",
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
      customer: embeddedCustomer(plan.customer),
      billing_address: plan.address,
      shipping_address: plan.address,
      line_items: lineItems,
      shipping_lines: [{ id: ids.next("shippingLine"), title: shipping === 0 ? "Free Shipping" : "Standard", code: "Standard", price: toMoney(shipping), price_set: moneySet(shipping, cur), source: "shopify" }],
      refunds: [],
    };
    webhooks.push({ topic: "orders/create", at: slot.at, eventId: uuid(rng), payload: order });
    const final = laterLife(rng, ids, order, slot.at, opts, webhooks);
    orders.push(final);
    customerOf.push(slot.plan);
  });
  return { orders, webhooks, customerOf };
}

export function refundOf(ids: IdAllocator, order: RestOrder, lines: RestLineItem[], atMs: number, note: string, restockType: "return" | "cancel"): RestRefund {
  const id = ids.next("refund");
  const at = shopTimestamp(atMs);
  const refundLines = lines.map((li) => {
    const discount = li.discount_allocations.reduce((s, d) => s + Math.round(Number(d.amount) * 100), 0);
    const subtotal = Math.round(Number(li.price) * 100) * li.quantity - discount;
    return { id: ids.next("refundLine"), line_item_id: li.id, quantity: li.quantity, restock_type: restockType, subtotal: toMoney(subtotal), total_tax: "0.00", line_item: li };
  });
  const whole = lines.length === order.line_items.length;
  const amount = whole
    ? Math.round(Number(order.total_price) * 100)
    : refundLines.reduce((s, l) => s + Math.round(Number(l.subtotal) * 100), 0);
  return {
    id,
    order_id: order.id,
    created_at: at,
    processed_at: at,
    note,
    restock: true,
    user_id: null,
    refund_line_items: refundLines,
    transactions: [{ id: ids.next("transaction"), order_id: order.id, kind: "refund", status: "success", amount: toMoney(amount), currency: order.currency, gateway: "shopify_payments", created_at: at }],
    order_adjustments: [],
    admin_graphql_api_id: gid("Refund", id),
  };
}

/** Fulfilment, refunds and cancellations after creation; returns the final order. */
function laterLife(rng: Rng, ids: IdAllocator, created: RestOrder, atMs: number, opts: OrderOptions, webhooks: DemoWebhook[]): RestOrder {
  let order = created;
  const update = (ms: number, change: Partial<RestOrder>) => {
    order = { ...order, ...change, updated_at: shopTimestamp(ms) };
  };
  if (rng.chance(opts.cancelShare ?? 0.015)) {
    const cancelMs = atMs + rng.int(10, 36 * 60) * 60_000;
    if (cancelMs >= opts.now) return order;
    const refund = refundOf(ids, order, order.line_items, cancelMs, "Order cancelled", "cancel");
    update(cancelMs, {
      cancelled_at: shopTimestamp(cancelMs),
      cancel_reason: rng.pick(["customer", "customer", "inventory", "fraud"] as const),
      financial_status: "refunded",
      current_total_price: "0.00",
      closed_at: shopTimestamp(cancelMs),
      refunds: [refund],
    });
    webhooks.push({ topic: "refunds/create", at: cancelMs, eventId: uuid(rng), payload: refund });
    webhooks.push({ topic: "orders/cancelled", at: cancelMs, eventId: uuid(rng), payload: order });
    webhooks.push({ topic: "orders/updated", at: cancelMs + 1000, eventId: uuid(rng), payload: order });
    return order;
  }
  const fulfilMs = atMs + rng.int(6, 72) * 3_600_000;
  if (fulfilMs < opts.now) {
    update(fulfilMs, { fulfillment_status: "fulfilled" });
    order = { ...order, line_items: order.line_items.map((li) => ({ ...li, fulfillable_quantity: 0 })) };
    // Only recent fulfilments are replayed as orders/updated (keeps the demo's replay short).
    if (atMs > opts.now - 30 * DAY) webhooks.push({ topic: "orders/updated", at: fulfilMs, eventId: uuid(rng), payload: order });
  }
  if (rng.chance(opts.refundShare ?? 0.05)) {
    const refundMs = fulfilMs + rng.int(3, 30) * DAY;
    if (refundMs >= opts.now) return order;
    const partial = order.line_items.length > 1 && rng.chance(0.6);
    const lines = partial ? [rng.pick(order.line_items)] : order.line_items;
    const refund = refundOf(ids, order, lines, refundMs, partial ? "Returned item" : "Returned order", "return");
    const refunded = Math.round(Number(refund.transactions[0]!.amount) * 100);
    update(refundMs, {
      financial_status: partial ? "partially_refunded" : "refunded",
      current_total_price: toMoney(Math.round(Number(order.total_price) * 100) - refunded),
      refunds: [refund],
    });
    webhooks.push({ topic: "refunds/create", at: refundMs, eventId: uuid(rng), payload: refund });
    webhooks.push({ topic: "orders/updated", at: refundMs + 1000, eventId: uuid(rng), payload: order });
  }
  return order;
}
