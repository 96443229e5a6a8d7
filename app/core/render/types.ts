// What rendering takes and gives. The copy is the content layer's DraftCopy;
// the brand comes from settings; recipients carry only what personalises their
// copy. A compiled email is plain data (JSON-safe), so it can be cached or
// handed to a worker between compiling (once per variant) and merging (once
// per recipient).
import type { DraftCopy, ProductSource } from "../content/draft";
import type { CatalogProductInput } from "../content/facts";
import type { BrandInput, Theme } from "./theme";

export type { DraftCopy, ProductSource };

/** Where a link sits, so the link hook can tag it (click tracking, UTM). */
export type LinkKind = "logo" | "cta" | "body" | "product" | "unsubscribe";

export interface LinkContext {
  kind: LinkKind;
  /** Product links: which product. */
  productId?: string;
}

/**
 * Applied to every link of every email, once per link per recipient: the
 * delivery and attribution layers add click tokens and UTM parameters here. It
 * must return an absolute http(s) URL.
 */
export type LinkHook = (url: string, context: LinkContext) => string;

/** A product as an email shows it: the content layer's catalog facts. */
export type RenderProduct = Pick<CatalogProductInput, "id" | "title" | "priceMinor" | "url"> &
  Partial<Pick<CatalogProductInput, "compareAtPriceMinor" | "imageUrl">>;

/** What the recipient did, turned into one line of copy ("Still thinking about your cart?"). */
export type Behaviour =
  | { kind: "cart"; items?: number }
  | { kind: "viewed"; productTitle: string; count: number }
  | { kind: "bought"; productTitle: string }
  | { kind: "lapsed"; daysSinceLastOrder: number }
  /** A line already written (by a flow), used as is (escaped). */
  | { kind: "line"; text: string };

export interface Recipient {
  firstName?: string | null;
  behaviour?: Behaviour | null;
  /** Products for each `products` block of the draft, by its source. */
  products?: Partial<Record<ProductSource, readonly RenderProduct[]>>;
  /** Their own single-use code, when this email carries the offer. */
  offer?: { code: string; expiresAt: Date | string | number | null } | null;
  /** Their one-click unsubscribe link: required, every email has one. */
  unsubscribeUrl: string;
}

export interface CompileInput {
  draft: DraftCopy;
  brand: BrandInput;
  /** Catalog facts for the draft's `product` blocks (and nothing else). */
  products?: readonly RenderProduct[];
  options?: CompileOptions;
}

export interface CompileOptions {
  /** Products shown per `products` block; the rest are counted ("and 44 more"). Default 6. */
  maxProductsPerBlock?: number;
}

export const DEFAULT_MAX_PRODUCTS_PER_BLOCK = 6;
/** However it is configured: 50 product rows stay well under Gmail's clipping limit. */
export const MAX_PRODUCTS_PER_BLOCK = 50;

/** A template split at its merge slots: parts.length === slots.length + 1. */
export interface Spliced {
  parts: string[];
  slots: string[];
}

export interface RenderedEmail {
  subject: string;
  previewText: string;
  html: string;
  text: string;
}

/** The input was wrong in a way a person must fix (settings, copy, recipient data). */
export class RenderInputError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot render the email: ${problems.join("; ")}`);
    this.name = "RenderInputError";
  }
}

export type { Theme };
