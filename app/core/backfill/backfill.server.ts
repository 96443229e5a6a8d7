// The install backfill: pulls the active catalog, every customer with their
// consent, and the last 365 days of orders through Admin API bulk operations
// (one bulk query per phase, its JSONL result streamed), and stores them with
// the ingest store functions (the webhooks' out-of-order-safe path). Each batch
// of records and the run's progress (phase, operation id and lines stored,
// counts) commit in one transaction, so a crashed or retried job re-polls the
// same operation, skips what it stored, and never stores a batch twice (the
// upserts are idempotent anyway).
import prisma from "../../db.server";
import { logger } from "../../logger.server";
import type { JobHandler, JobQueue } from "../../jobs/queue.server";
import { ensureShop, inTransaction, upsertCustomer, upsertOrder, upsertProduct } from "../ingest/store.server";
import type { Tx } from "../ingest/store.server";
import { throttledAdmin, type AdminGraphqlClient, type ThrottledAdmin } from "./admin-client.server";
import { awaitBulkOperation, bulkResultLines, BulkOperationError, startBulkQuery, type Download, type PollOptions } from "./bulk.server";
import { batches, groupJsonl, type JsonlGroup } from "./jsonl";
import { customerFromGroup, orderFromGroup, productFromGroup } from "./map";
import { backfillSince, formatBulkCursor, isPhase, nextPhase, ordersSearch, parseBulkCursor, percentEstimate, type BackfillCounts, type BackfillPhase, type BulkCursor } from "./progress";
import { COUNTS_QUERY, customersBulkQuery, ordersBulkQuery, productsBulkQuery, SHOP_QUERY, zCounts, zShop } from "./queries";

export const BACKFILL_JOB = "backfill.shop";

export interface BackfillJobPayload {
  shopId: string;
}

export interface BackfillOptions {
  /** The shop's Admin API client; default: the offline session's (`unauthenticated.admin`). */
  admin?: AdminGraphqlClient;
  /** Waits between polls and for throttled calls (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
  /** Downloads a bulk result file; default: fetch. */
  download?: Download;
  /** Records stored per transaction (default 100). */
  batchSize?: number;
  /** Poll backoff: from `initialDelayMs` (1 s) doubling to `maxDelayMs` (10 s). */
  poll?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Called after each batch is saved (tests use it to crash mid-way). */
  afterBatch?: (progress: { phase: BackfillPhase; cursor: BulkCursor | null; counts: BackfillCounts }) => void | Promise<void>;
  now?: Date;
}

