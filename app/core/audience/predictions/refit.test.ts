import { describe, expect, it } from "vitest";
import { newOrdersForRefit, refitPolicy } from "./refit";

const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 10, 27, 12));
const fitted = (daysAgo: number, ordersAtFit = 1_000, status = "fitted") => ({ status, fittedAt: new Date(NOW.getTime() - daysAgo * DAY), ordersAtFit });

describe("refit policy", () => {
  it("fits a shop that has never been fitted", () => {
    expect(refitPolicy(null, 0, NOW)).toEqual({ due: true, reason: "no-fit" });
  });

  it("needs max(50, 10% of the orders at the fit) new orders", () => {
    expect([newOrdersForRefit(0), newOrdersForRefit(100), newOrdersForRefit(500), newOrdersForRefit(501), newOrdersForRefit(1_000), newOrdersForRefit(123_456)]).toEqual([50, 50, 50, 51, 100, 12_346]);
    expect(refitPolicy(fitted(1, 100), 49, NOW)).toEqual({ due: false, reason: "fresh" });
    expect(refitPolicy(fitted(1, 100), 50, NOW)).toEqual({ due: true, reason: "new-orders" });
    expect(refitPolicy(fitted(1, 1_000), 99, NOW)).toEqual({ due: false, reason: "fresh" });
    expect(refitPolicy(fitted(1, 1_000), 100, NOW)).toEqual({ due: true, reason: "new-orders" });
  });

  it("refits a fit 7 days old, not one a moment younger", () => {
    expect(refitPolicy(fitted(7), 0, NOW)).toEqual({ due: true, reason: "stale" });
    expect(refitPolicy({ ...fitted(7), fittedAt: new Date(NOW.getTime() - 7 * DAY + 1) }, 0, NOW)).toEqual({ due: false, reason: "fresh" });
  });

  it("tries again at every recompute while the last attempt found too little data or failed", () => {
    expect(refitPolicy(fitted(0, 10, "insufficient-data"), 0, NOW)).toEqual({ due: true, reason: "no-fit" });
    expect(refitPolicy(fitted(2, 10, "failed"), 3, NOW)).toEqual({ due: true, reason: "no-fit" });
  });

  it("names new orders first, so the live path can act on them alone", () => {
    expect(refitPolicy(fitted(9, 100), 60, NOW).reason).toBe("new-orders");
    expect(refitPolicy(fitted(0, 10, "insufficient-data"), 50, NOW).reason).toBe("new-orders");
  });
});
