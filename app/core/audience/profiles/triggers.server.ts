// Enqueues profile updates: one job per customer and coalescing window, so a
// burst (orders/create, orders/paid, a refund, pixel events) becomes one update
// run just after the window closes.
import { queue } from "../../../jobs/index.server";
import { logger } from "../../../logger.server";
import type { Db } from "./aggregate.server";
import { PROFILES_JOB, type ProfilesJobPayload } from "./job.server";

/** Events for one customer within this window share one update. */
export const COALESCE_MS = 2_000;
/** Margin after the window, so the triggering webhook's transaction has committed (PostgreSQL). */
export const SETTLE_MS = 1_000;

/** Schedules an update of one customer's profile and memberships (idempotent per window). */
export async function scheduleProfileUpdate(shopId: string, customerId: string, now: number = Date.now()): Promise<void> {
  const bucket = Math.floor(now / COALESCE_MS);
  const payload: ProfilesJobPayload = { shopId, customerId };
  await queue.enqueue(PROFILES_JOB, payload, {
    shopId,
    idempotencyKey: `profiles:${shopId}:${customerId}:${bucket}`,
    runAt: new Date((bucket + 1) * COALESCE_MS + SETTLE_MS),
    maxAttempts: 3,
  });
}

/** Schedules a full recompute of the shop (at most one per minute). */
export async function scheduleShopRecompute(shopId: string, now: number = Date.now()): Promise<void> {
  const payload: ProfilesJobPayload = { shopId, trigger: "manual" };
  await queue.enqueue(PROFILES_JOB, payload, { shopId, idempotencyKey: `profiles:${shopId}:shop:${Math.floor(now / 60_000)}` });
}

/**
 * After the install backfill: the shop's first full recompute (profiles, the
 * model's first fit, segments), once per backfill run. Its run also starts the
 * shop's nightly chain (job.server.ts).
 */
export async function scheduleRecomputeAfterBackfill(shopId: string, backfillRunId: string): Promise<boolean> {
  const payload: ProfilesJobPayload = { shopId, trigger: "backfill" };
  return (await queue.enqueue(PROFILES_JOB, payload, { shopId, idempotencyKey: `profiles:${shopId}:backfill:${backfillRunId}` })).created;
}

/**
 * For the ingest topics, after the write: the customer an order, refund,
 * checkout or customer webhook concerns gets a profile update. Reads through the
 * webhook's transaction (it sees the write); the queue takes no transaction, so
 * the job row is written by the queue's own client (on SQLite that runs inside
 * the webhook's transaction anyway; on PostgreSQL the job may outlive a rolled-back
 * webhook, which costs one harmless recomputation).
 */
export async function scheduleAfterWebhook(
  tx: Db,
  shopId: string,
  topic: string,
  data: { id?: unknown; order_id?: unknown; token?: unknown; updated_at?: unknown; created_at?: unknown },
  now: number = Date.now(),
): Promise<void> {
  if (!PROFILE_TOPICS.has(topic)) return;
  // History (a replay, a late redelivery) needs no update within seconds: the
  // shop's full recompute covers it. Per-customer jobs for a year of orders at
  // once cost the web process its throughput (measured: 3x slower demo replay).
  if (isHistorical(data, now)) return;
  // Installed shops only: a pending shop's history arrives with the install backfill
  // (profiles follow from a full recompute), an uninstalled one gets no new work.
  const shop = await tx.shop.findUnique({ where: { id: shopId }, select: { status: true } });
  if (shop?.status !== "installed") return;
  const customerId = await customerOf(tx, shopId, topic, data);
  if (customerId) await scheduleProfileUpdate(shopId, customerId);
}

/** Older than this (by updated_at, else created_at), a payload is history, not a live event. */
export const LIVE_WINDOW_MS = 24 * 60 * 60_000;

function isHistorical(data: { updated_at?: unknown; created_at?: unknown }, now: number): boolean {
  const time = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === "string" ? Date.parse(v) : NaN);
  const at = Number.isFinite(time(data.updated_at)) ? time(data.updated_at) : time(data.created_at);
  return Number.isFinite(at) && now - at > LIVE_WINDOW_MS;
}

const PROFILE_TOPICS = new Set(["orders/create", "orders/updated", "orders/paid", "orders/cancelled", "refunds/create", "checkouts/create", "checkouts/update", "customers/create", "customers/update"]);

async function customerOf(tx: Db, shopId: string, topic: string, data: { id?: unknown; order_id?: unknown; token?: unknown }): Promise<string | null> {
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  const family = topic.split("/")[0];
  if (family === "orders" || family === "refunds") {
    const shopifyId = str(family === "orders" ? data.id : data.order_id);
    if (!shopifyId) return null;
    return (await tx.order.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId } }, select: { customerId: true } }))?.customerId ?? null;
  }
  if (family === "checkouts") {
    const token = str(data.token);
    if (!token) return null;
    return (await tx.checkout.findUnique({ where: { shopId_token: { shopId, token } }, select: { customerId: true } }))?.customerId ?? null;
  }
  if (topic === "customers/create" || topic === "customers/update") {
    const shopifyId = str(data.id);
    if (!shopifyId) return null;
    const c = await tx.customer.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId } }, select: { id: true, deletedAt: true } });
    return c && !c.deletedAt ? c.id : null;
  }
  return null;
}

/**
 * For the pixel endpoint, after a batch is stored: every customer the batch's
 * events are attached to. A failure is logged, never answered: the events are stored.
 */
export async function scheduleAfterPixelEvents(db: Db, shopId: string, eventIds: readonly string[]): Promise<void> {
  try {
    await schedulePixelCustomers(db, shopId, eventIds);
  } catch (error) {
    logger.warn("profile update not scheduled", { shop: shopId, error: String(error).slice(0, 300) });
  }
}

async function schedulePixelCustomers(db: Db, shopId: string, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length === 0) return;
  const rows = await db.browseEvent.findMany({
    where: { shopId, eventId: { in: [...eventIds] }, customerId: { not: null } },
    select: { customerId: true },
    distinct: ["customerId"],
  });
  for (const r of rows) if (r.customerId) await scheduleProfileUpdate(shopId, r.customerId);
}
