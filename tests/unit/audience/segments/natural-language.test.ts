import { describe as group, expect, it } from "vitest";
import { MAX_TEXT_LENGTH, OfflineSegmentParser, parseSegmentText } from "~/core/audience/segments/natural-language";
import { all, any, parseRule, type Condition, type Rule } from "~/core/audience/segments/rule";

const orderCount = (op: "gte" | "eq" | "gt", value: number): Condition => ({ type: "profile", field: "orderCount", op, value });
const noOrder = (withinDays: number): Condition => ({ type: "activity", event: "order", op: "atMost", count: 0, withinDays });
const subscribed: Condition = { type: "emailConsent", op: "in", states: ["SUBSCRIBED"] };
const boughtFrom = (value: string, withinDays?: number) =>
  any(
    { type: "bought", op: "did", target: { kind: "productType", value }, ...(withinDays ? { withinDays } : {}) },
    { type: "bought", op: "did", target: { kind: "collection", value }, ...(withinDays ? { withinDays } : {}) },
  );

const cases: Array<[string, Rule]> = [
  ["customers who bought twice but nothing in 90 days", all(orderCount("gte", 2), noOrder(90))],
  ["subscribers who haven't ordered in 6 months", all(subscribed, noOrder(180))],
  ["Subscribers who haven’t ordered in 6 months", all(subscribed, noOrder(180))],
  ["spent over $200", all({ type: "profile", field: "totalSpent", op: "gt", value: 20000 })],
  ["spent at least $49.99", all({ type: "profile", field: "totalSpent", op: "gte", value: 4999 })],
  ["bought from Outerwear", boughtFrom("Outerwear")],
  ["bought from Outerwear in the last 30 days", boughtFrom("Outerwear", 30)],
  ["bought from the Winter Sale collection", all({ type: "bought", op: "did", target: { kind: "collection", value: "Winter Sale" } })],
  ["viewed a product 3 times this week but didn't buy", all({ type: "activity", event: "productView", op: "atLeast", count: 3, withinDays: 7 }, noOrder(7))],
  ["added to cart this week but didn't buy", all({ type: "activity", event: "addToCart", op: "atLeast", count: 1, withinDays: 7 }, noOrder(7))],
  ["one-time buyers", all(orderCount("eq", 1))],
  ["repeat customers", all(orderCount("gte", 2))],
  ["at risk", all({ type: "churnRisk", op: "in", values: ["high"] })],
  ["at-risk customers", all({ type: "churnRisk", op: "in", values: ["high"] })],
  ["high value customers", all({ type: "profile", field: "monetaryScore", op: "gte", value: 4 })],
  ["new customers this month", all({ type: "profile", field: "daysSinceFirstOrder", op: "lt", value: 30 })],
  ["new customers", all({ type: "profile", field: "daysSinceFirstOrder", op: "lt", value: 30 })],
  ["tagged vip and at least 2 orders in the last 90 days", all({ type: "tag", op: "has", tag: "vip" }, { type: "activity", event: "order", op: "atLeast", count: 2, withinDays: 90 })],
  ["more than 3 orders", all(orderCount("gt", 3))],
  ["customers who ordered in the last 30 days or subscribers", any({ type: "activity", event: "order", op: "atLeast", count: 1, withinDays: 30 }, subscribed)],
  ["not subscribed", all({ type: "emailConsent", op: "notIn", states: ["SUBSCRIBED"] })],
  ["bought product 123456789", all({ type: "bought", op: "did", target: { kind: "product", productId: "123456789" } })],
  ["lapsed customers", all({ type: "profile", field: "daysSinceLastOrder", op: "gte", value: 180 })],
  ["customers who never ordered", all(orderCount("eq", 0))],
];

group("the offline natural-language parser", () => {
  it.each(cases)("%s", async (text, rule) => {
    const result = await new OfflineSegmentParser().parse(text);
    expect(result).toEqual({ rule });
    expect(parseRule(rule).ok).toBe(true);
  });

  const failures: Array<[string, string]> = [
    ["purple monkeys", "I could not understand “purple monkeys”"],
    ["spent over $200 and purple monkeys", "I could not understand “purple monkeys”"],
    ["", "Describe the customers you want"],
    ["customers", "it names no condition"],
    ["subscribers and at risk or one-time buyers", "“and” and “or”"],
    ["x".repeat(MAX_TEXT_LENGTH + 1), `under ${MAX_TEXT_LENGTH} characters`],
    ["${process.exit(1)}", "I could not understand"],
  ];
  it.each(failures)("refuses %j", (text, message) => {
    const result = parseSegmentText(text);
    expect("error" in result && result.error).toContain(message);
    expect("suggestions" in result && result.suggestions.length).toBeGreaterThan(3);
  });

  it("only suggests phrasings it understands", () => {
    const result = parseSegmentText("purple monkeys");
    if (!("suggestions" in result)) throw new Error("expected an error");
    for (const s of result.suggestions) expect(parseSegmentText(s)).toHaveProperty("rule");
  });

  it("answers hostile input quickly (capped length, anchored expressions)", () => {
    for (const text of ["bought from " + "a ".repeat(140), "bought from " + "a-".repeat(140), "spent " + "1".repeat(290), "viewed ".repeat(40), "in the last ".repeat(25)]) {
      const started = performance.now();
      expect(parseSegmentText(text)).toHaveProperty("error");
      expect(performance.now() - started).toBeLessThan(250);
    }
  });
});
