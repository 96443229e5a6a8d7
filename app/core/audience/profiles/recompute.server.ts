// The shell of customer profiles, RFM scores and lifecycle segments.
//   recomputeShop(shopId)              the full recompute (a job): profiles page by page,
//                                      then the shop's distribution, then scores and memberships
//   updateCustomer(shopId, customerId) one customer, seconds after their order, checkout or
//                                      storefront event, against the cut-offs stored in the
//                                      built-in segments' definitions
// Customers are read in pages (keyset by id); writes are per page, in transactions of one page.
// Predictions (../predictions) are refreshed between the profile fields and the
// distribution, so the at-risk and high-value rules see this run's model.
import prisma, { type Database } from "../../../db.server";
import { refreshPredictions, updateCustomerPredictions, type RefreshResult } from "../predictions/predictions.server";
import { aggregateCustomers, pageRange, type Db } from "./aggregate.server";
import { shopDistribution } from "./distribution.server";
import {
  classify,
  describeSegments,
  diffSegments,
  parseBuiltinDefinition,
  SEGMENT_KEYS,
  type BuiltinDefinition,
  type LifecycleThresholds,
  type SegmentKey,
} from "./lifecycle";
import { daysBetween, profileFromAggregate, type ProfileFields } from "./profile";
import { rfmScores, type RfmCutoffs, type RfmScores } from "./rfm";

export const DEFAULT_PAGE_SIZE = 1000;

export type RecomputePass = "profiles" | "predictions" | "distribution" | "segments";

/** Where a running recompute is: after each page of a paged pass, and at the end of every pass. */
export interface RecomputeProgress {
  pass: RecomputePass;
  /** Customers done in this pass so far. */
  customers: number;
  done: boolean;
  /** The pass's wall and CPU milliseconds so far. */
  wallMs: number;
  cpuMs: number;
}

export interface RecomputeOptions {
  db?: Database;
  now?: Date;
  pageSize?: number;
  /** Called after each page and at the end of each pass (a long run shows where it is). */
  onProgress?: (progress: RecomputeProgress) => void;
}

export interface RecomputeResult {
  customers: number;
  profilesWritten: number;
  entered: number;
  left: number;
  sizes: Record<string, number>;
  rfm: RfmCutoffs;
  thresholds: LifecycleThresholds;
  /** The model: refitted (and why) or rescored with the stored fit. */
  predictions: { decision: RefreshResult["decision"]["reason"]; status: string | null; reason: string | null; written: number };
  /** Milliseconds per pass: profile fields, predictions, distribution, scores and memberships (incl. sizes). */
  timings: { profilesMs: number; predictionsMs: number; distributionMs: number; segmentsMs: number };
  /**
   * The process's CPU milliseconds (user + system) per pass: on SQLite that
   * includes the database's work (it runs in this process), on PostgreSQL not.
   * Anything else the process does meanwhile counts too.
   */
  cpu: { profilesMs: number; predictionsMs: number; distributionMs: number; segmentsMs: number };
}

/** Wall and CPU time of a pass, from its start. */
function passClock() {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wallMs: Math.round(performance.now() - wall), cpuMs: Math.round((used.user + used.system) / 1000) };
  };
}

type BuiltinSegments = Map<SegmentKey, string>; // key → Segment.id

/** Creates or refreshes the shop's built-in segments (upsert by key) with these cut-offs. */
export async function ensureBuiltinSegments(db: Db, shopId: string, rfm: RfmCutoffs, thresholds: LifecycleThresholds, now: Date): Promise<BuiltinSegments> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { currency: true } });
  // Built-in keys are reserved: never turn a merchant's segment into a built-in one.
  const clash = await db.segment.findFirst({ where: { shopId, key: { in: [...SEGMENT_KEYS] }, kind: { not: "builtin" } }, select: { key: true } });
  if (clash) throw new Error(`segment key "${clash.key}" is reserved for a built-in segment but held by a ${shopId} merchant segment`);
  const ids: BuiltinSegments = new Map();
  for (const d of describeSegments(thresholds, shop?.currency ?? "USD")) {
    const definition: BuiltinDefinition = { version: 1, key: d.key, thresholds, rfm, computedAt: now.toISOString() };
    const json = JSON.parse(JSON.stringify(definition)) as object;
    const row = await db.segment.upsert({
      where: { shopId_key: { shopId, key: d.key } },
      create: { shopId, key: d.key, name: d.name, kind: "builtin", definition: json, description: d.description },
      update: { name: d.name, definition: json, description: d.description },
      select: { id: true },
    });
    ids.set(d.key, row.id);
  }
  return ids;
}

