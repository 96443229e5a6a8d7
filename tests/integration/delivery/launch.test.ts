// Launches and campaigns: scheduleLaunch's refusals, enrollment of a 5,000-member
// segment a page at a time at startsAt (once), dispatch in batches of 1,000,
// and the delivery tick's chain (kicked by scheduling, kept by ensureSchedules).
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { editPlan } from "~/core/approval/approval.server";
import { DELIVERY_SEND_JOB, DELIVERY_TICK_JOB, MAX_BATCH } from "~/core/delivery/job-types";
import { deliveryTickHandler, runTick } from "~/core/delivery/tick.server";
import { LaunchError, runTriggers, scheduleLaunch } from "~/core/delivery/triggers.server";
import { ensureSchedules } from "~/jobs/maintenance.server";
import { TEST_SHOP } from "../../setup/test-config";
import { DAY, HOUR, makeFlow, MINUTE, noQuietHours, queue, resetShops } from "./triggers-fixtures";

const SHOP = TEST_SHOP;
const OTHER = "other-launch.myshopify.com";
const T = new Date("2026-06-01T10:00:00Z");
const at = (ms: number) => new Date(T.getTime() + ms);
const MEMBERS = 5000;

beforeEach(async () => {
  await resetShops(SHOP, OTHER);
  await noQuietHours(SHOP);
});

async function segmentOf(size: number, subscribedEvery = 1) {
  const segment = await prisma.segment.create({ data: { shopId: SHOP, key: "vip", name: "VIP", kind: "custom", definition: {} } });
  const customers = Array.from({ length: size }, (_, i) => ({ id: `cust${String(i).padStart(5, "0")}`, shopId: SHOP, shopifyId: `s${i}`, email: `m${i}@example.com`, emailConsentState: i % subscribedEvery === 0 ? "SUBSCRIBED" : "NOT_SUBSCRIBED", countryCode: "GB" }));
  for (let i = 0; i < customers.length; i += 500) {
    await prisma.customer.createMany({ data: customers.slice(i, i + 500) });
    await prisma.segmentMembership.createMany({ data: customers.slice(i, i + 500).map((c) => ({ shopId: SHOP, segmentId: segment.id, customerId: c.id })) });
  }
  return segment;
}

describe("scheduleLaunch", () => {
  it("refuses an unapproved campaign, a flow, a past time and another shop's campaign, changing nothing", async () => {
    const unapproved = await makeFlow(SHOP, "sales-campaign", { kind: "campaign", approve: false });
    const flow = await makeFlow(SHOP, "cart-recovery");
    const theirs = await makeFlow(OTHER, "sales-campaign", { kind: "campaign" });
    const ok = await makeFlow(SHOP, "sales-campaign", { kind: "campaign" });
    const opts = { now: T, queue: null };
    await expect(scheduleLaunch(SHOP, unapproved.id, at(HOUR), opts)).rejects.toMatchObject({ code: "not-approved" });
    await expect(scheduleLaunch(SHOP, flow.id, at(HOUR), opts)).rejects.toMatchObject({ code: "not-scheduled-kind" });
    await expect(scheduleLaunch(SHOP, theirs.id, at(HOUR), opts)).rejects.toMatchObject({ code: "not-found" });
    await expect(scheduleLaunch(SHOP, ok.id, at(-HOUR), opts)).rejects.toBeInstanceOf(LaunchError);
    await expect(scheduleLaunch(SHOP, ok.id, new Date("nope"), opts)).rejects.toMatchObject({ code: "invalid-date" });
    expect(await prisma.campaign.count({ where: { startsAt: { not: null } } })).toBe(0);
    await scheduleLaunch(SHOP, ok.id, at(HOUR), { now: T, queue });
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: ok.id } })).startsAt).toEqual(at(HOUR));
    const tick = await prisma.job.findFirstOrThrow({ where: { type: DELIVERY_TICK_JOB } });
    expect(tick).toMatchObject({ shopId: SHOP, runAt: at(HOUR) });
  });
});

