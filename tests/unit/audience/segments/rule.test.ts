import { describe as group, expect, it } from "vitest";
import { all, any, LIMITS, parseRule, type Condition, type Rule } from "~/core/audience/segments/rule";
import { describe } from "~/core/audience/segments/describe";
import { compile, isPageCondition, MATCH_NONE, planRule } from "~/core/audience/segments/compile";

const twice: Condition = { type: "profile", field: "orderCount", op: "gte", value: 2 };
const none90: Condition = { type: "activity", event: "order", op: "atMost", count: 0, withinDays: 90 };

group("parseRule", () => {
  it("accepts a nested rule and normalises product gids", () => {
    const result = parseRule(all(twice, any({ type: "bought", op: "did", target: { kind: "product", productId: "gid://shopify/Product/42" } }, none90)));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.rule.children[1]).toEqual(any({ type: "bought", op: "did", target: { kind: "product", productId: "42" } }, none90));
  });

  const invalid: Array<[string, unknown, string]> = [
    ["unknown field", all({ type: "profile", field: "shoeSize", op: "gt", value: 1 } as never), "children.0.field"],
    ["unknown condition type", all({ type: "weather" } as never), "Invalid discriminator value"],
    ["empty group", { type: "group", combinator: "and", children: [] }, "a group needs at least one condition"],
    ["score out of range", all({ type: "profile", field: "recencyScore", op: "gte", value: 6 }), "recency score must be between 1 and 5 (got 6)"],
    ["fractional count", all({ type: "profile", field: "orderCount", op: "gte", value: 1.5 }), "number of orders must be a whole number (got 1.5)"],
    ["probability above 1", all({ type: "profile", field: "pAlive", op: "lt", value: 2 }), "probability of being active must be between 0 and 1"],
    ["between without upper bound", all({ type: "profile", field: "totalSpent", op: "between", value: 100 }), "“between” needs an upper bound"],
    ["between reversed", all({ type: "profile", field: "totalSpent", op: "between", value: 500, value2: 100 }), "the lower bound (500) is above the upper bound (100)"],
    ["window too long", all({ ...none90, withinDays: 99999 }), `must be at most ${LIMITS.maxDays} days`],
    ["zero-day window", all({ ...none90, withinDays: 0 }), "must be at least 1 day"],
    ["order count with a product", all({ type: "activity", event: "order", op: "atLeast", count: 2, productId: "1" }), "use “bought” instead"],
    ["bad product id", all({ type: "bought", op: "did", target: { kind: "product", productId: "abc" } }), "must be a Shopify product id"],
    ["tag with a comma", all({ type: "tag", op: "has", tag: "a,b" }), "a tag cannot contain a comma"],
    ["no churn values", all({ type: "churnRisk", op: "in", values: [] }), "choose at least one churn risk"],
    ["too many conditions", all(...Array.from({ length: 31 }, () => twice)), "at most 30 conditions (it has 31)"],
    ["too deep", all(all(all(all(all(twice))))), "nested at most 4 deep"],
    ["hostile depth", (() => { let n: unknown = twice; for (let i = 0; i < 10_000; i++) n = { type: "group", combinator: "and", children: [n] }; return n; })(), "nested at most 4 deep"],
    ["not an object", "orderCount > 2", "Expected object"],
  ];
  it.each(invalid)("rejects %s", (_name, input, message) => {
    const result = parseRule(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join("\n")).toContain(message);
  });

  it("accepts exactly the limits", () => {
    expect(parseRule(all(...Array.from({ length: 30 }, () => twice))).ok).toBe(true);
    expect(parseRule(all(all(all(all(twice))))).ok).toBe(true);
  });
});

group("describe", () => {
  const cases: Array<[Rule, string]> = [
    [all(twice, none90), "Customers who placed at least 2 orders and placed no orders in the last 90 days"],
    [all({ type: "profile", field: "totalSpent", op: "gt", value: 20000 }), "Customers who spent more than $200 in total"],
    [all({ type: "profile", field: "daysSinceLastOrder", op: "gte", value: 180 }), "Customers who placed their last order at least 180 days ago"],
    [all({ type: "profile", field: "pAlive", op: "lt", value: 0.25 }), "Customers who have a probability of being active below 25%"],
    [all({ type: "emailConsent", op: "in", states: ["SUBSCRIBED"] }, { type: "tag", op: "hasNot", tag: "wholesale" }), "Customers who are subscribed to email marketing and are not tagged “wholesale”"],
    [any({ type: "churnRisk", op: "in", values: ["medium", "high"] }, { type: "lifecycleStage", op: "in", values: ["at-risk"] }), "Customers who have a medium or high churn risk or are in the “at-risk” lifecycle stage"],
    [all({ type: "activity", event: "productView", op: "atLeast", count: 3, withinDays: 7, productId: "9" }), "Customers who viewed products (product 9) at least 3 times in the last 7 days"],
    [all(twice, any({ type: "bought", op: "did", target: { kind: "collection", value: "Outerwear" } }, { type: "bought", op: "didNot", target: { kind: "product", productId: "5" }, withinDays: 30 })), "Customers who placed at least 2 orders and (bought from collection “Outerwear” or did not buy product 5 in the last 30 days)"],
  ];
  it.each(cases)("describes %j", (rule, text) => expect(describe(rule)).toBe(text));

  it("formats money with the given formatter", () => {
    expect(describe(all({ type: "profile", field: "averageOrderValue", op: "gte", value: 5000 }), { formatMoney: (m) => `€${m / 100}` })).toBe(
      "Customers who have an average order value of at least €50",
    );
  });
});

