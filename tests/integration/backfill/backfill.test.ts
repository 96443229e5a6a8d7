// The install backfill against the fake Shopify Admin over real HTTP, into the real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueBackfill, runBackfill, backfillProgress, backfillJobHandler, BACKFILL_JOB } from "~/core/backfill/backfill.server";
import { toMinorUnits } from "~/core/ingest/money";
import prisma from "~/db.server";
import { embeddedQueue } from "~/jobs/queue.server";
import { queue } from "~/jobs/index.server";
import { sampleStore, startFakeShopify, type FakeShopify, type FakeStore } from "../../fakes/shopify-admin";
import { TEST_API_KEY, TEST_API_SECRET } from "../../setup/test-config";
import { adminFor, expected, installShop, stored } from "./helpers";

let fake: FakeShopify;
const stores: Record<string, FakeStore> = {};
for (const [i, shop] of ["full", "crash", "crash2", "job", "gone"].entries()) {
  stores[`${shop}.myshopify.com`] = sampleStore({ seed: i + 1, products: 23, customers: 130, orders: 45, oldOrders: 6, firstOrderLines: 23 });
}
// One product with more variants than a page holds.
const big = stores["full.myshopify.com"]!.products[0]!;
big.variants = Array.from({ length: 55 }, (_, v) => ({ id: 41_000_000_000_000 + v, title: `V${v}`, price: "9.99", position: v + 1, inventory_quantity: 1 }));

beforeAll(async () => {
  // A bucket that never runs dry: these tests measure the backfill, not the wait (see throttling.test.ts).
  fake = await startFakeShopify({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, stores, throttle: { restoreRate: 1_000_000 } });
});
afterAll(() => fake.close());

