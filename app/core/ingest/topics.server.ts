// What each webhook topic does once verified and parsed. Every `apply` runs
// inside the webhook's transaction (receipt + writes commit together).
import type { z } from "zod";
import { env } from "../../env.server";
import { logger } from "../../logger.server";
import { scheduleAfterWebhook } from "../audience/profiles/triggers.server";
import { attributeOrder } from "../attribution/attribute.server";
import { exitOnPurchase } from "../delivery/enrollment-exit.server";
import { linkPendingBrowsers } from "../pixel/store.server";
import { mapCheckout, mapCustomer, mapOrder, mapProduct, mapRefund } from "./mappers";
import { eraseCustomer, markUninstalled, redactCustomer, redactShop, updateScopes } from "./privacy.server";
import {
  zCheckoutPayload,
  zCustomerDeletePayload,
  zCustomerPayload,
  zCustomersDataRequestPayload,
  zCustomersRedactPayload,
  zOrderPayload,
  zProductDeletePayload,
  zProductPayload,
  zRefundPayload,
  zScopesUpdatePayload,
  zShopRedactPayload,
} from "./schemas";
import type { Tx, WriteOutcome } from "./store.server";
import { addRefund, deleteProduct, ensureShop, upsertCheckout, upsertCustomer, upsertOrder, upsertProduct } from "./store.server";

export type ReceiptOutcome = "processed" | "stale" | "ignored";

export interface WebhookMeta {
  shop: string;
  topic: string;
  eventId: string;
  triggeredAt: Date | null;
}

export interface TopicHandler<S extends z.ZodTypeAny = z.ZodTypeAny> {
  schema: S;
  apply(tx: Tx, data: z.output<S>, meta: WebhookMeta): Promise<ReceiptOutcome>;
}

const topic = <S extends z.ZodTypeAny>(schema: S, apply: TopicHandler<S>["apply"]): TopicHandler<S> => ({
  schema,
  apply: async (tx, data, meta) => {
    const outcome = await apply(tx, data, meta);
    // The customer an order, refund, checkout or customer webhook concerns gets a (queued, coalesced) profile update.
    if (outcome === "processed") await scheduleAfterWebhook(tx, meta.shop, meta.topic, data);
    return outcome;
  },
});
const fromWrite = (o: WriteOutcome): ReceiptOutcome => (o === "stale" ? "stale" : o === "skipped" ? "ignored" : "processed");

const order = topic(zOrderPayload, async (tx, data, { shop }) => {
  const rec = mapOrder(data);
  // A shop we have no row for yet (the order came before install finished): the
  // HMAC proves Shopify sent it for this app, so the shop exists; create its row.
  if ((await ensureShop(tx, shop, { currency: rec.currency })) === null) return "ignored";
  const written = await upsertOrder(tx, shop, rec);
  // A purchase ends the flows that exit on it (cart recovery...) at once, not at the next dispatch.
  if (written.outcome === "created") await exitOnPurchase(shop, { shopifyCustomerId: rec.customer?.shopifyId, email: rec.email, checkoutToken: rec.checkoutToken }, rec.createdAt, { db: tx });
  // The email that earned it, decided again on every change (an edit, a cancellation, a refund it carries).
  if (written.outcome !== "stale" || written.refundsAdded > 0) await attributeOrder(tx, shop, written.id);
  return fromWrite(written.outcome);
});

const refund = topic(zRefundPayload, async (tx, data, { shop }) => {
  const shopCurrency = await ensureShop(tx, shop);
  if (shopCurrency === null) return "ignored";
  const stored = await tx.order.findUnique({ where: { shopId_shopifyId: { shopId: shop, shopifyId: data.order_id } }, select: { id: true, currency: true } });
  const r = await addRefund(tx, shop, mapRefund(data, stored?.currency ?? shopCurrency));
  // A refund lowers the revenue credited to the email that earned the order (one that came before its order waits for it).
  if (r.outcome === "created" && stored) await attributeOrder(tx, shop, stored.id);
  return r.outcome === "duplicate" ? "ignored" : "processed";
});

