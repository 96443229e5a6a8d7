// The queue's own upkeep, as one nightly job (shop-less):
//   - finished job rows are deleted after a retention period, so the Job table
//     stays bounded (customers/redact scans a shop's jobs for personal data);
//   - every installed shop's nightly recompute is (re)queued, in case a chain
//     broke (a job row lost, a shop installed before the schedule existed);
//   - every installed shop with delivery work (a flow on, a launch pending, a
//     message waiting) has its per-minute delivery tick chain (re)started.
// ensureSchedules also runs when a worker starts (queue.onStart), so a new
// deployment is armed without waiting for a night. All of it is idempotent:
// the keys name the slot's day.
import type { Database } from "../db.server";
import { logger } from "../logger.server";
import { BACKFILL_JOB } from "../core/backfill/backfill.server";
import { dailyRecomputeKey, scheduleDailyRecompute } from "../core/audience/profiles/job.server";
import { nextMinute, scheduleTick, shopsNeedingTicks } from "../core/delivery/tick.server";
import type { JobHandler, JobQueue } from "./queue.server";
import { nextDailySlot } from "./schedule";

export const MAINTENANCE_JOB = "jobs.maintenance";
/** Done and cancelled jobs are kept this long (for the logs' sake), then deleted. */
export const DONE_RETENTION_DAYS = 7;
/** Failed jobs are kept longer: an operator may need their error. */
export const FAILED_RETENTION_DAYS = 30;
/**
 * Never deleted: the backfill's job row is its run's id, and its idempotency
 * key (one backfill per install) must keep refusing a second backfill when
 * Shopify authenticates the same install again. One row per install.
 */
export const KEPT_JOB_TYPES: readonly string[] = [BACKFILL_JOB];

const DAY_MS = 86_400_000;
const DELETE_CHUNK = 500;
const SHOP_PAGE = 500;

type Enqueue = Pick<JobQueue, "enqueue">;

/** Deletes finished jobs past their retention, in bounded chunks; returns how many. */
export async function deleteFinishedJobs(db: Database, now: Date): Promise<number> {
  const doneBefore = new Date(now.getTime() - DONE_RETENTION_DAYS * DAY_MS);
  const failedBefore = new Date(now.getTime() - FAILED_RETENTION_DAYS * DAY_MS);
  // runAt ≤ the last update for a finished job (except a final failure's backoff or a
  // cancelled future job, which then wait a little longer): it lets the (status, runAt) index narrow the scan.
  const where = {
    type: { notIn: [...KEPT_JOB_TYPES] },
    OR: [
      { status: { in: ["done", "cancelled"] }, runAt: { lt: doneBefore }, updatedAt: { lt: doneBefore } },
      { status: "failed", runAt: { lt: failedBefore }, updatedAt: { lt: failedBefore } },
    ],
  };
  let deleted = 0;
  for (;;) {
    const rows = await db.job.findMany({ where, select: { id: true }, take: DELETE_CHUNK });
    if (rows.length === 0) return deleted;
    deleted += (await db.job.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } })).count;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The next maintenance run (one per day). */
export async function scheduleMaintenance(queue: Enqueue, now: Date): Promise<boolean> {
  const slot = nextDailySlot(MAINTENANCE_JOB, now);
  return (await queue.enqueue(MAINTENANCE_JOB, {}, { runAt: slot.runAt, idempotencyKey: `${MAINTENANCE_JOB}:${slot.day}`, maxAttempts: 3 })).created;
}

/**
 * The next maintenance run, the next nightly recompute of every installed
 * shop that has none queued (shops in pages; one lookup of keys per page), and
 * the delivery tick of every installed shop with delivery work (idempotent per
 * minute: a live chain already holds the next minute's tick).
 */
export async function ensureSchedules(db: Database, queue: Enqueue, now: Date): Promise<{ shops: number; queued: number }> {
  await scheduleMaintenance(queue, now);
  let shops = 0;
  let queued = 0;
  let ticks = 0;
  for (let cursor = ""; ; ) {
    const page = await db.shop.findMany({ where: { status: "installed", id: { gt: cursor } }, orderBy: { id: "asc" }, take: SHOP_PAGE, select: { id: true, installedAt: true } });
    if (page.length === 0) break;
    cursor = page.at(-1)!.id;
    shops += page.length;
    const keyOf = (s: (typeof page)[number]) => dailyRecomputeKey(s, nextDailySlot(s.id, now).day);
    const existing = new Set(
      (await db.job.findMany({ where: { idempotencyKey: { in: page.map(keyOf) } }, select: { idempotencyKey: true } })).map((j) => j.idempotencyKey),
    );
    for (const shop of page) {
      if (existing.has(keyOf(shop))) continue;
      if ((await scheduleDailyRecompute(queue, shop, now)).created) queued++;
    }
    for (const shopId of await shopsNeedingTicks(db, page.map((s) => s.id))) {
      if (await scheduleTick(queue, shopId, nextMinute(now))) ticks++;
    }
  }
  if (ticks > 0) logger.info("delivery ticks started", { shops: ticks });
  return { shops, queued };
}

export function maintenanceJobHandler(db: Database, queue: Enqueue, clock: () => Date = () => new Date()): JobHandler {
  return async () => {
    const now = clock();
    await scheduleMaintenance(queue, now); // first: a failing run keeps the chain
    const deleted = await deleteFinishedJobs(db, now);
    const schedules = await ensureSchedules(db, queue, now);
    logger.info("job maintenance", { deleted, shops: schedules.shops, recomputesQueued: schedules.queued });
  };
}