export async function recomputeShop(shopId: string, options: RecomputeOptions = {}): Promise<RecomputeResult> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const report = (pass: RecomputePass, clock: () => { wallMs: number; cpuMs: number }, customers: number, done: boolean) => {
    const spent = clock();
    options.onProgress?.({ pass, customers, done, ...spent });
    return spent;
  };

  let clock = passClock();
  // Pass 1: profile fields, page by page.
  let customers = 0;
  let profilesWritten = 0;
  for (let cursor = ""; ; ) {
    const page = await db.customer.findMany({
      where: { shopId, deletedAt: null, id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: pageSize,
      select: { id: true },
    });
    if (page.length === 0) break;
    cursor = page.at(-1)!.id;
    customers += page.length;
    await yieldToEventLoop();
    profilesWritten += await writeProfiles(db, shopId, page.map((c) => c.id), now);
    report("profiles", clock, customers, false);
  }
  await clearErased(db, shopId, now);
  const profilesSpent = report("profiles", clock, customers, true);

  clock = passClock();
  // Predictions: a refit when due (no fit, a week old, or enough new orders), else a rescore at `now`.
  const refreshed = await refreshPredictions(shopId, { db, now, pageSize });
  const predictionsSpent = report("predictions", clock, customers, true);

  clock = passClock();
  // Pass 2: the shop's distribution, stored in the built-in segments.
  const { rfm, thresholds } = await shopDistribution(db, shopId, now);
  const segments = await ensureBuiltinSegments(db, shopId, rfm, thresholds, now);
  const distributionSpent = report("distribution", clock, customers, true);

  clock = passClock();
  // Pass 3: scores, stage and memberships, page by page.
  let entered = 0;
  let left = 0;
  let scored = 0;
  for (let cursor = ""; ; ) {
    const page = await db.customerProfile.findMany({
      where: { shopId, customerId: { gt: cursor } },
      orderBy: { customerId: "asc" },
      take: pageSize,
      select: scoringSelect,
    });
    if (page.length === 0) break;
    cursor = page.at(-1)!.customerId;
    await yieldToEventLoop();
    const changes = await scoreAndSegment(db, shopId, page, segments, rfm, thresholds, now);
    entered += changes.entered;
    left += changes.left;
    scored += page.length;
    report("segments", clock, scored, false);
  }
  const sizes = await refreshSizes(db, shopId, segments);
  const segmentsSpent = report("segments", clock, scored, true);
  const predictions = {
    decision: refreshed.decision.reason,
    status: refreshed.fit?.status ?? null,
    reason: refreshed.fit?.reason ?? null,
    written: refreshed.predictionsWritten,
  };
  return {
    customers,
    profilesWritten,
    entered,
    left,
    sizes,
    rfm,
    thresholds,
    predictions,
    timings: { profilesMs: profilesSpent.wallMs, predictionsMs: predictionsSpent.wallMs, distributionMs: distributionSpent.wallMs, segmentsMs: segmentsSpent.wallMs },
    cpu: { profilesMs: profilesSpent.cpuMs, predictionsMs: predictionsSpent.cpuMs, distributionMs: distributionSpent.cpuMs, segmentsMs: segmentsSpent.cpuMs },
  };
}

/**
 * The incremental path: one customer's profile, predictions (from the stored
 * fit), scores and memberships against the shop's stored cut-offs (computed now if the shop has none yet), with
 * transitions and segment sizes adjusted by the changes.
 */
export async function updateCustomer(shopId: string, customerId: string, options: { db?: Database; now?: Date } = {}): Promise<{ entered: string[]; left: string[] } | null> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const customer = await db.customer.findFirst({ where: { id: customerId, shopId }, select: { id: true, deletedAt: true } });
  if (!customer) return null; // gone, or not this shop's
  if (!customer.deletedAt) {
    await writeProfiles(db, shopId, [customerId], now);
    // From the stored fit, before scoring: an order moves P(alive) and so at-risk within seconds.
    await updateCustomerPredictions(db, shopId, customerId, now);
  }
  const stored = await storedCutoffs(db, shopId, now);
  if (customer.deletedAt) {
    const memberships = await db.segmentMembership.findMany({ where: { shopId, customerId, segmentId: { in: [...stored.segments.values()] } }, select: { segmentId: true } });
    await db.$transaction(async (tx) => {
      await tx.segmentMembership.deleteMany({ where: { shopId, customerId, segmentId: { in: [...stored.segments.values()] } } });
      // Leaving is history too: without it a segment's past sizes (its trend) would read low.
      if (memberships.length > 0) await tx.segmentTransition.createMany({ data: memberships.map((m) => ({ shopId, segmentId: m.segmentId, customerId, kind: "left", at: now })) });
      for (const m of memberships) await tx.segment.update({ where: { id: m.segmentId }, data: { size: { decrement: 1 } } });
      await tx.customerProfile.deleteMany({ where: { shopId, customerId } });
    }, PAGE_TRANSACTION);
    const keyOf = new Map([...stored.segments].map(([key, id]) => [id, key]));
    return { entered: [], left: memberships.map((m) => keyOf.get(m.segmentId)!).filter(Boolean) };
  }
  const page = await db.customerProfile.findMany({ where: { shopId, customerId }, select: scoringSelect });
  const changes = await scoreAndSegment(db, shopId, page, stored.segments, stored.rfm, stored.thresholds, now, { adjustSizes: true });
  return { entered: changes.enteredKeys, left: changes.leftKeys };
}

