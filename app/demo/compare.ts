// Distribution statistics of a store's purchase history, computed the same
// way for the generated demo store and for a real retailer (UCI Online
// Retail), so the two can be compared side by side. Pure.
import type { DemoStore } from "./types";

export interface Purchase {
  customer: string;
  /** Local calendar day, "YYYY-MM-DD" (its month gives the seasonality). */
  day: string;
  /** Order value in major units of the store's currency. */
  amount: number;
  /** Distinct products in the basket. */
  items: number;
}

export interface Quantiles {
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

export interface StoreStats {
  customers: number;
  orders: number;
  /** Share of buying customers who bought on two or more distinct days. */
  repeatShare: number;
  ordersPerCustomer: number;
  orderValue: Quantiles;
  /** Order value divided by the median: the shape without the price level. */
  orderValueRelative: Quantiles;
  /** Days between a customer's consecutive purchase days. */
  interPurchaseDays: Quantiles;
  /** Share of orders per calendar month (January first), per day covered, summing to 1. */
  monthShare: number[];
  basketSize: Quantiles;
  singleItemShare: number;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function quantiles(values: number[]): Quantiles {
  const s = [...values].sort((a, b) => a - b);
  return { p10: quantile(s, 0.1), p25: quantile(s, 0.25), p50: quantile(s, 0.5), p75: quantile(s, 0.75), p90: quantile(s, 0.9) };
}

const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

export function storeStats(purchases: Purchase[]): StoreStats {
  if (purchases.length === 0) throw new Error("no purchases to describe");
  const byCustomer = new Map<string, Set<string>>();
  const monthOrders = new Array<number>(12).fill(0);
  let first = purchases[0]!.day;
  let last = first;
  for (const p of purchases) {
    let days = byCustomer.get(p.customer);
    if (!days) byCustomer.set(p.customer, (days = new Set()));
    days.add(p.day);
    monthOrders[Number(p.day.slice(5, 7)) - 1]!++;
    if (p.day < first) first = p.day;
    if (p.day > last) last = p.day;
  }
  // Days covered per calendar month, so a partial month is not under-counted.
  const monthDays = new Array<number>(12).fill(0);
  for (let t = dayMs(first); t <= dayMs(last); t += 86_400_000) monthDays[new Date(t).getUTCMonth()]!++;
  const rates = monthOrders.map((n, m) => (monthDays[m]! > 0 ? n / monthDays[m]! : 0));
  const rateSum = rates.reduce((a, b) => a + b, 0);

  const gaps: number[] = [];
  let repeaters = 0;
  for (const days of byCustomer.values()) {
    if (days.size > 1) repeaters++;
    const sorted = [...days].sort();
    for (let i = 1; i < sorted.length; i++) gaps.push((dayMs(sorted[i]!) - dayMs(sorted[i - 1]!)) / 86_400_000);
  }
  const values = purchases.map((p) => p.amount);
  const value = quantiles(values);
  const relative = quantiles(values.map((v) => v / value.p50));
  return {
    customers: byCustomer.size,
    orders: purchases.length,
    repeatShare: repeaters / byCustomer.size,
    ordersPerCustomer: purchases.length / byCustomer.size,
    orderValue: value,
    orderValueRelative: relative,
    interPurchaseDays: quantiles(gaps),
    monthShare: rates.map((r) => r / rateSum),
    basketSize: quantiles(purchases.map((p) => p.items)),
    singleItemShare: purchases.filter((p) => p.items === 1).length / purchases.length,
  };
}

/** The demo store's purchases: orders that were not cancelled. */
export function demoPurchases(store: DemoStore): Purchase[] {
  return store.orders
    .filter((o) => o.cancelled_at === null)
    .map((o) => ({
      customer: String(o.customer.id),
      day: o.created_at.slice(0, 10),
      amount: Number(o.total_price),
      items: new Set(o.line_items.map((l) => l.product_id)).size,
    }));
}

/** Stock codes of the UCI data that are not products (postage, fees, manual lines). */
export const UCI_NON_PRODUCT = new Set(["POST", "DOT", "M", "D", "C2", "BANK CHARGES", "PADS", "AMAZONFEE", "CRUK", "S", "B", "m"]);

/**
 * Builds purchases from UCI Online Retail rows
 * (InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country).
 * Cancellations (InvoiceNo "C…") and lines with quantity or price ≤ 0 are left out;
 * the value counts every positive line (postage included), the basket only products.
 */
export class UciPurchases {
  private invoices = new Map<string, { customer: string; day: string; amount: number; codes: Set<string> }>();
  private col: Record<string, number> | null = null;

