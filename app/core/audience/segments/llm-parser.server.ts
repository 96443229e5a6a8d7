// The natural-language box backed by a model (OpenAI, or any compatible server).
//
// Order of answers: the offline parser first, then the model. The offline
// parser is precision-first (it reports any word it cannot place rather than
// guess), so when it understands a phrasing its rule is exact, instant, free
// and the same every time; the model handles the long tail. When the model
// cannot produce a rule that passes the schema after its re-asks, or is
// unreachable, the merchant gets a plain error and suggestions: there is no
// second fallback, since the offline parser has already said no.
import type OpenAI from "openai";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { llmConfig, LlmOutputError, type LlmBudget, type LlmConfig } from "~/core/llm/llm";
import { openaiClient, structuredCompletion } from "~/core/llm/openai.server";
import { currencyExponent } from "~/core/ingest/money";
import { answerProblems, checkedRule, modelAnswerSchema, systemPrompt, unsupportedReason, userPrompt } from "./llm-rule";
import { MAX_TEXT_LENGTH, OfflineSegmentParser, parseSegmentText, SUGGESTIONS, type ParseResult, type SegmentParser } from "./natural-language";

export type OpenAISegmentParserOptions = {
  model: string;
  /** Today, for "this month" and "since March" (default: the clock). */
  now?: () => Date;
  /** The shop's currency: money is asked for in main units and stored in minor units (default USD). */
  currency?: string;
  /** Attempts per request, re-asks included (default 3). */
  maxAttempts?: number;
  /** A shared spending limit (per shop, per request…). */
  budget?: LlmBudget;
  /** Ask the offline parser first (default true). */
  offlineFirst?: boolean;
};

export const MODEL_FAILED = "I could not turn that into a rule I can check. Try other words, build it with the rule builder, or start from one of these.";
export const MODEL_UNAVAILABLE = "The AI assistant is unavailable right now. Build the segment with the rule builder, or try one of these phrasings.";
export const UNSUPPORTED = "Segments cannot express that yet. Build what they can with the rule builder, or start from one of these.";

export class OpenAISegmentParser implements SegmentParser {
  constructor(private readonly client: OpenAI, private readonly options: OpenAISegmentParserOptions) {}

  async parse(input: string): Promise<ParseResult> {
    // Control characters and runs of spaces become one space: nothing else is changed before the model sees it.
    const text = input.replace(/[\s\p{Cc}]+/gu, " ").trim();
    if (text === "") return { error: "Describe the customers you want, for example “spent over $200”.", suggestions: SUGGESTIONS };
    if (text.length > MAX_TEXT_LENGTH) {
      return { error: `I could not understand that: please keep it under ${MAX_TEXT_LENGTH} characters.`, suggestions: SUGGESTIONS };
    }
    if (this.options.offlineFirst !== false) {
      const offline = parseSegmentText(text);
      if ("rule" in offline) return offline;
    }
    const convert = { moneyExponent: currencyExponent(this.options.currency ?? "USD") };
    try {
      const { value } = await structuredCompletion(this.client, {
        model: this.options.model,
        schema: modelAnswerSchema,
        name: "segment_rule",
        system: systemPrompt(this.options.now?.() ?? new Date()),
        user: userPrompt(text),
        maxAttempts: this.options.maxAttempts ?? 3,
        maxTokens: 1_500,
        temperature: 0,
        budget: this.options.budget,
        check: (answer) => answerProblems(answer, text, convert),
      });
      if (unsupportedReason(value) !== null) return { error: UNSUPPORTED, suggestions: SUGGESTIONS };
      const checked = checkedRule(value, convert);
      if (!checked.ok) return { error: MODEL_FAILED, suggestions: SUGGESTIONS }; // unreachable: `check` passed
      return { rule: checked.rule };
    } catch (error) {
      if (error instanceof LlmOutputError) {
        logger.warn("segment parser: no valid rule from the model", { attempts: error.usage.calls });
        return { error: MODEL_FAILED, suggestions: SUGGESTIONS };
      }
      // Budget spent, network, 401, 5xx after the SDK's retries: the merchant can still use the builder.
      logger.warn("segment parser: model unavailable", { error: error instanceof Error ? error.name : "unknown" });
      return { error: MODEL_UNAVAILABLE, suggestions: SUGGESTIONS };
    }
  }
}

/** The parser for this deployment: the model when an OpenAI key (or compatible server) is configured, else offline. */
export function segmentParser(config: LlmConfig = llmConfig(env), options: Omit<OpenAISegmentParserOptions, "model"> = {}): SegmentParser {
  if (config.provider === "offline") return new OfflineSegmentParser();
  return new OpenAISegmentParser(openaiClient(config, { timeoutMs: 30_000, maxRetries: 1 }), { model: config.model, ...options });
}
