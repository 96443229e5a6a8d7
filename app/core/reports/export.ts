// Attributed orders as CSV (issue 6, part 4). Pure: the columns, one line per
// order, RFC 4180 quoting, and the spreadsheet formula guard. The paged,
// streamed read is export.server.ts.
import { RULE_TEXT, type AttributionRule } from "../attribution/rules";
import { currencyExponent } from "../ingest/money";

export const CSV_COLUMNS = [
  "order name",
  "order id",
  "placed at",
  "customer email",
  "net revenue",
  "currency",
  "refunded",
  "cancelled",
  "flow",
  "campaign",
  "step",
  "variant",
  "rule",
  "rule text",
  "message id",
  "touched at",
] as const;

/** Characters a spreadsheet may read as the start of a formula (OWASP's list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell: text that a spreadsheet would run as a formula gets a leading
 * apostrophe; a cell holding a comma, a quote or a line break is quoted, its
 * quotes doubled (RFC 4180). Numbers and booleans are written as they are.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (typeof value === "number") text = Number.isFinite(value) ? String(value) : "";
  else if (typeof value === "boolean") text = value ? "yes" : "no";
  else text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A record: cells joined by commas, ended by CRLF (RFC 4180). */
export function csvLine(cells: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

/** Minor units as a plain decimal in the currency's own digits: 1250 USD → "12.50", 1250 JPY → "1250", 1250 KWD → "1.250". */
export function decimalAmount(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? "-" : ""}${whole}${exponent > 0 ? `.${fraction}` : ""}`;
}

export interface ExportRow {
  orderName: string;
  /** Shopify's order id. */
  orderId: string;
  placedAt: Date;
  email: string | null;
  /** Net attributed revenue, minor units. */
  revenue: number;
  currency: string;
  refunded: boolean;
  cancelled: boolean;
  flowType: string;
  campaignName: string;
  /** 0-based, as stored; written 1-based ("email 1"), as the pages show it. */
  step: number;
  variant: string;
  rule: string;
  messageId: string;
  touchedAt: Date;
}

export const HEADER_LINE = csvLine([...CSV_COLUMNS]);

export function ruleText(rule: string): string {
  return (RULE_TEXT as Record<string, string>)[rule as AttributionRule] ?? rule;
}

export function exportLine(r: ExportRow): string {
  return csvLine([
    r.orderName,
    r.orderId,
    r.placedAt.toISOString(),
    r.email ?? "",
    decimalAmount(r.revenue, r.currency),
    r.currency,
    r.refunded,
    r.cancelled,
    r.flowType,
    r.campaignName,
    r.step + 1,
    r.variant,
    r.rule,
    ruleText(r.rule),
    r.messageId,
    r.touchedAt.toISOString(),
  ]);
}

/** A file name for the download: letters, digits and dashes only. */
export function exportFileName(scope: { campaignName?: string | null; from?: string | null; to?: string | null }): string {
  const parts = ["loopwise-attributed-orders"];
  if (scope.campaignName) parts.push(scope.campaignName);
  if (scope.from && scope.to) parts.push(`${scope.from}-to-${scope.to}`);
  const name = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 120);
  return `${name || "loopwise-attributed-orders"}.csv`;
}
