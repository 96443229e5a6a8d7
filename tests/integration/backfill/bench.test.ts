// Throughput of the install backfill against the fake Shopify with Shopify's
// STANDARD cost bucket (2,000 points, 100 points/s): 1,000 customers and 1,000
// orders. Opt-in (it takes minutes for a paginated backfill): BACKFILL_BENCH=1.
import { afterAll, beforeAll, expect, it } from "vitest";
import { enqueueBackfill, runBackfill } from "~/core/backfill/backfill.server";
import { queue } from "~/jobs/index.server";
import { sampleStore, startFakeShopify, type FakeShopify } from "../../fakes/shopify-admin";
import { TEST_API_KEY, TEST_API_SECRET } from "../../setup/test-config";
import { adminFor, expected, installShop, stored } from "./helpers";

const shop = "bench.myshopify.com";
const store = sampleStore({ seed: 11, products: 20, customers: 1000, orders: 1000 });
let fake: FakeShopify;

beforeAll(async () => {
  fake = await startFakeShopify({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, stores: { [shop]: store } }); // standard bucket
});
afterAll(() => fake.close());

it.skipIf(!process.env.BACKFILL_BENCH)("backfills 1,000 customers and 1,000 orders under the standard bucket", { timeout: 30 * 60_000 }, async () => {
  await installShop(shop);
  const { runId } = await enqueueBackfill(queue, shop, "bench");
  const t0 = performance.now();
  const progress = await runBackfill(runId, { admin: adminFor(fake, shop) });
  const seconds = (performance.now() - t0) / 1000;
  expect(progress.status).toBe("done");
  expect(await stored(shop)).toEqual(expected(store));
  const rows = progress.counts.customers + progress.counts.orders + progress.counts.products;
  const db = process.env.DATABASE_URL?.startsWith("postgres") ? "postgresql" : "sqlite";
  process.stdout.write(
    `BENCH ${db}: ${rows} rows (${progress.counts.customers} customers, ${progress.counts.orders} orders, ${progress.counts.products} products) in ${seconds.toFixed(2)} s = ${(rows / seconds).toFixed(1)} rows/s; ${fake.graphqlRequests()} GraphQL requests, ${fake.state.throttledResponses} THROTTLED\n`,
  );
});