describe("a launch to a segment", () => {
  it(`enrolls ${MEMBERS.toLocaleString("en")} members page by page at startsAt, once, and dispatches them in batches of ${MAX_BATCH}`, async () => {
    const segment = await segmentOf(MEMBERS + 100, 1);
    await prisma.customer.updateMany({ where: { shopId: SHOP, id: { in: Array.from({ length: 100 }, (_, i) => `cust${String(MEMBERS + i).padStart(5, "0")}`) } }, data: { emailConsentState: "UNSUBSCRIBED" } });
    const campaign = await makeFlow(SHOP, "sales-campaign", { kind: "campaign", segmentId: segment.id });
    await scheduleLaunch(SHOP, campaign.id, at(HOUR), { now: T, queue: null });
    await runTriggers(SHOP, { now: at(HOUR - MINUTE) });
    expect(await prisma.enrollment.count({ where: { campaignId: campaign.id } })).toBe(0);

    const started = performance.now();
    const report = await runTriggers(SHOP, { now: at(HOUR) });
    const enrollMs = performance.now() - started;
    expect(report.enrolled[campaign.id]).toBe(MEMBERS);
    expect(report.launched).toEqual([campaign.id]);
    expect(await prisma.message.count({ where: { campaignId: campaign.id } })).toBe(MEMBERS * campaign.plan.steps.length);
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).launchedAt).toEqual(at(HOUR));
    // Launched once: a later scan, or an edit and re-approval, enrolls no one again.
    expect((await runTriggers(SHOP, { now: at(HOUR + MINUTE) })).enrolled).toEqual({});

    const t2 = performance.now();
    const sent = await runTick(SHOP, { queue, now: at(HOUR + MINUTE) });
    const dispatchMs = performance.now() - t2;
    expect(sent.queued).toBe(MEMBERS);
    const jobs = await prisma.job.findMany({ where: { type: DELIVERY_SEND_JOB } });
    expect(jobs).toHaveLength(Math.ceil(MEMBERS / MAX_BATCH));
    const sizes = await prisma.message.groupBy({ by: ["batchId"], where: { campaignId: campaign.id, status: "queued" }, _count: true });
    expect(Math.max(...sizes.map((s) => s._count))).toBeLessThanOrEqual(MAX_BATCH);
    console.log(`launch: ${MEMBERS} members enrolled (${MEMBERS * campaign.plan.steps.length} messages) in ${Math.round(enrollMs)} ms; dispatched in ${Math.round(dispatchMs)} ms`);
  }, 180_000);

  it("refuses to enroll a launch whose plan is no longer approved", async () => {
    const segment = await segmentOf(10);
    const campaign = await makeFlow(SHOP, "sales-campaign", { kind: "campaign", segmentId: segment.id });
    await scheduleLaunch(SHOP, campaign.id, at(HOUR), { now: T, queue: null });
    await editPlan(SHOP, campaign.id, { ...campaign.plan, name: "Changed" });
    const report = await runTriggers(SHOP, { now: at(2 * HOUR) });
    expect(report.notApproved).toEqual([campaign.id]);
    expect(await prisma.enrollment.count()).toBe(0);
  });
});

describe("the delivery tick", () => {
  it("keeps its chain while the shop has work, one tick per minute whatever the kicks, and ensureSchedules restarts it", async () => {
    await makeFlow(SHOP, "cart-recovery");
    const handler = deliveryTickHandler({ queue, clock: () => T });
    await handler({ shopId: SHOP }, { jobId: "j", shopId: SHOP, attempt: 1, maxAttempts: 3 });
    await handler({ shopId: SHOP }, { jobId: "j", shopId: SHOP, attempt: 1, maxAttempts: 3 });
    const ticks = await prisma.job.findMany({ where: { type: DELIVERY_TICK_JOB } });
    expect(ticks.map((j) => j.runAt)).toEqual([at(MINUTE)]);
    // A shop with nothing on gets no tick; ours gets its chain back from ensureSchedules.
    await prisma.job.deleteMany();
    await ensureSchedules(prisma, queue, T);
    const restarted = await prisma.job.findMany({ where: { type: DELIVERY_TICK_JOB } });
    expect(restarted.map((j) => j.shopId)).toEqual([SHOP]);
    // An uninstalled shop's chain ends.
    await prisma.job.deleteMany();
    await prisma.shop.update({ where: { id: SHOP }, data: { status: "uninstalled" } });
    await handler({ shopId: SHOP }, { jobId: "j", shopId: SHOP, attempt: 1, maxAttempts: 3 });
    expect(await prisma.job.count({ where: { type: DELIVERY_TICK_JOB } })).toBe(0);
    await expect(handler({}, { jobId: "j", shopId: null, attempt: 1, maxAttempts: 3 })).rejects.toThrow(/shopId/);
    expect(DAY).toBeGreaterThan(0);
  });
});
