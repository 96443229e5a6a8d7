// A few rows of store data, sent the way Shopify sends them: signed webhooks
// (orders, customers, products, checkouts) and Web Pixel events, through the
// app's real routes. The expected home-page figures are derived here.
import { randomUUID } from "node:crypto";
import { signWebhookBody } from "../../app/core/shopify/hmac";
import { API_VERSION } from "../../app/core/shopify-api-version";
import { TEST_API_SECRET } from "../setup/test-config";

const DAY = 24 * 3600_000;
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
const money = (amount: string) => ({
  shop_money: { amount, currency_code: "USD" },
  presentment_money: { amount, currency_code: "USD" },
});

const customers = [
  { id: 7001, email: "ada@example.com", first_name: "Ada", last_name: "Lovelace", consent: "subscribed" },
  { id: 7002, email: "alan@example.com", first_name: "Alan", last_name: "Turing", consent: "subscribed" },
  { id: 7003, email: "grace@example.com", first_name: "Grace", last_name: "Hopper", consent: "not_subscribed" },
].map((c) => ({
  id: c.id,
  email: c.email,
  first_name: c.first_name,
  last_name: c.last_name,
  state: "enabled",
  tags: "",
  created_at: iso(90 * DAY),
  updated_at: iso(DAY),
  email_marketing_consent: { state: c.consent, opt_in_level: "single_opt_in", consent_updated_at: iso(30 * DAY) },
}));

const products = [
  { id: 8001, title: "Merino Beanie", handle: "merino-beanie", price: "29.95" },
  { id: 8002, title: "Trail Jacket", handle: "trail-jacket", price: "120.00" },
].map((p, i) => ({
  id: p.id,
  title: p.title,
  handle: p.handle,
  status: "active",
  product_type: "Apparel",
  vendor: "E2E Outfitters",
  tags: "",
  created_at: iso(200 * DAY),
  updated_at: iso(2 * DAY),
  published_at: iso(200 * DAY),
  variants: [{ id: 9001 + i, product_id: p.id, title: "Default Title", price: p.price, inventory_quantity: 12, position: 1 }],
  image: null,
}));

function order(id: number, customer: (typeof customers)[number], product: (typeof products)[number], daysAgo: number) {
  const price = product.variants[0]!.price;
  return {
    id,
    name: `#${id}`,
    email: customer.email,
    created_at: iso(daysAgo * DAY),
    updated_at: iso(daysAgo * DAY),
    processed_at: iso(daysAgo * DAY),
    cancelled_at: null,
    currency: "USD",
    presentment_currency: "USD",
    total_price: price,
    subtotal_price: price,
    total_discounts: "0.00",
    total_tax: "0.00",
    total_price_set: money(price),
    subtotal_price_set: money(price),
    total_discounts_set: money("0.00"),
    total_tax_set: money("0.00"),
    total_shipping_price_set: money("0.00"),
    financial_status: "paid",
    source_name: "web",
    test: false,
    tags: "",
    discount_codes: [],
    customer: { id: customer.id, email: customer.email },
    line_items: [
      { id: id * 10, product_id: product.id, variant_id: product.variants[0]!.id, title: product.title, quantity: 1, price, price_set: money(price) },
    ],
    refunds: [],
  };
}

const orders = [order(5001, customers[0]!, products[1]!, 20), order(5002, customers[1]!, products[0]!, 3)];

const checkout = {
  id: 6001,
  token: "e2e-checkout-token-1",
  cart_token: "e2e-cart-1",
  email: customers[2]!.email,
  currency: "USD",
  total_price: "29.95",
  created_at: iso(2 * DAY),
  updated_at: iso(2 * DAY),
  completed_at: null,
  abandoned_checkout_url: "https://e2e-store.myshopify.com/checkouts/e2e/recover",
  customer: { id: customers[2]!.id },
  line_items: [{ product_id: 8001, variant_id: 9001, title: "Merino Beanie", quantity: 1, price: "29.95" }],
};

/** What the home page must show once the seed is in. */
export const EXPECTED = {
  customers: "3",
  subscribed: "2",
  orders: "2",
  revenue: "$149.95",
  products: "2",
  checkouts: "1",
  browseEvents: "3",
  customerNames: ["Ada Lovelace", "Alan Turing", "Grace Hopper"],
};

export async function sendWebhook(appUrl: string, shop: string, uri: string, topic: string, payload: unknown, secret = TEST_API_SECRET) {
  const body = JSON.stringify(payload);
  return fetch(appUrl + uri, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "Shopify-Captain-Hook",
      "x-shopify-topic": topic,
      "x-shopify-hmac-sha256": signWebhookBody(body, secret),
      "x-shopify-shop-domain": shop,
      "x-shopify-api-version": API_VERSION,
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": randomUUID(),
      "x-shopify-triggered-at": new Date().toISOString(),
    },
  });
}

