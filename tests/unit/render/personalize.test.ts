import { describe, expect, it } from "vitest";
import { behaviourLine, contrast, formatExpiry, greetingName, RenderInputError } from "~/core/render";

describe("greetingName", () => {
  it("uses the first name, cleaned, else the fallback", () => {
    expect(greetingName("  Ann\u202e ", "there")).toBe("Ann");
    expect(greetingName(null, "there")).toBe("there");
    expect(greetingName(" \u200b ", "friend")).toBe("friend");
    expect(greetingName("x".repeat(41), "there")).toBe("there");
  });
});

describe("behaviourLine", () => {
  it("says what they did, in plain words", () => {
    expect(behaviourLine({ kind: "cart" })).toBe("Still thinking about your cart?");
    expect(behaviourLine({ kind: "viewed", productTitle: "Linen Shirt", count: 2 })).toBe("You viewed Linen Shirt twice.");
    expect(behaviourLine({ kind: "viewed", productTitle: "Linen Shirt", count: 5 })).toBe("You viewed Linen Shirt 5 times.");
    expect(behaviourLine({ kind: "viewed", productTitle: "Linen Shirt", count: 1 })).toBe("You took a look at Linen Shirt.");
    expect(behaviourLine({ kind: "bought", productTitle: "Tee" })).toBe("Thanks again for choosing Tee.");
    expect(behaviourLine({ kind: "lapsed", daysSinceLastOrder: 95 })).toBe("It has been 3 months since your last order.");
    expect(behaviourLine({ kind: "lapsed", daysSinceLastOrder: 400 })).toBe("It has been over a year since your last order.");
    expect(behaviourLine({ kind: "line", text: " Back in stock:\nyour size " })).toBe("Back in stock: your size");
  });
  it("says nothing when there is nothing true to say", () => {
    expect(behaviourLine(null)).toBe("");
    expect(behaviourLine({ kind: "viewed", productTitle: "", count: 3 })).toBe("");
    expect(behaviourLine({ kind: "viewed", productTitle: "Tee", count: 0 })).toBe("");
    expect(behaviourLine({ kind: "lapsed", daysSinceLastOrder: 10 })).toBe("");
  });
});

describe("formatExpiry", () => {
  it("formats in the shop's time zone", () => {
    expect(formatExpiry("2026-05-12T03:00:00Z", "UTC")).toBe("May 12, 2026");
    expect(formatExpiry("2026-05-12T03:00:00Z", "America/Los_Angeles")).toBe("May 11, 2026");
    expect(formatExpiry(null, "UTC")).toBeNull();
  });
  it("refuses what is not a date", () => {
    expect(() => formatExpiry("next tuesday", "UTC")).toThrow(RenderInputError);
  });
});

describe("contrast", () => {
  it("is the WCAG ratio", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#ffffff", "#ffffff")).toBeCloseTo(1, 5);
    expect(contrast("#767676", "#ffffff")).toBeCloseTo(4.54, 2);
  });
});
