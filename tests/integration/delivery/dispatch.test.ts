// Dispatch on the real database: due messages decided at send time, queued in
// batches with one send job each; exits, consent, suppression and the guest
// setting; two dispatchers never queue a message twice.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { dispatchDue, pickVariant } from "~/core/delivery/dispatch.server";
import { DELIVERY_SEND_JOB } from "~/core/delivery/job-types";
import { saveDeliverySettings } from "~/core/delivery/settings.server";
import { suppress } from "~/core/delivery/suppression.server";
import { runTriggers } from "~/core/delivery/triggers.server";
import { TEST_SHOP } from "../../setup/test-config";
import { DAY, HOUR, makeCheckout, makeCustomer, makeFlow, makeOrder, MINUTE, noQuietHours, queue, resetShops } from "./triggers-fixtures";

const SHOP = TEST_SHOP;
const OTHER = "other-dispatch.myshopify.com";
const T = new Date("2026-06-01T10:00:00Z");
const at = (ms: number) => new Date(T.getTime() + ms);

beforeEach(async () => {
  await resetShops(SHOP, OTHER);
  await noQuietHours(SHOP);
});

async function cartEnrollment(customer: { id: string; email: string | null } | null, o: { email?: string; updatedAt?: Date } = {}) {
  await makeCheckout(SHOP, { customerId: customer?.id ?? null, email: o.email ?? customer?.email ?? null, updatedAt: o.updatedAt ?? T });
}
const messagesOf = (where: object = {}) => prisma.message.findMany({ where: { shopId: SHOP, ...where }, orderBy: [{ customerId: "asc" }, { step: "asc" }] });

