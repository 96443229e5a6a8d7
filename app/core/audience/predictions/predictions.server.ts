// The shell of the per-shop predictions:
//   fitShopModels(shopId)            reads the shop's orders page by page, fits BG/NBD and
//                                    Gamma–Gamma, records both ModelFit rows, writes every
//                                    customer's prediction columns (or clears them, with the reason)
//   refreshPredictions(shopId)       what the full recompute calls: a refit when the policy
//                                    says so (refit.ts), else a rescore with the stored fit
//   updateCustomerPredictions(...)   one customer from the stored fit (the live path)
//   liveRefitDue(shopId)             enough new orders since the last attempt? (the live path)
//   predictionStatus(shopId)         the latest attempt, for the admin
// Memory: the fit keeps a bounded sample of customer summaries (history.ts);
// orders are read one page of customers at a time.
import prisma, { sqlDialectOf, sqliteDateTime, type Database } from "../../../db.server";
import { pageRange, type Db } from "../profiles/aggregate.server";
import { dayNumber, type CustomerSummary } from "../clv/summary";
import { MIN_CUSTOMERS_WITH_ORDERS, MIN_HISTORY_DAYS, MIN_REPEAT_BUYERS, MIN_SPEND_CUSTOMERS } from "./eligibility";
import { fitShop, parseStoredBgnbd, parseStoredGammaGamma, type FitStatus, type ModelOutcome, type ShopFit } from "./fit";
import { addToFitInput, emptyFitInput, summarizeOrders, type OrderPoint } from "./history";
import { CLV_ANNUAL_DISCOUNT_RATE, createPredictor, NO_PREDICTION, type PredictionFields, type Predictor } from "./predict";
import { newOrdersForRefit, REFIT_MAX_AGE_DAYS, refitPolicy, type LastFit, type RefitDecision } from "./refit";

export const DEFAULT_PAGE_SIZE = 1000;
/** ModelFit rows kept per shop and kind (older attempts are deleted). */
export const KEEP_FITS = 30;
/** Below Prisma's SQLite limit of 999 bound parameters per statement. */
const IN_CHUNK = 900;
const DAY_MS = 86_400_000;

export interface PredictionOptions {
  db?: Database;
  now?: Date;
  pageSize?: number;
}

export interface FitShopResult {
  /** The purchase model's status (no prediction without it). */
  status: FitStatus;
  reason: string | null;
  spendStatus: FitStatus;
  spendReason: string | null;
  customers: number;
  repeatBuyers: number;
  ordersAtFit: number;
  /** Profiles whose prediction columns were written or cleared. */
  predictionsWritten: number;
  timings: { readMs: number; fitMs: number; writeMs: number };
}

/** Fits the shop's models now, records the attempt, and writes (or clears) every customer's predictions. */
export async function fitShopModels(shopId: string, options: PredictionOptions = {}): Promise<FitShopResult> {
  requireShopId(shopId);
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const t0 = performance.now();
  const input = emptyFitInput();
  for await (const page of historyPages(db, shopId, now, pageSize)) addToFitInput(input, page.summaries, page.orders);
  const t1 = performance.now();
  const fit = fitShop(input, now);
  const t2 = performance.now();
  await saveFit(db, shopId, fit, now);
  const written = await writePredictions(db, shopId, predictorOf(fit, now), now, pageSize);
  const ms = (a: number, b: number) => Math.round(b - a);
  return {
    status: fit.bgnbd.status,
    reason: fit.bgnbd.status === "fitted" ? null : fit.bgnbd.reason,
    spendStatus: fit.gammaGamma.status,
    spendReason: fit.gammaGamma.status === "fitted" ? null : fit.gammaGamma.reason,
    customers: fit.stats.customers,
    repeatBuyers: fit.stats.repeatBuyers,
    ordersAtFit: fit.stats.orders,
    predictionsWritten: written,
    timings: { readMs: ms(t0, t1), fitMs: ms(t1, t2), writeMs: ms(t2, performance.now()) },
  };
}

export interface RefreshResult {
  decision: RefitDecision;
  /** The new fit when one was due. */
  fit: FitShopResult | null;
  /** Profiles whose prediction columns were written or cleared. */
  predictionsWritten: number;
}

/**
 * Before a full recompute scores the shop: refit when the policy says so
 * (refit.ts), else rescore every customer with the stored fit at `now`.
 */
