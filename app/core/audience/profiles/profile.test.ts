import { describe, expect, it } from "vitest";
import { computeProfile, daysBetween, profileFromAggregate, type ProfileOrder } from "./profile";

const now = new Date("2026-06-01T00:00:00Z");
const day = (d: string) => new Date(`${d}T12:00:00Z`);
const order = (createdAt: string, totalPrice: number, over: Partial<ProfileOrder> = {}): ProfileOrder => ({ createdAt: day(createdAt), totalPrice, refundedAmount: 0, cancelled: false, ...over });

describe("computeProfile", () => {
  it("counts orders that are not cancelled or test, net of refunds", () => {
    const p = computeProfile(
      {
        orders: [order("2026-01-01", 10_000), order("2026-01-31", 5_000, { refundedAmount: 2_000 }), order("2026-03-02", 3_000), order("2026-04-01", 99_999, { cancelled: true }), order("2026-05-01", 7_777, { test: true })],
        refundCount: 1,
        lineItemProductIds: ["p2", "p1", null, "p1"],
        productTypes: new Map([["p1", "Hats"], ["p2", "Scarves"]]),
        browseEvents: [],
      },
      now,
    );
    expect(p.orderCount).toBe(3);
    expect(p.totalSpent).toBe(16_000);
    expect(p.refundedAmount).toBe(2_000);
    expect(p.refundCount).toBe(1);
    expect(p.averageOrderValue).toBe(5_333);
    expect(p.firstOrderAt).toEqual(day("2026-01-01"));
    expect(p.lastOrderAt).toEqual(day("2026-03-02"));
    expect(p.avgDaysBetweenOrders).toBe(30); // (60 days) / 2 gaps
    expect(p.productIds).toEqual(["p1", "p2"]);
    expect(p.categories).toEqual(["Hats", "Scarves"]);
  });

  it("has no average gap with one order, and nothing with none", () => {
    const one = computeProfile({ orders: [order("2026-05-01", 4_200)], refundCount: 0, lineItemProductIds: [], productTypes: new Map(), browseEvents: [] }, now);
    expect(one).toMatchObject({ orderCount: 1, totalSpent: 4_200, averageOrderValue: 4_200, avgDaysBetweenOrders: null });
    const none = computeProfile({ orders: [order("2026-05-01", 4_200, { cancelled: true })], refundCount: 0, lineItemProductIds: [], productTypes: new Map(), browseEvents: [] }, now);
    expect(none).toMatchObject({ orderCount: 0, totalSpent: 0, averageOrderValue: 0, firstOrderAt: null, lastOrderAt: null, avgDaysBetweenOrders: null });
  });

  it("never reports negative spend when refunds exceed the total", () => {
    const p = profileFromAggregate({ orderCount: 1, grossSpent: 1_000, refundedAmount: 1_500, refundCount: 2, firstOrderAt: now, lastOrderAt: now, productIds: [], categories: [], lastViewedAt: null, views30d: 0 });
    expect(p.totalSpent).toBe(0);
    expect(p.averageOrderValue).toBe(0);
  });

  it("counts product views of the last 30 days and the last storefront event", () => {
    const p = computeProfile(
      {
        orders: [],
        refundCount: 0,
        lineItemProductIds: [],
        productTypes: new Map(),
        browseEvents: [
          { type: "product_viewed", occurredAt: day("2026-05-30") },
          { type: "product_viewed", occurredAt: day("2026-05-02") },
          { type: "product_viewed", occurredAt: day("2026-04-20") }, // older than 30 days
          { type: "page_viewed", occurredAt: day("2026-05-31") },
        ],
      },
      now,
    );
    expect(p.views30d).toBe(2);
    expect(p.lastViewedAt).toEqual(day("2026-05-31"));
  });

  it("daysBetween floors and never goes negative", () => {
    expect(daysBetween(new Date("2026-05-30T01:00:00Z"), now)).toBe(1);
    expect(daysBetween(new Date("2026-07-01T00:00:00Z"), now)).toBe(0);
  });
});
