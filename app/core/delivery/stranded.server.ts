// Batches left `queued` with no send job that will ever run them: the process
// died between committing the batch and enqueuing its job, or the job itself
// gave up (its retries spent, or its worker killed more often than the queue
// allows: BullMQ fails a job that stalled more than maxStalledCount times, the
// embedded queue one whose attempts ran out). Called by dispatch on each tick.
//
// A batch queued ORPHAN_AFTER_MS ago gets its first send job again (a no-op
// while that job exists, alive or finished). One still queued RESEND_AFTER_MS
// after it was queued gets a new job, and another at 2×, 4×, 8×… that age
// (keys that differ per generation, so a finished or failed job cannot swallow
// them). An hour, because a batch may legitimately wait that long behind a
// large campaign's backlog (100,000 recipients took about 30 minutes on one
// worker); a new job on a batch that is in fact still waiting or sending is
// harmless, as each message is claimed by compare-and-set (queued → sending) and
// sent once whichever job claims it, but it is work done twice. After
// GIVE_UP_AFTER_MS the messages fail with the reason, shown in the activity
// view: an email a day late is worse than none, and nothing waits forever.
import type { Database } from "../../db.server";
import type { JobQueue } from "../../jobs/queue.server";
import { logger } from "../../logger.server";
import { DELIVERY_SEND_JOB, type SendJobPayload } from "./job-types";

export const ORPHAN_AFTER_MS = 5 * 60_000;
export const RESEND_AFTER_MS = 60 * 60_000;
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;
/** Batches looked at per tick (the oldest first). */
const PER_TICK = 100;

/**
 * The idempotency key of the send job a batch queued `ageMs` ago should have:
 * its first job's key until RESEND_AFTER_MS, then one per doubling of the age
 * (tied to when it was queued, so a batch re-queued by reconcile starts over).
 */
export function strandedJobKey(batchId: string, queuedAt: Date, ageMs: number): string {
  if (ageMs < RESEND_AFTER_MS) return `send:${batchId}`;
  const generation = Math.floor(Math.log2(ageMs / RESEND_AFTER_MS)) + 1;
  return `send:${batchId}:g${generation}@${queuedAt.getTime()}`;
}

export interface StrandedReport {
  /** Send jobs created for batches that had none. */
  requeued: number;
  /** Messages failed after GIVE_UP_AFTER_MS queued. */
  failed: number;
}

export async function recoverStrandedBatches(db: Database, shopId: string, queue: Pick<JobQueue, "enqueue">, now: Date): Promise<StrandedReport> {
  const report: StrandedReport = { requeued: 0, failed: 0 };
  const giveUpBefore = new Date(now.getTime() - GIVE_UP_AFTER_MS);
  const expired = await db.message.updateMany({
    where: { shopId, status: "queued", queuedAt: { lt: giveUpBefore } },
    data: { status: "failed", error: "not sent: its send job kept failing for 24 hours (see the job log)" },
  });
  report.failed = expired.count;
  if (expired.count > 0) logger.error("delivery: messages queued for 24 hours failed", { shop: shopId, count: expired.count });

  const batches = await db.message.groupBy({
    by: ["batchId"],
    where: { shopId, status: "queued", queuedAt: { lt: new Date(now.getTime() - ORPHAN_AFTER_MS) }, batchId: { not: null } },
    _min: { queuedAt: true },
    orderBy: { _min: { queuedAt: "asc" } },
    take: PER_TICK,
  });
  for (const b of batches) {
    const queuedAt = b._min.queuedAt;
    if (!b.batchId || !queuedAt) continue;
    const key = strandedJobKey(b.batchId, queuedAt, now.getTime() - queuedAt.getTime());
    const { created } = await queue.enqueue(DELIVERY_SEND_JOB, { shopId, batchId: b.batchId } satisfies SendJobPayload, { shopId, idempotencyKey: key });
    if (!created) continue;
    report.requeued++;
    logger.warn("delivery: a new send job for a batch still queued", { shop: shopId, batchId: b.batchId, queuedAt: queuedAt.toISOString(), key });
  }
  return report;
}
