// The per-customer profile job keeps merchant segments live: a new order moves the
// customer into "spent 100 or more" through the same job webhooks queue; the
// shop's full recompute re-evaluates every merchant segment.
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { all } from "~/core/audience/segments/rule";
import { saveSegment } from "~/core/audience/segments/segments.server";
import { profilesJobHandler } from "~/core/audience/profiles/job.server";
import { embeddedQueue } from "~/jobs/queue.server";

const SHOP = "profile-job-a.myshopify.com";
const NOW = new Date("2026-06-01T12:00:00.000Z");
// The handler's follow-ups (the nightly run, refits) go to a real queue that no worker runs here.
const handler = profilesJobHandler(embeddedQueue(prisma), { now: () => NOW });
const ctx = { jobId: "j", attempt: 1, maxAttempts: 1, shopId: SHOP };

let n = 0;
async function order(customerId: string, total: number, daysAgo: number) {
  const at = new Date(NOW.getTime() - daysAgo * 86_400_000);
  await prisma.order.create({ data: { shopId: SHOP, shopifyId: `o${++n}`, customerId, currency: "USD", totalPrice: total, shopifyCreatedAt: at, shopifyUpdatedAt: at } });
}

let segmentId = "";
beforeAll(async () => {
  await prisma.shop.create({ data: { id: SHOP, status: "installed" } });
  await prisma.customer.createMany({ data: [{ id: "pj-1", shopId: SHOP, shopifyId: "1" }, { id: "pj-2", shopId: SHOP, shopifyId: "2" }] });
  await order("pj-1", 6_000, 40);
  await order("pj-2", 20_000, 10);
  await handler({ shopId: SHOP, trigger: "manual" }, ctx);
  const s = await saveSegment(SHOP, { name: "Spent 100+", rule: all({ type: "profile", field: "totalSpent", op: "gte", value: 10_000 }) }, { now: NOW });
  segmentId = s.id;
});

describe("profiles job → merchant segments", () => {
  it("a new order moves the customer into a merchant segment within the per-customer job", async () => {
    const members = async () => (await prisma.segmentMembership.findMany({ where: { segmentId }, select: { customerId: true }, orderBy: { customerId: "asc" } })).map((m) => m.customerId);
    expect(await members()).toEqual(["pj-2"]);
    await order("pj-1", 5_000, 0);
    await handler({ shopId: SHOP, customerId: "pj-1" }, ctx);
    expect(await members()).toEqual(["pj-1", "pj-2"]);
    expect((await prisma.segment.findUniqueOrThrow({ where: { id: segmentId } })).size).toBe(2);
    expect(await prisma.segmentTransition.count({ where: { segmentId, customerId: "pj-1", kind: "entered" } })).toBe(1);
  });

  it("the shop's full recompute re-evaluates merchant segments", async () => {
    // A change the per-customer path never saw (a refund written behind its back).
    await prisma.order.updateMany({ where: { shopId: SHOP, customerId: "pj-2" }, data: { totalPrice: 1_000 } });
    await handler({ shopId: SHOP, trigger: "manual" }, ctx);
    const members = await prisma.segmentMembership.findMany({ where: { segmentId }, select: { customerId: true } });
    expect(members.map((m) => m.customerId)).toEqual(["pj-1"]);
  });
});
