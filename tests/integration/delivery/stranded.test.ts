// A batch whose send job gave up (its retries spent, or its worker killed more
// often than the queue allows) or was never enqueued (a crash between commit and
// enqueue) is not left `queued` forever: the tick gives it a new job, and after a
// day fails it with the reason. On both queue backends (BullMQ on the real
// Redis: skipped with a message when Redis is absent, unless CI=true).
import { afterAll, afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { DELIVERY_SEND_JOB } from "~/core/delivery/job-types";
import { sendJobHandler } from "~/core/delivery/send.server";
import { GIVE_UP_AFTER_MS, ORPHAN_AFTER_MS, recoverStrandedBatches, RESEND_AFTER_MS, strandedJobKey } from "~/core/delivery/stranded.server";
import { runTick } from "~/core/delivery/tick.server";
import type { JobHandler } from "~/jobs/queue.server";
import { startFakeSendGrid } from "../../fakes/sendgrid";
import { fakeConfig } from "./send-fixtures";
import { addSubscribers, approvedCampaign, CI, dropPrefix, redisReachable, REDIS_URL, seedShop, sendJobStates, testQueue, type BackendName } from "./reliability-fixtures";

const FILE_PREFIX = `lwstranded-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const redisUp = await redisReachable();
if (!redisUp && !CI) console.warn(`SKIPPED BullMQ stranded batches: no Redis answered at ${REDIS_URL} (start redis-server, or set REDIS_URL)`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(() => prisma.$disconnect());

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe("strandedJobKey", () => {
  const at = new Date("2026-11-28T10:00:00Z");
  it("keeps the first job's key for an hour, then one key per doubling of the age", () => {
    expect(strandedJobKey("b1", at, ORPHAN_AFTER_MS)).toBe("send:b1");
    expect(strandedJobKey("b1", at, RESEND_AFTER_MS - 1)).toBe("send:b1");
    const g1 = strandedJobKey("b1", at, RESEND_AFTER_MS);
    expect(g1).not.toBe("send:b1");
    expect(strandedJobKey("b1", at, 2 * RESEND_AFTER_MS - 1)).toBe(g1);
    const g2 = strandedJobKey("b1", at, 2 * RESEND_AFTER_MS);
    expect(g2).not.toBe(g1);
    expect(strandedJobKey("b1", at, 4 * RESEND_AFTER_MS - 1)).toBe(g2);
    expect(strandedJobKey("b1", at, 4 * RESEND_AFTER_MS)).not.toBe(g2);
    // Tied to when the batch was queued: a batch requeued later starts over with fresh keys.
    expect(strandedJobKey("b1", new Date(at.getTime() + 1), RESEND_AFTER_MS)).not.toBe(g1);
  });
});

describe.each([
  { backend: "embedded" as BackendName, skip: false },
  { backend: "bullmq" as BackendName, skip: !redisUp && !CI },
])("batches stranded on the $backend queue", ({ backend, skip }) => {
  it.skipIf(skip)("get a new send job once their first gave up, each recipient is sent once, and fail after a day", async () => {
    const shopId = `stranded-${backend}.myshopify.com`;
    const prefix = `${FILE_PREFIX}-${backend}`;
    const now = new Date();
    // The embedded run's Job rows would be relayed by BullMQ's outbox: each run starts without them.
    await prisma.job.deleteMany({ where: { type: DELIVERY_SEND_JOB } });
    await seedShop(shopId, 2);
    const emails = await addSubscribers(shopId, 30, `stranded-${backend}`);
    await approvedCampaign(shopId, now);
    const sg = await startFakeSendGrid({ keepBodies: false });
    cleanups.push(() => sg.close());
    const queue = testQueue(backend, prefix);
    cleanups.push(() => queue.close());
    if (backend === "bullmq") cleanups.push(() => dropPrefix(prefix));

    // The send jobs fail every attempt until `broken` is cleared (SendGrid refusing for hours, say).
    let broken = true;
    let calls = 0;
    const send = sendJobHandler({ config: fakeConfig(sg), inlineRetries: 0, timeoutMs: 10_000 });
    const handler: JobHandler = async (payload, ctx) => {
      calls++;
      if (broken) throw new Error("SendGrid is down");
      return send(payload, ctx);
    };
    queue.register(DELIVERY_SEND_JOB, handler);
    const failedJobs = async () =>
      backend === "embedded" ? prisma.job.count({ where: { shopId, type: DELIVERY_SEND_JOB, status: "failed" } }) : (await sendJobStates(prefix)).counts.failed;

    const tick = await runTick(shopId, { queue, now });
    const batches = (await prisma.message.groupBy({ by: ["batchId"], where: { shopId, status: "queued" } })).map((b) => b.batchId!);
    expect(tick.queued).toBe(32);
    expect(batches.length).toBeGreaterThan(0);
    const stop = queue.start({ concurrency: 2, pollMs: 20 });
    cleanups.push(() => stop());
    await until("every send job to give up after its 5 attempts", async () => (await failedJobs()) === batches.length);
    expect(calls).toBe(5 * batches.length);
    expect(await prisma.message.count({ where: { shopId, status: "queued" } })).toBe(32);

    // Within the hour: the first job's key, which exists (failed), so nothing new.
    const queuedAt = Date.now();
    expect((await recoverStrandedBatches(prisma, shopId, queue, new Date(queuedAt + ORPHAN_AFTER_MS + 60_000))).requeued).toBe(0);
    expect((await recoverStrandedBatches(prisma, shopId, queue, new Date(queuedAt + RESEND_AFTER_MS - 60_000))).requeued).toBe(0);
    // Later: a new job per batch, which (SendGrid back) sends each recipient once.
    broken = false;
    const later = new Date(queuedAt + RESEND_AFTER_MS + 60_000);
    expect((await recoverStrandedBatches(prisma, shopId, queue, later)).requeued).toBe(batches.length);
    expect((await recoverStrandedBatches(prisma, shopId, queue, later)).requeued).toBe(0); // the same tick again: no twin
    await until("the new jobs to send", async () => (await prisma.message.count({ where: { shopId, status: { in: ["queued", "sending"] } } })) === 0);
    expect(await prisma.message.count({ where: { shopId, step: 0, status: "sent" } })).toBe(32);
    const perAddress = new Map<string, number>();
    for (const m of sg.messages) perAddress.set(m.to.email, (perAddress.get(m.to.email) ?? 0) + 1);
    for (const email of emails) expect(perAddress.get(email), email).toBe(1);

    // A batch committed but never enqueued (the process died in between): its first job, once.
    await stop();
    const lost = await prisma.message.findFirstOrThrow({ where: { shopId, status: "sent" }, select: { id: true } });
    await prisma.message.update({ where: { id: lost.id }, data: { status: "queued", batchId: "b-lost", queuedAt: new Date(queuedAt) } });
    const r = await recoverStrandedBatches(prisma, shopId, queue, new Date(queuedAt + ORPHAN_AFTER_MS + 60_000));
    expect(r).toEqual({ requeued: 1, failed: 0 });
    // A day on, still queued (no worker ran it): failed, with the reason, never sent.
    const dayOn = await recoverStrandedBatches(prisma, shopId, queue, new Date(queuedAt + GIVE_UP_AFTER_MS + 60_000));
    expect(dayOn.failed).toBe(1);
    const row = await prisma.message.findUniqueOrThrow({ where: { id: lost.id }, select: { status: true, error: true } });
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/24 hours/);
  }, 120_000);
});
