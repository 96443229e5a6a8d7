// Reliability: a worker killed at random moments during a large send, and
// restarted, still gives every recipient exactly one email, counted at the fake
// SendGrid. On both queue backends: embedded (this file's database) and BullMQ
// on the real Redis (skipped with a message when Redis is absent, unless CI=true).
//
// The worker is a real process (reliability-worker.ts, the app's send job) and
// is SIGKILLed at seeded random times: while it renders a batch, inside the
// claim transaction, or with a request in flight at SendGrid. What a killed
// run leaves behind is settled the way production settles it: the next run
// marks messages left `sending` as `unknown`, SendGrid's events (signed, through
// the real webhook route) prove which of them SendGrid took, and reconcile
// sends the rest again; a batch whose job gave up gets a new one from the tick.
//
// RELIABILITY_RECIPIENTS sets the size (default 10,000).
import { afterAll, afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { mulberry32 } from "~/core/random";
import { reconcileUnknown } from "~/core/delivery/reconcile.server";
import { recoverStrandedBatches, RESEND_AFTER_MS } from "~/core/delivery/stranded.server";
import { runTick } from "~/core/delivery/tick.server";
import type { JobWorker } from "~/jobs/queue.server";
import { startFakeSendGrid, type FakeSendGrid } from "../../fakes/sendgrid";
import { addSubscribers, approvedCampaign, CI, dropPrefix, eventPoster, redisReachable, REDIS_URL, seedShop, sendJobStates, startWorker, testQueue, type BackendName } from "./reliability-fixtures";

const RECIPIENTS = Number(process.env.RELIABILITY_RECIPIENTS ?? 10_000);
const KILLS = 6;
const FILE_PREFIX = `lwrel-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

const redisUp = await redisReachable();
if (!redisUp && !CI) console.warn(`SKIPPED BullMQ reliability (kill): no Redis answered at ${REDIS_URL} (start redis-server, or set REDIS_URL)`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(() => prisma.$disconnect());

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, state: () => Promise<unknown> = async () => ""): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await state())}`);
    await sleep(200);
  }
}

/** Messages of the first email still on their way (the campaign's later emails stay scheduled for days). */
const inFlight = (shopId: string) => prisma.message.count({ where: { shopId, status: { in: ["queued", "sending"] } } });
const progress = async (shopId: string) => prisma.message.count({ where: { shopId, status: { in: ["sending", "sent", "unknown"] } } });