export async function refreshPredictions(shopId: string, options: PredictionOptions = {}): Promise<RefreshResult> {
  requireShopId(shopId);
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const last = await latestAttempt(db, shopId);
  const decision = refitPolicy(last, last ? await ordersSince(db, shopId, last.fittedAt) : 0, now);
  const stored = decision.due ? null : await storedPredictor(db, shopId, now);
  if (!stored) {
    const fit = await fitShopModels(shopId, { ...options, db, now });
    return { decision, fit, predictionsWritten: fit.predictionsWritten };
  }
  return { decision, fit: null, predictionsWritten: await writePredictions(db, shopId, stored, now, options.pageSize ?? DEFAULT_PAGE_SIZE) };
}

/**
 * One customer's predictions from the stored fit, after their order (cheap: one
 * customer's orders and no fitting). null when the shop has no usable fit.
 */
export async function updateCustomerPredictions(db: Database, shopId: string, customerId: string, now: Date): Promise<PredictionFields | null> {
  const predictor = await storedPredictor(db, shopId, now);
  // Without a fit the columns were cleared when the attempt was recorded (and new profiles start empty).
  if (!predictor) return null;
  const rows = await db.order.findMany({ where: { shopId, customerId, cancelledAt: null, test: false }, select: orderSelect });
  const today = dayNumber(now.getTime());
  const summary = summarizeOrders(rows.filter((r) => dayNumber(r.shopifyCreatedAt.getTime()) <= today).map(toPoint), now)[0];
  const fields = summary ? predictor(summary) : NO_PREDICTION;
  await db.customerProfile.updateMany({ where: { shopId, customerId }, data: fields });
  return fields;
}

/**
 * The live path's refit check: enough orders placed since the shop's last
 * attempt (refit.ts's "new-orders"). The attempt's id names the refit, so it is
 * queued once. The other reasons are the nightly recompute's.
 */
export async function liveRefitDue(db: Db, shopId: string, now: Date): Promise<{ fitId: string; ordersSince: number } | null> {
  const last = await db.modelFit.findFirst({ where: { shopId, kind: "bgnbd" }, orderBy: [{ fittedAt: "desc" }, { id: "desc" }], select: { id: true, status: true, fittedAt: true, ordersAtFit: true } });
  if (!last) return null;
  const since = await ordersSince(db, shopId, last.fittedAt);
  return refitPolicy(last, since, now).reason === "new-orders" ? { fitId: last.id, ordersSince: since } : null;
}

export interface PredictionStatus {
  /** "pending": never attempted (the first full recompute will). */
  status: FitStatus | "pending";
  /** Why there are no predictions (or no lifetime value), in the merchant's words; null when all is available. */
  reason: string | null;
  fittedAt: Date | null;
  customers: number;
  repeatBuyers: number;
  ordersAtFit: number;
  /** BG/NBD, time in days, and what it says in plain terms. */
  purchaseModel: { r: number; alpha: number; a: number; b: number; logLikelihood: number | null; daysBetweenOrders: number; dropoutAfterOrder: number } | null;
  /** Gamma–Gamma, γ in minor units. */
  spendModel: { status: FitStatus; p: number; q: number; gamma: number; logLikelihood: number | null; averageOrderValue: number } | null;
  /** Lifetime values exist (both models fitted). */
  clvAvailable: boolean;
  requirements: { customersWithOrders: number; repeatBuyers: number; historyDays: number; spendCustomers: number };
  refit: { maxAgeDays: number; newOrders: number | null; ordersSince: number | null };
  annualDiscountRate: number;
}