group("compile", () => {
  const now = new Date("2026-06-01T00:00:00.000Z");
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
  const ctx = { shopId: "s.myshopify.com", now };
  const base = { shopId: "s.myshopify.com", deletedAt: null, redactedAt: null };
  const orders = (days?: number) => ({ shopId: "s.myshopify.com", cancelledAt: null, test: false, ...(days ? { shopifyCreatedAt: { gte: daysAgo(days) } } : {}) });

  const cases: Array<[string, Condition, unknown]> = [
    ["a profile count", twice, { profile: { is: { orderCount: { gte: 2 } } } }],
    ["a profile neq (nulls excluded)", { type: "profile", field: "predictedClv12m", op: "neq", value: 0 }, { profile: { is: { OR: [{ predictedClv12m: { lt: 0 } }, { predictedClv12m: { gt: 0 } }] } } }],
    ["days since last order ≥ 90", { type: "profile", field: "daysSinceLastOrder", op: "gte", value: 90 }, { profile: { is: { lastOrderAt: { lte: daysAgo(90) } } } }],
    ["days since first order < 30", { type: "profile", field: "daysSinceFirstOrder", op: "lt", value: 30 }, { profile: { is: { firstOrderAt: { gt: daysAgo(30) } } } }],
    ["days since last order = 3", { type: "profile", field: "daysSinceLastOrder", op: "eq", value: 3 }, { profile: { is: { lastOrderAt: { lte: daysAgo(3), gt: daysAgo(4) } } } }],
    ["churn risk not high", { type: "churnRisk", op: "notIn", values: ["high"] }, { profile: { is: { AND: [{ churnRisk: { not: null } }, { churnRisk: { notIn: ["high"] } }] } } }],
    ["consent", { type: "emailConsent", op: "in", states: ["SUBSCRIBED"] }, { emailConsentState: { in: ["SUBSCRIBED"] } }],
    ["bought a product within 30 days", { type: "bought", op: "did", target: { kind: "product", productId: "7" }, withinDays: 30 }, { orders: { some: { ...orders(30), lineItems: { some: { productShopifyId: { in: ["7"] } } } } } }],
    ["no order in 90 days", none90, { orders: { none: orders(90) } }],
    ["at least one order ever", { type: "activity", event: "order", op: "atLeast", count: 1 }, { orders: { some: orders() } }],
    ["viewed product 3 ever (≥1)", { type: "activity", event: "productView", op: "atLeast", count: 1, productId: "3", withinDays: 7 }, { browseEvents: { some: { shopId: "s.myshopify.com", type: "product_viewed", occurredAt: { gte: daysAgo(7) }, productShopifyId: "3" } } }],
    ["no add to cart", { type: "activity", event: "addToCart", op: "exactly", count: 0 }, { browseEvents: { none: { shopId: "s.myshopify.com", type: "product_added_to_cart" } } }],
    ["at least 0 (everyone)", { type: "activity", event: "order", op: "atLeast", count: 0 }, {}],
  ];
  it.each(cases)("compiles %s", (_name, condition, where) => {
    expect(compile(all(condition), ctx)).toEqual({ AND: [base, { AND: [where] }] });
  });

  it("marks counts above one and tags as page conditions, and needs their matches", () => {
    const count: Condition = { type: "activity", event: "order", op: "atLeast", count: 2, withinDays: 90 };
    const tag: Condition = { type: "tag", op: "has", tag: "vip" };
    expect([count, tag, none90, twice].map(isPageCondition)).toEqual([true, true, false, false]);
    const rule = any(twice, all(count, tag));
    expect(planRule(rule).pageConditions.map((p) => p.key)).toEqual(["1.0", "1.1"]);
    expect(() => compile(rule, ctx)).toThrow(/decided per page/);
    const pageMatches = new Map([["1.0", ["a", "b"]], ["1.1", ["b"]]]);
    expect(compile(rule, { ...ctx, pageMatches })).toEqual({
      AND: [base, { OR: [{ profile: { is: { orderCount: { gte: 2 } } } }, { AND: [{ id: { in: ["a", "b"] } }, { id: { in: ["b"] } }] }] }],
    });
  });

  it("uses the resolved product ids of a collection", () => {
    const rule = all({ type: "bought", op: "didNot", target: { kind: "collection", value: "Outerwear" } });
    expect(planRule(rule).productTargets).toEqual([{ key: "0", target: { kind: "collection", value: "Outerwear" } }]);
    expect(() => compile(rule, ctx)).toThrow(/product ids/);
    expect(compile(rule, { ...ctx, productIds: new Map([["0", []]]) })).toEqual({
      AND: [base, { AND: [{ orders: { none: { ...orders(), lineItems: { some: { productShopifyId: { in: [] } } } } } }] }],
    });
    expect(MATCH_NONE).toEqual({ id: { in: [] } });
  });
});
