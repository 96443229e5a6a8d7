// Unsubscribing a customer, and the links that let them do it.
//
//   unsubscribe(shopId, customerId, { reason, source })  → UnsubscribeOutcome
//   unsubscribeLink(shopId, customerId, messageId)       → { token, url, headers }  (for the sender)
//   unsubscribeUrl(token)                                 → `${SHOPIFY_APP_URL}/unsubscribe/<token>`
//
// One transaction writes the suppression row, the customer's local consent
// (UNSUBSCRIBED, effective for the very next send) and the job that writes it
// back to Shopify. The job row is written in that transaction (an outbox), so
// a crash can never keep the first two without the third. Spam reports take
// the same path with reason "spam-report"; a hard bounce is not a consent
// change and goes through suppress() alone.
import prisma, { type Database } from "../../db.server";
import { env } from "../../env.server";
import { inTransaction, type Tx } from "../ingest/store.server";
import { CONSENT_WRITEBACK_ATTEMPTS, CONSENT_WRITEBACK_JOB, consentWritebackKey, type ConsentWritebackPayload } from "./consent.server";
import { suppress } from "./suppression.server";
import { buildUnsubscribeUrl, listUnsubscribeHeaders, signUnsubscribeToken } from "./unsubscribe";

export type UnsubscribeReason = "unsubscribe" | "spam-report";

export interface UnsubscribeOptions {
  reason?: UnsubscribeReason;
  /** What caused it, kept on the suppression row: "message:<id>", "link", "sendgrid". No personal data. */
  source?: string | null;
  db?: Database;
  now?: Date;
  secret?: string;
}

export type UnsubscribeOutcome =
  | { status: "unsubscribed" | "already"; writeBackQueued: boolean }
  /** Deleted or redacted: no address is left to suppress, and none to send to. */
  | { status: "no-address" };

export class UnsubscribeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsubscribeError";
  }
}

export async function unsubscribe(shopId: string, customerId: string, options: UnsubscribeOptions = {}): Promise<UnsubscribeOutcome> {
  const reason = options.reason ?? "unsubscribe";
  if (reason !== "unsubscribe" && reason !== "spam-report") throw new UnsubscribeError(`unsubscribe: unknown reason "${String(reason)}"`);
  const now = options.now ?? new Date();
  return inTransaction(options.db ?? prisma, async (tx) => {
    const customer = await tx.customer.findFirst({
      where: { id: customerId, shopId },
      select: { id: true, email: true, deletedAt: true, redactedAt: true },
    });
    if (!customer) throw new UnsubscribeError("unsubscribe: no such customer in this shop");
    if (!customer.email || customer.deletedAt || customer.redactedAt) return { status: "no-address" as const };

    // The conditional update comes first: it takes the customer's row lock, so
    // racing unsubscribes of one customer queue up here and exactly one sees a change.
    const consent = await tx.customer.updateMany({
      where: { id: customer.id, shopId, emailConsentState: { not: "UNSUBSCRIBED" } },
      data: { emailConsentState: "UNSUBSCRIBED", emailConsentUpdatedAt: now },
    });
    const wasUnsubscribed = consent.count === 0;
    const { created } = await suppress(shopId, customer.email, reason, options.source ?? null, { db: tx, secret: options.secret });
    const shop = await tx.shop.findUnique({ where: { id: shopId }, select: { status: true } });
    // Without an installed shop there is no access token to write back with; the local record stands.
    const changed = created || !wasUnsubscribed;
    const writeBackQueued = shop?.status === "installed" && (await queueWriteBack(tx, { shopId, customerId: customer.id, state: "UNSUBSCRIBED", at: now.toISOString() }, changed));
    return { status: changed ? ("unsubscribed" as const) : ("already" as const), writeBackQueued };
  });
}

/**
 * The write-back job, in the caller's transaction. One row per customer (its
 * idempotency key): a pending one is left alone; a finished one is queued
 * again only when this unsubscribe changed something (they had subscribed
 * again since), so a repeated click sends Shopify nothing new.
 * Written to the embedded queue's Job table directly because the queue's
 * enqueue() cannot join a transaction.
 */
async function queueWriteBack(tx: Tx, payload: ConsentWritebackPayload, changed: boolean): Promise<boolean> {
  const idempotencyKey = consentWritebackKey(payload.shopId, payload.customerId);
  const existing = await tx.job.findUnique({ where: { idempotencyKey }, select: { id: true, status: true } });
  if (!existing) {
    await tx.job.create({
      data: { type: CONSENT_WRITEBACK_JOB, payload, shopId: payload.shopId, idempotencyKey, maxAttempts: CONSENT_WRITEBACK_ATTEMPTS, runAt: new Date() },
    });
    return true;
  }
  if (existing.status === "queued" || existing.status === "running") return true;
  if (!changed) return false;
  await tx.job.update({
    where: { id: existing.id },
    data: { status: "queued", payload, attempts: 0, lastError: null, runAt: new Date(), lockedBy: null, lockedUntil: null, maxAttempts: CONSENT_WRITEBACK_ATTEMPTS },
  });
  return true;
}

/** `${SHOPIFY_APP_URL}/unsubscribe/<token>`. */
export function unsubscribeUrl(token: string): string {
  return buildUnsubscribeUrl(env.SHOPIFY_APP_URL, token);
}

/** Everything a sent email needs to offer unsubscribing: the token, the link for the footer, and the headers. */
export function unsubscribeLink(shopId: string, customerId: string, messageId: string | null = null) {
  const token = signUnsubscribeToken(env.SHOPIFY_API_SECRET, { shopId, customerId, messageId });
  const url = unsubscribeUrl(token);
  return { token, url, headers: listUnsubscribeHeaders(url) };
}
