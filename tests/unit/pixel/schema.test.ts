import { describe, expect, it } from "vitest";
import { shopifyIdFrom, toGid } from "~/core/pixel/gid";
import { MAX_EVENTS_PER_BATCH, parseEnvelope, parseEvent, type PixelEvent } from "~/core/pixel/schema";
import { cleanSearch, cleanText, cleanUrl, MAX_URL_LENGTH } from "~/core/pixel/text";
import { examples, standardEvent } from "./fixtures";

const now = new Date();
function ok(raw: unknown, identity = {}): PixelEvent {
  const r = parseEvent(raw, identity, now);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
function error(raw: unknown): string {
  const r = parseEvent(raw, {}, now);
  if (r.ok) throw new Error("expected a rejection");
  return r.error;
}

describe("Shopify GIDs", () => {
  it("keeps the numeric part of a GID of the expected type, or a bare number", () => {
    expect(shopifyIdFrom("gid://shopify/Product/123", "Product")).toBe("123");
    expect(shopifyIdFrom("gid://shopify/ProductVariant/18446744073709551615", "ProductVariant")).toBe("18446744073709551615");
    expect(shopifyIdFrom(" 42 ", "Collection")).toBe("42");
    expect(shopifyIdFrom("gid://shopify/Customer/7?x=1", "Customer")).toBe("7");
  });
  it("refuses another type, garbage and overlong numbers", () => {
    expect(shopifyIdFrom("gid://shopify/Product/1", "ProductVariant")).toBeNull();
    expect(shopifyIdFrom("gid://shopify/Product/abc", "Product")).toBeNull();
    expect(shopifyIdFrom("<script>", "Product")).toBeNull();
    expect(shopifyIdFrom("1".repeat(21), "Product")).toBeNull();
    expect(toGid("WebPixel", "5")).toBe("gid://shopify/WebPixel/5");
  });
});

describe("text and URLs", () => {
  it("strips control characters (PostgreSQL refuses NUL) and caps the length", () => {
    expect(cleanText("a\u0000b\nc\t d", 100)).toBe("a b c d");
    expect(cleanText("x".repeat(500), 10)).toHaveLength(10);
    expect(cleanText("ab\uD83D\uDE00", 3)).toBe("ab\uFFFD"); // a cut surrogate pair is not left broken
  });
  it("stores a hostile search as capped plain text without markup", () => {
    const q = cleanSearch("<script>alert(1)</script>" + "x".repeat(10_000))!;
    expect(q).not.toMatch(/[<>]/);
    expect(q.length).toBeLessThanOrEqual(200);
    expect(cleanSearch("   ")).toBeNull();
  });
  it("keeps http(s) URLs without credentials, fragments or unknown parameters", () => {
    expect(cleanUrl("https://u:p@shop.example/a?utm_source=x&email=a%40b.c&token=1#frag")).toBe("https://shop.example/a?utm_source=x");
    expect(cleanUrl("javascript:alert(1)")).toBeNull();
    expect(cleanUrl("data:text/html,<script>")).toBeNull();
    expect(cleanUrl("not a url")).toBeNull();
    expect(cleanUrl("https://shop.example/<script>")).toBe("https://shop.example/%3Cscript%3E");
    expect(cleanUrl("https://shop.example/" + "a".repeat(5000))!.length).toBe(MAX_URL_LENGTH);
  });
});

describe("the batch envelope", () => {
  it("accepts a shop domain and 1..50 events, lower-casing the shop", () => {
    const r = parseEnvelope({ shop: "Acme.myshopify.com", events: [{}] });
    expect(r.ok && r.value.shop).toBe("acme.myshopify.com");
  });
  it("refuses other domains, no events, and too many events (flagged for 413)", () => {
    expect(parseEnvelope({ shop: "evil.com", events: [{}] }).ok).toBe(false);
    expect(parseEnvelope({ shop: "a.myshopify.com", events: [] }).ok).toBe(false);
    const tooMany = parseEnvelope({ shop: "a.myshopify.com", events: Array(MAX_EVENTS_PER_BATCH + 1).fill({}) });
    expect(tooMany.ok).toBe(false);
    expect(!tooMany.ok && tooMany.tooMany).toBe(true);
    expect(parseEnvelope("x").ok).toBe(false);
  });
});

describe("each event", () => {
  it("normalises the seven supported events", () => {
    expect(ok(examples.page())).toMatchObject({ type: "page_viewed", browserId: "browser-1", url: "https://shop.example/products/hat?utm_source=mail" });
    expect(ok(examples.product())).toMatchObject({ type: "product_viewed", variantShopifyId: "11", productShopifyId: "22" });
    expect(ok(examples.collection())).toMatchObject({ collectionShopifyId: "33" });
    expect(ok(examples.search())).toMatchObject({ searchQuery: "red hat" });
    expect(ok(examples.addToCart(3))).toMatchObject({ variantShopifyId: "44", productShopifyId: "55", quantity: 3 });
    expect(ok(examples.checkoutStarted())).toMatchObject({ checkoutToken: "tok-1", identity: { email: "shopper@example.com" } });
    expect(ok(examples.checkoutCompleted(null, "gid://shopify/Customer/77")).identity).toEqual({ customerShopifyId: "77" });
  });
  it("takes identity from the batch, then the event, then the checkout", () => {
    const batch = { customerShopifyId: "1", email: "batch@example.com" };
    expect(ok(examples.page(), batch).identity).toEqual(batch);
    const own = { ...examples.page(), identity: { customerId: "gid://shopify/Customer/2" } };
    expect(ok(own, batch).identity).toEqual({ customerShopifyId: "2", email: "batch@example.com" });
    expect(ok(examples.checkoutStarted("c@example.com"), batch).identity.email).toBe("c@example.com");
    expect(ok(examples.checkoutStarted("not-an-email")).identity).toEqual({}); // ignored, not an error
  });
  it("rejects unsupported names, missing ids and wrong-type GIDs with a clear error", () => {
    expect(error(standardEvent("clicked", {}))).toMatch(/unsupported event "clicked"/);
    expect(error({ ...examples.page(), id: undefined })).toMatch(/^id: /);
    expect(error(examples.product("gid://shopify/Product/1", "22"))).toMatch(/data\.productVariant\.id: not a Shopify ProductVariant id/);
    expect(error({ ...examples.page(), identity: { customerId: "gid://shopify/Order/1" } })).toMatch(/identity\.customerId/);
    expect(error({ ...examples.page(), clientId: "x".repeat(200) })).toMatch(/clientId/);
    expect(error(standardEvent("search_submitted", { searchResult: {} }))).toMatch(/data\.searchResult\.query/);
  });
  it("rejects ids and tokens with NUL or control characters (PostgreSQL refuses NUL in text)", () => {
    expect(error({ ...examples.page(), id: "ev\u00001" })).toMatch(/^id: must be printable ASCII/);
    expect(error({ ...examples.page(), clientId: "b\u0000" })).toMatch(/clientId: must be printable ASCII/);
    expect(error({ ...examples.page(), clientId: "two words" })).toMatch(/clientId/);
    expect(error(standardEvent("checkout_started", { checkout: { token: "t\u0000k" } }))).toMatch(/data\.checkout\.token/);
  });
  it("accepts null ids, which Shopify sends for some merchandise", () => {
    expect(ok(examples.product(null, null))).toMatchObject({ variantShopifyId: null, productShopifyId: null });
    expect(ok(standardEvent("product_added_to_cart", { cartLine: null }))).toMatchObject({ quantity: null });
  });
  it("keeps sane timestamps only, clamping a slightly fast browser clock to now", () => {
    expect(error(standardEvent("page_viewed", {}, { timestamp: "yesterday-ish" }))).toMatch(/timestamp: not a date/);
    expect(error(standardEvent("page_viewed", {}, { timestamp: new Date(now.getTime() + 2 * 86400_000).toISOString() }))).toMatch(/future/);
    expect(error(standardEvent("page_viewed", {}, { timestamp: "2001-01-01T00:00:00Z" }))).toMatch(/too old/);
    const ahead = ok(standardEvent("page_viewed", {}, { timestamp: new Date(now.getTime() + 3600_000).toISOString() }));
    expect(ahead.occurredAt.getTime()).toBe(now.getTime());
  });
});
