// One flow's or campaign's report: its shape, the funnel and the customer
// label (pure). The database side is report.server.ts.
import { ratio, type Metrics, type Period, type VariantBreakdown } from "./dashboard";

export const ORDERS_PER_PAGE = 50;
export const TOP_PRODUCTS = 10;

export interface FunnelStage {
  key: "sent" | "delivered" | "clicked" | "ordered";
  label: string;
  count: number;
  /**
   * Share of the stage it is read against (null for the first, or nothing there):
   * delivered of sent, clicked of delivered, ordered of delivered (an order needs
   * no click when it used the email's code or completed its checkout).
   */
  rate: number | null;
  /** The stage `rate` is a share of. */
  of: "sent" | "delivered" | null;
  /** Share of what was sent. */
  rateOfSent: number | null;
}

export interface TopProduct {
  title: string;
  productId: string | null;
  quantity: number;
  /** Line totals less line discounts, minor units (before refunds). */
  revenue: number;
}

export interface ReportOrder {
  orderId: string;
  name: string;
  placedAt: string;
  customer: string;
  revenue: number;
  currency: string;
  cancelled: boolean;
  refunded: boolean;
  rule: string;
  ruleText: string;
  touchedAt: string;
  messageId: string;
  step: number;
  variant: string;
}

export interface Report {
  campaign: { id: string; name: string; kind: string; flowType: string; status: string };
  currency: string;
  timeZone: string;
  /** null: all time. */
  period: Period | null;
  totals: Metrics;
  funnel: FunnelStage[];
  byVariant: VariantBreakdown[];
  topProducts: TopProduct[];
  orders: { rows: ReportOrder[]; page: number; pages: number; total: number };
  attribution: string;
}

export function funnelOf(m: { sent: number; delivered: number; clicked: number; orders: number }): FunnelStage[] {
  const stages: Array<[FunnelStage["key"], string, number, FunnelStage["of"]]> = [
    ["sent", "Sent", m.sent, null],
    ["delivered", "Delivered", m.delivered, "sent"],
    ["clicked", "Clicked", m.clicked, "delivered"],
    ["ordered", "Ordered", m.orders, "delivered"],
  ];
  return stages.map(([key, label, count, of]) => ({
    key,
    label,
    count,
    rate: of === null ? null : ratio(count, m[of]),
    of,
    rateOfSent: of === null ? null : ratio(count, m.sent),
  }));
}

/** Customer shown on an order: their name, else the email, else "Guest"; an erased customer says so. */
export function customerLabel(o: { email: string | null; redactedAt: Date | null }, c: { firstName: string | null; lastName: string | null; email: string | null; redactedAt: Date | null } | null): string {
  if (o.redactedAt || c?.redactedAt) return "Erased customer";
  const name = [c?.firstName, c?.lastName].filter((p) => p && p.trim()).join(" ").trim();
  return name || o.email || c?.email || "Guest";
}