describe("install backfill", () => {
  it("stores the active catalog, every customer with consent, and the last 365 days of orders", async () => {
    const shop = "full.myshopify.com";
    const store = stores[shop]!;
    await installShop(shop);
    const { runId } = await enqueueBackfill(queue, shop, "install-1");
    const t0 = performance.now();
    const progress = await runBackfill(runId, { admin: adminFor(fake, shop) });
    const seconds = (performance.now() - t0) / 1000;
    const want = expected(store);
    expect(progress).toMatchObject({ status: "done", phase: "done", percent: 100, counts: want, totals: want, error: null });
    expect(await stored(shop)).toEqual(want);
    expect(want.orders).toBe(45); // the 6 older orders are outside the window

    // Consent exactly as Shopify holds it.
    const consent = await prisma.customer.findMany({ where: { shopId: shop }, select: { shopifyId: true, emailConsentState: true, emailOptInLevel: true } });
    for (const c of store.customers) {
      const row = consent.find((r) => r.shopifyId === String(c.id))!;
      expect(row.emailConsentState).toBe(c.email_marketing_consent?.state.toUpperCase() ?? "NOT_SUBSCRIBED");
      expect(row.emailOptInLevel).toBe(c.email_marketing_consent?.opt_in_level?.toUpperCase() ?? null);
    }
    // Money, line items (paged past the first 10), refunds, discount codes, customer link.
    const first = store.orders[0]!;
    const order = await prisma.order.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop, shopifyId: String(first.id) } }, include: { lineItems: true } });
    expect(order.totalPrice).toBe(toMinorUnits(first.total_price, "USD"));
    expect(order.lineItems).toHaveLength(23);
    expect(order.customerId).not.toBeNull();
    expect(order.landingSite).toContain("utm_source=newsletter");
    const refundedOrder = store.orders.find((o, i) => i < 45 && o.refunds?.length)!;
    expect((await prisma.order.findFirstOrThrow({ where: { shopId: shop, shopifyId: String(refundedOrder.id) } })).refundedAmount).toBe(250);
    expect(await prisma.variant.count({ where: { shopId: shop, product: { shopifyId: String(big.id) } } })).toBe(55);
    expect(await prisma.product.count({ where: { shopId: shop, status: { not: "ACTIVE" } } })).toBe(0);

    const rows = want.products + want.customers + want.orders;
    process.stdout.write(`backfill: ${rows} rows in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} rows/s (${fake.graphqlRequests()} GraphQL requests)\n`);
  });

  it("resumes after an injected 500 from the saved cursor, with no duplicates and the same final counts", async () => {
    const shop = "crash.myshopify.com";
    await installShop(shop);
    const admin = adminFor(fake, shop);
    const { runId } = await enqueueBackfill(queue, shop, "install-1");
    // Requests: shop, counts, 3 product pages, then customers: fail the 2nd customers page.
    fake.failRequests({ nth: 2, match: "LoopwiseBackfillCustomers", status: 500 });
    await expect(runBackfill(runId, { admin, pageSizes: { customers: 50 } })).rejects.toThrow(/500/);
    const saved = await prisma.backfillRun.findUniqueOrThrow({ where: { id: runId } });
    expect(saved).toMatchObject({ phase: "customers", customers: 50, products: 19 });
    expect(saved.cursor).toBeTruthy();

    const firstPages: { phase: string; counts: { customers: number } }[] = [];
    const done = await runBackfill(runId, { admin, pageSizes: { customers: 50 }, afterPage: (p) => void firstPages.push(p) });
    expect(firstPages[0]).toMatchObject({ phase: "customers", counts: { customers: 100 } }); // continued, not restarted
    expect(done.counts).toEqual(expected(stores[shop]!));
    expect(await stored(shop)).toEqual(expected(stores[shop]!));
  });

  it("re-stores a half-written page after a crash mid-page without duplicating rows", async () => {
    const shop = "crash2.myshopify.com";
    await installShop(shop);
    const admin = adminFor(fake, shop);
    const { runId } = await enqueueBackfill(queue, shop, "install-1");
    // The first order has 23 lines: its 2nd line-item page fails after nothing of that page was saved.
    fake.failRequests({ nth: 1, match: "LoopwiseBackfillOrderLines", status: 502 });
    let crashes = 0;
    const crashing = { admin, afterPage: (p: { phase: string }) => { if (p.phase === "orders" && crashes++ === 0) throw new Error("process killed"); } };
    await expect(runBackfill(runId, crashing)).rejects.toThrow(/process killed|502/);
    await expect(runBackfill(runId, crashing)).rejects.toThrow(/process killed|502/);
    const done = await runBackfill(runId, { admin });
    expect(done.status).toBe("done");
    expect(await stored(shop)).toEqual(expected(stores[shop]!));
    expect(await prisma.lineItem.count({ where: { shopId: shop } })).toBe(
      stores[shop]!.orders.slice(0, 45).reduce((s, o) => s + o.line_items.length, 0),
    );
  });

  it("runs as a queued job once per install, shows a failure, and retries to completion", async () => {
    const shop = "job.myshopify.com";
    await installShop(shop);
    const jobs = embeddedQueue(prisma);
    jobs.register(BACKFILL_JOB, backfillJobHandler({ admin: adminFor(fake, shop) }));
    const a = await enqueueBackfill(jobs, shop, "2026-01-01T00:00:00.000Z");
    const b = await enqueueBackfill(jobs, shop, "2026-01-01T00:00:00.000Z");
    expect(b).toEqual({ runId: a.runId, created: false });
    expect(await prisma.backfillRun.count({ where: { shopId: shop } })).toBe(1);
    expect((await backfillProgress(shop))?.status).toBe("queued");

    fake.failRequests({ nth: 1, match: "LoopwiseBackfillOrders", status: 500, times: 1 });
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

  it("stops when the shop uninstalls mid-way", async () => {
    const shop = "gone.myshopify.com";
    await installShop(shop);
    const { runId } = await enqueueBackfill(queue, shop, "install-1");
    const progress = await runBackfill(runId, {
      admin: adminFor(fake, shop),
      afterPage: async (p) => {
        if (p.phase === "customers") await prisma.shop.update({ where: { id: shop }, data: { status: "uninstalled" } });
      },
    });
    expect(progress.status).toBe("cancelled");
    expect(await prisma.order.count({ where: { shopId: shop } })).toBe(0);
  });
});
