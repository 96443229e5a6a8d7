import { describe, expect, it } from "vitest";
import { comparisonTable, quantile, storeStats, UciPurchases } from "~/demo/compare";

describe("store statistics", () => {
  it("computes quantiles by linear interpolation", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10], 0.9)).toBe(10);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
  });

  it("counts repeat buyers by distinct days, gaps between purchase days, and seasonality per day covered", () => {
    const stats = storeStats([
      { customer: "a", day: "2024-01-01", amount: 10, items: 1 },
      { customer: "a", day: "2024-01-01", amount: 30, items: 3 },
      { customer: "a", day: "2024-01-11", amount: 20, items: 2 },
      { customer: "b", day: "2024-01-05", amount: 40, items: 1 },
      { customer: "c", day: "2024-02-04", amount: 50, items: 1 },
    ]);
    expect(stats.customers).toBe(3);
    expect(stats.repeatShare).toBeCloseTo(1 / 3);
    expect(stats.interPurchaseDays.p50).toBe(10);
    expect(stats.orderValue.p50).toBe(30);
    expect(stats.singleItemShare).toBeCloseTo(0.6);
    // January: 4 orders over 31 days; February: 1 over 4 days.
    const jan = 4 / 31;
    const feb = 1 / 4;
    expect(stats.monthShare[0]).toBeCloseTo(jan / (jan + feb));
    expect(stats.monthShare.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
  });

  it("reads UCI rows: invoices, no cancellations, postage in the value but not the basket", () => {
    const uci = new UciPurchases();
    const rows = [
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
      "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",
      "536365,POST,POSTAGE,1,2010-12-01 08:26:00,18.00,17850.0,United Kingdom",
      "C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527.0,United Kingdom",
      "536380,22961,JAM,0,2010-12-01 09:41:00,1.45,17809.0,United Kingdom",
    ];
    for (const r of rows) uci.add(r.split(","));
    expect(uci.purchases()).toEqual([{ customer: "17850", day: "2010-12-01", amount: 33.3, items: 1 }]);
  });

  it("renders a Markdown table", () => {
    const s = storeStats([{ customer: "a", day: "2024-01-01", amount: 10, items: 1 }]);
    const table = comparisonTable(s, s, ["demo", "real"]);
    expect(table.split("\n")[0]).toBe("| statistic | demo | real |");
    expect(table).toContain("repeat-purchase share");
  });
});
