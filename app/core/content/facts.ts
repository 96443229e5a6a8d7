// What the copy may be built from: the shop's facts and the catalog facts of the
// products allowed in one email. Only these (and the plan's offer) may appear as
// prices, products or claims in a draft.
import { z } from "zod";

const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const ShopFactsSchema = z
  .object({
    name: z.string().trim().min(1, "the shop's name is required").max(100),
    /** The storefront's primary domain, e.g. "acme.com" (links may go here). */
    domain: z.string().trim().toLowerCase().regex(HOST, "the shop domain must be a host name such as acme.com"),
    /** The myshopify domain, when different from `domain`. */
    myshopifyDomain: z.string().trim().toLowerCase().regex(HOST).nullable().default(null),
    /** ISO 4217: every price in the copy is in this currency. */
    currency: z.string().regex(/^[A-Z]{3}$/, "currency must be an ISO code such as USD"),
    /** For the legal footer; copy never needs it. */
    postalAddress: z.string().trim().max(300).default(""),
  })
  .strict();
export type ShopFacts = z.output<typeof ShopFactsSchema>;
export type ShopFactsInput = z.input<typeof ShopFactsSchema>;

export const CatalogProductSchema = z
  .object({
    id: z.string().trim().min(1).max(100),
    title: z.string().trim().min(1).max(200),
    /** In the shop currency's minor units. */
    priceMinor: z.number().int().min(0),
    compareAtPriceMinor: z.number().int().min(0).nullable().default(null),
    url: z.string().url().max(2_000),
    imageUrl: z.string().url().max(2_000).nullable().default(null),
    /** Plain text (ingest strips the HTML). */
    description: z.string().max(5_000).default(""),
  })
  .strict();
export type CatalogProduct = z.output<typeof CatalogProductSchema>;
export type CatalogProductInput = z.input<typeof CatalogProductSchema>;

/** Hosts a link in a draft may point to: the shop's domains and the Loopwise app. */
export function allowedLinkHosts(shop: ShopFacts, appOrigin: string | null | undefined): string[] {
  const hosts = new Set<string>([shop.domain]);
  if (!shop.domain.startsWith("www.")) hosts.add(`www.${shop.domain}`);
  if (shop.myshopifyDomain) hosts.add(shop.myshopifyDomain);
  if (appOrigin) {
    try {
      hosts.add(new URL(appOrigin).host.toLowerCase());
    } catch {
      // an unparseable app origin allows nothing extra
    }
  }
  return [...hosts];
}

export function shopUrl(shop: ShopFacts, path = "/"): string {
  return `https://${shop.domain}${path}`;
}

/** Catalog text cleaned for use in copy: no markup, no control characters, one line. */
export function plainText(value: string): string {
  return value
    .replace(/<[^>]*>/g, " ")
    .replace(/[<>]/g, " ")
    .replace(/\{\{|\}\}|\{%|%\}/g, " ")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
