// Delivery's job types (docs/decisions/011-delivery.md). Names only, so the
// modules that enqueue a job and the one that handles it need not import each other.

/** Per shop, every minute: scan triggers into enrollments, dispatch due messages, reconcile unknown outcomes. */
export const DELIVERY_TICK_JOB = "delivery.tick";
/** One send request to SendGrid: payload { shopId, batchId }, idempotency key `send:<batchId>` (a re-send after reconcile: `send:<batchId>:r<n>`). */
export const DELIVERY_SEND_JOB = "delivery.send";

export interface SendJobPayload {
  shopId: string;
  batchId: string;
}

/** Messages per send request: SendGrid's limit of personalizations per request. */
export const MAX_BATCH = 1000;
