// The fake OpenAI-compatible server driven by the real `openai` SDK.
import OpenAI from "openai";
import { LengthFinishReasonError } from "openai/core/error";
import { zodResponseFormat } from "openai/helpers/zod";
import { z } from "zod";
import { z as z4 } from "zod/v4";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../../fakes/openai";

let ai: FakeOpenAI;
const client = (opts: { apiKey?: string; maxRetries?: number; timeout?: number } = {}) =>
  new OpenAI({ baseURL: ai.baseURL, apiKey: opts.apiKey ?? ai.apiKey, maxRetries: opts.maxRetries ?? 0, timeout: opts.timeout });

const Email = z.object({
  subject: z.string().max(60),
  preview: z.string(),
  tone: z.enum(["formal", "casual", "urgency"]),
  discountPercent: z.number().int().min(5).max(30),
  subjectVariants: z.array(z.string()).min(3).max(5),
  blocks: z.array(z.object({ kind: z.enum(["text", "product"]), text: z.string(), productId: z.string().nullable() })),
  footer: z.object({ unsubscribe: z.boolean() }),
});
const prompt = [
  { role: "system" as const, content: "You write marketing emails. Answer in JSON." },
  { role: "user" as const, content: "Win back customers who bought the Alpine wool beanie and Merino socks last winter." },
];

beforeAll(async () => {
  ai = await startFakeOpenAI();
});
afterAll(async () => {
  await ai.close();
});
afterEach(() => {
  ai.setMode("normal");
  ai.setResponder(undefined);
  ai.clear();
});

