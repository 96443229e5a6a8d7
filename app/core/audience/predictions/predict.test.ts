import { describe, expect, it } from "vitest";
import { conditionalExpectedPurchases } from "../clv/bgnbd";
import { customerLifetimeValue } from "../clv/gamma-gamma";
import { predictCustomer } from "../clv/model";
import { createPredictor, NO_PREDICTION } from "./predict";
import { summarizeOrders } from "./history";

// CDNOW's published parameters, with α in days (α weeks × 7) and γ in cents.
const BG = { r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 };
const GG = { p: 6.25, q: 3.74, gamma: 1544 };
const NOW = new Date(Date.UTC(2026, 10, 27, 12));
const DAY = 86_400_000;

const customers = [
  { id: "regular", x: 8, tx: 170, T: 180, mx: 4_000, xStar: 0, firstDay: 0 },
  { id: "lapsed", x: 8, tx: 60, T: 400, mx: 4_000, xStar: 0, firstDay: 0 },
  { id: "once", x: 0, tx: 0, T: 30, mx: 0, xStar: 0, firstDay: 0 },
  { id: "big", x: 3, tx: 80, T: 90, mx: 25_000, xStar: 0, firstDay: 0 },
];

describe("predictions from a stored fit", () => {
  const predict = createPredictor(BG, GG, NOW);

  it("agrees with the CLV module's per-customer predictions", () => {
    for (const c of customers) {
      const mine = predict(c);
      const reference = predictCustomer(BG, GG, c, "day");
      expect(mine.pAlive).toBeCloseTo(reference.pAlive, 12);
      expect(mine.churnRisk).toBe(reference.churnRisk);
      expect(mine.expectedOrders30).toBeCloseTo(reference.expected30, 12);
      expect(mine.expectedOrders90).toBeCloseTo(reference.expected90, 12);
      expect(mine.expectedOrders365).toBeCloseTo(reference.expected365, 12);
      expect(Math.abs(mine.predictedClv12m! - customerLifetimeValue(BG, GG, c, { unit: "day" }))).toBeLessThanOrEqual(0.5);
      if (reference.daysToNextOrder === null) expect(mine.nextOrderAt).toBeNull();
      else expect(Math.abs((mine.nextOrderAt!.getTime() - NOW.getTime()) / DAY - reference.daysToNextOrder)).toBeLessThan(0.01);
    }
  });

  it("ranks a regular recent buyer above one who stopped, on every measure", () => {
    const regular = predict(customers[0]!);
    const lapsed = predict(customers[1]!);
    expect(regular.pAlive!).toBeGreaterThan(0.85);
    expect(lapsed.pAlive!).toBeLessThan(0.1);
    expect([regular.churnRisk, lapsed.churnRisk]).toEqual(["low", "high"]);
    expect(regular.expectedOrders90!).toBeGreaterThan(lapsed.expectedOrders90!);
    expect(regular.predictedClv12m!).toBeGreaterThan(10 * lapsed.predictedClv12m!);
    expect(regular.nextOrderAt).not.toBeNull();
    expect(lapsed.nextOrderAt).toBeNull(); // not expected to order within two years
    expect(regular.expectedOrders30!).toBeLessThan(regular.expectedOrders90!);
    expect(regular.expectedOrders90!).toBeLessThan(regular.expectedOrders365!);
  });

  it("dates the next order from now: E[orders until then] = 1", () => {
    const p = predict(customers[0]!);
    const days = (p.nextOrderAt!.getTime() - NOW.getTime()) / DAY;
    expect(conditionalExpectedPurchases(BG, customers[0]!, days)).toBeCloseTo(1, 3);
  });

  it("leaves the lifetime value empty without a spend model, and gives whole minor units otherwise", () => {
    const noSpend = createPredictor(BG, null, NOW)(customers[3]!);
    expect(noSpend.pAlive).toBeCloseTo(predict(customers[3]!).pAlive!, 12);
    expect(noSpend.predictedClv12m).toBeNull();
    expect(Number.isInteger(predict(customers[3]!).predictedClv12m)).toBe(true);
  });

  it("gives no prediction when the model's numbers are not finite", () => {
    const broken = createPredictor({ r: NaN, alpha: 1, a: 1, b: 1 }, GG, NOW);
    expect(broken(customers[0]!)).toEqual(NO_PREDICTION);
  });

  it("works from order history end to end (summary in days, as of now)", () => {
    const orders = [0, 30, 60, 90].map((d) => ({ customerId: "a", at: new Date(NOW.getTime() - (120 - d) * DAY), totalPrice: 5_000, refundedAmount: 0 }));
    const [summary] = summarizeOrders(orders, NOW);
    expect(summary).toMatchObject({ x: 3, tx: 90, T: 120, mx: 5_000 });
    expect(predict(summary!).pAlive).toBeCloseTo(predictCustomer(BG, GG, summary!, "day").pAlive, 12);
  });
});
