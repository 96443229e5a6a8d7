// Erasure and shop lifecycle: customers/delete, customers/redact, shop/redact,
// app/uninstalled, app/scopes_update. Every function works when the shop's
// session, and even its Shop row, is already gone.
//
// Exported API:
//   eraseCustomer(db, shopId, customerShopifyId)          → { customerId }   customers/delete
//   redactCustomer(db, shopId, CustomerRedactRecord)       → RedactCounts    customers/redact
//   redactShop(db, shopId)                                  → counts          shop/redact
//   markUninstalled(db, shopId, at?)                        → { sessions }    app/uninstalled (the caller cancels the queue)
//   updateScopes(db, shopId, scopes)                        → void            app/scopes_update
//   browserEmailHash(shopId, email)                         → BrowserIdentity.emailHash, as the pixel writes it
import { env } from "../../env.server";
import { emailHash as pixelEmailHash } from "../pixel/identity";
import type { Db, Tx } from "./store.server";
import { inTransaction, shopDomainHash } from "./store.server";
import type { CustomerRedactRecord } from "./records";
import { normalizeEmail } from "./records";

/** The pixel's keyed hash of a checkout email (app/core/pixel/identity.ts), for this app's secret. */
export function browserEmailHash(shopId: string, email: string): string {
  return pixelEmailHash(env.SHOPIFY_API_SECRET, shopId, email);
}

const ERASED_PERSON = {
  email: null,
  firstName: null,
  lastName: null,
  phone: null,
  tags: "",
  countryCode: null,
  province: null,
  city: null,
  zip: null,
};

/** Emails as they may have been stored: as given and normalized. */
function emailVariants(email: string | null): string[] {
  if (!email) return [];
  return [...new Set([email, email.trim(), normalizeEmail(email)])].filter((e) => e.length > 0);
}

/**
 * customers/delete: the customer's personal data is erased; the row stays as
 * an anonymous tombstone (so a late customers/update cannot re-fill it) and
 * their orders stay, without email, for revenue.
 */
export async function eraseCustomer(db: Db, shopId: string, customerShopifyId: string): Promise<{ customerId: string }> {
  return inTransaction(db, async (tx) => {
    const now = new Date();
    const key = { shopId_shopifyId: { shopId, shopifyId: customerShopifyId } };
    const before = await tx.customer.findUnique({ where: key, select: { email: true } });
    const row = await tx.customer.upsert({
      where: key,
      create: { shopId, shopifyId: customerShopifyId, deletedAt: now },
      update: { ...ERASED_PERSON, deletedAt: now },
      select: { id: true },
    });
    await tx.order.updateMany({ where: { shopId, customerId: row.id }, data: { email: null } });
    await tx.checkout.updateMany({ where: { shopId, customerId: row.id }, data: { email: null } });
    await eraseBrowsing(tx, shopId, [row.id], before?.email ? [before.email] : []);
    await deleteJobsMentioning(tx, shopId, [row.id, ...(before?.email ? [before.email] : [])]);
    return { customerId: row.id };
  });
}

/**
 * A person's browsing is personal data: the events of browsers linked to them
 * (by customer, or by the hash of an email they gave at checkout) go, with the links.
 */
async function eraseBrowsing(tx: Tx, shopId: string, customerIds: string[], emails: string[]): Promise<number> {
  const identityOr = [
    ...(customerIds.length > 0 ? [{ customerId: { in: customerIds } }] : []),
    ...emails.map((email) => ({ emailHash: browserEmailHash(shopId, email) })),
  ];
  if (identityOr.length === 0) return 0;
  const browsers = await tx.browserIdentity.findMany({ where: { shopId, OR: identityOr }, select: { browserId: true } });
  const eventOr = [
    ...(customerIds.length > 0 ? [{ customerId: { in: customerIds } }] : []),
    ...(browsers.length > 0 ? [{ browserId: { in: browsers.map((b) => b.browserId) } }] : []),
  ];
  if (eventOr.length > 0) await tx.browseEvent.deleteMany({ where: { shopId, OR: eventOr } });
  return (await tx.browserIdentity.deleteMany({ where: { shopId, OR: identityOr } })).count;
}

export interface RedactCounts {
  customers: number;
  /** Messages whose address and merged values were erased. */
  messages: number;
  orders: number;
  checkouts: number;
  browserIdentities: number;
  jobs: number;
}

