import { describe, expect, it } from "vitest";
import { conditionalExpectedPurchases, probabilityAlive } from "./bgnbd";
import { churnRiskBand, fitClvModels, predictCustomer, scoreHoldout } from "./model";
import { summarize, type Transaction } from "./summary";

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG = { p: 6.25, q: 3.74, gamma: 15.44 };

describe("CLV model glue", () => {
  it("bands churn risk (1 − P(alive)) at 0.3 and 0.7", () => {
    expect([churnRiskBand(1), churnRiskBand(0.71), churnRiskBand(0.7), churnRiskBand(0.31), churnRiskBand(0.3), churnRiskBand(0)]).toEqual(["low", "low", "medium", "medium", "high", "high"]);
  });

  it("predicts per customer in days whatever the fit's unit", () => {
    const c = { id: "1", x: 6, tx: 30, T: 32, mx: 3000, xStar: 0, firstDay: 0 };
    const weeks = predictCustomer(BG, GG, c, "week");
    expect(weeks.pAlive).toBeCloseTo(probabilityAlive(BG, c), 12);
    expect(weeks.expected90).toBeCloseTo(conditionalExpectedPurchases(BG, c, 90 / 7), 12);
    expect(weeks.expected30).toBeLessThan(weeks.expected90);
    expect(weeks.expected90).toBeLessThan(weeks.expected365);
    expect(weeks.daysToNextOrder).not.toBeNull();
    expect(conditionalExpectedPurchases(BG, c, weeks.daysToNextOrder! / 7)).toBeCloseTo(1, 4);
    expect(weeks.clv12).toBeGreaterThan(0);
    const days = predictCustomer({ ...BG, alpha: BG.alpha * 7 }, GG, { ...c, tx: c.tx * 7, T: c.T * 7 }, "day");
    expect(days.expected365).toBeCloseTo(weeks.expected365, 8);
    expect(days.daysToNextOrder!).toBeCloseTo(weeks.daysToNextOrder!, 2);
    expect(days.clv12).toBeCloseTo(weeks.clv12, 6);
  });

  it("fits both models and scores a holdout, with clear reasons when data is short", () => {
    const txs: Transaction[] = [];
    const day = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 300; i++) {
      const start = day + (i % 60) * 86_400_000;
      txs.push({ customerId: `c${i}`, at: start, amount: 1000 + i });
      for (let k = 1; k <= i % 5; k++) txs.push({ customerId: `c${i}`, at: start + k * (5 + (i % 13)) * 86_400_000, amount: 500 + 37 * k + i });
    }
    const summary = summarize(txs, { calibrationEnd: Date.UTC(2024, 3, 1), holdoutEnd: Date.UTC(2024, 5, 1) });
    const fits = fitClvModels(summary, { spendScale: 100 });
    expect(fits.bgnbd.status).toBe("ok");
    expect(fits.gammaGamma.status).toBe("ok");
    expect(fits.holdout).not.toBeNull();
    if (fits.bgnbd.status === "ok") expect(fits.holdout).toEqual(scoreHoldout(fits.bgnbd.params, summary));
    expect(fits.holdout!.actual).toBe(summary.customers.reduce((s, c) => s + c.xStar, 0));
    const small = fitClvModels(summarize(txs.slice(0, 40), { calibrationEnd: Date.UTC(2024, 3, 1) }));
    expect(small.bgnbd.status).toBe("insufficient-data");
    expect(small.gammaGamma.status).toBe("insufficient-data");
    expect(small.holdout).toBeNull();
  });
});
