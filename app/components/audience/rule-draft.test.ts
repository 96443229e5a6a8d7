import { describe, expect, it } from "vitest";
import { parseRule, type Rule } from "~/core/audience/segments/rule";
import { parseSegmentText } from "~/core/audience/segments/natural-language";
import {
  addChild,
  canAddGroup,
  changeType,
  explainErrors,
  fromRule,
  minorToText,
  newCondition,
  newGroup,
  removeNode,
  toRuleInput,
  updateNode,
  type DraftCondition,
  type DraftGroup,
} from "./rule-draft";

const rule = (input: unknown): Rule => {
  const r = parseRule(input);
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.rule;
};

describe("rule draft", () => {
  it("round-trips every condition type through fromRule and toRuleInput", () => {
    const original = rule({
      type: "group",
      combinator: "and",
      children: [
        { type: "profile", field: "totalSpent", op: "between", value: 1999, value2: 20000 },
        { type: "profile", field: "pAlive", op: "lt", value: 0.35 },
        { type: "churnRisk", op: "in", values: ["high", "medium"] },
        { type: "lifecycleStage", op: "notIn", values: ["dormant"] },
        { type: "emailConsent", op: "in", states: ["SUBSCRIBED"] },
        {
          type: "group",
          combinator: "or",
          children: [
            { type: "tag", op: "hasNot", tag: "wholesale" },
            { type: "bought", op: "did", target: { kind: "collection", value: "Outerwear" }, withinDays: 30 },
            { type: "bought", op: "didNot", target: { kind: "product", productId: "123" } },
            { type: "activity", event: "productView", op: "atLeast", count: 3, withinDays: 7, productId: "55" },
          ],
        },
      ],
    });
    const draft = fromRule(original, "USD");
    const money = draft.children[0] as DraftCondition;
    expect([money.value, money.value2]).toEqual(["19.99", "200"]);
    expect((draft.children[1] as DraftCondition).value).toBe("35");
    const back = toRuleInput(draft, "USD");
    expect(back.ok).toBe(true);
    expect(back.ok && rule(back.rule)).toEqual(original);
  });

  it("loads the natural-language parser's rules", () => {
    const parsed = parseSegmentText("customers who bought twice but nothing in 90 days");
    if (!("rule" in parsed)) throw new Error(parsed.error);
    const back = toRuleInput(fromRule(parsed.rule, "EUR"), "EUR");
    expect(back.ok && rule(back.rule)).toEqual(parsed.rule);
  });

  it("types money in the shop's major unit, exactly", () => {
    const c = { ...newCondition("profile"), field: "averageOrderValue" as const, op: "gte", value: "19.99" };
    expect(toRuleInput(newGroup("and", [c]), "USD")).toEqual({
      ok: true,
      rule: { type: "group", combinator: "and", children: [{ type: "profile", field: "averageOrderValue", op: "gte", value: 1999 }] },
    });
    const yen = toRuleInput(newGroup("and", [{ ...c, value: "1500" }]), "JPY");
    expect(yen.ok && (yen.rule as Rule).children[0]).toMatchObject({ value: 1500 });
    expect(minorToText(1500, "JPY")).toBe("1500");
    expect(minorToText(123456, "KWD")).toBe("123.456");
  });

  it("names the condition whose text is not a number", () => {
    const ok = { ...newCondition("profile"), value: "2" };
    const bad = { ...newCondition("activity"), count: "a few" };
    const blank = { ...newCondition("profile"), field: "totalSpent" as const, value: "" };
    const result = toRuleInput(newGroup("and", [ok, newGroup("or", [bad, blank])]), "USD");
    expect(result).toEqual({ ok: false, errors: ["Condition 2: the count needs a number", "Condition 3: total spent needs an amount"] });
    expect(toRuleInput(newGroup("and", []), "USD")).toEqual({ ok: false, errors: ["Add at least one condition."] });
  });

  it("points the server's errors at numbered conditions", () => {
    const orders = { ...newCondition(), value: "2" };
    const draft = newGroup("and", [orders, newGroup("or", [{ ...orders, value: "-1" }, { ...newCondition("bought"), withinDays: "0" }])]);
    const input = toRuleInput(draft, "USD");
    if (!input.ok) throw new Error(input.errors.join("; "));
    const parsed = parseRule(input.rule);
    if (parsed.ok) throw new Error("expected errors");
    const errors = explainErrors(parsed.errors, draft);
    expect(errors).toEqual(["Condition 3: must not be empty", "Condition 3: must be at least 1 day"]);
    // The bounds are checked once the shape is right.
    const fixed = updateNode(draft, (draft.children[1] as DraftGroup).children[1]!.key, (n) => ({ ...n, target: "Hats", withinDays: "" }) as DraftCondition);
    const again = toRuleInput(fixed, "USD");
    const reparsed = parseRule(again.ok ? again.rule : null);
    expect(reparsed.ok ? [] : explainErrors(reparsed.errors, fixed)).toEqual(["Condition 2: number of orders must be between 0 and 10000 (got -1)"]);
    expect(explainErrors(["a rule may have at most 30 conditions (it has 31)"], draft)).toEqual(["a rule may have at most 30 conditions (it has 31)"]);
  });

  it("edits the tree without mutating it", () => {
    const a = newCondition();
    const inner = newGroup("or", [newCondition()]);
    const root: DraftGroup = newGroup("and", [a, inner]);
    const edited = updateNode(root, a.key, (n) => changeType(n as DraftCondition, "tag"));
    expect((edited.children[0] as DraftCondition).type).toBe("tag");
    expect((edited.children[0] as DraftCondition).op).toBe("has");
    expect((root.children[0] as DraftCondition).type).toBe("profile");
    // Removing a nested group's last condition removes the group.
    const removed = removeNode(root, inner.children[0]!.key);
    expect(removed.children.map((c) => c.key)).toEqual([a.key]);
    expect(addChild(root, inner.key, newCondition()).children[1]).toMatchObject({ kind: "group", children: [{}, {}] });
  });

  it("stops nesting at the rule language's depth limit", () => {
    const g4 = newGroup();
    const g3 = newGroup("and", [g4]);
    const g2 = newGroup("and", [g3]);
    const root = newGroup("and", [g2]);
    expect(canAddGroup(root, g3.key)).toBe(true);
    expect(canAddGroup(root, g4.key)).toBe(false);
  });
});
