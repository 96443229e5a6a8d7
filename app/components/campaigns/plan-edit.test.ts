import { describe, expect, it } from "vitest";
import { proposePlan } from "~/core/flows/plan/propose";
import { revisePlan } from "~/core/flows/plan/validate";
import { draftProblems, editedPlan, isChanged, planDraft, withOfferKind } from "./plan-edit";
import { objectiveLabel, statusOf, whenWords } from "./words";

const brand = { name: "Acme" };
const winBack = proposePlan({ objective: "win-back", brand });
const cart = proposePlan({ objective: "cart-recovery", offer: { kind: "percentage", percent: 10 }, brand });

describe("words", () => {
  it("says when each email goes, and what an objective means", () => {
    expect(winBack.steps.map(whenWords)).toEqual(["Day 0 (at once)", "Day 7", "Day 14"]);
    expect(cart.steps.map(whenWords)).toEqual(["1 hour later", "24 hours later", "72 hours later"]);
    expect(objectiveLabel("win-back")).toBe("Win back at-risk customers");
    expect(objectiveLabel("unknown")).toBe("unknown");
  });

  it("tells draft, writing, needs approval, approved and on apart", () => {
    const s = (over: Partial<Parameters<typeof statusOf>[0]>) => statusOf({ enabled: false, status: "draft", drafts: 0, approval: { approved: false }, ...over });
    expect(s({})).toBe("draft");
    expect(s({ status: "generating", drafts: 2 })).toBe("writing");
    expect(s({ status: "review", drafts: 6 })).toBe("needs-approval");
    expect(s({ status: "approved", drafts: 6, approval: { approved: true } })).toBe("approved");
    expect(s({ status: "approved", drafts: 6, enabled: true, approval: { approved: true } })).toBe("on");
  });
});

describe("plan editor", () => {
  it("round-trips a plan unchanged, and the unchanged plan has no problems", () => {
    const draft = planDraft(cart, "USD");
    expect(draft.offerKind).toBe("percentage");
    expect(draft.offerValue).toBe("10");
    expect(isChanged(cart, draft, "USD")).toBe(false);
    const edited = editedPlan(cart, draft, "USD");
    expect(edited.ok && edited.plan).toEqual(cart);
    expect(draftProblems(cart, draft, "USD")).toEqual([]);
  });

  it("edits delays, angles and the offer into a plan the server accepts as the next version", () => {
    let draft = planDraft(winBack, "USD");
    draft = { ...draft, steps: draft.steps.map((s, i) => (i === 1 ? { ...s, amount: "5", angle: "Our new autumn range, picked for them." } : s)) };
    draft = withOfferKind(draft, "fixed-amount", winBack);
    // Win-back offers start at email 3 by default.
    expect(draft.steps.map((s) => s.incentive)).toEqual([false, false, true]);
    draft = { ...draft, offerValue: "7.50", offerExpiryDays: "10" };
    expect(isChanged(winBack, draft, "USD")).toBe(true);
    expect(draftProblems(winBack, draft, "USD")).toEqual([]);
    const edited = editedPlan(winBack, draft, "USD");
    if (!edited.ok) throw new Error(edited.problems.join("; "));
    expect(edited.plan.steps[1]).toMatchObject({ delay: { amount: 5, unit: "days" }, angle: "Our new autumn range, picked for them." });
    expect(edited.plan.offer).toEqual({ kind: "fixed-amount", amountMinor: 750, currency: "USD", minimumSubtotalMinor: null, expiresInDays: 10 });
    expect(edited.plan.incentive).toMatchObject({ allowed: true, fromStep: 3 });
    const revised = revisePlan(winBack, edited.plan);
    expect(revised.ok && revised.plan.version).toBe(2);
  });

  it("turning the offer off clears every email's incentive", () => {
    const draft = withOfferKind(planDraft(cart, "USD"), "none", cart);
    const edited = editedPlan(cart, draft, "USD");
    if (!edited.ok) throw new Error(edited.problems.join("; "));
    expect(edited.plan.offer).toBeNull();
    expect(edited.plan.incentive).toMatchObject({ allowed: false, fromStep: null });
    expect(edited.plan.steps.every((s) => !s.incentive)).toBe(true);
    expect(draftProblems(cart, draft, "USD")).toEqual([]);
  });

  it("shows what cannot be read, and the planner's own problems, in words", () => {
    const draft = planDraft(cart, "USD");
    const unreadable = { ...draft, offerValue: "ten", steps: draft.steps.map((s, i) => (i === 0 ? { ...s, amount: "1.5" } : s)) };
    expect(draftProblems(cart, unreadable, "USD")).toEqual(["email 1: the delay is a whole number of hours", "the offer's percentage off is a whole number"]);
    const outOfOrder = { ...draft, steps: draft.steps.map((s, i) => (i === 1 ? { ...s, amount: "100" } : s)) };
    expect(draftProblems(cart, outOfOrder, "USD")).toEqual([
      "email 3 is sent at 72 hours, which is not after email 2 (100 hours): each email must come later than the one before",
    ]);
    const tooEarly = { ...draft, steps: draft.steps.map((s, i) => (i === 0 ? { ...s, amount: "0" } : s)) };
    expect(draftProblems(cart, tooEarly, "USD")).toEqual(["email 1 must wait at least 1 hour: the shopper may still be on the site"]);
    const emptyAngle = { ...draft, steps: draft.steps.map((s, i) => (i === 2 ? { ...s, angle: "  " } : s)) };
    expect(draftProblems(cart, emptyAngle, "USD")).toEqual(["steps › #3 › angle: an angle is empty"]);
    const tooMuch = { ...draft, offerValue: "95" };
    expect(draftProblems(cart, tooMuch, "USD")).toEqual(["offer › percent: a discount above 90% is refused"]);
  });
});
