// Real signed webhooks → the real database → recomputeShop / the queued
// updateCustomer: profiles, RFM scores, built-in segments, sizes, transitions,
// and shop isolation. Then the schedule: the recompute after the install
// backfill, the nightly chain per shop, the worker-start guard, job cleanup.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queue } from "~/jobs/index.server";
import { dailyRecomputeKey, PROFILES_JOB, profilesJobHandler } from "~/core/audience/profiles/job.server";
import { nextDailySlot } from "~/jobs/schedule";
import { deleteFinishedJobs, ensureSchedules, MAINTENANCE_JOB, maintenanceJobHandler } from "~/jobs/maintenance.server";
import { BACKFILL_JOB, enqueueBackfill, runBackfill } from "~/core/backfill/backfill.server";
import { sampleStore, startFakeShopify, type FakeShopify } from "../../fakes/shopify-admin";
import { adminFor } from "../backfill/helpers";
import { TEST_API_KEY, TEST_API_SECRET } from "../../setup/test-config";
import { recomputeShop, updateCustomer } from "~/core/audience/profiles/recompute.server";
import { TEST_SHOP } from "../../setup/test-config";
import { fixture, send } from "../webhooks/send";
import { pixelLimiter } from "~/core/pixel/endpoint.server";
import { action as pixelAction } from "~/routes/pixel.events";
import { examples } from "../../unit/pixel/fixtures";
import { pixelRequest } from "../pixel/helpers";

// Fixtures are free-form JSON, edited per test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const OTHER_SHOP = "other-shop.myshopify.com";
const DAY = 86_400_000;
let nextOrderId = 9_000_000;

function money(cents: number) {
  const amount = (cents / 100).toFixed(2);
  return { shop_money: { amount, currency_code: "USD" }, presentment_money: { amount, currency_code: "USD" } };
}

function orderPayload(customerId: number, daysAgo: number, cents: number, over: Json = {}): Json {
  const base = fixture<Json>("orders-create");
  const id = nextOrderId++;
  const at = new Date(Date.now() - daysAgo * DAY).toISOString();
  return {
    ...base,
    id,
    name: `#${id}`,
    created_at: at,
    processed_at: at,
    updated_at: at,
    checkout_token: null,
    cart_token: null,
    email: `c${customerId}@example.com`,
    contact_email: `c${customerId}@example.com`,
    total_price: (cents / 100).toFixed(2),
    total_price_set: money(cents),
    refunds: [],
    customer: {
      ...base.customer,
      id: customerId,
      email: `c${customerId}@example.com`,
      updated_at: at,
      email_marketing_consent: over.subscribed === false ? { state: "not_subscribed", opt_in_level: null, consent_updated_at: null } : base.customer.email_marketing_consent,
    },
    line_items: base.line_items.map((li: Json, i: number) => ({ ...li, id: Number(`${id}0${i}`) })),
    ...over.order,
  };
}

async function order(customerId: number, daysAgo: number, cents: number, over: Json = {}, shop = TEST_SHOP): Promise<Json> {
  const body = orderPayload(customerId, daysAgo, cents, over);
  const res = await send({ topic: "orders/create", body, shop });
  expect(res.status).toBe(200);
  return body;
}

async function customerIdOf(shopifyId: number, shop = TEST_SHOP): Promise<string> {
  return (await prisma.customer.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop, shopifyId: String(shopifyId) } }, select: { id: true } })).id;
}

async function segmentsOf(customerId: string): Promise<string[]> {
  const rows = await prisma.segmentMembership.findMany({ where: { customerId }, select: { segment: { select: { key: true } } } });
  return rows.map((r) => r.segment.key).sort();
}

/** Runs the queued profile jobs now, without waiting for their coalescing window. */
async function runQueuedProfileJobs() {
  await prisma.job.updateMany({ where: { type: PROFILES_JOB, status: "queued" }, data: { runAt: new Date() } });
  await queue.drain();
}

/** Profile updates are queued for installed shops only (a pending shop's history comes with its backfill). */
async function installShops() {
  for (const id of [TEST_SHOP, OTHER_SHOP]) await prisma.shop.create({ data: { id, status: "installed" } });
}

