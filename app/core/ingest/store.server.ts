// The ingest store: writes normalized records (./records.ts) to the database.
// Webhooks, the install backfill and the CSV importer all go through these.
//
// Exported API (stable; other modules depend on it):
//   type Db = Database | Prisma.TransactionClient
//   type WriteOutcome = "created" | "updated" | "stale" | "skipped"
//   ensureShop(db, shopId, { currency? })                       → the shop's currency; null after shop/redact
//   upsertCustomer(db, shopId, CustomerRecord)                  → { outcome, id }
//   upsertProduct(db, shopId, ProductRecord)                    → { outcome, id }
//   deleteProduct(db, shopId, productShopifyId, deletedAt?)     → { outcome, id }
//   upsertOrder(db, shopId, OrderRecord)                        → { outcome, id, refundsAdded }
//   addRefund(db, shopId, RefundRecord)                         → { outcome: "created" | "duplicate" | "pending" }
//   upsertCheckout(db, shopId, CheckoutRecord)                  → { outcome, id }
// Privacy operations (customers/delete, redact, uninstall) are in ./privacy.server.ts.
//
// Guarantees:
// - shopId is the shop's myshopify domain; every query is scoped by it. The Shop
//   row must exist (call ensureShop first; the webhook handler does).
// - Out-of-order safe: a record whose updatedAt is older than the stored
//   shopifyUpdatedAt changes nothing (outcome "stale"); an equal one re-applies
//   the same data. The check is repeated inside the UPDATE's WHERE, so two
//   concurrent writers cannot both win with different data.
// - Idempotent: keyed by (shopId, Shopify id); refunds are rows keyed by their
//   own id and Order.refundedAmount is always recomputed as their sum.
// - Each call is one transaction. Pass a transaction client to make it part of
//   a larger one (the webhook handler does: receipt + write commit together).
// - Customers erased by customers/delete or customers/redact are never
//   re-filled: their rows are skipped and orders/checkouts linked to them get no email.
import { createHash } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Database } from "../../db.server";
import { isUniqueViolation } from "../../db.server";
import type {
  CheckoutRecord,
  CustomerRecord,
  EmbeddedCustomerRecord,
  LineItemRecord,
  OrderRecord,
  ProductRecord,
  RefundRecord,
} from "./records";
import { priceRange, productUrl, totalInventory } from "./records";

export type Tx = Prisma.TransactionClient;
export type Db = Database | Tx;
export type WriteOutcome = "created" | "updated" | "stale" | "skipped";