/** The shop's latest attempt, for the admin page. */
export async function predictionStatus(shopId: string, options: { db?: Database } = {}): Promise<PredictionStatus> {
  requireShopId(shopId);
  const db = options.db ?? prisma;
  const [bg, gg] = await Promise.all([latestRow(db, shopId, "bgnbd"), latestRow(db, shopId, "gamma-gamma")]);
  const requirements = { customersWithOrders: MIN_CUSTOMERS_WITH_ORDERS, repeatBuyers: MIN_REPEAT_BUYERS, historyDays: MIN_HISTORY_DAYS, spendCustomers: MIN_SPEND_CUSTOMERS };
  const base = { requirements, annualDiscountRate: CLV_ANNUAL_DISCOUNT_RATE };
  if (!bg) {
    return {
      ...base,
      status: "pending",
      reason: "Predictions have not been computed yet: they are, with the first full refresh of this store's customers.",
      fittedAt: null,
      customers: 0,
      repeatBuyers: 0,
      ordersAtFit: 0,
      purchaseModel: null,
      spendModel: null,
      clvAvailable: false,
      refit: { maxAgeDays: REFIT_MAX_AGE_DAYS, newOrders: null, ordersSince: null },
    };
  }
  const purchase = parseStoredBgnbd(bg);
  const spend = parseStoredGammaGamma(gg);
  const repeatBuyers = (bg.params as { repeatBuyers?: unknown } | null)?.repeatBuyers;
  const status = (purchase ? "fitted" : bg.status === "fitted" ? "failed" : bg.status) as FitStatus;
  return {
    ...base,
    status,
    reason: purchase ? (spend ? null : (gg?.reason ?? "Predicted lifetime value is not available yet.")) : (bg.reason ?? "Predictions are not available yet."),
    fittedAt: bg.fittedAt,
    customers: bg.customers,
    repeatBuyers: typeof repeatBuyers === "number" ? repeatBuyers : 0,
    ordersAtFit: bg.ordersAtFit,
    purchaseModel: purchase
      ? { ...purchase, logLikelihood: bg.logLikelihood, daysBetweenOrders: purchase.alpha / purchase.r, dropoutAfterOrder: purchase.a / (purchase.a + purchase.b) }
      : null,
    spendModel: spend && gg ? { status: "fitted", ...spend, logLikelihood: gg.logLikelihood, averageOrderValue: Math.round((spend.p * spend.gamma) / (spend.q - 1)) } : null,
    clvAvailable: purchase !== null && spend !== null,
    refit: { maxAgeDays: REFIT_MAX_AGE_DAYS, newOrders: newOrdersForRefit(bg.ordersAtFit), ordersSince: await ordersSince(db, shopId, bg.fittedAt) },
  };
}

// ---- reading ----

const orderSelect = { customerId: true, shopifyCreatedAt: true, totalPrice: true, refundedAmount: true } as const;
type OrderRow = { customerId: string | null; shopifyCreatedAt: Date; totalPrice: number; refundedAmount: number };

function toPoint(r: OrderRow): OrderPoint {
  return { customerId: r.customerId!, at: r.shopifyCreatedAt, totalPrice: r.totalPrice, refundedAmount: r.refundedAmount };
}

interface HistoryPage {
  /** The page's customers, in id order. */
  ids: string[];
  /** Summaries of those with counted orders up to today. */
  summaries: CustomerSummary[];
  orders: number;
}

/** The shop's customers (not erased) in keyset pages, each with its counted orders' summaries. */
async function* historyPages(db: Database, shopId: string, now: Date, pageSize: number): AsyncGenerator<HistoryPage> {
  const today = dayNumber(now.getTime());
  for (let cursor = ""; ; ) {
    const page = await db.customer.findMany({ where: { shopId, deletedAt: null, id: { gt: cursor } }, orderBy: { id: "asc" }, take: pageSize, select: { id: true } });
    if (page.length === 0) return;
    cursor = page.at(-1)!.id;
    const ids = page.map((c) => c.id);
    const inPage = new Set(ids);
    const rows = await db.order.findMany({ where: { shopId, customerId: pageRange(ids), cancelledAt: null, test: false }, select: orderSelect });
    const points = rows.filter((r) => r.customerId !== null && inPage.has(r.customerId) && dayNumber(r.shopifyCreatedAt.getTime()) <= today).map(toPoint);
    yield { ids, summaries: summarizeOrders(points, now), orders: points.length };
    await yieldToEventLoop();
  }
}

async function latestRow(db: Db, shopId: string, kind: "bgnbd" | "gamma-gamma") {
  return db.modelFit.findFirst({ where: { shopId, kind }, orderBy: [{ fittedAt: "desc" }, { id: "desc" }] });
}

async function latestAttempt(db: Db, shopId: string): Promise<LastFit | null> {
  return db.modelFit.findFirst({ where: { shopId, kind: "bgnbd" }, orderBy: [{ fittedAt: "desc" }, { id: "desc" }], select: { status: true, fittedAt: true, ordersAtFit: true } });
}

/** Counted orders placed after `since` (an index range on (shopId, shopifyCreatedAt)). */
async function ordersSince(db: Db, shopId: string, since: Date): Promise<number> {
  return db.order.count({ where: { shopId, shopifyCreatedAt: { gt: since }, cancelledAt: null, test: false, customerId: { not: null } } });
}

