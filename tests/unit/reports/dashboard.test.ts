import { describe, expect, it } from "vitest";
import {
  byCampaign,
  byFlowType,
  byVariant,
  changePercent,
  changes,
  emptyReason,
  fillDays,
  metricsOf,
  parsePeriod,
  periodsEnding,
  sumCounts,
  type StatsRow,
} from "~/core/reports/dashboard";
import { customerLabel, funnelOf } from "~/core/reports/report";
import { flowName, formatChange, formatRate } from "~/components/reports/format";

const row = (over: Partial<StatsRow>): StatsRow => ({ campaignId: "c1", flowType: "cart-recovery", step: 0, variant: "A", sent: 0, delivered: 0, opened: 0, clicked: 0, orders: 0, revenue: 0, ...over });

describe("periods", () => {
  it("reads only the offered periods from ?days=, 30 otherwise", () => {
    expect([parsePeriod("7"), parsePeriod("90"), parsePeriod("365"), parsePeriod(null), parsePeriod("14"), parsePeriod("7.0x"), parsePeriod("")]).toEqual([7, 90, 365, 30, 30, 30, 30]);
  });

  it("ends the period today (included) and puts the previous one of equal length right before it, across a month and a leap day", () => {
    expect(periodsEnding("2028-03-02", 7)).toEqual({
      current: { from: "2028-02-25", to: "2028-03-02", days: 7 },
      previous: { from: "2028-02-18", to: "2028-02-24", days: 7 },
    });
    const { current, previous } = periodsEnding("2026-01-01", 365);
    expect(current.from).toBe("2025-01-02");
    expect(previous).toEqual({ from: "2024-01-03", to: "2025-01-01", days: 365 });
  });

  it("fills every day of the period with zeros, sums rows of the same day, and drops days outside it", () => {
    const period = periodsEnding("2026-05-04", 4).current;
    const series = fillDays(
      [
        { day: "2026-05-02", revenue: 1000, orders: 1 },
        { day: "2026-05-02", revenue: 250, orders: 1 },
        { day: "2026-05-04", revenue: null, orders: 2 },
        { day: "2026-04-30", revenue: 999, orders: 9 },
      ],
      period,
    );
    expect(series).toEqual([
      { day: "2026-05-01", revenue: 0, orders: 0 },
      { day: "2026-05-02", revenue: 1250, orders: 2 },
      { day: "2026-05-03", revenue: 0, orders: 0 },
      { day: "2026-05-04", revenue: 0, orders: 2 },
    ]);
  });
});

describe("metrics", () => {
  it("sums rows and divides by the right denominators, null where there is nothing to divide by", () => {
    const total = sumCounts([row({ sent: 10, delivered: 8, opened: 4, clicked: 2, orders: 1, revenue: 5000 }), row({ sent: 10, delivered: 8, opened: 0, clicked: 2, orders: 1, revenue: 1000 }), { sent: null }]);
    expect(total).toEqual({ sent: 20, delivered: 16, opened: 4, clicked: 4, orders: 2, revenue: 6000 });
    expect(metricsOf(total)).toMatchObject({ revenuePerRecipient: 300, deliveryRate: 0.8, openRate: 0.25, clickRate: 0.25, conversionRate: 0.125 });
    expect(metricsOf(sumCounts([]))).toMatchObject({ revenuePerRecipient: null, deliveryRate: null, openRate: null, clickRate: null, conversionRate: null });
    // Orders with nothing delivered in the period (sent before it): no rate, not infinity.
    expect(metricsOf(sumCounts([{ orders: 3, revenue: 900 }])).conversionRate).toBeNull();
  });

  it("gives the change in percent, null with nothing to compare with", () => {
    expect(changePercent(150, 100)).toBe(50);
    expect(changePercent(50, 100)).toBe(-50);
    expect(changePercent(100, 0)).toBeNull();
    expect(changePercent(null, 10)).toBeNull();
    const c = changes(metricsOf(sumCounts([{ sent: 10, delivered: 10, clicked: 5, revenue: 200 }])), metricsOf(sumCounts([{ sent: 5, delivered: 5, clicked: 1, revenue: 0 }])));
    expect(c).toMatchObject({ sent: 100, revenue: null, clickRate: expect.closeTo(150, 9), revenuePerRecipient: null });
  });
});

