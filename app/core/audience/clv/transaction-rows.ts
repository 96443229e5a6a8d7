// CSV records (header first) → transactions for the CLV summary: one customer
// column, one date column (YYYYMMDD, ISO date or ISO date-time) and one amount
// column. Pure; the CSV reader and the date/money parsing are the import's.
import type { CsvRecord } from "../../import/csv";
import { LineErrors, normalizeKey, parseDate, parseMoney, type LineError } from "../../import/order-rows";
import type { Transaction } from "./summary";

export interface TransactionColumns {
  customer: string;
  date: string;
  amount: string;
}

export class TransactionInputError extends Error {}

const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

/** "19970101", "1997-01-01" or "1997-01-01T10:00:00Z" → UTC milliseconds, or an error message. */
export function parseTransactionDate(value: string): number | string {
  const compact = COMPACT.exec(value.trim());
  const parsed = parseDate(compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : value, "iso");
  return typeof parsed === "string" ? `${parsed.replace(/ \(expected.*\)$/, "")} (expected YYYYMMDD, YYYY-MM-DD or an ISO date-time)` : parsed;
}

/**
 * Where each named column is in a header record (names compared trimmed and
 * case-insensitively); throws TransactionInputError naming the missing ones.
 */
export function headerIndex<K extends string>(record: CsvRecord, columns: Record<K, string>): Record<K, number> {
  const names = record.fields.map((f) => f.trim().toLowerCase());
  const index = {} as Record<K, number>;
  const missing: string[] = [];
  for (const key of Object.keys(columns) as K[]) {
    index[key] = names.indexOf(columns[key].trim().toLowerCase());
    if (index[key] < 0) missing.push(columns[key]);
  }
  if (missing.length) {
    throw new TransactionInputError(`column(s) not in the header (line ${record.line}): ${missing.join(", ")}; the header has: ${record.fields.map((f) => f.trim()).join(", ")}`);
  }
  return index;
}

export interface TransactionRowsResult {
  /** Amounts in minor units (hundredths of the file's unit). */
  transactions: Transaction[];
  rows: number;
  /** Rows with a negative amount (returns, cancellations): not purchases. */
  skippedRows: number;
  errors: LineError[];
  errorCount: number;
}

/** Accumulates rows; feed the header record first. */
export class TransactionRows {
  private index: Record<keyof TransactionColumns, number> | null = null;
  private transactions: Transaction[] = [];
  private rows = 0;
  private skippedRows = 0;
  private readonly errors: LineErrors;

  constructor(
    private readonly columns: TransactionColumns,
    maxErrors = 20,
  ) {
    this.errors = new LineErrors(maxErrors);
  }

  add(record: CsvRecord): void {
    if (!this.index) return this.header(record);
    this.rows++;
    const fail = (message: string) => this.errors.add(record.line, message);
    if (record.error) return fail(record.error);
    const field = (i: number) => (record.fields[i] ?? "").trim();
    const customer = field(this.index.customer);
    if (!customer) return fail(`empty ${this.columns.customer}`);
    const at = parseTransactionDate(field(this.index.date));
    if (typeof at === "string") return fail(`${this.columns.date}: ${at}`);
    const amountText = field(this.index.amount);
    const amount = parseMoney(amountText, 2);
    if (amount === null) return fail(`${this.columns.amount}: not an amount: "${amountText}"`);
    if (amount < 0) {
      this.skippedRows++;
      return;
    }
    this.transactions.push({ customerId: normalizeKey(customer), at, amount });
  }

  private header(record: CsvRecord) {
    this.index = headerIndex(record, this.columns);
  }

  result(): TransactionRowsResult {
    if (!this.index) throw new TransactionInputError("the file is empty (no header line)");
    return { transactions: this.transactions, rows: this.rows, skippedRows: this.skippedRows, errors: this.errors.kept, errorCount: this.errors.count };
  }
}
