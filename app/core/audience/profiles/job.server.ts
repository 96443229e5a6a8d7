// The profiles job: one type, two kinds of payload.
//   { shopId, trigger? }    → recomputeShop (full recompute, with the model's refit when due),
//                             then every merchant segment of the shop
//   { shopId, customerId }  → updateCustomer (incremental), the customer's merchant
//                             segments, then the live refit check
//
// Schedule: every full recompute of an installed shop first queues the shop's
// next nightly recompute (nextDailySlot, one idempotency key per shop, install
// and day), so the chain survives a failing run; an uninstalled shop's run does
// nothing and queues nothing, which ends its chain (app/uninstalled also cancels
// its queued jobs). app/jobs/maintenance.server.ts re-arms any broken chain.
import prisma, { type Database } from "../../../db.server";
import type { JobHandler, JobQueue } from "../../../jobs/queue.server";
import { nextDailySlot } from "../../../jobs/schedule";
import { logger } from "../../../logger.server";
import { liveRefitDue } from "../predictions/predictions.server";
import { evaluateCustomerSegments, evaluateShopSegments } from "../segments/segments.server";
import { recomputeShop, updateCustomer } from "./recompute.server";

export const PROFILES_JOB = "audience.profiles";

/** Why a full recompute runs (logs only). */
export const RECOMPUTE_TRIGGERS = ["daily", "backfill", "refit", "manual"] as const;
export type RecomputeTrigger = (typeof RECOMPUTE_TRIGGERS)[number];

export interface ProfilesJobPayload {
  shopId: string;
  customerId?: string;
  trigger?: RecomputeTrigger;
}

export function parseProfilesPayload(payload: unknown): ProfilesJobPayload {
  const p = (typeof payload === "object" && payload !== null ? payload : {}) as Record<string, unknown>;
  if (typeof p.shopId !== "string" || p.shopId === "") throw new Error("profiles job: shopId missing");
  if (p.customerId !== undefined && (typeof p.customerId !== "string" || p.customerId === "")) throw new Error("profiles job: bad customerId");
  if (p.trigger !== undefined && !(RECOMPUTE_TRIGGERS as readonly unknown[]).includes(p.trigger)) throw new Error("profiles job: bad trigger");
  return { shopId: p.shopId, customerId: p.customerId as string | undefined, trigger: p.trigger as RecomputeTrigger | undefined };
}

type Enqueue = Pick<JobQueue, "enqueue">;

/** The shop's next nightly recompute (idempotent: one per shop, install and day). */
export async function scheduleDailyRecompute(queue: Enqueue, shop: { id: string; installedAt: Date }, now: Date): Promise<{ created: boolean; runAt: Date }> {
  const slot = nextDailySlot(shop.id, now);
  const payload: ProfilesJobPayload = { shopId: shop.id, trigger: "daily" };
  const job = await queue.enqueue(PROFILES_JOB, payload, { shopId: shop.id, runAt: slot.runAt, idempotencyKey: dailyRecomputeKey(shop, slot.day), maxAttempts: 3 });
  return { created: job.created, runAt: slot.runAt };
}

/** The install is part of the key: a shop reinstalled the day it uninstalled gets a fresh chain (the old job was cancelled). */
export function dailyRecomputeKey(shop: { id: string; installedAt: Date }, day: string): string {
  return `profiles:${shop.id}:daily:${shop.installedAt.getTime()}:${day}`;
}

/** A full recompute with a refit, once per model attempt (its ModelFit id). */
export async function scheduleRefit(queue: Enqueue, shopId: string, fitId: string): Promise<boolean> {
  const payload: ProfilesJobPayload = { shopId, trigger: "refit" };
  return (await queue.enqueue(PROFILES_JOB, payload, { shopId, idempotencyKey: `profiles:${shopId}:refit:${fitId}`, maxAttempts: 3 })).created;
}

export function profilesJobHandler(queue: Enqueue, options: { db?: Database; now?: () => Date } = {}): JobHandler {
  const clock = options.now ?? (() => new Date());
  return async (payload) => {
    const db = options.db ?? prisma;
    const { shopId, customerId, trigger } = parseProfilesPayload(payload);
    if (customerId) {
      const now = clock();
      await updateCustomer(shopId, customerId, { db, now });
      await evaluateCustomerSegments(shopId, customerId, { db, now });
      // Enough orders since the model's last attempt: refit now rather than at night.
      const refit = await liveRefitDue(db, shopId, now);
      if (refit && (await scheduleRefit(queue, shopId, refit.fitId))) logger.info("model refit queued", { shop: shopId, ordersSince: refit.ordersSince });
      return;
    }
    const shop = await db.shop.findUnique({ where: { id: shopId }, select: { status: true, installedAt: true } });
    if (shop?.status !== "installed") {
      logger.info("profiles recompute skipped: shop not installed", { shop: shopId, trigger });
      return;
    }
    const now = clock();
    await scheduleDailyRecompute(queue, { id: shopId, installedAt: shop.installedAt }, now);
    const started = performance.now();
    const r = await recomputeShop(shopId, { db, now });
    const merchant = await evaluateShopSegments(shopId, { db, now });
    const failed = Object.keys(merchant.failed);
    if (failed.length > 0) logger.warn("merchant segments not evaluated", { shop: shopId, segments: failed });
    logger.info("profiles recomputed", {
      shop: shopId,
      trigger,
      customers: r.customers,
      written: r.profilesWritten,
      entered: r.entered,
      left: r.left,
      merchantSegments: Object.keys(merchant.evaluated).length,
      model: r.predictions.decision,
      modelStatus: r.predictions.status ?? undefined,
      ms: Math.round(performance.now() - started),
    });
  };
}
