// The backfill obeys Shopify's cost-based throttling: against a tiny bucket
// that another client keeps draining, its bulk-operation mutations and polls
// wait for the bucket to refill, retry THROTTLED answers, and complete without
// an error. Under the standard bucket, its cost no longer grows with the store.
import { afterAll, beforeAll, expect, it } from "vitest";
import prisma from "~/db.server";
import { enqueueBackfill, runBackfill } from "~/core/backfill/backfill.server";
import { queue } from "~/jobs/index.server";
import { API_VERSION } from "~/core/shopify-api-version";
import { sampleStore, startFakeShopify, type FakeShopify } from "../../fakes/shopify-admin";
import { TEST_API_KEY, TEST_API_SECRET } from "../../setup/test-config";
import { adminFor, expected, installShop, stored } from "./helpers";

const shop = "tiny-bucket.myshopify.com";
const store = sampleStore({ seed: 7, products: 14, customers: 120, orders: 30, oldOrders: 3 });
let fake: FakeShopify;

beforeAll(async () => {
  // 400 points, 50/s; each operation answers RUNNING twice, so the backfill polls.
  fake = await startFakeShopify({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, stores: { [shop]: store }, throttle: { maximumAvailable: 400, restoreRate: 50 }, bulkPollsUntilDone: 2 });
});
afterAll(() => fake.close());

it("completes against a tiny bucket that another client keeps draining, waiting rather than failing", async () => {
  await installShop(shop);
  const { runId } = await enqueueBackfill(queue, shop, "install-1");

  // Another app client of the same shop drains the same bucket meanwhile.
  const rival = fake.issueAccessToken(shop);
  let rivalThrottled = 0;
  const rivalQuery = async (first = 60) => {
    const res = await fetch(`${fake.origin}/admin/api/${API_VERSION}/graphql.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": rival, "x-forwarded-host": shop },
      body: JSON.stringify({ query: `{ customers(first: ${first}) { nodes { id } } }` }), // 2 + first points
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    const throttled = body.errors?.[0]?.extensions?.code === "THROTTLED";
    if (throttled) rivalThrottled++;
    return throttled;
  };
  let running = true;
  const drain = (async () => {
    while (running) {
      await rivalQuery();
      await new Promise((r) => setTimeout(r, 200)); // more than the 50/s restore rate
    }
  })();

  let waited = 0;
  const sleep = (ms: number) => {
    waited += ms;
    return new Promise<void>((r) => setTimeout(r, Math.min(ms, 250))); // poll waits shortened (throttle waits here are shorter)
  };
  const before = fake.state.throttledResponses;
  try {
    const drainNow = async () => {
      while (!(await rivalQuery(1))) {
        /* empty the bucket (under 3 points left): the backfill's view of it is now stale */
      }
    };
    const progress = await runBackfill(runId, { admin: adminFor(fake, shop), sleep, batchSize: 25, afterBatch: drainNow });
    expect(progress).toMatchObject({ status: "done", error: null, counts: expected(store) });
  } finally {
    running = false;
    await drain;
  }
  expect(await stored(shop)).toEqual(expected(store));
  expect(waited).toBeGreaterThan(0); // it waited for points
  const backfillThrottled = fake.state.throttledResponses - before - rivalThrottled;
  expect(backfillThrottled).toBeGreaterThan(0); // the backfill got THROTTLED answers and retried them
  expect(fake.state.requests.filter((r) => r.status >= 400)).toEqual([]);
});

it("is not limited by the standard bucket (2,000 points, 100/s): a handful of cheap calls whatever the store's size", async () => {
  const big = "standard-bucket.myshopify.com";
  const bigStore = sampleStore({ seed: 8, products: 40, customers: 600, orders: 600 });
  const standard = await startFakeShopify({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, stores: { [big]: bigStore }, bulkPollsUntilDone: 3 });
  try {
    await prisma.shop.create({ data: { id: big, status: "installed" } });
    const { runId } = await enqueueBackfill(queue, big, "install-1");
    const t0 = performance.now();
    const progress = await runBackfill(runId, { admin: adminFor(standard, big), sleep: async () => {} });
    const seconds = (performance.now() - t0) / 1000;
    expect(progress).toMatchObject({ status: "done", counts: expected(bigStore) });
    expect(standard.state.throttledResponses).toBe(0);
    // shop + counts + per phase (mutation + 4 polls): a paginated backfill needed 170+ requests and ~5 minutes of refills.
    expect(standard.graphqlRequests()).toBeLessThanOrEqual(2 + 3 * 5);
    const rows = progress.counts.customers + progress.counts.orders + progress.counts.products;
    process.stdout.write(`backfill (standard bucket): ${rows} rows in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} rows/s, ${standard.graphqlRequests()} GraphQL requests\n`);
  } finally {
    await standard.close();
  }
});
