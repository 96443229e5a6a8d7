// The review screen's plan editor, pure part: a plan as the strings its fields
// show (delays, goals, angles, the offer and which emails carry it), and those
// fields back to an edited plan. The edited plan is checked here with the same
// validatePlan the server runs, so problems show while typing; the server's
// updatePlan has the last word.
import { FLOW_DEFAULTS } from "~/core/flows/plan/defaults";
import type { Offer } from "~/core/flows/plan/offer";
import type { Plan } from "~/core/flows/plan/types";
import { validatePlan } from "~/core/flows/plan/validate";
import { currencyExponent, toMinorUnits } from "~/core/ingest/money";
import { minorToMajor } from "./settings-form";

export type OfferKind = "none" | Offer["kind"];

export interface StepDraft {
  id: string;
  amount: string;
  unit: "hours" | "days";
  goal: string;
  angle: string;
  /** This email carries the offer. */
  incentive: boolean;
}

export interface PlanDraft {
  steps: StepDraft[];
  offerKind: OfferKind;
  /** Percent off, or the amount off in the shop's currency (major units). */
  offerValue: string;
  /** Days each code stays valid; blank for the default. */
  offerExpiryDays: string;
}

export function planDraft(plan: Plan, currency: string): PlanDraft {
  const o = plan.offer;
  return {
    steps: plan.steps.map((s) => ({ id: s.id, amount: String(s.delay.amount), unit: s.delay.unit, goal: s.goal, angle: s.angle, incentive: s.incentive })),
    offerKind: o ? o.kind : "none",
    offerValue: o?.kind === "percentage" ? String(o.percent) : o?.kind === "fixed-amount" ? minorToMajor(o.amountMinor, currency) : "",
    offerExpiryDays: o?.expiresInDays ? String(o.expiresInDays) : "",
  };
}

/**
 * A change of offer kind. Turning an offer on marks the emails the flow type's
 * defaults allow (from its first eligible email on); turning it off clears them.
 */
export function withOfferKind(draft: PlanDraft, kind: OfferKind, plan: Pick<Plan, "flowType">): PlanDraft {
  if (kind === "none") return { ...draft, offerKind: kind, offerValue: "", steps: draft.steps.map((s) => ({ ...s, incentive: false })) };
  const wasOff = draft.offerKind === "none";
  const from = FLOW_DEFAULTS[plan.flowType].incentiveFromStep;
  const value = draft.offerKind === kind ? draft.offerValue : kind === "percentage" ? "10" : "";
  const steps = wasOff ? draft.steps.map((s, i) => ({ ...s, incentive: i + 1 >= Math.min(from, draft.steps.length) })) : draft.steps;
  return { ...draft, offerKind: kind, offerValue: value, steps };
}

const WHOLE = /^\s*\d{1,6}\s*$/;

/**
 * An offer from the fields a merchant types (kind, percent or amount, days
 * valid), or what cannot be read. Limits (90%, the shop's policy) are the
 * planner's to check.
 */
export function readOffer(
  fields: { kind: OfferKind; value: string; expiryDays: string },
  currency: string,
  minimumSubtotalMinor: number | null = null,
): { offer: Offer | null; problems: string[] } {
  if (fields.kind === "none") return { offer: null, problems: [] };
  const problems: string[] = [];
  const days = fields.expiryDays.trim();
  const expiresInDays = days === "" ? null : WHOLE.test(days) ? Number(days) : null;
  if (days !== "" && expiresInDays === null) problems.push("the offer's validity is a whole number of days");
  const common = { minimumSubtotalMinor, expiresInDays };
  if (fields.kind === "percentage") {
    if (!WHOLE.test(fields.value)) problems.push("the offer's percentage off is a whole number");
    return { offer: { kind: "percentage", percent: Number(fields.value.trim()), ...common }, problems };
  }
  if (fields.kind === "fixed-amount") {
    let amountMinor = 0;
    try {
      amountMinor = toMinorUnits(fields.value.trim(), currency);
    } catch {
      problems.push(`the offer's amount off is an amount in ${currency}, such as ${minorToMajor(5 * 10 ** currencyExponent(currency), currency)}`);
    }
    return { offer: { kind: "fixed-amount", amountMinor, currency, ...common }, problems };
  }
  if (fields.kind === "free-shipping") return { offer: { kind: "free-shipping", ...common }, problems };
  return { offer: null, problems: ["unknown kind of offer"] };
}

/** The draft as an edited plan (to validate and send), or what cannot even be read as numbers. */
export function editedPlan(plan: Plan, draft: PlanDraft, currency: string): { ok: true; plan: Plan } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const steps = plan.steps.flatMap((original, i) => {
    const d = draft.steps[i];
    if (!d || d.id !== original.id) return [];
    if (!WHOLE.test(d.amount)) problems.push(`email ${i + 1}: the delay is a whole number of ${d.unit}`);
    return [{ ...original, delay: { amount: Number(d.amount.trim()), unit: d.unit }, goal: d.goal, angle: d.angle, incentive: draft.offerKind !== "none" && d.incentive }];
  });
  if (steps.length !== plan.steps.length) problems.push("the plan changed while you were editing it: reload the page");

  const read = readOffer({ kind: draft.offerKind, value: draft.offerValue, expiryDays: draft.offerExpiryDays }, currency, plan.offer?.minimumSubtotalMinor ?? null);
  problems.push(...read.problems);
  const offer = read.offer;
  if (problems.length > 0) return { ok: false, problems };

  const carriers = steps.map((s, i) => (s.incentive ? i + 1 : 0)).filter((n) => n > 0);
  const incentive = offer
    ? { allowed: true, fromStep: carriers[0] ?? plan.incentive.fromStep ?? FLOW_DEFAULTS[plan.flowType].incentiveFromStep, rationale: plan.incentive.rationale }
    : { allowed: false, fromStep: null, rationale: plan.incentive.rationale };
  return { ok: true, plan: { ...plan, steps, offer, incentive } };
}

/** Problems with the draft as the merchant would see them on saving ([] when it would be accepted). */
export function draftProblems(plan: Plan, draft: PlanDraft, currency: string): string[] {
  const edited = editedPlan(plan, draft, currency);
  if (!edited.ok) return edited.problems;
  const checked = validatePlan(edited.plan);
  return checked.ok ? [] : checked.problems;
}

/** Whether the draft differs from the plan it was made from. */
export function isChanged(plan: Plan, draft: PlanDraft, currency: string): boolean {
  return JSON.stringify(planDraft(plan, currency)) !== JSON.stringify(draft);
}
