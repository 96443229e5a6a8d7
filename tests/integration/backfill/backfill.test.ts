// The install backfill against the fake Shopify Admin over real HTTP, into the
// real database: bulk operations, their JSONL results streamed in batches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueBackfill, runBackfill, backfillProgress, backfillJobHandler, BACKFILL_JOB, type BackfillOptions } from "~/core/backfill/backfill.server";
import { parseBulkCursor } from "~/core/backfill/progress";
import { toMinorUnits } from "~/core/ingest/money";
import prisma from "~/db.server";
import { embeddedQueue } from "~/jobs/queue.server";
import { queue } from "~/jobs/index.server";
import { sampleStore, startFakeShopify, type FakeShopify, type FakeStore } from "../../fakes/shopify-admin";
import { TEST_API_KEY, TEST_API_SECRET } from "../../setup/test-config";
import { adminFor, expected, installShop, stored } from "./helpers";

let fake: FakeShopify;
const stores: Record<string, FakeStore> = {};
const SHOPS = ["full", "crash", "crash2", "expired", "forgot", "failed", "failing", "denied", "download", "job", "gone", "gone2"];
for (const [i, shop] of SHOPS.entries()) {
  stores[`${shop}.myshopify.com`] = sampleStore({ seed: i + 1, products: 23, customers: 130, orders: 45, oldOrders: 6, firstOrderLines: 23 });
}
// One product with many variants (a paginated query would need more pages).
const big = stores["full.myshopify.com"]!.products[0]!;
big.variants = Array.from({ length: 55 }, (_, v) => ({ id: 41_000_000_000_000 + v, title: `V${v}`, price: "9.99", position: v + 1, inventory_quantity: 1 }));

const noSleep = async () => {};
const lineItemsOf = (store: FakeStore) => store.orders.slice(0, 45).reduce((s, o) => s + o.line_items.length, 0);

async function start(shop: string) {
  await installShop(shop);
  const { runId } = await enqueueBackfill(queue, shop, "install-1");
  const base: BackfillOptions = { admin: adminFor(fake, shop), sleep: noSleep };
  return { runId, base };
}

/** Crashes (throws) after the nth saved batch of a phase. */
function crashAfter(phase: string, nth: number): BackfillOptions["afterBatch"] {
  let seen = 0;
  return (p) => {
    if (p.phase === phase && ++seen === nth) throw new Error("process killed");
  };
}

beforeAll(async () => {
  // A bucket that never runs dry (see throttling.test.ts); each operation answers RUNNING twice.
  fake = await startFakeShopify({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, stores, throttle: { restoreRate: 1_000_000 }, bulkPollsUntilDone: 2 });
});
afterAll(() => fake.close());

