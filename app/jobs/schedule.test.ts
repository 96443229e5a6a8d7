import { describe, expect, it } from "vitest";
import { DAILY_HOUR_UTC, DAILY_SPREAD_MINUTES, nextDailySlot, spreadMinutes } from "./schedule";

const at = (iso: string) => new Date(iso);

describe("daily slots", () => {
  it("spreads keys over two hours from 03:00 UTC, stably", () => {
    const offsets = Array.from({ length: 2_000 }, (_, i) => spreadMinutes(`shop-${i}.myshopify.com`));
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThan(DAILY_SPREAD_MINUTES);
    expect(new Set(offsets).size).toBeGreaterThan(100);
    expect(spreadMinutes("a.myshopify.com")).toBe(spreadMinutes("a.myshopify.com"));
    const hours = [0, 1].map((h) => offsets.filter((m) => Math.floor(m / 60) === h).length);
    expect(hours[0]! / 2_000).toBeGreaterThan(0.4);
    expect(hours[1]! / 2_000).toBeGreaterThan(0.4);
  });

  it("gives the first slot strictly after now, and its day", () => {
    const key = "a.myshopify.com";
    const m = spreadMinutes(key);
    const slotToday = new Date(Date.UTC(2026, 10, 27, DAILY_HOUR_UTC, m));
    expect(nextDailySlot(key, at("2026-11-27T00:30:00Z"))).toEqual({ runAt: slotToday, day: "2026-11-27" });
    expect(nextDailySlot(key, new Date(slotToday.getTime() - 1))).toEqual({ runAt: slotToday, day: "2026-11-27" });
    const tomorrow = new Date(slotToday.getTime() + 86_400_000);
    expect(nextDailySlot(key, slotToday)).toEqual({ runAt: tomorrow, day: "2026-11-28" });
    expect(nextDailySlot(key, at("2026-11-27T23:59:59Z"))).toEqual({ runAt: tomorrow, day: "2026-11-28" });
    expect(nextDailySlot(key, at("2026-12-31T23:00:00Z")).day).toBe("2027-01-01");
  });
});