describe("chat completions", () => {
  it("answers a plain completion with usage estimated from text length", async () => {
    const completion = await client().chat.completions.create({ model: "gpt-4o-mini", messages: prompt });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    const content = completion.choices[0]!.message.content!;
    expect(content.length).toBeGreaterThan(10);
    const promptChars = prompt.reduce((n, m) => n + m.content.length, 0);
    expect(completion.usage!.prompt_tokens).toBeGreaterThanOrEqual(Math.ceil(promptChars / 4));
    expect(completion.usage!.completion_tokens).toBe(Math.ceil(content.length / 4));
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    expect(ai.usage()).toEqual({ calls: 1, promptTokens: completion.usage!.prompt_tokens, completionTokens: completion.usage!.completion_tokens });
  });

  it("zodResponseFormat (zod 3 schema) gets schema-valid JSON, the same for the same request", async () => {
    const params = { model: "gpt-4o-mini", messages: prompt, response_format: zodResponseFormat(Email, "email") };
    const first = await client().chat.completions.parse(params);
    const parsed = first.choices[0]!.message.parsed!;
    expect(Email.parse(parsed)).toEqual(parsed);
    expect(parsed.subjectVariants.length).toBeGreaterThanOrEqual(3);
    expect(parsed.discountPercent).toBeGreaterThanOrEqual(5);
    const words = new Set(prompt.flatMap((m) => m.content.match(/[A-Za-z]+/g) ?? []).map((w) => w.toLowerCase()));
    for (const word of parsed.preview.split(" ")) expect(words.has(word.toLowerCase())).toBe(true);

    const second = await client().chat.completions.parse(params);
    expect(second.choices[0]!.message.content).toBe(first.choices[0]!.message.content);
    const other = await client().chat.completions.parse({ ...params, messages: [...prompt, { role: "user", content: "Make it shorter" }] });
    expect(other.choices[0]!.message.content).not.toBe(first.choices[0]!.message.content);
  });

  it("zodResponseFormat works with a zod/v4 schema too", async () => {
    const Schema = z4.object({ headline: z4.string(), score: z4.number().min(0).max(1), tags: z4.array(z4.enum(["a", "b"])).max(2) });
    const completion = await client().chat.completions.parse({
      model: "gpt-4o-mini",
      messages: prompt,
      response_format: zodResponseFormat(Schema, "headline"),
    });
    expect(Schema.parse(completion.choices[0]!.message.parsed)).toBeTruthy();
  });

  it("refuses a non-strict-compatible schema as OpenAI does", async () => {
    const error = await client()
      .chat.completions.create({
        model: "gpt-4o-mini",
        messages: prompt,
        response_format: {
          type: "json_schema",
          json_schema: { name: "loose", strict: true, schema: { type: "object", properties: { a: { type: "string" } } } },
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/additionalProperties/);
  });

  it("streams SSE chunks ending with [DONE], with usage when asked", async () => {
    const stream = await client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: prompt,
      response_format: zodResponseFormat(Email, "email"),
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(finish).toBe("stop");
    expect(Email.parse(JSON.parse(text))).toBeTruthy();
    expect(usage?.completion_tokens).toBe(Math.ceil(text.length / 4));
    // the same request without streaming gives the same content
    const whole = await client().chat.completions.create({ model: "gpt-4o-mini", messages: prompt, response_format: zodResponseFormat(Email, "email") });
    expect(whole.choices[0]!.message.content).toBe(text);
  });

  it("a responder scripts exact replies: invalid JSON first, valid second", async () => {
    ai.setResponder(({ index }) => (index === 0 ? '{"subject": "Hi' : { json: { ok: true, index } }));
    const first = await client().chat.completions.create({ model: "gpt-4o-mini", messages: prompt });
    expect(() => JSON.parse(first.choices[0]!.message.content!)).toThrow();
    const second = await client().chat.completions.create({ model: "gpt-4o-mini", messages: prompt });
    expect(JSON.parse(second.choices[0]!.message.content!)).toEqual({ ok: true, index: 1 });
    expect(ai.requests.map((r) => (r.body?.messages as unknown[]).length)).toEqual([2, 2]);
  });

  it("truncates at max_completion_tokens with finish_reason length (parse() then throws)", async () => {
    const params = { model: "gpt-4o-mini", messages: prompt, response_format: zodResponseFormat(Email, "email"), max_completion_tokens: 5 };
    const completion = await client().chat.completions.create(params);
    expect(completion.choices[0]!.finish_reason).toBe("length");
    await expect(client().chat.completions.parse(params)).rejects.toBeInstanceOf(LengthFinishReasonError);
  });

  it("lists models", async () => {
    const models = [];
    for await (const model of client().models.list()) models.push(model.id);
    expect(models).toContain("gpt-4o-mini");
    expect((await client().models.retrieve("gpt-4o")).id).toBe("gpt-4o");
  });
});

describe("failure modes", () => {
  it("401 with a bad key", async () => {
    const error = await client({ apiKey: "sk-wrong-key-123456" }).models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("invalid_api_key");
  });

  it("429 with retry-after: the SDK waits and retries by itself", async () => {
    ai.setMode({ kind: "rate-limited", retryAfterMs: 50, times: 2 });
    const started = Date.now();
    const completion = await client({ maxRetries: 2 }).chat.completions.create({ model: "gpt-4o-mini", messages: prompt });
    expect(completion.choices[0]!.message.content).toBeTruthy();
    expect(ai.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(ai.requests[1]!.headers["x-stainless-retry-count"]).toBe("1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it("429 surfaces as RateLimitError with the headers when retries run out", async () => {
    ai.setMode({ kind: "rate-limited", retryAfterMs: 1500 });
    const error = await client({ maxRetries: 0 }).chat.completions.create({ model: "gpt-4o-mini", messages: prompt }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const headers = (error as InstanceType<typeof OpenAI.APIError>).headers!;
    expect(headers.get("retry-after")).toBe("2");
    expect(headers.get("retry-after-ms")).toBe("1500");
    expect(headers.get("x-ratelimit-remaining-requests")).toBe("0");
  });

  it("500 is retried by the SDK, then succeeds", async () => {
    ai.setMode({ kind: "error", times: 1 });
    const completion = await client({ maxRetries: 1 }).chat.completions.create({ model: "gpt-4o-mini", messages: prompt });
    expect(completion.choices).toHaveLength(1);
    expect(ai.requests.map((r) => r.status)).toEqual([500, 200]);
  });

  it("invalid-json and schema-mismatch modes break structured output", async () => {
    const params = { model: "gpt-4o-mini", messages: prompt, response_format: zodResponseFormat(Email, "email") };
    ai.setMode({ kind: "invalid-json", times: 1 });
    await expect(client().chat.completions.parse(params)).rejects.toThrow(SyntaxError);
    ai.setMode({ kind: "schema-mismatch", times: 1 });
    await expect(client().chat.completions.parse(params)).rejects.toThrow(z.ZodError);
    const ok = await client().chat.completions.parse(params);
    expect(ok.choices[0]!.message.parsed).toBeTruthy();
  });

  it("slow mode trips the SDK's timeout", async () => {
    ai.setMode({ kind: "slow", ms: 2_000, times: 1 });
    const started = Date.now();
    const error = await client({ timeout: 200 }).chat.completions.create({ model: "gpt-4o-mini", messages: prompt }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
