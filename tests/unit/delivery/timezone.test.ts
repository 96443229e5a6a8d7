import { describe, expect, it } from "vitest";
import { customerTimeZone, localHour, localParts, nextLocalHour, offsetMinutes, zonedInstant } from "~/core/delivery/timezone";

describe("customerTimeZone", () => {
  it("reads US, Canadian and Australian states by code or name, and single-zone countries", () => {
    expect(customerTimeZone({ countryCode: "US", province: "California" })).toBe("America/Los_Angeles");
    expect(customerTimeZone({ countryCode: "us", province: "NY" })).toBe("America/New_York");
    expect(customerTimeZone({ countryCode: "US", province: "Texas" })).toBe("America/Chicago");
    expect(customerTimeZone({ countryCode: "CA", province: "British Columbia" })).toBe("America/Vancouver");
    expect(customerTimeZone({ countryCode: "CA", province: "Québec" })).toBe("America/Toronto");
    expect(customerTimeZone({ countryCode: "AU", province: "WA" })).toBe("Australia/Perth");
    expect(customerTimeZone({ countryCode: "GB", province: "England" })).toBe("Europe/London");
    expect(customerTimeZone({ countryCode: "DE", province: null })).toBe("Europe/Berlin");
    expect(customerTimeZone({ countryCode: "US", province: "Atlantis" })).toBe("America/New_York");
  });

  it("falls back to the shop's zone, then UTC", () => {
    expect(customerTimeZone({ countryCode: "ZZ" }, "Europe/Paris")).toBe("Europe/Paris");
    expect(customerTimeZone(null, "Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(customerTimeZone(null, "Not/AZone")).toBe("UTC");
    expect(customerTimeZone(undefined, null)).toBe("UTC");
  });
});

describe("local clock arithmetic", () => {
  it("gives local hours and offsets across daylight saving", () => {
    expect(localHour(new Date("2026-07-01T12:00:00Z"), "America/New_York")).toBe(8);
    expect(localHour(new Date("2026-12-01T12:00:00Z"), "America/New_York")).toBe(7);
    expect(offsetMinutes(new Date("2026-07-01T12:00:00Z"), "Asia/Kolkata")).toBe(330);
    expect(zonedInstant("America/New_York", 2026, 3, 8, 10).toISOString()).toBe("2026-03-08T14:00:00.000Z"); // the DST day, after the jump
    expect(zonedInstant("America/New_York", 2026, 3, 7, 10).toISOString()).toBe("2026-03-07T15:00:00.000Z");
    expect(zonedInstant("Europe/London", 2026, 10, 25, 1).toISOString()).toBe("2026-10-25T00:00:00.000Z"); // repeated hour: the first
  });

  it("finds the next occurrence of a local hour", () => {
    const from = new Date("2026-05-10T18:30:00Z"); // 14:30 in New York
    expect(nextLocalHour(from, 20, "America/New_York").toISOString()).toBe("2026-05-11T00:00:00.000Z");
    expect(nextLocalHour(from, 9, "America/New_York").toISOString()).toBe("2026-05-11T13:00:00.000Z");
    expect(nextLocalHour(new Date("2026-05-11T13:00:00Z"), 9, "America/New_York").toISOString()).toBe("2026-05-11T13:00:00.000Z");
  });
});

describe("cached offsets", () => {
  it("agree with Intl at every instant tried, across DST and half-hour zones", () => {
    const zones = ["America/New_York", "America/St_Johns", "Asia/Kolkata", "Australia/Adelaide", "Europe/London", "Pacific/Auckland", "UTC"];
    const formats = new Map(zones.map((zone) => [zone, new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" })]));
    let t = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 1500; i++) {
      t += 2 * 2_917_000 + (i % 7) * 61_000; // about 97 min apart, drifting through the minutes
      for (const zone of zones) {
        const p = Object.fromEntries(formats.get(zone)!.formatToParts(new Date(t)).filter((x) => x.type !== "literal").map((x) => [x.type, Number(x.value)]));
        const mine = localParts(new Date(t), zone);
        expect([mine.year, mine.month, mine.day, mine.hour, mine.minute]).toEqual([p.year, p.month, p.day, p.hour! % 24, p.minute]);
      }
    }
  });
});

