// Rough in-process throughput of the pixel route's action on this test's database
// (SQLite by default, PostgreSQL with TEST_DATABASE=postgres). Prints the figures;
// PIXEL_BENCH_EVENTS raises the event count (default 300 per case, to keep `npm test` short; the figures in the report used 2000).
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { handlePixelRequest } from "~/core/pixel/endpoint.server";
import { PixelRateLimiter } from "~/core/pixel/rate-limit";
import { TEST_API_SECRET } from "../../setup/test-config";
import { examples } from "../../unit/pixel/fixtures";
import { installShop, pixelRequest } from "./helpers";

const TOTAL = Number(process.env.PIXEL_BENCH_EVENTS ?? 300);
const unlimited = { ratePerSecond: 1e9, burst: 1e9 };
const deps = {
  db: prisma,
  limiter: new PixelRateLimiter({ shop: unlimited, browser: unlimited }),
  now: () => new Date(),
  secret: TEST_API_SECRET,
};

function makeEvent(i: number) {
  const kinds = [examples.page, () => examples.product(), () => examples.collection(), () => examples.search(), () => examples.addToCart()];
  return { ...kinds[i % kinds.length]!(), clientId: `bench-${i % 500}` };
}

/** The same request through a handler that only reads and parses the body: the floor of the machine. */
async function nothing(request: Request): Promise<Response> {
  JSON.parse(await request.text());
  return new Response("{}", { status: 200 });
}

async function run(shop: string, batchSize: number, concurrency: number, handler = (r: Request) => handlePixelRequest(r, deps)) {
  const batches = Array.from({ length: Math.ceil(TOTAL / batchSize) }, (_, b) =>
    JSON.stringify({ shop, events: Array.from({ length: batchSize }, (_, i) => makeEvent(b * batchSize + i)) }),
  );
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const body = batches[next++]!;
        const t = performance.now();
        const res = await handler(pixelRequest(null, { raw: body }));
        latencies.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
  const stored = handler === nothing ? batches.length * batchSize : await prisma.browseEvent.count({ where: { shopId: shop } });
  return { batchSize, concurrency, events: stored, eventsPerSecond: Math.round(stored / seconds), p50ms: pct(0.5), p99ms: pct(0.99) };
}

describe("pixel throughput (in-process)", () => {
  it("handles batches of 1 and of 20", async () => {
    const results = [];
    for (const [size, concurrency] of [[1, 1], [1, 8], [20, 1], [20, 8]] as const) {
      const shop = `bench-${size}-${concurrency}.myshopify.com`;
      await installShop(shop);
      results.push(await run(shop, size, concurrency));
    }
    const baseline = [await run("none.myshopify.com", 1, 1, nothing), await run("none.myshopify.com", 20, 1, nothing)];
    process.stdout.write(`no-op handler: ${baseline.map((r) => JSON.stringify(r)).join(" ")}\n`);
    process.stdout.write(`pixel throughput (${process.env.TEST_DATABASE ?? "sqlite"}):\n${results.map((r) => "  " + JSON.stringify(r)).join("\n")}\n`);
    for (const r of results) {
      expect(r.events).toBe(Math.ceil(TOTAL / r.batchSize) * r.batchSize);
      expect(r.eventsPerSecond).toBeGreaterThan(10) // a sanity floor on a busy 2-core machine, not a performance gate;
    }
  }, 300_000);
});
