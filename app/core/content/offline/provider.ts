// The offline ContentProvider: writeOfflineCopy behind the shared interface. A
// draft that fails validation is rewritten with the next seed, up to
// maxAttempts, then returned with its problems for the merchant to see.
import { NO_USAGE } from "../../llm/llm";
import { draftCacheKey } from "../cache";
import type { DraftCopy } from "../draft";
import { parseGenerationInput, type GenerationInputRaw } from "../input";
import { offlineNoteSummary } from "../note";
import { DEFAULT_MAX_ATTEMPTS, toDraft, validationContext, type ContentProvider, type GenerateOptions, type GenerationResult } from "../provider";
import { validateDraft } from "../validate";
import { writeOfflineCopy } from "./generator";

export interface OfflineProviderOptions {
  appOrigin?: string | null;
  maxAttempts?: number;
}

export class OfflineContentProvider implements ContentProvider {
  readonly name = "offline" as const;
  readonly model = null;
  constructor(private readonly options: OfflineProviderOptions = {}) {}

  async generateEmail(raw: GenerationInputRaw, options: GenerateOptions): Promise<GenerationResult> {
    const input = parseGenerationInput(raw);
    const ctx = validationContext(input, this.options.appOrigin, options.otherProductTitles);
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    let last: { copy: DraftCopy; problems: string[]; warnings: string[]; seed: number; attempt: number } | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const seed = (input.seed + attempt - 1) % 2 ** 31;
      const copy = writeOfflineCopy(input, seed);
      const checked = validateDraft(copy, ctx);
      last = { copy, problems: checked.problems, warnings: checked.warnings, seed, attempt };
      if (checked.problems.length === 0) break;
    }
    const { copy, problems, warnings, seed, attempt } = last!;
    const draft = toDraft(copy, input, { provider: "offline", model: null, seed, cacheKey: draftCacheKey(input, "offline") });
    const noteSummary = offlineNoteSummary(input.note);
    return { draft, problems, warnings, attempts: attempt, usage: NO_USAGE, cached: false, notes: noteSummary ? [noteSummary] : [] };
  }
}
