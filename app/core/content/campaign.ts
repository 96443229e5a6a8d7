// All the drafts of a plan: one generation per email × segment × variant × tone.
// The recipients are not an input here or anywhere in content: the number of
// model calls depends on the plan, never on the audience size.
import type { Plan, PlanStep } from "../flows/plan";
import { addUsage, LlmBudgetExceeded, NO_USAGE, type LlmBudget, type LlmUsage } from "../llm/llm";
import type { CatalogProductInput } from "./facts";
import { MAX_VARIANTS, stepBrief, type GenerationInputRaw, type Tone } from "./input";
import type { ContentProvider, GenerationResult } from "./provider";
import type { BrandVoiceInput } from "./voice";
import type { ShopFactsInput } from "./facts";

export interface CampaignDraftSpec {
  plan: Plan;
  /** Audiences written for separately; null = one draft set for the plan's audience. */
  segments: Array<{ key: string; description: string }> | null;
  variants: number;
  /** Tones for every email, or per email (a closing email in urgency, the rest in the brand's tone). */
  tones: Tone[] | ((step: PlanStep) => Tone[]);
  voice: BrandVoiceInput;
  shop: ShopFactsInput;
  /** The products an email may name: chosen per step and segment, never per recipient. */
  productsFor: (step: PlanStep, segmentKey: string | null) => CatalogProductInput[];
  seed?: number;
}

export function draftRequests(spec: CampaignDraftSpec): GenerationInputRaw[] {
  if (!Number.isInteger(spec.variants) || spec.variants < 1 || spec.variants > MAX_VARIANTS) throw new Error(`variants must be 1 to ${MAX_VARIANTS}`);
  const tonesFor = typeof spec.tones === "function" ? spec.tones : () => spec.tones as Tone[];
  const segments = spec.segments ?? [null];
  const out: GenerationInputRaw[] = [];
  for (const step of spec.plan.steps) {
    const tones = tonesFor(step);
    if (tones.length === 0) throw new Error("at least one tone is needed");
    for (const segment of segments) {
      const products = spec.productsFor(step, segment?.key ?? null);
      for (let variant = 0; variant < spec.variants; variant++) {
        for (const tone of tones) {
          out.push({
            step: stepBrief(spec.plan, step.id),
            segment,
            voice: spec.voice,
            shop: spec.shop,
            products,
            offer: step.incentive ? spec.plan.offer : null,
            tone,
            variant,
            seed: spec.seed ?? 1,
          });
        }
      }
    }
  }
  return out;
}

export type DraftOutcome = { input: GenerationInputRaw; result: GenerationResult } | { input: GenerationInputRaw; error: string };

/**
 * Runs the requests a few at a time against one campaign budget. When the budget
 * runs out, the remaining requests are reported as not generated, not retried.
 */
export async function generateDrafts(
  provider: ContentProvider,
  inputs: GenerationInputRaw[],
  options: {
    budget: LlmBudget;
    concurrency?: number;
    otherProductTitles?: string[];
    /** Called as each request finishes (its index in `inputs`): lets a caller store drafts as they come, for a progress bar. */
    onOutcome?: (outcome: DraftOutcome, index: number) => Promise<void>;
  },
): Promise<{ outcomes: DraftOutcome[]; usage: LlmUsage }> {
  const outcomes: DraftOutcome[] = new Array(inputs.length);
  let usage = NO_USAGE;
  let next = 0;
  let exhausted: string | null = null;
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++;
      const input = inputs[i]!;
      if (exhausted) {
        outcomes[i] = { input, error: exhausted };
        await options.onOutcome?.(outcomes[i]!, i);
        continue;
      }
      try {
        const result = await provider.generateEmail(input, { budget: options.budget, otherProductTitles: options.otherProductTitles });
        usage = addUsage(usage, result.usage);
        outcomes[i] = { input, result };
      } catch (error) {
        if (error instanceof LlmBudgetExceeded) exhausted = error.message;
        outcomes[i] = { input, error: error instanceof Error ? error.message : String(error) };
      }
      await options.onOutcome?.(outcomes[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 2, inputs.length)) }, worker));
  return { outcomes, usage };
}
