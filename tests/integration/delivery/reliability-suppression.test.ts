// Reliability: an address that unsubscribed (through the real one-click link
// of an email it received) or hard-bounced (a signed bounce event through the
// real webhook route) never receives another marketing email, whatever runs
// next: every built-in flow switched on with fresh triggers for that person
// (an abandoned checkout with cart recovery open to checkout emails, browsing,
// a win-back segment entry) and a second campaign to all subscribers, over a
// week of ticks. Counted at the fake SendGrid. On both queue backends.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { saveDeliverySettings } from "~/core/delivery/settings.server";
import { DELIVERY_SEND_JOB } from "~/core/delivery/job-types";
import { sendJobHandler } from "~/core/delivery/send.server";
import { runTick } from "~/core/delivery/tick.server";
import { action as unsubscribeAction } from "~/routes/unsubscribe.$token";
import { startFakeSendGrid } from "../../fakes/sendgrid";
import { fakeConfig } from "./send-fixtures";
import { approvedCampaign, approvedFlows, CI, dropPrefix, eventPoster, redisReachable, REDIS_URL, seedShop, testQueue, type BackendName } from "./reliability-fixtures";

const FILE_PREFIX = `lwsupp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const HOUR = 3_600_000;
const redisUp = await redisReachable();
if (!redisUp && !CI) console.warn(`SKIPPED BullMQ reliability (suppression): no Redis answered at ${REDIS_URL} (start redis-server, or set REDIS_URL)`);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(() => prisma.$disconnect());

describe.each([
  { backend: "embedded" as BackendName, skip: false },
  { backend: "bullmq" as BackendName, skip: !redisUp && !CI },
])("suppression holds on the $backend queue", ({ backend, skip }) => {
  it.skipIf(skip)("an unsubscribed and a bounced address get nothing more from any flow or campaign", async () => {
    const shopId = `supp-${backend}.myshopify.com`;
    const prefix = `${FILE_PREFIX}-${backend}`;
    const now = new Date();
    const shop = await seedShop(shopId, 12);
    // Cart recovery open to checkout emails: only suppression can stop it for someone who unsubscribed.
    await saveDeliverySettings(shopId, { quietHours: { start: 0, end: 0 }, explorationShare: 0, cartRecoveryAudience: "checkout-email" });
    const sg = await startFakeSendGrid({ keepBodies: false });
    cleanups.push(() => sg.close());
    const postEvents = await eventPoster(shopId, sg);
    const queue = testQueue(backend, prefix);
    cleanups.push(() => queue.close());
    if (backend === "bullmq") cleanups.push(() => dropPrefix(prefix));
    queue.register(DELIVERY_SEND_JOB, sendJobHandler({ config: fakeConfig(sg), timeoutMs: 10_000 }));
    const tickAt = async (at: Date) => {
      await runTick(shopId, { queue, now: at });
      await queue.drain();
    };

    // A first campaign reaches everyone.
    await approvedCampaign(shopId, now);
    await tickAt(now);
    const everyone = await prisma.customer.findMany({ where: { shopId }, select: { id: true, email: true } });
    expect(new Set(sg.messages.map((m) => m.to.email))).toEqual(new Set(everyone.map((c) => c.email)));

    // Customer 2 unsubscribes with their email's one-click link; customer 4's address hard-bounces.
    const [unsubscribed, bounced] = [everyone.find((c) => c.id === shop.customers[2])!, everyone.find((c) => c.id === shop.customers[4])!];
    const theirs = sg.messages.find((m) => m.to.email === unsubscribed.email)!;
    const link = /^<(.+)>$/.exec(theirs.headers["List-Unsubscribe"]!)![1]!;
    const token = new URL(link).pathname.split("/").pop()!;
    const response = await unsubscribeAction({ request: new Request(link, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" }), params: { token }, context: {} });
    expect(response.status).toBe(200);
    await postEvents([{ event: "bounce", message: sg.messages.find((m) => m.to.email === bounced.email)!, bounceType: "bounce" }]);
    expect(await prisma.message.count({ where: { shopId, customerId: bounced.id, bouncedAt: { not: null } } })).toBe(1);
    const cutoff = sg.messages.length;

    // Everything that could mail them again: every flow on, fresh triggers for both, a second campaign.
    await approvedFlows(shopId, now);
    for (const person of [unsubscribed, bounced, everyone[6]!]) {
      await prisma.checkout.create({
        data: { shopId, shopifyId: `co-${person.id}`, token: `t-${person.id}`, email: person.email, customerId: person.id, totalPrice: 2400, lineItems: [{ productShopifyId: "104", title: "Cedar Candle", quantity: 1, price: 2400 }], shopifyCreatedAt: new Date(now.getTime() - 3 * HOUR), shopifyUpdatedAt: new Date(now.getTime() - 2 * HOUR) },
      });
    }
    await approvedCampaign(shopId, new Date(now.getTime() + HOUR));
    for (const hours of [0, 1, 2, 5, 26, 50, 75, 100, 170]) await tickAt(new Date(now.getTime() + hours * HOUR));

    const after = sg.messages.slice(cutoff);
    expect(after.length, "the flows and the second campaign sent to others").toBeGreaterThan(0);
    // The same triggers did mail someone else: cart recovery went to the third shopper with a fresh checkout.
    expect(await prisma.message.count({ where: { shopId, customerId: everyone[6]!.id, flowType: "cart-recovery", status: "sent" } })).toBeGreaterThan(0);
    expect(after.filter((m) => m.to.email === unsubscribed.email || m.to.email === bounced.email)).toEqual([]);
    // Held back with a reason, not lost: their later messages are skipped as suppressed (or no longer subscribed).
    const held = await prisma.message.findMany({ where: { shopId, customerId: { in: [unsubscribed.id, bounced.id] }, status: "skipped" }, select: { skipReason: true } });
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((m) => m.skipReason === "suppressed" || m.skipReason === "not-subscribed")).toBe(true);
  }, 300_000);
});