function pixelEvent(name: string, data: Record<string, unknown>, minutesAgo: number) {
  return {
    id: randomUUID(),
    name,
    timestamp: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    clientId: "e2e-browser-1",
    context: { document: { location: { href: "https://e2e-store.myshopify.com/products/merino-beanie" } } },
    data,
  };
}

/** Sends the seed through the app's routes; returns the routes' statuses. */
export async function seedThroughRoutes(appUrl: string, shop: string): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  const record = async (key: string, response: Promise<Response>) => {
    const res = await response;
    await res.arrayBuffer();
    statuses[key] = Math.max(statuses[key] ?? 0, res.status);
  };
  for (const p of products) await record("products", sendWebhook(appUrl, shop, "/webhooks/products", "products/create", p));
  for (const c of customers) await record("customers", sendWebhook(appUrl, shop, "/webhooks/customers", "customers/create", c));
  for (const o of orders) await record("orders", sendWebhook(appUrl, shop, "/webhooks/orders", "orders/create", o));
  await record("checkouts", sendWebhook(appUrl, shop, "/webhooks/checkouts", "checkouts/create", checkout));
  const merino = { productVariant: { id: "gid://shopify/ProductVariant/9001", product: { id: "gid://shopify/Product/8001" } } };
  await record(
    "pixel",
    fetch(appUrl + "/pixel/events", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({
        shop,
        events: [pixelEvent("page_viewed", {}, 30), pixelEvent("product_viewed", merino, 29), pixelEvent("product_added_to_cart", { cartLine: { merchandise: merino.productVariant, quantity: 1 } }, 28)],
      }),
    }),
  );
  return statuses;
}


// ---- Delivery (tests/e2e/delivery.test.ts) ----

/** A tiny compiled email, stored the way sending stores one (gzip JSON); its HTML carries a script the page must never run. */
export const SENT_SUBJECT = "Your Merino Beanie is waiting, Ada";
export const SENT_BODY_TEXT = "We kept your Merino Beanie for you";

const gzipJson = async (value: unknown) => {
  const { gzipSync } = await import("node:zlib");
  return new Uint8Array(gzipSync(Buffer.from(JSON.stringify(value), "utf8")));
};

type DeliveryDb = import("@prisma/client").PrismaClient;

/**
 * Messages of one flow as dispatch, sending and events leave them: 3 sent (one
 * opened, one bounced), 2 skipped by smart sending, 1 by the suppression list,
 * 1 scheduled, plus a test send (never counted). Returns the id of the sent
 * one that can be viewed.
 */
export async function seedDeliveryMessages(db: DeliveryDb, shopId: string, campaignId: string, flowType: string): Promise<{ sentId: string }> {
  const templateId = `e2e-template-${shopId}`;
  await db.messageTemplate.create({
    data: {
      id: templateId,
      shopId,
      template: await gzipJson({
        subjects: ["unused"],
        previewText: "",
        html: { parts: ["<html><body><h1>Hello ", `</h1><p>${SENT_BODY_TEXT}</p><script>parent.window.__ranInEmail = 1</script></body></html>`], slots: ["firstName"] },
        text: { parts: ["", "\n"], slots: ["body"] },
        model: {},
        warnings: [],
      }),
    },
  });
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000);
  let n = 0;
  const base = (status: string, extra: Partial<import("@prisma/client").Prisma.MessageCreateManyInput> = {}): import("@prisma/client").Prisma.MessageCreateManyInput => ({
    shopId,
    campaignId,
    flowType,
    step: 0,
    variant: "A",
    key: `e2e-${shopId}-${++n}:0`,
    status,
    scheduledFor: at(60 + n),
    ...extra,
  });
  const sent = await db.message.create({
    data: base("sent", {
      email: "ada@example.com",
      sentAt: at(50),
      deliveredAt: at(49),
      openedAt: at(30),
      templateId,
      values: await gzipJson({ v: 1, subject: SENT_SUBJECT, html: { firstName: "Ada" }, text: { body: `Hello Ada\n${SENT_BODY_TEXT}` } }),
    }),
  });
  await db.message.createMany({
    data: [
      base("sent", { email: "alan@example.com", sentAt: at(50), deliveredAt: at(49) }),
      base("sent", { email: "bounce@example.com", sentAt: at(50), bouncedAt: at(49) }),
      base("skipped", { skipReason: "smart-sending" }),
      base("skipped", { skipReason: "smart-sending" }),
      base("skipped", { skipReason: "suppressed" }),
      base("scheduled", { scheduledFor: new Date(now + 3600_000) }),
      base("sent", { email: "owner@example.com", test: true, sentAt: at(5) }),
    ],
  });
  return { sentId: sent.id };
}