beforeEach(async () => {
  await prisma.webhookReceipt.deleteMany();
  await prisma.job.deleteMany();
  await prisma.shop.deleteMany(); // cascades to every shop table
});

/** Seven customers of a small shop (fixed small-shop cut-offs), plus another shop. */
async function seed() {
  await installShops();
  await order(1, 5, 5_000); // new
  for (const d of [160, 130, 100]) await order(2, d, 4_000); // every 30 days, last 100 days ago: overdue
  await order(3, 400, 3_000); // dormant one-time buyer
  await order(4, 200, 3_000); // one-time buyer
  const big = await order(5, 50, 30_000); // repeat, big spender, one refund
  await order(5, 20, 30_000);
  await order(7, 10, 9_999, { subscribed: false, order: { cancelled_at: new Date().toISOString(), cancel_reason: "customer" } }); // cancelled only
  const c6 = { ...fixture<Json>("customers-create"), id: 6, email: "c6@example.com", updated_at: new Date().toISOString() };
  expect((await send({ topic: "customers/create", body: c6 })).status).toBe(200);
  const refund: Json = { ...fixture<Json>("refunds-create"), id: 77, order_id: big.id };
  refund.transactions = refund.transactions.map((t: Json) => ({ ...t, order_id: big.id, amount: "20.00" }));
  expect((await send({ topic: "refunds/create", body: refund })).status).toBe(200);
  // Another shop: one customer, recomputed on its own.
  await order(1, 3, 12_345, {}, OTHER_SHOP);
}

describe("recomputeShop", () => {
  it("builds profiles, scores, built-in segments and sizes from real webhooks", async () => {
    await seed();
    await recomputeShop(OTHER_SHOP);
    const otherBefore = await prisma.customerProfile.findMany({ where: { shopId: OTHER_SHOP }, orderBy: { id: "asc" } });
    const otherTransitions = await prisma.segmentTransition.count({ where: { shopId: OTHER_SHOP } });

    const r = await recomputeShop(TEST_SHOP);
    expect(r.customers).toBe(7);
    expect(r.rfm.basis).toBe("small-shop-defaults");

    const c5 = await prisma.customerProfile.findUniqueOrThrow({ where: { customerId: await customerIdOf(5) } });
    expect(c5).toMatchObject({ shopId: TEST_SHOP, orderCount: 2, totalSpent: 58_000, refundedAmount: 2_000, refundCount: 1, averageOrderValue: 29_000, avgDaysBetweenOrders: 30 });
    expect(c5.productIds).toEqual(["8012345678901", ...(c5.productIds as string[]).slice(1)]);
    const c2 = await prisma.customerProfile.findUniqueOrThrow({ where: { customerId: await customerIdOf(2) } });
    expect(c2).toMatchObject({ orderCount: 3, totalSpent: 12_000, avgDaysBetweenOrders: 30, recencyScore: 3, frequencyScore: 3, lifecycleStage: "at-risk" });
    const c7 = await prisma.customerProfile.findUniqueOrThrow({ where: { customerId: await customerIdOf(7) } });
    expect(c7).toMatchObject({ orderCount: 0, totalSpent: 0, recencyScore: null, lifecycleStage: null });

    expect(await segmentsOf(await customerIdOf(1))).toEqual(["active", "new"]);
    expect(await segmentsOf(await customerIdOf(2))).toEqual(["at-risk"]);
    expect(await segmentsOf(await customerIdOf(3))).toEqual(["dormant", "one-time"]);
    expect(await segmentsOf(await customerIdOf(4))).toEqual(["one-time"]);
    expect(await segmentsOf(await customerIdOf(5))).toEqual(["active", "high-value"]);
    expect(await segmentsOf(await customerIdOf(6))).toEqual(["subscribers-without-orders"]);
    expect(await segmentsOf(await customerIdOf(7))).toEqual([]);

    const segments = await prisma.segment.findMany({ where: { shopId: TEST_SHOP }, orderBy: { key: "asc" } });
    expect(Object.fromEntries(segments.map((s) => [s.key, s.size]))).toEqual({
      active: 2,
      "at-risk": 1,
      champions: 0,
      dormant: 1,
      "high-value": 1,
      new: 1,
      "one-time": 2,
      "subscribers-without-orders": 1,
    });
    expect(segments.every((s) => s.kind === "builtin" && s.description.length > 10)).toBe(true);
    expect((segments[0]!.definition as Json).thresholds.activeDays).toBe(90);
    expect(await prisma.segmentTransition.count({ where: { shopId: TEST_SHOP, kind: "entered" } })).toBe(9); // the sum of the sizes

    // A second run changes nothing and records no transition.
    const again = await recomputeShop(TEST_SHOP);
    expect(again).toMatchObject({ profilesWritten: 0, entered: 0, left: 0 });
    expect(await prisma.segmentTransition.count({ where: { shopId: TEST_SHOP } })).toBe(9);

    // The other shop was never touched.
    expect(await prisma.customerProfile.findMany({ where: { shopId: OTHER_SHOP }, orderBy: { id: "asc" } })).toEqual(otherBefore);
    expect(await prisma.segmentTransition.count({ where: { shopId: OTHER_SHOP } })).toBe(otherTransitions);
    expect(await prisma.segmentMembership.count({ where: { shopId: TEST_SHOP, customer: { shopId: OTHER_SHOP } } })).toBe(0);
  });

  it("never turns a merchant's segment into a built-in one", async () => {
    await installShops();
    await prisma.segment.create({ data: { shopId: TEST_SHOP, key: "at-risk", name: "At risk (mine)", kind: "custom", definition: {} } });
    await expect(recomputeShop(TEST_SHOP)).rejects.toThrow(/reserved/);
    expect(await prisma.segment.findUniqueOrThrow({ where: { shopId_key: { shopId: TEST_SHOP, key: "at-risk" } } })).toMatchObject({ kind: "custom", name: "At risk (mine)" });
  });

  it("pages through customers (keyset) with the same result", async () => {
    await seed();
    const r = await recomputeShop(TEST_SHOP, { pageSize: 2 });
    expect(r.customers).toBe(7);
    expect(r.sizes).toMatchObject({ active: 2, "at-risk": 1, "one-time": 2 });
  });
});