const checkout = topic(zCheckoutPayload, async (tx, data, { shop }) => {
  if ((await ensureShop(tx, shop)) === null) return "ignored";
  return fromWrite((await upsertCheckout(tx, shop, mapCheckout(data))).outcome);
});

const customer = topic(zCustomerPayload, async (tx, data, { shop }) => {
  if ((await ensureShop(tx, shop)) === null) return "ignored";
  const record = mapCustomer(data);
  const written = await upsertCustomer(tx, shop, record);
  // Browsers that gave this email at checkout before the customer existed are theirs now.
  if ((written.outcome === "created" || written.outcome === "updated") && record.email) {
    await linkPendingBrowsers(tx, shop, { id: written.id, email: record.email }, env.SHOPIFY_API_SECRET);
  }
  return fromWrite(written.outcome);
});

const product = topic(zProductPayload, async (tx, data, { shop }) => {
  const shopCurrency = await ensureShop(tx, shop);
  if (shopCurrency === null) return "ignored";
  return fromWrite((await upsertProduct(tx, shop, mapProduct(data, shopCurrency))).outcome);
});

export const TOPICS: Record<string, TopicHandler> = {
  "orders/create": order,
  "orders/updated": order,
  "orders/paid": order,
  "orders/cancelled": order,
  "refunds/create": refund,
  "checkouts/create": checkout,
  "checkouts/update": checkout,
  "customers/create": customer,
  "customers/update": customer,
  "customers/delete": topic(zCustomerDeletePayload, async (tx, data, { shop }) => {
    if ((await ensureShop(tx, shop)) === null) return "ignored";
    await eraseCustomer(tx, shop, data.id);
    return "processed";
  }),
  "products/create": product,
  "products/update": product,
  "products/delete": topic(zProductDeletePayload, async (tx, data, { shop, triggeredAt }) => {
    if ((await ensureShop(tx, shop)) === null) return "ignored";
    return fromWrite((await deleteProduct(tx, shop, data.id, triggeredAt ?? new Date())).outcome);
  }),
  // The queue is cancelled by the webhook handler (outside this transaction).
  "app/uninstalled": topic(zShopRedactPayload, async (tx, _data, { shop, triggeredAt }) => {
    await markUninstalled(tx, shop, triggeredAt ?? new Date());
    return "processed";
  }),
  "app/scopes_update": topic(zScopesUpdatePayload, async (tx, data, { shop }) => {
    await updateScopes(tx, shop, data.current);
    return "processed";
  }),
  "customers/data_request": topic(zCustomersDataRequestPayload, async (_tx, data, { shop }) => {
    // Recorded by the receipt; the merchant answers the request. Ids only, never personal data.
    logger.info("customer data request", {
      shop,
      customerId: data.customer?.id ?? null,
      dataRequestId: data.data_request?.id ?? null,
      ordersRequested: (data.orders_requested ?? []).length,
    });
    return "processed";
  }),
  "customers/redact": topic(zCustomersRedactPayload, async (tx, data, { shop }) => {
    const counts = await redactCustomer(tx, shop, {
      customerShopifyId: data.customer?.id ?? null,
      email: data.customer?.email ?? null,
      phone: data.customer?.phone ?? null,
      ordersToRedact: data.orders_to_redact ?? [],
    });
    logger.info("customer redacted", { shop, ...counts });
    return "processed";
  }),
  "shop/redact": topic(zShopRedactPayload, async (tx, _data, { shop }) => {
    const counts = await redactShop(tx, shop);
    logger.info("shop redacted", { shop, shopRows: counts.shop, sessions: counts.sessions, receipts: counts.receipts, jobs: counts.jobs });
    return "processed";
  }),
};
