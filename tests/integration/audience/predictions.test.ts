// Per-shop predictions on the real database: eligibility and its reasons, the
// fit and every customer's prediction columns, the refit policy inside the full
// recompute, the per-customer update after a live order, the live refit, and
// shop isolation. Runs on SQLite and PostgreSQL.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queue } from "~/jobs/index.server";
import { PROFILES_JOB } from "~/core/audience/profiles/job.server";
import { recomputeShop } from "~/core/audience/profiles/recompute.server";
import { fitShopModels, predictionStatus, refreshPredictions, updateCustomerPredictions } from "~/core/audience/predictions/predictions.server";
import { churnRiskBand } from "~/core/audience/clv/model";
import { TEST_SHOP } from "../../setup/test-config";
import { createShop, customerKey, DAY, generatedShop, insertHistory, regularOrders, sendOrder, shopifyCustomerId, type GeneratedShop } from "./helpers";

const OTHER_SHOP = "other-shop.myshopify.com";

beforeEach(async () => {
  await prisma.webhookReceipt.deleteMany();
  await prisma.job.deleteMany();
  await prisma.shop.deleteMany(); // cascades to every shop table
});

const predictionColumns = { pAlive: true, churnRisk: true, expectedOrders30: true, expectedOrders90: true, expectedOrders365: true, nextOrderAt: true, predictedClv12m: true } as const;

