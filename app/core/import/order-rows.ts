// Order-history CSV rows → orders. Pure: takes CSV records, returns orders
// grouped by order id (or by customer and date), with per-line errors.
import type { CsvRecord } from "./csv";
import { currencyExponent } from "../ingest/money";

export interface ColumnSpec {
  customer: string;
  date: string;
  /** The row's total in money (amount) ... */
  amount?: string;
  /** ... or a unit price, multiplied by the quantity. */
  price?: string;
  product?: string;
  quantity?: string;
  /** Order (invoice) id; rows sharing it form one order. Without it: one order per customer and timestamp. */
  order?: string;
  email?: string;
}

export type DateFormat = "auto" | "iso" | "M/D/YYYY" | "D/M/YYYY";
export const DATE_FORMATS: readonly DateFormat[] = ["auto", "iso", "M/D/YYYY", "D/M/YYYY"];

export class ImportInputError extends Error {}

const ROLES = ["customer", "date", "amount", "price", "product", "quantity", "order", "email"] as const;

/** Parses `customer=CustomerID,date=InvoiceDate,amount=Total,...`. */
export function parseColumnSpec(text: string): ColumnSpec {
  const spec: Partial<Record<(typeof ROLES)[number], string>> = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq <= 0 || eq === part.length - 1) throw new ImportInputError(`--columns: expected role=Column, got "${part}"`);
    const role = part.slice(0, eq).trim() as (typeof ROLES)[number];
    if (!ROLES.includes(role)) throw new ImportInputError(`--columns: unknown role "${role}" (known: ${ROLES.join(", ")})`);
    if (spec[role]) throw new ImportInputError(`--columns: "${role}" is given twice`);
    spec[role] = part.slice(eq + 1).trim();
  }
  if (!spec.customer) throw new ImportInputError("--columns: customer=<column> is required");
  if (!spec.date) throw new ImportInputError("--columns: date=<column> is required");
  if (!spec.amount && !spec.price) throw new ImportInputError("--columns: amount=<column> or price=<column> is required");
  if (spec.amount && spec.price) throw new ImportInputError("--columns: give amount= (row total) or price= (unit price × quantity), not both");
  return spec as ColumnSpec;
}