describe("updateCustomer (queued after webhooks)", () => {
  it("a new order moves an at-risk customer out of at-risk, with transitions and sizes", async () => {
    await seed();
    await recomputeShop(TEST_SHOP);
    await prisma.job.deleteMany();
    const c2 = await customerIdOf(2);

    await order(2, 0, 4_000);
    const jobs = await prisma.job.findMany({ where: { type: PROFILES_JOB } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.payload).toEqual({ shopId: TEST_SHOP, customerId: c2 });
    expect(jobs[0]!.runAt.getTime()).toBeGreaterThan(Date.now()); // coalescing window

    await runQueuedProfileJobs();
    expect(await prisma.job.count({ where: { type: PROFILES_JOB, status: "done" } })).toBe(1);
    expect(await segmentsOf(c2)).toEqual(["active"]);
    const profile = await prisma.customerProfile.findUniqueOrThrow({ where: { customerId: c2 } });
    expect(profile).toMatchObject({ orderCount: 4, totalSpent: 16_000, lifecycleStage: "active", recencyScore: 5 });

    const atRisk = await prisma.segment.findUniqueOrThrow({ where: { shopId_key: { shopId: TEST_SHOP, key: "at-risk" } } });
    const active = await prisma.segment.findUniqueOrThrow({ where: { shopId_key: { shopId: TEST_SHOP, key: "active" } } });
    expect(atRisk.size).toBe(0);
    expect(active.size).toBe(3);
    const transitions = await prisma.segmentTransition.findMany({ where: { customerId: c2 }, select: { kind: true, segmentId: true } });
    const key = (t: { kind: string; segmentId: string }) => `${t.kind}:${t.segmentId === atRisk.id ? "at-risk" : t.segmentId === active.id ? "active" : t.segmentId}`;
    expect(transitions.map(key).sort()).toEqual(["entered:active", "entered:at-risk", "left:at-risk"]);

    // The sizes kept incrementally agree with a full recount.
    const full = await recomputeShop(TEST_SHOP);
    expect(full.sizes).toMatchObject({ "at-risk": 0, active: 3 });
    expect(full).toMatchObject({ entered: 0, left: 0 });
  });

  it("coalesces a burst for one customer into one job", async () => {
    await seed();
    await prisma.job.deleteMany();
    const body = orderPayload(2, 0, 4_000);
    await send({ topic: "orders/create", body });
    await send({ topic: "orders/paid", body: { ...body, updated_at: new Date(Date.now() + 1000).toISOString(), financial_status: "paid" } });
    const jobs = await prisma.job.count({ where: { type: PROFILES_JOB } });
    expect(jobs).toBeLessThanOrEqual(2); // 1 unless the burst straddles a 2 s window
    expect(jobs).toBeGreaterThanOrEqual(1);
  });

  it("queues nothing for a shop that is not installed", async () => {
    await order(1, 5, 5_000);
    expect(await prisma.shop.findUniqueOrThrow({ where: { id: TEST_SHOP } })).toMatchObject({ status: "pending" });
    expect(await prisma.job.count({ where: { type: PROFILES_JOB } })).toBe(0);
  });

  it("never touches another shop's customer", async () => {
    await seed();
    await recomputeShop(TEST_SHOP);
    const foreign = await customerIdOf(1, OTHER_SHOP);
    expect(await updateCustomer(TEST_SHOP, foreign)).toBeNull();
    expect(await prisma.customerProfile.count({ where: { customerId: foreign } })).toBe(0);
    expect(await prisma.segmentMembership.count({ where: { customerId: foreign } })).toBe(0);
  });

  it("works for a shop that was never recomputed (cut-offs computed on first sight)", async () => {
    await installShops();
    await order(1, 0, 5_000); // a live order (history does not trigger per-customer updates)
    await runQueuedProfileJobs();
    expect(await segmentsOf(await customerIdOf(1))).toEqual(["active", "new"]);
    expect(await prisma.segment.count({ where: { shopId: TEST_SHOP, kind: "builtin" } })).toBe(8);
  });

  it("a product view from the pixel updates the viewer's profile", async () => {
    await seed();
    await recomputeShop(TEST_SHOP);
    await prisma.job.deleteMany();
    pixelLimiter.reset();
    const view = { ...examples.product(), clientId: "b-views" };
    const res = await pixelAction({ request: pixelRequest({ shop: TEST_SHOP, identity: { customerId: "gid://shopify/Customer/4" }, events: [view] }), params: {}, context: {} });
    expect(res.status).toBe(200);
    const c4 = await customerIdOf(4);
    expect((await prisma.job.findMany({ where: { type: PROFILES_JOB } })).map((j) => j.payload)).toEqual([{ shopId: TEST_SHOP, customerId: c4 }]);
    await runQueuedProfileJobs();
    const profile = await prisma.customerProfile.findUniqueOrThrow({ where: { customerId: c4 } });
    expect(profile.views30d).toBe(1);
    expect(profile.lastViewedAt).not.toBeNull();
  });
});

describe("schedule", () => {
  const NOW = new Date("2026-11-27T12:00:00Z");
  const INSTALLED_AT = new Date("2026-01-01T00:00:00Z");
  const ctx = { jobId: "j", shopId: null, attempt: 1, maxAttempts: 3 };
  const dailyJobs = (shopId: string) => prisma.job.findMany({ where: { shopId, type: PROFILES_JOB, idempotencyKey: { contains: ":daily:" } }, orderBy: { runAt: "asc" } });

  async function install(id: string, status = "installed", installedAt = INSTALLED_AT) {
    await prisma.shop.create({ data: { id, status, installedAt } });
  }

  it("a full recompute queues the shop's next nightly recompute, once per day, and the nightly run queues the next", async () => {
    await install(TEST_SHOP);
    const handler = profilesJobHandler(queue, { now: () => NOW });
    await handler({ shopId: TEST_SHOP, trigger: "manual" }, ctx);
    await handler({ shopId: TEST_SHOP }, ctx);
    const slot = nextDailySlot(TEST_SHOP, NOW);
    expect(slot.runAt.getTime()).toBeGreaterThan(NOW.getTime());
    expect((await dailyJobs(TEST_SHOP)).map((j) => [j.payload, j.runAt.getTime(), j.idempotencyKey, j.status])).toEqual([
      [{ shopId: TEST_SHOP, trigger: "daily" }, slot.runAt.getTime(), dailyRecomputeKey({ id: TEST_SHOP, installedAt: INSTALLED_AT }, slot.day), "queued"],
    ]);
    expect(await prisma.customerProfile.count({ where: { shopId: TEST_SHOP } })).toBe(0); // no customers, but it ran:
    expect(await prisma.segment.count({ where: { shopId: TEST_SHOP, kind: "builtin" } })).toBe(8);

    // The nightly run, at its slot: tomorrow's is queued.
    await profilesJobHandler(queue, { now: () => slot.runAt })({ shopId: TEST_SHOP, trigger: "daily" }, ctx);
    const runs = await dailyJobs(TEST_SHOP);
    expect(runs.map((j) => j.runAt.getTime() - slot.runAt.getTime())).toEqual([0, 86_400_000]);
  });

  it("an uninstalled shop's recompute does nothing and queues nothing: its chain ends", async () => {
    await install(TEST_SHOP, "uninstalled");
    await profilesJobHandler(queue, { now: () => NOW })({ shopId: TEST_SHOP, trigger: "daily" }, ctx);
    expect(await prisma.job.count()).toBe(0);
    expect(await prisma.segment.count({ where: { shopId: TEST_SHOP } })).toBe(0);
  });

  it("app/uninstalled cancels the queued nightly recompute; a reinstall the same day starts a new chain", async () => {
    await install(TEST_SHOP);
    await ensureSchedules(prisma, queue, NOW);
    expect(await dailyJobs(TEST_SHOP)).toHaveLength(1);
    const res = await send({ topic: "app/uninstalled", body: fixture("app-uninstalled") });
    expect(res.status).toBe(200);
    expect((await dailyJobs(TEST_SHOP)).map((j) => j.status)).toEqual(["cancelled"]);
    expect(await ensureSchedules(prisma, queue, NOW)).toEqual({ shops: 0, queued: 0 });

    await prisma.shop.update({ where: { id: TEST_SHOP }, data: { status: "installed", installedAt: new Date(NOW.getTime() + 60_000) } });
    expect(await ensureSchedules(prisma, queue, NOW)).toEqual({ shops: 1, queued: 1 });
    expect((await dailyJobs(TEST_SHOP)).map((j) => j.status).sort()).toEqual(["cancelled", "queued"]);
  });

  it("every installed shop has its nightly recompute queued once, from the maintenance job and when a worker starts", async () => {
    await install(TEST_SHOP);
    await install(OTHER_SHOP);
    await install("gone.myshopify.com", "uninstalled");
    // The wall clock, not NOW: the worker's start hook below runs on it, and must find these jobs.
    const now = new Date();
    expect(await ensureSchedules(prisma, queue, now)).toEqual({ shops: 2, queued: 2 });
    expect(await ensureSchedules(prisma, queue, now)).toEqual({ shops: 2, queued: 0 });
    expect(await prisma.job.count({ where: { type: PROFILES_JOB } })).toBe(2);
    expect(await prisma.job.count({ where: { type: MAINTENANCE_JOB } })).toBe(1);
    expect(await prisma.job.count({ where: { shopId: "gone.myshopify.com" } })).toBe(0);

    // A worker starting (the real registry's start hook) queues what is missing, and only that.
    await prisma.job.deleteMany({ where: { shopId: OTHER_SHOP } });
    const stop = queue.start(20);
    for (let i = 0; i < 200 && (await prisma.job.count({ where: { shopId: OTHER_SHOP } })) === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await stop();
    const keys = (await prisma.job.findMany({ select: { idempotencyKey: true } })).map((j) => j.idempotencyKey!.replace(/:\d{4}-\d{2}-\d{2}$/, ":<day>")).sort();
    expect(keys).toEqual([
      `${MAINTENANCE_JOB}:<day>`,
      `profiles:${OTHER_SHOP}:daily:${INSTALLED_AT.getTime()}:<day>`,
      `profiles:${TEST_SHOP}:daily:${INSTALLED_AT.getTime()}:<day>`,
    ]);
  });

  it("deletes finished jobs after their retention, in a nightly maintenance run that queues the next", async () => {
    await install(TEST_SHOP);
    const days = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
    const job = (name: string, status: string, ageDays: number, type = PROFILES_JOB) => ({
      type,
      payload: { shopId: TEST_SHOP, name },
      shopId: TEST_SHOP,
      status,
      runAt: days(ageDays),
      createdAt: days(ageDays),
      updatedAt: days(ageDays),
      idempotencyKey: `test:${name}`,
    });
    await prisma.job.createMany({
      data: [
        job("done-old", "done", 8),
        job("done-recent", "done", 6),
        job("cancelled-old", "cancelled", 8),
        job("failed-old", "failed", 31),
        job("failed-recent", "failed", 8),
        job("queued-old", "queued", 40),
        job("running-old", "running", 40),
        job("backfill-old", "done", 400, BACKFILL_JOB),
      ],
    });
    expect((await prisma.job.findUniqueOrThrow({ where: { idempotencyKey: "test:done-old" } })).updatedAt.getTime()).toBe(days(8).getTime());
    await maintenanceJobHandler(prisma, queue, () => NOW)({}, ctx);
    const left = (await prisma.job.findMany({ where: { idempotencyKey: { startsWith: "test:" } }, select: { idempotencyKey: true } })).map((j) => j.idempotencyKey).sort();
    expect(left).toEqual(["test:backfill-old", "test:done-recent", "test:failed-recent", "test:queued-old", "test:running-old"]);
    // The next maintenance and the shop's nightly recompute are queued.
    const next = await prisma.job.findFirstOrThrow({ where: { type: MAINTENANCE_JOB } });
    expect(next.runAt).toEqual(nextDailySlot(MAINTENANCE_JOB, NOW).runAt);
    expect(await dailyJobs(TEST_SHOP)).toHaveLength(1);
    expect(await deleteFinishedJobs(prisma, NOW)).toBe(0);
  });

  describe("after the install backfill", () => {
    let fake: FakeShopify;
    const shop = "fresh.myshopify.com";
    beforeAll(async () => {
      fake = await startFakeShopify({
        apiKey: TEST_API_KEY,
        apiSecret: TEST_API_SECRET,
        stores: { [shop]: sampleStore({ seed: 5, products: 8, customers: 40, orders: 30 }) },
        throttle: { restoreRate: 1_000_000 },
        bulkPollsUntilDone: 1,
      });
    });
    afterAll(() => fake.close());

    it("queues one full recompute, which fits (or says why not) and starts the shop's nightly chain", async () => {
      await install(shop);
      const { runId } = await enqueueBackfill(queue, shop, "install-1");
      await prisma.job.updateMany({ where: { id: runId }, data: { status: "cancelled" } }); // run here, not by the queue
      const done = await runBackfill(runId, { admin: adminFor(fake, shop), sleep: async () => {} });
      expect(done.status).toBe("done");
      const recompute = await prisma.job.findMany({ where: { shopId: shop, type: PROFILES_JOB } });
      expect(recompute.map((j) => [j.payload, j.idempotencyKey, j.status])).toEqual([[{ shopId: shop, trigger: "backfill" }, `profiles:${shop}:backfill:${runId}`, "queued"]]);
      // A finished run resumed again queues nothing more.
      await runBackfill(runId, { admin: adminFor(fake, shop), sleep: async () => {} });
      expect(await prisma.job.count({ where: { shopId: shop, type: PROFILES_JOB } })).toBe(1);

      await queue.drain();
      expect(await prisma.customerProfile.count({ where: { shopId: shop } })).toBe(40);
      const fits = await prisma.modelFit.findMany({ where: { shopId: shop } });
      expect(fits.map((f) => [f.kind, f.status]).sort()).toEqual([
        ["bgnbd", "insufficient-data"],
        ["gamma-gamma", "insufficient-data"],
      ]);
      expect(fits[0]!.reason).toMatch(/^Predictions start once 200 customers have ordered/);
      expect(await dailyJobs(shop)).toHaveLength(1);
    });
  });
});
