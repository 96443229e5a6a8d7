// The job queue's contract: every backend passes the same tests. The embedded
// backend runs on this file's own database (SQLite, or PostgreSQL with
// TEST_DATABASE=postgres); BullMQ on the real Redis at REDIS_URL under a key
// prefix of its own, deleted afterwards. Without Redis the BullMQ half is
// skipped with a message, unless CI=true (then it fails).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { Redis } from "ioredis";
import { REDIS_URL, redisReachable } from "../../setup/redis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { bullmqQueue } from "~/jobs/bullmq.server";
import { embeddedQueue, type JobContext, type JobWorker } from "~/jobs/queue.server";

const CI = process.env.CI === "true" || process.env.CI === "1";
const FILE_PREFIX = `lwtest-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const LEASE_MS = 1500;
const BACKOFF_MS = 50;


const redisUp = await redisReachable();
if (!redisUp && !CI) console.warn(`SKIPPED BullMQ queue contract: no Redis answered at ${REDIS_URL} (start redis-server, or set REDIS_URL)`);

interface Backend {
  name: "embedded" | "bullmq";
  /** A new queue object over this test's store (a restart is a second call). */
  make(): JobWorker;
  /** Arguments for crash-worker.ts after the type and lease. */
  crashArgs(): string[];
}

let testNo = 0;
const opened: JobWorker[] = [];

const backends: Array<{ name: Backend["name"]; skip: boolean; backend: () => Backend }> = [
  {
    name: "embedded",
    skip: false,
    backend: () => ({
      name: "embedded",
      make: () => track(embeddedQueue(prisma, { leaseMs: LEASE_MS, backoffMs: BACKOFF_MS })),
      crashArgs: () => [],
    }),
  },
  {
    name: "bullmq",
    skip: !redisUp && !CI,
    backend: () => {
      const prefix = `${FILE_PREFIX}-${testNo}`;
      return {
        name: "bullmq",
        make: () => track(bullmqQueue({ redisUrl: REDIS_URL, db: prisma, prefix, leaseMs: LEASE_MS, backoffMs: BACKOFF_MS, relayMs: 50 })),
        crashArgs: () => [prefix],
      };
    },
  },
];

function track(queue: JobWorker): JobWorker {
  opened.push(queue);
  return queue;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

/** A gate a handler waits on until the test opens it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((q) => q.close()));
  await prisma.job.deleteMany();
});

afterAll(async () => {
  if (!redisUp) return;
  const redis = new Redis(REDIS_URL);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${FILE_PREFIX}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
  await redis.quit();
});

describe.each(backends)("job queue contract: $name", ({ skip, backend: makeBackend }) => {
  let backend: Backend;
  beforeEach(({ skip: skipTest }) => {
    if (skip) skipTest(`no Redis at ${REDIS_URL}`);
    if (!redisUp && CI && makeBackend().name === "bullmq") throw new Error(`CI=true: Redis must answer at ${REDIS_URL} for the BullMQ contract tests`);
    testNo++;
    backend = makeBackend();
  });

  it("runs an enqueued job once, with its payload, shop and attempt", async () => {
    const q = backend.make();
    const runs: Array<{ payload: unknown; ctx: JobContext }> = [];
    q.register("contract.echo", async (payload, ctx) => void runs.push({ payload, ctx }));
    const payload = { text: "Grüße, 東京 ✓", amount: "19.99", list: [1, 2, { deep: null }], when: "2026-06-01T12:00:00.000Z", flag: false };
    const { id, created } = await q.enqueue("contract.echo", payload, { shopId: "a.myshopify.com", maxAttempts: 4 });
    expect(created).toBe(true);
    const stop = q.start({ pollMs: 20 });
    await until("the job ran", () => runs.length === 1);
    await sleep(200);
    await stop();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.payload).toEqual(payload);
    expect(runs[0]!.ctx).toEqual({ jobId: id, shopId: "a.myshopify.com", attempt: 1, maxAttempts: 4 });
  });

  it("a delayed job does not run before its time, and runs when due", async () => {
    const q = backend.make();
    let ranAt = 0;
    q.register("contract.later", async () => void (ranAt = Date.now()));
    const runAt = new Date(Date.now() + 1500);
    await q.enqueue("contract.later", {}, { runAt });
    const stop = q.start({ pollMs: 20 });
    await sleep(1000);
    expect(ranAt).toBe(0);
    await until("the delayed job ran", () => ranAt > 0, 5000);
    await stop();
    expect(ranAt).toBeGreaterThanOrEqual(runAt.getTime());
    expect(ranAt - runAt.getTime()).toBeLessThan(1500);
  });

  it("a second enqueue with the same idempotency key is a no-op (created: false, same id, one run)", async () => {
    const q = backend.make();
    const seen: unknown[] = [];
    q.register("contract.once", async (payload) => void seen.push(payload));
    const key = "send:shop-a.myshopify.com:batch:42"; // colons: BullMQ refuses them in ids, so the key is hashed
    const first = await q.enqueue("contract.once", { n: 1 }, { idempotencyKey: key });
    const second = await q.enqueue("contract.once", { n: 2 }, { idempotencyKey: key });
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    const stop = q.start({ pollMs: 20 });
    await until("the job ran", () => seen.length === 1);
    // After it ran, the key still refuses a new job.
    expect((await q.enqueue("contract.once", { n: 3 }, { idempotencyKey: key })).created).toBe(false);
    await sleep(300);
    await stop();
    expect(seen).toEqual([{ n: 1 }]);
  });

  it("a failing job is retried with growing backoff, then fails for good after maxAttempts", async () => {
    const q = backend.make();
    const attempts: Array<{ at: number; attempt: number }> = [];
    q.register("contract.broken", async (_p, ctx) => {
      attempts.push({ at: Date.now(), attempt: ctx.attempt });
      throw new Error("the shop's API is down");
    });
    await q.enqueue("contract.broken", {}, { maxAttempts: 3 });
    const stop = q.start({ pollMs: 20 });
    await until("three attempts", () => attempts.length === 3);
    await sleep(1000); // a fourth would come after 8 × 50 ms
    await stop();
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    const gaps = [attempts[1]!.at - attempts[0]!.at, attempts[2]!.at - attempts[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(2 * BACKOFF_MS - 5);
    expect(gaps[1]).toBeGreaterThanOrEqual(4 * BACKOFF_MS - 5);
  });

  it("a job that throws on attempt 1 succeeds on attempt 2", async () => {
    const q = backend.make();
    const attempts: number[] = [];
    let done = 0;
    q.register("contract.flaky", async (_p, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt === 1) throw new Error("429 Too Many Requests");
      done++;
    });
    await q.enqueue("contract.flaky", {}, { maxAttempts: 5 });
    const stop = q.start({ pollMs: 20 });
    await until("it succeeded", () => done === 1);
    await sleep(500);
    await stop();
    expect(attempts).toEqual([1, 2]);
    expect(done).toBe(1);
  });

  it("runs N jobs at once, never more, and a type's own limit holds within it (measured)", async () => {
    const q = backend.make();
    let now = 0;
    let peak = 0;
    const ofType = { "contract.wide": 0, "contract.narrow": 0 };
    const peakOfType = { "contract.wide": 0, "contract.narrow": 0 };
    let finished = 0;
    const handler = (type: keyof typeof ofType) => async () => {
      now++;
      ofType[type]++;
      peak = Math.max(peak, now);
      peakOfType[type] = Math.max(peakOfType[type], ofType[type]);
      // Long enough that a busy machine's slower claims still overlap them.
      await sleep(type === "contract.narrow" ? 250 : 100);
      now--;
      ofType[type]--;
      finished++;
    };
    q.register("contract.wide", handler("contract.wide"));
    q.register("contract.narrow", handler("contract.narrow"), { concurrency: 2 });
    for (let i = 0; i < 16; i++) await q.enqueue("contract.wide", { i });
    for (let i = 0; i < 10; i++) await q.enqueue("contract.narrow", { i });
    const stop = q.start({ concurrency: 4, pollMs: 20 });
    await until("all 26 jobs ran", () => finished === 26, 20_000);
    await stop();
    // Reached, never passed (a wall-clock bound would be flaky on a busy machine; the peak proves the overlap).
    expect(peak).toBe(4);
    expect(peakOfType["contract.narrow"]).toBe(2);
  });

  it("graceful shutdown waits for the running job and takes no new one; a restarted worker runs the rest", async () => {
    const q = backend.make();
    const hold = gate();
    const ran: string[] = [];
    const finished: string[] = [];
    q.register("contract.slow", async (payload) => {
      const { name } = payload as { name: string };
      ran.push(name);
      if (name === "first") await hold.opened;
      finished.push(name);
    });
    await q.enqueue("contract.slow", { name: "first" });
    const stop = q.start({ concurrency: 1, pollMs: 20 });
    await until("the first job started", () => ran.length === 1);
    await q.enqueue("contract.slow", { name: "second" });
    let stopped = false;
    const stopping = stop().then(() => void (stopped = true));
    await sleep(400);
    expect(stopped).toBe(false); // still waiting for the running job
    hold.open();
    await stopping;
    expect(finished).toEqual(["first"]);
    await sleep(300);
    expect(ran).toEqual(["first"]); // nothing new after the stop

    const again = backend.make();
    again.register("contract.slow", async (payload) => void ran.push((payload as { name: string }).name));
    const stopAgain = again.start({ pollMs: 20 });
    await until("the second job ran after the restart", () => ran.length === 2);
    await stopAgain();
    expect(ran).toEqual(["first", "second"]);
  });

  it("cancelShop removes that shop's pending jobs (due and delayed) and no other shop's", async () => {
    const q = backend.make();
    const ran: string[] = [];
    q.register("contract.shop", async (_p, ctx) => void ran.push(ctx.shopId!));
    await q.enqueue("contract.shop", {}, { shopId: "gone.myshopify.com" });
    await q.enqueue("contract.shop", {}, { shopId: "gone.myshopify.com", runAt: new Date(Date.now() + 300) });
    await q.enqueue("contract.shop", {}, { shopId: "stays.myshopify.com" });
    expect(await q.cancelShop("gone.myshopify.com")).toBe(2);
    const stop = q.start({ pollMs: 20 });
    await until("the other shop's job ran", () => ran.length === 1);
    await sleep(800);
    await stop();
    expect(ran).toEqual(["stays.myshopify.com"]);
  });

  it("survives a restart: a new queue object over the same store runs what the first one queued", async () => {
    const before = backend.make();
    await before.enqueue("contract.persist", { order: 1 });
    await before.enqueue("contract.persist", { order: 2 }, { runAt: new Date(Date.now() + 300) });
    await before.close();
    const after = backend.make();
    const seen: unknown[] = [];
    after.register("contract.persist", async (payload) => void seen.push(payload));
    const stop = after.start({ pollMs: 20 });
    await until("both jobs ran", () => seen.length === 2);
    await stop();
    expect(seen).toEqual([{ order: 1 }, { order: 2 }]);
  });

  it("a job whose worker process died (SIGKILL) is run again by another worker after its lease", async () => {
    const q = backend.make();
    const { id } = await q.enqueue("contract.crash", { important: true });
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "crash-worker.ts"), backend.name, "contract.crash", String(LEASE_MS), ...backend.crashArgs()], {
      env: process.env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    try {
      await until("the doomed worker took the job", () => out.includes(`started ${id}`), 20_000);
    } finally {
      child.kill("SIGKILL");
    }
    await new Promise((r) => child.once("exit", r));
    const killedAt = Date.now();
    const seen: Array<{ payload: unknown; at: number }> = [];
    q.register("contract.crash", async (payload) => void seen.push({ payload, at: Date.now() }));
    const stop = q.start({ pollMs: 20 });
    await until("the job ran again", () => seen.length === 1, 15_000);
    await sleep(300);
    await stop();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.payload).toEqual({ important: true });
    expect(seen[0]!.at - killedAt).toBeLessThan(LEASE_MS * 4);
  }, 60_000);

  it("a job written as a Job row inside a database transaction runs (the outbox)", async () => {
    const q = backend.make();
    const seen: Array<{ payload: unknown; shopId: string | null }> = [];
    q.register("contract.outbox", async (payload, ctx) => void seen.push({ payload, shopId: ctx.shopId }));
    await prisma.$transaction(async (tx) => {
      await tx.job.create({ data: { type: "contract.outbox", payload: { customer: "c1" }, shopId: "a.myshopify.com", idempotencyKey: "outbox:c1", maxAttempts: 3 } });
    });
    // A transaction that rolls back leaves nothing to run.
    await prisma
      .$transaction(async (tx) => {
        await tx.job.create({ data: { type: "contract.outbox", payload: { customer: "rolled-back" }, shopId: "a.myshopify.com" } });
        throw new Error("rollback");
      })
      .catch(() => undefined);
    const stop = q.start({ pollMs: 20 });
    await until("the row's job ran", () => seen.length === 1);
    await sleep(400);
    await stop();
    expect(seen).toEqual([{ payload: { customer: "c1" }, shopId: "a.myshopify.com" }]);
    // The row is finished either way (run by the embedded worker, or relayed to BullMQ), so it is not run twice.
    expect((await prisma.job.findFirstOrThrow({ where: { idempotencyKey: "outbox:c1" } })).status).toBe("done");
    // Queued again later (as unsubscribe does when the customer changed in between): it runs again.
    await prisma.job.updateMany({ where: { idempotencyKey: "outbox:c1" }, data: { status: "queued", runAt: new Date(), attempts: 0 } });
    const again = q.start({ pollMs: 20 });
    await until("the re-queued row ran", () => seen.length === 2);
    await again();
  });

  it("drain runs every due job and leaves future ones", async () => {
    const q = backend.make();
    const seen: number[] = [];
    q.register("contract.drain", async (payload) => void seen.push((payload as { n: number }).n));
    for (let n = 0; n < 5; n++) await q.enqueue("contract.drain", { n });
    await q.enqueue("contract.drain", { n: 99 }, { runAt: new Date(Date.now() + 60_000) });
    await q.drain();
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
