// Signed webhooks → route actions → the real database: verification, size
// limit, idempotency, out-of-order safety, refunds, checkouts, customers, products.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { TEST_SHOP } from "../../setup/test-config";
import { fixture, send, signedRequest } from "./send";

// Fixtures are free-form JSON, edited per test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

async function totalRows(): Promise<number> {
  const counts = await Promise.all([
    prisma.shop.count(),
    prisma.order.count(),
    prisma.lineItem.count(),
    prisma.customer.count(),
    prisma.webhookReceipt.count(),
    prisma.checkout.count(),
    prisma.product.count(),
    prisma.refund.count(),
    prisma.pendingRefund.count(),
  ]);
  return counts.reduce((a, b) => a + b, 0);
}

beforeEach(async () => {
  await prisma.webhookReceipt.deleteMany();
  await prisma.shop.deleteMany(); // cascades to every shop table
});

/** The fixture order; another order id gets its own line item ids (they are unique across a shop). */
function order(over: Json = {}): Json {
  const base = fixture<Json>("orders-create");
  const lineItems = over.id === undefined ? base.line_items : base.line_items.map((li: Json, i: number) => ({ ...li, id: Number(`${over.id}0${i}`) }));
  return { ...base, line_items: lineItems, ...over };
}

describe("webhook verification and limits", () => {
  it("answers a forged HMAC with 401 and stores nothing", async () => {
    const before = await totalRows();
    const res = await send({ topic: "orders/create", body: order(), secret: "not-the-app-secret" });
    expect(res.status).toBe(401);
    expect(await totalRows()).toBe(before);
  });

  it("answers a body tampered after signing with 401", async () => {
    const req = signedRequest({ topic: "orders/create", body: order() });
    const tampered = new Request(req.url, { method: "POST", headers: req.headers, body: JSON.stringify(order({ total_price: "0.01" })) });
    expect((await send(tampered)).status).toBe(401);
    expect(await prisma.order.count()).toBe(0);
  });

  it("refuses a body over 1 MB with 413 (declared or not), storing nothing", async () => {
    const big = order({ note: "x".repeat(1024 * 1024) });
    const before = await totalRows();
    expect((await send({ topic: "orders/create", body: big })).status).toBe(413);
    // Content-Length understated: the bytes actually read are counted.
    const res = await send({ topic: "orders/create", body: big, headers: { "Content-Length": "100" } });
    expect(res.status).toBe(413);
    expect(await totalRows()).toBe(before);
  });

  it("answers 400 when Shopify's headers are missing", async () => {
    const req = signedRequest({ topic: "orders/create", body: order() });
    req.headers.delete("x-shopify-shop-domain");
    expect((await send(req, "orders/create")).status).toBe(400);
  });

  it("records an authentic but malformed payload as failed (200) and changes nothing stored", async () => {
    expect((await send({ topic: "orders/create", body: order({ id: 1, updated_at: "2026-01-01T00:00:00Z" }) })).status).toBe(200);
    const malformed = order({ id: 1, total_price: "lots", total_price_set: undefined, updated_at: "2027-01-01T00:00:00Z" });
    const res = await send({ topic: "orders/updated", body: malformed, eventId: "bad-1" });
    expect(res.status).toBe(200);
    const receipt = await prisma.webhookReceipt.findFirstOrThrow({ where: { eventId: "bad-1" } });
    expect(receipt.outcome).toBe("failed");
    expect(receipt.error).toContain("total_price");
    expect(receipt.error).not.toContain("lots");
    const stored = await prisma.order.findFirstOrThrow({ where: { shopifyId: "1" } });
    expect(stored.totalPrice).toBe(10797);
    expect((await send({ topic: "orders/updated", raw: "{not json", body: null, eventId: "bad-2" })).status).toBe(200);
    expect((await prisma.webhookReceipt.findFirstOrThrow({ where: { eventId: "bad-2" } })).outcome).toBe("failed");
  });
});

