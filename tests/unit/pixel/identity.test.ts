import { describe, expect, it } from "vitest";
import { claimsByBrowser, emailHash, eventCustomerId, mergeLink, resolveLink, type CustomerMatches } from "~/core/pixel/identity";
import type { PixelEvent } from "~/core/pixel/schema";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
function event(browserId: string, second: number, identity: PixelEvent["identity"] = {}): PixelEvent {
  return {
    eventId: `${browserId}-${second}`, browserId, type: "page_viewed", occurredAt: at(second), seq: null, url: null,
    productShopifyId: null, variantShopifyId: null, collectionShopifyId: null, searchQuery: null, checkoutToken: null,
    quantity: null, identity,
  };
}
const matches: CustomerMatches = {
  byShopifyId: new Map([["100", "cust-a"]]),
  byEmail: new Map([["b@example.com", "cust-b"]]),
};
const hash = (e: string) => `h(${e})`;

describe("identity rules", () => {
  it("takes each browser's latest customer id and latest email, by time not by arrival", () => {
    const claims = claimsByBrowser([
      event("x", 5, { customerShopifyId: "2" }),
      event("x", 1, { customerShopifyId: "1", email: "old@example.com" }),
      event("y", 3),
      event("x", 9, { email: "new@example.com" }),
    ]);
    expect(claims.get("x")).toEqual({ customerShopifyId: "2", email: "new@example.com" });
    expect(claims.has("y")).toBe(false);
  });
  it("resolves a logged-in customer first, then a checkout email, else keeps the email's hash", () => {
    expect(resolveLink({ customerShopifyId: "100", email: "b@example.com" }, matches, hash)).toEqual({ customerId: "cust-a", emailHash: null });
    expect(resolveLink({ customerShopifyId: "999", email: "b@example.com" }, matches, hash)).toEqual({ customerId: "cust-b", emailHash: null });
    expect(resolveLink({ email: "c@example.com" }, matches, hash)).toEqual({ customerId: null, emailHash: "h(c@example.com)" });
    expect(resolveLink({ customerShopifyId: "999" }, matches, hash)).toBeNull();
  });
  it("never lets a pending hash replace a customer, and skips links that change nothing", () => {
    const customer = { customerId: "cust-a", emailHash: null } as const;
    const pending = { customerId: null, emailHash: "h" } as const;
    expect(mergeLink(customer, pending)).toBeNull();
    expect(mergeLink(pending, customer)).toEqual(customer);
    expect(mergeLink(customer, { customerId: "cust-b", emailHash: null })).toEqual({ customerId: "cust-b", emailHash: null });
    expect(mergeLink(customer, customer)).toBeNull();
    expect(mergeLink(null, pending)).toEqual(pending);
  });
  it("stores an event with its own customer before its browser's", () => {
    expect(eventCustomerId(event("x", 1, { customerShopifyId: "100" }), matches, "cust-z")).toBe("cust-a");
    expect(eventCustomerId(event("x", 1), matches, "cust-z")).toBe("cust-z");
    expect(eventCustomerId(event("x", 1), matches, null)).toBeNull();
  });
  it("hashes emails per shop with a secret, ignoring case and spaces", () => {
    const h = emailHash("secret", "a.myshopify.com", " Shopper@Example.com");
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).toBe(emailHash("secret", "a.myshopify.com", "shopper@example.com"));
    expect(h).not.toBe(emailHash("secret", "b.myshopify.com", "shopper@example.com"));
    expect(h).not.toBe(emailHash("other", "a.myshopify.com", "shopper@example.com"));
  });
});
