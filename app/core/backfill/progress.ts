// The backfill's phases and its progress as the home page shows it. Pure.

export const PHASES = ["products", "customers", "orders"] as const;
export type BackfillPhase = (typeof PHASES)[number] | "done";
export type BackfillStatus = "queued" | "running" | "retrying" | "done" | "failed" | "cancelled";

export interface BackfillCounts {
  products: number;
  customers: number;
  orders: number;
}

export function isPhase(value: string): value is BackfillPhase {
  return value === "done" || (PHASES as readonly string[]).includes(value);
}

export function nextPhase(phase: BackfillPhase): BackfillPhase {
  if (phase === "done") return "done";
  const i = PHASES.indexOf(phase);
  return PHASES[i + 1] ?? "done";
}

/**
 * Percent done, from the rows stored so far against the counts Shopify reported
 * when the run started; null when those counts are unknown. Phases already
 * finished count in full (new rows may have arrived since the counts were taken).
 */
export function percentEstimate(phase: BackfillPhase, status: string, counts: BackfillCounts, totals: Partial<BackfillCounts> | null): number | null {
  if (status === "done" || phase === "done") return 100;
  if (!totals) return null;
  let done = 0;
  let all = 0;
  const current = PHASES.indexOf(phase as (typeof PHASES)[number]);
  PHASES.forEach((p, i) => {
    const total = totals[p];
    if (typeof total !== "number") return;
    all += total;
    done += i < current ? total : i === current ? Math.min(counts[p], total) : 0;
  });
  if (all === 0) return null;
  return Math.min(99, Math.floor((done / all) * 100));
}

/** Shopify search syntax for orders created on or after `since`. */
export function ordersSearch(since: Date): string {
  return `created_at:>='${since.toISOString()}'`;
}

export const BACKFILL_DAYS = 365;

export function backfillSince(now: Date): Date {
  return new Date(now.getTime() - BACKFILL_DAYS * 24 * 60 * 60 * 1000);
}

/**
 * Where a phase stands, kept in BackfillRun.cursor: the bulk operation that
 * serves the phase and how many lines of its result file are already stored.
 */
export interface BulkCursor {
  op: string;
  lines: number;
}

export function formatBulkCursor(cursor: BulkCursor): string {
  return JSON.stringify({ op: cursor.op, lines: cursor.lines });
}

/** null for no cursor, or one this version does not know (then the phase starts a new operation). */
export function parseBulkCursor(value: string | null): BulkCursor | null {
  if (!value) return null;
  try {
    const v = JSON.parse(value) as Partial<BulkCursor> | null;
    if (v && typeof v.op === "string" && v.op.startsWith("gid://shopify/BulkOperation/") && Number.isInteger(v.lines) && v.lines! >= 0) return { op: v.op, lines: v.lines! };
  } catch {
    /* a cursor of the earlier paginated backfill */
  }
  return null;
}
