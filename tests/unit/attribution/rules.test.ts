import { describe, expect, it } from "vitest";
import {
  ATTRIBUTION_RULES,
  chooseAttribution,
  clickTokenOf,
  DEFAULT_ATTRIBUTION_SETTINGS,
  describeAttribution,
  discountCodesOf,
  netRevenue,
  parseAttributionSettings,
  readAttributionSettings,
} from "~/core/attribution/rules";

const at = (iso: string) => new Date(iso);
const ORDER = at("2026-11-20T12:00:00Z");

describe("chooseAttribution", () => {
  it("takes the first rule in the stated order that has a candidate", () => {
    const all = {
      "last-open": [{ messageId: "open-msg-1", touchedAt: at("2026-11-20T11:00:00Z") }],
      "last-click": [{ messageId: "click-msg-1", touchedAt: at("2026-11-20T10:00:00Z") }],
      "click-token": [{ messageId: "token-msg-1", touchedAt: at("2026-11-19T10:00:00Z") }],
      "checkout-token": [{ messageId: "cart-msg-01", touchedAt: at("2026-11-18T10:00:00Z") }],
      "discount-code": [{ messageId: "code-msg-01", touchedAt: at("2026-11-10T10:00:00Z") }],
    };
    expect(chooseAttribution(ORDER, all)?.rule).toBe("discount-code");
    const { "discount-code": _a, ...noCode } = all;
    expect(chooseAttribution(ORDER, noCode)?.rule).toBe("checkout-token");
    const { "checkout-token": _b, ...noCart } = noCode;
    expect(chooseAttribution(ORDER, noCart)?.rule).toBe("click-token");
    const { "click-token": _c, ...noToken } = noCart;
    expect(chooseAttribution(ORDER, noToken)).toEqual({ rule: "last-click", messageId: "click-msg-1", touchedAt: at("2026-11-20T10:00:00Z") });
    const { "last-click": _d, ...onlyOpen } = noToken;
    expect(chooseAttribution(ORDER, onlyOpen)?.rule).toBe("last-open");
    expect(chooseAttribution(ORDER, {})).toBeNull();
    expect(ATTRIBUTION_RULES).toEqual(["discount-code", "checkout-token", "click-token", "last-click", "last-open"]);
  });

  it("within a rule the latest touch wins; a tie goes to the larger id, whatever the input order", () => {
    const a = { messageId: "aaaaaaaa", touchedAt: at("2026-11-19T00:00:00Z") };
    const b = { messageId: "bbbbbbbb", touchedAt: at("2026-11-20T00:00:00Z") };
    const c = { messageId: "cccccccc", touchedAt: at("2026-11-20T00:00:00Z") };
    expect(chooseAttribution(ORDER, { "last-click": [a, b, c] })?.messageId).toBe("cccccccc");
    expect(chooseAttribution(ORDER, { "last-click": [c, b, a] })?.messageId).toBe("cccccccc");
    expect(chooseAttribution(ORDER, { "last-click": [a, b] })?.messageId).toBe("bbbbbbbb");
  });

  it("ignores touches after the order (an email cannot earn an order placed before it)", () => {
    const later = { messageId: "later-msg", touchedAt: at("2026-11-20T12:00:00.001Z") };
    const same = { messageId: "same-msg1", touchedAt: ORDER };
    expect(chooseAttribution(ORDER, { "discount-code": [later] })).toBeNull();
    expect(chooseAttribution(ORDER, { "discount-code": [later], "last-click": [same] })?.rule).toBe("last-click");
  });
});

describe("clickTokenOf", () => {
  it("reads lw from a landing path or a full URL", () => {
    expect(clickTokenOf("/products/mug?utm_source=loopwise&lw=cm1abcdefgh123")).toBe("cm1abcdefgh123");
    expect(clickTokenOf("https://shop.example/collections/all?lw=cm1abcdefgh123&x=1")).toBe("cm1abcdefgh123");
  });
  it("refuses what is absent or not shaped like our ids", () => {
    expect(clickTokenOf(null)).toBeNull();
    expect(clickTokenOf("/products/mug")).toBeNull();
    expect(clickTokenOf("/?lw=short")).toBeNull();
    expect(clickTokenOf("/?lw=' OR 1=1 --")).toBeNull();
    expect(clickTokenOf("/?lw=" + "a".repeat(65))).toBeNull();
    expect(clickTokenOf("http://[::1")).toBeNull();
  });
});

describe("discountCodesOf", () => {
  it("upper-cases, de-duplicates and accepts strings or {code}", () => {
    expect(discountCodesOf(["lw-abc", "LW-ABC", { code: "summer" }, 3, null, ""])).toEqual(["LW-ABC", "SUMMER"]);
    expect(discountCodesOf(null)).toEqual([]);
    expect(discountCodesOf("LW-ABC")).toEqual([]);
  });
});

describe("netRevenue", () => {
  it("is the total less refunds, never negative, zero once cancelled", () => {
    expect(netRevenue({ totalPrice: 5000, refundedAmount: 0, cancelledAt: null })).toBe(5000);
    expect(netRevenue({ totalPrice: 5000, refundedAmount: 1250, cancelledAt: null })).toBe(3750);
    expect(netRevenue({ totalPrice: 5000, refundedAmount: 6000, cancelledAt: null })).toBe(0);
    expect(netRevenue({ totalPrice: 5000, refundedAmount: 0, cancelledAt: new Date() })).toBe(0);
  });
});

describe("attribution settings", () => {
  it("defaults to a 5-day click window with opens off", () => {
    expect(DEFAULT_ATTRIBUTION_SETTINGS).toEqual({ windowDays: 5, countOpens: false, openWindowDays: 1 });
    expect(describeAttribution(DEFAULT_ATTRIBUTION_SETTINGS)).toContain("within 5 days");
    expect(describeAttribution(DEFAULT_ATTRIBUTION_SETTINGS)).not.toContain("opened");
    expect(describeAttribution({ windowDays: 1, countOpens: true, openWindowDays: 2 })).toMatch(/within 1 day before.*opened within 2 days.*machine opens never count/);
  });
  it("parses an edit over what is stored, with a message per bad field", () => {
    expect(parseAttributionSettings({ countOpens: true })).toEqual({ ok: true, settings: { windowDays: 5, countOpens: true, openWindowDays: 1 } });
    const bad = parseAttributionSettings({ windowDays: 0, openWindowDays: 2.5, extra: 1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.windowDays).toMatch(/at least 1/);
      expect(bad.errors.openWindowDays).toMatch(/whole number/);
      expect(Object.values(bad.errors).join(" ")).toMatch(/Unknown setting: extra/);
    }
    expect(parseAttributionSettings("5").ok).toBe(false);
  });
  it("reads stored values leniently, field by field", () => {
    expect(readAttributionSettings({ windowDays: 7, countOpens: "yes" })).toEqual({ windowDays: 7, countOpens: false, openWindowDays: 1 });
    expect(readAttributionSettings(null)).toEqual(DEFAULT_ATTRIBUTION_SETTINGS);
  });
});