async function storedCutoffs(db: Database, shopId: string, now: Date): Promise<{ segments: BuiltinSegments; rfm: RfmCutoffs; thresholds: LifecycleThresholds }> {
  const rows = await db.segment.findMany({ where: { shopId, kind: "builtin" }, select: { id: true, key: true, definition: true } });
  const definition = rows.map((r) => parseBuiltinDefinition(r.definition)).find((d) => d !== null);
  const known = new Set<string>(SEGMENT_KEYS);
  if (definition && rows.filter((r) => known.has(r.key)).length === SEGMENT_KEYS.length) {
    const segments: BuiltinSegments = new Map(rows.filter((r) => known.has(r.key)).map((r) => [r.key as SegmentKey, r.id]));
    return { segments, rfm: definition.rfm, thresholds: definition.thresholds };
  }
  // First sight of the shop: its distribution as it stands (a full recompute refines it).
  const { rfm, thresholds } = await shopDistribution(db, shopId, now);
  return { segments: await ensureBuiltinSegments(db, shopId, rfm, thresholds, now), rfm, thresholds };
}

const profileSelect = {
  id: true,
  customerId: true,
  firstOrderAt: true,
  lastOrderAt: true,
  orderCount: true,
  totalSpent: true,
  averageOrderValue: true,
  avgDaysBetweenOrders: true,
  refundedAmount: true,
  refundCount: true,
  productIds: true,
  categories: true,
  lastViewedAt: true,
  views30d: true,
} as const;

/** Computes and stores the profile fields of these customers; returns how many rows were created or changed. */
async function writeProfiles(db: Database, shopId: string, customerIds: string[], now: Date): Promise<number> {
  const aggregates = await aggregateCustomers(db, shopId, customerIds, now);
  const existing = new Map((await db.customerProfile.findMany({ where: { shopId, customerId: pageRange(customerIds) }, select: profileSelect })).map((p) => [p.customerId, p]));
  const creates: Array<ProfileFields & { shopId: string; customerId: string; computedAt: Date }> = [];
  const updates: Array<{ id: string; data: ProfileFields & { computedAt: Date } }> = [];
  for (const [customerId, aggregate] of aggregates) {
    const fields = profileFromAggregate(aggregate);
    const old = existing.get(customerId);
    if (!old) creates.push({ ...fields, shopId, customerId, computedAt: now });
    else if (!sameProfile(old, fields)) updates.push({ id: old.id, data: { ...fields, computedAt: now } });
  }
  if (creates.length === 0 && updates.length === 0) return 0;
  await db.$transaction(async (tx) => {
    if (creates.length > 0) await tx.customerProfile.createMany({ data: creates });
    for (const u of updates) await tx.customerProfile.update({ where: { id: u.id }, data: u.data, select: { id: true } });
  }, PAGE_TRANSACTION);
  return creates.length + updates.length;
}

function sameProfile(old: Record<keyof ProfileFields, unknown>, next: ProfileFields): boolean {
  return (Object.keys(next) as Array<keyof ProfileFields>).every((k) => {
    const a = old[k];
    const b = next[k];
    if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
    if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
    return a === b;
  });
}

const scoringSelect = {
  id: true,
  customerId: true,
  firstOrderAt: true,
  lastOrderAt: true,
  orderCount: true,
  totalSpent: true,
  avgDaysBetweenOrders: true,
  recencyScore: true,
  frequencyScore: true,
  monetaryScore: true,
  pAlive: true,
  churnRisk: true,
  predictedClv12m: true,
  lifecycleStage: true,
  customer: { select: { emailConsentState: true } },
} as const;

