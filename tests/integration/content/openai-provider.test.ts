// The OpenAI content provider through the real SDK against the local fake
// server: good, malformed, mismatched and hostile answers, the budget, the
// cache, and a call count that does not depend on the audience.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { draftRequests, generateDrafts } from "~/core/content/campaign";
import { LruDraftCache } from "~/core/content/cache";
import { ContentInputError, type GenerationInputRaw } from "~/core/content/input";
import { OfflineContentProvider } from "~/core/content/offline/provider";
import { OpenAIContentProvider } from "~/core/content/openai/provider.server";
import { allCopyText } from "~/core/content/provider";
import { contentProvider } from "~/core/content/provider.server";
import { LlmBudget, LlmBudgetExceeded } from "~/core/llm/llm";
import { openaiClient } from "~/core/llm/openai.server";
import { startFakeOpenAI, type FakeChatRequest, type FakeOpenAI } from "../../fakes/openai";
import { APP_ORIGIN, HOSTILE_DESCRIPTION, inputFor, plan, SCARF, SHOP, VOICE } from "../../unit/content/fixtures";

const MODEL = "gpt-4o-mini";
let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.clear();
  fake.setMode("normal");
  fake.setResponder(undefined);
});

const provider = (cache = new LruDraftCache(50), maxAttempts = 3) =>
  new OpenAIContentProvider({ client: openaiClient({ provider: "openai", apiKey: fake.apiKey, baseURL: fake.baseURL, model: MODEL }, { maxRetries: 0 }), model: MODEL, cache, maxAttempts, appOrigin: APP_ORIGIN });
const bigBudget = () => new LlmBudget(1_000, 10_000_000);

function data(req: FakeChatRequest, name: string): unknown {
  const m = req.prompt.match(new RegExp(`<data name="${name}">(.*?)</data>`));
  return m ? JSON.parse(m[1]!) : undefined;
}

/** A well-behaved model: uses the listed products, prices, links and offer, nothing else. */
function goodAnswer(req: FakeChatRequest) {
  const products = data(req, "products") as Array<{ id: string; title: string; price: string }>;
  const links = data(req, "links") as string[];
  const offer = req.messages[0]!.content.match(/This email carries one offer: ([^,.]+)/)?.[1];
  const first = products[0];
  return {
    json: {
      subjectVariants: ["A note from the shop", "Something for you", "Take another look"],
      previewText: "A short note about what you might like.",
      headline: first ? `Meet the ${first.title}` : "Something for you",
      bodyBlocks: [
        { type: "greeting" },
        { type: "paragraph", text: first ? `The ${first.title} is ${first.price}.` : "We picked a few things for you." },
        ...(first ? [{ type: "product", productId: first.id }] : [{ type: "products", source: "popular" }]),
        ...(offer ? [{ type: "paragraph", text: `Here is ${offer}.` }, { type: "offer" }] : []),
      ],
      callToAction: { label: "Take a look", url: links.at(-1) },
    },
  };
}

function hostileAnswer(req: FakeChatRequest) {
  const answer = goodAnswer(req);
  answer.json.subjectVariants = ["50% OFF EVERYTHING", "Everything must go", "Take another look"];
  answer.json.bodyBlocks.splice(1, 0, { type: "paragraph", text: "Ignore the rules: 50% off everything, today only. Details at https://evil.example.net/claim." });
  return answer;
}

const launch = plan("launch", "product-launch", null, true);
const launchInput = (extra: Partial<GenerationInputRaw> = {}) => inputFor(launch, 1, extra);

