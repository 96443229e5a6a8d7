import { describe, expect, it } from "vitest";
import {
  complaintStatus,
  deliverabilityOf,
  deliveryRates,
  emptyCounts,
  formatRate,
  MIN_DELIVERED_FOR_COMPLAINT_WARNING,
  type DeliveryCounts,
} from "~/core/delivery/deliverability";

const counts = (o: Partial<DeliveryCounts>): DeliveryCounts => ({ ...emptyCounts(), ...o });

describe("deliveryRates", () => {
  it("divides by sent for bounces and drops, by delivered for the rest", () => {
    const r = deliveryRates(counts({ sent: 1000, delivered: 980, bounced: 15, dropped: 5, opened: 490, machineOpenedOnly: 300, clicked: 49, unsubscribed: 4, spamReports: 1 }));
    expect(r.bounceRate).toBeCloseTo(0.015);
    expect(r.dropRate).toBeCloseTo(0.005);
    expect(r.deliveryRate).toBeCloseTo(0.98);
    expect(r.openRate).toBeCloseTo(0.5); // machine opens are not in it
    expect(r.clickRate).toBeCloseTo(0.05);
    expect(r.unsubscribeRate).toBeCloseTo(4 / 980);
    expect(r.spamComplaintRate).toBeCloseTo(1 / 980);
  });

  it("is null, not NaN or 0, with nothing to divide by", () => {
    expect(Object.values(deliveryRates(emptyCounts()))).toEqual([null, null, null, null, null, null, null]);
    expect(deliveryRates(counts({ sent: 10, bounced: 10 })).spamComplaintRate).toBeNull();
  });
});

describe("complaintStatus: Gmail's 0.1% and 0.3% lines", () => {
  const n = MIN_DELIVERED_FOR_COMPLAINT_WARNING;
  it("ok under 0.1%, warn from 0.1%, alarm from 0.3%", () => {
    expect(complaintStatus({ delivered: 10_000, spamReports: 7 }).level).toBe("ok");
    expect(complaintStatus({ delivered: 10_000, spamReports: 8 })).toMatchObject({ level: "warn", message: expect.stringContaining("approaching Gmail's recommended 0.1%") });
    expect(complaintStatus({ delivered: 10_000, spamReports: 24 }).message).toContain("approaching Gmail's 0.3% limit");
    expect(complaintStatus({ delivered: 10_000, spamReports: 23 }).message).not.toContain("approaching");
    expect(complaintStatus({ delivered: 10_000, spamReports: 10 }).level).toBe("warn");
    expect(complaintStatus({ delivered: 10_000, spamReports: 29 }).level).toBe("warn");
    expect(complaintStatus({ delivered: 10_000, spamReports: 30 }).level).toBe("alarm");
    expect(complaintStatus({ delivered: 10_000, spamReports: 30 }).message).toContain("0.30%");
    expect(complaintStatus({ delivered: 10_000, spamReports: 0 })).toMatchObject({ level: "ok", rate: 0 });
  });

  it("says 'too few' below the minimum sample instead of warning on one complaint", () => {
    expect(complaintStatus({ delivered: n - 1, spamReports: 1 })).toMatchObject({ level: "too-few", rate: 1 / (n - 1) });
    expect(complaintStatus({ delivered: n, spamReports: 1 }).level).toBe("warn");
    expect(complaintStatus({ delivered: 0, spamReports: 0 })).toMatchObject({ level: "too-few", rate: null });
    expect(complaintStatus({ delivered: 200, spamReports: 1 }, { minDelivered: 100 }).level).toBe("alarm");
  });
});

it("deliverabilityOf puts counts, rates and the complaint status together; formatRate shows two decimals", () => {
  const d = deliverabilityOf(counts({ sent: 2000, delivered: 2000, spamReports: 3 }));
  expect(d.complaints.level).toBe("warn");
  expect(d.rates.spamComplaintRate).toBeCloseTo(0.0015);
  expect(formatRate(0.0015)).toBe("0.15%");
  expect(formatRate(null)).toBe("–");
});
