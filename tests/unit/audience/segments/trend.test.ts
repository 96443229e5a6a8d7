import { describe, expect, it } from "vitest";
import { knownTimeZone, lastDates, localDate, nextDate, reconstructTrend, startOfLocalDay } from "~/core/audience/segments/trend";

describe("trend dates", () => {
  it("are the shop's calendar days, today last, across a DST change", () => {
    // Los Angeles springs forward on 2026-03-08: that day has 23 hours, and is still one day.
    expect(lastDates(new Date("2026-03-09T20:00:00Z"), 3, "America/Los_Angeles")).toEqual(["2026-03-07", "2026-03-08", "2026-03-09"]);
    // 05:00 UTC on June 2 is still June 1 in Los Angeles and already June 2 in Auckland.
    const at = new Date("2026-06-02T05:00:00Z");
    expect(localDate(at, "America/Los_Angeles")).toBe("2026-06-01");
    expect(localDate(at, "Pacific/Auckland")).toBe("2026-06-02");
    expect(lastDates(at, 2, "UTC")).toEqual(["2026-06-01", "2026-06-02"]);
    expect(lastDates(new Date("2026-01-01T01:00:00Z"), 2, "UTC")).toEqual(["2025-12-31", "2026-01-01"]);
  });

  it("start at the first instant of the local date, every day of a year, DST gaps at midnight included", () => {
    for (const zone of ["UTC", "America/Los_Angeles", "Pacific/Auckland", "America/Santiago", "Asia/Kolkata", "America/Havana"]) {
      let date = "2026-01-01";
      for (let i = 0; i < 366; i++) {
        const start = startOfLocalDay(date, zone);
        expect(localDate(start, zone), `${zone} ${date}`).toBe(date);
        expect(localDate(new Date(start.getTime() - 1), zone) < date, `${zone} ${date}`).toBe(true);
        date = nextDate(date);
      }
    }
    expect(startOfLocalDay("2026-06-01", "America/Los_Angeles").toISOString()).toBe("2026-06-01T07:00:00.000Z");
    expect(nextDate("2026-12-31")).toBe("2027-01-01");
  });

  it("fall back to UTC for an unknown or missing zone", () => {
    expect(knownTimeZone("Mars/Olympus_Mons")).toBe("UTC");
    expect(knownTimeZone(null)).toBe("UTC");
    expect(knownTimeZone("Europe/Paris")).toBe("Europe/Paris");
  });
});

describe("reconstructTrend", () => {
  const t = (iso: string, kind: string, count: number) => ({ at: new Date(iso), kind, count });
  const dates = ["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04"];

  it("subtracts what entered and adds back what left after each day", () => {
    const transitions = [
      t("2026-06-01T10:00:00Z", "entered", 5), // before the end of June 1: already in June 1's size
      t("2026-06-02T10:00:00Z", "entered", 3),
      t("2026-06-02T11:00:00Z", "left", 1),
      t("2026-06-04T08:00:00Z", "left", 2),
      t("2026-06-04T09:00:00Z", "entered", 1),
      t("2026-06-04T09:00:00Z", "renamed", 99), // not a transition kind: ignored
    ];
    expect(reconstructTrend(6, transitions, dates, "UTC")).toEqual([
      { date: "2026-06-01", size: 5 },
      { date: "2026-06-02", size: 7 },
      { date: "2026-06-03", size: 7 },
      { date: "2026-06-04", size: 6 },
    ]);
  });

  it("counts a transition on its date in the shop's zone", () => {
    const late = [t("2026-06-02T05:00:00Z", "entered", 1)]; // June 1, 22:00 in Los Angeles
    expect(reconstructTrend(1, late, dates, "America/Los_Angeles").map((p) => p.size)).toEqual([1, 1, 1, 1]);
    expect(reconstructTrend(1, late, dates, "UTC").map((p) => p.size)).toEqual([0, 1, 1, 1]);
  });

  it("is flat with no transitions", () => {
    expect(reconstructTrend(4, [], dates, "UTC").map((p) => p.size)).toEqual([4, 4, 4, 4]);
  });
});
