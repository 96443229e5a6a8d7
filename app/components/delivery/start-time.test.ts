import { describe, expect, it } from "vitest";
import { parseStartTime, startTimeValue } from "./start-time";

describe("parseStartTime / startTimeValue", () => {
  it("reads a wall time in the shop's zone, across daylight saving", () => {
    expect(parseStartTime("2026-12-01T09:30", "Europe/Paris")).toEqual({ ok: true, at: new Date("2026-12-01T08:30:00Z") });
    expect(parseStartTime("2026-07-01T09:30", "Europe/Paris")).toEqual({ ok: true, at: new Date("2026-07-01T07:30:00Z") });
    expect(parseStartTime("2026-07-01T09:30", "America/New_York")).toEqual({ ok: true, at: new Date("2026-07-01T13:30:00Z") });
    // No zone (or a bad one) on the shop: UTC, never the server's own zone.
    expect(parseStartTime("2026-07-01T09:30", null)).toEqual({ ok: true, at: new Date("2026-07-01T09:30:00Z") });
    expect(parseStartTime("2026-07-01T09:30", "Mars/Olympus")).toEqual({ ok: true, at: new Date("2026-07-01T09:30:00Z") });
  });

  it("round-trips with the field's value", () => {
    const at = new Date("2026-03-29T10:15:00Z");
    const value = startTimeValue(at, "Europe/Paris");
    expect(value).toBe("2026-03-29T12:15");
    expect(parseStartTime(value, "Europe/Paris")).toEqual({ ok: true, at });
  });

  it("refuses what is not a date and time, with a sentence", () => {
    for (const bad of ["", "tomorrow", "2026-02-31T10:00", "2026-13-01T10:00", "2026-01-01T24:00", "2026-01-01"]) {
      const r = parseStartTime(bad, "Europe/Paris");
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/\.$/);
    }
  });
});
