// Shopify standard pixel events as analytics.subscribe delivers them (trimmed).
let n = 0;

export function standardEvent(name: string, data: unknown, overrides: Record<string, unknown> = {}) {
  n += 1;
  return {
    id: `evt-${name}-${n}-${Math.random().toString(36).slice(2, 8)}`,
    name,
    type: "standard",
    timestamp: new Date().toISOString(),
    clientId: "browser-1",
    seq: n,
    context: { document: { location: { href: "https://shop.example/products/hat?utm_source=mail&email=a%40b.c#top" } } },
    data,
    ...overrides,
  };
}

export const variant = (variantId: string | null, productId: string | null) => ({
  id: variantId,
  title: "Red",
  price: { amount: 10, currencyCode: "USD" },
  product: { id: productId, title: "Hat", vendor: "Acme", type: null, untranslatedTitle: null, url: null },
});

export const examples = {
  page: () => standardEvent("page_viewed", {}),
  product: (v: string | null = "gid://shopify/ProductVariant/11", p: string | null = "gid://shopify/Product/22") =>
    standardEvent("product_viewed", { productVariant: variant(v, p) }),
  collection: (id = "gid://shopify/Collection/33") => standardEvent("collection_viewed", { collection: { id, title: "Hats" } }),
  search: (query = "red hat") => standardEvent("search_submitted", { searchResult: { query, productVariants: [] } }),
  addToCart: (quantity = 2) =>
    standardEvent("product_added_to_cart", {
      cartLine: { quantity, cost: { totalAmount: { amount: 20, currencyCode: "USD" } }, merchandise: variant("44", "55") },
    }),
  checkoutStarted: (email: string | null = "Shopper@Example.com ") =>
    standardEvent("checkout_started", { checkout: { token: "tok-1", email, lineItems: [], order: null } }),
  checkoutCompleted: (email: string | null, customerId: string | null) =>
    standardEvent("checkout_completed", {
      checkout: { token: "tok-1", email, order: { id: "gid://shopify/Order/9", customer: customerId ? { id: customerId } : null } },
    }),
};
