// Drafts as the campaigns service stores them, pure part: the JSON kept in
// EmailDraft.content, variant letters, the tone of each email, which drafts a
// plan edit makes stale, and the one map between the content layer's product
// sources and the recommender's block names.
import { z } from "zod";
import type { BlockType } from "../recommend/blocks";
import { EmailDraftSchema, type EmailDraft, type ProductSource } from "../content/draft";
import { CatalogProductSchema, type CatalogProduct } from "../content/facts";
import { MAX_PRODUCTS, MAX_VARIANTS, type Tone } from "../content/input";
import type { AngleKey, Plan, PlanStep } from "../flows/plan";

/** A/B: two variants of every email unless a caller asks for more. */
export const DEFAULT_VARIANTS = 2;
const LETTERS = "ABCDE";

export function variantLetter(index: number): string {
  const letter = LETTERS[index];
  if (letter === undefined || index >= MAX_VARIANTS) throw new RangeError(`variant ${index} is out of range (at most ${MAX_VARIANTS})`);
  return letter;
}

/** "A" → 0; a number is taken as the 0-based index. Null when it names no variant. */
export function variantIndex(variant: string | number): number | null {
  if (typeof variant === "number") return Number.isInteger(variant) && variant >= 0 && variant < MAX_VARIANTS ? variant : null;
  const i = LETTERS.indexOf(variant.trim().toUpperCase());
  return variant.trim().length === 1 && i >= 0 && i < MAX_VARIANTS ? i : null;
}

/**
 * EmailDraft.content: the draft and the catalog facts it was written from
 * (product blocks render from them, an edit is checked against them), with the
 * validator's warnings and how it was made. The approval hash covers all of it,
 * so the prices a merchant approved are the prices that go out.
 */
export const StoredDraftSchema = z
  .object({
    draft: EmailDraftSchema,
    products: z.array(CatalogProductSchema).max(MAX_PRODUCTS),
    warnings: z.array(z.string()).default([]),
    notes: z.array(z.string()).default([]),
    /** The merchant's note of the last regeneration, if any. */
    note: z.string().nullable().default(null),
  })
  .strict();
export type StoredDraft = z.output<typeof StoredDraftSchema>;

export function storedDraft(draft: EmailDraft, products: CatalogProduct[], warnings: string[], notes: string[], note: string | null = null): StoredDraft {
  return { draft, products, warnings, notes, note };
}

/** The stored JSON read back, or null when it is not a stored draft (then it cannot be approved or rendered). */
export function readStoredDraft(content: unknown): StoredDraft | null {
  const parsed = StoredDraftSchema.safeParse(content);
  return parsed.success ? parsed.data : null;
}

/** Problems as stored (EmailDraft.problems): a list of strings, anything else counted as one problem. */
export function readProblems(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map((p) => (typeof p === "string" ? p : JSON.stringify(p)));
  return ["the stored problems are unreadable"];
}

/** Angles that close a flow: written with urgency (never an invented deadline: validation checks that). */
const CLOSING_ANGLES: ReadonlySet<AngleKey> = new Set(["cart-last-call", "last-chance", "comeback-offer"]);
const FORMAL_WORDS = /\b(?:formal|professional|elegant|refined|luxur\w*|classic|sophisticated|premium)\b/i;

/** The tone an email is written in: formal when the brand says so, urgent for last calls, else casual. */
export function toneFor(angleKey: AngleKey, toneWords: readonly string[]): Tone {
  if (CLOSING_ANGLES.has(angleKey)) return "urgency";
  return toneWords.some((w) => FORMAL_WORDS.test(w)) ? "formal" : "casual";
}

/** What an email's copy is written from: an edit that changes any of these makes its drafts stale. */
function copyInputs(plan: Plan, step: PlanStep) {
  return {
    id: step.id,
    stage: plan.stages.find((s) => s.key === step.stage) ?? null,
    goal: step.goal,
    angle: step.angle,
    angleKey: step.angleKey,
    productFocus: step.productFocus,
    incentive: step.incentive,
    offer: step.incentive ? plan.offer : null,
    product: step.productFocus === "featured" ? plan.product : null,
    segmentKey: plan.segmentKey,
    objective: plan.objective,
  };
}

/**
 * Indices (0-based) of the emails of `after` whose drafts must be written again:
 * new emails and those whose brief changed. A change of delay or of another
 * email leaves a draft as it is.
 */
export function staleSteps(before: Plan, after: Plan): number[] {
  const out: number[] = [];
  after.steps.forEach((step, i) => {
    const old = before.steps[i];
    if (!old || JSON.stringify(copyInputs(before, old)) !== JSON.stringify(copyInputs(after, step))) out.push(i);
  });
  return out;
}

export function expectedDrafts(plan: Plan, variants = DEFAULT_VARIANTS): number {
  return plan.steps.length * variants;
}

/** The content layer says "co-purchase", the recommender "copurchase": mapped here and nowhere else. */
export const BLOCK_FOR_SOURCE: Record<ProductSource, BlockType> = {
  cart: "cart",
  viewed: "viewed",
  "co-purchase": "copurchase",
  popular: "popular",
  "new-arrivals": "new-arrivals",
};