async function profilesOf(ids: readonly string[]) {
  return prisma.customerProfile.findMany({ where: { customerId: { in: [...ids] } }, select: { customerId: true, lifecycleStage: true, ...predictionColumns } });
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe("eligibility", () => {
  it("a small shop gets insufficient-data rows with the reason, and no predictions", async () => {
    const now = new Date();
    await createShop(TEST_SHOP);
    // 30 customers, 4 of them repeat buyers (one repeat order on the same day does not count).
    await insertHistory(
      TEST_SHOP,
      Array.from({ length: 30 }, (_, n) => ({ n, orders: n < 4 ? regularOrders(3, 30, 5) : n === 4 ? [{ daysAgo: 10, cents: 100 }, { daysAgo: 10, cents: 200 }] : [{ daysAgo: 100 + n, cents: 3_000 }] })),
      now,
    );
    const r = await recomputeShop(TEST_SHOP, { now });
    expect(r.predictions).toMatchObject({ decision: "no-fit", status: "insufficient-data" });
    const reason = "Predictions start once 200 customers have ordered and 50 have ordered again on a later day; you have 30 and 4.";
    expect(r.predictions.reason).toBe(reason);
    const fits = await prisma.modelFit.findMany({ where: { shopId: TEST_SHOP }, orderBy: { kind: "asc" } });
    expect(fits.map((f) => [f.kind, f.status, f.reason, f.customers, f.ordersAtFit, f.params])).toEqual([
      ["bgnbd", "insufficient-data", reason, 30, 12 + 2 + 25, null],
      ["gamma-gamma", "insufficient-data", reason, 4, 12 + 2 + 25, null],
    ]);
    expect(await prisma.customerProfile.count({ where: { shopId: TEST_SHOP, OR: [{ pAlive: { not: null } }, { predictedClv12m: { not: null } }] } })).toBe(0);

    const status = await predictionStatus(TEST_SHOP);
    expect(status).toMatchObject({ status: "insufficient-data", reason, customers: 30, purchaseModel: null, spendModel: null, clvAvailable: false });
    expect(status.requirements).toEqual({ customersWithOrders: 200, repeatBuyers: 50, historyDays: 90, spendCustomers: 50 });
    // Segments fall back to the profile rules: the built-in at-risk definition still describes them.
    const atRisk = await prisma.segment.findUniqueOrThrow({ where: { shopId_key: { shopId: TEST_SHOP, key: "at-risk" } } });
    expect(atRisk.description).toMatch(/Otherwise: a repeat customer with no order/);
  });

  it("a shop with enough customers but 60 days of history is told when predictions can start", async () => {
    const now = new Date();
    await createShop(TEST_SHOP);
    await insertHistory(TEST_SHOP, Array.from({ length: 220 }, (_, n) => ({ n, orders: n < 60 ? [{ daysAgo: 60, cents: 2_000 }, { daysAgo: 20, cents: 2_000 }] : [{ daysAgo: 30, cents: 2_000 }] })), now);
    const r = await fitShopModels(TEST_SHOP, { now });
    expect(r.status).toBe("insufficient-data");
    const from = new Date(now.getTime() + 30 * DAY).toISOString().slice(0, 10);
    expect(r.reason).toBe(`Predictions need 90 days of order history; the first order is 60 days old, so ${from} at the earliest.`);
    expect((await predictionStatus(TEST_SHOP)).reason).toBe(r.reason);
  });

  it("a shop never attempted is pending, and bad input is refused", async () => {
    await createShop(TEST_SHOP);
    expect(await predictionStatus(TEST_SHOP)).toMatchObject({ status: "pending", fittedAt: null, clvAvailable: false });
    await expect(fitShopModels("")).rejects.toThrow(/shop id is required/);
    await expect(predictionStatus(" ")).rejects.toThrow(/shop id is required/);
  });
});

describe("a fitted shop", () => {
  let shop: GeneratedShop;
  let now: Date;

  beforeEach(async () => {
    now = new Date();
    await createShop(TEST_SHOP);
    await createShop(OTHER_SHOP);
    shop = await generatedShop(TEST_SHOP, now);
    // Never counted: a cancelled and a test order for a customer who stopped.
    await insertHistory(TEST_SHOP, [{ n: 900, orders: [{ daysAgo: 1, cents: 99_999, cancelled: true }, { daysAgo: 1, cents: 99_999, test: true }] }], now);
  });

  it("writes both fits and every customer's predictions, ranked as the shop was built", async () => {
    await generatedShop(OTHER_SHOP, now, 11);
    const r = await recomputeShop(TEST_SHOP, { now });
    expect(r.predictions).toMatchObject({ decision: "no-fit", status: "fitted", reason: null });

    const fits = await prisma.modelFit.findMany({ where: { shopId: TEST_SHOP }, orderBy: { kind: "asc" } });
    expect(fits.map((f) => [f.kind, f.status, f.ordersAtFit, f.fittedAt.getTime()])).toEqual([
      ["bgnbd", "fitted", shop.orders, now.getTime()],
      ["gamma-gamma", "fitted", shop.orders, now.getTime()],
    ]);
    expect(fits[0]!.customers).toBe(shop.customersWithOrders);
    expect(fits[0]!.params).toMatchObject({ unit: "day", sampled: shop.customersWithOrders });
    expect(fits[0]!.logLikelihood).toBeLessThan(0);
    expect(fits[1]!.params).toMatchObject({ spendUnit: "minor" });

    const profiles = await prisma.customerProfile.findMany({ where: { shopId: TEST_SHOP }, select: { customerId: true, orderCount: true, ...predictionColumns } });
    const withOrders = profiles.filter((p) => p.orderCount > 0);
    expect(withOrders).toHaveLength(shop.customersWithOrders);
    for (const p of withOrders) {
      expect(p.pAlive).toBeGreaterThanOrEqual(0);
      expect(p.pAlive).toBeLessThanOrEqual(1);
      expect(p.churnRisk).toBe(churnRiskBand(p.pAlive!));
      expect(p.expectedOrders30!).toBeLessThanOrEqual(p.expectedOrders90!);
      expect(p.expectedOrders90!).toBeLessThanOrEqual(p.expectedOrders365!);
      expect(Number.isInteger(p.predictedClv12m)).toBe(true);
      expect(p.predictedClv12m).toBeGreaterThanOrEqual(0);
      if (p.nextOrderAt) expect(p.nextOrderAt.getTime()).toBeGreaterThan(now.getTime());
    }
    // No orders (or only cancelled and test ones): no prediction.
    for (const p of profiles.filter((x) => x.orderCount === 0)) expect(p).toMatchObject({ pAlive: null, churnRisk: null, predictedClv12m: null, nextOrderAt: null });
    expect(profiles.find((p) => p.customerId === customerKey(TEST_SHOP, 900))).toMatchObject({ orderCount: 0, pAlive: null });

    const regular = await profilesOf(shop.regular);
    const stopped = await profilesOf(shop.stopped);
    // The bulk write (raw SQL) stores exactly what Prisma's own update of one customer stores.
    for (const id of [shop.regular[0]!, shop.stopped[0]!]) {
      const [bulk] = await profilesOf([id]);
      const single = await updateCustomerPredictions(prisma, TEST_SHOP, id, now);
      expect(single).toMatchObject({ churnRisk: bulk!.churnRisk, nextOrderAt: bulk!.nextOrderAt, predictedClv12m: bulk!.predictedClv12m });
      expect(single!.pAlive).toBeCloseTo(bulk!.pAlive!, 12);
      // Stored the same, floats to 12 significant digits (the bulk pass and the single update may sum in a different order).
      const [after] = await profilesOf([id]);
      for (const [key, value] of Object.entries(bulk!)) {
        const got = (after as Record<string, unknown>)[key];
        if (typeof value === "number" && !Number.isInteger(value)) expect(got as number, key).toBeCloseTo(value, 12);
        else expect(got, key).toEqual(value);
      }
    }
    expect(Math.min(...regular.map((p) => p.pAlive!))).toBeGreaterThan(Math.max(...stopped.map((p) => p.pAlive!)));
    expect(mean(regular.map((p) => p.pAlive!))).toBeGreaterThan(0.8);
    expect(mean(stopped.map((p) => p.pAlive!))).toBeLessThan(0.2);
    expect(Math.min(...regular.map((p) => p.predictedClv12m!))).toBeGreaterThan(3 * Math.max(...stopped.map((p) => p.predictedClv12m!)));
    expect(regular.every((p) => p.churnRisk === "low" && p.nextOrderAt !== null)).toBe(true);
    expect(stopped.every((p) => p.churnRisk === "high")).toBe(true);
    // Every 20 days: the next order is expected within a month.
    expect(mean(regular.map((p) => (p.nextOrderAt!.getTime() - now.getTime()) / DAY))).toBeLessThan(30);

    // The lifecycle rules use the model: the ones who stopped are at risk, high value follows the CLV.
    expect(stopped.every((p) => p.lifecycleStage === "at-risk")).toBe(true);
    expect(regular.filter((p) => p.lifecycleStage === "at-risk")).toEqual([]);
    const highValue = await prisma.segment.findUniqueOrThrow({ where: { shopId_key: { shopId: TEST_SHOP, key: "high-value" } } });
    expect(highValue.description).toMatch(/Predicted 12-month value of/);
    expect(r.thresholds.highValueClv).toBeGreaterThan(0);

    const status = await predictionStatus(TEST_SHOP);
    expect(status).toMatchObject({ status: "fitted", reason: null, clvAvailable: true, customers: shop.customersWithOrders, ordersAtFit: shop.orders, annualDiscountRate: 0.1 });
    expect(status.fittedAt?.getTime()).toBe(now.getTime());
    expect(status.purchaseModel!.daysBetweenOrders).toBeGreaterThan(5);
    expect(status.purchaseModel!.dropoutAfterOrder).toBeGreaterThan(0);
    expect(status.purchaseModel!.dropoutAfterOrder).toBeLessThan(1);
    expect(status.spendModel!.averageOrderValue).toBeGreaterThan(3_000);
    expect(status.spendModel!.averageOrderValue).toBeLessThan(30_000);
    expect(status.refit).toEqual({ maxAgeDays: 7, newOrders: Math.max(50, Math.ceil(shop.orders / 10)), ordersSince: 0 });

    // Shop isolation: the other shop was neither fitted nor scored.
    expect(await prisma.modelFit.count({ where: { shopId: OTHER_SHOP } })).toBe(0);
    expect(await prisma.customerProfile.count({ where: { shopId: OTHER_SHOP } })).toBe(0);
    expect((await predictionStatus(OTHER_SHOP)).status).toBe("pending");
  });

  it("refits only when the policy says so: a rescore the same day, a refit after 7 days or enough new orders", async () => {
    await recomputeShop(TEST_SHOP, { now });
    const again = await refreshPredictions(TEST_SHOP, { now });
    expect(again).toMatchObject({ decision: { due: false, reason: "fresh" }, fit: null, predictionsWritten: 0 }); // same day: nothing changed
    expect(await prisma.modelFit.count({ where: { shopId: TEST_SHOP } })).toBe(2);

    // Two days on, the stored fit rescores: P(alive) of those who stopped keeps falling.
    const later = new Date(now.getTime() + 2 * DAY);
    const before = await profilesOf(shop.stopped);
    const rescored = await recomputeShop(TEST_SHOP, { now: later });
    expect(rescored.predictions).toMatchObject({ decision: "fresh", status: null });
    expect(rescored.predictions.written).toBeGreaterThan(40);
    const after = await profilesOf(shop.stopped);
    for (const p of after) expect(p.pAlive!).toBeLessThan(before.find((b) => b.customerId === p.customerId)!.pAlive!);
    expect(await prisma.modelFit.count({ where: { shopId: TEST_SHOP } })).toBe(2);

    // 7 days after the fit: stale.
    const week = await refreshPredictions(TEST_SHOP, { now: new Date(now.getTime() + 7 * DAY) });
    expect(week.decision).toEqual({ due: true, reason: "stale" });
    expect(week.fit?.status).toBe("fitted");
    expect(await prisma.modelFit.count({ where: { shopId: TEST_SHOP } })).toBe(4);

    // Enough orders placed since the last fit: max(50, 10% of the orders it used).
    const fitAt = new Date(now.getTime() + 7 * DAY);
    const threshold = Math.max(50, Math.ceil((await prisma.modelFit.findFirstOrThrow({ where: { shopId: TEST_SHOP, kind: "bgnbd", fittedAt: fitAt } })).ordersAtFit / 10));
    await insertHistory(TEST_SHOP, Array.from({ length: threshold - 1 }, (_, i) => ({ n: 600 + i, orders: [{ daysAgo: -7.5, cents: 4_000 }] })), now);
    const soon = new Date(fitAt.getTime() + DAY);
    expect((await refreshPredictions(TEST_SHOP, { now: soon })).decision).toEqual({ due: false, reason: "fresh" });
    await insertHistory(TEST_SHOP, [{ n: 800, orders: [{ daysAgo: -7.5, cents: 4_000 }] }], now);
    expect((await refreshPredictions(TEST_SHOP, { now: soon })).decision).toEqual({ due: true, reason: "new-orders" });
  });

  it("clears every prediction when the shop no longer qualifies", async () => {
    await recomputeShop(TEST_SHOP, { now });
    expect(await prisma.customerProfile.count({ where: { shopId: TEST_SHOP, pAlive: { not: null } } })).toBe(shop.customersWithOrders);
    // Most orders cancelled: 200 customers with orders no longer.
    await prisma.order.updateMany({ where: { shopId: TEST_SHOP, customerId: { notIn: [...shop.regular, ...shop.stopped] } }, data: { cancelledAt: now } });
    const r = await fitShopModels(TEST_SHOP, { now, pageSize: 50 });
    expect(r).toMatchObject({ status: "insufficient-data", customers: 40, repeatBuyers: 40 });
    expect(r.predictionsWritten).toBe(shop.customersWithOrders);
    expect(await prisma.customerProfile.count({ where: { shopId: TEST_SHOP, OR: [{ pAlive: { not: null } }, { predictedClv12m: { not: null } }, { nextOrderAt: { not: null } }] } })).toBe(0);
    expect((await predictionStatus(TEST_SHOP)).status).toBe("insufficient-data");
  });

  it("a live order updates that customer's predictions within the queued job, and no one else's", async () => {
    await generatedShop(OTHER_SHOP, now, 11);
    await recomputeShop(TEST_SHOP, { now });
    await recomputeShop(OTHER_SHOP, { now });
    const [target] = shop.stopped;
    const others = async () =>
      (await prisma.customerProfile.findMany({ where: { customerId: { not: target } }, select: { customerId: true, ...predictionColumns }, orderBy: { customerId: "asc" } })).map((p) => JSON.stringify(p));
    const othersBefore = await others();
    const [before] = await profilesOf([target!]);
    expect(before).toMatchObject({ churnRisk: "high", lifecycleStage: "at-risk" });

    await sendOrder(TEST_SHOP, shopifyCustomerId(400), 7_000);
    const jobs = await prisma.job.findMany({ where: { type: PROFILES_JOB } });
    expect(jobs.map((j) => j.payload)).toEqual([{ shopId: TEST_SHOP, customerId: target }]);
    await prisma.job.updateMany({ where: { type: PROFILES_JOB, status: "queued" }, data: { runAt: new Date() } });
    await queue.drain();

    const [after] = await profilesOf([target!]);
    expect(after!.pAlive!).toBeGreaterThan(0.9);
    expect(after!.churnRisk).toBe("low");
    expect(after!.expectedOrders90!).toBeGreaterThan(before!.expectedOrders90!);
    expect(after!.predictedClv12m!).toBeGreaterThan(before!.predictedClv12m!);
    expect(after!.lifecycleStage).not.toBe("at-risk");
    expect(await others()).toEqual(othersBefore);
    // One order is far from a refit: nothing else queued.
    expect(await prisma.job.count({ where: { type: PROFILES_JOB, status: "queued" } })).toBe(0);
  });

  it("enough live orders queue one refit, once", async () => {
    await recomputeShop(TEST_SHOP, { now });
    const fit = await prisma.modelFit.findFirstOrThrow({ where: { shopId: TEST_SHOP, kind: "bgnbd" } });
    const threshold = Math.max(50, Math.ceil(fit.ordersAtFit / 10));
    // Orders placed after the fit (the last one arrives as a webhook).
    await insertHistory(TEST_SHOP, Array.from({ length: threshold - 1 }, (_, i) => ({ n: 600 + i, orders: [{ daysAgo: 0, cents: 4_000 }] })), new Date());
    await sendOrder(TEST_SHOP, shopifyCustomerId(300), 7_000);
    await prisma.job.updateMany({ where: { type: PROFILES_JOB, status: "queued" }, data: { runAt: new Date() } });
    expect(await queue.runOnce(1)).toBe(1);
    const refits = await prisma.job.findMany({ where: { type: PROFILES_JOB, idempotencyKey: { contains: ":refit:" } } });
    expect(refits.map((j) => [j.payload, j.idempotencyKey])).toEqual([[{ shopId: TEST_SHOP, trigger: "refit" }, `profiles:${TEST_SHOP}:refit:${fit.id}`]]);

    // Another live order before the refit ran: still one refit job.
    await prisma.job.updateMany({ where: { id: refits[0]!.id }, data: { runAt: new Date(Date.now() + DAY) } });
    await sendOrder(TEST_SHOP, shopifyCustomerId(301), 7_000);
    await prisma.job.updateMany({ where: { type: PROFILES_JOB, status: "queued", id: { not: refits[0]!.id } }, data: { runAt: new Date() } });
    expect(await queue.runOnce(1)).toBe(1);
    expect(await prisma.job.count({ where: { type: PROFILES_JOB, idempotencyKey: { contains: ":refit:" } } })).toBe(1);
    expect(await prisma.job.count({ where: { type: PROFILES_JOB, status: "done" } })).toBe(2);

    // The refit runs: a new attempt, and the next nightly recompute is queued.
    await prisma.job.updateMany({ where: { status: "queued" }, data: { runAt: new Date() } });
    await queue.drain();
    expect(await prisma.modelFit.count({ where: { shopId: TEST_SHOP, kind: "bgnbd" } })).toBe(2);
    expect(await prisma.job.count({ where: { type: PROFILES_JOB, idempotencyKey: { contains: ":daily:" } } })).toBe(1);
  });
});
