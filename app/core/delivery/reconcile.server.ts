// Messages whose send had no clear answer (a timeout, a dropped connection, a
// run that died mid-request) are `unknown`. SendGrid's events settle them: any
// event for a message (they carry `lw_msg`) proves SendGrid took it, so it is
// `sent`. One with no event at all after the window (default 15 minutes: events
// normally arrive within seconds) was never taken, so it goes back to `queued`
// with a new send job. This is the only place a message is sent again, and only
// on that evidence. Called by the per-shop minute tick.
import { markStats } from "../reports/stats.server";
import prisma, { type Database } from "../../db.server";
import type { JobQueue } from "../../jobs/queue.server";
import { DELIVERY_SEND_JOB, type SendJobPayload } from "./job-types";

export const RECONCILE_WINDOW_MS = 15 * 60_000;

export interface ReconcileOptions {
  db?: Database;
  now?: Date;
  windowMs?: number;
  /** Where the new send jobs go; without one, messages are requeued and no job is enqueued. */
  queue?: Pick<JobQueue, "enqueue"> | null;
}

export interface ReconcileResult {
  sent: number;
  requeued: number;
  /** Still inside the window with no event yet. */
  waiting: number;
  jobs: number;
}

/** The idempotency key of a re-send of a batch: one per attempt number, so a second reconcile round gets its own job. */
export function resendKey(batchId: string, attempts: number): string {
  return `send:${batchId}:r${attempts}`;
}

export async function reconcileUnknown(shopId: string, options: ReconcileOptions = {}): Promise<ReconcileResult> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const windowMs = options.windowMs ?? RECONCILE_WINDOW_MS;
  const result: ReconcileResult = { sent: 0, requeued: 0, waiting: 0, jobs: 0 };
  const unknown = await db.message.findMany({ where: { shopId, status: "unknown" }, select: { id: true, batchId: true, attempts: true, updatedAt: true, campaignId: true, test: true } });
  if (unknown.length === 0) return result;

  const ids = unknown.map((m) => m.id);
  const heard = new Map<string, Date>();
  for (let i = 0; i < ids.length; i += 500) {
    const events = await db.emailEvent.groupBy({ by: ["messageId"], where: { shopId, messageId: { in: ids.slice(i, i + 500) } }, _min: { occurredAt: true } });
    for (const e of events) if (e.messageId) heard.set(e.messageId, e._min.occurredAt ?? now);
  }

  const campaignOf = new Map(unknown.filter((m) => !m.test).map((m) => [m.id, m.campaignId]));
  const touches = [...heard].flatMap(([id, at]) => (campaignOf.has(id) ? [{ campaignId: campaignOf.get(id)!, at }] : []));
  await markStats(db, shopId, touches); // and again after: the daily stats never miss a reconciled send
  for (const [id, at] of heard) {
    const r = await db.message.updateMany({ where: { id, shopId, status: "unknown" }, data: { status: "sent", sentAt: at, error: null } });
    result.sent += r.count;
  }
  await markStats(db, shopId, touches);

  const cutoff = now.getTime() - windowMs;
  const silent = unknown.filter((m) => !heard.has(m.id) && m.updatedAt.getTime() <= cutoff);
  result.waiting = unknown.length - heard.size - silent.length;
  const batches = new Map<string, number>();
  for (const m of silent) {
    const r = await db.message.updateMany({ where: { id: m.id, shopId, status: "unknown" }, data: { status: "queued", queuedAt: now, error: "no SendGrid event within the reconcile window: sent again" } });
    if (r.count === 0) continue;
    result.requeued++;
    if (m.batchId) batches.set(m.batchId, Math.max(batches.get(m.batchId) ?? 0, m.attempts));
  }
  if (options.queue) {
    for (const [batchId, attempts] of batches) {
      const job = await options.queue.enqueue(DELIVERY_SEND_JOB, { shopId, batchId } satisfies SendJobPayload, { shopId, idempotencyKey: resendKey(batchId, attempts) });
      if (job.created) result.jobs++;
    }
  }
  return result;
}
