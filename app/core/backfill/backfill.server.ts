// The install backfill: pulls the active catalog, every customer with their
// consent, and the last 365 days of orders through the Admin GraphQL API, and
// stores them with the ingest store functions (the webhooks' out-of-order-safe
// path). Each page's rows and the run's progress (phase, cursor, counts) commit
// in one transaction, so a crashed or retried job continues from its cursor
// and never stores a page twice (and the upserts are idempotent anyway).
import prisma from "../../db.server";
import { logger } from "../../logger.server";
import type { JobHandler, JobQueue } from "../../jobs/queue.server";
import { ensureShop, inTransaction, upsertCustomer, upsertOrder, upsertProduct } from "../ingest/store.server";
import type { Tx } from "../ingest/store.server";
import { QueryTooCostlyError, throttledAdmin, type AdminGraphqlClient, type ThrottledAdmin } from "./admin-client.server";
import { customerRecord, orderRecord, productRecord } from "./map";
import { backfillSince, isPhase, nextPhase, ordersSearch, percentEstimate, type BackfillCounts, type BackfillPhase } from "./progress";
import {
  COUNTS_QUERY,
  CUSTOMERS_QUERY,
  ORDER_LINES_QUERY,
  ORDERS_QUERY,
  PRODUCT_VARIANTS_QUERY,
  PRODUCTS_QUERY,
  SHOP_QUERY,
  zCounts,
  zCustomersPage,
  zOrderLinesPage,
  zOrdersPage,
  zProductsPage,
  zShop,
  zVariantsPage,
  type GqlLineItem,
  type GqlVariant,
} from "./queries";

export const BACKFILL_JOB = "backfill.shop";

export interface BackfillJobPayload {
  shopId: string;
}

export interface BackfillOptions {
  /** The shop's Admin API client; default: the offline session's (`unauthenticated.admin`). */
  admin?: AdminGraphqlClient;
  sleep?: (ms: number) => Promise<void>;
  pageSizes?: Partial<Record<Exclude<BackfillPhase, "done">, number>>;
  /** Called after each page is saved (tests use it to crash mid-way). */
  afterPage?: (progress: { phase: BackfillPhase; cursor: string | null; counts: BackfillCounts }) => void | Promise<void>;
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

const DEFAULT_PAGE = { products: 10, customers: 100, orders: 10 } as const;

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

async function pageOf<T>(phase: string, size: { n: number }, fetch: (n: number) => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fetch(size.n);
    } catch (error) {
      if (error instanceof QueryTooCostlyError && size.n > 1) {
        size.n = Math.max(1, Math.floor(size.n / 2));
        logger.info("backfill page too costly, shrinking", { phase, pageSize: size.n });
        continue;
      }
      throw error;
    }
  }
}

async function allVariants(api: ThrottledAdmin, productId: string, first: { hasNextPage: boolean; endCursor: string | null }, nodes: GqlVariant[]) {
  const out = [...nodes];
  let info = first;
  while (info.hasNextPage) {
    const page = await api.request(PRODUCT_VARIANTS_QUERY, { id: productId, after: info.endCursor }, zVariantsPage);
    if (!page.product) break;
    out.push(...page.product.variants.nodes);
    info = page.product.variants.pageInfo;
  }
  return out;
}

async function allLines(api: ThrottledAdmin, orderId: string, first: { hasNextPage: boolean; endCursor: string | null }, nodes: GqlLineItem[]) {
  const out = [...nodes];
  let info = first;
  while (info.hasNextPage) {
    const page = await api.request(ORDER_LINES_QUERY, { id: orderId, after: info.endCursor }, zOrderLinesPage);
    if (!page.order) break;
    out.push(...page.order.lineItems.nodes);
    info = page.order.lineItems.pageInfo;
  }
  return out;
}

type Writer = (tx: Tx) => Promise<void>;

