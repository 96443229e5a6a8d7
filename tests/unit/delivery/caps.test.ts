import { describe, expect, it } from "vitest";
import { byClaimOrder, capDecision } from "~/core/delivery/caps";

const now = new Date("2026-06-01T12:00:00Z");
const ago = (h: number, m = 0) => ({ at: new Date(now.getTime() - (h * 60 + m) * 60_000) });
const settings = { smartSendingHours: 16, weeklyMax: 5 };

describe("capDecision", () => {
  it("holds a second email inside the smart-sending window, not after it", () => {
    expect(capDecision(now, [ago(15, 59)], settings)).toEqual({ ok: false, reason: "smart-sending" });
    expect(capDecision(now, [ago(16, 1)], settings)).toEqual({ ok: true });
    expect(capDecision(now, [ago(16)], settings)).toEqual({ ok: true });
    expect(capDecision(now, [], settings)).toEqual({ ok: true });
    expect(capDecision(now, [ago(1)], { ...settings, smartSendingHours: 0 })).toEqual({ ok: true });
  });

  it("counts the weekly maximum over the last 7 days", () => {
    const four = [ago(20), ago(40), ago(60), ago(80)];
    expect(capDecision(now, four, settings)).toEqual({ ok: true });
    expect(capDecision(now, [...four, ago(100)], settings)).toEqual({ ok: false, reason: "weekly-cap" });
    expect(capDecision(now, [...four, ago(7 * 24, 1)], settings)).toEqual({ ok: true });
  });

  it("orders due messages by priority, then age", () => {
    const a = { id: "a", priority: 30, scheduledFor: new Date(1) };
    const b = { id: "b", priority: 100, scheduledFor: new Date(5) };
    const c = { id: "c", priority: 100, scheduledFor: new Date(2) };
    expect([a, b, c].sort(byClaimOrder).map((x) => x.id)).toEqual(["c", "b", "a"]);
  });
});
