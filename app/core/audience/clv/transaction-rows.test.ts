import { describe, expect, it } from "vitest";
import { parseCsv } from "../../import/csv";
import { parseTransactionDate, TransactionInputError, TransactionRows } from "./transaction-rows";

const columns = { customer: "Customer", date: "Date", amount: "Total" };

describe("TransactionRows", () => {
  it("reads YYYYMMDD, ISO dates and date-times, amounts in minor units, and skips negative amounts", () => {
    const rows = new TransactionRows(columns);
    for (const r of parseCsv("customer,DATE,total\n17850.0,19970101,29.33\nB,1997-01-02,\"1,000.50\"\nB,1997-01-03T23:30:00-02:00,5\nC,1997-01-04,-3\n")) rows.add(r);
    const out = rows.result();
    expect(out.transactions).toEqual([
      { customerId: "17850", at: Date.parse("1997-01-01T00:00:00Z"), amount: 2933 },
      { customerId: "B", at: Date.parse("1997-01-02T00:00:00Z"), amount: 100050 },
      { customerId: "B", at: Date.parse("1997-01-04T01:30:00Z"), amount: 500 },
    ]);
    expect(out).toMatchObject({ rows: 4, skippedRows: 1, errorCount: 0 });
  });

  it("reports bad rows with their line numbers, and missing columns by name", () => {
    const rows = new TransactionRows(columns);
    for (const r of parseCsv("Customer,Date,Total\nA,19971301,1\n,19970101,1\nA,1/2/1997,1\nA,19970101,abc\n")) rows.add(r);
    const out = rows.result();
    expect(out.errorCount).toBe(4);
    expect(out.errors.map((e) => e.line)).toEqual([2, 3, 4, 5]);
    expect(out.errors[0]!.message).toMatch(/Date: invalid date "1997-13-01"|Date: .*19971301/);
    expect(out.errors[2]!.message).toMatch(/expected YYYYMMDD/);
    expect(out.errors[3]!.message).toMatch(/not an amount/);
    expect(() => new TransactionRows(columns).add(parseCsv("Client,Date,Total\n")[0]!)).toThrow(TransactionInputError);
    expect(() => new TransactionRows(columns).result()).toThrow(/empty/);
  });

  it("parses the three date forms", () => {
    expect(parseTransactionDate("19970930")).toBe(Date.UTC(1997, 8, 30));
    expect(parseTransactionDate("1997-09-30")).toBe(Date.UTC(1997, 8, 30));
    expect(parseTransactionDate("2011-08-31 17:05:00")).toBe(Date.UTC(2011, 7, 31, 17, 5));
    expect(parseTransactionDate("19970231")).toMatch(/invalid/);
  });
});
