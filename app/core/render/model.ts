// Draft + brand → the email's model: every text cleaned, every URL checked, every
// link numbered (the link hook is applied per recipient to each number), and
// the places where recipient data goes named as slots. Both renderers (the
// MJML source and the plain text) read only this model.
import { zodProblems } from "../flows/plan/validate";
import { formatMoney } from "../content/money";
import { DraftCopySchema, type ProductSource } from "../content/draft";
import { cleanMultiline, cleanText, safeHttpUrl, truncate } from "./escape";
import { BrandSchema, themeFor, type Brand, type Theme } from "./theme";
import {
  DEFAULT_MAX_PRODUCTS_PER_BLOCK,
  MAX_PRODUCTS_PER_BLOCK,
  RenderInputError,
  type CompileInput,
  type LinkKind,
  type RenderProduct,
} from "./types";

export interface LinkRef {
  url: string;
  kind: LinkKind;
  productId?: string;
}

/** A product ready to show: clean title, formatted prices, checked URLs. */
export interface ShownProduct {
  id: string;
  title: string;
  price: string | null;
  compareAt: string | null;
  url: string | null;
  imageUrl: string | null;
}

/** Text, or a link (an index into the model's links) showing its own URL. */
export type Piece = { text: string } | { link: number; label: string };

export type ModelBlock =
  | { type: "greeting" }
  /** One entry per line of the paragraph. */
  | { type: "paragraph"; lines: Piece[][] }
  | { type: "product"; product: ShownProduct; link: number | null }
  | { type: "products"; source: ProductSource; slot: string }
  | { type: "offer" };

export interface EmailModel {
  brand: Brand;
  theme: Theme;
  warnings: string[];
  subjects: string[];
  previewText: string;
  headline: string;
  blocks: ModelBlock[];
  cta: { label: string; link: number };
  header: { link: number; logoUrl: string | null };
  links: LinkRef[];
  maxProductsPerBlock: number;
  /** Where the behaviour line goes: after the greeting, else after the headline. */
  hasGreeting: boolean;
}

/** Longest product title shown (catalog titles run to 255 characters). */
export const TITLE_MAX = 150;

export function prepareModel(input: CompileInput): EmailModel {
  const problems: string[] = [];
  const brandParsed = BrandSchema.safeParse(input.brand);
  if (!brandParsed.success) problems.push(...zodProblems(brandParsed.error).map((p) => `brand: ${p}`));
  const draftParsed = DraftCopySchema.safeParse(input.draft);
  if (!draftParsed.success) problems.push(...zodProblems(draftParsed.error).map((p) => `draft: ${p}`));
  const max = input.options?.maxProductsPerBlock ?? DEFAULT_MAX_PRODUCTS_PER_BLOCK;
  if (!Number.isInteger(max) || max < 1 || max > MAX_PRODUCTS_PER_BLOCK) problems.push(`products per block must be a whole number from 1 to ${MAX_PRODUCTS_PER_BLOCK}`);
  if (!brandParsed.success || !draftParsed.success || problems.length > 0) throw new RenderInputError(problems);

  const brand = brandParsed.data;
  const draft = draftParsed.data;
  const { theme, warnings } = themeFor(brand.colors);
  const links: LinkRef[] = [];
  const addLink = (url: string, kind: LinkKind, productId?: string) => links.push(productId === undefined ? { url, kind } : { url, kind, productId }) - 1;

  const header = { link: addLink(brand.shopUrl, "logo"), logoUrl: brand.logoUrl };
  const catalog = new Map((input.products ?? []).map((p) => [String(p.id), p]));
  const blocks: ModelBlock[] = [];
  draft.bodyBlocks.forEach((block, i) => {
    switch (block.type) {
      case "greeting":
      case "offer":
        blocks.push({ type: block.type });
        return;
      case "paragraph": {
        const lines = cleanMultiline(block.text)
          .split("\n")
          .map((line) => linkify(line, (url) => addLink(url, "body")));
        blocks.push({ type: "paragraph", lines });
        return;
      }
      case "product": {
        const product = shownProduct(catalog.get(block.productId), brand.currency);
        if (!product) {
          problems.push(`block ${i + 1} shows product ${block.productId}, which is not among this email's products (or has no title)`);
          return;
        }
        blocks.push({ type: "product", product, link: product.url ? addLink(product.url, "product", product.id) : null });
        return;
      }
      case "products":
        blocks.push({ type: "products", source: block.source, slot: `products.${i}` });
        return;
    }
  });
  const ctaUrl = safeHttpUrl(draft.callToAction.url);
  if (!ctaUrl) problems.push("the call to action's link is not an http(s) URL");
  if (problems.length > 0) throw new RenderInputError(problems);

  return {
    brand,
    theme,
    warnings,
    subjects: draft.subjectVariants.map(cleanText),
    previewText: cleanText(draft.previewText),
    headline: cleanText(draft.headline),
    blocks,
    cta: { label: cleanText(draft.callToAction.label), link: addLink(ctaUrl!, "cta") },
    header,
    links,
    maxProductsPerBlock: max,
    hasGreeting: blocks.some((b) => b.type === "greeting"),
  };
}

/** A product as shown, or null when it has nothing to show (no title). */
export function shownProduct(p: RenderProduct | undefined, currency: string): ShownProduct | null {
  if (!p || typeof p.title !== "string") return null;
  const title = truncate(cleanText(p.title), TITLE_MAX);
  if (!title) return null;
  const money = (minor: unknown) => (typeof minor === "number" && Number.isSafeInteger(minor) && minor >= 0 ? priceText(minor, currency) : null);
  const price = money(p.priceMinor);
  // A compare-at price only means something when it is above the price.
  const compareAt = typeof p.compareAtPriceMinor === "number" && p.compareAtPriceMinor > p.priceMinor ? money(p.compareAtPriceMinor) : null;
  return { id: String(p.id), title, price, compareAt, url: safeHttpUrl(p.url), imageUrl: safeHttpUrl(p.imageUrl) };
}

// formatMoney keeps one Intl formatter per currency, so a price costs a format call, not a formatter.
function priceText(minor: number, currency: string): string {
  return formatMoney(minor, currency);
}

// Same shape as the content validator's URL finder: http(s) and bare www. links.
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>)\]]+|\bwww\.[^\s"'<>)\]]+/gi;

/** A line of copy split into text and links, so every link in copy is a real, hooked link. */
function linkify(line: string, addLink: (url: string) => number): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  for (const m of line.matchAll(URL_IN_TEXT)) {
    const label = m[0].replace(/[.,;:!?]+$/, "");
    const url = safeHttpUrl(/^www\./i.test(label) ? `https://${label}` : label);
    if (!url) continue;
    if (m.index! > at) pieces.push({ text: line.slice(at, m.index) });
    pieces.push({ link: addLink(url), label });
    at = m.index! + label.length;
  }
  if (at < line.length) pieces.push({ text: line.slice(at) });
  return pieces;
}
