import { describe, expect, it } from "vitest";
import { addToFitInput, emptyFitInput, FIT_SAMPLE_CUSTOMERS, netAmount, summarizeOrders, type OrderPoint } from "./history";

const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 10, 27, 15));
const at = (daysAgo: number, hour = 10) => new Date(Date.UTC(2026, 10, 27 - daysAgo, hour));
const order = (customerId: string, daysAgo: number, totalPrice: number, refundedAmount = 0, hour = 10): OrderPoint => ({ customerId, at: at(daysAgo, hour), totalPrice, refundedAmount });

describe("order history → summaries in days", () => {
  it("merges same-day orders, does not count the first purchase, and averages repeat spend only", () => {
    const [a] = summarizeOrders(
      [
        order("a", 100, 9_000), // first purchase: not a repeat, not in m_x
        order("a", 60, 2_000, 0, 9),
        order("a", 60, 1_000, 0, 18), // same day: one transaction of 3,000
        order("a", 10, 5_000, 2_000), // net 3,000
      ],
      NOW,
    );
    expect(a).toMatchObject({ id: "a", x: 2, tx: 90, T: 100, mx: 3_000 });
  });

  it("gives one-time buyers x = 0, t_x = 0, m_x = 0, and ignores orders after now", () => {
    const s = summarizeOrders([order("b", 30, 4_000), order("c", -2, 4_000), order("b", -1, 4_000)], NOW);
    expect(s).toEqual([{ id: "b", x: 0, tx: 0, T: 30, mx: 0, xStar: 0, firstDay: Math.floor(at(30).getTime() / DAY) }]);
  });

  it("nets refunds, never below zero", () => {
    expect(netAmount({ totalPrice: 5_000, refundedAmount: 1_500 })).toBe(3_500);
    expect(netAmount({ totalPrice: 5_000, refundedAmount: 9_000 })).toBe(0);
  });

  it("accumulates a shop's pages: stats over every customer, the summaries the fit needs", () => {
    const input = emptyFitInput();
    addToFitInput(input, summarizeOrders([order("a", 50, 1_000), order("b", 50, 2_000), order("c", 80, 1_000), order("c", 20, 3_000)], NOW), 4);
    addToFitInput(input, summarizeOrders([order("d", 50, 7_000), order("e", 40, 1_000), order("e", 30, 0, 0)], NOW), 3);
    expect(input.sample).toEqual([
      { x: 0, tx: 0, T: 50, mx: 0 },
      { x: 0, tx: 0, T: 50, mx: 0 },
      { x: 1, tx: 60, T: 80, mx: 3_000 },
      { x: 0, tx: 0, T: 50, mx: 0 },
      { x: 1, tx: 10, T: 40, mx: 0 },
    ]);
    expect(input.stats).toEqual({ customers: 5, repeatBuyers: 2, spendCustomers: 1, orders: 7, firstOrderAt: Math.floor(at(80).getTime() / DAY) * DAY });
  });

  it("keeps a bounded, uniform, reproducible sample of a large shop (stats still count everyone)", () => {
    const build = () => {
      const input = emptyFitInput();
      for (let page = 0; page < 30; page++) {
        const summaries = Array.from({ length: 1_000 }, (_, i) => ({ id: `c${page}_${i}`, x: page % 3, tx: page % 3 ? page : 0, T: 100, mx: page % 3 ? 500 : 0, xStar: 0, firstDay: 20_000 }));
        addToFitInput(input, summaries, 1_000);
      }
      return input;
    };
    const input = build();
    expect(input.stats).toMatchObject({ customers: 30_000, repeatBuyers: 20_000, spendCustomers: 20_000, orders: 30_000 });
    expect(input.sample).toHaveLength(FIT_SAMPLE_CUSTOMERS);
    // Every page equally likely: each of 30 pages holds about 1/30 of the sample.
    const firstThird = input.sample.filter((c) => c.x === 0).length / FIT_SAMPLE_CUSTOMERS;
    expect(firstThird).toBeGreaterThan(0.3);
    expect(firstThird).toBeLessThan(0.37);
    const lastPage = input.sample.filter((c) => c.tx === 29).length; // x = 2 on page 29
    expect(lastPage).toBeGreaterThan(FIT_SAMPLE_CUSTOMERS / 30 / 1.4);
    expect(lastPage).toBeLessThan((FIT_SAMPLE_CUSTOMERS / 30) * 1.4);
    expect(build().sample).toEqual(input.sample);
  });
});
