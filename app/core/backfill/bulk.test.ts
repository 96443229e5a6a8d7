import { expect, it } from "vitest";
import { buildSchema, parse, validate } from "graphql";
import { ADMIN_SDL } from "../../../tests/fakes/shopify-admin/schema";
import { nextPollDelay } from "./bulk.server";
import { customerFromGroup, orderFromGroup, productFromGroup } from "./map";
import { BULK_POLL_QUERY, BULK_RUN_MUTATION, CURRENT_BULK_QUERY, customersBulkQuery, ordersBulkQuery, productsBulkQuery } from "./queries";

it("polls from 1 s, doubling up to 10 s", () => {
  const delays: number[] = [];
  let d: number | null = null;
  for (let i = 0; i < 7; i++) delays.push((d = nextPollDelay(d)));
  expect(delays).toEqual([1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  expect(nextPollDelay(null, 10, 30)).toBe(10);
});

it("builds bulk queries that the Admin schema accepts, filters embedded and escaped", () => {
  const schema = buildSchema(ADMIN_SDL);
  const search = "created_at:>='2025-11-27T12:00:00.000Z'";
  for (const q of [productsBulkQuery(), customersBulkQuery(), ordersBulkQuery(search), BULK_RUN_MUTATION, BULK_POLL_QUERY, CURRENT_BULK_QUERY]) {
    expect(validate(schema, parse(q))).toEqual([]);
  }
  expect(ordersBulkQuery(search)).toContain(`orders(query: "created_at:>='2025-11-27T12:00:00.000Z'")`);
  expect(ordersBulkQuery(`a"b`)).toContain(`orders(query: "a\\"b")`);
  expect(BULK_RUN_MUTATION).toContain("groupObjects: true");
});

const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });

it("maps result groups: a product with its variants (by position) and collections, an order with its line items, a customer", () => {
  const product = {
    parent: { id: "gid://shopify/Product/1", title: "Tea", handle: "tea", description: "", productType: "", vendor: "", status: "ACTIVE", tags: [], publishedAt: null, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-02T00:00:00Z", featuredImage: null },
    children: [
      { id: "gid://shopify/Collection/9", handle: "c", title: "C" },
      { id: "gid://shopify/ProductVariant/3", title: "L", sku: null, price: "2.00", compareAtPrice: null, inventoryQuantity: 1, availableForSale: true, position: 2 },
      { id: "gid://shopify/ProductVariant/2", title: "S", sku: null, price: "1.50", compareAtPrice: null, inventoryQuantity: 1, availableForSale: true, position: 1 },
    ],
    end: 4,
  };
  const p = productFromGroup(product, "USD");
  expect(p.variants.map((v) => [v.shopifyId, v.price])).toEqual([["2", 150], ["3", 200]]);
  expect(p.collections).toEqual([{ id: "9", handle: "c", title: "C" }]);

  const order = {
    parent: {
      id: "gid://shopify/Order/5", name: "#5", email: null, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z", processedAt: null, cancelledAt: null, cancelReason: null, test: false, tags: [], sourceName: null,
      currencyCode: "USD", displayFinancialStatus: "PAID", displayFulfillmentStatus: "UNFULFILLED", discountCodes: [],
      totalPriceSet: { shopMoney: { amount: "3.00", currencyCode: "USD" }, presentmentMoney: { amount: "3.00", currencyCode: "USD" } },
      subtotalPriceSet: usd("3.00"), totalDiscountsSet: null, totalTaxSet: null, totalShippingPriceSet: usd("0.00"), refunds: [], customerJourneySummary: null, customer: null,
    },
    children: [{ id: "gid://shopify/LineItem/8", title: "Tea", variantTitle: null, sku: null, quantity: 2, originalUnitPriceSet: usd("1.50"), totalDiscountSet: usd("0.00"), product: null, variant: null }],
    end: 6,
  };
  expect(orderFromGroup(order)).toMatchObject({ shopifyId: "5", totalPrice: 300, lineItems: [{ shopifyId: "8", quantity: 2, price: 150 }] });

  const customer = { parent: { id: "gid://shopify/Customer/4", email: "a@b.c", firstName: null, lastName: null, phone: null, state: "ENABLED", tags: [], createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z", emailMarketingConsent: null, defaultAddress: null }, children: [], end: 7 };
  expect(customerFromGroup(customer)).toMatchObject({ shopifyId: "4", emailConsent: null });
  expect(() => customerFromGroup({ ...customer, parent: { id: "gid://shopify/Customer/4" } })).toThrow(/customer ending at line 7: unexpected shape/);
});