describe("orders", () => {
  it("stores an order whose text carries NUL characters (PostgreSQL refuses NUL in text)", async () => {
    const res = await send({ topic: "orders/create", body: order({ name: "#10\u000042", note: "a\u0000b", landing_site: "/?x=\u0000" }) });
    expect(res.status).toBe(200);
    expect(await prisma.order.findFirstOrThrow({ select: { name: true, landingSite: true } })).toEqual({ name: "#1042", landingSite: "/?x=" });
  });

  it("stores one order for the same webhook delivered three times", async () => {
    const body = order();
    for (let i = 0; i < 3; i++) {
      const res = await send({ topic: "orders/create", body, eventId: "evt-order-1", webhookId: `w-${i}` });
      expect(res.status).toBe(200);
    }
    expect(await prisma.order.count()).toBe(1);
    expect(await prisma.lineItem.count()).toBe(2);
    expect(await prisma.webhookReceipt.count({ where: { eventId: "evt-order-1" } })).toBe(1);
    const o = await prisma.order.findFirstOrThrow({ include: { lineItems: { orderBy: { shopifyId: "asc" } }, customer: true } });
    expect(o).toMatchObject({
      shopId: TEST_SHOP,
      shopifyId: "5890321432610",
      name: "#1042",
      currency: "USD",
      totalPrice: 10797,
      subtotalPrice: 8997,
      totalDiscounts: 1000,
      totalTax: 800,
      totalShipping: 1000,
      presentmentCurrency: "EUR",
      presentmentTotalPrice: 9933,
      discountCodes: ["WELCOME10"],
      landingSite: "/products/merino-beanie?utm_source=loopwise&utm_medium=email&utm_campaign=winback",
      referringSite: "https://mail.example.net/",
      sourceName: "web",
      checkoutToken: "a7f3c2b1e9d84b6c9e0f1a2b3c4d5e6f",
      cartToken: "c1-7a2f0e8b9d3c4e5f",
      shopifyCustomerId: "7301245190178",
      refundedAmount: 0,
      tags: "vip, winback",
    });
    expect(o.processedAt?.toISOString()).toBe("2026-03-14T14:21:32.000Z");
    expect(o.lineItems.map((l) => [l.price, l.quantity, l.totalDiscount, l.variantShopifyId])).toEqual([
      [2999, 2, 600, "44123456789012"],
      [2999, 1, 400, "44123456789013"],
    ]);
    // A minimal customer is created from the order, with its consent.
    expect(o.customer).toMatchObject({ shopifyId: "7301245190178", emailConsentState: "SUBSCRIBED", shopifyUpdatedAt: null });
    // The shop had no row yet: the verified webhook creates it, in the order's currency.
    expect(await prisma.shop.findUnique({ where: { id: TEST_SHOP } })).toMatchObject({ currency: "USD" });
  });

  it("keeps the newest data when an older orders/updated arrives after a newer one", async () => {
    const newer = order({ id: 2, updated_at: "2026-03-15T10:00:00Z", financial_status: "refunded", cancelled_at: "2026-03-15T09:59:00Z", cancel_reason: "customer" });
    const older = order({ id: 2, updated_at: "2026-03-14T15:00:00Z", financial_status: "paid", line_items: [] });
    expect((await send({ topic: "orders/cancelled", body: newer })).status).toBe(200);
    expect((await send({ topic: "orders/updated", body: older, eventId: "older" })).status).toBe(200);
    const o = await prisma.order.findFirstOrThrow({ where: { shopifyId: "2" }, include: { lineItems: true } });
    expect(o.financialStatus).toBe("refunded");
    expect(o.cancelReason).toBe("customer");
    expect(o.shopifyUpdatedAt.toISOString()).toBe("2026-03-15T10:00:00.000Z");
    expect(o.lineItems).toHaveLength(2);
    expect((await prisma.webhookReceipt.findFirstOrThrow({ where: { eventId: "older" } })).outcome).toBe("stale");
    // A newer one still applies.
    await send({ topic: "orders/updated", body: order({ id: 2, updated_at: "2026-03-16T10:00:00Z", tags: "late" }) });
    expect((await prisma.order.findFirstOrThrow({ where: { shopifyId: "2" } })).tags).toBe("late");
  });

  it("rewrites the line items of an update only when they changed", async () => {
    await send({ topic: "orders/create", body: order({ id: 8 }) });
    const ids = async () => (await prisma.lineItem.findMany({ orderBy: { shopifyId: "asc" } })).map((l) => [l.id, l.shopifyId, l.quantity]);
    const first = await ids();
    await send({ topic: "orders/paid", body: order({ id: 8, updated_at: "2026-03-15T10:00:00Z", financial_status: "paid" }) });
    expect(await ids()).toEqual(first);
    const edited = order({ id: 8, updated_at: "2026-03-16T10:00:00Z" });
    edited.line_items = [{ ...edited.line_items[0], quantity: 5 }];
    await send({ topic: "orders/updated", body: edited });
    const after = await ids();
    expect(after).toHaveLength(1);
    expect(after[0]![1]).toBe(first[0]![1]);
    expect(after[0]![2]).toBe(5);
  });

  it("answers a repeated delivery 200 whatever the first one's outcome, changing nothing", async () => {
    await send({ topic: "orders/updated", body: order({ id: 9 }), eventId: "e-9" });
    const stale = order({ id: 9, updated_at: "2026-01-01T00:00:00Z", financial_status: "voided" });
    await send({ topic: "orders/updated", body: stale, eventId: "e-9-old" });
    for (const eventId of ["e-9", "e-9-old"]) {
      expect((await send({ topic: "orders/updated", body: order({ id: 9, updated_at: "2027-01-01T00:00:00Z", tags: "x" }), eventId })).status).toBe(200);
    }
    expect((await prisma.order.findFirstOrThrow({ where: { shopifyId: "9" } })).tags).not.toBe("x");
    expect(await prisma.webhookReceipt.findMany({ where: { eventId: { in: ["e-9", "e-9-old"] } }, select: { outcome: true }, orderBy: { eventId: "asc" } })).toEqual([
      { outcome: "processed" },
      { outcome: "stale" },
    ]);
  });

  it("counts each refund once, from refunds/create and from orders/updated alike", async () => {
    await send({ topic: "orders/create", body: order({ id: 3 }) });
    const refund: Json = { ...fixture<Json>("refunds-create"), order_id: 3 };
    for (let i = 0; i < 2; i++) expect((await send({ topic: "refunds/create", body: refund, eventId: `r-${i}` })).status).toBe(200);
    const withRefunds = order({ id: 3, updated_at: "2026-03-20T16:00:01Z", refunds: [refund] });
    await send({ topic: "orders/updated", body: withRefunds });
    await send({ topic: "orders/updated", body: withRefunds });
    const o = await prisma.order.findFirstOrThrow({ where: { shopifyId: "3" } });
    expect(o.refundedAmount).toBe(2939);
    expect(await prisma.refund.count({ where: { orderId: o.id } })).toBe(1);
    // A second, different refund adds up.
    await send({ topic: "refunds/create", body: { ...refund, id: 929361463, transactions: [{ ...refund.transactions[0], amount: "10.00" }] } });
    expect((await prisma.order.findFirstOrThrow({ where: { shopifyId: "3" } })).refundedAmount).toBe(3939);
  });

  it("keeps a refund that arrives before its order and applies it when the order comes", async () => {
    const refund = { ...fixture("refunds-create"), id: 5551, order_id: 4 };
    expect((await send({ topic: "refunds/create", body: refund })).status).toBe(200);
    expect(await prisma.pendingRefund.count()).toBe(1);
    await send({ topic: "orders/create", body: order({ id: 4 }) });
    const o = await prisma.order.findFirstOrThrow({ where: { shopifyId: "4" } });
    expect(o.refundedAmount).toBe(2939);
    expect(await prisma.pendingRefund.count()).toBe(0);
  });

  it("marks the checkout completed when its order arrives, in either order", async () => {
    const co = fixture<Json>("checkouts-create");
    expect((await send({ topic: "checkouts/create", body: co })).status).toBe(200);
    let c = await prisma.checkout.findFirstOrThrow({ where: { token: co.token } });
    expect(c).toMatchObject({ completedAt: null, totalPrice: 6478, currency: "USD", email: "ada.lovelace@example.com" });
    expect(c.customerId).not.toBeNull();
    await send({ topic: "orders/create", body: order({ id: 5 }) });
    c = await prisma.checkout.findFirstOrThrow({ where: { token: co.token } });
    expect(c.completedAt?.toISOString()).toBe("2026-03-14T14:21:32.000Z");
    // A late checkouts/update without completed_at does not reopen it.
    await send({ topic: "checkouts/update", body: { ...co, updated_at: "2026-03-14T10:30:00-04:00" } });
    expect((await prisma.checkout.findFirstOrThrow({ where: { token: co.token } })).completedAt).not.toBeNull();
    // A guest checkout gets the order's customer, and is completed.
    await send({ topic: "checkouts/create", body: { ...co, id: 10, token: "tok-10", customer: null } });
    expect((await prisma.checkout.findFirstOrThrow({ where: { token: "tok-10" } })).customerId).toBeNull();
    await send({ topic: "orders/create", body: order({ id: 10, checkout_token: "tok-10" }) });
    const guest = await prisma.checkout.findFirstOrThrow({ where: { token: "tok-10" } });
    const buyer = await prisma.order.findFirstOrThrow({ where: { shopifyId: "10" } });
    expect(guest.completedAt).not.toBeNull();
    expect(guest.customerId).toBe(buyer.customerId);
    // Order first, checkout second.
    expect((await send({ topic: "orders/create", body: order({ id: 6, checkout_token: "tok-6" }) })).status).toBe(200);
    await send({ topic: "checkouts/create", body: { ...co, id: 6, token: "tok-6" } });
    expect((await prisma.checkout.findFirstOrThrow({ where: { token: "tok-6" } })).completedAt).not.toBeNull();
  });
});

