// proposePlan: the built-in flows' default plans, and clear errors for bad input.
import { describe, expect, it } from "vitest";
import { FLOW_DEFAULTS, FLOW_TYPES, OBJECTIVE_FLOWS, OBJECTIVES, PlanInputError, proposePlan, validatePlan, type Plan } from "~/core/flows/plan";

const brand = { name: "Acme Goods" };
const delays = (p: Plan) => p.steps.map((s) => `${s.delay.amount}${s.delay.unit === "hours" ? "h" : "d"}`);
const error = (fn: () => unknown): PlanInputError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof PlanInputError) return e;
    throw e;
  }
  throw new Error("expected a PlanInputError");
};

describe("proposePlan", () => {
  it("cart recovery: three emails at 1 h, 24 h and 72 h, the offer only on the last", () => {
    const p = proposePlan({ objective: "cart-recovery", brand, offer: { kind: "percentage", percent: 10 } });
    expect(p.flowType).toBe("cart-recovery");
    expect(p.trigger).toEqual({ kind: "checkout-abandoned" });
    expect(delays(p)).toEqual(["1h", "24h", "72h"]);
    expect(p.steps.map((s) => s.incentive)).toEqual([false, false, true]);
    expect(p.incentive).toMatchObject({ allowed: true, fromStep: 3 });
    expect(p.exitConditions).toEqual(expect.arrayContaining(["purchase", "unsubscribe", "higher-priority-flow"]));
    expect(p.steps.every((s) => s.productFocus === "cart")).toBe(true);
    expect(p.version).toBe(1);
  });

  it("welcome series: three emails on days 0, 2 and 5 for onboarding", () => {
    const p = proposePlan({ objective: "onboarding", brand });
    expect(p.flowType).toBe("welcome");
    expect(delays(p)).toEqual(["0d", "2d", "5d"]);
    expect(p.stages.map((s) => s.key)).toEqual(["welcome", "nurture", "conversion"]);
    // No offer given: no email carries one and the plan says why.
    expect(p.steps.some((s) => s.incentive)).toBe(false);
    expect(p.incentive).toMatchObject({ allowed: false, fromStep: null });
    expect(p.incentive.rationale).toMatch(/No offer given/);
  });

  it("product launch: teaser, education and urgency stages featuring the product", () => {
    const p = proposePlan({ objective: "launch", brand, product: { id: "p1", title: "Aurora Scarf" } });
    expect(p.stages.map((s) => s.key)).toEqual(["teaser", "education", "urgency"]);
    expect(p.steps.map((s) => s.angleKey)).toEqual(["teaser", "launch", "education", "last-chance"]);
    expect(p.steps.map((s) => s.productFocus)).toEqual(["none", "featured", "featured", "featured"]);
    expect(p.name).toBe("Product launch: Aurora Scarf");
    // Without a product the launch shows new arrivals instead.
    const noProduct = proposePlan({ objective: "launch", brand });
    expect(noProduct.steps.map((s) => s.productFocus)).toEqual(["none", "new-arrivals", "new-arrivals", "new-arrivals"]);
  });

  it("win-back: triggered by entering at-risk by default, or dormant, and stops when the customer leaves the segment", () => {
    const atRisk = proposePlan({ objective: "win-back", brand });
    expect(atRisk.trigger).toEqual({ kind: "segment-entered", segmentKey: "at-risk" });
    expect(atRisk.segmentKey).toBe("at-risk");
    expect(atRisk.exitConditions).toContain("left-segment");
    expect(delays(atRisk)).toEqual(["0d", "7d", "14d"]);
    const dormant = proposePlan({ objective: "win-back", brand, segmentKey: "dormant" });
    expect(dormant.trigger).toEqual({ kind: "segment-entered", segmentKey: "dormant" });
    expect(error(() => proposePlan({ objective: "win-back", brand, segmentKey: "new" })).problems[0]).toMatch(/at-risk or dormant, not "new"/);
  });

  it("browse abandonment and post-purchase follow their own timing and product sources", () => {
    const browse = proposePlan({ objective: "browse-recovery", brand });
    expect(delays(browse)).toEqual(["4h", "48h"]);
    expect(browse.steps.map((s) => s.productFocus)).toEqual(["viewed", "popular"]);
    const post = proposePlan({ objective: "upsell", brand, offer: { kind: "free-shipping" } });
    expect(post.flowType).toBe("post-purchase");
    expect(post.steps.map((s) => s.productFocus)).toEqual(["none", "co-purchase", "popular"]);
    // Never an offer in the thank-you; only the cross-sell carries it.
    expect(post.steps.map((s) => s.incentive)).toEqual([false, true, false]);
  });

  it("every objective's flow types give a plan that passes validation and survives JSON", () => {
    for (const objective of OBJECTIVES) {
      for (const flowType of OBJECTIVE_FLOWS[objective]) {
        const featured = flowType === "product-launch" || flowType === "sales-campaign";
        const p = proposePlan({ objective, flowType, brand, offer: { kind: "fixed-amount", amountMinor: 1000, currency: "USD", minimumSubtotalMinor: 5000 }, product: featured ? { id: "p", title: "Mug" } : null });
        expect(validatePlan(p)).toEqual({ ok: true, plan: p });
        expect(JSON.parse(JSON.stringify(p))).toEqual(p);
        expect(p.objective).toBe(objective);
        expect(p.priority).toBe(FLOW_DEFAULTS[flowType].priority);
      }
    }
    expect(new Set(Object.values(OBJECTIVE_FLOWS).flat())).toEqual(new Set(FLOW_TYPES));
  });

  it("refuses a flow type that does not serve the objective, naming the ones that do", () => {
    expect(error(() => proposePlan({ objective: "onboarding", flowType: "cart-recovery", brand })).problems).toEqual([
      'a cart-recovery flow does not serve the objective "onboarding" (use welcome)',
    ]);
  });

  it("refuses a featured product where each customer sees their own products", () => {
    expect(error(() => proposePlan({ objective: "cart-recovery", brand, product: { id: "p", title: "Mug" } })).problems[0]).toMatch(/shows each customer's own products/);
  });

  it("applies the shop's incentive policy", () => {
    const strict = { name: "Acme", incentives: { allowDiscounts: false, maxPercentOff: null, allowFreeShipping: true } };
    expect(error(() => proposePlan({ objective: "win-back", brand: strict, offer: { kind: "percentage", percent: 10 } })).problems).toEqual(["the shop's incentive policy does not allow discounts"]);
    expect(proposePlan({ objective: "win-back", brand: strict, offer: { kind: "free-shipping" } }).incentive.allowed).toBe(true);
    const capped = { name: "Acme", incentives: { allowDiscounts: true, maxPercentOff: 15, allowFreeShipping: false } };
    expect(error(() => proposePlan({ objective: "win-back", brand: capped, offer: { kind: "percentage", percent: 20 } })).problems).toEqual(["20% off is more than the shop's limit of 15%"]);
    expect(error(() => proposePlan({ objective: "win-back", brand: capped, offer: { kind: "free-shipping" } })).problems[0]).toMatch(/free-shipping/);
  });

  it("gives readable errors for malformed input", () => {
    const e = error(() => proposePlan({ objective: "growth" as never, brand, offer: { kind: "percentage", percent: 95 } }));
    expect(e.problems).toContain("objective: the objective must be one of sales, retention, onboarding, upsell, cart-recovery, browse-recovery, win-back, launch");
    expect(e.problems).toContain("offer › percent: a discount above 90% is refused");
    expect(error(() => proposePlan({ objective: "sales", brand: { name: " " } })).problems).toEqual(["brand › name: the shop's name is required"]);
    expect(error(() => proposePlan({ objective: "sales", brand, offer: { kind: "fixed-amount", amountMinor: 500, currency: "usd" } })).problems[0]).toMatch(/ISO code/);
  });
});
