// The revenue dashboard's arithmetic (issue 6, part 2). Pure: periods of shop
// days, sums of DailyStats rows, rates, change against the previous period,
// the per-day series with every day present, and the breakdowns by flow,
// campaign and variant. The database side is dashboard.server.ts.
import { addDays, type Day } from "./days";

export const PERIODS = [7, 30, 90, 365] as const;
export type PeriodDays = (typeof PERIODS)[number];
export const DEFAULT_PERIOD: PeriodDays = 30;

/** The `days` query parameter: one of the offered periods, else the default. */
export function parsePeriod(raw: string | null | undefined): PeriodDays {
  const n = Number(raw);
  return (PERIODS as readonly number[]).includes(n) ? (n as PeriodDays) : DEFAULT_PERIOD;
}

/** What DailyStats counts, summed over some rows. */
export interface Counts {
  sent: number;
  delivered: number;
  opened: number; // human opens only
  clicked: number;
  orders: number;
  revenue: number; // minor units, shop currency
}

export const COUNT_KEYS = ["sent", "delivered", "opened", "clicked", "orders", "revenue"] as const satisfies readonly (keyof Counts)[];

export interface Rates {
  /** Revenue per email sent, minor units (fractional). */
  revenuePerRecipient: number | null;
  deliveryRate: number | null; // delivered / sent
  openRate: number | null; // opened / delivered
  clickRate: number | null; // clicked / delivered
  conversionRate: number | null; // orders / delivered
}

export type Metrics = Counts & Rates;
export type MetricKey = keyof Metrics;
export const METRIC_KEYS = [...COUNT_KEYS, "revenuePerRecipient", "deliveryRate", "openRate", "clickRate", "conversionRate"] as const satisfies readonly MetricKey[];

export const emptyCounts = (): Counts => ({ sent: 0, delivered: 0, opened: 0, clicked: 0, orders: 0, revenue: 0 });

/** Adds a row's counts into `into` (missing or null fields count zero). */
export function addCounts(into: Counts, row: Partial<Record<keyof Counts, number | null>>): Counts {
  for (const k of COUNT_KEYS) into[k] += row[k] ?? 0;
  return into;
}

export function sumCounts(rows: Iterable<Partial<Record<keyof Counts, number | null>>>): Counts {
  const total = emptyCounts();
  for (const r of rows) addCounts(total, r);
  return total;
}

/** n / d, or null when there is nothing to divide by. */
export function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

export function metricsOf(c: Counts): Metrics {
  return {
    ...c,
    revenuePerRecipient: ratio(c.revenue, c.sent),
    deliveryRate: ratio(c.delivered, c.sent),
    openRate: ratio(c.opened, c.delivered),
    clickRate: ratio(c.clicked, c.delivered),
    conversionRate: ratio(c.orders, c.delivered),
  };
}

/** Percent change from `previous` to `current`; null when either is unknown or the previous is zero. */
export function changePercent(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return ((current - previous) / Math.abs(previous)) * 100;
}

export function changes(current: Metrics, previous: Metrics): Record<MetricKey, number | null> {
  const out = {} as Record<MetricKey, number | null>;
  for (const k of METRIC_KEYS) out[k] = changePercent(current[k], previous[k]);
  return out;
}

/** Shop days from `from` to `to`, both included. */
export interface Period {
  from: Day;
  to: Day;
  days: number;
}

/** The period of `days` days ending today (included), and the one of equal length just before it. */
export function periodsEnding(today: Day, days: number): { current: Period; previous: Period } {
  const from = addDays(today, -(days - 1));
  return {
    current: { from, to: today, days },
    previous: { from: addDays(from, -days), to: addDays(from, -1), days },
  };
}

export const inPeriod = (day: Day, p: Period) => day >= p.from && day <= p.to;

export interface SeriesPoint {
  day: Day;
  revenue: number;
  orders: number;
}

/** One point per day of the period, in order; a day with no row is zero. */
export function fillDays(rows: Iterable<{ day: Day; revenue?: number | null; orders?: number | null }>, period: Period): SeriesPoint[] {
  const byDay = new Map<Day, SeriesPoint>();
  for (const r of rows) {
    if (!inPeriod(r.day, period)) continue;
    const p = byDay.get(r.day) ?? { day: r.day, revenue: 0, orders: 0 };
    p.revenue += r.revenue ?? 0;
    p.orders += r.orders ?? 0;
    byDay.set(r.day, p);
  }
  const out: SeriesPoint[] = [];
  for (let i = 0; i < period.days; i++) {
    const day = addDays(period.from, i);
    out.push(byDay.get(day) ?? { day, revenue: 0, orders: 0 });
  }
  return out;
}

