// Writing an unsubscribe (or spam report) back to Shopify's email marketing
// consent, so the store's own records stay true. Runs as a job queued by
// unsubscribe() in the same transaction as the suppression; the lead registers
// CONSENT_WRITEBACK_JOB with consentWritebackHandler() in app/jobs/index.server.ts.
//
// A network or HTTP failure throws, and the queue retries with backoff. A
// Shopify userError is logged and thrown with Shopify's message, so the job
// ends "failed" with that message as its lastError, never silently done.
import { z } from "zod";
import prisma, { type Database } from "../../db.server";
import { logger as rootLogger, type Logger } from "../../logger.server";
import type { JobHandler } from "../../jobs/queue.server";
import { throttledAdmin, type AdminGraphqlClient } from "../backfill/admin-client.server";

export const CONSENT_WRITEBACK_JOB = "consent.writeback";
/** Retries over about 17 minutes (1 s · 2^attempt backoff) before the job is failed. */
export const CONSENT_WRITEBACK_ATTEMPTS = 10;

export const consentWritebackPayload = z.object({
  shopId: z.string().min(1),
  customerId: z.string().min(1),
  state: z.literal("UNSUBSCRIBED"),
  /** When the recipient unsubscribed: Shopify records it as consentUpdatedAt. */
  at: z.string().datetime(),
});
export type ConsentWritebackPayload = z.infer<typeof consentWritebackPayload>;

/** One pending write-back per customer: a repeat unsubscribe re-uses it. */
export const consentWritebackKey = (shopId: string, customerId: string) => `consent-writeback:${shopId}:${customerId}`;

export class ConsentSyncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConsentSyncError";
  }
}

const UPDATE = `mutation LoopwiseConsentUpdate($input: CustomerEmailMarketingConsentUpdateInput!) {
  customerEmailMarketingConsentUpdate(input: $input) {
    customer { id }
    userErrors { field message code }
  }
}`;

const updateAnswer = z.object({
  customerEmailMarketingConsentUpdate: z.object({
    customer: z.object({ id: z.string() }).nullable(),
    userErrors: z.array(z.object({ field: z.array(z.string()).nullable().optional(), message: z.string(), code: z.string().nullable().optional() })),
  }),
});

export interface WritebackOptions {
  /** The shop's Admin API client; default: the stored offline session (`unauthenticated.admin`). */
  admin?: (shopId: string) => Promise<AdminGraphqlClient>;
  db?: Database;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
}

export type WritebackOutcome = "updated" | "shop-not-installed" | "no-customer" | "superseded";

async function defaultAdmin(shopId: string): Promise<AdminGraphqlClient> {
  const { unauthenticated } = await import("../../shopify.server");
  const { admin } = await unauthenticated.admin(shopId);
  return admin;
}

/** Sends one write-back to Shopify. Throws ConsentSyncError on a userError, and on transport failures. */
export async function writeBackConsent(payload: ConsentWritebackPayload, options: WritebackOptions = {}): Promise<WritebackOutcome> {
  const db = options.db ?? prisma;
  const { shopId, customerId } = payload;
  const log = (options.logger ?? rootLogger).child({ shop: shopId, job: CONSENT_WRITEBACK_JOB });
  const at = new Date(payload.at);

  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { status: true } });
  if (shop?.status !== "installed") {
    log.info("consent write-back skipped: shop not installed");
    return "shop-not-installed";
  }
  const customer = await db.customer.findFirst({
    where: { id: customerId, shopId },
    select: { shopifyId: true, emailConsentState: true, emailConsentUpdatedAt: true, deletedAt: true, redactedAt: true },
  });
  // Deleted or redacted in Shopify: there is no consent left to write.
  if (!customer || customer.deletedAt || customer.redactedAt) {
    log.info("consent write-back skipped: customer gone");
    return "no-customer";
  }
  // Shopify has since recorded a newer choice (the customer subscribed again): theirs stands.
  if (customer.emailConsentState !== "UNSUBSCRIBED" && customer.emailConsentUpdatedAt && customer.emailConsentUpdatedAt > at) {
    log.info("consent write-back skipped: a newer consent is recorded");
    return "superseded";
  }

  const api = throttledAdmin(await (options.admin ?? defaultAdmin)(shopId), { logger: log, sleep: options.sleep });
  const answer = await api.request(
    UPDATE,
    {
      input: {
        customerId: `gid://shopify/Customer/${customer.shopifyId}`,
        emailMarketingConsent: { marketingState: payload.state, consentUpdatedAt: at.toISOString() },
      },
    },
    updateAnswer,
  );
  const { userErrors } = answer.customerEmailMarketingConsentUpdate;
  if (userErrors.length > 0) {
    const message = userErrors.map((e) => e.message).join("; ").slice(0, 500);
    log.warn("consent write-back refused by Shopify", { customerId, codes: userErrors.map((e) => e.code ?? "").join(","), error: message });
    throw new ConsentSyncError(`Shopify refused the consent update: ${message}`);
  }
  log.info("consent written back to Shopify", { customerId, state: payload.state });
  return "updated";
}

/** The job handler: the payload is checked, and must name the job's own shop. */
export function consentWritebackHandler(options: WritebackOptions = {}): JobHandler {
  return async (payload, ctx) => {
    const parsed = consentWritebackPayload.safeParse(payload);
    if (!parsed.success) throw new ConsentSyncError(`invalid consent write-back payload: ${parsed.error.issues[0]?.message ?? "unknown"}`);
    if (ctx.shopId && ctx.shopId !== parsed.data.shopId) throw new ConsentSyncError("consent write-back payload names another shop");
    await writeBackConsent(parsed.data, options);
  };
}
