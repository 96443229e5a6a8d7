// Keeping merchant segments' memberships current: a whole segment (on save and
// in the daily recompute) or every segment of a shop; the one-customer update is
// in evaluate-customer.server.ts and writes through syncMemberships. Each change is a
// SegmentMembership row added or removed, a SegmentTransition (entered/left, at
// `now`: flows trigger on them, and trends are rebuilt from them) and a
// Segment.size step, all in one transaction.
import type { Prisma } from "@prisma/client";
import defaultDb, { isUniqueViolation, type Database } from "~/db.server";
import { compile } from "./compile";
import { customerPages, pageRange, pageWhere, prepare, SegmentNotFoundError, SegmentRuleError, type SegmentOptions } from "./query.server";

export type Evaluation = { size: number; entered: number; left: number };

/** Below Prisma's SQLite limit of 999 bound parameters per statement. */
export const IN_CHUNK = 900;

/**
 * Brings a custom segment's memberships up to date, a page of customers at a
 * time (one transaction per page that changes): customers who now match and
 * were not members enter, members who no longer match (or were deleted or
 * erased) leave. The size is then the number of members.
 */
export async function evaluateSegment(shopId: string, segmentId: string, options: SegmentOptions = {}): Promise<Evaluation> {
  const db = options.db ?? defaultDb;
  const now = options.now ?? new Date();
  const segment = await db.segment.findFirst({ where: { id: segmentId, shopId }, select: { id: true, kind: true, definition: true } });
  if (!segment) throw new SegmentNotFoundError(shopId, segmentId);
  if (segment.kind !== "custom") throw new Error(`segment ${segmentId} is ${segment.kind}: only custom segments are evaluated from a rule`);
  const p = await prepare(db, shopId, segment.definition, now, options.pageSize);
  let entered = 0;
  let left = 0;
  for await (const page of customerPages(db, shopId, p.pageSize, true)) {
    const where = p.pageConditions.length > 0 ? await pageWhere(db, p, page) : { AND: [pageRange(shopId, page), compile(p.rule, p.ctx)] };
    const matching = (await db.customer.findMany({ where, select: { id: true } })).map((c) => pairKey(segmentId, c.id));
    const changes = await syncMemberships(db, shopId, now, { segmentIds: [segmentId], customers: pageRange(shopId, page).id }, new Set(matching));
    entered += changes.entered.length;
    left += changes.left.length;
    await yieldToEventLoop();
  }
  // The members, counted: exact even if a per-customer update ran meanwhile.
  const size = await db.segmentMembership.count({ where: { shopId, segmentId } });
  await db.segment.update({ where: { id: segment.id }, data: { size }, select: { id: true } });
  return { size, entered, left };
}

export type ShopEvaluation = {
  /** By segment key. */
  evaluated: Record<string, Evaluation>;
  /** Segments whose stored rule no longer validates (by key): left untouched, with the reasons. */
  failed: Record<string, string[]>;
};

/** Every merchant segment of the shop (the daily recompute: time-based conditions move without events). */
export async function evaluateShopSegments(shopId: string, options: SegmentOptions = {}): Promise<ShopEvaluation> {
  const db = options.db ?? defaultDb;
  const segments = await db.segment.findMany({ where: { shopId, kind: "custom" }, select: { id: true, key: true }, orderBy: { key: "asc" } });
  const result: ShopEvaluation = { evaluated: {}, failed: {} };
  for (const s of segments) {
    try {
      result.evaluated[s.key] = await evaluateSegment(shopId, s.id, options);
    } catch (error) {
      if (error instanceof SegmentRuleError) result.failed[s.key] = error.errors;
      else if (!(error instanceof SegmentNotFoundError)) throw error; // deleted meanwhile: nothing to do
    }
  }
  return result;
}

export type Pair = { segmentId: string; customerId: string };
export const pairKey = (segmentId: string, customerId: string) => `${segmentId} ${customerId}`;
type Client = Database | Prisma.TransactionClient;

/**
 * Makes the memberships within segmentIds × customerIds equal to `matches`
 * (pair keys). The diff is read first, outside any transaction (nothing to do is
 * the common case); a change is then re-read and written in one transaction, so
 * two evaluations racing for the same pairs cannot both write it (on PostgreSQL
 * the loser hits the unique index and retries once, and then sees nothing to do).
 */
export async function syncMemberships(
  db: Database,
  shopId: string,
  now: Date,
  /** The segments, and the customers: a list, or a page's id range. */
  scope: { segmentIds: string[]; customers: string[] | { gt?: string; lte: string } },
  matches: Set<string>,
  /** The current members within the scope as pair keys, when the caller has just read them. */
  known?: readonly string[],
): Promise<{ entered: Pair[]; left: Pair[] }> {
  if (scope.segmentIds.length === 0 || (Array.isArray(scope.customers) && scope.customers.length === 0)) return { entered: [], left: [] };
  const customerId = Array.isArray(scope.customers) ? { in: scope.customers } : scope.customers;
  const diffFrom = (current: Set<string>) => ({
    entered: [...matches].filter((k) => !current.has(k)).map(splitPair),
    left: [...current].filter((k) => !matches.has(k)).map(splitPair),
  });
  const diff = async (client: Client) => {
    const members = await client.segmentMembership.findMany({
      where: { shopId, segmentId: { in: scope.segmentIds }, customerId },
      select: { segmentId: true, customerId: true },
    });
    return diffFrom(new Set(members.map((m) => pairKey(m.segmentId, m.customerId))));
  };
  const first = known === undefined ? await diff(db) : diffFrom(new Set(known));
  if (first.entered.length === 0 && first.left.length === 0) return first;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const changes = await diff(tx);
        await writeChanges(tx, shopId, now, changes);
        return changes;
      });
    } catch (error) {
      if (attempt >= 2 || !isUniqueViolation(error)) throw error;
    }
  }
}

function splitPair(key: string): Pair {
  const [segmentId, customerId] = key.split(" ") as [string, string];
  return { segmentId, customerId };
}

async function writeChanges(tx: Client, shopId: string, now: Date, { entered, left }: { entered: Pair[]; left: Pair[] }): Promise<void> {
  const delta = new Map<string, number>();
  const leaving = new Map<string, string[]>();
  for (const p of left) {
    leaving.set(p.segmentId, [...(leaving.get(p.segmentId) ?? []), p.customerId]);
    delta.set(p.segmentId, (delta.get(p.segmentId) ?? 0) - 1);
  }
  for (const p of entered) delta.set(p.segmentId, (delta.get(p.segmentId) ?? 0) + 1);
  for (const [segmentId, customerIds] of leaving) {
    for (let i = 0; i < customerIds.length; i += IN_CHUNK) {
      await tx.segmentMembership.deleteMany({ where: { shopId, segmentId, customerId: { in: customerIds.slice(i, i + IN_CHUNK) } } });
    }
  }
  if (entered.length > 0) await tx.segmentMembership.createMany({ data: entered.map((p) => ({ shopId, ...p, enteredAt: now })) });
  const transitions = [
    ...entered.map((p) => ({ shopId, ...p, kind: "entered", at: now })),
    ...left.map((p) => ({ shopId, ...p, kind: "left", at: now })),
  ];
  if (transitions.length > 0) await tx.segmentTransition.createMany({ data: transitions });
  for (const [segmentId, d] of delta) {
    if (d !== 0) await tx.segment.update({ where: { id: segmentId }, data: { size: { increment: d } }, select: { id: true } });
  }
}

/**
 * On SQLite every query completes synchronously, so a loop of awaited queries
 * never lets timers or sockets run: this lets the process serve requests between pages.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