/** A predictor from the shop's latest stored attempt, or null when it holds no usable BG/NBD fit. */
async function storedPredictor(db: Database, shopId: string, now: Date): Promise<Predictor | null> {
  const bg = await latestRow(db, shopId, "bgnbd");
  const purchase = parseStoredBgnbd(bg);
  if (!purchase || !bg) return null;
  // The spend fit of the same attempt (both rows share its fittedAt).
  const gg = await db.modelFit.findFirst({ where: { shopId, kind: "gamma-gamma", fittedAt: bg.fittedAt }, orderBy: { id: "desc" } });
  return createPredictor(purchase, parseStoredGammaGamma(gg), now);
}

function predictorOf(fit: ShopFit, now: Date): Predictor | null {
  if (fit.bgnbd.status !== "fitted") return null;
  return createPredictor(fit.bgnbd.params, fit.gammaGamma.status === "fitted" ? fit.gammaGamma.params : null, now);
}

// ---- writing ----

/** Both ModelFit rows of one attempt, and the shop's older attempts beyond KEEP_FITS deleted. */
async function saveFit(db: Database, shopId: string, fit: ShopFit, now: Date): Promise<void> {
  const row = <P extends object>(kind: string, o: ModelOutcome<P>) => ({
    shopId,
    kind,
    status: o.status,
    reason: o.status === "fitted" ? null : o.reason,
    params: o.status === "fitted" ? (JSON.parse(JSON.stringify(o.params)) as object) : o.error ? { error: o.error.slice(0, 500) } : undefined,
    logLikelihood: o.status === "fitted" ? o.logLikelihood : null,
    customers: o.customers,
    ordersAtFit: fit.stats.orders,
    fittedAt: now,
  });
  await db.$transaction(async (tx) => {
    await tx.modelFit.create({ data: row("bgnbd", fit.bgnbd) });
    await tx.modelFit.create({ data: row("gamma-gamma", fit.gammaGamma) });
    for (const kind of ["bgnbd", "gamma-gamma"]) {
      const old = await tx.modelFit.findMany({ where: { shopId, kind }, orderBy: [{ fittedAt: "desc" }, { id: "desc" }], skip: KEEP_FITS, select: { id: true } });
      if (old.length > 0) await tx.modelFit.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });
    }
  });
}

const predictionSelect = { id: true, customerId: true, pAlive: true, churnRisk: true, expectedOrders30: true, expectedOrders90: true, expectedOrders365: true, nextOrderAt: true, predictedClv12m: true } as const;
const hasPrediction = { OR: [{ pAlive: { not: null } }, { churnRisk: { not: null } }, { predictedClv12m: { not: null } }, { nextOrderAt: { not: null } }] };

/**
 * Every customer's prediction columns from `predictor` (page by page, one
 * transaction per page, unchanged rows skipped), or all cleared when it is null.
 */
async function writePredictions(db: Database, shopId: string, predictor: Predictor | null, now: Date, pageSize: number): Promise<number> {
  if (!predictor) return clearPredictions(db, shopId, pageSize);
  let written = 0;
  for await (const page of historyPages(db, shopId, now, pageSize)) {
    const next = new Map<string, PredictionFields>(page.ids.map((id) => [id, NO_PREDICTION]));
    for (const s of page.summaries) next.set(s.id, predictor(s));
    const current = await db.customerProfile.findMany({ where: { shopId, customerId: pageRange(page.ids) }, select: predictionSelect });
    const changed = current.filter((row) => next.has(row.customerId) && !samePrediction(row, next.get(row.customerId)!));
    if (changed.length === 0) continue;
    await writeRows(db, shopId, changed.map((row) => ({ id: row.id, fields: next.get(row.customerId)! })));
    written += changed.length;
  }
  return written;
}

/** Rows per bulk UPDATE: 8 parameters each, under Prisma's SQLite limit of 999. */
const BULK_ROWS = 100;
const COLUMNS = ["pAlive", "churnRisk", "expectedOrders30", "expectedOrders90", "expectedOrders365", "nextOrderAt", "predictedClv12m"] as const;

/**
 * One page's prediction columns, in one transaction. Each row's values are
 * distinct floats, so Prisma would need one UPDATE per row (about 1 ms each on
 * this 2-core machine: 10k customers took 10 s); a bulk UPDATE … FROM (VALUES …)
 * writes 100 rows per statement on both databases (SQLite ≥ 3.33). Other
 * providers take the per-row path.
 */