describe("install backfill (bulk operations)", () => {
  it("stores the active catalog, every customer with consent, and the last 365 days of orders", async () => {
    const shop = "full.myshopify.com";
    const store = stores[shop]!;
    const { runId, base } = await start(shop);
    const sleeps: number[] = [];
    const progress = await runBackfill(runId, { ...base, sleep: async (ms) => void sleeps.push(ms) });
    const want = expected(store);
    expect(progress).toMatchObject({ status: "done", phase: "done", percent: 100, counts: want, totals: want, error: null });
    expect(await stored(shop)).toEqual(want);
    expect(want.orders).toBe(45); // the 6 older orders are outside the window

    // One grouped bulk query per phase; the orders query carries the 365-day filter; polled with backoff.
    const runs = fake.mutations("bulkOperationRunQuery").filter((m) => m.shop === shop);
    expect(runs.map((m) => m.variables.groupObjects)).toEqual([true, true, true]);
    expect(String(runs[2]!.variables.query)).toMatch(/orders\(query: "created_at:>='\d{4}-/);
    expect(sleeps).toEqual([1000, 2000, 1000, 2000, 1000, 2000]);

    // Consent exactly as Shopify holds it.
    const consent = await prisma.customer.findMany({ where: { shopId: shop }, select: { shopifyId: true, emailConsentState: true, emailOptInLevel: true } });
    for (const c of store.customers) {
      const row = consent.find((r) => r.shopifyId === String(c.id))!;
      expect(row.emailConsentState).toBe(c.email_marketing_consent?.state.toUpperCase() ?? "NOT_SUBSCRIBED");
      expect(row.emailOptInLevel).toBe(c.email_marketing_consent?.opt_in_level?.toUpperCase() ?? null);
    }
    // Money, all line items, refunds, customer link, landing site, variants, collections.
    const first = store.orders[0]!;
    const order = await prisma.order.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop, shopifyId: String(first.id) } }, include: { lineItems: true } });
    expect(order.totalPrice).toBe(toMinorUnits(first.total_price, "USD"));
    expect(order.lineItems).toHaveLength(23);
    expect(await prisma.lineItem.count({ where: { shopId: shop } })).toBe(lineItemsOf(store));
    expect(order.customerId).not.toBeNull();
    expect(order.landingSite).toContain("utm_source=newsletter");
    const refunded = store.orders.filter((o, i) => i < 45 && o.refunds?.length);
    expect(refunded.length).toBeGreaterThan(0);
    for (const o of refunded) expect((await prisma.order.findFirstOrThrow({ where: { shopId: shop, shopifyId: String(o.id) } })).refundedAmount).toBe(250);
    expect(await prisma.variant.count({ where: { shopId: shop, product: { shopifyId: String(big.id) } } })).toBe(55);
    expect(await prisma.product.count({ where: { shopId: shop, status: { not: "ACTIVE" } } })).toBe(0);
  });

  it("resumes mid-file after a crash: same operation, stored lines skipped, no duplicates, same counts", async () => {
    const shop = "crash.myshopify.com";
    const { runId, base } = await start(shop);
    await expect(runBackfill(runId, { ...base, batchSize: 20, afterBatch: crashAfter("customers", 2) })).rejects.toThrow("process killed");
    const saved = await prisma.backfillRun.findUniqueOrThrow({ where: { id: runId } });
    expect(saved).toMatchObject({ phase: "customers", customers: 40, products: 19 });
    const cursor = parseBulkCursor(saved.cursor)!;
    expect(cursor.lines).toBe(40);
    const opsBefore = fake.bulkOperations(shop).length;

    const batches: { phase: string; counts: { customers: number } }[] = [];
    const done = await runBackfill(runId, { ...base, batchSize: 20, afterBatch: (p) => void batches.push(p) });
    expect(batches[0]).toMatchObject({ phase: "customers", counts: { customers: 60 } }); // continued, not restarted
    expect(fake.bulkOperations(shop)).toHaveLength(opsBefore + 1); // the orders operation only
    expect(done.counts).toEqual(expected(stores[shop]!));
    expect(await stored(shop)).toEqual(expected(stores[shop]!));
  });

  it("resumes inside the orders file (parents with child lines) without duplicating line items", async () => {
    const shop = "crash2.myshopify.com";
    const { runId, base } = await start(shop);
    await expect(runBackfill(runId, { ...base, batchSize: 7, afterBatch: crashAfter("orders", 3) })).rejects.toThrow("process killed");
    const saved = await prisma.backfillRun.findUniqueOrThrow({ where: { id: runId } });
    expect(saved).toMatchObject({ phase: "orders", orders: 21 });
    expect(parseBulkCursor(saved.cursor)!.lines).toBeGreaterThan(21); // line item lines count too
    const done = await runBackfill(runId, { ...base, batchSize: 7 });
    expect(done).toMatchObject({ status: "done", counts: expected(stores[shop]!) });
    expect(await stored(shop)).toEqual(expected(stores[shop]!));
    expect(await prisma.lineItem.count({ where: { shopId: shop } })).toBe(lineItemsOf(stores[shop]!));
  });

  it("starts a new operation when the saved one's result URL expired or Shopify forgot it", async () => {
    for (const [shop, spoil] of [
      ["expired.myshopify.com", (s: string) => fake.expireBulkResults(s)],
      ["forgot.myshopify.com", (s: string) => fake.forgetBulkOperations(s)],
    ] as const) {
      const { runId, base } = await start(shop);
      await expect(runBackfill(runId, { ...base, batchSize: 10, afterBatch: crashAfter("orders", 2) })).rejects.toThrow("process killed");
      spoil(shop);
      const old = parseBulkCursor((await prisma.backfillRun.findUniqueOrThrow({ where: { id: runId } })).cursor)!.op;
      const counts: number[] = [];
      const done = await runBackfill(runId, { ...base, batchSize: 10, afterBatch: (p) => void counts.push(p.counts.orders) });
      expect(counts[0]).toBe(10); // the new file is read from its start
      expect(fake.bulkOperations(shop).at(-1)!.id).not.toBe(old);
      expect(done).toMatchObject({ status: "done", counts: expected(stores[shop]!) });
      expect(await stored(shop)).toEqual(expected(stores[shop]!));
      expect(await prisma.lineItem.count({ where: { shopId: shop } })).toBe(lineItemsOf(stores[shop]!));
    }
  });

  it("starts a new operation when one FAILED, and gives a clear error when they keep failing or cannot succeed", async () => {
    const shop = "failed.myshopify.com";
    const { runId, base } = await start(shop);
    fake.failNextBulkOperations(shop, "INTERNAL_SERVER_ERROR", 1);
    expect(await runBackfill(runId, base)).toMatchObject({ status: "done", counts: expected(stores[shop]!) });
    expect(fake.bulkOperations(shop).map((o) => o.status)).toEqual(["FAILED", "COMPLETED", "COMPLETED", "COMPLETED"]);

    const failing = await start("failing.myshopify.com");
    fake.failNextBulkOperations("failing.myshopify.com", "TIMEOUT", 3);
    await expect(runBackfill(failing.runId, failing.base)).rejects.toThrow(/bulk operation gid:\/\/shopify\/BulkOperation\/\d+ failed: TIMEOUT/);
    expect(fake.bulkOperations("failing.myshopify.com")).toHaveLength(3);
    // The job's retry starts afresh and completes.
    expect(await runBackfill(failing.runId, failing.base)).toMatchObject({ status: "done", counts: expected(stores["failing.myshopify.com"]!) });

    const denied = await start("denied.myshopify.com");
    fake.failNextBulkOperations("denied.myshopify.com", "ACCESS_DENIED", 1);
    await expect(runBackfill(denied.runId, denied.base)).rejects.toThrow(/failed: ACCESS_DENIED/);
    expect(fake.bulkOperations("denied.myshopify.com")).toHaveLength(1); // no pointless retry
  });

  it("re-downloads the same operation's file after a failed download", async () => {
    const shop = "download.myshopify.com";
    const { runId, base } = await start(shop);
    fake.failRequests({ path: "other", nth: 2, status: 503 }); // the customers file
    await expect(runBackfill(runId, base)).rejects.toThrow(/download answered 503/);
    expect(await runBackfill(runId, base)).toMatchObject({ status: "done", counts: expected(stores[shop]!) });
    expect(fake.bulkOperations(shop)).toHaveLength(3);
  });

  it("runs as a queued job once per install, shows a failure, and retries to completion", async () => {
    const shop = "job.myshopify.com";
    await installShop(shop);
    // This queue's handler holds this shop's client: other tests' queued jobs are not its to run.
    await prisma.job.updateMany({ where: { status: "queued" }, data: { status: "cancelled" } });
    const jobs = embeddedQueue(prisma);
    jobs.register(BACKFILL_JOB, backfillJobHandler({ admin: adminFor(fake, shop), sleep: noSleep }));
    const a = await enqueueBackfill(jobs, shop, "2026-01-01T00:00:00.000Z");
    const b = await enqueueBackfill(jobs, shop, "2026-01-01T00:00:00.000Z");
    expect(b).toEqual({ runId: a.runId, created: false });
    expect(await prisma.backfillRun.count({ where: { shopId: shop } })).toBe(1);
    expect((await backfillProgress(shop))?.status).toBe("queued");

    fake.failRequests({ nth: 1, match: "lineItems", status: 500 }); // the orders bulk query's mutation
    await jobs.runOnce();
    const failed = await backfillProgress(shop);
    expect(failed).toMatchObject({ status: "retrying", phase: "orders" });
    expect(failed?.error).toMatch(/500/);
    expect(failed?.percent).toBeGreaterThan(50);
    await prisma.job.updateMany({ where: { id: a.runId }, data: { runAt: new Date() } }); // skip the backoff
    await jobs.drain();
    expect(await backfillProgress(shop)).toMatchObject({ status: "done", percent: 100, error: null, counts: expected(stores[shop]!) });
    expect((await prisma.job.findUniqueOrThrow({ where: { id: a.runId } })).status).toBe("done");
  });

  it("stops when the shop uninstalls between batches or while an operation runs", async () => {
    const shop = "gone.myshopify.com";
    const { runId, base } = await start(shop);
    const progress = await runBackfill(runId, {
      ...base,
      afterBatch: async (p) => {
        if (p.phase === "customers") await prisma.shop.update({ where: { id: shop }, data: { status: "uninstalled" } });
      },
    });
    expect(progress.status).toBe("cancelled");
    expect(await prisma.order.count({ where: { shopId: shop } })).toBe(0);

    const polling = await start("gone2.myshopify.com");
    const stopped = await runBackfill(polling.runId, {
      ...polling.base,
      sleep: async () => void (await prisma.shop.update({ where: { id: "gone2.myshopify.com" }, data: { status: "uninstalled" } })),
    });
    expect(stopped.status).toBe("cancelled");
    expect(await stored("gone2.myshopify.com")).toEqual({ products: 0, customers: 0, orders: 0 });
    expect(fake.bulkOperations("gone2.myshopify.com")).toHaveLength(1);
  });
});