/** Fetches one page of a phase (and any nested pages it needs); returns its writes, how many rows, and where the next page starts. */
async function fetchPage(api: ThrottledAdmin, shopId: string, currency: string, phase: Exclude<BackfillPhase, "done">, cursor: string | null, since: Date, size: { n: number }) {
  const writes: Writer[] = [];
  if (phase === "products") {
    const { products } = await pageOf(phase, size, (n) => api.request(PRODUCTS_QUERY, { first: n, after: cursor }, zProductsPage));
    for (const p of products.nodes) {
      const record = productRecord(p, currency, await allVariants(api, p.id, p.variants.pageInfo, p.variants.nodes));
      writes.push(async (tx) => void (await upsertProduct(tx, shopId, record)));
    }
    return { writes, pageInfo: products.pageInfo };
  }
  if (phase === "customers") {
    const { customers } = await pageOf(phase, size, (n) => api.request(CUSTOMERS_QUERY, { first: n, after: cursor }, zCustomersPage));
    for (const c of customers.nodes) {
      const record = customerRecord(c);
      writes.push(async (tx) => void (await upsertCustomer(tx, shopId, record)));
    }
    return { writes, pageInfo: customers.pageInfo };
  }
  const { orders } = await pageOf(phase, size, (n) => api.request(ORDERS_QUERY, { first: n, after: cursor, query: ordersSearch(since) }, zOrdersPage));
  for (const o of orders.nodes) {
    const record = orderRecord(o, await allLines(api, o.id, o.lineItems.pageInfo, o.lineItems.nodes));
    writes.push(async (tx) => void (await upsertOrder(tx, shopId, record)));
  }
  return { writes, pageInfo: orders.pageInfo };
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

  let phase: BackfillPhase = isPhase(run.phase) ? run.phase : "products";
  let cursor = run.cursor;
  const counts: BackfillCounts = { products: run.products, customers: run.customers, orders: run.orders };
  const sizes = {
    products: { n: options.pageSizes?.products ?? DEFAULT_PAGE.products },
    customers: { n: options.pageSizes?.customers ?? DEFAULT_PAGE.customers },
    orders: { n: options.pageSizes?.orders ?? DEFAULT_PAGE.orders },
  };
  const started = Date.now();
  while (phase !== "done") {
    const { writes, pageInfo } = await fetchPage(api, shopId, info.currencyCode, phase, cursor, run.since, sizes[phase]);
    const more = pageInfo.hasNextPage && pageInfo.endCursor !== null;
    const nextCursor = more ? pageInfo.endCursor : null;
    const next: BackfillPhase = more ? phase : nextPhase(phase);
    const count = counts[phase] + writes.length;
    // The page's rows and the cursor past them commit together: a crash leaves either both or neither.
    // The run must still be running and the shop installed (app/uninstalled stops the backfill at once).
    const saved = await inTransaction(prisma, async (tx) => {
      const ok = await tx.backfillRun.updateMany({
        where: { id: runId, shopId, status: "running", shop: { status: "installed" } },
        data: { phase: next, cursor: nextCursor, [phase]: count },
      });
      if (ok.count === 1) for (const write of writes) await write(tx);
      return ok.count === 1;
    });
    if (!saved) {
      log.info("backfill stopped: run cancelled or shop uninstalled");
      await prisma.backfillRun.updateMany({ where: { id: runId, shopId, status: "running" }, data: { status: "cancelled", finishedAt: new Date() } });
      return (await progressOf(runId))!;
    }
    counts[phase] = count;
    const finishedPhase = phase;
    phase = next;
    cursor = nextCursor;
    await options.afterPage?.({ phase, cursor, counts: { ...counts } });
    if (next !== finishedPhase) log.info("backfill phase done", { phase: finishedPhase, rows: counts[finishedPhase] });
  }
  await prisma.backfillRun.updateMany({ where: { id: runId, shopId }, data: { status: "done", phase: "done", cursor: null, finishedAt: new Date() } });
  const seconds = (Date.now() - started) / 1000;
  log.info("backfill done", { ...counts, seconds, requests: api.stats.requests, throttledRetries: api.stats.throttledRetries, waitedMs: api.stats.waitedMs });
  return (await progressOf(runId))!;
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
export function backfillJobHandler(options: Omit<BackfillOptions, "afterPage"> = {}): JobHandler {
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
