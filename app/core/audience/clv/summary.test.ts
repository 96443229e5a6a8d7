import { describe, expect, it } from "vitest";
import { summarize, type Transaction } from "./summary";

const at = (iso: string) => Date.parse(iso);
const tx = (customerId: string, iso: string, amount: number): Transaction => ({ customerId, at: at(iso), amount });

describe("summarize (Fader–Hardie conventions)", () => {
  const data = [
    tx("a", "2024-01-01", 10),
    tx("a", "2024-01-01T18:00:00Z", 5), // same day as the first purchase: merged, still the birth
    tx("a", "2024-01-08", 20),
    tx("a", "2024-01-08T09:00:00Z", 4), // merged with the 8th: one repeat worth 24
    tx("a", "2024-01-15", 36),
    tx("a", "2024-02-05", 7), // holdout
    tx("a", "2024-02-05T12:00:00Z", 7), // same holdout day: one x*
    tx("a", "2024-02-06", 7),
    tx("b", "2024-01-22", 99), // one purchase only
    tx("c", "2024-02-01", 50), // first purchase after the calibration end: excluded
    tx("d", "2024-03-30", 50), // after the holdout: ignored entirely
  ];
  const options = { calibrationEnd: at("2024-01-29"), holdoutEnd: at("2024-02-26") };

  it("merges same-day purchases, does not count the first, and averages repeat spend", () => {
    const s = summarize(data, options);
    expect(s.unit).toBe("week");
    expect(s.excludedLate).toBe(1);
    expect(s.holdoutLength).toBe(4);
    const byId = Object.fromEntries(s.customers.map((c) => [c.id, c]));
    expect(Object.keys(byId).sort()).toEqual(["a", "b"]);
    expect(byId.a).toMatchObject({ x: 2, tx: 2, T: 4, mx: 30, xStar: 2 });
    expect(byId.b).toMatchObject({ x: 0, tx: 0, T: 1, mx: 0, xStar: 0 });
  });

  it("counts in days with unit: day, and without a holdout leaves x* at 0", () => {
    const s = summarize(data, { calibrationEnd: options.calibrationEnd, unit: "day" });
    const a = s.customers.find((c) => c.id === "a")!;
    expect(a).toMatchObject({ x: 2, tx: 14, T: 28, mx: 30, xStar: 0 });
    expect(s.holdoutLength).toBe(0);
    expect(s.excludedLate).toBe(0); // c and d are after the calibration end and there is no holdout
  });

  it("uses the UTC calendar day: the calibration end day is included whatever its time", () => {
    const s = summarize([tx("e", "2024-01-01", 1), tx("e", "2024-01-29T23:59:59Z", 2)], { calibrationEnd: at("2024-01-29T00:00:00Z") });
    expect(s.customers[0]).toMatchObject({ x: 1, tx: 4, T: 4, mx: 2 });
  });

  it("rejects a holdout that does not follow the calibration period", () => {
    expect(() => summarize(data, { calibrationEnd: at("2024-01-29"), holdoutEnd: at("2024-01-29") })).toThrow(/after the calibration end/);
  });
});
