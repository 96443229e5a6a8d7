// The one content-provider interface (offline templates or an LLM) and what
// every provider shares: the validation context of an input and the draft it
// becomes.
import type { LlmBudget, LlmUsage } from "../llm/llm";
import { copyTexts, draftCopy, type DraftCopy, type EmailDraft } from "./draft";
import type { GenerationInput, GenerationInputRaw } from "./input";
import { validateDraft, type ValidationContext } from "./validate";

/** How many times a generator tries before returning a draft with its problems. */
export const DEFAULT_MAX_ATTEMPTS = 3;

export interface GenerateOptions {
  /** The campaign's budget: every model call of the campaign is counted against it. */
  budget: LlmBudget;
  /** Titles of the shop's other products (never to be named in this email). */
  otherProductTitles?: string[];
}

export interface GenerationResult {
  draft: EmailDraft;
  /** Empty when the draft passed validation; otherwise why it must be fixed before approval. */
  problems: string[];
  warnings: string[];
  attempts: number;
  usage: LlmUsage;
  cached: boolean;
  /** How the draft was made when that is not the usual way (a fallback, a cache hit). */
  notes: string[];
}

export interface ContentProvider {
  readonly name: "offline" | "openai";
  readonly model: string | null;
  /** One email × segment × variant × tone. The input holds no recipient; see input.ts. */
  generateEmail(input: GenerationInputRaw, options: GenerateOptions): Promise<GenerationResult>;
}

export function validationContext(input: GenerationInput, appOrigin: string | null | undefined, otherProductTitles?: string[]): ValidationContext {
  return { shop: input.shop, products: input.products, offer: input.offer, voice: input.voice, appOrigin, otherProductTitles };
}

export function toDraft(copy: DraftCopy, input: GenerationInput, source: EmailDraft["source"]): EmailDraft {
  return {
    version: 1,
    stepId: input.step.stepId,
    segmentKey: input.segment?.key ?? null,
    tone: input.tone,
    variant: input.variant,
    ...copy,
    source,
  };
}

/**
 * A merchant's in-place edit: the next revision, validated like generated copy
 * (an edit can break the facts too). Approval of the earlier version no longer
 * applies to it.
 */
export function reviseDraft(draft: EmailDraft, edits: Partial<DraftCopy>, ctx: ValidationContext): { draft: EmailDraft; problems: string[]; warnings: string[] } {
  const next = { ...draftCopy(draft), ...edits };
  const checked = validateDraft(next, ctx);
  if (!checked.copy) return { draft, problems: checked.problems, warnings: [] };
  return { draft: { ...draft, ...checked.copy, version: draft.version + 1 }, problems: checked.problems, warnings: checked.warnings };
}

/** All copy as one string (tests and previews). */
export function allCopyText(copy: DraftCopy): string {
  return copyTexts(copy).map((t) => t.text).join("\n");
}
