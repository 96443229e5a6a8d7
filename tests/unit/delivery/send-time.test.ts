import { describe, expect, it } from "vitest";
import { chooseLocalHour, emptyHistogram, hourDistribution, hourHistogram, outOfQuietHours, plannedSendTime } from "~/core/delivery/send-time";
import { localHour } from "~/core/delivery/timezone";

const QUIET = { start: 21, end: 8 };
const hist = (entries: Record<number, number>) => {
  const h = emptyHistogram();
  for (const [hour, n] of Object.entries(entries)) h[Number(hour)] = n;
  return h;
};
const noExplore = { quiet: QUIET, exploration: 0, seed: "m1:1" };

describe("chooseLocalHour", () => {
  it("follows a person with plenty of history", () => {
    const choice = chooseLocalHour({ personal: hist({ 19: 12, 20: 6 }), segment: hist({ 10: 200 }), shop: hist({ 10: 1000 }) }, noExplore);
    expect(choice).toEqual({ hour: 19, explored: false });
  });

  it("shrinks a person with little history towards their segment, and a small segment towards the shop", () => {
    const segment = hist({ 13: 80 });
    // One order at 18:00 is not enough against a segment of 80 at 13:00.
    expect(chooseLocalHour({ personal: hist({ 18: 1 }), segment, shop: hist({ 10: 500 }) }, noExplore).hour).toBe(13);
    // With no segment evidence the shop's hour wins; with nothing at all, the daytime default (10:00 or 19:00).
    expect(chooseLocalHour({ personal: emptyHistogram(), segment: null, shop: hist({ 16: 300 }) }, noExplore).hour).toBe(16);
    expect([10, 19]).toContain(chooseLocalHour({ personal: emptyHistogram(), segment: null, shop: null }, noExplore).hour);
    // Posterior sums to 1.
    const p = hourDistribution({ personal: hist({ 18: 1 }), segment, shop: null });
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it("never picks a quiet hour, even when that is when the person clicks", () => {
    const choice = chooseLocalHour({ personal: hist({ 23: 40, 0: 20 }), segment: null, shop: null }, noExplore);
    expect(choice.hour).toBe(20); // the allowed hour nearest their night-time habit
    for (let i = 0; i < 200; i++) {
      const c = chooseLocalHour({ personal: hist({ 23: 40 }), segment: null, shop: null }, { quiet: QUIET, exploration: 0.5, seed: `k${i}` });
      expect(c.hour >= 8 && c.hour < 21).toBe(true);
    }
  });

  it("explores a seeded share of sends, the same way for the same key", () => {
    const evidence = { personal: hist({ 11: 30 }), segment: null, shop: null };
    const picks = Array.from({ length: 2000 }, (_, i) => chooseLocalHour(evidence, { quiet: QUIET, exploration: 0.1, seed: `enrol-${i}:2` }));
    const explored = picks.filter((p) => p.explored);
    expect(explored.length / picks.length).toBeGreaterThan(0.08);
    expect(explored.length / picks.length).toBeLessThan(0.12);
    expect(explored.every((p) => p.hour !== 11)).toBe(true);
    expect(new Set(explored.map((p) => p.hour)).size).toBeGreaterThan(8);
    expect(chooseLocalHour(evidence, { quiet: QUIET, exploration: 0.1, seed: "enrol-7:2" })).toEqual(picks[7]);
  });
});

describe("hourHistogram", () => {
  it("counts at the local hour of the zone", () => {
    const h = hourHistogram([new Date("2026-06-01T23:30:00Z"), new Date("2026-06-02T00:10:00Z")], "America/Los_Angeles");
    expect(h[16]).toBe(1);
    expect(h[17]).toBe(1);
  });
});

describe("plannedSendTime and quiet hours", () => {
  const zone = "America/New_York";
  const now = new Date("2026-06-01T12:00:00Z");

  it("moves a day-3 email to the chosen hour on day 3, never before now", () => {
    const nominal = new Date("2026-06-04T14:00:00Z"); // 10:00 in New York
    const at = plannedSendTime(nominal, zone, 19, QUIET, now);
    expect(at.toISOString()).toBe("2026-06-04T23:00:00.000Z");
    expect(localHour(at, zone)).toBe(19);
    const early = plannedSendTime(nominal, zone, 7, { start: 22, end: 6 }, now); // 07:00 is 3 h before nominal: same day
    expect(early.toISOString()).toBe("2026-06-04T11:00:00.000Z");
    const past = plannedSendTime(new Date("2026-06-01T11:00:00Z"), zone, 9, QUIET, now);
    expect(past.getTime()).toBeGreaterThanOrEqual(now.getTime());
    expect(localHour(past, zone)).toBe(9);
  });

  it("moves a message due in quiet hours to their end and keeps one outside them", () => {
    const night = new Date("2026-06-02T03:30:00Z"); // 23:30 in New York
    expect(outOfQuietHours(night, zone, QUIET).toISOString()).toBe("2026-06-02T12:00:00.000Z"); // 08:00
    const early = new Date("2026-06-02T10:00:00Z"); // 06:00
    expect(outOfQuietHours(early, zone, QUIET).toISOString()).toBe("2026-06-02T12:00:00.000Z");
    const day = new Date("2026-06-02T16:00:00Z");
    expect(outOfQuietHours(day, zone, QUIET)).toBe(day);
    expect(plannedSendTime(night, zone, null, QUIET, now).toISOString()).toBe("2026-06-02T12:00:00.000Z");
  });
});