type ScoringRow = {
  id: string;
  customerId: string;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  orderCount: number;
  totalSpent: number;
  avgDaysBetweenOrders: number | null;
  recencyScore: number | null;
  frequencyScore: number | null;
  monetaryScore: number | null;
  pAlive: number | null;
  churnRisk: string | null;
  predictedClv12m: number | null;
  lifecycleStage: string | null;
  customer: { emailConsentState: string };
};

/** Scores, stage and memberships for a page of profiles, written in one transaction with their transitions. */
async function scoreAndSegment(
  db: Database,
  shopId: string,
  page: ScoringRow[],
  segments: BuiltinSegments,
  rfm: RfmCutoffs,
  thresholds: LifecycleThresholds,
  now: Date,
  options: { adjustSizes?: boolean } = {},
): Promise<{ entered: number; left: number; enteredKeys: string[]; leftKeys: string[] }> {
  const keyOf = new Map([...segments].map(([key, id]) => [id, key]));
  const ids = page.map((p) => p.customerId); // in database order (keyset page)
  const inPage = new Set(ids);
  const current = new Map<string, Set<string>>();
  for (const m of await db.segmentMembership.findMany({ where: { shopId, customerId: pageRange(ids), segmentId: { in: [...segments.values()] } }, select: { segmentId: true, customerId: true } })) {
    const key = keyOf.get(m.segmentId);
    if (!key || !inPage.has(m.customerId)) continue;
    let set = current.get(m.customerId);
    if (!set) current.set(m.customerId, (set = new Set()));
    set.add(key);
  }
  const profileUpdates: Array<{ id: string; data: RfmScoresOrNull & { lifecycleStage: string | null } }> = [];
  const joins: Array<{ shopId: string; segmentId: string; customerId: string; enteredAt: Date }> = [];
  const leaves = new Map<string, string[]>(); // segmentId → customers
  const transitions: Array<{ shopId: string; segmentId: string; customerId: string; kind: string; at: Date }> = [];
  const delta = new Map<string, number>();
  const enteredKeys: string[] = [];
  const leftKeys: string[] = [];
  for (const p of page) {
    const scores: RfmScores | null =
      p.orderCount > 0 && p.lastOrderAt ? rfmScores({ daysSinceLastOrder: daysBetween(p.lastOrderAt, now), orderCount: p.orderCount, totalSpent: p.totalSpent }, rfm) : null;
    const result = classify(
      {
        orderCount: p.orderCount,
        firstOrderAt: p.firstOrderAt,
        lastOrderAt: p.lastOrderAt,
        avgDaysBetweenOrders: p.avgDaysBetweenOrders,
        totalSpent: p.totalSpent,
        subscribed: p.customer.emailConsentState === "SUBSCRIBED",
        scores,
        pAlive: p.pAlive,
        churnRisk: p.churnRisk,
        predictedClv12m: p.predictedClv12m,
      },
      thresholds,
      now,
    );
    const next = { recencyScore: scores?.recencyScore ?? null, frequencyScore: scores?.frequencyScore ?? null, monetaryScore: scores?.monetaryScore ?? null, lifecycleStage: result.stage };
    if (next.recencyScore !== p.recencyScore || next.frequencyScore !== p.frequencyScore || next.monetaryScore !== p.monetaryScore || next.lifecycleStage !== p.lifecycleStage) {
      profileUpdates.push({ id: p.id, data: next });
    }
    const { entered, left } = diffSegments(current.get(p.customerId) ?? [], result.segments);
    for (const key of entered) {
      const segmentId = segments.get(key as SegmentKey)!;
      joins.push({ shopId, segmentId, customerId: p.customerId, enteredAt: now });
      transitions.push({ shopId, segmentId, customerId: p.customerId, kind: "entered", at: now });
      delta.set(segmentId, (delta.get(segmentId) ?? 0) + 1);
      enteredKeys.push(key);
    }
    for (const key of left) {
      const segmentId = segments.get(key as SegmentKey)!;
      const leaving = leaves.get(segmentId);
      if (leaving) leaving.push(p.customerId);
      else leaves.set(segmentId, [p.customerId]);
      transitions.push({ shopId, segmentId, customerId: p.customerId, kind: "left", at: now });
      delta.set(segmentId, (delta.get(segmentId) ?? 0) - 1);
      leftKeys.push(key);
    }
  }
  if (profileUpdates.length > 0 || transitions.length > 0) {
    await db.$transaction(async (tx) => {
      await updateScores(tx, profileUpdates, now);
      for (const [segmentId, customerIds] of leaves) {
        for (let i = 0; i < customerIds.length; i += IN_CHUNK) await tx.segmentMembership.deleteMany({ where: { segmentId, customerId: { in: customerIds.slice(i, i + IN_CHUNK) } } });
      }
      if (joins.length > 0) await tx.segmentMembership.createMany({ data: joins });
      if (transitions.length > 0) await tx.segmentTransition.createMany({ data: transitions });
      if (options.adjustSizes) {
        for (const [segmentId, d] of delta) if (d !== 0) await tx.segment.update({ where: { id: segmentId }, data: { size: { increment: d } }, select: { id: true } });
      }
    }, PAGE_TRANSACTION);
  }
  return { entered: joins.length, left: transitions.length - joins.length, enteredKeys, leftKeys };
}

