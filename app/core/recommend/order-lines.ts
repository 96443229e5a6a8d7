// Order-line CSV rows (one product of one order per row) → baskets for the
// recommender's evaluation. Pure; the CSV reader, header lookup, key and date
// parsing and error capping are the import's and the CLV reader's.
//   - an order id starting with the cancellation prefix ("C" then a digit, the
//     UCI convention) is a cancellation: skipped, it is not a purchase
//   - with a quantity column, rows with a quantity ≤ 0 (returns) are skipped
//   - non-product codes (postage, fees, manual lines …) are skipped
//   - a row without a customer id is a guest order: it trains co-purchase and
//     popularity, and is never a customer to evaluate
import type { CsvRecord } from "../import/csv";
import { LineErrors, normalizeKey, parseDate, type LineError } from "../import/order-rows";
import { headerIndex, parseTransactionDate } from "../audience/clv/transaction-rows";

export interface OrderLineColumns {
  order: string;
  customer: string;
  product: string;
  date: string;
  quantity?: string;
}

/** Stock codes in the UCI retailer's data that are not products (postage, manual, discount, carriage, fees …). */
export const DEFAULT_NON_PRODUCTS: readonly string[] = ["POST", "DOT", "M", "D", "C2", "S", "B", "BANK CHARGES", "PADS", "AMAZONFEE", "CRUK"];

export interface OrderLineOptions {
  columns: OrderLineColumns;
  /** An order id that starts with this and then a digit is a cancellation; "" turns the rule off. */
  cancelPrefix?: string;
  /** Product codes that are not products (compared case-insensitively). */
  nonProducts?: readonly string[];
  maxErrors?: number;
}

export interface BasketOrder {
  orderId: string;
  /** null: a guest order (no customer id on its rows). */
  customerId: string | null;
  /** UTC milliseconds: the earliest of its rows. */
  at: number;
  /** Distinct products, in first-seen order. */
  products: string[];
}

export interface OrderLinesResult {
  orders: BasketOrder[];
  rows: number;
  skipped: { cancellations: number; nonPositiveQuantity: number; nonProducts: number };
  /** Rows without a customer id (read as guest orders). */
  guestRows: number;
  errors: LineError[];
  errorCount: number;
}

const COMPACT_OR_ISO = /^\d{4}-?\d{2}-?\d{2}/;

/** YYYYMMDD, an ISO date or date-time, or the original UCI "12/1/2010 8:26" (M/D/YYYY H:mm); read as UTC. */
export function parseOrderDate(value: string): number | string {
  const v = value.trim();
  if (COMPACT_OR_ISO.test(v)) return parseTransactionDate(v);
  const slash = parseDate(v, "M/D/YYYY");
  return typeof slash === "number" ? slash : `unrecognised date "${value}" (expected YYYYMMDD, YYYY-MM-DD, an ISO date-time or M/D/YYYY H:mm)`;
}

/** Accumulates rows of one or more files; call `startFile` before each file's header. */
export class OrderLineRows {
  private index: Record<string, number> | null = null;
  private file = "";
  private readonly orders = new Map<string, BasketOrder & { productSet: Set<string>; firstLine: string }>();
  private rows = 0;
  private guestRows = 0;
  private readonly skipped = { cancellations: 0, nonPositiveQuantity: 0, nonProducts: 0 };
  private readonly errors: LineErrors;
  private readonly cancel: RegExp | null;
  private readonly nonProducts: Set<string>;

  constructor(private readonly options: OrderLineOptions) {
    this.errors = new LineErrors(options.maxErrors ?? 20);
    const prefix = options.cancelPrefix ?? "C";
    this.cancel = prefix ? new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\d`, "i") : null;
    this.nonProducts = new Set((options.nonProducts ?? DEFAULT_NON_PRODUCTS).map((p) => p.trim().toUpperCase()));
  }

  /** The next record is this file's header; `label` prefixes its errors. */
  startFile(label: string): void {
    this.index = null;
    this.file = label;
  }

  get tooManyErrors(): boolean {
    return this.errors.tooMany;
  }

  add(record: CsvRecord): void {
    if (!this.index) {
      const { quantity, ...required } = this.options.columns;
      const columns: Record<string, string> = quantity ? { ...required, quantity } : required;
      this.index = headerIndex(record, columns);
      return;
    }
    this.rows++;
    const where = `${this.file ? `${this.file} ` : ""}line ${record.line}`;
    // Messages carry the file and line: several files are read as one.
    const fail = (message: string) => this.errors.add(record.line, `${where}: ${message}`);
    if (record.error) return fail(record.error);
    const field = (name: keyof OrderLineColumns) => (record.fields[this.index![name]!] ?? "").trim();
    const { columns } = this.options;
    const orderText = field("order");
    if (!orderText) return fail(`empty ${columns.order}`);
    if (this.cancel?.test(orderText)) {
      this.skipped.cancellations++;
      return;
    }
    if (columns.quantity) {
      const text = field("quantity");
      const quantity = Number(text);
      if (text === "" || !Number.isFinite(quantity)) return fail(`${columns.quantity}: not a number: "${text}"`);
      if (quantity <= 0) {
        this.skipped.nonPositiveQuantity++;
        return;
      }
    }
    const product = field("product");
    if (!product) return fail(`empty ${columns.product}`);
    if (this.nonProducts.has(product.toUpperCase())) {
      this.skipped.nonProducts++;
      return;
    }
    const at = parseOrderDate(field("date"));
    if (typeof at === "string") return fail(`${columns.date}: ${at}`);
    const customerText = field("customer");
    const customerId = customerText ? normalizeKey(customerText) : null;
    if (!customerId) this.guestRows++;
    const key = normalizeKey(orderText);
    let order = this.orders.get(key);
    if (!order) {
      order = { orderId: key, customerId, at, products: [], productSet: new Set(), firstLine: where };
      this.orders.set(key, order);
    } else if (order.customerId !== customerId) {
      return fail(`order ${key} belongs to customer ${order.customerId ?? "(none)"} (${order.firstLine}), not ${customerId ?? "(none)"}`);
    }
    order.at = Math.min(order.at, at);
    if (!order.productSet.has(product)) {
      order.productSet.add(product);
      order.products.push(product);
    }
  }

  result(): OrderLinesResult {
    const orders = [...this.orders.values()].map(({ orderId, customerId, at, products }) => ({ orderId, customerId, at, products }));
    return { orders, rows: this.rows, skipped: { ...this.skipped }, guestRows: this.guestRows, errors: this.errors.kept, errorCount: this.errors.count };
  }
}
