// A flow's plan: the strategy every email is written from. A plain JSON object
// (stored as is by the lead's tables later) with a revision number, so an
// approval can name exactly which version it approved.
import { z } from "zod";
import { OfferSchema } from "./offer";

export const FLOW_TYPES = ["cart-recovery", "browse-abandonment", "product-launch", "welcome", "post-purchase", "win-back", "sales-campaign"] as const;
export type FlowType = (typeof FLOW_TYPES)[number];

export const OBJECTIVES = ["sales", "retention", "onboarding", "upsell", "cart-recovery", "browse-recovery", "win-back", "launch"] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** What ends a recipient's run through the flow before its last email. */
export const EXIT_CONDITIONS = ["purchase", "unsubscribe", "higher-priority-flow", "left-segment"] as const;
export type ExitCondition = (typeof EXIT_CONDITIONS)[number];

/**
 * Where an email's products come from. `featured` is the plan's product (or the
 * products the caller passes as this email's catalog facts); cart, viewed and
 * co-purchase are per recipient and filled at render time; popular and
 * new-arrivals may be either.
 */
export const PRODUCT_FOCUS = ["none", "featured", "cart", "viewed", "co-purchase", "popular", "new-arrivals"] as const;
export type ProductFocus = (typeof PRODUCT_FOCUS)[number];

/** The message an email carries, as a key the offline generator has templates for. */
export const ANGLE_KEYS = [
  "cart-reminder", "cart-reassurance", "cart-last-call",
  "viewed-reminder", "related-picks",
  "teaser", "launch", "education", "last-chance",
  "welcome", "bestsellers", "first-order",
  "thanks", "cross-sell", "check-in",
  "miss-you", "whats-new", "comeback-offer",
  "announce", "campaign-reminder",
] as const;
export type AngleKey = (typeof ANGLE_KEYS)[number];

export const WIN_BACK_SEGMENTS = ["at-risk", "dormant"] as const;

export const TriggerSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("checkout-abandoned") }).strict(),
  z.object({ kind: z.literal("product-viewed") }).strict(),
  z.object({ kind: z.literal("subscribed") }).strict(),
  z.object({ kind: z.literal("order-placed") }).strict(),
  z.object({ kind: z.literal("segment-entered"), segmentKey: z.enum(WIN_BACK_SEGMENTS) }).strict(),
  /** Launches and campaigns: delays count from the start date the merchant picks. */
  z.object({ kind: z.literal("scheduled") }).strict(),
]);
export type Trigger = z.infer<typeof TriggerSchema>;

const text = (max: number, what: string) => z.string().trim().min(1, `${what} is empty`).max(max, `${what} is longer than ${max} characters`);

export const DelaySchema = z
  .object({
    amount: z.number().int("a delay is a whole number of hours or days").min(0, "a delay cannot be negative"),
    unit: z.enum(["hours", "days"]),
  })
  .strict();
export type Delay = z.infer<typeof DelaySchema>;

export const StageSchema = z
  .object({
    key: z.string().regex(/^[a-z0-9-]{1,40}$/, "a stage key is lower-case letters, digits and dashes"),
    name: text(60, "a stage name"),
    purpose: text(300, "a stage purpose"),
  })
  .strict();
export type Stage = z.infer<typeof StageSchema>;

export const PlanStepSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, "a step id is lower-case letters, digits and dashes"),
    stage: z.string(),
    /** From the trigger (or the start date of a scheduled plan), not from the previous email. */
    delay: DelaySchema,
    goal: text(300, "a goal"),
    /** The message angle in words: what the email says and how. Merchant-editable. */
    angle: text(300, "an angle"),
    angleKey: z.enum(ANGLE_KEYS),
    productFocus: z.enum(PRODUCT_FOCUS),
    /** This email carries the plan's offer. */
    incentive: z.boolean(),
  })
  .strict();
export type PlanStep = z.infer<typeof PlanStepSchema>;

export const IncentivePolicySchema = z
  .object({
    allowed: z.boolean(),
    /** 1-based: the first email that may carry the offer. */
    fromStep: z.number().int().min(1).nullable(),
    rationale: text(300, "the incentive rationale"),
  })
  .strict();
export type IncentivePolicy = z.infer<typeof IncentivePolicySchema>;

export const PlanSchema = z
  .object({
    /** Revision: 1 when proposed, +1 on every accepted edit. */
    version: z.number().int().min(1),
    flowType: z.enum(FLOW_TYPES),
    objective: z.enum(OBJECTIVES),
    name: text(100, "the plan name"),
    trigger: TriggerSchema,
    /** The audience (a built-in or merchant segment key); null = every subscriber the trigger reaches. */
    segmentKey: z.string().min(1).max(100).nullable(),
    product: z.object({ id: z.string().min(1).max(100), title: text(200, "the product title") }).strict().nullable(),
    offer: OfferSchema.nullable(),
    stages: z.array(StageSchema).min(1, "a plan needs at least one stage").max(10),
    steps: z.array(PlanStepSchema),
    exitConditions: z.array(z.enum(EXIT_CONDITIONS)),
    incentive: IncentivePolicySchema,
    /** Higher wins when a customer qualifies for several flows at once. */
    priority: z.number().int().min(0).max(1000),
  })
  .strict();
export type Plan = z.infer<typeof PlanSchema>;

export function delayHours(delay: Delay): number {
  return delay.unit === "hours" ? delay.amount : delay.amount * 24;
}

export function formatDelay(delay: Delay): string {
  if (delay.unit === "hours") return delay.amount === 1 ? "1 hour" : `${delay.amount} hours`;
  return `day ${delay.amount}`;
}
