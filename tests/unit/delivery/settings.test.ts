import { describe, expect, it } from "vitest";
import { DEFAULT_DELIVERY_SETTINGS, inQuietHours, parseDeliverySettings, readDeliverySettings } from "~/core/delivery/settings";

describe("delivery settings", () => {
  it("has the documented defaults", () => {
    expect(DEFAULT_DELIVERY_SETTINGS).toEqual({
      smartSendingHours: 16,
      weeklyMax: 5,
      quietHours: { start: 21, end: 8 },
      cartRecoveryAudience: "subscribers",
      abandonedCheckoutMinutes: 60,
      browse: { minViews: 2, windowHours: 24, quietMinutes: 60 },
      explorationShare: 0.1,
    });
  });

  it("lays an edit over the current settings and validates the whole", () => {
    const r = parseDeliverySettings({ weeklyMax: 3, browse: { minViews: 3 }, quietHours: { end: 7 } });
    expect(r).toEqual({ ok: true, settings: { ...DEFAULT_DELIVERY_SETTINGS, weeklyMax: 3, browse: { ...DEFAULT_DELIVERY_SETTINGS.browse, minViews: 3 }, quietHours: { start: 21, end: 7 } } });
  });

  it("refuses bad input with one clear message per field", () => {
    const r = parseDeliverySettings({ weeklyMax: 0, quietHours: { start: 25 }, cartRecoveryAudience: "everyone", smartSendingHours: "16", colour: "red" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.weeklyMax).toMatch(/at least 1/);
    expect(r.errors["quietHours.start"]).toMatch(/hour from 0 to 23/);
    expect(r.errors.cartRecoveryAudience).toMatch(/subscribers, checkout-email/);
    expect(r.errors.smartSendingHours).toMatch(/must be a number/);
    expect(r.errors.delivery).toMatch(/Unknown setting: colour/);
    expect(parseDeliverySettings("nope")).toEqual({ ok: false, errors: { delivery: "The delivery settings must be an object" } });
  });

  it("reads stored values leniently: a field that no longer validates falls back to its default", () => {
    expect(readDeliverySettings(null)).toEqual(DEFAULT_DELIVERY_SETTINGS);
    expect(readDeliverySettings({ weeklyMax: 2, smartSendingHours: -4 })).toEqual({ ...DEFAULT_DELIVERY_SETTINGS, weeklyMax: 2 });
  });

  it("knows quiet hours that wrap midnight, and none when start = end", () => {
    const q = { start: 21, end: 8 };
    expect([20, 21, 23, 0, 7, 8].map((h) => inQuietHours(h, q))).toEqual([false, true, true, true, true, false]);
    expect(inQuietHours(13, { start: 12, end: 14 })).toBe(true);
    expect(inQuietHours(3, { start: 5, end: 5 })).toBe(false);
  });
});
