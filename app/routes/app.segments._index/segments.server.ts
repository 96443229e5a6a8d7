// The Segments page: every segment of the shop (built-in lifecycle segments first,
// in their fixed order, then the merchant's, oldest first) with its size, the
// definition in words and the last TREND_DAYS of daily sizes; and what it must
// say about predictions (the purchase model's own reason when there are none).
import defaultDb, { type Database } from "../../db.server";
import { SEGMENT_KEYS } from "../../core/audience/profiles/lifecycle";
import { segmentTrend } from "../../core/audience/segments/segments.server";
import { predictionStatus } from "../../core/audience/predictions/predictions.server";

export const TREND_DAYS = 30;

export interface SegmentRow {
  id: string;
  name: string;
  kind: "builtin" | "custom";
  description: string;
  /** Members now. */
  size: number;
  /** Sizes at the end of each of the last TREND_DAYS days, today last. */
  trend: number[];
}

export async function loadSegmentList(shopId: string, options: { db?: Database; now?: Date } = {}): Promise<SegmentRow[]> {
  const db = options.db ?? defaultDb;
  const segments = await db.segment.findMany({
    where: { shopId },
    select: { id: true, key: true, name: true, kind: true, description: true, size: true },
    orderBy: { createdAt: "asc" },
  });
  const order = (s: { kind: string; key: string }) => (s.kind === "builtin" ? indexOrEnd(SEGMENT_KEYS, s.key) : SEGMENT_KEYS.length + 1);
  const sorted = segments.map((s, i) => ({ s, i })).sort((a, b) => order(a.s) - order(b.s) || a.i - b.i).map(({ s }) => s);
  const rows: SegmentRow[] = [];
  // One segment at a time: a few small queries each, and SQLite has one connection anyway.
  for (const s of sorted) {
    const trend = await segmentTrend(shopId, s.id, TREND_DAYS, { db, now: options.now });
    rows.push({
      id: s.id,
      name: s.name,
      kind: s.kind === "builtin" ? "builtin" : "custom",
      description: s.description,
      // The trend ends with the member count now: the same figure the size shows.
      size: trend[trend.length - 1]?.size ?? s.size,
      trend: trend.map((p) => p.size),
    });
  }
  return rows;
}

function indexOrEnd(list: readonly string[], key: string): number {
  const i = list.indexOf(key);
  return i === -1 ? list.length : i;
}

/** What the page says about the shop's predictions: nothing when all are there, else the model's own reason. */
export type PredictionNotice = { kind: "available" } | { kind: "unavailable"; reason: string } | { kind: "no-lifetime-value"; reason: string };

export async function loadPredictionNotice(shopId: string, options: { db?: Database } = {}): Promise<PredictionNotice> {
  const status = await predictionStatus(shopId, { db: options.db ?? defaultDb });
  if (status.purchaseModel === null) return { kind: "unavailable", reason: status.reason ?? "Predictions are not available yet." };
  if (!status.clvAvailable) return { kind: "no-lifetime-value", reason: status.reason ?? "Predicted lifetime value is not available yet." };
  return { kind: "available" };
}
