import { describe, expect, it } from "vitest";
import { classify, deriveThresholds, describeSegments, diffSegments, parseBuiltinDefinition, SEGMENT_KEYS, type LifecycleInput, type LifecycleThresholds } from "./lifecycle";
import { smallShopCutoffs } from "./rfm";

const now = new Date("2026-06-01T00:00:00Z");
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const small: LifecycleThresholds = deriveThresholds({ customersWithOrders: 5, repeatCustomers: 2, medianGapDays: 20, spendP80: 20_000, clvP80: null });

function customer(over: Partial<LifecycleInput> = {}): LifecycleInput {
  return {
    orderCount: 1,
    firstOrderAt: daysAgo(100),
    lastOrderAt: daysAgo(100),
    avgDaysBetweenOrders: null,
    totalSpent: 5_000,
    subscribed: false,
    scores: null,
    pAlive: null,
    churnRisk: null,
    predictedClv12m: null,
    ...over,
  };
}

describe("thresholds", () => {
  it("small shops keep the defaults 30 / 90 / 365 days", () => {
    expect(small).toMatchObject({ basis: "small-shop-defaults", newDays: 30, activeDays: 90, dormantDays: 365, highValueSpend: 20_000, highValueClv: null });
  });

  it("follow the shop's rhythm with enough repeat customers, within bounds", () => {
    const fast = deriveThresholds({ customersWithOrders: 1000, repeatCustomers: 400, medianGapDays: 40, spendP80: 9_000, clvP80: 12_000 });
    expect(fast).toMatchObject({ basis: "shop-distribution", activeDays: 60, dormantDays: 180, newDays: 30, highValueClv: 12_000 });
    const slow = deriveThresholds({ customersWithOrders: 1000, repeatCustomers: 400, medianGapDays: 300, spendP80: 9_000, clvP80: null });
    expect(slow).toMatchObject({ activeDays: 180, dormantDays: 730, newDays: 60 });
  });
});