describe("dispatch", () => {
  it("queues due messages with email, variant and batch, one send job per batch, and leaves the rest scheduled", async () => {
    const flow = await makeFlow(SHOP, "cart-recovery", { variants: ["A", "B"] });
    const people = await Promise.all(Array.from({ length: 6 }, () => makeCustomer(SHOP)));
    for (const p of people) await cartEnrollment(p);
    await runTriggers(SHOP, { now: at(2 * HOUR) });
    const report = await dispatchDue(SHOP, { queue, now: at(2 * HOUR) });
    expect(report.queued).toBe(6);
    const queued = await messagesOf({ status: "queued" });
    expect(queued.map((m) => m.step)).toEqual([0, 0, 0, 0, 0, 0]);
    for (const m of queued) {
      expect(m.email).toBe(people.find((p) => p.id === m.customerId)!.email);
      expect(m.variant).toBe(pickVariant(m.key, ["A", "B"]));
      expect(m.queuedAt).toEqual(at(2 * HOUR));
    }
    const batches = [...new Set(queued.map((m) => m.batchId))];
    expect(batches.length).toBe(new Set(queued.map((m) => m.variant)).size); // one per (campaign, step, variant)
    const jobs = await prisma.job.findMany({ where: { type: DELIVERY_SEND_JOB } });
    expect(jobs.map((j) => j.idempotencyKey).sort()).toEqual(batches.map((b) => `send:${b}`).sort());
    expect(jobs.every((j) => j.shopId === SHOP && (j.payload as { shopId: string }).shopId === SHOP)).toBe(true);
    expect(await prisma.message.count({ where: { shopId: SHOP, status: "scheduled", step: { gt: 0 } } })).toBe(12);
    // A second run at once queues nothing more: steps 2 and 3 are not due, and no second email within 16 h anyway.
    expect((await dispatchDue(SHOP, { queue, now: at(2 * HOUR) })).queued).toBe(0);
    expect(flow.id).toBeTruthy();
  });

  it("picks variants by a stable hash of the key, spread over the drafts", () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `e${i}:0`);
    const a = keys.filter((k) => pickVariant(k, ["A", "B"]) === "A").length;
    expect(a).toBeGreaterThan(400);
    expect(a).toBeLessThan(600);
    expect(keys.map((k) => pickVariant(k, ["A", "B"]))).toEqual(keys.map((k) => pickVariant(k, ["A", "B"])));
    expect(pickVariant("x", [])).toBeNull();
  });

  it("exits on a purchase since the trigger, cancelling the remaining messages", async () => {
    const flow = await makeFlow(SHOP, "cart-recovery");
    const ada = await makeCustomer(SHOP);
    await cartEnrollment(ada);
    await runTriggers(SHOP, { now: at(2 * HOUR) });
    await makeOrder(SHOP, { customerId: ada.id, at: at(90 * MINUTE) }); // stored without the webhook path: dispatch still sees it
    const report = await dispatchDue(SHOP, { queue, now: at(2 * HOUR) });
    expect(report.queued).toBe(0);
    expect(report.cancelled).toEqual({ purchase: 3 });
    const e = await prisma.enrollment.findFirstOrThrow({ where: { campaignId: flow.id } });
    expect(e).toMatchObject({ status: "exited", exitReason: "purchase" });
  });

  it("a newer enrollment in a higher-priority flow wins: the lower one exits", async () => {
    const browse = await makeFlow(SHOP, "browse-abandonment");
    await makeFlow(SHOP, "cart-recovery");
    const ada = await makeCustomer(SHOP);
    await prisma.browseEvent.createMany({
      data: [0, MINUTE].map((ms) => ({ shopId: SHOP, eventId: `v${ms}`, browserId: "b1", customerId: ada.id, type: "product_viewed", occurredAt: at(ms), productShopifyId: "p1" })),
    });
    await runTriggers(SHOP, { now: at(3 * HOUR) }); // browse abandonment: first email at 4 h 01
    await cartEnrollment(ada, { updatedAt: at(4 * HOUR + 30 * MINUTE) }); // then a checkout, abandoned
    await runTriggers(SHOP, { now: at(5 * HOUR + 31 * MINUTE) });
    expect(await prisma.enrollment.count({ where: { shopId: SHOP } })).toBe(2);
    const report = await dispatchDue(SHOP, { queue, now: at(6 * HOUR) });
    expect(report.queued).toBe(1);
    const [queued] = await messagesOf({ status: "queued" });
    expect(queued!.flowType).toBe("cart-recovery");
    expect(await prisma.enrollment.findFirstOrThrow({ where: { campaignId: browse.id } })).toMatchObject({ status: "exited", exitReason: "higher-priority-flow" });
    expect(report.cancelled).toEqual({ "higher-priority-flow": 2 });
  });

  it("never queues an unsubscribed, suppressed or bounced address, whatever the flow", async () => {
    await saveDeliverySettings(SHOP, { cartRecoveryAudience: "checkout-email" });
    const flows = await Promise.all([makeFlow(SHOP, "cart-recovery"), makeFlow(SHOP, "welcome", { enabledAt: at(-DAY) })]);
    const unsub = await makeCustomer(SHOP, { consent: "UNSUBSCRIBED", consentAt: T });
    const suppressed = await makeCustomer(SHOP, { consentAt: T });
    const bounced = await makeCustomer(SHOP, { consentAt: T });
    const fine = await makeCustomer(SHOP, { consentAt: T });
    await suppress(SHOP, suppressed.email!, "unsubscribe");
    await suppress(SHOP, bounced.email!.toUpperCase(), "hard-bounce");
    await suppress(SHOP, "guest-bounced@example.com", "hard-bounce");
    for (const c of [unsub, suppressed, bounced, fine]) await cartEnrollment(c);
    await cartEnrollment(null, { email: "guest-bounced@example.com" });
    await runTriggers(SHOP, { now: at(2 * HOUR) });
    const report = await dispatchDue(SHOP, { queue, now: at(2 * HOUR) });
    const queued = await messagesOf({ status: "queued" });
    expect(new Set(queued.map((m) => m.email))).toEqual(new Set([fine.email]));
    const reasons = (await messagesOf({ status: "skipped" })).map((m) => `${m.customerId === null ? "guest" : [unsub, suppressed, bounced, fine].find((c) => c.id === m.customerId)!.email}:${m.skipReason}`);
    expect(reasons).toContain(`${suppressed.email}:suppressed`);
    expect(reasons).toContain(`${bounced.email}:suppressed`);
    expect(reasons).toContain("guest:suppressed");
    expect(reasons.some((r) => r.startsWith(`${unsub.email}:`) && r.endsWith("not-subscribed"))).toBe(true);
    // Welcome and cart recovery were entered together: the welcome (lower priority) exits for each.
    expect(report.cancelled).toEqual({ "higher-priority-flow": 9 });
    expect(report.queued).toBe(1);
    expect(flows).toHaveLength(2);
  });

  it("sends cart recovery to a guest's checkout email only when the shop allows it", async () => {
    await makeFlow(SHOP, "cart-recovery");
    const never = await makeCustomer(SHOP, { consent: "NOT_SUBSCRIBED" });
    await cartEnrollment(null, { email: "guest@example.com" });
    await cartEnrollment(never);
    await runTriggers(SHOP, { now: at(2 * HOUR) });
    let report = await dispatchDue(SHOP, { queue, now: at(2 * HOUR) });
    expect(report).toMatchObject({ queued: 0, skipped: { "not-subscribed": 2 } });
    await saveDeliverySettings(SHOP, { cartRecoveryAudience: "checkout-email" });
    report = await dispatchDue(SHOP, { queue, now: at(26 * HOUR) }); // the second step
    expect(report.queued).toBe(2);
    expect((await messagesOf({ status: "queued" })).map((m) => m.email).sort()).toEqual(["guest@example.com", never.email].sort());
  });

  it("cancels a switched-off flow's messages, skips an unapproved one's, and completes finished enrollments", async () => {
    const flow = await makeFlow(SHOP, "cart-recovery");
    const welcome = await makeFlow(SHOP, "welcome", { enabledAt: at(-DAY) });
    const a = await makeCustomer(SHOP);
    const b = await makeCustomer(SHOP, { consentAt: T });
    await cartEnrollment(a);
    await runTriggers(SHOP, { now: at(2 * HOUR) });
    await prisma.campaign.update({ where: { id: flow.id }, data: { enabled: false } });
    await prisma.emailDraft.updateMany({ where: { campaignId: welcome.id, step: 0 }, data: { content: { subject: "changed" } } }); // no longer the approved content
    let report = await dispatchDue(SHOP, { queue, now: at(2 * HOUR) });
    expect(report.cancelled).toEqual({ "flow-disabled": 3 });
    expect(report.skipped).toEqual({ "not-approved": 1 });
    expect(await prisma.enrollment.findFirstOrThrow({ where: { campaignId: flow.id } })).toMatchObject({ status: "exited", exitReason: "flow-disabled" });
    // Steps decided one by one; after the last, the enrollment is completed.
    await prisma.emailDraft.updateMany({ where: { campaignId: welcome.id, step: 0 }, data: { content: { subject: "Step 0 A", body: "Hello" } } });
    for (const day of [2, 5]) report = await dispatchDue(SHOP, { queue, now: at(day * DAY + 12 * HOUR) });
    expect(await prisma.enrollment.findFirstOrThrow({ where: { campaignId: welcome.id, customerId: b.id } })).toMatchObject({ status: "completed" });
  });

  it("two dispatchers at once queue each message exactly once", async () => {
    await makeFlow(SHOP, "cart-recovery");
    const people = await Promise.all(Array.from({ length: 40 }, () => makeCustomer(SHOP)));
    for (const p of people) await cartEnrollment(p);
    await runTriggers(SHOP, { now: at(2 * HOUR) });
    const [r1, r2] = await Promise.all([dispatchDue(SHOP, { queue, now: at(2 * HOUR) }), dispatchDue(SHOP, { queue, now: at(2 * HOUR) })]);
    expect(r1.queued + r2.queued).toBe(40);
    const queued = await messagesOf({ status: "queued" });
    expect(queued).toHaveLength(40);
    const jobs = await prisma.job.findMany({ where: { type: DELIVERY_SEND_JOB } });
    expect(new Set(jobs.map((j) => (j.payload as { batchId: string }).batchId))).toEqual(new Set(queued.map((m) => m.batchId)));
  });

  it("touches no other shop's messages", async () => {
    await makeFlow(OTHER, "cart-recovery");
    const theirs = await makeCustomer(OTHER);
    await makeCheckout(OTHER, { customerId: theirs.id, email: theirs.email, updatedAt: T });
    await runTriggers(OTHER, { now: at(2 * HOUR) });
    const report = await dispatchDue(SHOP, { queue, now: at(2 * HOUR) });
    expect(report.queued).toBe(0);
    expect(await prisma.message.count({ where: { shopId: OTHER, status: "scheduled" } })).toBe(3);
  });
});