/** "1,234.50", "£3.75", "-2", "0.001" → minor units (rounded half away from zero), or null. */
export function parseMoney(value: string, exponent = 2): number | null {
  const cleaned = value.trim().replace(/^[^\d+-.]+/, "").replace(/[^\d.]+$/, "").replace(/,(?=\d{3}(\D|$))/g, "");
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(cleaned);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return null;
  const scaled = Number(`${m[2] || "0"}.${m[3] ?? "0"}`) * 10 ** exponent;
  const minor = Math.round(scaled + (scaled >= 0 ? 1e-9 : -1e-9));
  return m[1] === "-" ? -minor : minor;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return new Date(ms).getUTCDate() === d ? ms : null;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** A timestamp in UTC milliseconds, or an error message. Times without an offset are read as UTC. */
export function parseDate(value: string, format: DateFormat = "auto"): number | string {
  const v = value.trim();
  const iso = ISO.exec(v);
  if (iso && (format === "auto" || format === "iso")) {
    const [, y, mo, d, h = "0", mi = "0", s = "0", zone] = iso;
    const ms = utc(+y!, +mo!, +d!, +h, +mi, +s);
    if (ms === null) return `invalid date "${value}"`;
    if (!zone || zone === "Z") return ms;
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    return ms - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const slash = SLASH.exec(v);
  if (slash && format !== "iso") {
    const [, a, b, y, h = "0", mi = "0", s = "0"] = slash;
    const year = y!.length === 2 ? 2000 + Number(y) : Number(y);
    const dayFirst = format === "D/M/YYYY";
    const ms = utc(year, dayFirst ? +b! : +a!, dayFirst ? +a! : +b!, +h, +mi, +s);
    if (ms !== null) return ms;
    if (format === "auto" && utc(year, +b!, +a!, +h, +mi, +s) !== null) {
      return `"${value}" is not a valid M/D/YYYY date; if the file writes day first, pass --date-format D/M/YYYY`;
    }
    return `invalid date "${value}" (expected ${format === "auto" ? "M/D/YYYY" : format})`;
  }
  return `unrecognised date "${value}" (expected ${format === "auto" ? "ISO 8601 or M/D/YYYY H:mm" : format})`;
}

export interface ImportedLine {
  product: string;
  quantity: number;
  /** The line's total, minor units. */
  amount: number;
}

export interface ImportedOrder {
  key: string;
  customerKey: string;
  email: string | null;
  placedAt: number;
  lines: ImportedLine[];
  total: number;
  firstLine: number;
}

export interface LineError {
  line: number;
  message: string;
}

export interface RowsResult {
  orders: ImportedOrder[];
  rows: number;
  /** Rows with a quantity ≤ 0 or a negative amount (returns, cancellations). */
  skippedRows: number;
  errors: LineError[];
  /** Errors beyond the cap are counted, not kept. */
  errorCount: number;
}

/** "17850.0" → "17850": float-written ids keep one identity. */
export function normalizeKey(value: string): string {
  const v = value.trim();
  return /^\d+\.0+$/.test(v) ? v.replace(/\.0+$/, "") : v;
}

export interface RowOptions {
  columns: ColumnSpec;
  currency: string;
  dateFormat?: DateFormat;
  maxErrors?: number;
}

/** Accumulates rows into orders. Feed the header first, then every record. */
/** Bad lines of a file: all counted, the first `max` kept with their line numbers. */
export class LineErrors {
  readonly kept: LineError[] = [];
  count = 0;

  constructor(readonly max: number) {}

  add(line: number, message: string): void {
    this.count++;
    if (this.kept.length < this.max) this.kept.push({ line, message });
  }

  /** True once more errors than the cap were seen: stop reading. */
  get tooMany(): boolean {
    return this.count > this.max;
  }
}

export class OrderRows {
  private index: Partial<Record<keyof ColumnSpec, number>> | null = null;
  private orders = new Map<string, ImportedOrder>();
  private rows = 0;
  private skippedRows = 0;
  private readonly errors: LineErrors;
  private readonly exponent: number;

  constructor(private readonly options: RowOptions) {
    this.exponent = currencyExponent(options.currency);
    this.errors = new LineErrors(options.maxErrors ?? 100);
  }

  get maxErrors(): number {
    return this.errors.max;
  }

  /** True once more errors than the cap were seen: stop reading. */
  get tooManyErrors(): boolean {
    return this.errors.tooMany;
  }

  add(record: CsvRecord): void {
    if (!this.index) return this.header(record);
    this.rows++;
    const fail = (message: string) => this.errors.add(record.line, message);
    if (record.error) return fail(record.error);
    const get = (role: keyof ColumnSpec) => {
      const i = this.index![role];
      return i === undefined ? undefined : (record.fields[i] ?? "").trim();
    };
    const customer = get("customer");
    if (!customer) return fail(`empty ${this.options.columns.customer}`);
    const date = parseDate(get("date") ?? "", this.options.dateFormat);
    if (typeof date === "string") return fail(`${this.options.columns.date}: ${date}`);
    const qtyText = get("quantity");
    const quantity = qtyText === undefined || qtyText === "" ? 1 : Number(qtyText);
    if (!Number.isInteger(quantity)) return fail(`${this.options.columns.quantity}: not a whole number: "${qtyText}"`);
    const moneyText = get(this.options.columns.amount ? "amount" : "price") ?? "";
    const money = parseMoney(moneyText, this.exponent);
    if (money === null) return fail(`${this.options.columns.amount ?? this.options.columns.price}: not an amount: "${moneyText}"`);
    if (quantity <= 0 || money < 0) {
      this.skippedRows++;
      return;
    }
    const amount = this.options.columns.amount ? money : money * quantity;
    const customerKey = normalizeKey(customer);
    const orderText = get("order");
    const key = orderText ? normalizeKey(orderText) : `${customerKey}@${new Date(date).toISOString()}`;
    const email = get("email") || null;
    let order = this.orders.get(key);
    if (!order) {
      order = { key, customerKey, email, placedAt: date, lines: [], total: 0, firstLine: record.line };
      this.orders.set(key, order);
    } else if (order.customerKey !== customerKey) {
      return fail(`order ${key} belongs to customer ${order.customerKey} (line ${order.firstLine}), not ${customerKey}`);
    }
    order.placedAt = Math.min(order.placedAt, date);
    order.email ??= email;
    order.lines.push({ product: get("product") || "Imported item", quantity, amount });
    order.total += amount;
  }

  private header(record: CsvRecord) {
    const names = record.fields.map((f) => f.trim().toLowerCase());
    const index: Partial<Record<keyof ColumnSpec, number>> = {};
    const missing: string[] = [];
    for (const [role, column] of Object.entries(this.options.columns) as [keyof ColumnSpec, string | undefined][]) {
      if (!column) continue;
      const i = names.indexOf(column.toLowerCase());
      if (i < 0) missing.push(column);
      else index[role] = i;
    }
    if (missing.length) {
      throw new ImportInputError(`column(s) not in the header (line ${record.line}): ${missing.join(", ")}; the header has: ${record.fields.map((f) => f.trim()).join(", ")}`);
    }
    this.index = index;
  }

  result(): RowsResult {
    if (!this.index) throw new ImportInputError("the file is empty (no header line)");
    return { orders: [...this.orders.values()], rows: this.rows, skippedRows: this.skippedRows, errors: this.errors.kept, errorCount: this.errors.count };
  }
}