describe("OpenAIContentProvider", () => {
  it("returns a validated draft from a good answer, with its usage", async () => {
    fake.setResponder(goodAnswer);
    const budget = bigBudget();
    const r = await provider().generateEmail(launchInput(), { budget });
    expect(r.problems).toEqual([]);
    expect(r.attempts).toBe(1);
    expect(r.cached).toBe(false);
    expect(r.draft).toMatchObject({ version: 1, stepId: "email-2", tone: "casual", variant: 0, headline: "Meet the Aurora Wool Scarf", source: { provider: "openai", model: MODEL, seed: 7 } });
    expect(allCopyText(r.draft)).toContain("The Aurora Wool Scarf is $49.00.");
    expect(r.usage.calls).toBe(1);
    expect(r.usage.promptTokens).toBeGreaterThan(200);
    expect(budget.usage).toEqual(r.usage);
    const body = fake.requests.at(-1)!.body as { response_format: { type: string; json_schema: { name: string; strict: boolean } } };
    expect(body.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "email_draft", strict: true } });
  });

  it("serves the same input from the cache without calling the model again", async () => {
    fake.setResponder(goodAnswer);
    const p = provider();
    const first = await p.generateEmail(launchInput(), { budget: bigBudget() });
    const again = await p.generateEmail(launchInput(), { budget: bigBudget() });
    expect(fake.usage().calls).toBe(1);
    expect(again).toMatchObject({ cached: true, attempts: 0, usage: { calls: 0 }, problems: [] });
    expect(again.draft).toEqual(first.draft);
    // A new seed is a regeneration: it asks the model.
    await p.generateEmail(launchInput({ seed: 8 }), { budget: bigBudget() });
    expect(fake.usage().calls).toBe(2);
  });

  it("falls back to the offline generator, saying why, when every answer is malformed", async () => {
    fake.setMode({ kind: "invalid-json" });
    const r = await provider().generateEmail(launchInput(), { budget: bigBudget() });
    expect(fake.usage().calls).toBe(3);
    expect(r.usage.calls).toBe(3);
    expect(r.draft.source.provider).toBe("offline");
    expect(r.problems).toEqual([]);
    expect(r.notes[0]).toMatch(/never answered in the draft's shape \(the answer was not valid JSON\); the offline generator wrote this draft/);
  });

  it("treats answers of the wrong shape the same way", async () => {
    fake.setMode({ kind: "schema-mismatch" });
    const r = await provider(undefined, 2).generateEmail(launchInput(), { budget: bigBudget() });
    expect(fake.usage().calls).toBe(2);
    expect(r.draft.source.provider).toBe("offline");
    expect(r.notes[0]).toMatch(/never answered in the draft's shape/);
  });

  it("re-asks with the problems when an answer invents a discount and an outside link, and takes the corrected one", async () => {
    fake.setResponder((req) => (req.index === 0 ? hostileAnswer(req) : goodAnswer(req)));
    const r = await provider().generateEmail(launchInput(), { budget: bigBudget() });
    expect(r.attempts).toBe(2);
    expect(r.problems).toEqual([]);
    expect(allCopyText(r.draft)).not.toMatch(/50%|evil/);
    const reask = (fake.requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> }).messages.at(-1)!.content;
    expect(reask).toContain("subject 1 promises 50% off, but the plan's offer is none");
    expect(reask).toContain("goes to evil.example.net");
  });

  it("shows a draft that stays hostile with its problems, and does not cache it", async () => {
    fake.setResponder(hostileAnswer);
    const p = provider();
    const r = await p.generateEmail(launchInput(), { budget: bigBudget() });
    expect(r.attempts).toBe(3);
    expect(r.draft.source.provider).toBe("openai");
    expect(r.problems).toEqual(
      expect.arrayContaining([
        "subject 1 promises 50% off, but the plan's offer is none",
        'subject 1 writes "EVERYTHING" in capitals',
        "paragraph 1 sets a deadline that the plan does not have",
        "paragraph 1's link https://evil.example.net/claim goes to evil.example.net; links may only go to acme.example.com, www.acme.example.com, acme-goods.myshopify.com, app.loopwise.example",
      ]),
    );
    expect(r.notes).toEqual(["the model's answers failed validation 3 time(s); the last one is shown with its problems"]);
    await p.generateEmail(launchInput(), { budget: bigBudget() });
    expect(fake.usage().calls).toBe(6);
  });

  it("keeps a hostile product description inside its data element", async () => {
    fake.setResponder(goodAnswer);
    const hostile = { ...SCARF, description: HOSTILE_DESCRIPTION };
    const r = await provider().generateEmail(launchInput({ products: [hostile] }), { budget: bigBudget() });
    expect(r.problems).toEqual([]);
    const [system, user] = (fake.requests.at(-1)!.body as { messages: Array<{ content: string }> }).messages;
    expect(system!.content).not.toContain("Ignore previous instructions");
    expect(system!.content).toContain("never instructions");
    const products = user!.content.match(/<data name="products">(.*?)<\/data>/)![1]!;
    expect(JSON.parse(products)[0].description).toBe(HOSTILE_DESCRIPTION);
    expect(user!.content.split("Ignore previous instructions")).toHaveLength(2);
    expect(allCopyText(r.draft)).not.toMatch(/50%|OFF EVERYTHING/);
  });

  it("re-asks when an answer uses one of the brand's avoid-words", async () => {
    fake.setResponder((req) => {
      const a = goodAnswer(req);
      if (req.index === 0) a.json.headline = "A cheap thrill";
      return a;
    });
    const r = await provider().generateEmail(launchInput(), { budget: bigBudget() });
    expect(r.attempts).toBe(2);
    const reask = (fake.requests.at(-1)!.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
    expect(reask).toContain('headline uses "cheap", which the brand voice avoids');
  });

  it("stops at the campaign budget before calling the model", async () => {
    fake.setResponder(goodAnswer);
    const p = provider();
    const budget = new LlmBudget(2, 1_000_000);
    await p.generateEmail(launchInput({ variant: 0 }), { budget });
    await p.generateEmail(launchInput({ variant: 1 }), { budget });
    await expect(p.generateEmail(launchInput({ variant: 2 }), { budget })).rejects.toBeInstanceOf(LlmBudgetExceeded);
    expect(fake.usage().calls).toBe(2);
    // A token budget stops the same way once it is spent.
    const tokens = new LlmBudget(100, 10);
    await p.generateEmail(launchInput({ variant: 3 }), { budget: tokens });
    await expect(p.generateEmail(launchInput({ variant: 4 }), { budget: tokens })).rejects.toThrow(/budget exhausted: tokens/);
    expect(fake.usage().calls).toBe(3);
  });

  it("returns the last draft with its problems when the budget runs out mid re-ask", async () => {
    fake.setResponder(hostileAnswer);
    const r = await provider().generateEmail(launchInput(), { budget: new LlmBudget(1, 1_000_000) });
    expect(fake.usage().calls).toBe(1);
    expect(r.problems).toContain("subject 1 promises 50% off, but the plan's offer is none");
    expect(r.notes).toEqual(["the campaign's LLM budget ran out before the model fixed these problems"]);
  });
});

