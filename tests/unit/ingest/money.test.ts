import { describe, expect, it } from "vitest";
import { currencyExponent, formatMoney, moneyFormatter, toMinorUnits } from "~/core/ingest/money";

describe("toMinorUnits", () => {
  it.each([
    ["19.99", "USD", 1999],
    ["0.29", "USD", 29], // 0.29 * 100 = 28.999999999999996 in floats
    ["1.005", "USD", 101], // half away from zero on the digits, not the float
    ["-5.00", "USD", -500],
    ["-0.005", "USD", -1],
    ["10", "USD", 1000],
    ["10.", "USD", 1000],
    [".5", "EUR", 50],
    ["1000", "JPY", 1000],
    ["1000.00", "JPY", 1000],
    ["1000.5", "JPY", 1001],
    ["12.345", "KWD", 12345],
    ["12.3", "BHD", 12300],
    ["0.00", "USD", 0],
    ["-0.00", "USD", 0],
    [" 7.10 ", "gbp", 710],
  ])("%s %s → %i", (amount, currency, expected) => {
    expect(toMinorUnits(amount, currency)).toBe(expected);
  });

  it("takes JSON numbers through their decimal form", () => {
    expect(toMinorUnits(19.99, "USD")).toBe(1999);
    expect(toMinorUnits(2.4, "USD")).toBe(240);
    expect(toMinorUnits(1e-7, "USD")).toBe(0);
  });

  it("refuses what is not a plain decimal, and amounts too large to store", () => {
    for (const bad of ["", "abc", "1,000.00", "1e3", "--1", "12.3.4"]) expect(() => toMinorUnits(bad, "USD")).toThrow();
    expect(() => toMinorUnits(Number.NaN, "USD")).toThrow();
    expect(() => toMinorUnits("99999999.99", "USD")).toThrow(/too large/);
  });

  it("knows zero- and three-decimal currencies", () => {
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("krw")).toBe(0);
    expect(currencyExponent("KWD")).toBe(3);
    expect(currencyExponent("USD")).toBe(2);
    expect(currencyExponent("XYZ")).toBe(2);
  });
});

describe("formatMoney", () => {
  it("uses the currency's own decimals", () => {
    expect(formatMoney(123456, "USD")).toBe("$1,234.56");
    expect(formatMoney(1235, "JPY")).toBe("¥1,235");
    expect(formatMoney(1234, "KWD")).toMatch(/^KWD\s1\.234$/);
    expect(formatMoney(4, "USD")).toBe("$0.04");
    expect(formatMoney(1050, "not-a-code")).toBe("10.50 not-a-code");
    expect(moneyFormatter("EUR")).toBe(moneyFormatter("EUR"));
  });
});