describe("classify (table)", () => {
  const cases: Array<{ description: string; input: Partial<LifecycleInput>; segments: string[]; stage: string | null }> = [
    { description: "no orders, not subscribed", input: { orderCount: 0, firstOrderAt: null, lastOrderAt: null, totalSpent: 0 }, segments: [], stage: null },
    { description: "no orders, subscribed", input: { orderCount: 0, firstOrderAt: null, lastOrderAt: null, totalSpent: 0, subscribed: true }, segments: ["subscribers-without-orders"], stage: "subscribers-without-orders" },
    { description: "first order 5 days ago", input: { firstOrderAt: daysAgo(5), lastOrderAt: daysAgo(5) }, segments: ["new", "active"], stage: "new" },
    { description: "one order 60 days ago", input: { firstOrderAt: daysAgo(60), lastOrderAt: daysAgo(60) }, segments: ["active", "one-time"], stage: "active" },
    { description: "one order 200 days ago", input: { firstOrderAt: daysAgo(200), lastOrderAt: daysAgo(200) }, segments: ["one-time"], stage: "one-time" },
    { description: "one order 400 days ago", input: { firstOrderAt: daysAgo(400), lastOrderAt: daysAgo(400) }, segments: ["one-time", "dormant"], stage: "dormant" },
    {
      description: "repeat buyer every 30 days, last 100 days ago: overdue",
      input: { orderCount: 4, firstOrderAt: daysAgo(190), lastOrderAt: daysAgo(100), avgDaysBetweenOrders: 30 },
      segments: ["at-risk"],
      stage: "at-risk",
    },
    {
      description: "repeat buyer every 80 days, last 120 days ago: not yet overdue",
      input: { orderCount: 3, firstOrderAt: daysAgo(280), lastOrderAt: daysAgo(120), avgDaysBetweenOrders: 80 },
      segments: ["active"],
      stage: "active",
    },
    {
      description: "champion",
      input: { orderCount: 8, firstOrderAt: daysAgo(300), lastOrderAt: daysAgo(3), avgDaysBetweenOrders: 42, totalSpent: 50_000, scores: { recencyScore: 5, frequencyScore: 5, monetaryScore: 4 } },
      segments: ["active", "champions", "high-value"],
      stage: "champions",
    },
    {
      description: "model says high churn risk although recent",
      input: { orderCount: 3, firstOrderAt: daysAgo(200), lastOrderAt: daysAgo(50), avgDaysBetweenOrders: 75, pAlive: 0.2, churnRisk: "high" },
      segments: ["at-risk"],
      stage: "at-risk",
    },
    {
      description: "model says low churn risk although overdue by the rule",
      input: { orderCount: 4, firstOrderAt: daysAgo(190), lastOrderAt: daysAgo(100), avgDaysBetweenOrders: 30, pAlive: 0.9, churnRisk: "low" },
      segments: ["active"],
      stage: "active",
    },
    {
      description: "pAlive without a band: below one half is at risk",
      input: { orderCount: 2, firstOrderAt: daysAgo(150), lastOrderAt: daysAgo(40), avgDaysBetweenOrders: 110, pAlive: 0.3 },
      segments: ["at-risk"],
      stage: "at-risk",
    },
    { description: "new customers are never at risk", input: { orderCount: 2, firstOrderAt: daysAgo(10), lastOrderAt: daysAgo(9), avgDaysBetweenOrders: 1, churnRisk: "high" }, segments: ["new", "active"], stage: "new" },
  ];
  for (const c of cases) {
    it(c.description, () => {
      const r = classify(customer(c.input), small, now);
      expect(r.segments).toEqual(SEGMENT_KEYS.filter((k) => c.segments.includes(k)));
      expect(r.stage).toBe(c.stage);
    });
  }

  it("high value uses predicted CLV when the shop has predictions, spend otherwise", () => {
    const withClv = { ...small, highValueClv: 30_000 };
    expect(classify(customer({ totalSpent: 90_000, predictedClv12m: 10_000 }), withClv, now).segments).not.toContain("high-value");
    expect(classify(customer({ totalSpent: 1_000, predictedClv12m: 30_000 }), withClv, now).segments).toContain("high-value");
    expect(classify(customer({ totalSpent: 20_000 }), small, now).segments).toContain("high-value");
  });
});

describe("transitions", () => {
  it("an overdue repeat buyer who orders again leaves at-risk and enters active", () => {
    const before = classify(customer({ orderCount: 4, firstOrderAt: daysAgo(190), lastOrderAt: daysAgo(100), avgDaysBetweenOrders: 30 }), small, now);
    const after = classify(customer({ orderCount: 5, firstOrderAt: daysAgo(190), lastOrderAt: daysAgo(0), avgDaysBetweenOrders: 47.5 }), small, now);
    expect(diffSegments(before.segments, after.segments)).toEqual({ entered: ["active"], left: ["at-risk"] });
  });

  it("no change, no transition", () => {
    expect(diffSegments(["a", "b"], ["b", "a"])).toEqual({ entered: [], left: [] });
  });
});

describe("definitions", () => {
  it("every built-in segment has a name and a definition in words with the shop's numbers", () => {
    const d = describeSegments(small, "EUR");
    expect(d.map((x) => x.key)).toEqual([...SEGMENT_KEYS]);
    expect(d.find((x) => x.key === "dormant")!.description).toContain("365 days");
    expect(d.find((x) => x.key === "high-value")!.description).toContain("€200.00");
  });

  it("parses what is stored and refuses what is not", () => {
    const stored = JSON.parse(JSON.stringify({ version: 1, key: "new", thresholds: small, rfm: smallShopCutoffs(1000), computedAt: now.toISOString() })) as unknown;
    expect(parseBuiltinDefinition(stored)?.thresholds.activeDays).toBe(90);
    expect(parseBuiltinDefinition({ version: 1, thresholds: {}, rfm: {} })).toBeNull();
    expect(parseBuiltinDefinition(null)).toBeNull();
  });
});
