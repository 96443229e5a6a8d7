// LLM calls and tokens per campaign at 1k and at 100k recipients, through the real
// OpenAI SDK against the local fake: a win-back campaign with an offer, drafted
// for shops whose at-risk segment holds 1,000 and 100,000 customers. Copy is
// written per email × variant (the generation input has no place for a
// recipient), so the figures must be equal. Prints, never asserts.
//   npx tsx tests/bench/campaign-llm.bench.ts     (BENCH_AUDIENCES=1000,100000)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateDeploy } from "../../bin/demo";

const audiences = (process.env.BENCH_AUDIENCES ?? "1000,100000").split(",").map(Number);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loopwise-bench-llm-"));
const url = "file:" + path.join(dir, "bench.db");
migrateDeploy(url);
Object.assign(process.env, {
  DATABASE_URL: url, NODE_ENV: "test", LOG_LEVEL: "error", LOOPWISE_WORKER: "off",
  SHOPIFY_API_KEY: "loopwise-bench-key", SHOPIFY_API_SECRET: "loopwise-bench-secret", SHOPIFY_APP_URL: "https://bench.loopwise.test",
});

const { default: prisma } = await import("../../app/db.server");
const { seedShop, NOW } = await import("../integration/campaigns/fixtures");
const { goodAnswer } = await import("../integration/campaigns/model-answers");
const { startFakeOpenAI } = await import("../fakes/openai");
const { createCampaign, generateDrafts } = await import("../../app/core/campaigns/campaigns.server");
const { OpenAIContentProvider } = await import("../../app/core/content/openai/provider.server");
const { LruDraftCache } = await import("../../app/core/content/cache");
const { openaiClient } = await import("../../app/core/llm/openai.server");

const MODEL = "gpt-4o-mini";
const fake = await startFakeOpenAI();
fake.setResponder(goodAnswer);

/** The fixture shop (catalog, settings, the at-risk segment), then `n` at-risk customers in bulk. */
async function shopWithAudience(n: number): Promise<string> {
  const shopId = `bench-llm-${n}.myshopify.com`;
  await seedShop(shopId, 0);
  const segment = await prisma.segment.findFirstOrThrow({ where: { shopId, key: "at-risk" }, select: { id: true } });
  for (let start = 0; start < n; start += 5_000) {
    const ids = Array.from({ length: Math.min(5_000, n - start) }, (_, k) => `${n}-c${start + k}`);
    await prisma.customer.createMany({ data: ids.map((id, k) => ({ id, shopId, shopifyId: String(start + k + 1), email: `${id}@example.com`, firstName: "Ann", emailConsentState: "SUBSCRIBED" })) });
    await prisma.segmentMembership.createMany({ data: ids.map((customerId) => ({ shopId, segmentId: segment.id, customerId })) });
  }
  await prisma.segment.update({ where: { id: segment.id }, data: { size: n } });
  return shopId;
}

const rows: Array<Record<string, number>> = [];
try {
  for (const n of audiences) {
    const shopId = await shopWithAudience(n);
    const { id } = await createCampaign(shopId, { objective: "win-back", offer: { kind: "percentage", percent: 10, expiresInDays: 7 } }, { queue: null, now: NOW });
    fake.clear();
    const provider = new OpenAIContentProvider({
      client: openaiClient({ provider: "openai", apiKey: fake.apiKey, baseURL: fake.baseURL, model: MODEL }), // the SDK's own retries, as in the app
      model: MODEL,
      cache: new LruDraftCache(100),
      appOrigin: process.env.SHOPIFY_APP_URL,
    });
    const t = performance.now();
    const result = await generateDrafts(shopId, id, { now: NOW, provider });
    const usage = fake.usage();
    if (result.failed.length > 0) console.error(`recipients ${n}: drafts not written: ${JSON.stringify(result.failed).slice(0, 600)}`);
    rows.push({ recipients: n, drafts: result.written, calls: usage.calls, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, seconds: Math.round(performance.now() - t) / 1000 });
  }
  console.log("\nLLM use per campaign (win-back with a 10% offer, fake OpenAI through the SDK)\n");
  console.log("| recipients | drafts | calls | prompt tokens | completion tokens | seconds |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.recipients} | ${r.drafts} | ${r.calls} | ${r.promptTokens} | ${r.completionTokens} | ${r.seconds} |`);
  if (rows.length > 1) {
    const [a, b] = [rows[0]!, rows.at(-1)!];
    console.log(`\ncalls ×${(b.calls! / a.calls!).toFixed(2)}, tokens ×${((b.promptTokens! + b.completionTokens!) / (a.promptTokens! + a.completionTokens!)).toFixed(2)} for ×${(b.recipients! / a.recipients!).toFixed(0)} recipients`);
  }
} finally {
  await fake.close();
  await prisma.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
}
