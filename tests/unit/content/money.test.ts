// Prices in copy: how we write them, and reading them back out of text.
import { describe, expect, it } from "vitest";
import { findMoneyMentions, formatMoney, parseAmount } from "~/core/content/money";

describe("formatMoney", () => {
  it("writes minor units with the currency's own decimals", () => {
    expect(formatMoney(1999, "USD")).toBe("$19.99");
    expect(formatMoney(500, "EUR")).toBe("€5.00");
    expect(formatMoney(123456, "GBP")).toBe("£1,234.56");
    expect(formatMoney(1999, "JPY")).toBe("¥1,999");
    expect(formatMoney(1500, "KWD")).toBe("KWD\u00a01.500");
  });
});

describe("findMoneyMentions", () => {
  const mentions = (text: string, currency = "USD") => findMoneyMentions(text, currency).map((m) => [m.text, m.currency, m.minor]);
  it("reads symbols, codes and separators", () => {
    expect(mentions("Only $19.99, or US$1,299.00, or 20 USD")).toEqual([
      ["$19.99", "USD", 1999],
      ["US$1,299.00", "USD", 129900],
      ["20 USD", "USD", 2000],
    ]);
    expect(mentions("19,99 € and EUR 5 and £3", "EUR")).toEqual([
      ["19,99 €", "EUR", 1999],
      ["EUR 5", "EUR", 500],
      ["£3", "GBP", 300],
    ]);
    expect(mentions("CA$25 or $25", "CAD")).toEqual([
      ["CA$25", "CAD", 2500],
      ["$25", "CAD", 2500],
    ]);
  });
  it("ignores numbers that are not money", () => {
    expect(mentions("Model 2000 holds 350 ml at 50% strength")).toEqual([]);
  });
  it("parses separators the way people write them", () => {
    expect(parseAmount("1.299,50", "EUR")).toBe(129950);
    expect(parseAmount("1,299", "USD")).toBe(129900);
    expect(parseAmount("1 299", "SEK")).toBe(129900);
    expect(parseAmount("12,5", "EUR")).toBe(1250);
  });
});