/** Runs `fn` in a transaction (or inside the caller's), retrying a lost insert race. */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!("$transaction" in db)) return fn(db);
  for (let attempt = 1; ; attempt++) {
    try {
      return await (db as Database).$transaction(fn, { maxWait: 10_000, timeout: 20_000 });
    } catch (error) {
      if (attempt < 3 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

const isNewer = (stored: Date | null, incoming: Date) => stored === null || stored.getTime() <= incoming.getTime();
const joinTags = (tags: readonly string[]) => tags.join(", ");

/**
 * Creates the Shop row if it is missing (a webhook may arrive before install
 * completes) and returns the shop's currency. The row almost always exists: a
 * read first (an upsert costs about three times as much in Prisma), the upsert
 * only for a new shop.
 */
/** How a redacted shop is remembered: a hash, so nothing of the shop is kept. */
export function shopDomainHash(shopId: string): string {
  return createHash("sha256").update(shopId.trim().toLowerCase()).digest("hex");
}

export async function ensureShop(db: Db, shopId: string, options: { currency?: string } = {}): Promise<string | null> {
  const row = await db.shop.findUnique({ where: { id: shopId }, select: { currency: true } });
  if (row) return row.currency;
  // After shop/redact a late webhook must not bring the shop's data back.
  if (await db.redactedShop.findUnique({ where: { domainHash: shopDomainHash(shopId) }, select: { domainHash: true } })) return null;
  // Known to Shopify (the HMAC says so) but not installed through us yet: "pending"
  // until install; the pixel endpoint and the admin accept installed shops only.
  const created = await db.shop.upsert({
    where: { id: shopId },
    create: { id: shopId, status: "pending", ...(options.currency ? { currency: options.currency } : {}) },
    update: {},
    select: { currency: true },
  });
  return created.currency;
}

function customerData(rec: CustomerRecord) {
  return {
    email: rec.email,
    firstName: rec.firstName,
    lastName: rec.lastName,
    phone: rec.phone,
    tags: joinTags(rec.tags),
    state: rec.state,
    countryCode: rec.countryCode,
    province: rec.province,
    city: rec.city,
    zip: rec.zip,
    ...(rec.emailConsent === undefined
      ? {}
      : {
          emailConsentState: rec.emailConsent?.state ?? "NOT_SUBSCRIBED",
          emailOptInLevel: rec.emailConsent?.optInLevel ?? null,
          emailConsentUpdatedAt: rec.emailConsent?.updatedAt ?? null,
        }),
    shopifyCreatedAt: rec.createdAt,
    shopifyUpdatedAt: rec.updatedAt,
  };
}

export async function upsertCustomer(db: Db, shopId: string, rec: CustomerRecord): Promise<{ outcome: WriteOutcome; id: string }> {
  return inTransaction(db, async (tx) => {
    const key = { shopId_shopifyId: { shopId, shopifyId: rec.shopifyId } };
    const existing = await tx.customer.findUnique({ where: key, select: { id: true, shopifyUpdatedAt: true, deletedAt: true, redactedAt: true } });
    if (!existing) {
      const created = await tx.customer.create({ data: { shopId, shopifyId: rec.shopifyId, ...customerData(rec) }, select: { id: true } });
      return { outcome: "created", id: created.id };
    }
    if (existing.deletedAt || existing.redactedAt) return { outcome: "skipped", id: existing.id };
    if (rec.updatedAt === null) return { outcome: existing.shopifyUpdatedAt ? "stale" : "skipped", id: existing.id };
    if (!isNewer(existing.shopifyUpdatedAt, rec.updatedAt)) return { outcome: "stale", id: existing.id };
    const done = await tx.customer.updateMany({
      where: { id: existing.id, shopId, OR: [{ shopifyUpdatedAt: null }, { shopifyUpdatedAt: { lte: rec.updatedAt } }] },
      data: customerData(rec),
    });
    return { outcome: done.count === 1 ? "updated" : "stale", id: existing.id };
  });
}

/** Finds or creates (minimal) the customer embedded in an order or checkout. Never overwrites. */
async function ensureCustomer(tx: Tx, shopId: string, c: EmbeddedCustomerRecord): Promise<{ id: string; erased: boolean }> {
  const key = { shopId_shopifyId: { shopId, shopifyId: c.shopifyId } };
  const existing = await tx.customer.findUnique({ where: key, select: { id: true, deletedAt: true, redactedAt: true } });
  if (existing) return { id: existing.id, erased: Boolean(existing.deletedAt || existing.redactedAt) };
  const created = await tx.customer.create({
    data: {
      shopId,
      shopifyId: c.shopifyId,
      email: c.email,
      firstName: c.firstName,
      lastName: c.lastName,
      phone: c.phone,
      state: c.state ?? null,
      shopifyCreatedAt: c.createdAt ?? null,
      ...(c.emailConsent
        ? { emailConsentState: c.emailConsent.state, emailOptInLevel: c.emailConsent.optInLevel, emailConsentUpdatedAt: c.emailConsent.updatedAt }
        : {}),
      // shopifyUpdatedAt stays null: any real customers/* payload overwrites this row.
    },
    select: { id: true },
  });
  return { id: created.id, erased: false };
}

function variantData(v: ProductRecord["variants"][number]) {
  return {
    title: v.title,
    sku: v.sku,
    price: v.price,
    compareAtPrice: v.compareAtPrice,
    inventoryQuantity: v.inventoryQuantity,
    available: v.available,
    position: v.position,
  };
}

export async function upsertProduct(db: Db, shopId: string, rec: ProductRecord): Promise<{ outcome: WriteOutcome; id: string }> {
  return inTransaction(db, async (tx) => {
    const key = { shopId_shopifyId: { shopId, shopifyId: rec.shopifyId } };
    const existing = await tx.product.findUnique({ where: key, select: { id: true, shopifyUpdatedAt: true, deletedAt: true } });
    if (existing?.deletedAt) return { outcome: "skipped", id: existing.id };
    if (existing && !isNewer(existing.shopifyUpdatedAt, rec.updatedAt)) return { outcome: "stale", id: existing.id };
    const range = priceRange(rec.variants);
    const data = {
      title: rec.title,
      handle: rec.handle,
      url: productUrl(shopId, rec.handle),
      description: rec.description,
      productType: rec.productType,
      vendor: rec.vendor,
      status: rec.status,
      tags: joinTags(rec.tags),
      ...(rec.collections === undefined ? {} : { collections: rec.collections as unknown as Prisma.InputJsonValue }),
      imageUrl: rec.imageUrl,
      currency: rec.currency,
      priceMin: range.min,
      priceMax: range.max,
      totalInventory: totalInventory(rec.variants),
      publishedAt: rec.publishedAt,
      shopifyCreatedAt: rec.createdAt,
      shopifyUpdatedAt: rec.updatedAt,
    };
    let id: string;
    let outcome: WriteOutcome;
    if (!existing) {
      id = (await tx.product.create({ data: { shopId, shopifyId: rec.shopifyId, ...data }, select: { id: true } })).id;
      outcome = "created";
    } else {
      const done = await tx.product.updateMany({
        where: { id: existing.id, shopId, OR: [{ shopifyUpdatedAt: null }, { shopifyUpdatedAt: { lte: rec.updatedAt } }] },
        data,
      });
      if (done.count !== 1) return { outcome: "stale", id: existing.id };
      id = existing.id;
      outcome = "updated";
      await tx.variant.deleteMany({ where: { shopId, productId: id, shopifyId: { notIn: rec.variants.map((v) => v.shopifyId) } } });
    }
    for (const v of rec.variants) {
      await tx.variant.upsert({
        where: { shopId_shopifyId: { shopId, shopifyId: v.shopifyId } },
        create: { shopId, productId: id, shopifyId: v.shopifyId, ...variantData(v) },
        update: { productId: id, ...variantData(v) },
      });
    }
    return { outcome, id };
  });
}

/** products/delete: a soft delete (a tombstone when unknown, so a late create cannot resurrect it). */
export async function deleteProduct(db: Db, shopId: string, productShopifyId: string, deletedAt: Date = new Date()): Promise<{ outcome: WriteOutcome; id: string }> {
  return inTransaction(db, async (tx) => {
    const key = { shopId_shopifyId: { shopId, shopifyId: productShopifyId } };
    const existing = await tx.product.findUnique({ where: key, select: { id: true, deletedAt: true } });
    if (existing?.deletedAt) return { outcome: "skipped", id: existing.id };
    if (!existing) {
      const created = await tx.product.create({
        data: { shopId, shopifyId: productShopifyId, title: "", handle: "", status: "ARCHIVED", deletedAt },
        select: { id: true },
      });
      return { outcome: "created", id: created.id };
    }
    await tx.product.update({ where: { id: existing.id }, data: { deletedAt, status: "ARCHIVED" } });
    await tx.variant.updateMany({ where: { shopId, productId: existing.id }, data: { available: false } });
    return { outcome: "updated", id: existing.id };
  });
}

function lineItemRows(shopId: string, orderId: string, items: readonly LineItemRecord[]) {
  return items.map((li) => ({ shopId, orderId, ...li }));
}

/** Every stored field of a line item (the compiler insists on all of LineItemRecord). */
const LINE_ITEM_FIELDS = {
  shopifyId: true,
  productShopifyId: true,
  variantShopifyId: true,
  title: true,
  variantTitle: true,
  sku: true,
  quantity: true,
  price: true,
  totalDiscount: true,
} as const satisfies Record<keyof LineItemRecord, true>;

function sameLineItems(stored: readonly LineItemRecord[], incoming: readonly LineItemRecord[]): boolean {
  if (stored.length !== incoming.length) return false;
  const byId = new Map(stored.map((li) => [li.shopifyId, li]));
  const fields = Object.keys(LINE_ITEM_FIELDS) as (keyof LineItemRecord)[];
  return incoming.every((li) => {
    const row = byId.get(li.shopifyId);
    return row !== undefined && fields.every((f) => row[f] === li[f]);
  });
}

/** Inserts a refund row once; true when it was new. */
async function insertRefund(tx: Tx, shopId: string, orderId: string, r: RefundRecord): Promise<boolean> {
  const exists = await tx.refund.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: r.shopifyId } }, select: { id: true } });
  if (exists) return false;
  await tx.refund.create({ data: { shopId, orderId, shopifyId: r.shopifyId, amount: r.amount, shopifyCreatedAt: r.createdAt } });
  return true;
}