describe("customers and products", () => {
  it("stores customers with consent, out-of-order safe, and fills the minimal row an order made", async () => {
    await send({ topic: "orders/create", body: order({ id: 7 }) });
    const cust = fixture<Json>("customers-create");
    await send({ topic: "customers/update", body: cust });
    const c = await prisma.customer.findFirstOrThrow({ where: { shopifyId: "7301245190178" } });
    expect(c).toMatchObject({
      email: "ada.lovelace@example.com",
      tags: "vip, newsletter",
      countryCode: "GB",
      emailConsentState: "SUBSCRIBED",
      emailOptInLevel: "CONFIRMED_OPT_IN",
    });
    expect(c.emailConsentUpdatedAt?.toISOString()).toBe("2025-11-02T13:00:05.000Z");
    const older = { ...cust, updated_at: "2026-01-01T00:00:00Z", email_marketing_consent: { state: "unsubscribed", opt_in_level: null, consent_updated_at: "2026-01-01T00:00:00Z" } };
    await send({ topic: "customers/update", body: older });
    expect((await prisma.customer.findFirstOrThrow({ where: { shopifyId: "7301245190178" } })).emailConsentState).toBe("SUBSCRIBED");
    expect(await prisma.customer.count()).toBe(1);
  });

  it("customers/delete erases personal data and keeps the orders", async () => {
    await send({ topic: "orders/create", body: order({ id: 8 }) });
    await send({ topic: "customers/delete", body: { id: 7301245190178, phone: null, addresses: [], email_marketing_consent: null } });
    const c = await prisma.customer.findFirstOrThrow({ where: { shopifyId: "7301245190178" } });
    expect(c).toMatchObject({ email: null, firstName: null, lastName: null, phone: null });
    expect(c.deletedAt).not.toBeNull();
    const o = await prisma.order.findFirstOrThrow({ where: { shopifyId: "8" } });
    expect(o).toMatchObject({ email: null, totalPrice: 10797, customerId: c.id });
    // A late customers/update cannot bring the data back.
    await send({ topic: "customers/update", body: { ...fixture<Json>("customers-create"), updated_at: "2027-01-01T00:00:00Z" } });
    expect((await prisma.customer.findFirstOrThrow({ where: { shopifyId: "7301245190178" } })).email).toBeNull();
  });

  it("stores products with variants, URL, image and status; delete is a tombstone", async () => {
    const p = fixture<Json>("products-create");
    await send({ topic: "products/create", body: p });
    const stored = await prisma.product.findFirstOrThrow({ include: { variants: { orderBy: { position: "asc" } } } });
    expect(stored).toMatchObject({
      title: "Merino Beanie",
      handle: "merino-beanie",
      url: `https://${TEST_SHOP}/products/merino-beanie`,
      description: "Soft merino beanie & warm.",
      status: "ACTIVE",
      tags: "hats, merino, winter",
      imageUrl: "https://cdn.shopify.com/s/files/1/0001/products/beanie-charcoal.jpg",
      priceMin: 2999,
      priceMax: 3150,
      totalInventory: 14,
    });
    expect(stored.variants.map((v) => [v.price, v.compareAtPrice, v.available])).toEqual([
      [2999, 3999, true],
      [3150, null, false],
    ]);
    await send({ topic: "products/update", body: { ...p, updated_at: "2026-03-02T00:00:00Z", status: "draft", variants: [p.variants[0]] } });
    const updated = await prisma.product.findFirstOrThrow({ include: { variants: true } });
    expect(updated.status).toBe("DRAFT");
    expect(updated.variants).toHaveLength(1);
    await send({ topic: "products/delete", body: { id: p.id } });
    await send({ topic: "products/update", body: { ...p, updated_at: "2026-03-01T12:00:00-05:00" } });
    expect((await prisma.product.findFirstOrThrow()).deletedAt).not.toBeNull();
  });
});