/** A DailyStats row, or a group of them, with its keys. */
export interface StatsRow extends Counts {
  campaignId: string;
  flowType: string;
  step: number;
  variant: string;
}

export interface CampaignInfo {
  name: string;
  kind: string; // flow | campaign
  flowType: string;
}

export type FlowBreakdown = Metrics & { flowType: string };
export type CampaignBreakdown = Metrics & { campaignId: string; name: string; kind: string; flowType: string };
export type VariantBreakdown = Metrics & { campaignId: string; step: number; variant: string };

const byRevenue = (a: Metrics, b: Metrics) => b.revenue - a.revenue || b.sent - a.sent;

function groupCounts<K>(rows: readonly StatsRow[], key: (r: StatsRow) => string, init: (r: StatsRow) => K): Array<K & Counts> {
  const groups = new Map<string, K & Counts>();
  for (const r of rows) {
    const k = key(r);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ...init(r), ...emptyCounts() }));
    addCounts(g, r);
  }
  return [...groups.values()];
}

/** Per flow type (a one-off campaign's flowType is its kind of launch), most revenue first. */
export function byFlowType(rows: readonly StatsRow[]): FlowBreakdown[] {
  return groupCounts(rows, (r) => r.flowType, (r) => ({ flowType: r.flowType }))
    .map((g) => ({ ...g, ...metricsOf(g) }))
    .sort((a, b) => byRevenue(a, b) || a.flowType.localeCompare(b.flowType));
}

/** Per campaign, named from `campaigns` (a campaign since deleted is named so), most revenue first. */
export function byCampaign(rows: readonly StatsRow[], campaigns: ReadonlyMap<string, CampaignInfo>): CampaignBreakdown[] {
  return groupCounts(rows, (r) => r.campaignId, (r) => {
    const c = campaigns.get(r.campaignId);
    return { campaignId: r.campaignId, name: c?.name ?? "Deleted campaign", kind: c?.kind ?? "campaign", flowType: c?.flowType ?? r.flowType };
  })
    .map((g) => ({ ...g, ...metricsOf(g) }))
    .sort((a, b) => byRevenue(a, b) || a.name.localeCompare(b.name));
}

/** Per (campaign, step, variant), in campaign then step then variant order. */
export function byVariant(rows: readonly StatsRow[]): VariantBreakdown[] {
  return groupCounts(rows, (r) => `${r.campaignId}\u0000${r.step}\u0000${r.variant}`, (r) => ({ campaignId: r.campaignId, step: r.step, variant: r.variant }))
    .map((g) => ({ ...g, ...metricsOf(g) }))
    .sort((a, b) => a.campaignId.localeCompare(b.campaignId) || a.step - b.step || a.variant.localeCompare(b.variant));
}

/** Why nothing is attributed yet, in the words the empty state uses. */
export type EmptyReason = "no-emails" | "no-orders" | "none-attributed";

export function emptyReason(facts: { attributedOrders: number; everSent: boolean; ordersInPeriod: number }): EmptyReason | null {
  if (facts.attributedOrders > 0) return null;
  if (!facts.everSent) return "no-emails";
  if (facts.ordersInPeriod === 0) return "no-orders";
  return "none-attributed";
}

export const EMPTY_TEXT: Record<EmptyReason, string> = {
  "no-emails": "No emails have been sent yet, so no order can be credited to one. Turn on a flow or launch a campaign: revenue appears here once orders follow.",
  "no-orders": "Emails have gone out, but the store has no orders in this period yet. Orders are credited as they arrive.",
  "none-attributed": "The store has orders in this period, but none followed one of our emails under the rule below.",
};

export interface AttributionStatement {
  /** The rule and window in words (describeAttribution). */
  text: string;
  windowDays: number;
  countOpens: boolean;
  openWindowDays: number;
}

export interface Dashboard {
  period: Period;
  previousPeriod: Period;
  currency: string;
  timeZone: string;
  totals: Metrics;
  previous: Metrics;
  /** Percent change from the previous period, per metric (null: no previous figure to compare with). */
  change: Record<MetricKey, number | null>;
  series: SeriesPoint[];
  byFlow: FlowBreakdown[];
  byCampaign: CampaignBreakdown[];
  byVariant: VariantBreakdown[];
  attribution: AttributionStatement;
  /** Why nothing is attributed in the period (null when something is). */
  empty: EmptyReason | null;
}