/** Order.refundedAmount := the sum of its Refund rows (never incremented, so repeats cannot double count). */
async function recomputeRefunded(tx: Tx, shopId: string, orderId: string): Promise<void> {
  const sum = await tx.refund.aggregate({ where: { shopId, orderId }, _sum: { amount: true } });
  await tx.order.update({ where: { id: orderId }, data: { refundedAmount: sum._sum.amount ?? 0 } });
}

/** Moves refunds that arrived before their order into Refund rows. */
async function adoptPendingRefunds(tx: Tx, shopId: string, orderId: string, orderShopifyId: string): Promise<number> {
  const pending = await tx.pendingRefund.findMany({ where: { shopId, orderShopifyId } });
  let added = 0;
  for (const p of pending) {
    if (await insertRefund(tx, shopId, orderId, { shopifyId: p.shopifyId, orderShopifyId, amount: p.amount, createdAt: p.shopifyCreatedAt })) added++;
    await tx.pendingRefund.delete({ where: { id: p.id } });
  }
  return added;
}

export async function upsertOrder(
  db: Db,
  shopId: string,
  rec: OrderRecord,
): Promise<{ outcome: WriteOutcome; id: string; refundsAdded: number }> {
  return inTransaction(db, async (tx) => {
    const customer = rec.customer ? await ensureCustomer(tx, shopId, rec.customer) : null;
    const key = { shopId_shopifyId: { shopId, shopifyId: rec.shopifyId } };
    const existing = await tx.order.findUnique({ where: key, select: { id: true, shopifyUpdatedAt: true, redactedAt: true } });
    const data = {
      name: rec.name,
      customerId: customer?.id ?? null,
      shopifyCustomerId: rec.customer?.shopifyId ?? null,
      email: customer?.erased || existing?.redactedAt ? null : rec.email,
      currency: rec.currency,
      totalPrice: rec.totalPrice,
      subtotalPrice: rec.subtotalPrice,
      totalDiscounts: rec.totalDiscounts,
      totalTax: rec.totalTax,
      totalShipping: rec.totalShipping,
      presentmentCurrency: rec.presentmentCurrency,
      presentmentTotalPrice: rec.presentmentTotalPrice,
      discountCodes: rec.discountCodes,
      landingSite: rec.landingSite,
      referringSite: rec.referringSite,
      sourceName: rec.sourceName,
      checkoutToken: rec.checkoutToken,
      cartToken: rec.cartToken,
      financialStatus: rec.financialStatus,
      fulfillmentStatus: rec.fulfillmentStatus,
      test: rec.test,
      tags: joinTags(rec.tags),
      processedAt: rec.processedAt,
      cancelledAt: rec.cancelledAt,
      cancelReason: rec.cancelReason,
      shopifyCreatedAt: rec.createdAt,
      shopifyUpdatedAt: rec.updatedAt,
    };
    let id: string;
    let outcome: WriteOutcome;
    if (!existing) {
      id = (await tx.order.create({ data: { shopId, shopifyId: rec.shopifyId, ...data }, select: { id: true } })).id;
      if (rec.lineItems.length > 0) await tx.lineItem.createMany({ data: lineItemRows(shopId, id, rec.lineItems) });
      outcome = "created";
    } else {
      id = existing.id;
      const done = isNewer(existing.shopifyUpdatedAt, rec.updatedAt)
        ? await tx.order.updateMany({ where: { id, shopId, shopifyUpdatedAt: { lte: rec.updatedAt } }, data })
        : { count: 0 };
      outcome = done.count === 1 ? "updated" : "stale";
      // Most updates (paid, fulfilled, tagged) leave the lines as they were: rewrite them only when they changed.
      if (outcome === "updated") {
        const stored = await tx.lineItem.findMany({ where: { shopId, orderId: id }, select: LINE_ITEM_FIELDS });
        if (!sameLineItems(stored, rec.lineItems)) {
          await tx.lineItem.deleteMany({ where: { shopId, orderId: id } });
          if (rec.lineItems.length > 0) await tx.lineItem.createMany({ data: lineItemRows(shopId, id, rec.lineItems) });
        }
      }
    }
    // Refunds are immutable facts keyed by their own id: safe to take even from a stale payload.
    let refundsAdded = 0;
    for (const r of rec.refunds ?? []) if (await insertRefund(tx, shopId, id, r)) refundsAdded++;
    refundsAdded += await adoptPendingRefunds(tx, shopId, id, rec.shopifyId);
    // Only new Refund rows change the sum (a new order starts at 0, an update leaves it alone).
    if (refundsAdded > 0) await recomputeRefunded(tx, shopId, id);
    if (outcome !== "stale" && rec.checkoutToken) {
      // The order completes its checkout. Read first: with no checkout stored, or one
      // already complete (every orders/updated after the first), one read replaces
      // two writes. Each write keeps its guard, so a concurrent writer is never overwritten.
      const checkout = await tx.checkout.findUnique({
        where: { shopId_token: { shopId, token: rec.checkoutToken } },
        select: { id: true, completedAt: true, customerId: true },
      });
      if (checkout && !checkout.completedAt) {
        await tx.checkout.updateMany({ where: { id: checkout.id, completedAt: null }, data: { completedAt: rec.processedAt ?? rec.createdAt } });
      }
      if (checkout && customer && !checkout.customerId) {
        await tx.checkout.updateMany({ where: { id: checkout.id, customerId: null }, data: { customerId: customer.id } });
      }
    }
    return { outcome, id, refundsAdded };
  });
}

