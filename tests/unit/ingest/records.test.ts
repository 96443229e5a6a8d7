import { describe, expect, it } from "vitest";
import { normalizeEmail, priceRange, productUrl, refundedTotal, shopifyIdOf, totalInventory } from "~/core/ingest/records";

const v = (price: number, inventoryQuantity: number | null) => ({ shopifyId: "1", title: "", sku: null, price, compareAtPrice: null, inventoryQuantity, available: true, position: 1 });

describe("record helpers", () => {
  it("normalizes Shopify ids from numbers, strings and GIDs", () => {
    expect(shopifyIdOf("gid://shopify/Order/5890321432610")).toBe("5890321432610");
    expect(shopifyIdOf("gid://shopify/LineItem/1?foo=bar")).toBe("1");
    expect(shopifyIdOf(42)).toBe("42");
    expect(shopifyIdOf("42")).toBe("42");
  });
  it("builds product URLs on the shop's domain", () => {
    expect(productUrl("acme.myshopify.com", "merino-beanie")).toBe("https://acme.myshopify.com/products/merino-beanie");
  });
  it("computes price range, inventory and refunds", () => {
    expect(priceRange([])).toEqual({ min: 0, max: 0 });
    expect(priceRange([v(300, 1), v(100, null), v(200, 2)])).toEqual({ min: 100, max: 300 });
    expect(totalInventory([v(1, null)])).toBeNull();
    expect(totalInventory([v(1, 3), v(1, null), v(1, -1)])).toBe(2);
    expect(refundedTotal([{ amount: 100 }, { amount: 250 }])).toBe(350);
    expect(normalizeEmail("  Ada@Example.COM ")).toBe("ada@example.com");
  });
});
