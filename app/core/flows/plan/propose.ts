// Objective (+ product, offer, audience) → a default plan the merchant can edit.
// Strategy is always an input: nothing is written without a plan.
import { z } from "zod";
import { FLOW_DEFAULTS, OBJECTIVE_FLOWS } from "./defaults";
import { OfferSchema, type Offer, type OfferInput } from "./offer";
import { FLOW_TYPES, OBJECTIVES, WIN_BACK_SEGMENTS, type FlowType, type Objective, type Plan, type PlanStep, type Trigger } from "./types";
import { validatePlan, zodProblems } from "./validate";

/** The shop's incentive policy (settings): what any plan may offer at most. */
export interface IncentiveSettings {
  allowDiscounts: boolean;
  /** The largest percentage off allowed; null = no limit below the hard 90%. */
  maxPercentOff: number | null;
  allowFreeShipping: boolean;
}

export interface PlanBrand {
  /** The shop's name, used in the plan's name. */
  name: string;
  incentives?: IncentiveSettings;
}

export interface ProposePlanInput {
  objective: Objective;
  flowType?: FlowType;
  product?: { id: string; title: string } | null;
  offer?: OfferInput | null;
  segmentKey?: string | null;
  brand: PlanBrand;
}

export class PlanInputError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot propose a plan: ${problems.join("; ")}`);
    this.name = "PlanInputError";
  }
}

const InputSchema = z
  .object({
    objective: z.enum(OBJECTIVES, { errorMap: () => ({ message: `the objective must be one of ${OBJECTIVES.join(", ")}` }) }),
    flowType: z.enum(FLOW_TYPES, { errorMap: () => ({ message: `the flow type must be one of ${FLOW_TYPES.join(", ")}` }) }).optional(),
    product: z.object({ id: z.string().trim().min(1).max(100), title: z.string().trim().min(1).max(200) }).strict().nullable().optional(),
    offer: OfferSchema.nullable().optional(),
    segmentKey: z.string().trim().min(1).max(100).nullable().optional(),
    brand: z
      .object({
        name: z.string().trim().min(1, "the shop's name is required").max(100),
        incentives: z.object({ allowDiscounts: z.boolean(), maxPercentOff: z.number().int().min(1).max(90).nullable(), allowFreeShipping: z.boolean() }).strict().optional(),
      })
      .strict(),
  })
  .strict();

/** Recipient-driven flows show each customer's own products: a plan product makes no sense there. */
const NO_PLAN_PRODUCT: FlowType[] = ["cart-recovery", "browse-abandonment", "welcome", "post-purchase", "win-back"];

export function proposePlan(input: ProposePlanInput): Plan {
  const parsed = InputSchema.safeParse(input);
  if (!parsed.success) throw new PlanInputError(zodProblems(parsed.error));
  const { objective, product = null, offer = null, brand } = parsed.data;

  const allowed = OBJECTIVE_FLOWS[objective];
  const flowType = parsed.data.flowType ?? allowed[0]!;
  const problems: string[] = [];
  if (!allowed.includes(flowType)) problems.push(`a ${flowType} flow does not serve the objective "${objective}" (use ${allowed.join(" or ")})`);
  if (product && NO_PLAN_PRODUCT.includes(flowType)) problems.push(`a ${flowType} flow shows each customer's own products; it cannot feature one product`);
  if (offer) problems.push(...offerPolicyProblems(offer, brand.incentives));

  const base = FLOW_DEFAULTS[flowType];
  let trigger: Trigger = base.trigger;
  let segmentKey = parsed.data.segmentKey ?? null;
  if (base.trigger.kind === "segment-entered") {
    segmentKey ??= base.trigger.segmentKey;
    if (!(WIN_BACK_SEGMENTS as readonly string[]).includes(segmentKey)) problems.push(`a win-back flow starts when a customer enters ${WIN_BACK_SEGMENTS.join(" or ")}, not "${segmentKey}"`);
    else trigger = { kind: "segment-entered", segmentKey: segmentKey as (typeof WIN_BACK_SEGMENTS)[number] };
  }
  if (problems.length > 0) throw new PlanInputError(problems);

  const fromStep = base.incentiveFromStep;
  const steps: PlanStep[] = base.steps.map((s, i) => ({
    id: `email-${i + 1}`,
    stage: s.stage,
    delay: { ...s.delay },
    goal: s.goal,
    angle: s.angle,
    angleKey: s.angleKey,
    // A launch with no product shows the newest products instead.
    productFocus: s.productFocus === "featured" && !product ? (flowType === "product-launch" ? "new-arrivals" : "popular") : s.productFocus,
    incentive: offer !== null && isIncentiveSlot(flowType, i + 1, fromStep, base.steps.length),
  }));

  const plan: Plan = {
    version: 1,
    flowType,
    objective,
    name: product ? `${base.label}: ${product.title}` : `${base.label} · ${brand.name}`,
    trigger,
    segmentKey,
    product,
    offer: offer as Offer | null,
    stages: base.stages.map((s) => ({ ...s })),
    steps,
    exitConditions: [...base.exitConditions],
    incentive: offer
      ? { allowed: true, fromStep, rationale: base.incentiveRationale }
      : { allowed: false, fromStep: null, rationale: `No offer given. ${base.incentiveRationale}` },
    priority: base.priority,
  };
  // The defaults must themselves pass the checks a merchant's edit gets.
  const checked = validatePlan(plan);
  if (!checked.ok) throw new Error(`built-in ${flowType} plan is invalid: ${checked.problems.join("; ")}`);
  return checked.plan;
}

/**
 * Which emails carry the offer: in flows that open with it (welcome, campaign)
 * the first eligible email and the last; after a purchase only the cross-sell;
 * elsewhere every email from the first eligible one (there, the last one or two).
 */
function isIncentiveSlot(flowType: FlowType, position: number, fromStep: number, total: number): boolean {
  if (position < fromStep) return false;
  if (flowType === "welcome" || flowType === "sales-campaign") return position === fromStep || position === total;
  if (flowType === "post-purchase") return position === fromStep;
  return true;
}

function offerPolicyProblems(offer: Offer, policy: IncentiveSettings | undefined): string[] {
  if (!policy) return [];
  if (offer.kind === "free-shipping") return policy.allowFreeShipping ? [] : ["the shop's incentive policy does not allow free-shipping offers"];
  if (!policy.allowDiscounts) return ["the shop's incentive policy does not allow discounts"];
  if (offer.kind === "percentage" && policy.maxPercentOff !== null && offer.percent > policy.maxPercentOff) {
    return [`${offer.percent}% off is more than the shop's limit of ${policy.maxPercentOff}%`];
  }
  return [];
}