/**
 * refunds/create (or a backfilled refund). Counted once per refund id. When
 * the order is not stored yet the refund is parked in PendingRefund and
 * adopted by upsertOrder when the order arrives: nothing is lost.
 */
export async function addRefund(db: Db, shopId: string, rec: RefundRecord): Promise<{ outcome: "created" | "duplicate" | "pending" }> {
  return inTransaction(db, async (tx) => {
    const order = await tx.order.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: rec.orderShopifyId } }, select: { id: true } });
    if (!order) {
      const key = { shopId_shopifyId: { shopId, shopifyId: rec.shopifyId } };
      if (await tx.refund.findUnique({ where: key, select: { id: true } })) return { outcome: "duplicate" };
      if (await tx.pendingRefund.findUnique({ where: key, select: { id: true } })) return { outcome: "duplicate" };
      await tx.pendingRefund.create({
        data: { shopId, shopifyId: rec.shopifyId, orderShopifyId: rec.orderShopifyId, amount: rec.amount, shopifyCreatedAt: rec.createdAt },
      });
      return { outcome: "pending" };
    }
    if (!(await insertRefund(tx, shopId, order.id, rec))) return { outcome: "duplicate" };
    await recomputeRefunded(tx, shopId, order.id);
    return { outcome: "created" };
  });
}

