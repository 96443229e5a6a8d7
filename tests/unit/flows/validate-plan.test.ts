// validatePlan / revisePlan: a merchant's edits, checked with problems in words.
import { describe, expect, it } from "vitest";
import { proposePlan, revisePlan, validatePlan, type Plan } from "~/core/flows/plan";

const base = (): Plan => proposePlan({ objective: "win-back", brand: { name: "Acme" }, offer: { kind: "percentage", percent: 10 } });
const problems = (plan: unknown): string[] => {
  const r = validatePlan(plan);
  return r.ok ? [] : r.problems;
};
const edit = (mutate: (p: Plan) => void): Plan => {
  const p = structuredClone(base());
  mutate(p);
  return p;
};

describe("validatePlan", () => {
  it("accepts the proposal as it is", () => {
    expect(problems(base())).toEqual([]);
  });

  it("requires each email to come later than the one before", () => {
    const p = edit((p) => {
      p.steps[2]!.delay = { amount: 5, unit: "days" };
    });
    expect(problems(p)).toEqual(["email 3 is sent at day 5, which is not after email 2 (day 7): each email must come later than the one before"]);
    // Same moment in different units is not later either.
    const same = edit((p) => {
      p.steps[1]!.delay = { amount: 0, unit: "hours" };
    });
    expect(problems(same)[0]).toMatch(/email 2 is sent at 0 hours, which is not after email 1 \(day 0\)/);
  });

  it("keeps plans between 1 and 10 emails, within a year", () => {
    expect(problems(edit((p) => void (p.steps = [])))).toContain("a plan has 1 to 10 emails (this one has 0)");
    const long = edit((p) => {
      p.stages = [{ key: "all", name: "All", purpose: "Everything." }];
      p.steps = Array.from({ length: 11 }, (_, i) => ({ ...p.steps[0]!, id: `e${i}`, stage: "all", incentive: false, delay: { amount: i * 2, unit: "days" as const } }));
    });
    expect(problems(long)).toContain("a plan has 1 to 10 emails (this one has 11)");
    const late = edit((p) => {
      p.steps[2]!.delay = { amount: 400, unit: "days" };
    });
    expect(problems(late)).toContain("email 3 is sent more than 365 days after the trigger");
  });

  it("never lets unsubscribing or buying stop being an exit", () => {
    const p = edit((p) => {
      p.exitConditions = ["higher-priority-flow"];
    });
    expect(problems(p)).toEqual(["unsubscribing must always end the flow", "a win-back flow must stop when the customer buys"]);
  });

  it("keeps incentives where the plan allows them", () => {
    const early = edit((p) => {
      p.steps[0]!.incentive = true;
    });
    expect(problems(early)).toEqual(["email 1 carries an incentive before email 3, the first allowed to"]);
    const noOffer = edit((p) => {
      p.offer = null;
    });
    expect(problems(noOffer)).toContain("an incentive is allowed but the plan has no offer: add one, or switch incentives off");
    const off = edit((p) => {
      p.incentive = { allowed: false, fromStep: null, rationale: "None." };
    });
    expect(problems(off)).toEqual(["email 3 carries an incentive, but the plan does not allow one"]);
    const beyond = edit((p) => {
      p.incentive.fromStep = 4;
    });
    expect(problems(beyond)).toContain("the incentive starts at email 4, but the plan has 3 emails");
  });

  it("checks stages, ids, the trigger and the audience", () => {
    expect(problems(edit((p) => void (p.steps[1]!.stage = "nurture")))).toEqual([
      'email 2: stage "nurture" is not one of the plan\'s stages (reconnect, value, incentive)',
      'stage "What\'s new" has no email',
    ]);
    expect(problems(edit((p) => void (p.steps[1]!.id = p.steps[0]!.id)))).toEqual(['email 2: the id "email-1" is used twice']);
    expect(problems(edit((p) => void (p.trigger = { kind: "subscribed" })))).toEqual(expect.arrayContaining(["a win-back flow is triggered by segment-entered, not subscribed"]));
    expect(problems(edit((p) => void (p.segmentKey = "dormant")))).toEqual(["the audience (dormant) must be the segment that triggers the flow (at-risk)"]);
    const swapped = edit((p) => {
      [p.stages[0], p.stages[1]] = [p.stages[1]!, p.stages[0]!];
    });
    expect(problems(swapped)).toEqual(["emails must follow the order of the stages"]);
  });

  it("waits at least an hour before a cart-recovery email", () => {
    const cart = proposePlan({ objective: "cart-recovery", brand: { name: "Acme" } });
    cart.steps[0]!.delay = { amount: 0, unit: "hours" };
    expect(problems(cart)).toEqual(["email 1 must wait at least 1 hour: the shopper may still be on the site"]);
  });

  it("reports shape errors with the path a merchant can find", () => {
    const p = edit((p) => {
      (p.steps[1]!.delay as { amount: number }).amount = -2;
      p.steps[0]!.goal = "";
    });
    expect(problems(p)).toEqual(["steps › #1 › goal: a goal is empty", "steps › #2 › delay › amount: a delay cannot be negative"]);
    expect(problems({ ...base(), recipients: ["ann@example.com"] })[0]).toMatch(/Unrecognized key.*recipients/);
  });
});

describe("revisePlan", () => {
  it("stores a valid edit as the next version", () => {
    const current = base();
    const edited = structuredClone(current);
    edited.steps[1]!.angle = "Show what arrived this month.";
    const r = revisePlan(current, edited);
    expect(r.ok && r.plan.version).toBe(2);
    expect(r.ok && r.plan.steps[1]!.angle).toBe("Show what arrived this month.");
  });

  it("refuses an invalid edit or a change of flow type, keeping the version", () => {
    const current = base();
    const bad = structuredClone(current);
    bad.steps[2]!.delay = { amount: 1, unit: "days" };
    expect(revisePlan(current, bad)).toMatchObject({ ok: false });
    const other = proposePlan({ objective: "cart-recovery", brand: { name: "Acme" } });
    expect(revisePlan(other, current)).toEqual({ ok: false, problems: ["the flow type cannot change (it is cart-recovery); propose a new plan instead"] });
  });
});
