// Checks a plan, proposed or edited by the merchant, beyond its shape: order of
// emails, stages, incentives, exits. Problems come back in words, numbered the
// way the merchant sees the emails ("email 2").
import type { z } from "zod";
import { FLOW_DEFAULTS } from "./defaults";
import { delayHours, formatDelay, PlanSchema, type Plan } from "./types";

export const MIN_EMAILS = 1;
export const MAX_EMAILS = 10;
/** No plan spans more than a year from its trigger. */
export const MAX_SPAN_HOURS = 365 * 24;

export type PlanValidation = { ok: true; plan: Plan } | { ok: false; problems: string[] };

export function validatePlan(value: unknown): PlanValidation {
  const parsed = PlanSchema.safeParse(value);
  if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error) };
  const problems = planProblems(parsed.data);
  return problems.length === 0 ? { ok: true, plan: parsed.data } : { ok: false, problems };
}

/**
 * A merchant's edit of `current`: validated, then stored as the next revision.
 * The flow type cannot change (it decides the trigger and the templates).
 */
export function revisePlan(current: Plan, edited: unknown): PlanValidation {
  const result = validatePlan({ ...(isObject(edited) ? edited : {}), version: current.version });
  if (!result.ok) return result;
  if (result.plan.flowType !== current.flowType) return { ok: false, problems: [`the flow type cannot change (it is ${current.flowType}); propose a new plan instead`] };
  return { ok: true, plan: { ...result.plan, version: current.version + 1 } };
}

function planProblems(plan: Plan): string[] {
  const problems: string[] = [];
  const { steps, stages } = plan;
  if (steps.length < MIN_EMAILS || steps.length > MAX_EMAILS) {
    problems.push(`a plan has ${MIN_EMAILS} to ${MAX_EMAILS} emails (this one has ${steps.length})`);
  }

  const expected = FLOW_DEFAULTS[plan.flowType].trigger.kind;
  if (plan.trigger.kind !== expected) problems.push(`a ${plan.flowType} flow is triggered by ${expected}, not ${plan.trigger.kind}`);
  if (plan.trigger.kind === "segment-entered" && plan.segmentKey !== plan.trigger.segmentKey) {
    problems.push(`the audience (${plan.segmentKey ?? "none"}) must be the segment that triggers the flow (${plan.trigger.segmentKey})`);
  }

  const ids = new Set<string>();
  steps.forEach((s, i) => {
    if (ids.has(s.id)) problems.push(`email ${i + 1}: the id "${s.id}" is used twice`);
    ids.add(s.id);
  });

  // Delays: strictly later than the email before, within a year.
  let previous: number | null = null;
  steps.forEach((s, i) => {
    const hours = delayHours(s.delay);
    if (previous !== null && hours <= previous) {
      problems.push(`email ${i + 1} is sent at ${formatDelay(s.delay)}, which is not after email ${i} (${formatDelay(steps[i - 1]!.delay)}): each email must come later than the one before`);
    }
    if (hours > MAX_SPAN_HOURS) problems.push(`email ${i + 1} is sent more than 365 days after the trigger`);
    previous = hours;
  });
  const first = steps[0];
  if (first && (plan.trigger.kind === "checkout-abandoned" || plan.trigger.kind === "product-viewed") && delayHours(first.delay) < 1) {
    problems.push("email 1 must wait at least 1 hour: the shopper may still be on the site");
  }

  // Stages: unique keys, each used, emails grouped in stage order.
  const stageKeys = stages.map((s) => s.key);
  if (new Set(stageKeys).size !== stageKeys.length) problems.push("two stages have the same key");
  steps.forEach((s, i) => {
    if (!stageKeys.includes(s.stage)) problems.push(`email ${i + 1}: stage "${s.stage}" is not one of the plan's stages (${stageKeys.join(", ")})`);
  });
  for (const stage of stages) if (!steps.some((s) => s.stage === stage.key)) problems.push(`stage "${stage.name}" has no email`);
  const order = steps.map((s) => stageKeys.indexOf(s.stage)).filter((i) => i >= 0);
  if (order.some((v, i) => i > 0 && v < order[i - 1]!)) problems.push("emails must follow the order of the stages");

  // Exits: unsubscribing always ends a flow; a purchase ends every flow that sells to a non-buyer.
  const exits = new Set(plan.exitConditions);
  if (exits.size !== plan.exitConditions.length) problems.push("an exit condition is listed twice");
  if (!exits.has("unsubscribe")) problems.push("unsubscribing must always end the flow");
  if (["cart-recovery", "browse-abandonment", "win-back", "welcome"].includes(plan.flowType) && !exits.has("purchase")) {
    problems.push(`a ${plan.flowType} flow must stop when the customer buys`);
  }
  if (exits.has("left-segment") && plan.trigger.kind !== "segment-entered") problems.push("leaving the segment can only end a flow triggered by entering one");

  problems.push(...incentiveProblems(plan));
  return problems;
}

function incentiveProblems(plan: Plan): string[] {
  const problems: string[] = [];
  const { incentive, offer, steps } = plan;
  if (incentive.allowed) {
    if (offer === null) problems.push("an incentive is allowed but the plan has no offer: add one, or switch incentives off");
    if (incentive.fromStep === null) problems.push("an allowed incentive needs the first email that may carry it");
    else if (incentive.fromStep > steps.length) problems.push(`the incentive starts at email ${incentive.fromStep}, but the plan has ${steps.length} emails`);
  } else if (incentive.fromStep !== null) {
    problems.push("incentives are off, so no email may be named as the first to carry one");
  }
  steps.forEach((s, i) => {
    if (!s.incentive) return;
    if (!incentive.allowed || offer === null) problems.push(`email ${i + 1} carries an incentive, but the plan does not allow one`);
    else if (incentive.fromStep !== null && i + 1 < incentive.fromStep) problems.push(`email ${i + 1} carries an incentive before email ${incentive.fromStep}, the first allowed to`);
  });
  if (offer && offer.kind === "fixed-amount" && offer.minimumSubtotalMinor !== null && offer.minimumSubtotalMinor <= offer.amountMinor) {
    problems.push("the offer's minimum order must be larger than its amount off");
  }
  return problems;
}

export function zodProblems(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((issue) => {
    const path = issue.path.map((p) => (typeof p === "number" ? `#${p + 1}` : p)).join(" › ");
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
