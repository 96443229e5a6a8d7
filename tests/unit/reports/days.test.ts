import { describe, expect, it } from "vitest";
import { addDays, dayBounds, dayOf, daysBetween, isDay, shopZone } from "~/core/reports/days";

describe("shop-local days", () => {
  it("an instant's day is the shop's calendar day", () => {
    const at = new Date("2026-11-02T03:30:00Z");
    expect(dayOf(at, "UTC")).toBe("2026-11-02");
    expect(dayOf(at, "America/New_York")).toBe("2026-11-01");
    expect(dayOf(at, "Asia/Tokyo")).toBe("2026-11-02");
  });
  it("a day's bounds cover 23, 24 or 25 hours across DST changes", () => {
    const hours = (day: string, zone: string) => {
      const { start, end } = dayBounds(day, zone);
      return (end.getTime() - start.getTime()) / 3_600_000;
    };
    expect(hours("2026-11-01", "America/New_York")).toBe(25);
    expect(hours("2026-03-08", "America/New_York")).toBe(23);
    expect(hours("2026-06-01", "America/New_York")).toBe(24);
    expect(dayBounds("2026-11-01", "America/New_York").start.toISOString()).toBe("2026-11-01T04:00:00.000Z");
    const { start, end } = dayBounds("2026-11-01", "America/New_York");
    expect(dayOf(start, "America/New_York")).toBe("2026-11-01");
    expect(dayOf(new Date(end.getTime() - 1), "America/New_York")).toBe("2026-11-01");
    expect(dayOf(end, "America/New_York")).toBe("2026-11-02");
  });
  it("day arithmetic and validation", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(daysBetween("2026-01-01", "2026-12-31")).toBe(364);
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2028-02-29")).toBe(true);
    expect(isDay("2026-1-01")).toBe(false);
    expect(isDay(20260101)).toBe(false);
    expect(shopZone("Not/AZone")).toBe("UTC");
    expect(shopZone("Europe/London")).toBe("Europe/London");
  });
});
