// What one generation call gets: one email of a plan, for one segment, in one
// variant and tone. There is deliberately no place for a recipient: copy is
// written per email × segment × variant and personalised at render time, so the
// number of model calls cannot grow with the audience. Every object is strict,
// so a caller that tries to pass recipient data gets an error, not a prompt.
import { z } from "zod";
import { ANGLE_KEYS, FLOW_TYPES, OBJECTIVES, OfferSchema, PRODUCT_FOCUS, type Plan } from "../flows/plan";
import { CatalogProductSchema, ShopFactsSchema } from "./facts";
import { BrandVoiceSchema } from "./voice";
import { NOTE_MAX } from "./note";
import { zodProblems } from "../flows/plan/validate";

export const TONES = ["formal", "casual", "urgency"] as const;
export type Tone = (typeof TONES)[number];

/** A/B variants per email: enough for any test we run, small enough to bound cost. */
export const MAX_VARIANTS = 5;
/** Products one email may name. */
export const MAX_PRODUCTS = 12;

export const StepBriefSchema = z
  .object({
    stepId: z.string().min(1).max(40),
    flowType: z.enum(FLOW_TYPES),
    objective: z.enum(OBJECTIVES),
    stage: z.string().min(1).max(60),
    /** 1-based position in the plan, and the plan's length. */
    position: z.number().int().min(1),
    totalSteps: z.number().int().min(1),
    angleKey: z.enum(ANGLE_KEYS),
    goal: z.string().min(1).max(300),
    angle: z.string().min(1).max(300),
    productFocus: z.enum(PRODUCT_FOCUS),
    incentive: z.boolean(),
  })
  .strict();
export type StepBrief = z.infer<typeof StepBriefSchema>;

export const SegmentBriefSchema = z.object({ key: z.string().min(1).max(100), description: z.string().max(300) }).strict();

export const GenerationInputSchema = z
  .object({
    step: StepBriefSchema,
    /** The audience as a whole (never a person). */
    segment: SegmentBriefSchema.nullable(),
    voice: BrandVoiceSchema,
    shop: ShopFactsSchema,
    /** The products this email may name, with their facts. */
    products: z.array(CatalogProductSchema).max(MAX_PRODUCTS, `an email may name at most ${MAX_PRODUCTS} products`),
    offer: OfferSchema.nullable(),
    tone: z.enum(TONES),
    variant: z.number().int().min(0).max(MAX_VARIANTS - 1, `at most ${MAX_VARIANTS} variants`),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    /**
     * The merchant's note when regenerating this email: data for a model, hints
     * (length, tone) for the offline generator. Absent on first generation.
     */
    note: z.string().trim().min(1).max(NOTE_MAX, `the note is longer than ${NOTE_MAX} characters`).nullable().optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.offer && !input.step.incentive) ctx.addIssue({ code: "custom", path: ["offer"], message: "this email does not carry the plan's incentive: pass offer null" });
    if (!input.offer && input.step.incentive) ctx.addIssue({ code: "custom", path: ["offer"], message: "this email carries the plan's incentive: pass the plan's offer" });
    if (input.offer?.kind === "fixed-amount" && input.offer.currency !== input.shop.currency) {
      ctx.addIssue({ code: "custom", path: ["offer", "currency"], message: `the offer is in ${input.offer.currency}, the shop sells in ${input.shop.currency}` });
    }
    const ids = new Set<string>();
    input.products.forEach((p, i) => {
      if (ids.has(p.id)) ctx.addIssue({ code: "custom", path: ["products", i, "id"], message: `product ${p.id} is listed twice` });
      ids.add(p.id);
    });
  });

export type GenerationInput = z.output<typeof GenerationInputSchema>;
export type GenerationInputRaw = z.input<typeof GenerationInputSchema>;

export class ContentInputError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid generation input: ${problems.join("; ")}`);
    this.name = "ContentInputError";
  }
}

export function parseGenerationInput(value: unknown): GenerationInput {
  const parsed = GenerationInputSchema.safeParse(value);
  if (!parsed.success) throw new ContentInputError(zodProblems(parsed.error));
  return parsed.data;
}

/** The brief for one email of a plan. */
export function stepBrief(plan: Plan, stepId: string): StepBrief {
  const index = plan.steps.findIndex((s) => s.id === stepId);
  const step = plan.steps[index];
  if (!step) throw new ContentInputError([`the plan has no email "${stepId}"`]);
  return {
    stepId: step.id,
    flowType: plan.flowType,
    objective: plan.objective,
    stage: plan.stages.find((s) => s.key === step.stage)?.name ?? step.stage,
    position: index + 1,
    totalSteps: plan.steps.length,
    angleKey: step.angleKey,
    goal: step.goal,
    angle: step.angle,
    productFocus: step.productFocus,
    incentive: step.incentive,
  };
}
