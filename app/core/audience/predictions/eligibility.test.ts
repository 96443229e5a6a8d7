import { describe, expect, it } from "vitest";
import { historyDays, MIN_CUSTOMERS_WITH_ORDERS, MIN_HISTORY_DAYS, MIN_REPEAT_BUYERS, MIN_SPEND_CUSTOMERS, purchaseModelEligibility, spendModelEligibility, type HistoryStats } from "./eligibility";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 27, 12);
const enough: HistoryStats = { customers: 200, repeatBuyers: 50, spendCustomers: 50, orders: 400, firstOrderAt: NOW - 90 * DAY };

describe("prediction eligibility", () => {
  it("states the thresholds: 200 customers, 50 repeat buyers, 90 days, 50 paying repeat buyers", () => {
    expect([MIN_CUSTOMERS_WITH_ORDERS, MIN_REPEAT_BUYERS, MIN_HISTORY_DAYS, MIN_SPEND_CUSTOMERS]).toEqual([200, 50, 90, 50]);
  });

  it("accepts a shop exactly at every threshold", () => {
    expect(purchaseModelEligibility(enough, NOW)).toEqual({ eligible: true });
    expect(spendModelEligibility(enough)).toEqual({ eligible: true });
  });

  it("says what is missing with the shop's own counts", () => {
    const r = purchaseModelEligibility({ ...enough, customers: 37, repeatBuyers: 4 }, NOW);
    expect(r).toEqual({
      eligible: false,
      reason: "Predictions start once 200 customers have ordered and 50 have ordered again on a later day; you have 37 and 4.",
    });
    expect(purchaseModelEligibility({ ...enough, customers: 199 }, NOW).eligible).toBe(false);
    expect(purchaseModelEligibility({ ...enough, repeatBuyers: 49 }, NOW).eligible).toBe(false);
  });

  it("counts whole days of history and names the first day predictions can start", () => {
    const young = { ...enough, firstOrderAt: NOW - 89 * DAY - 3_600_000 };
    expect(historyDays(young, NOW)).toBe(89);
    const r = purchaseModelEligibility(young, NOW);
    expect(r).toEqual({ eligible: false, reason: "Predictions need 90 days of order history; the first order is 89 days old, so 2026-11-28 at the earliest." });
    const both = purchaseModelEligibility({ ...young, customers: 10, repeatBuyers: 1 }, NOW);
    expect(both.eligible).toBe(false);
    if (!both.eligible) expect(both.reason).toMatch(/you have 10 and 1\. They also need 90 days of order history; the first order is 89 days old/);
    const none = purchaseModelEligibility({ customers: 0, repeatBuyers: 0, spendCustomers: 0, orders: 0, firstOrderAt: null }, NOW);
    if (!none.eligible) expect(none.reason).toMatch(/you have 0 and 0\. They also need 90 days of order history; there are no orders yet\./);
  });

  it("holds back lifetime value alone when too few repeat buyers paid", () => {
    const r = spendModelEligibility({ ...enough, spendCustomers: 12 });
    expect(r.eligible).toBe(false);
    if (!r.eligible) expect(r.reason).toMatch(/once 50 customers have paid for a repeat order; you have 12\. Churn risk and expected orders are available/);
  });
});
