// A small deterministic store in REST/webhook shapes, for tests of the fake and
// of the backfill (the demo has its own, larger generator).
import type { FakeStore, RestCustomer, RestOrder, RestProduct } from "./types";

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const CONSENT = ["subscribed", "not_subscribed", "unsubscribed", "pending"] as const;
const LEVELS = ["single_opt_in", "confirmed_opt_in", "unknown"] as const;

export interface SampleStoreOptions {
  seed?: number;
  products?: number; // every 5th is a draft
  customers?: number;
  /** Orders inside the last 365 days. */
  orders?: number;
  /** Extra orders older than 365 days (outside the backfill window). */
  oldOrders?: number;
  now?: Date;
  currency?: string;
  /** Line items of the first order (tests pagination of line items). */
  firstOrderLines?: number;
}

const money = (amount: string, currency: string) => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});

export function sampleStore(options: SampleStoreOptions = {}): FakeStore {
  const r = rng(options.seed ?? 42);
  const now = options.now ?? new Date();
  const currency = options.currency ?? "USD";
  const day = 86_400_000;
  const iso = (t: number) => new Date(t).toISOString();
  const products: RestProduct[] = [];
  for (let i = 1; i <= (options.products ?? 20); i++) {
    const id = 7_000_000_000_000 + i;
    const created = now.getTime() - (400 - i) * day;
    products.push({
      id,
      title: `Product ${i}`,
      handle: `product-${i}`,
      body_html: `<p>Description of product ${i}</p>`,
      product_type: ["Tea", "Mugs", "Kettles"][i % 3]!,
      vendor: "Loopwise Test",
      status: i % 5 === 0 ? "draft" : "active",
      tags: i % 2 ? "bestseller, gift" : "",
      created_at: iso(created),
      updated_at: iso(created + day),
      published_at: i % 5 === 0 ? null : iso(created),
      image: { id: 100 + i, src: `https://cdn.example.com/p${i}.jpg` },
      collections: [{ id: 900 + (i % 3), handle: `col-${i % 3}`, title: `Collection ${i % 3}` }],
      variants: Array.from({ length: 1 + (i % 3) }, (_, v) => ({
        id: 40_000_000_000_000 + i * 10 + v,
        product_id: id,
        title: v === 0 ? "Small" : v === 1 ? "Medium" : "Large",
        sku: `SKU-${i}-${v}`,
        price: (5 + i + v * 2.5).toFixed(2),
        compare_at_price: v === 0 ? null : (10 + i).toFixed(2),
        inventory_quantity: Math.floor(r() * 50),
        position: v + 1,
      })),
    });
  }
  const customers: RestCustomer[] = [];
  for (let i = 1; i <= (options.customers ?? 30); i++) {
    const created = now.getTime() - Math.floor(r() * 500) * day;
    const state = CONSENT[i % CONSENT.length]!;
    customers.push({
      id: 6_000_000_000_000 + i,
      email: i % 17 === 0 ? null : `customer${i}@example.com`,
      first_name: `First${i}`,
      last_name: `Last${i}`,
      phone: null,
      state: "enabled",
      tags: i % 4 === 0 ? "vip" : "",
      created_at: iso(created),
      updated_at: iso(created + day),
      email_marketing_consent: i % 17 === 0 ? null : { state, opt_in_level: state === "subscribed" ? LEVELS[i % 2]! : null, consent_updated_at: iso(created) },
      default_address: { country_code: i % 2 ? "US" : "GB", province: null, city: `City ${i % 5}`, zip: "12345" },
    });
  }
  const orders: RestOrder[] = [];
  const total = (options.orders ?? 40) + (options.oldOrders ?? 0);
  for (let i = 1; i <= total; i++) {
    const old = i > (options.orders ?? 40);
    const age = old ? 370 + Math.floor(r() * 300) : Math.floor(r() * 360);
    const created = now.getTime() - age * day - Math.floor(r() * day);
    const active = products.filter((p) => p.status === "active");
    const nLines = i === 1 && options.firstOrderLines ? options.firstOrderLines : 1 + Math.floor(r() * 3);
    const lines = Array.from({ length: nLines }, (_, k) => {
      const p = active[(i + k) % active.length]!;
      const v = p.variants[0]!;
      const qty = 1 + Math.floor(r() * 2);
      return { id: 30_000_000_000_000 + i * 100 + k, product_id: p.id, variant_id: v.id, title: p.title, variant_title: v.title ?? null, sku: v.sku ?? null, quantity: qty, price: v.price, price_set: money(v.price, currency), total_discount: "0.00", total_discount_set: money("0.00", currency) };
    });
    const subtotal = lines.reduce((s, l) => s + Math.round(Number(l.price) * 100) * l.quantity, 0);
    const shipping = 499;
    const tax = Math.round(subtotal * 0.08);
    const totalCents = subtotal + shipping + tax;
    const c = customers[(i * 7) % customers.length]!;
    const refunded = i % 9 === 0;
    orders.push({
      id: 5_000_000_000_000 + i,
      name: `#${1000 + i}`,
      email: c.email ?? null,
      created_at: iso(created),
      updated_at: iso(created + 3600_000),
      processed_at: iso(created),
      cancelled_at: null,
      currency,
      presentment_currency: currency,
      total_price: (totalCents / 100).toFixed(2),
      subtotal_price: (subtotal / 100).toFixed(2),
      total_discounts: "0.00",
      total_tax: (tax / 100).toFixed(2),
      total_price_set: money((totalCents / 100).toFixed(2), currency),
      subtotal_price_set: money((subtotal / 100).toFixed(2), currency),
      total_discounts_set: money("0.00", currency),
      total_tax_set: money((tax / 100).toFixed(2), currency),
      total_shipping_price_set: money((shipping / 100).toFixed(2), currency),
      discount_codes: i % 6 === 0 ? [{ code: "WELCOME10", amount: "1.00", type: "fixed_amount" }] : [],
      landing_site: `/products/product-${(i % 10) + 1}?utm_source=newsletter`,
      referring_site: i % 2 ? "https://www.google.com/" : null,
      source_name: "web",
      checkout_token: `chk${i}`,
      cart_token: `cart${i}`,
      financial_status: refunded ? "partially_refunded" : "paid",
      fulfillment_status: i % 3 ? "fulfilled" : null,
      test: false,
      tags: "",
      customer: { id: c.id, email: c.email, first_name: c.first_name, last_name: c.last_name },
      line_items: lines,
      refunds: refunded ? [{ id: 80_000_000_000 + i, created_at: iso(created + 2 * day), transactions: [{ amount: "2.50", kind: "refund", status: "success" }] }] : [],
    });
  }
  return { shop: { name: "Test Shop", currency, iana_timezone: "Europe/London" }, products, customers, orders };
}
