// The OpenAI ContentProvider (or any OpenAI-compatible server): the shared
// structuredCompletion seam with our validation as its `check`, so a draft with
// invented facts is re-asked with the problems in words. After maxAttempts the
// last well-formed draft is returned with its problems for the merchant to see;
// if the model never produced the draft's shape, the offline generator writes
// it and a note says why. Validated drafts are cached by input.
import type OpenAI from "openai";
import { LlmBudgetExceeded, LlmOutputError } from "../../llm/llm";
import { structuredCompletion } from "../../llm/openai.server";
import { draftCacheKey, type DraftCache } from "../cache";
import type { DraftCopy } from "../draft";
import { parseGenerationInput, type GenerationInput, type GenerationInputRaw } from "../input";
import { OfflineContentProvider } from "../offline/provider";
import { DEFAULT_MAX_ATTEMPTS, toDraft, validationContext, type ContentProvider, type GenerateOptions, type GenerationResult } from "../provider";
import { validateDraft, type ValidationContext } from "../validate";
import { buildContentPrompt } from "./prompt";

export interface OpenAIContentProviderOptions {
  client: OpenAI;
  model: string;
  cache?: DraftCache;
  maxAttempts?: number;
  appOrigin?: string | null;
  /** Per call; a draft is about 400–600 tokens of JSON. */
  maxTokens?: number;
}

export class OpenAIContentProvider implements ContentProvider {
  readonly name = "openai" as const;
  readonly model: string;
  private readonly offline: OfflineContentProvider;

  constructor(private readonly options: OpenAIContentProviderOptions) {
    this.model = options.model;
    this.offline = new OfflineContentProvider({ appOrigin: options.appOrigin, maxAttempts: options.maxAttempts });
  }

  async generateEmail(raw: GenerationInputRaw, options: GenerateOptions): Promise<GenerationResult> {
    const input = parseGenerationInput(raw);
    const ctx = validationContext(input, this.options.appOrigin, options.otherProductTitles);
    const cacheKey = draftCacheKey(input, this.model);
    const source = { provider: "openai" as const, model: this.model, seed: input.seed, cacheKey };

    const hit = await this.options.cache?.get(cacheKey);
    if (hit) {
      // The key covers the input; the shop's other titles are not in it, so check again (no call).
      const checked = validateDraft(hit.copy, ctx);
      if (checked.copy && checked.problems.length === 0) {
        return { draft: toDraft(checked.copy, input, source), problems: [], warnings: checked.warnings, attempts: 0, usage: { calls: 0, promptTokens: 0, completionTokens: 0 }, cached: true, notes: ["from the draft cache"] };
      }
    }

    const prompt = buildContentPrompt(input);
    let last: DraftCopy | undefined;
    const check = (value: unknown) => {
      const checked = validateDraft(value, ctx);
      if (checked.copy) last = checked.copy;
      return checked.problems;
    };
    try {
      const result = await structuredCompletion(this.options.client, {
        model: this.model,
        schema: prompt.schema,
        name: "email_draft",
        system: prompt.system,
        user: prompt.user,
        maxAttempts: Math.max(1, this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
        maxTokens: this.options.maxTokens ?? 1_500,
        budget: options.budget,
        check,
      });
      const checked = validateDraft(result.value, ctx);
      const copy = checked.copy!;
      await this.options.cache?.set(cacheKey, { copy, warnings: checked.warnings });
      return { draft: toDraft(copy, input, source), problems: [], warnings: checked.warnings, attempts: result.attempts, usage: result.usage, cached: false, notes: [] };
    } catch (error) {
      if (error instanceof LlmOutputError) {
        if (last) return withProblems(last, input, ctx, source, error.usage, `the model's answers failed validation ${error.usage.calls} time(s); the last one is shown with its problems`);
        const offline = await this.offline.generateEmail(input, options);
        return {
          ...offline,
          usage: error.usage,
          attempts: error.usage.calls,
          notes: [`the model never answered in the draft's shape (${error.problems.slice(0, 3).join("; ")}); the offline generator wrote this draft`],
        };
      }
      if (error instanceof LlmBudgetExceeded && last) {
        return withProblems(last, input, ctx, source, { calls: 0, promptTokens: 0, completionTokens: 0 }, "the campaign's LLM budget ran out before the model fixed these problems");
      }
      throw error;
    }
  }
}

function withProblems(copy: DraftCopy, input: GenerationInput, ctx: ValidationContext, source: GenerationResult["draft"]["source"], usage: GenerationResult["usage"], note: string): GenerationResult {
  const checked = validateDraft(copy, ctx);
  return { draft: toDraft(copy, input, source), problems: checked.problems, warnings: checked.warnings, attempts: usage.calls, usage, cached: false, notes: [note] };
}