/** Deletes jobs (of the shop, or shop-less) whose payload or error mentions any of `needles`. */
async function deleteJobsMentioning(tx: Tx, shopId: string, needles: string[]): Promise<number> {
  if (needles.length === 0) return 0;
  const lowered = needles.map((n) => n.toLowerCase());
  const jobs = await tx.job.findMany({ where: { OR: [{ shopId }, { shopId: null }] }, select: { id: true, payload: true, lastError: true } });
  const hits = jobs
    .filter((j) => {
      const text = (JSON.stringify(j.payload) + "\n" + (j.lastError ?? "")).toLowerCase();
      return lowered.some((n) => text.includes(n));
    })
    .map((j) => j.id);
  if (hits.length === 0) return 0;
  const r = await tx.job.deleteMany({ where: { id: { in: hits } } });
  return r.count;
}

/**
 * customers/redact: removes the customer's personal data everywhere Loopwise
 * keeps it: the Customer row (kept as an anonymous tombstone, consent REDACTED),
 * emails on their orders, on `orders_to_redact` and on checkouts, browser
 * identities linked to them or to their email hash, and any job mentioning
 * them. Orders and line items stay as anonymous revenue.
 */
export async function redactCustomer(db: Db, shopId: string, rec: CustomerRedactRecord): Promise<RedactCounts> {
  return inTransaction(db, async (tx) => {
    const now = new Date();
    const emails = emailVariants(rec.email);
    const byId = rec.customerShopifyId ? [{ shopifyId: rec.customerShopifyId }] : [];
    const byEmail = emails.length > 0 ? [{ email: { in: emails } }] : [];
    const byPhone = rec.phone ? [{ phone: rec.phone }] : [];
    const matches = byId.length + byEmail.length + byPhone.length > 0
      ? await tx.customer.findMany({ where: { shopId, OR: [...byId, ...byEmail, ...byPhone] }, select: { id: true, shopifyId: true } })
      : [];
    // A tombstone for a customer we have never seen: later orders for them then carry no email.
    if (rec.customerShopifyId && !matches.some((m) => m.shopifyId === rec.customerShopifyId) && (await tx.shop.findUnique({ where: { id: shopId }, select: { id: true } }))) {
      const created = await tx.customer.create({
        data: { shopId, shopifyId: rec.customerShopifyId, emailConsentState: "REDACTED", redactedAt: now },
        select: { id: true, shopifyId: true },
      });
      matches.push(created);
    }
    const ids = matches.map((m) => m.id);
    const customers = await tx.customer.updateMany({
      where: { shopId, id: { in: ids } },
      data: { ...ERASED_PERSON, emailConsentState: "REDACTED", emailOptInLevel: null, emailConsentUpdatedAt: null, redactedAt: now },
    });
    const orderOr = [
      ...(ids.length > 0 ? [{ customerId: { in: ids } }] : []),
      ...(rec.customerShopifyId ? [{ shopifyCustomerId: rec.customerShopifyId }] : []),
      ...(rec.ordersToRedact.length > 0 ? [{ shopifyId: { in: rec.ordersToRedact } }] : []),
      ...byEmail,
    ];
    const orders = orderOr.length > 0 ? await tx.order.updateMany({ where: { shopId, OR: orderOr }, data: { email: null, redactedAt: now } }) : { count: 0 };
    const checkoutOr = [
      ...(ids.length > 0 ? [{ customerId: { in: ids } }] : []),
      ...(rec.customerShopifyId ? [{ shopifyCustomerId: rec.customerShopifyId }] : []),
      ...byEmail,
    ];
    const checkoutRows = checkoutOr.length > 0 ? await tx.checkout.findMany({ where: { shopId, OR: checkoutOr }, select: { token: true } }) : [];
    const checkouts = checkoutOr.length > 0 ? await tx.checkout.updateMany({ where: { shopId, OR: checkoutOr }, data: { email: null, redactedAt: now } }) : { count: 0 };
    const messages = await eraseMail(tx, shopId, ids, emails, checkoutRows.map((c) => `checkout:${c.token}`));
    const identities = await eraseBrowsing(tx, shopId, ids, rec.email ? [rec.email] : []);
    const needles = [
      ...emails,
      ...(rec.email ? [browserEmailHash(shopId, rec.email)] : []),
      ...(rec.phone ? [rec.phone] : []),
      ...ids,
      ...(rec.customerShopifyId ? [`gid://shopify/Customer/${rec.customerShopifyId}`] : []),
    ];
    const jobs = await deleteJobsMentioning(tx, shopId, needles);
    return { customers: customers.count, orders: orders.count, checkouts: checkouts.count, browserIdentities: identities, jobs, messages };
  });
}