async function writeRows(db: Database, shopId: string, rows: Array<{ id: string; fields: PredictionFields }>): Promise<void> {
  const provider = sqlDialectOf(db);
  await db.$transaction(async (tx) => {
    if (provider === null) {
      for (const r of rows) await tx.customerProfile.updateMany({ where: { shopId, id: r.id }, data: r.fields });
      return;
    }
    for (let i = 0; i < rows.length; i += BULK_ROWS) {
      const chunk = rows.slice(i, i + BULK_ROWS);
      const params: Array<string | number | null> = [];
      const p = () => (provider === "postgresql" ? `$${params.length}` : "?");
      const values = chunk.map(({ id, fields: f }) => {
        const cells: string[] = [];
        const add = (value: string | number | null, type: string | null) => {
          params.push(value);
          cells.push(type ? `CAST(${p()} AS ${type})` : p());
        };
        add(id, null);
        add(f.pAlive, "DOUBLE PRECISION");
        add(f.churnRisk, "TEXT");
        add(f.expectedOrders30, "DOUBLE PRECISION");
        add(f.expectedOrders90, "DOUBLE PRECISION");
        add(f.expectedOrders365, "DOUBLE PRECISION");
        // SQLite: Prisma's own text form of a DateTime (a CAST to a date type would make it a number there).
        add(f.nextOrderAt === null ? null : provider === "postgresql" ? f.nextOrderAt.toISOString() : sqliteDateTime(f.nextOrderAt), provider === "postgresql" ? "TIMESTAMP(3)" : null);
        add(f.predictedClv12m, "INTEGER");
        return `(${cells.join(", ")})`;
      });
      params.push(shopId);
      const set = COLUMNS.map((c, k) => `"${c}" = v.column${k + 2}`).join(", ");
      const target = provider === "postgresql" ? `"CustomerProfile" AS t` : `"CustomerProfile"`;
      const self = provider === "postgresql" ? "t" : `"CustomerProfile"`;
      await tx.$executeRawUnsafe(`UPDATE ${target} SET ${set} FROM (VALUES ${values.join(", ")}) AS v WHERE ${self}."id" = v.column1 AND ${self}."shopId" = ${p()}`, ...params);
    }
  }, WRITE_TRANSACTION);
}

/** A page of predictions is written in one transaction; on a loaded machine that can outlast Prisma's default 5 s (the recompute's pages had failed so). */
const WRITE_TRANSACTION = { timeout: 120_000, maxWait: 60_000 } as const;

/** Prediction columns to null for every profile of the shop that has any (keyset pages). */
async function clearPredictions(db: Database, shopId: string, pageSize: number): Promise<number> {
  let cleared = 0;
  for (;;) {
    const rows = await db.customerProfile.findMany({ where: { shopId, ...hasPrediction }, take: Math.min(pageSize, IN_CHUNK), select: { id: true } });
    if (rows.length === 0) return cleared;
    const r = await db.customerProfile.updateMany({ where: { shopId, id: { in: rows.map((x) => x.id) } }, data: NO_PREDICTION });
    cleared += r.count;
    await yieldToEventLoop();
  }
}

/**
 * Equal predictions: numbers to 12 significant digits (the SQLite adapter reads
 * doubles back through 16-digit text), the next-order date within a day (a
 * forecast to the day, anchored at the time of the run).
 */
function samePrediction(row: Omit<PredictionFields, "churnRisk"> & { churnRisk: string | null }, next: PredictionFields): boolean {
  const dates = row.nextOrderAt === null || next.nextOrderAt === null ? row.nextOrderAt === next.nextOrderAt : Math.abs(row.nextOrderAt.getTime() - next.nextOrderAt.getTime()) < DAY_MS;
  return (
    dates &&
    row.churnRisk === next.churnRisk &&
    row.predictedClv12m === next.predictedClv12m &&
    close(row.pAlive, next.pAlive) &&
    close(row.expectedOrders30, next.expectedOrders30) &&
    close(row.expectedOrders90, next.expectedOrders90) &&
    close(row.expectedOrders365, next.expectedOrders365)
  );
}

function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

function requireShopId(shopId: string): void {
  if (typeof shopId !== "string" || shopId.trim() === "") throw new Error("predictions: a shop id is required");
}

/** SQLite queries complete synchronously: let webhooks and timers run between pages. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