describe.each([
  { backend: "embedded" as BackendName, skip: false },
  { backend: "bullmq" as BackendName, skip: !redisUp && !CI },
])("a worker killed at random during a $backend send of many recipients", ({ backend, skip }) => {
  it.skipIf(skip)(`gives each of ${RECIPIENTS} recipients exactly one email`, async () => {
    const shopId = `kill-${backend}.myshopify.com`;
    const prefix = `${FILE_PREFIX}-${backend}`;
    const now = new Date();
    const started = performance.now();
    await seedShop(shopId, 2);
    const emails = await addSubscribers(shopId, RECIPIENTS, `kill-${backend}`);
    await approvedCampaign(shopId, now);
    const sg: FakeSendGrid = await startFakeSendGrid({ keepBodies: false });
    cleanups.push(() => sg.close());
    const queue: JobWorker = testQueue(backend, prefix);
    cleanups.push(() => queue.close());
    if (backend === "bullmq") cleanups.push(() => dropPrefix(prefix));
    const postEvents = await eventPoster(shopId, sg);

    // Triggers enroll the audience, dispatch queues the first email in batches of 1,000, one send job each.
    const tick = await runTick(shopId, { queue, now });
    expect(tick.queued).toBe(RECIPIENTS + 2);
    const seededSeconds = (performance.now() - started) / 1000;

    const rng = mulberry32(20261127);
    const kills: Array<{ afterMs: number; sentAtFake: number; sending: number }> = [];
    for (let k = 0; k < KILLS && (await inFlight(shopId)) > 0; k++) {
      const worker = startWorker(backend, prefix, sg);
      cleanups.push(async () => worker.child.kill("SIGKILL"));
      await worker.ready;
      // A random moment once this worker is sending (its start-up and first render take a few seconds on a busy machine).
      const before = await progress(shopId);
      await until("the worker to start sending", async () => (await progress(shopId)) > before || (await inFlight(shopId)) === 0, 120_000);
      const afterMs = Math.round(rng() * 2500);
      await sleep(afterMs);
      worker.child.kill("SIGKILL");
      await worker.exited;
      kills.push({ afterMs, sentAtFake: sg.messages.length, sending: await prisma.message.count({ where: { shopId, status: "sending" } }) });
    }

    // A last worker, left alone: it takes over what the killed ones held (after their lease) and finishes.
    const worker = startWorker(backend, prefix, sg);
    cleanups.push(async () => worker.child.kill("SIGKILL"));
    await worker.ready;
    // The tick's stranded-batch recovery, with its clock moved on past the hour
    // whenever nothing moves for 15 s: a batch whose job gave up (BullMQ fails a job
    // whose worker died more than 5 times; the kills above can hit one job every
    // time) gets a new job. (Not the whole tick an hour on: its reconcile would take
    // SendGrid's silence, whose events this test posts only once the send settles,
    // as proof that nothing was sent.)
    let last = -1;
    let lastChange = Date.now();
    const settled = async () => {
      const left = await inFlight(shopId);
      if (left !== last) [last, lastChange] = [left, Date.now()];
      else if (left > 0 && Date.now() - lastChange > 15_000) {
        await recoverStrandedBatches(prisma, shopId, queue, new Date(Date.now() + RESEND_AFTER_MS + 60_000));
        lastChange = Date.now();
      }
      return left === 0;
    };
    for (let round = 0; ; round++) {
      await until("the send to settle", settled, 240_000, async () => ({
        messages: await prisma.message.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } }),
        jobs: backend === "embedded" ? await prisma.job.findMany({ where: { type: "delivery.send" }, select: { status: true, attempts: true, lastError: true, runAt: true, lockedUntil: true } }) : await sendJobStates(prefix),
        requests: sg.requests.map((r) => `${r.status}/${r.recipients}`),
        kills,
      }));
      // SendGrid's events for everything it took, through the signed webhook route (as SendGrid would send them).
      const posted = new Set((await prisma.emailEvent.findMany({ where: { shopId }, select: { messageId: true } })).map((e) => e.messageId));
      await postEvents(sg.messages.filter((m) => !posted.has(m.customArgs.lw_msg ?? "")).map((message) => ({ event: "processed" as const, message })));
      // Reconcile as the tick does, once the window has passed: heard → sent, silent → sent again.
      const r = await reconcileUnknown(shopId, { queue, now: new Date(Date.now() + 60 * 60_000) });
      if (r.requeued === 0 && (await prisma.message.count({ where: { shopId, status: "unknown" } })) === 0) break;
      if (round >= 4) throw new Error("reconcile did not settle in 5 rounds");
    }
    worker.child.kill("SIGTERM");
    await worker.exited;

    const sent = await prisma.message.count({ where: { shopId, status: "sent" } });
    expect(sent).toBe(RECIPIENTS + 2);
    // Counted at SendGrid: every address once, none twice.
    const perAddress = new Map<string, number>();
    for (const m of sg.messages) perAddress.set(m.to.email, (perAddress.get(m.to.email) ?? 0) + 1);
    const twice = [...perAddress].filter(([, n]) => n > 1);
    expect(twice.slice(0, 5)).toEqual([]);
    for (const email of emails) expect(perAddress.get(email) ?? 0, email).toBe(1);
    expect(sg.messages.length).toBe(RECIPIENTS + 2);
    console.info(
      `[reliability ${backend}] ${RECIPIENTS} recipients: seeded + dispatched in ${seededSeconds.toFixed(1)} s, sent in ${((performance.now() - started) / 1000 - seededSeconds).toFixed(1)} s ` +
        `with ${kills.length} kills (${kills.map((k) => `${k.afterMs}ms: ${k.sentAtFake} at SendGrid, ${k.sending} sending`).join("; ")}), ${sg.requests.length} requests`,
    );
    expect(kills.length).toBeGreaterThan(0);
  }, 900_000);
});
