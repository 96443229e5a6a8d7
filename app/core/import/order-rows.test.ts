import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv";
import { ImportInputError, normalizeKey, OrderRows, parseColumnSpec, parseDate, parseMoney } from "./order-rows";

describe("column spec", () => {
  it("parses roles and requires customer, date and one of amount/price", () => {
    expect(parseColumnSpec("customer=CustomerID, date=InvoiceDate,price=UnitPrice,quantity=Quantity,order=InvoiceNo")).toEqual({
      customer: "CustomerID",
      date: "InvoiceDate",
      price: "UnitPrice",
      quantity: "Quantity",
      order: "InvoiceNo",
    });
    expect(() => parseColumnSpec("date=D,amount=A")).toThrow(/customer=/);
    expect(() => parseColumnSpec("customer=C,amount=A")).toThrow(/date=/);
    expect(() => parseColumnSpec("customer=C,date=D")).toThrow(/amount=/);
    expect(() => parseColumnSpec("customer=C,date=D,amount=A,price=P")).toThrow(/not both/);
    expect(() => parseColumnSpec("customer=C,date=D,amount=A,colour=X")).toThrow(/unknown role "colour"/);
    expect(() => parseColumnSpec("customer=C,date=D,amount")).toThrow(/role=Column/);
    expect(() => parseColumnSpec("customer=C,customer=D,date=D,amount=A")).toThrow(/twice/);
  });
});

describe("values", () => {
  it("parses money into minor units", () => {
    expect(parseMoney("12.5")).toBe(1250);
    expect(parseMoney("£1,234.56")).toBe(123456);
    expect(parseMoney("$ 0.001")).toBe(0);
    expect(parseMoney("0.005")).toBe(1);
    expect(parseMoney("-2")).toBe(-200);
    expect(parseMoney("1500", 0)).toBe(1500);
    expect(parseMoney("abc")).toBeNull();
    expect(parseMoney("")).toBeNull();
  });

  it("parses ISO and M/D/YYYY dates, and explains day-first dates", () => {
    expect(parseDate("2011-01-04 10:23:00")).toBe(Date.UTC(2011, 0, 4, 10, 23));
    expect(parseDate("2011-01-04T10:23:00+01:00")).toBe(Date.UTC(2011, 0, 4, 9, 23));
    expect(parseDate("2011-01-04")).toBe(Date.UTC(2011, 0, 4));
    expect(parseDate("12/1/2010 8:26")).toBe(Date.UTC(2010, 11, 1, 8, 26));
    expect(parseDate("1/12/2010 8:26", "D/M/YYYY")).toBe(Date.UTC(2010, 11, 1, 8, 26));
    expect(parseDate("25/12/2010")).toMatch(/--date-format D\/M\/YYYY/);
    expect(parseDate("2011-02-30")).toMatch(/invalid date/);
    expect(parseDate("12/1/2010", "iso")).toMatch(/unrecognised/);
    expect(parseDate("yesterday")).toMatch(/unrecognised/);
  });

  it("normalises float-written ids", () => {
    expect(normalizeKey("17850.0")).toBe("17850");
    expect(normalizeKey(" A-17 ")).toBe("A-17");
  });
});

describe("rows → orders", () => {
  const csv = [
    "InvoiceNo,CustomerID,InvoiceDate,StockCode,Quantity,UnitPrice",
    "536365,17850.0,2010-12-01 08:26:00,85123A,6,2.55",
    "536365,17850.0,2010-12-01 08:26:00,71053,6,3.39",
    "C536379,14527.0,2010-12-01 09:41:00,D,-1,27.50",
    "536366,,2010-12-01 08:28:00,22633,6,1.85",
    "536367,13047.0,31/12/2010,22633,x,1.85",
    "536368,13047.0,2010-12-01 08:34:00,22960,3,4.25",
    "536368,99999.0,2010-12-01 08:34:00,22960,3,4.25",
  ].join("\n");
  const columns = parseColumnSpec("customer=CustomerID,date=InvoiceDate,price=UnitPrice,quantity=Quantity,product=StockCode,order=InvoiceNo");

  it("groups by order, multiplies price by quantity, skips returns, reports bad lines", () => {
    const rows = new OrderRows({ columns, currency: "GBP" });
    for (const r of parseCsv(csv)) rows.add(r);
    const result = rows.result();
    expect(result.rows).toBe(7);
    expect(result.skippedRows).toBe(1);
    expect(result.orders.map((o) => [o.key, o.customerKey, o.total, o.lines.length])).toEqual([
      ["536365", "17850", 6 * 255 + 6 * 339, 2],
      ["536368", "13047", 1275, 1],
    ]);
    expect(result.errors.map((e) => e.line)).toEqual([5, 6, 8]);
    expect(result.errors[0]!.message).toMatch(/empty CustomerID/);
    expect(result.errors[1]!.message).toMatch(/Quantity|InvoiceDate/);
    expect(result.errors[2]!.message).toMatch(/belongs to customer 13047/);
  });

  it("without an order column, one order per customer and timestamp; amount is the row total", () => {
    const rows = new OrderRows({ columns: parseColumnSpec("customer=c,date=d,amount=total"), currency: "JPY" });
    for (const r of parseCsv("c,d,total\nA,2024-01-01 10:00,1500\nA,2024-01-01 10:00,500\nA,2024-01-02,700\n")) rows.add(r);
    expect(rows.result().orders.map((o) => [o.key, o.total])).toEqual([
      ["A@2024-01-01T10:00:00.000Z", 2000],
      ["A@2024-01-02T00:00:00.000Z", 700],
    ]);
  });

  it("names missing columns, caps kept errors, and refuses an empty file", () => {
    const rows = new OrderRows({ columns, currency: "GBP" });
    expect(() => rows.add(parseCsv("InvoiceNo,Customer\n")[0]!)).toThrow(ImportInputError);
    expect(() => rows.add(parseCsv("InvoiceNo,Customer\n")[0]!)).toThrow(/CustomerID, InvoiceDate/);
    const capped = new OrderRows({ columns: parseColumnSpec("customer=c,date=d,amount=a"), currency: "USD", maxErrors: 2 });
    for (const r of parseCsv("c,d,a\nX,bad,1\nX,bad,1\nX,bad,1\n")) capped.add(r);
    expect(capped.tooManyErrors).toBe(true);
    expect(capped.result().errors).toHaveLength(2);
    expect(capped.result().errorCount).toBe(3);
    expect(() => new OrderRows({ columns, currency: "USD" }).result()).toThrow(/empty/);
  });
});

describe("currencies", () => {
  it("imports amounts in the currency's own minor units, as webhooks store them (0, 2 and 3 decimals)", () => {
    const total = (currency: string, amount: string) => {
      const rows = new OrderRows({ columns: parseColumnSpec("customer=c,date=d,amount=a"), currency });
      for (const r of parseCsv(`c,d,a\nA,2024-01-01 10:00,${amount}\n`)) rows.add(r);
      return rows.result().orders[0]!.total;
    };
    expect(total("JPY", "1200")).toBe(1200);
    expect(total("USD", "12.34")).toBe(1234);
    expect(total("KWD", "1.234")).toBe(1234);
    expect(total("BHD", "0.5")).toBe(500);
  });
});
