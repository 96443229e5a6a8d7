// Who is behind an anonymous browser id: the rules, on plain data.
//
// - An event carries identity when the shopper is logged in (customer id) or types
//   an email at checkout. Per browser, the batch's latest customer id and latest
//   email are its claim.
// - A claim resolves to a Customer by Shopify id first, then by email. An email
//   that matches no customer is kept only as a keyed hash (emailHash) until one does.
// - A pending email hash never replaces a link to a customer.
// - Linking fills in the browser's events that have no customer; it never moves an
//   event from one customer to another (a shared computer keeps both histories).
import { createHmac } from "node:crypto";
import type { Identity, PixelEvent } from "./schema";

export type Claim = Identity;

/** Customer.id by Shopify customer id and by normalised email, for one shop. */
export interface CustomerMatches {
  byShopifyId: ReadonlyMap<string, string>;
  byEmail: ReadonlyMap<string, string>;
}

export type Link = { customerId: string; emailHash: null } | { customerId: null; emailHash: string };

/** The keyed hash kept for an email that matches no customer yet (HMAC-SHA256, per shop). */
export function emailHash(secret: string, shopId: string, email: string): string {
  return createHmac("sha256", secret).update(`${shopId}\n${email.trim().toLowerCase()}`).digest("hex");
}

/** Per browser: the latest customer id and the latest email seen in the batch. */
export function claimsByBrowser(events: readonly PixelEvent[]): Map<string, Claim> {
  const ordered = events
    .map((event, index) => ({ event, index }))
    .sort(
      (a, b) =>
        a.event.occurredAt.getTime() - b.event.occurredAt.getTime() ||
        (a.event.seq ?? 0) - (b.event.seq ?? 0) ||
        a.index - b.index,
    );
  const claims = new Map<string, Claim>();
  for (const { event } of ordered) {
    const { customerShopifyId, email } = event.identity;
    if (!customerShopifyId && !email) continue;
    const claim = claims.get(event.browserId) ?? {};
    if (customerShopifyId) claim.customerShopifyId = customerShopifyId;
    if (email) claim.email = email;
    claims.set(event.browserId, claim);
  }
  return claims;
}

/** The customer a claim names, if any is known. */
export function matchCustomer(claim: Claim, matches: CustomerMatches): string | null {
  if (claim.customerShopifyId) {
    const id = matches.byShopifyId.get(claim.customerShopifyId);
    if (id) return id;
  }
  if (claim.email) {
    const id = matches.byEmail.get(claim.email);
    if (id) return id;
  }
  return null;
}

/** The link a claim earns, or null when it says nothing we can keep. */
export function resolveLink(claim: Claim, matches: CustomerMatches, hash: (email: string) => string): Link | null {
  const customerId = matchCustomer(claim, matches);
  if (customerId) return { customerId, emailHash: null };
  if (claim.email) return { customerId: null, emailHash: hash(claim.email) };
  return null;
}

/** What to store for a browser: the new link, unless it would replace a customer with a pending hash. */
export function mergeLink(existing: Link | null, next: Link | null): Link | null {
  if (!next) return null;
  if (existing?.customerId && !next.customerId) return null;
  if (existing && existing.customerId === next.customerId && existing.emailHash === next.emailHash) return null;
  return next;
}

/** The customer an event is stored with: its own identity first, then its browser's link. */
export function eventCustomerId(event: PixelEvent, matches: CustomerMatches, browserCustomerId: string | null): string | null {
  return matchCustomer(event.identity, matches) ?? browserCustomerId;
}