  add(fields: string[]): void {
    if (!this.col) {
      this.col = Object.fromEntries(fields.map((f, i) => [f.trim(), i]));
      for (const name of ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"]) {
        if (this.col[name] === undefined) throw new Error(`UCI file: missing column ${name}`);
      }
      return;
    }
    if (fields.length === 1 && fields[0] === "InvoiceNo") return;
    const get = (name: string) => (fields[this.col![name]!] ?? "").trim();
    if (get("InvoiceNo") === "InvoiceNo") return; // repeated header (concatenated files)
    const invoice = get("InvoiceNo");
    const quantity = Number(get("Quantity"));
    const price = Number(get("UnitPrice"));
    const customer = get("CustomerID").replace(/\.0+$/, "");
    if (!invoice || invoice.startsWith("C") || !customer || !(quantity > 0) || !(price > 0)) return;
    let inv = this.invoices.get(invoice);
    if (!inv) this.invoices.set(invoice, (inv = { customer, day: get("InvoiceDate").slice(0, 10), amount: 0, codes: new Set() }));
    inv.amount += quantity * price;
    const code = get("StockCode");
    if (!UCI_NON_PRODUCT.has(code)) inv.codes.add(code);
  }

  purchases(range?: { from: string; to: string }): Purchase[] {
    const out: Purchase[] = [];
    for (const inv of this.invoices.values()) {
      if (inv.codes.size === 0) continue; // postage-only or fee-only invoices
      if (range && (inv.day < range.from || inv.day > range.to)) continue;
      out.push({ customer: inv.customer, day: inv.day, amount: Math.round(inv.amount * 100) / 100, items: inv.codes.size });
    }
    return out;
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "–";
}

function q(x: Quantiles, digits = 1): string {
  return `${fmt(x.p10, digits)} / ${fmt(x.p25, digits)} / **${fmt(x.p50, digits)}** / ${fmt(x.p75, digits)} / ${fmt(x.p90, digits)}`;
}

/** A Markdown table comparing two stores' statistics. */
export function comparisonTable(a: StoreStats, b: StoreStats, labels: [string, string]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const rows: [string, string, string][] = [
    ["customers with a purchase", String(a.customers), String(b.customers)],
    ["orders (purchases)", String(a.orders), String(b.orders)],
    ["repeat-purchase share (bought on ≥ 2 days)", pct(a.repeatShare), pct(b.repeatShare)],
    ["orders per customer", fmt(a.ordersPerCustomer, 2), fmt(b.ordersPerCustomer, 2)],
    ["order value p10/p25/p50/p75/p90", q(a.orderValue), q(b.orderValue)],
    ["order value ÷ median (shape)", q(a.orderValueRelative, 2), q(b.orderValueRelative, 2)],
    ["days between purchases p10/p25/p50/p75/p90", q(a.interPurchaseDays, 0), q(b.interPurchaseDays, 0)],
    ["basket size (distinct products) p10/…/p90", q(a.basketSize, 0), q(b.basketSize, 0)],
    ["single-product orders", pct(a.singleItemShare), pct(b.singleItemShare)],
    ...MONTHS.map((m, i): [string, string, string] => [`orders per day, share of year: ${m}`, pct(a.monthShare[i]!), pct(b.monthShare[i]!)]),
  ];
  const lines = [`| statistic | ${labels[0]} | ${labels[1]} |`, "|---|---|---|", ...rows.map((r) => `| ${r.join(" | ")} |`)];
  return lines.join("\n");
}
