// The backfill obeys Shopify's cost-based throttling: against a tiny bucket it
// shrinks pages that cost too much, waits for the bucket to refill, retries
// THROTTLED answers, and completes without an error.
import { afterAll, beforeAll, expect, it } from "vitest";
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
  // 400 points, 1000/s: the default page sizes exceed the bucket (orders: 902 points).
  fake = await startFakeShopify({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, stores: { [shop]: store }, throttle: { maximumAvailable: 400, restoreRate: 1000 } });
});
afterAll(() => fake.close());

it("completes against a tiny bucket that another client keeps draining, waiting rather than failing", async () => {
  await installShop(shop);
  const { runId } = await enqueueBackfill(queue, shop, "install-1");

  // Another app client of the same shop drains the same bucket meanwhile.
  const rival = fake.issueAccessToken(shop);
  let rivalThrottled = 0;
  const rivalQuery = async () => {
    const res = await fetch(`${fake.origin}/admin/api/${API_VERSION}/graphql.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": rival, "x-forwarded-host": shop },
      body: JSON.stringify({ query: "{ customers(first: 60) { nodes { id } } }" }), // 122 points
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
      await new Promise((r) => setTimeout(r, 200)); // about 600 points/s of the 1000/s restore rate
    }
  })();

  let waited = 0;
  const sleep = (ms: number) => {
    waited += ms;
    return new Promise<void>((r) => setTimeout(r, ms));
  };
  const before = fake.state.throttledResponses;
  try {
    const drainNow = async () => {
      while (!(await rivalQuery())) {
        /* empty the bucket: the backfill's view of it is now stale */
      }
    };
    const progress = await runBackfill(runId, { admin: adminFor(fake, shop), sleep, afterPage: drainNow });
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
