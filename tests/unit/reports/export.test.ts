import { describe, expect, it } from "vitest";
import { parseCsv } from "./parse-csv";
import { CSV_COLUMNS, csvCell, csvLine, decimalAmount, exportFileName, exportLine, HEADER_LINE, type ExportRow } from "~/core/reports/export";
import { RULE_TEXT } from "~/core/attribution/rules";


const base: ExportRow = {
  orderName: "#1001",
  orderId: "5890321432610",
  placedAt: new Date("2026-03-14T14:21:33Z"),
  email: "ada@example.com",
  revenue: 1250,
  currency: "USD",
  refunded: false,
  cancelled: false,
  flowType: "cart-recovery",
  campaignName: "Cart recovery",
  step: 0,
  variant: "A",
  rule: "discount-code",
  messageId: "msg_0123456789",
  touchedAt: new Date("2026-03-13T09:00:00Z"),
};

describe("csvCell", () => {
  it("quotes commas, quotes and line breaks (quotes doubled) and leaves plain text alone", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(12)).toBe("12");
    expect(csvCell(true)).toBe("yes");
  });

  it("neutralises formulas: = + - @ tab and CR at the start get an apostrophe", () => {
    for (const hostile of ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]) {
      const cell = csvCell(hostile);
      const [[read]] = parseCsv(cell + "\r\n") as [[string]];
      expect(read.startsWith("'")).toBe(true);
      expect(read.slice(1)).toBe(hostile);
    }
    expect(csvCell("=1,2")).toBe("\"'=1,2\"");
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("ends each record with CRLF", () => {
    expect(csvLine(["a", "b,c", null])).toBe('a,"b,c",\r\n');
  });
});

describe("decimalAmount", () => {
  it("writes minor units in the currency's own decimals: USD 2, JPY 0, KWD 3", () => {
    expect(decimalAmount(1250, "USD")).toBe("12.50");
    expect(decimalAmount(5, "USD")).toBe("0.05");
    expect(decimalAmount(0, "USD")).toBe("0.00");
    expect(decimalAmount(1250, "JPY")).toBe("1250");
    expect(decimalAmount(0, "JPY")).toBe("0");
    expect(decimalAmount(1250, "KWD")).toBe("1.250");
    expect(decimalAmount(7, "KWD")).toBe("0.007");
    expect(decimalAmount(123456789, "EUR")).toBe("1234567.89");
    expect(decimalAmount(-1250, "USD")).toBe("-12.50");
  });
});

describe("exportLine", () => {
  it("writes the columns in order, dates as ISO, steps as the pages number them, and the rule in words", () => {
    expect(parseCsv(HEADER_LINE)[0]).toEqual([...CSV_COLUMNS]);
    const [cells] = parseCsv(exportLine(base));
    expect(cells).toEqual([
      "#1001",
      "5890321432610",
      "2026-03-14T14:21:33.000Z",
      "ada@example.com",
      "12.50",
      "USD",
      "no",
      "no",
      "cart-recovery",
      "Cart recovery",
      "1",
      "A",
      "discount-code",
      RULE_TEXT["discount-code"],
      "msg_0123456789",
      "2026-03-13T09:00:00.000Z",
    ]);
    expect(cells).toHaveLength(CSV_COLUMNS.length);
  });

  it("keeps hostile campaign names and emails in one cell, inert", () => {
    const line = exportLine({ ...base, campaignName: '=cmd|" /C calc"!A0, "x"\r\nnext', email: "+evil@example.com", currency: "JPY", revenue: 980, refunded: true, cancelled: true });
    const rows = parseCsv(line);
    expect(rows).toHaveLength(1);
    const cells = rows[0]!;
    expect(cells).toHaveLength(CSV_COLUMNS.length);
    expect(cells[9]).toBe('\'=cmd|" /C calc"!A0, "x"\r\nnext');
    expect(cells[3]).toBe("'+evil@example.com");
    expect(cells.slice(4, 8)).toEqual(["980", "JPY", "yes", "yes"]);
  });

  it("names the file safely", () => {
    expect(exportFileName({})).toBe("loopwise-attributed-orders.csv");
    expect(exportFileName({ campaignName: 'Spring "sale" / ../../etc', from: "2026-01-01", to: "2026-01-30" })).toBe("loopwise-attributed-orders-spring-sale-etc-2026-01-01-to-2026-01-30.csv");
  });
});
