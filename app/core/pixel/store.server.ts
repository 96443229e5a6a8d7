// The pixel's database shell: stores validated events in one batch insert, drops
// duplicate event ids, and links browsers to customers. Every query is scoped by
// shop. Pixel data goes only to BrowseEvent and BrowserIdentity, never to orders.
import type { Prisma } from "@prisma/client";
import type { Database } from "../../db.server";

/** A client or a transaction: these functions also run inside a webhook's transaction. */
type Db = Database | Prisma.TransactionClient;
import { isUniqueViolation } from "../../db.server";
import {
  claimsByBrowser,
  emailHash,
  eventCustomerId,
  mergeLink,
  resolveLink,
  type CustomerMatches,
  type Link,
} from "./identity";
import type { PixelEvent } from "./schema";

export interface StoreResult {
  accepted: number;
  duplicates: number;
  /** Browsers linked (or re-linked) to a customer or a pending email hash by this batch. */
  linked: number;
}

async function findCustomers(db: Db, shopId: string, ids: string[], emails: string[]): Promise<CustomerMatches> {
  const byShopifyId = new Map<string, string>();
  const byEmail = new Map<string, string>();
  if (ids.length === 0 && emails.length === 0) return { byShopifyId, byEmail };
  const rows = await db.customer.findMany({
    where: {
      shopId,
      deletedAt: null,
      redactedAt: null,
      OR: [...(ids.length ? [{ shopifyId: { in: ids } }] : []), ...(emails.length ? [{ email: { in: emails } }] : [])],
    },
    select: { id: true, shopifyId: true, email: true },
    orderBy: { createdAt: "asc" },
  });
  for (const row of rows) {
    byShopifyId.set(row.shopifyId, row.id);
    const email = row.email?.trim().toLowerCase();
    if (email && !byEmail.has(email)) byEmail.set(email, row.id);
  }
  return { byShopifyId, byEmail };
}

