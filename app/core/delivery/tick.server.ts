// The delivery tick (DELIVERY_TICK_JOB): per shop, every minute, triggers →
// dispatch → reconcile (reconcile.server.ts). A recurring job is a chain of queued jobs: each run
// queues the next under a key naming its minute, so any number of runs,
// workers, kicks (a flow switched on, a launch scheduled) or restarts leave
// exactly one tick per shop per minute. The chain stops by itself when the
// shop has nothing left to do (no flow on, no launch pending, no message
// waiting); ensureSchedules (app/jobs/maintenance.server.ts) restarts it for
// shops that need it, and setFlowEnabled / scheduleLaunch kick it at once.
import prisma, { optimizeStatistics, type Database } from "../../db.server";
import type { JobHandler, JobQueue } from "../../jobs/queue.server";
import { logger } from "../../logger.server";
import { dispatchDue } from "./dispatch.server";
import { DELIVERY_TICK_JOB } from "./job-types";
import { refreshStats } from "../reports/stats.server";
import { reconcileUnknown } from "./reconcile.server";
import { runTriggers } from "./triggers.server";

const MINUTE_MS = 60_000;

type Enqueue = Pick<JobQueue, "enqueue">;

export interface TickPayload {
  shopId: string;
}

/**
 * A tick at `at`, keyed by its minute: a second call for the same minute is a
 * no-op (a kick in a minute whose tick already ran waits for the next one).
 */
export async function scheduleTick(queue: Enqueue, shopId: string, at: Date): Promise<boolean> {
  const key = `${DELIVERY_TICK_JOB}:${shopId}:${Math.floor(at.getTime() / MINUTE_MS)}`;
  return (await queue.enqueue(DELIVERY_TICK_JOB, { shopId } satisfies TickPayload, { shopId, runAt: at, idempotencyKey: key, maxAttempts: 3 })).created;
}

/** The start of the minute after `now`: where the chain's next tick goes. */
export function nextMinute(now: Date): Date {
  return new Date((Math.floor(now.getTime() / MINUTE_MS) + 1) * MINUTE_MS);
}

/** True when the shop has delivery work: a flow on, a launch or campaign scheduled and not yet launched, or a message waiting. */
export async function shopNeedsTick(db: Database, shopId: string): Promise<boolean> {
  const campaign = await db.campaign.findFirst({ where: { shopId, OR: [{ kind: "flow", enabled: true }, { startsAt: { not: null }, launchedAt: null }] }, select: { id: true } });
  if (campaign) return true;
  const message = await db.message.findFirst({ where: { shopId, status: { in: ["scheduled", "queued", "unknown"] } }, select: { id: true } });
  return message !== null;
}

/** Installed shops (of the given ids) that need a tick. */
export async function shopsNeedingTicks(db: Database, shopIds: string[]): Promise<string[]> {
  if (shopIds.length === 0) return [];
  const [campaigns, messages] = await Promise.all([
    db.campaign.findMany({ where: { shopId: { in: shopIds }, OR: [{ kind: "flow", enabled: true }, { startsAt: { not: null }, launchedAt: null }] }, select: { shopId: true }, distinct: ["shopId"] }),
    db.message.findMany({ where: { shopId: { in: shopIds }, status: { in: ["scheduled", "queued", "unknown"] } }, select: { shopId: true }, distinct: ["shopId"] }),
  ]);
  return [...new Set([...campaigns, ...messages].map((r) => r.shopId))];
}

export interface TickReport {
  enrolled: number;
  queued: number;
  skipped: Record<string, number>;
  cancelled: Record<string, number>;
  /** Unknown outcomes settled this tick. */
  reconciled: { sent: number; requeued: number };
  /** (campaign, day) buckets of the daily stats recomputed. */
  statsRefreshed: number;
}

/** One tick for one shop, without the chain (tests and the demo call this). */
export async function runTick(shopId: string, options: { db?: Database; queue: Enqueue; now?: Date }): Promise<TickReport> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const triggers = await runTriggers(shopId, { db, now });
  // A launch may have just added 100k messages: the planner's statistics must know (SQLite).
  await optimizeStatistics(db);
  const dispatch = await dispatchDue(shopId, { db, queue: options.queue, now });
  // Unknown outcomes: sent when SendGrid's events show it, re-queued when none came within the window.
  const reconciled = await reconcileUnknown(shopId, { db, queue: options.queue, now });
  // The dashboard's daily stats: the days this minute's sends, events and orders touched.
  const statsRefreshed = await refreshStats(shopId, { db });
  return {
    enrolled: Object.values(triggers.enrolled).reduce((a, b) => a + b, 0),
    queued: dispatch.queued,
    skipped: dispatch.skipped,
    cancelled: dispatch.cancelled,
    reconciled: { sent: reconciled.sent, requeued: reconciled.requeued },
    statsRefreshed,
  };
}

export function deliveryTickHandler(deps: { db?: Database; queue: Enqueue; clock?: () => Date }): JobHandler {
  return async (payload) => {
    const db = deps.db ?? prisma;
    const shopId = (payload as Partial<TickPayload> | null)?.shopId;
    if (typeof shopId !== "string" || !shopId) throw new Error("delivery.tick: payload has no shopId");
    const now = deps.clock?.() ?? new Date();
    const shop = await db.shop.findUnique({ where: { id: shopId }, select: { status: true } });
    if (!shop || shop.status !== "installed") return; // uninstalled: the chain ends
    // The next tick first: a failing run keeps the chain.
    if (await shopNeedsTick(db, shopId)) await scheduleTick(deps.queue, shopId, nextMinute(now));
    const report = await runTick(shopId, { db, queue: deps.queue, now });
    if (report.enrolled || report.queued || report.reconciled.sent || report.reconciled.requeued || Object.keys(report.skipped).length || Object.keys(report.cancelled).length) {
      logger.info("delivery tick", { shop: shopId, enrolled: report.enrolled, queued: report.queued, skipped: report.skipped, cancelled: report.cancelled, reconciled: report.reconciled });
    }
  };
}