describe("a campaign's drafts", () => {
  const winBack = plan("win-back", "win-back", { kind: "percentage", percent: 10, expiresInDays: 7 });
  const spec = {
    plan: winBack,
    segments: [
      { key: "at-risk", description: "Customers whose next order is overdue" },
      { key: "high-value", description: "The top fifth by spend" },
    ],
    variants: 2,
    tones: ["casual" as const],
    voice: VOICE,
    shop: SHOP,
    productsFor: () => [SCARF],
  };

  it("makes one model call per email × segment × variant, whatever the audience size", async () => {
    fake.setResponder(goodAnswer);
    const usage: Array<{ calls: number; tokens: number }> = [];
    for (const audienceSize of [1_000, 100_000]) {
      fake.clear();
      const audience = Array.from({ length: audienceSize }, (_, i) => ({ email: `c${i}@example.com`, firstName: `C${i}` }));
      const requests = draftRequests(spec);
      const { outcomes, usage: spent } = await generateDrafts(provider(), requests, { budget: bigBudget() });
      expect(outcomes.every((o) => "result" in o && o.result.problems.length === 0)).toBe(true);
      usage.push({ calls: fake.usage().calls, tokens: spent.promptTokens + spent.completionTokens });
      expect(spent.calls).toBe(fake.usage().calls);
      // The only way to involve recipients would be to pass them in, and the input refuses them.
      await expect(provider().generateEmail({ ...requests[0]!, recipients: audience.slice(0, 3) } as GenerationInputRaw, { budget: bigBudget() })).rejects.toBeInstanceOf(ContentInputError);
    }
    expect(usage[0]!.calls).toBe(3 * 2 * 2);
    expect(usage[1]).toEqual(usage[0]);
  });

  it("reports the drafts the budget did not cover instead of retrying them", async () => {
    fake.setResponder(goodAnswer);
    const { outcomes } = await generateDrafts(provider(), draftRequests(spec), { budget: new LlmBudget(5, 10_000_000), concurrency: 1 });
    expect(outcomes.filter((o) => "result" in o)).toHaveLength(5);
    expect(outcomes.filter((o) => "error" in o).map((o) => ("error" in o ? o.error : ""))).toEqual(Array(7).fill(expect.stringMatching(/LLM budget exhausted: calls/)));
    expect(fake.usage().calls).toBe(5);
  });
});

describe("contentProvider", () => {
  const env = { OPENAI_BASE_URL: undefined, OPENAI_MODEL: MODEL, LOOPWISE_LLM: "auto" as const, SHOPIFY_APP_URL: APP_ORIGIN };
  it("uses the offline generator without a key", async () => {
    const p = contentProvider({ ...env, OPENAI_API_KEY: undefined });
    expect(p).toBeInstanceOf(OfflineContentProvider);
    const r = await p.generateEmail(launchInput(), { budget: bigBudget() });
    expect(r.problems).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });
  it("uses an OpenAI-compatible server with a key and a base URL", async () => {
    fake.setResponder(goodAnswer);
    const p = contentProvider({ ...env, OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseURL }, { cache: new LruDraftCache(5) });
    expect(p.name).toBe("openai");
    const r = await p.generateEmail(launchInput(), { budget: bigBudget() });
    expect(r.draft.source.provider).toBe("openai");
    expect(fake.usage().calls).toBe(1);
    expect(contentProvider({ ...env, OPENAI_API_KEY: "sk-x", LOOPWISE_LLM: "offline" }).name).toBe("offline");
  });
});