/** Sets a browser's link and gives its customer-less events to the linked customer. */
async function saveLink(db: Db, shopId: string, browserId: string, link: Link): Promise<void> {
  const data = { customerId: link.customerId, emailHash: link.emailHash, linkedAt: new Date() };
  try {
    await db.browserIdentity.upsert({
      where: { shopId_browserId: { shopId, browserId } },
      create: { shopId, browserId, ...data },
      update: data,
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error; // a concurrent batch created it first
    await db.browserIdentity.update({ where: { shopId_browserId: { shopId, browserId } }, data });
  }
  if (link.customerId) {
    await db.browseEvent.updateMany({
      where: { shopId, browserId, customerId: null },
      data: { customerId: link.customerId },
    });
  }
}


/**
 * One insert for the batch (the common case). When some ids are already stored,
 * the insert fails on the unique key: insert the others instead, row by row only
 * if a concurrent batch races us again. Returns how many rows were inserted.
 */
async function insertIgnoringDuplicates(db: Db, shopId: string, rows: Prisma.BrowseEventCreateManyInput[]): Promise<number> {
  try {
    await db.browseEvent.createMany({ data: rows });
    return rows.length;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const stored = await db.browseEvent.findMany({
    where: { shopId, eventId: { in: rows.map((r) => r.eventId) } },
    select: { eventId: true },
  });
  const known = new Set(stored.map((s) => s.eventId));
  const rest = rows.filter((r) => !known.has(r.eventId));
  if (rest.length === 0) return 0;
  try {
    await db.browseEvent.createMany({ data: rest });
    return rest.length;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  let inserted = 0;
  for (const row of rest) {
    try {
      await db.browseEvent.create({ data: row });
      inserted += 1;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return inserted;
}

export async function storePixelEvents(
  db: Db,
  shopId: string,
  events: readonly PixelEvent[],
  options: { secret: string; receivedAt?: Date },
): Promise<StoreResult> {
  // 1. Duplicates within the batch; stored duplicates are found by the unique key at insert.
  const unique = new Map<string, PixelEvent>();
  for (const e of events) if (!unique.has(e.eventId)) unique.set(e.eventId, e);
  const fresh = [...unique.values()];

  // 2. Identity: what the browsers already are, and what this batch claims.
  const browserIds = [...new Set(fresh.map((e) => e.browserId))];
  const known = await db.browserIdentity.findMany({
    where: { shopId, browserId: { in: browserIds } },
    select: { browserId: true, customerId: true, emailHash: true },
  });
  const existing = new Map<string, Link>();
  for (const k of known) {
    if (k.customerId) existing.set(k.browserId, { customerId: k.customerId, emailHash: null });
    else if (k.emailHash) existing.set(k.browserId, { customerId: null, emailHash: k.emailHash });
  }
  const claims = claimsByBrowser(fresh);
  const claimedIds = new Set<string>();
  const claimedEmails = new Set<string>();
  for (const e of fresh) {
    if (e.identity.customerShopifyId) claimedIds.add(e.identity.customerShopifyId);
    if (e.identity.email) claimedEmails.add(e.identity.email);
  }
  const matches = await findCustomers(db, shopId, [...claimedIds], [...claimedEmails]);
  const hash = (email: string) => emailHash(options.secret, shopId, email);
  const changes = new Map<string, Link>();
  for (const [browserId, claim] of claims) {
    const next = mergeLink(existing.get(browserId) ?? null, resolveLink(claim, matches, hash));
    if (next) changes.set(browserId, next);
  }
  const browserCustomer = (browserId: string) =>
    changes.get(browserId)?.customerId ?? existing.get(browserId)?.customerId ?? null;

  // 3. One insert for the batch; a concurrent duplicate falls back to row by row.
  const receivedAt = options.receivedAt ?? new Date();
  const rows = fresh.map((e) => ({
    shopId,
    eventId: e.eventId,
    browserId: e.browserId,
    customerId: eventCustomerId(e, matches, browserCustomer(e.browserId)),
    type: e.type,
    occurredAt: e.occurredAt,
    url: e.url,
    productShopifyId: e.productShopifyId,
    variantShopifyId: e.variantShopifyId,
    collectionShopifyId: e.collectionShopifyId,
    searchQuery: e.searchQuery,
    checkoutToken: e.checkoutToken,
    quantity: e.quantity,
    receivedAt,
  }));
  const accepted = await insertIgnoringDuplicates(db, shopId, rows);

  // 4. New links, and back-attach the linked browsers' earlier events.
  for (const [browserId, link] of changes) await saveLink(db, shopId, browserId, link);
  return { accepted, duplicates: events.length - accepted, linked: changes.size };
}

/**
 * For the customers webhooks: once a customer with this email exists, links the
 * browsers that were waiting on the email's hash and attaches their events.
 * Returns how many browsers were linked.
 */
export async function linkPendingBrowsers(
  db: Db,
  shopId: string,
  customer: { id: string; email: string | null },
  secret: string,
): Promise<number> {
  if (!customer.email) return 0;
  const hash = emailHash(secret, shopId, customer.email);
  const pending = await db.browserIdentity.findMany({
    where: { shopId, emailHash: hash, customerId: null },
    select: { browserId: true },
  });
  for (const { browserId } of pending) await saveLink(db, shopId, browserId, { customerId: customer.id, emailHash: null });
  return pending.length;
}

/**
 * For customers/redact: removes the customer's browsing history and every browser
 * link to them (by customer and by the hash of their email).
 */
export async function redactBrowsing(
  db: Db,
  shopId: string,
  customer: { id?: string | null; email?: string | null },
  secret: string,
): Promise<void> {
  const or: Array<{ customerId: string } | { emailHash: string }> = [];
  if (customer.id) or.push({ customerId: customer.id });
  if (customer.email) or.push({ emailHash: emailHash(secret, shopId, customer.email) });
  if (or.length === 0) return;
  const browsers = await db.browserIdentity.findMany({ where: { shopId, OR: or }, select: { browserId: true } });
  const browserIds = browsers.map((b) => b.browserId);
  await db.browseEvent.deleteMany({
    where: {
      shopId,
      OR: [...(customer.id ? [{ customerId: customer.id }] : []), ...(browserIds.length ? [{ browserId: { in: browserIds } }] : [])],
    },
  });
  await db.browserIdentity.deleteMany({ where: { shopId, OR: or } });
}