/**
 * Writes scores and stages with a few updateMany per page rather than one update
 * per customer: each column takes few distinct values (1..5, or a stage), so a
 * page needs at most 5 + 5 + 5 + 9 statements plus computedAt.
 */
async function updateScores(tx: Db, updates: Array<{ id: string; data: RfmScoresOrNull & { lifecycleStage: string | null } }>, now: Date): Promise<void> {
  if (updates.length === 0) return;
  const columns = ["recencyScore", "frequencyScore", "monetaryScore", "lifecycleStage"] as const;
  for (const column of columns) {
    const byValue = new Map<number | string | null, string[]>();
    for (const u of updates) {
      const value = u.data[column];
      const ids = byValue.get(value);
      if (ids) ids.push(u.id);
      else byValue.set(value, [u.id]);
    }
    for (const [value, ids] of byValue) {
      for (let i = 0; i < ids.length; i += IN_CHUNK) {
        await tx.customerProfile.updateMany({ where: { id: { in: ids.slice(i, i + IN_CHUNK) } }, data: { [column]: value } });
      }
    }
  }
  for (let i = 0; i < updates.length; i += IN_CHUNK) {
    await tx.customerProfile.updateMany({ where: { id: { in: updates.slice(i, i + IN_CHUNK).map((u) => u.id) } }, data: { computedAt: now } });
  }
}

/** Below Prisma's SQLite limit of 999 bound parameters per statement. */
const IN_CHUNK = 900;

/**
 * A page's writes in one interactive transaction can outlast Prisma's default
 * 5 s on a busy machine (the 100k-customer PostgreSQL bench failed at 5.45 s
 * with a load of 12 on 2 cores): a slow page must not fail the whole recompute.
 */
const PAGE_TRANSACTION = { timeout: 120_000, maxWait: 60_000 } as const;

/**
 * On SQLite every query completes synchronously, so a loop of awaited queries
 * never lets timers or sockets run: without this a recompute would stall the
 * process's webhooks and pixel requests for its whole duration.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

type RfmScoresOrNull = { recencyScore: number | null; frequencyScore: number | null; monetaryScore: number | null };

/** Erased customers (customers/delete) leave every built-in segment and lose their profile. */
async function clearErased(db: Database, shopId: string, now: Date): Promise<void> {
  const erased = { shopId, customer: { deletedAt: { not: null } } };
  const where = { ...erased, segment: { kind: "builtin" } };
  // Few rows (customers deleted since the last run): their "left" transitions keep trends right.
  const leaving = await db.segmentMembership.findMany({ where, select: { segmentId: true, customerId: true } });
  await db.$transaction(async (tx) => {
    if (leaving.length > 0) await tx.segmentTransition.createMany({ data: leaving.map((m) => ({ shopId, segmentId: m.segmentId, customerId: m.customerId, kind: "left", at: now })) });
    await tx.segmentMembership.deleteMany({ where });
  }, PAGE_TRANSACTION);
  await db.customerProfile.deleteMany({ where: erased });
}

/** Segment.size from the memberships, one grouped count. */
async function refreshSizes(db: Database, shopId: string, segments: BuiltinSegments): Promise<Record<string, number>> {
  const counts = await db.segmentMembership.groupBy({ by: ["segmentId"], where: { shopId, segmentId: { in: [...segments.values()] } }, _count: { _all: true } });
  const bySegment = new Map(counts.map((c) => [c.segmentId, c._count._all]));
  const sizes: Record<string, number> = {};
  await db.$transaction(async (tx) => {
    for (const [key, id] of segments) {
      sizes[key] = bySegment.get(id) ?? 0;
      await tx.segment.update({ where: { id }, data: { size: sizes[key] }, select: { id: true } });
    }
  }, PAGE_TRANSACTION);
  return sizes;
}
