// Each mapper from a documented REST payload (the integration fixtures) and
// from minimal payloads with every optional field missing.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { htmlToText, mapCheckout, mapConsent, mapCustomer, mapOrder, mapProduct, mapRefund, splitTags } from "~/core/ingest/mappers";
import { zCheckoutPayload, zCustomerPayload, zOrderPayload, zProductPayload, zRefundPayload } from "~/core/ingest/schemas";

// Fixtures are free-form JSON, edited per test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const fixture = (name: string): Json =>
  JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../integration/webhooks/fixtures", `${name}.json`), "utf8"));

describe("mapOrder", () => {
  it("takes shop money from *_set, the presentment total, codes, attribution fields and lines", () => {
    const o = mapOrder(zOrderPayload.parse(fixture("orders-create")));
    expect(o).toMatchObject({
      shopifyId: "5890321432610",
      currency: "USD",
      totalPrice: 10797,
      subtotalPrice: 8997,
      totalDiscounts: 1000,
      totalTax: 800,
      totalShipping: 1000,
      presentmentCurrency: "EUR",
      presentmentTotalPrice: 9933,
      discountCodes: ["WELCOME10"],
      sourceName: "web",
      checkoutToken: "a7f3c2b1e9d84b6c9e0f1a2b3c4d5e6f",
      tags: ["vip", "winback"],
      refunds: [],
    });
    expect(o.customer).toMatchObject({ shopifyId: "7301245190178", emailConsent: { state: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN" } });
    expect(o.lineItems[0]).toEqual({
      shopifyId: "14567012345634",
      productShopifyId: "8012345678901",
      variantShopifyId: "44123456789012",
      title: "Merino Beanie",
      variantTitle: "Charcoal",
      sku: "BEANIE-CHR",
      quantity: 2,
      price: 2999,
      totalDiscount: 600,
    });
  });

  it("handles a minimal order: no sets, no customer, no optional fields, a zero-decimal currency", () => {
    const o = mapOrder(
      zOrderPayload.parse({
        id: 1,
        currency: "JPY",
        total_price: "1500",
        created_at: "2026-01-01T00:00:00Z",
        updated_at: "2026-01-01T00:00:00Z",
        line_items: [{ id: 2, quantity: 1, price: "1500", name: "Tea" }],
        shipping_lines: [{ price: "300" }],
      }),
    );
    expect(o).toMatchObject({ totalPrice: 1500, subtotalPrice: 0, totalShipping: 300, customer: null, email: null, presentmentCurrency: null, presentmentTotalPrice: null, discountCodes: [], test: false, tags: [], processedAt: null });
    expect(o.lineItems[0]).toMatchObject({ title: "Tea", productShopifyId: null, price: 1500, totalDiscount: 0 });
    expect("refunds" in o).toBe(false); // the payload said nothing about refunds
  });

  it("rejects what it cannot read", () => {
    expect(zOrderPayload.safeParse({ ...fixture("orders-create"), total_price: "twelve", total_price_set: null }).success).toBe(false);
    expect(zOrderPayload.safeParse({ ...fixture("orders-create"), updated_at: "yesterday" }).success).toBe(false);
    expect(zOrderPayload.safeParse({ ...fixture("orders-create"), id: undefined }).success).toBe(false);
  });
});

describe("mapRefund", () => {
  it("sums successful refund transactions in the shop currency", () => {
    const r = mapRefund(zRefundPayload.parse(fixture("refunds-create")), "USD");
    expect(r).toEqual({ shopifyId: "929361462", orderShopifyId: "5890321432610", amount: 2939, createdAt: new Date("2026-03-20T16:00:00Z") });
  });
  it("ignores failed and non-refund transactions; none at all is 0", () => {
    const base = fixture("refunds-create");
    const t = base.transactions[0];
    const r = mapRefund(zRefundPayload.parse({ ...base, transactions: [t, { ...t, status: "failure" }, { ...t, kind: "sale" }] }), "USD");
    expect(r.amount).toBe(2939);
    expect(mapRefund(zRefundPayload.parse({ ...base, transactions: [] }), "USD").amount).toBe(0);
    expect(mapRefund(zRefundPayload.parse({ id: 1, order_id: 2, created_at: "2026-01-01T00:00:00Z" }), "USD").amount).toBe(0);
  });
  it("uses the shop-money sets when the money moved in another currency", () => {
    const base = fixture("refunds-create");
    const eur = { ...base, transactions: [{ ...base.transactions[0], currency: "EUR", amount: "27.04" }] };
    expect(mapRefund(zRefundPayload.parse(eur), "USD").amount).toBe(2699 + 240);
  });
});

describe("mapCustomer and consent", () => {
  it("maps the documented customer payload", () => {
    const c = mapCustomer(zCustomerPayload.parse(fixture("customers-create")));
    expect(c).toMatchObject({
      shopifyId: "7301245190178",
      email: "ada.lovelace@example.com",
      tags: ["vip", "newsletter"],
      countryCode: "GB",
      city: "London",
      emailConsent: { state: "SUBSCRIBED", optInLevel: "CONFIRMED_OPT_IN", updatedAt: new Date("2025-11-02T13:00:05Z") },
    });
  });
  it("keeps stored consent when the payload carries none, and reads unknown states as not subscribed", () => {
    const min = mapCustomer(zCustomerPayload.parse({ id: "9", updated_at: "2026-01-01T00:00:00Z" }));
    expect(min).toMatchObject({ email: null, tags: [], countryCode: null, createdAt: null });
    expect(min.emailConsent).toBeUndefined();
    expect(mapConsent(null)).toBeNull();
    expect(mapConsent({ state: "brand_new_state", opt_in_level: "weird", consent_updated_at: null })).toEqual({ state: "NOT_SUBSCRIBED", optInLevel: "UNKNOWN", updatedAt: null });
    expect(mapConsent(undefined, true)).toMatchObject({ state: "SUBSCRIBED" });
  });
});

describe("mapCheckout", () => {
  it("maps the abandoned checkout payload in its presentment currency", () => {
    const c = mapCheckout(zCheckoutPayload.parse(fixture("checkouts-create")));
    expect(c).toMatchObject({ token: "a7f3c2b1e9d84b6c9e0f1a2b3c4d5e6f", currency: "USD", totalPrice: 6478, completedAt: null, email: "ada.lovelace@example.com" });
    expect(c.lineItems).toEqual([{ productShopifyId: "8012345678901", variantShopifyId: "44123456789012", title: "Merino Beanie", variantTitle: "Charcoal", quantity: 2, price: 2999 }]);
  });
  it("handles a checkout without customer, email or total", () => {
    const c = mapCheckout(zCheckoutPayload.parse({ id: 1, token: "t", currency: "EUR", created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" }));
    expect(c).toMatchObject({ email: null, customer: null, totalPrice: 0, lineItems: [], abandonedCheckoutUrl: null });
  });
});

describe("mapProduct", () => {
  it("maps variants, prices, availability, first image, status, tags and plain-text description", () => {
    const p = mapProduct(zProductPayload.parse(fixture("products-create")), "USD");
    expect(p).toMatchObject({ handle: "merino-beanie", status: "ACTIVE", tags: ["hats", "merino", "winter"], description: "Soft merino beanie & warm." });
    expect(p.imageUrl).toBe("https://cdn.shopify.com/s/files/1/0001/products/beanie-charcoal.jpg");
    expect(p.variants.map((v) => [v.price, v.compareAtPrice, v.inventoryQuantity, v.available])).toEqual([
      [2999, 3999, 14, true],
      [3150, null, 0, false],
    ]);
  });
  it("handles a minimal product: no variants, images, status or tags; untracked inventory is available", () => {
    const p = mapProduct(
      zProductPayload.parse({ id: 5, title: "Gift", handle: "gift", updated_at: "2026-01-01T00:00:00Z", variants: [{ id: 6, price: "5", compare_at_price: "", inventory_management: null }] }),
      "KWD",
    );
    expect(p).toMatchObject({ status: "ACTIVE", tags: [], imageUrl: null, description: "", vendor: "", createdAt: null });
    expect(p.variants[0]).toMatchObject({ price: 5000, compareAtPrice: null, available: true, position: 1 });
    expect(mapProduct(zProductPayload.parse({ id: 5, title: "x", handle: "x", status: "archived", updated_at: "2026-01-01T00:00:00Z" }), "USD").status).toBe("ARCHIVED");
  });
});

describe("helpers", () => {
  it("splits tags and strips HTML", () => {
    expect(splitTags(" a, b ,,c ")).toEqual(["a", "b", "c"]);
    expect(splitTags(["x", " y "])).toEqual(["x", "y"]);
    expect(splitTags(null)).toEqual([]);
    expect(htmlToText("<style>p{}</style><p>A&nbsp;<b>bold</b>\n move</p>")).toBe("A bold move");
  });
});