/**
 * Their emails: the address and merged values (name, products) leave every
 * message; what had not gone yet never will; their enrollments (a guest's is
 * found by its checkout) end and lose their context. Counts stay for the stats.
 */
async function eraseMail(tx: Tx, shopId: string, customerIds: string[], emails: string[], checkoutKeys: string[]): Promise<number> {
  const enrollmentOr = [
    ...(customerIds.length > 0 ? [{ customerId: { in: customerIds } }] : []),
    ...(checkoutKeys.length > 0 ? [{ triggerKey: { in: checkoutKeys } }] : []),
  ];
  const enrollments = enrollmentOr.length > 0 ? await tx.enrollment.findMany({ where: { shopId, OR: enrollmentOr }, select: { id: true } }) : [];
  const enrollmentIds = enrollments.map((e) => e.id);
  const messageOr = [
    ...(customerIds.length > 0 ? [{ customerId: { in: customerIds } }] : []),
    ...(emails.length > 0 ? [{ email: { in: emails } }] : []),
    ...(enrollmentIds.length > 0 ? [{ enrollmentId: { in: enrollmentIds } }] : []),
  ];
  if (messageOr.length === 0) return 0;
  await tx.message.updateMany({ where: { shopId, OR: messageOr, status: { in: ["scheduled", "queued"] } }, data: { status: "cancelled", skipReason: "redacted" } });
  const erased = await tx.message.updateMany({ where: { shopId, OR: messageOr }, data: { email: null, values: null } });
  if (enrollmentIds.length > 0) {
    await tx.enrollment.updateMany({ where: { shopId, id: { in: enrollmentIds }, status: "active" }, data: { status: "exited", exitReason: "redacted" } });
    // SQL NULL by hand: Prisma's DbNull belongs to one generated client, and each database has its own.
    for (const id of enrollmentIds) await tx.$executeRaw`UPDATE "Enrollment" SET "context" = NULL WHERE "id" = ${id}`;
  }
  return erased.count;
}

/** shop/redact: everything of the shop, and nothing of any other shop. */
export async function redactShop(db: Db, shopId: string): Promise<{ shop: number; sessions: number; receipts: number; jobs: number }> {
  return inTransaction(db, async (tx) => {
    const jobs = await tx.job.deleteMany({ where: { shopId } });
    const sessions = await tx.session.deleteMany({ where: { shop: shopId } });
    const receipts = await tx.webhookReceipt.deleteMany({ where: { shopDomain: shopId } });
    // Remembered by a hash only: a late webhook must not re-create the shop (ensureShop).
    const domainHash = shopDomainHash(shopId);
    await tx.redactedShop.upsert({ where: { domainHash }, create: { domainHash }, update: { redactedAt: new Date() } });
    const shop = await tx.shop.deleteMany({ where: { id: shopId } }); // cascades to every shop table
    return { shop: shop.count, sessions: sessions.count, receipts: receipts.count, jobs: jobs.count };
  });
}

/** app/uninstalled: the shop is marked uninstalled and its sessions deleted. */
export async function markUninstalled(db: Db, shopId: string, at: Date = new Date()): Promise<{ sessions: number }> {
  return inTransaction(db, async (tx) => {
    await tx.shop.updateMany({ where: { id: shopId }, data: { status: "uninstalled", uninstalledAt: at } });
    const sessions = await tx.session.deleteMany({ where: { shop: shopId } });
    return { sessions: sessions.count };
  });
}

/** app/scopes_update: the granted scopes on the shop and its sessions. */
export async function updateScopes(db: Db, shopId: string, scopes: readonly string[]): Promise<void> {
  const scope = scopes.join(",");
  await inTransaction(db, async (tx) => {
    await tx.session.updateMany({ where: { shop: shopId }, data: { scope } });
    await tx.shop.updateMany({ where: { id: shopId }, data: { scopes: scope } });
  });
}
