// Shared inputs for the render tests and the render benchmark: a cart-recovery
// draft in the content layer's shape, a brand, and recipients built to order.
import { DomUtils, parseDocument } from "htmlparser2";
import type { BrandInput, CompileInput, DraftCopy, Recipient, RenderProduct } from "~/core/render";

export const BRAND: BrandInput = {
  shopName: "Acme & Co",
  shopUrl: "https://acme.example",
  logoUrl: "https://cdn.acme.example/logo.png",
  postalAddress: "1 Main Street\nSpringfield, IL 62701, USA",
  currency: "USD",
  timeZone: "America/Chicago",
  colors: { primary: "#0a5cff" },
};

export const FOOTER = { shopName: "Acme & Co", postalAddress: "1 Main Street, Springfield, IL 62701, USA" };

export function draft(overrides: Partial<DraftCopy> = {}): DraftCopy {
  return {
    subjectVariants: ["Still thinking it over?", "Your cart is waiting", "Back in your cart"],
    previewText: "Your picks are saved, with free shipping this week",
    headline: "Still thinking about it?",
    bodyBlocks: [
      { type: "greeting" },
      { type: "paragraph", text: "You left a few things behind. Our returns policy is at https://acme.example/pages/returns.\nWe saved everything for you." },
      { type: "product", productId: "featured-1" },
      { type: "products", source: "cart" },
      { type: "offer" },
      { type: "paragraph", text: "Questions? Reply to this email." },
    ],
    callToAction: { label: "Return to your cart", url: "https://acme.example/cart" },
    ...overrides,
  };
}

export const FEATURED: RenderProduct = {
  id: "featured-1",
  title: "Organic Cotton Tee",
  priceMinor: 2500,
  compareAtPriceMinor: 3000,
  url: "https://acme.example/products/organic-tee",
  imageUrl: "https://cdn.acme.example/tee.jpg",
};

export function input(overrides: Partial<CompileInput> = {}): CompileInput {
  return { draft: draft(), brand: BRAND, products: [FEATURED], ...overrides };
}

export function product(i: number, overrides: Partial<RenderProduct> = {}): RenderProduct {
  return {
    id: `p${i}`,
    title: `Product number ${i}`,
    priceMinor: 1000 + i * 125,
    url: `https://acme.example/products/p${i}?variant=${i}&ref=cart`,
    imageUrl: `https://cdn.acme.example/p${i}.jpg`,
    ...overrides,
  };
}

export function recipient(i: number, overrides: Partial<Recipient> = {}): Recipient {
  return {
    firstName: ["Ann", null, "Björk", "  ", "Zoë"][i % 5],
    behaviour: [{ kind: "cart" as const }, null, { kind: "viewed" as const, productTitle: "Linen Shirt", count: 2 }, { kind: "lapsed" as const, daysSinceLastOrder: 95 }][i % 4],
    products: { cart: Array.from({ length: 1 + (i % 4) }, (_, j) => product(i * 10 + j)) },
    offer: i % 3 === 0 ? null : { code: `BACK-${1000 + i}`, expiresAt: "2026-05-12T12:00:00Z" },
    unsubscribeUrl: `https://app.loopwise.example/u/${i}?token=t${i}`,
    ...overrides,
  };
}

type Element = ReturnType<typeof DomUtils.findAll>[number];

/** Every element named `name` in the parsed HTML. */
export function elements(html: string, name: string): Element[] {
  return DomUtils.findAll((el) => el.name === name, parseDocument(html).children);
}

/** The visible text of the HTML body (entities decoded, head, styles and comments left out). */
export function bodyText(html: string): string {
  const body = elements(html, "body")[0];
  return body ? DomUtils.textContent(body) : "";
}
