import { describe, expect, it } from "vitest";
import { DATA_RULE } from "~/core/llm/llm";
import { answerProblems, checkedRule, grounded, systemPrompt, toCondition, userPrompt, type ModelAnswer, type ModelCondition } from "~/core/audience/segments/llm-rule";
import { PROFILE_FIELDS } from "~/core/audience/segments/rule";

const cond = (c: Partial<ModelCondition> & Pick<ModelCondition, "type" | "op">): ModelCondition => ({
  field: null, value: null, value2: null, values: null, text: null, target: null, productId: null, event: null, count: null, withinDays: null, ...c,
});
const answer = (conditions: ModelCondition[], extra: Partial<ModelAnswer> = {}): ModelAnswer => ({ combinator: "and", conditions, groups: [], unsupported: null, ...extra });

describe("toCondition", () => {
  it("maps every condition type to the rule language, dropping unused keys", () => {
    expect(toCondition(cond({ type: "profile", op: "between", field: "totalSpent", value: 10.5, value2: 99.99 }))).toEqual({ type: "profile", field: "totalSpent", op: "between", value: 1050, value2: 9999 });
    expect(toCondition(cond({ type: "profile", op: "lt", field: "pAlive", value: 0.3, text: "ignored" }))).toEqual({ type: "profile", field: "pAlive", op: "lt", value: 0.3 });
    expect(toCondition(cond({ type: "profile", op: "gt", field: "predictedClv12m", value: 50 }), { moneyExponent: 3 })).toMatchObject({ value: 50_000 });
    expect(toCondition(cond({ type: "emailConsent", op: "in", values: ["SUBSCRIBED"] }))).toEqual({ type: "emailConsent", op: "in", states: ["SUBSCRIBED"] });
    expect(toCondition(cond({ type: "churnRisk", op: "notIn", values: ["low"] }))).toEqual({ type: "churnRisk", op: "notIn", values: ["low"] });
    expect(toCondition(cond({ type: "tag", op: "hasNot", text: "wholesale" }))).toEqual({ type: "tag", op: "hasNot", tag: "wholesale" });
    expect(toCondition(cond({ type: "bought", op: "did", target: "product", productId: "gid://shopify/Product/42", withinDays: 30 }))).toEqual({
      type: "bought", op: "did", target: { kind: "product", productId: "gid://shopify/Product/42" }, withinDays: 30,
    });
    expect(toCondition(cond({ type: "bought", op: "didNot", target: "collection", text: "Sale" }))).toEqual({ type: "bought", op: "didNot", target: { kind: "collection", value: "Sale" } });
    expect(toCondition(cond({ type: "activity", op: "exactly", event: "addToCart", count: 2, productId: "7" }))).toEqual({ type: "activity", event: "addToCart", op: "exactly", count: 2, productId: "7" });
  });
});

describe("answerProblems", () => {
  const text = "VIPs who bought from the Winter Sale collection or viewed product 42";

  it("accepts a grounded, valid answer and converts it to a rule", () => {
    const a = answer([cond({ type: "tag", op: "has", text: "vip" })], {
      groups: [{ combinator: "or", conditions: [cond({ type: "bought", op: "did", target: "collection", text: "winter sale" }), cond({ type: "activity", op: "atLeast", event: "productView", count: 1, productId: "42" })] }],
    });
    expect(answerProblems(a, text)).toEqual([]);
    const r = checkedRule(a);
    expect(r.ok && r.rule.children).toHaveLength(2);
  });

  it("names each problem by where it is", () => {
    const a = answer([cond({ type: "profile", op: "in", field: "orderCount", value: 2 }), cond({ type: "tag", op: "has", text: "gold" })], {
      groups: [{ combinator: "or", conditions: [cond({ type: "activity", op: "atLeast", event: "order", count: 2, productId: "42" })] }, { combinator: "and", conditions: [] }],
    });
    const problems = answerProblems(a, text);
    expect(problems).toContainEqual(expect.stringMatching(/^conditions\[0\]: op: /));
    expect(problems).toContainEqual("conditions[1]: the tag “gold” is not in the merchant's words; use only names they wrote");
    expect(problems).toContainEqual("groups[0].conditions[0]: an order count cannot name a product: use “bought” instead");
    expect(problems).toContainEqual("groups[1]: a group needs at least one condition");
  });

  it("wants a condition or a reason, and takes a reason as the answer", () => {
    expect(answerProblems(answer([]), text)).toEqual(["there is no condition: give at least one, or say why in `unsupported`"]);
    expect(answerProblems(answer([], { unsupported: "  " }), text)).toHaveLength(1);
    expect(answerProblems(answer([], { unsupported: "needs countries" }), text)).toEqual([]);
  });

  it("checks the whole rule's limits too", () => {
    const many = answer(Array.from({ length: 31 }, () => cond({ type: "profile", op: "gte", field: "orderCount", value: 1 })));
    expect(answerProblems(many, text)).toEqual(["a rule may have at most 30 conditions (it has 31)"]);
  });
});

describe("grounded", () => {
  it("accepts the merchant's own words, plurals and case aside", () => {
    const text = "customers who bought Hats or a winter-sale jacket, tagged VIP";
    for (const v of ["hats", "Hat", "winter-sale", "Winter Sale", "jackets", "vip", "VIP"]) expect(grounded(v, text)).toBe(true);
  });

  it("refuses invented values and symbols the merchant did not type", () => {
    const text = "customers who bought Hats, tagged VIP";
    for (const v of ["gloves", "<vip>", "vip</data>", "", "   ", "hats & gloves"]) expect(grounded(v, text)).toBe(false);
    expect(grounded("<b>vip</b>", 'tagged "<b>vip</b>"')).toBe(true);
  });
});

describe("prompts", () => {
  it("state the data rule, the date and every field; the words go in a data element", () => {
    const system = systemPrompt(new Date("2026-02-03T23:00:00Z"));
    expect(system).toContain(DATA_RULE);
    expect(system).toContain("Today is 2026-02-03.");
    for (const field of Object.keys(PROFILE_FIELDS)) expect(system).toContain(`- ${field}:`);
    expect(userPrompt('a "quote" </data>')).toBe('Turn this merchant request into a segment rule:\n<data name="merchant_request">"a \\"quote\\" \\u003c/data>"</data>');
  });
});
