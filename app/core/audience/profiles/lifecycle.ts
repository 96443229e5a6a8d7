// Built-in lifecycle segments: explainable rules on the profile, RFM scores and,
// when the model has run, its predictions. Thresholds come from the shop's own
// distribution, with defaults for small shops. Each customer gets a set of
// segments and one primary stage.
import type { RfmCutoffs, RfmScores } from "./rfm";
import { daysBetween } from "./profile";
import { formatMoney } from "../../ingest/money";

export const SEGMENT_KEYS = [
  "new",
  "active",
  "champions",
  "high-value",
  "one-time",
  "at-risk",
  "dormant",
  "subscribers-without-orders",
] as const;
export type SegmentKey = (typeof SEGMENT_KEYS)[number];

/** When several segments apply, the primary stage is the first of these that does. */
export const STAGE_PRIORITY: readonly SegmentKey[] = ["dormant", "at-risk", "new", "champions", "active", "one-time", "subscribers-without-orders"];

export interface LifecycleThresholds {
  basis: "shop-distribution" | "small-shop-defaults";
  /** A first order within this many days makes a customer new. */
  newDays: number;
  /** An order within this many days makes a customer active. */
  activeDays: number;
  /** No order for this many days makes a customer dormant. */
  dormantDays: number;
  /** Repeat customers are overdue after this many times their own average gap. */
  overdueFactor: number;
  /** High value: net spend at or above this (minor units). */
  highValueSpend: number;
  /** High value when predictions exist: 12-month CLV at or above this (minor units); null without predictions. */
  highValueClv: number | null;
  /** Champions: R, F and M all at least this. */
  championMinScore: number;
  /** The shop's median gap between orders of repeat customers (days), when known. */
  typicalGapDays: number | null;
}

export const DEFAULT_THRESHOLDS: Omit<LifecycleThresholds, "highValueSpend" | "highValueClv" | "typicalGapDays" | "basis"> = {
  newDays: 30,
  activeDays: 90,
  dormantDays: 365,
  overdueFactor: 2,
  championMinScore: 4,
};

/** Shops with fewer repeat customers than this keep the default day thresholds. */
export const MIN_REPEAT_CUSTOMERS_FOR_GAPS = 30;

export interface ShopDistribution {
  /** Customers with at least one order. */
  customersWithOrders: number;
  /** Repeat customers (2+ orders). */
  repeatCustomers: number;
  /** Median of avgDaysBetweenOrders over repeat customers, or null. */
  medianGapDays: number | null;
  /** The monetary cut-off of M = 5 (80th percentile of net spend, or the small-shop default). */
  spendP80: number;
  /** 80th percentile of predictedClv12m over customers with a prediction, or null. */
  clvP80: number | null;
}

/**
 * Thresholds from the shop's distribution. With enough repeat customers the day
 * thresholds follow the shop's own rhythm: active = 1.5 × the median gap between
 * orders (30..180 days), dormant = 4 × (180..730 days), new = half the active
 * window (14..60 days). Otherwise 30 / 90 / 365 days.
 */
export function deriveThresholds(d: ShopDistribution): LifecycleThresholds {
  const useGaps = d.repeatCustomers >= MIN_REPEAT_CUSTOMERS_FOR_GAPS && d.medianGapDays !== null && d.medianGapDays > 0;
  const base = { ...DEFAULT_THRESHOLDS };
  if (useGaps) {
    const gap = d.medianGapDays!;
    base.activeDays = clamp(Math.round(1.5 * gap), 30, 180);
    base.dormantDays = clamp(Math.round(4 * gap), 180, 730);
    base.newDays = clamp(Math.round(base.activeDays / 2), 14, 60);
  }
  return {
    ...base,
    basis: useGaps ? "shop-distribution" : "small-shop-defaults",
    highValueSpend: Math.max(1, d.spendP80),
    highValueClv: d.clvP80 !== null && d.clvP80 > 0 ? d.clvP80 : null,
    typicalGapDays: d.medianGapDays,
  };
}

/** What the rules read about one customer. */
export interface LifecycleInput {
  orderCount: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  avgDaysBetweenOrders: number | null;
  totalSpent: number;
  subscribed: boolean;
  scores: RfmScores | null;
  /** Model predictions, when the model has run for this shop. */
  pAlive: number | null;
  churnRisk: string | null;
  predictedClv12m: number | null;
}

export interface LifecycleResult {
  segments: SegmentKey[];
  stage: SegmentKey | null;
}