describe("breakdowns", () => {
  const rows = [
    row({ campaignId: "c1", flowType: "cart-recovery", step: 0, variant: "A", sent: 10, delivered: 10, clicked: 2, orders: 1, revenue: 3000 }),
    row({ campaignId: "c1", flowType: "cart-recovery", step: 0, variant: "B", sent: 10, delivered: 9, clicked: 3, orders: 2, revenue: 1000 }),
    row({ campaignId: "c1", flowType: "cart-recovery", step: 1, variant: "", sent: 5, delivered: 5 }),
    row({ campaignId: "c2", flowType: "welcome", step: 0, variant: "A", sent: 4, delivered: 4, orders: 1, revenue: 9000 }),
    row({ campaignId: "gone", flowType: "win-back", step: 0, variant: "A", sent: 1, delivered: 1 }),
  ];
  const campaigns = new Map([
    ["c1", { name: "Cart recovery", kind: "flow", flowType: "cart-recovery" }],
    ["c2", { name: "Welcome <b>", kind: "flow", flowType: "welcome" }],
  ]);

  it("groups by flow type, most revenue first", () => {
    expect(byFlowType(rows).map((f) => [f.flowType, f.sent, f.orders, f.revenue])).toEqual([
      ["welcome", 4, 1, 9000],
      ["cart-recovery", 25, 3, 4000],
      ["win-back", 1, 0, 0],
    ]);
  });

  it("groups by campaign with its name and kind; a deleted campaign is still counted, and named so", () => {
    const out = byCampaign(rows, campaigns);
    expect(out.map((c) => [c.campaignId, c.name, c.kind, c.revenue, c.clickRate])).toEqual([
      ["c2", "Welcome <b>", "flow", 9000, 0],
      ["c1", "Cart recovery", "flow", 4000, 5 / 24],
      ["gone", "Deleted campaign", "campaign", 0, 0],
    ]);
  });

  it("groups by (campaign, step, variant) in order", () => {
    expect(byVariant(rows).map((v) => `${v.campaignId}:${v.step}:${v.variant}:${v.revenue}`)).toEqual(["c1:0:A:3000", "c1:0:B:1000", "c1:1::0", "c2:0:A:9000", "gone:0:A:0"]);
  });

  it("says why nothing is attributed", () => {
    expect(emptyReason({ attributedOrders: 0, everSent: false, ordersInPeriod: 5 })).toBe("no-emails");
    expect(emptyReason({ attributedOrders: 0, everSent: true, ordersInPeriod: 0 })).toBe("no-orders");
    expect(emptyReason({ attributedOrders: 0, everSent: true, ordersInPeriod: 4 })).toBe("none-attributed");
    expect(emptyReason({ attributedOrders: 1, everSent: true, ordersInPeriod: 4 })).toBeNull();
  });
});

describe("report pieces", () => {
  it("builds the funnel with each stage's share of the one before and of sent", () => {
    expect(funnelOf({ sent: 100, delivered: 80, clicked: 20, orders: 5 })).toEqual([
      { key: "sent", label: "Sent", count: 100, rate: null, of: null, rateOfSent: null },
      { key: "delivered", label: "Delivered", count: 80, rate: 0.8, of: "sent", rateOfSent: 0.8 },
      { key: "clicked", label: "Clicked", count: 20, rate: 0.25, of: "delivered", rateOfSent: 0.2 },
      { key: "ordered", label: "Ordered", count: 5, rate: 0.0625, of: "delivered", rateOfSent: 0.05 },
    ]);
    expect(funnelOf({ sent: 0, delivered: 0, clicked: 0, orders: 1 }).at(-1)).toMatchObject({ rate: null, rateOfSent: null });
  });

  it("names the customer by name, else email, else Guest; an erased one says so", () => {
    const none = { firstName: null, lastName: null, email: null, redactedAt: null };
    expect(customerLabel({ email: "o@x.com", redactedAt: null }, { ...none, firstName: "Ada", lastName: " " })).toBe("Ada");
    expect(customerLabel({ email: "o@x.com", redactedAt: null }, none)).toBe("o@x.com");
    expect(customerLabel({ email: null, redactedAt: null }, null)).toBe("Guest");
    expect(customerLabel({ email: "o@x.com", redactedAt: new Date() }, { ...none, firstName: "Ada" })).toBe("Erased customer");
  });

  it("writes rates, changes and flow names", () => {
    expect([formatRate(null), formatRate(0), formatRate(0.25), formatRate(0.0123), formatRate(0.001)]).toEqual(["—", "0%", "25%", "1.2%", "0.10%"]);
    expect([formatChange(50), formatChange(-4.25), formatChange(0), formatChange(null), formatChange(null, false)]).toEqual(["+50%", "−4.3%", "no change", "", "new"]);
    expect([flowName("cart-recovery"), flowName("some_new-type"), flowName("")]).toEqual(["Cart recovery", "Some new type", "Other"]);
  });
});
