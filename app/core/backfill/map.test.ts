import { expect, it } from "vitest";
import { customerRecord, orderRecord } from "./map";
import type { GqlCustomer, GqlOrder } from "./queries";

const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });

it("maps an Admin GraphQL order to the webhooks' vocabulary, in minor units", () => {
  const order: GqlOrder = {
    id: "gid://shopify/Order/42",
    name: "#1042",
    email: "a@example.com",
    createdAt: "2026-01-02T10:00:00Z",
    updatedAt: "2026-01-03T10:00:00Z",
    processedAt: "2026-01-02T10:00:00Z",
    cancelledAt: null,
    cancelReason: null,
    test: false,
    tags: ["vip"],
    sourceName: "web",
    currencyCode: "USD",
    displayFinancialStatus: "PARTIALLY_REFUNDED",
    displayFulfillmentStatus: "PARTIALLY_FULFILLED",
    discountCodes: ["LOOP-1"],
    totalPriceSet: { shopMoney: { amount: "19.99", currencyCode: "USD" }, presentmentMoney: { amount: "18.50", currencyCode: "EUR" } },
    subtotalPriceSet: usd("15.00"),
    totalDiscountsSet: usd("1.00"),
    totalTaxSet: usd("1.00"),
    totalShippingPriceSet: usd("4.99"),
    refunds: [{ id: "gid://shopify/Refund/7", createdAt: "2026-01-04T00:00:00Z", totalRefundedSet: usd("2.50") }],
    customerJourneySummary: { firstVisit: { landingPage: "https://s/first", referrerUrl: null }, lastVisit: { landingPage: "https://s/last?utm_source=x", referrerUrl: "https://google.com/" } },
    customer: { id: "gid://shopify/Customer/9", email: "a@example.com", firstName: "A", lastName: null, phone: null },
  };
  const line = { id: "gid://shopify/LineItem/1", title: "Tea", variantTitle: null, sku: null, quantity: 2, originalUnitPriceSet: usd("7.50"), totalDiscountSet: usd("1.00"), product: { id: "gid://shopify/Product/3" }, variant: null };
  const rec = orderRecord(order, [line]);
  expect(rec).toMatchObject({
    shopifyId: "42",
    totalPrice: 1999,
    presentmentCurrency: "EUR",
    presentmentTotalPrice: 1850,
    totalShipping: 499,
    financialStatus: "partially_refunded",
    fulfillmentStatus: "partial",
    landingSite: "https://s/last?utm_source=x",
    referringSite: "https://google.com/",
    customer: { shopifyId: "9" },
    refunds: [{ shopifyId: "7", orderShopifyId: "42", amount: 250 }],
  });
  expect(rec.lineItems).toEqual([{ shopifyId: "1", productShopifyId: "3", variantShopifyId: null, title: "Tea", variantTitle: null, sku: null, quantity: 2, price: 750, totalDiscount: 100 }]);
  expect(orderRecord({ ...order, displayFulfillmentStatus: "UNFULFILLED" }, []).fulfillmentStatus).toBeNull();
});

it("maps consent, and no consent when Shopify has none", () => {
  const c: GqlCustomer = {
    id: "gid://shopify/Customer/5", email: "b@example.com", firstName: null, lastName: null, phone: null, state: "ENABLED", tags: [],
    createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-02T00:00:00Z",
    emailMarketingConsent: { marketingState: "SUBSCRIBED", marketingOptInLevel: "CONFIRMED_OPT_IN", consentUpdatedAt: "2026-01-01T12:00:00Z" },
    defaultAddress: null,
  };
  expect(customerRecord(c)).toMatchObject({ shopifyId: "5", state: "enabled", emailConsent: { state: "SUBSCRIBED", optInLevel: "CONFIRMED_OPT_IN", updatedAt: new Date("2026-01-01T12:00:00Z") } });
  expect(customerRecord({ ...c, emailMarketingConsent: null }).emailConsent).toBeNull();
});