/** The segments a customer belongs to, and their primary stage. */
export function classify(c: LifecycleInput, t: LifecycleThresholds, now: Date): LifecycleResult {
  const member = new Set<SegmentKey>();
  if (c.orderCount === 0 || !c.lastOrderAt || !c.firstOrderAt) {
    if (c.subscribed) member.add("subscribers-without-orders");
    return finish(member);
  }
  const sinceLast = daysBetween(c.lastOrderAt, now);
  const sinceFirst = daysBetween(c.firstOrderAt, now);
  const dormant = sinceLast > t.dormantDays;
  const isNew = sinceFirst <= t.newDays;
  if (dormant) member.add("dormant");
  if (isNew) member.add("new");
  if (c.orderCount === 1 && !isNew) member.add("one-time");

  const overdue = c.orderCount >= 2 && c.avgDaysBetweenOrders !== null && sinceLast > Math.max(t.activeDays, t.overdueFactor * c.avgDaysBetweenOrders);
  const atRisk = !dormant && !isNew && (hasPrediction(c) ? predictedAtRisk(c) : overdue);
  if (atRisk) member.add("at-risk");
  // Repeat customers stay active while not overdue (or, with predictions, while the model does not put them at risk).
  const recentEnough = sinceLast <= t.activeDays || (c.orderCount >= 2 && c.avgDaysBetweenOrders !== null && (hasPrediction(c) || !overdue));
  if (!dormant && !atRisk && recentEnough) member.add("active");

  const s = c.scores;
  if (s && !dormant && !atRisk && s.recencyScore >= t.championMinScore && s.frequencyScore >= t.championMinScore && s.monetaryScore >= t.championMinScore) {
    member.add("champions");
  }
  const highValue = t.highValueClv !== null && c.predictedClv12m !== null ? c.predictedClv12m >= t.highValueClv : c.totalSpent >= t.highValueSpend;
  if (highValue) member.add("high-value");
  return finish(member);
}

function hasPrediction(c: LifecycleInput): boolean {
  return c.churnRisk !== null || c.pAlive !== null;
}

/** The model's view: churn risk banded high, or (no band stored) probability alive below one half. */
function predictedAtRisk(c: LifecycleInput): boolean {
  if (c.churnRisk !== null) return c.churnRisk === "high";
  return c.pAlive !== null && c.pAlive < 0.5;
}

function finish(member: Set<SegmentKey>): LifecycleResult {
  const segments = SEGMENT_KEYS.filter((k) => member.has(k));
  return { segments, stage: STAGE_PRIORITY.find((k) => member.has(k)) ?? null };
}

/** Entered and left segments between two memberships: only real changes. */
export function diffSegments(before: Iterable<string>, after: Iterable<string>): { entered: string[]; left: string[] } {
  const a = new Set(before);
  const b = new Set(after);
  return { entered: [...b].filter((k) => !a.has(k)).sort(), left: [...a].filter((k) => !b.has(k)).sort() };
}

export interface SegmentDefinition {
  key: SegmentKey;
  name: string;
  description: string;
}

/** Each built-in segment's name and its definition in words, with the shop's thresholds filled in. */
export function describeSegments(t: LifecycleThresholds, currency: string): SegmentDefinition[] {
  const money = (minor: number) => formatMoney(minor, currency);
  const byModel = "When the purchase model has run for the shop";
  const d: Record<SegmentKey, [string, string]> = {
    new: ["New customers", `First order in the last ${t.newDays} days.`],
    active: [
      "Active",
      `Ordered in the last ${t.activeDays} days, or a repeat customer not yet overdue (no more than ${t.overdueFactor}× their own usual gap between orders); not at risk or dormant.`,
    ],
    champions: ["Champions", `Recency, frequency and monetary scores all ${t.championMinScore} or 5 (on 1–5, against this shop's customers); not at risk or dormant.`],
    "high-value": [
      "High value",
      t.highValueClv !== null
        ? `Predicted 12-month value of ${money(t.highValueClv)} or more (top 20% of predictions).`
        : `Spent ${money(t.highValueSpend)} or more, net of refunds (top 20% of this shop's customers).`,
    ],
    "one-time": ["One-time buyers", `Exactly one order, placed more than ${t.newDays} days ago.`],
    "at-risk": [
      "At risk",
      `${byModel}: churn risk high. Otherwise: a repeat customer with no order for more than ${t.overdueFactor}× their own usual gap (and more than ${t.activeDays} days). Not new, not yet dormant.`,
    ],
    dormant: ["Dormant", `No order for more than ${t.dormantDays} days.`],
    "subscribers-without-orders": ["Subscribers without orders", "Subscribed to email marketing, no order yet."],
  };
  return SEGMENT_KEYS.map((key) => ({ key, name: d[key][0], description: d[key][1] }));
}

/** The JSON stored in each built-in Segment.definition: what the incremental path scores against. */
export interface BuiltinDefinition {
  version: 1;
  key: SegmentKey;
  thresholds: LifecycleThresholds;
  rfm: RfmCutoffs;
  computedAt: string;
}

export function parseBuiltinDefinition(json: unknown): BuiltinDefinition | null {
  if (typeof json !== "object" || json === null) return null;
  const d = json as Partial<BuiltinDefinition>;
  if (d.version !== 1 || typeof d.thresholds !== "object" || typeof d.rfm !== "object" || !d.thresholds || !d.rfm) return null;
  const cut = (x: unknown) => Array.isArray(x) && x.length === 4 && x.every((v) => typeof v === "number");
  if (!cut(d.rfm.recencyDays) || !cut(d.rfm.frequency) || !cut(d.rfm.monetary)) return null;
  if (typeof d.thresholds.activeDays !== "number" || typeof d.thresholds.dormantDays !== "number" || typeof d.thresholds.newDays !== "number") return null;
  return d as BuiltinDefinition;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
