// Structured output through the official OpenAI SDK, against OpenAI or any
// compatible server (a local model; the fake in tests and the demo). The answer
// must parse and pass the zod schema; otherwise the model is asked again with
// the problems, at most `maxAttempts` times. 429 and 5xx are retried by the SDK
// itself (with its backoff and the server's retry-after).
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { z } from "zod";
import { addUsage, LlmOutputError, NO_USAGE, type LlmBudget, type LlmConfig, type LlmUsage } from "./llm";

export type OpenAIConfig = Extract<LlmConfig, { provider: "openai" }>;

export function openaiClient(config: OpenAIConfig, options: { timeoutMs?: number; maxRetries?: number } = {}): OpenAI {
  return new OpenAI({ apiKey: config.apiKey, baseURL: config.baseURL, timeout: options.timeoutMs ?? 60_000, maxRetries: options.maxRetries ?? 2 });
}

export interface StructuredRequest<T extends z.ZodTypeAny> {
  model: string;
  /** A zod object whose optional fields are `.nullable()` (strict structured output needs every key). */
  schema: T;
  /** The schema's name as the model sees it ([a-zA-Z0-9_-]). */
  name: string;
  system: string;
  user: string;
  maxAttempts?: number;
  maxTokens?: number;
  temperature?: number;
  budget?: LlmBudget;
  /** Extra checks after the schema (facts, lengths): problems in words, [] when fine. */
  check?: (value: z.infer<T>) => string[];
}

export interface StructuredResult<T> {
  value: T;
  usage: LlmUsage;
  attempts: number;
}

export async function structuredCompletion<T extends z.ZodTypeAny>(client: OpenAI, request: StructuredRequest<T>): Promise<StructuredResult<z.infer<T>>> {
  const maxAttempts = request.maxAttempts ?? 3;
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: "system", content: request.system },
    { role: "user", content: request.user },
  ];
  let usage = NO_USAGE;
  let problems: string[] = [];
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    request.budget?.reserve();
    const completion = await client.chat.completions.create({
      model: request.model,
      messages,
      response_format: zodResponseFormat(request.schema, request.name),
      max_completion_tokens: request.maxTokens ?? 2_000,
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    });
    const spent = { calls: 1, promptTokens: completion.usage?.prompt_tokens ?? 0, completionTokens: completion.usage?.completion_tokens ?? 0 };
    usage = addUsage(usage, spent);
    request.budget?.record(spent);
    const message = completion.choices[0]?.message;
    const content = message?.content ?? null;
    problems = answerProblems(request.schema, message?.refusal ?? null, content, completion.choices[0]?.finish_reason);
    if (problems.length === 0) {
      const value = request.schema.parse(JSON.parse(content!)) as z.infer<T>;
      const extra = request.check?.(value) ?? [];
      if (extra.length === 0) return { value, usage, attempts: attempt };
      problems = extra;
    }
    messages.push({ role: "assistant", content: (content ?? "").slice(0, 4_000) });
    messages.push({ role: "user", content: `That answer cannot be used: ${problems.join("; ").slice(0, 1_000)}. Answer again, following the schema and the rules.` });
  }
  throw new LlmOutputError(problems, usage);
}

function answerProblems(schema: z.ZodTypeAny, refusal: string | null, content: string | null, finish: string | undefined): string[] {
  if (refusal) return [`the model refused: ${refusal.slice(0, 200)}`];
  if (finish === "length") return ["the answer was cut off (too long)"];
  if (content === null || content === "") return ["the answer was empty"];
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return ["the answer was not valid JSON"];
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return [];
  return parsed.error.issues.slice(0, 10).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
}