export interface BackfillProgress {
  runId: string;
  status: string;
  phase: BackfillPhase;
  counts: BackfillCounts;
  totals: Partial<BackfillCounts> | null;
  percent: number | null;
  error: string | null;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

const DEFAULT_BATCH = 100;
/** New operations started in one run of a phase after one failed, was cancelled or expired. */
const MAX_RESTARTS = 2;
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Queues the backfill of one install. `installKey` names the install (its
 * installedAt): a second call for the same install queues nothing.
 */
export async function enqueueBackfill(queue: JobQueue, shopId: string, installKey: string, now = new Date()): Promise<{ runId: string; created: boolean }> {
  const job = await queue.enqueue(BACKFILL_JOB, { shopId } satisfies BackfillJobPayload, {
    shopId,
    idempotencyKey: `backfill:${shopId}:${installKey}`,
    maxAttempts: 8,
  });
  if (job.created) await ensureRun(job.id, shopId, now);
  return { runId: job.id, created: job.created };
}

/** The run row of a job (its id is the job's id), created if missing. */
async function ensureRun(runId: string, shopId: string, now: Date) {
  await prisma.backfillRun.upsert({
    where: { id: runId },
    create: { id: runId, shopId, since: backfillSince(now) },
    update: {},
  });
}

type Phase = Exclude<BackfillPhase, "done">;
type Writer = (tx: Tx) => Promise<void>;

function bulkQueryOf(phase: Phase, since: Date): string {
  if (phase === "products") return productsBulkQuery();
  if (phase === "customers") return customersBulkQuery();
  return ordersBulkQuery(ordersSearch(since));
}

/** One result group as a write; mapping (and its shape errors) happens before the transaction. */
function writerOf(phase: Phase, shopId: string, currency: string, group: JsonlGroup): Writer {
  if (phase === "products") {
    const record = productFromGroup(group, currency);
    return async (tx) => void (await upsertProduct(tx, shopId, record));
  }
  if (phase === "customers") {
    const record = customerFromGroup(group);
    return async (tx) => void (await upsertCustomer(tx, shopId, record));
  }
  const record = orderFromGroup(group);
  return async (tx) => void (await upsertOrder(tx, shopId, record));
}

interface RunContext {
  runId: string;
  shopId: string;
  currency: string;
  since: Date;
  api: ThrottledAdmin;
  counts: BackfillCounts;
  options: BackfillOptions;
  poll: PollOptions;
  log: typeof logger;
  /** Saves progress (and writes rows) if the run is still running and the shop installed; false otherwise. */
  save(data: Record<string, unknown>, writes?: Writer[]): Promise<boolean>;
}

/**
 * One phase through one bulk operation: start it (or pick up the saved one),
 * wait for it, stream its result past the lines already stored, in batches.
 */
async function runPhase(c: RunContext, phase: Phase, saved: string | null): Promise<"done" | "stopped"> {
  let cursor = parseBulkCursor(saved);
  const batchSize = c.options.batchSize ?? DEFAULT_BATCH;
  for (let restarts = 0; ; restarts++) {
    if (!cursor) {
      const id = await startBulkQuery(c.api, bulkQueryOf(phase, c.since), c.poll);
      if (id === "stopped") return id;
      cursor = { op: id, lines: 0 };
      // A new operation's file is read from its start: the phase's count restarts with it.
      if (!(await c.save({ cursor: formatBulkCursor(cursor), [phase]: 0 }))) return "stopped";
      c.counts[phase] = 0;
      c.log.info("bulk operation started", { phase, operation: id });
    }
    try {
      const result = await awaitBulkOperation(c.api, cursor.op, c.poll);
      if (result === "stopped") return result;
      if (!result.url) return "done"; // nothing matched
      const groups = groupJsonl(await bulkResultLines(result.url, c.options.download), { skip: cursor.lines });
      for await (const batch of batches(groups, batchSize)) {
        const writes = batch.map((group) => writerOf(phase, c.shopId, c.currency, group));
        const next: BulkCursor = { op: cursor.op, lines: batch[batch.length - 1]!.end };
        const count = c.counts[phase] + batch.length;
        if (!(await c.save({ cursor: formatBulkCursor(next), [phase]: count }, writes))) return "stopped";
        cursor = next;
        c.counts[phase] = count;
        await c.options.afterBatch?.({ phase, cursor, counts: { ...c.counts } });
      }
      return "done";
    } catch (error) {
      if (!(error instanceof BulkOperationError) || !error.restartable || restarts >= MAX_RESTARTS) throw error;
      c.log.warn("bulk operation unusable, starting a new one", { phase, operation: cursor.op, error: error.message });
      cursor = null;
    }
  }
}

async function defaultAdmin(shopId: string): Promise<AdminGraphqlClient> {
  const { unauthenticated } = await import("../../shopify.server");
  const { admin } = await unauthenticated.admin(shopId);
  return admin;
}

/** Runs (or resumes) one backfill run to the end. Throws on failure; the saved cursor makes a rerun continue. */
export async function runBackfill(runId: string, options: BackfillOptions = {}): Promise<BackfillProgress> {
  const run = await prisma.backfillRun.findUnique({ where: { id: runId } });
  if (!run) throw new Error(`backfill run ${runId} not found`);
  const shopId = run.shopId;
  const log = logger.child({ shop: shopId, backfillRun: runId });
  if (run.status === "done" || run.status === "cancelled") return (await progressOf(runId))!;
  const shop = await prisma.shop.findUnique({ where: { id: shopId }, select: { status: true } });
  if (!shop || shop.status !== "installed") {
    await prisma.backfillRun.updateMany({ where: { id: runId, shopId }, data: { status: "cancelled", finishedAt: new Date() } });
    return (await progressOf(runId))!;
  }
  await prisma.backfillRun.updateMany({ where: { id: runId, shopId }, data: { status: "running", error: null } });

  const api = throttledAdmin(options.admin ?? (await defaultAdmin(shopId)), { sleep: options.sleep, logger: log });
  const { shop: info } = await api.request(SHOP_QUERY, {}, zShop);
  await ensureShop(prisma, shopId, { currency: info.currencyCode });
  if (!run.totals) {
    const counts = await api.request(COUNTS_QUERY, { ordersQuery: ordersSearch(run.since) }, zCounts).catch((error: unknown) => {
      log.warn("backfill counts unavailable", { error: String(error) });
      return null;
    });
    if (counts) {
      const totals = { products: counts.productsCount?.count, customers: counts.customersCount?.count, orders: counts.ordersCount?.count };
      await prisma.backfillRun.updateMany({ where: { id: runId, shopId }, data: { totals } });
    }
  }

  const counts: BackfillCounts = { products: run.products, customers: run.customers, orders: run.orders };
  const live = { id: runId, shopId, status: "running", shop: { status: "installed" } };
  const sleep = options.sleep ?? defaultSleep;
  const ctx: RunContext = {
    runId,
    shopId,
    currency: info.currencyCode,
    since: run.since,
    api,
    counts,
    options,
    log,
    poll: { sleep, ...options.poll, logger: log, keepGoing: async () => (await prisma.backfillRun.count({ where: live })) === 1 },
    // The batch's rows and the cursor past them commit together: a crash leaves either both or neither.
    // The run must still be running and the shop installed (app/uninstalled stops the backfill at once).
    save: (data, writes = []) =>
      inTransaction(prisma, async (tx) => {
        const ok = await tx.backfillRun.updateMany({ where: live, data });
        if (ok.count !== 1) return false;
        for (const write of writes) await write(tx);
        return true;
      }),
  };

  let phase: BackfillPhase = isPhase(run.phase) ? run.phase : "products";
  let cursor = run.cursor;
  const started = Date.now();
  while (phase !== "done") {
    const outcome = await runPhase(ctx, phase, cursor);
    const next = nextPhase(phase);
    if (outcome === "stopped" || !(await ctx.save({ phase: next, cursor: null }))) {
      log.info("backfill stopped: run cancelled or shop uninstalled");
      await prisma.backfillRun.updateMany({ where: { id: runId, shopId, status: "running" }, data: { status: "cancelled", finishedAt: new Date() } });
      return (await progressOf(runId))!;
    }
    log.info("backfill phase done", { phase, rows: counts[phase] });
    phase = next;
    cursor = null;
  }
  await prisma.backfillRun.updateMany({ where: { id: runId, shopId }, data: { status: "done", phase: "done", cursor: null, finishedAt: new Date() } });
  const seconds = (Date.now() - started) / 1000;
  log.info("backfill done", { ...counts, seconds, requests: api.stats.requests, throttledRetries: api.stats.throttledRetries, waitedMs: api.stats.waitedMs });
  await recomputeAfterBackfill(shopId, runId, log);
  return (await progressOf(runId))!;
}

/**
 * The history is in: queue the shop's first full recompute (profiles, the
 * model's first fit, segments). Imported when needed: the profiles triggers
 * import the job registry, which imports this module. A failure is logged, not
 * thrown (the backfill is done; the nightly schedule recomputes anyway).
 */
async function recomputeAfterBackfill(shopId: string, runId: string, log: typeof logger): Promise<void> {
  try {
    const { scheduleRecomputeAfterBackfill } = await import("../audience/profiles/triggers.server");
    await scheduleRecomputeAfterBackfill(shopId, runId);
  } catch (error) {
    log.warn("recompute after backfill not queued", { error: String(error).slice(0, 300) });
  }
}

function toProgress(run: NonNullable<Awaited<ReturnType<typeof prisma.backfillRun.findUnique>>>): BackfillProgress {
  const phase: BackfillPhase = isPhase(run.phase) ? run.phase : "products";
  const counts = { products: run.products, customers: run.customers, orders: run.orders };
  const totals = (run.totals ?? null) as Partial<BackfillCounts> | null;
  return {
    runId: run.id,
    status: run.status,
    phase,
    counts,
    totals,
    percent: percentEstimate(phase, run.status, counts, totals),
    error: run.error,
    startedAt: run.startedAt,
    updatedAt: run.updatedAt,
    finishedAt: run.finishedAt,
  };
}

async function progressOf(runId: string): Promise<BackfillProgress | null> {
  const run = await prisma.backfillRun.findUnique({ where: { id: runId } });
  return run ? toProgress(run) : null;
}

/** The shop's latest backfill, for the home page (null before any). */
export async function backfillProgress(shopId: string): Promise<BackfillProgress | null> {
  const run = await prisma.backfillRun.findFirst({ where: { shopId }, orderBy: [{ startedAt: "desc" }, { id: "desc" }] });
  return run ? toProgress(run) : null;
}

/** The queue's handler: resumes the job's run; records a failure so the home page can show it. */
export function backfillJobHandler(options: Omit<BackfillOptions, "afterBatch"> = {}): JobHandler {
  return async (payload, ctx) => {
    const shopId = (payload as Partial<BackfillJobPayload> | null)?.shopId ?? ctx.shopId;
    if (!shopId) throw new Error("backfill job without a shop");
    await ensureRun(ctx.jobId, shopId, options.now ?? new Date());
    try {
      await runBackfill(ctx.jobId, options);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const final = ctx.attempt >= ctx.maxAttempts;
      await prisma.backfillRun.updateMany({
        where: { id: ctx.jobId, shopId },
        data: { status: final ? "failed" : "retrying", error: message.slice(0, 500), ...(final ? { finishedAt: new Date() } : {}) },
      });
      throw error;
    }
  };
}
