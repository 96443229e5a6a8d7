import { describe, expect, it } from "vitest";
import { formatCount, formatMoney } from "./format";

describe("formatMoney", () => {
  it("reads minor units with the currency's own decimals", () => {
    expect(formatMoney(123456, "USD")).toBe("$1,234.56");
    expect(formatMoney(123456, "JPY")).toBe("¥123,456");
    expect(formatMoney(-500, "EUR", "en-US")).toBe("-€5.00");
    expect(formatMoney(0, "GBP")).toBe("£0.00");
  });
  it("falls back on an unknown currency code", () => {
    expect(formatMoney(1050, "not-a-code")).toBe("10.50 not-a-code");
  });
});

describe("formatCount", () => {
  it("groups thousands", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
  });
});