export async function upsertCheckout(db: Db, shopId: string, rec: CheckoutRecord): Promise<{ outcome: WriteOutcome; id: string }> {
  return inTransaction(db, async (tx) => {
    const customer = rec.customer ? await ensureCustomer(tx, shopId, rec.customer) : null;
    const existing = await tx.checkout.findUnique({
      where: { shopId_token: { shopId, token: rec.token } },
      select: { id: true, shopifyUpdatedAt: true, completedAt: true, redactedAt: true },
    });
    if (existing && !isNewer(existing.shopifyUpdatedAt, rec.updatedAt)) return { outcome: "stale", id: existing.id };
    // An order that already arrived with this checkout token completes it (out-of-order safe).
    let completedAt = rec.completedAt ?? existing?.completedAt ?? null;
    if (!completedAt) {
      const order = await tx.order.findFirst({ where: { shopId, checkoutToken: rec.token }, select: { processedAt: true, shopifyCreatedAt: true } });
      if (order) completedAt = order.processedAt ?? order.shopifyCreatedAt;
    }
    const data = {
      shopifyId: rec.shopifyId,
      cartToken: rec.cartToken,
      email: customer?.erased || existing?.redactedAt ? null : rec.email,
      customerId: customer?.id ?? null,
      shopifyCustomerId: rec.customer?.shopifyId ?? null,
      abandonedCheckoutUrl: rec.abandonedCheckoutUrl,
      currency: rec.currency,
      totalPrice: rec.totalPrice,
      lineItems: rec.lineItems as unknown as Prisma.InputJsonValue,
      completedAt,
      shopifyCreatedAt: rec.createdAt,
      shopifyUpdatedAt: rec.updatedAt,
    };
    if (!existing) {
      const created = await tx.checkout.create({ data: { shopId, token: rec.token, ...data }, select: { id: true } });
      return { outcome: "created", id: created.id };
    }
    const done = await tx.checkout.updateMany({ where: { id: existing.id, shopId, shopifyUpdatedAt: { lte: rec.updatedAt } }, data });
    return { outcome: done.count === 1 ? "updated" : "stale", id: existing.id };
  });
}
