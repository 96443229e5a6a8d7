// The job queue on BullMQ and Redis (LOOPWISE_QUEUE=bullmq): any number of
// worker processes on any number of machines. Same interface and contract
// tests as the embedded backend (queue.server.ts).
//
// - One BullMQ queue per job type (`<prefix>:<type>:…` keys), one BullMQ Worker
//   per registered type in each worker process: a type's own limit is its
//   Worker's concurrency, and the process's total is a slot count every Worker
//   takes from. A job that was fetched but finds the process stopping goes back
//   (moved to delayed, due now) without using an attempt.
// - Idempotency keys become BullMQ job ids (a hash: BullMQ refuses ':' in ids);
//   a marker key says which enqueue created the job (`created`). Finished jobs
//   are kept for days, so a repeated key stays a no-op as long as the embedded
//   queue's rows would.
// - Code that must queue a job inside a database transaction writes a Job row
//   (the outbox, see outbox.server.ts); every worker relays due rows here.
import { createHash } from "node:crypto";
import { DelayedError, Queue, Worker, type Job, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { Database } from "../db.server";
import { logger } from "../logger.server";
import { relayOutbox } from "./outbox.server";
import { errorText, retryDelayMs } from "./retry";
import { Slots } from "./slots";
import { startOptions, type EnqueueOptions, type JobHandler, type JobWorker, type StartOptions, type StopWorker } from "./queue.server";

export interface BullmqOptions {
  /** redis://… (env.REDIS_URL). */
  redisUrl: string;
  /** The database whose Job table is the transactional outbox (relayed by workers); null: no relay. */
  db: Database | null;
  /** Namespace of every Redis key (default "loopwise"): tests use one per file. */
  prefix?: string;
  /** A running job's lock; a worker that died loses its jobs to another after this (ms). */
  leaseMs?: number;
  /** The first retry waits 2× this, then 4×, 8×… (see retry.ts). */
  backoffMs?: number;
  /** How often a worker relays the outbox (ms). */
  relayMs?: number;
  /** Finished jobs (and so their idempotency keys) are kept this many days; failed ones 30. */
  keepDays?: number;
}

type JobData = { shopId: string | null; payload: unknown };

const DAY_MS = 86_400_000;
const FAILED_KEEP_DAYS = 30;
/** A job whose worker died this many times is failed rather than retried forever (a job that kills its worker). */
const MAX_STALLS = 5;

/** The BullMQ job id for an idempotency key. */
export function jobIdForKey(key: string): string {
  return "k" + createHash("sha256").update(key).digest("hex");
}

export function bullmqQueue(options: BullmqOptions): JobWorker {
  const prefix = options.prefix ?? "loopwise";
  const leaseMs = options.leaseMs ?? 30_000;
  const backoffMs = options.backoffMs ?? 1000;
  const keepMs = (options.keepDays ?? 8) * DAY_MS;
  // Enqueuers fail fast when Redis is away; workers wait for it to come back.
  // lazyConnect: a web process that never enqueues opens no connection.
  const producer = new Redis(options.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  let consumer: Redis | null = null;
  const queues = new Map<string, Queue<JobData>>();
  const handlers = new Map<string, { handler: JobHandler; limit: number | null }>();
  const startHooks: Array<() => Promise<unknown>> = [];
  const stops = new Set<StopWorker>();
  producer.on("error", (error) => logger.warn("redis connection error", { error: String(error) }));

  function queueFor(type: string): Queue<JobData> {
    let queue = queues.get(type);
    if (!queue) {
      queue = new Queue<JobData>(type, { connection: producer, prefix });
      queue.on("error", (error) => logger.warn("bullmq queue error", { type, error: String(error) }));
      queues.set(type, queue);
    }
    return queue;
  }

  function jobOptions(maxAttempts: number, delayMs: number, jobId: string | undefined): JobsOptions {
    return {
      jobId,
      delay: Math.max(0, delayMs),
      attempts: Math.max(1, maxAttempts),
      backoff: { type: "custom" },
      removeOnComplete: { age: Math.round(keepMs / 1000) },
      removeOnFail: { age: FAILED_KEEP_DAYS * 86_400 },
    };
  }

  async function enqueue(type: string, payload: unknown, options: EnqueueOptions = {}) {
    if (type.includes(":")) throw new Error(`job type "${type}" may not contain ':' (BullMQ queue names cannot)`);
    const delayMs = options.runAt ? options.runAt.getTime() - Date.now() : 0;
    const data: JobData = { shopId: options.shopId ?? null, payload };
    if (!options.idempotencyKey) {
      const job = await queueFor(type).add(type, data, jobOptions(options.maxAttempts ?? 5, delayMs, undefined));
      return { id: job.id!, created: true };
    }
    const jobId = jobIdForKey(options.idempotencyKey);
    // The marker only decides which caller is told `created`; the job id is what
    // makes the enqueue idempotent, so the job is always added (a no-op when it
    // exists): a crash between the two never loses a job.
    const marker = `${prefix}:idempotency:${jobId}`;
    const ttl = Math.max(0, delayMs) + keepMs - DAY_MS;
    const fresh = (await producer.set(marker, type, "PX", ttl, "NX")) === "OK";
    const owner = fresh ? type : ((await producer.get(marker)) ?? type);
    await queueFor(owner).add(owner, data, jobOptions(options.maxAttempts ?? 5, delayMs, jobId));
    return { id: jobId, created: fresh };
  }

  /** Removes a shop's jobs that have not started (waiting, delayed, retrying), and its outbox rows. */
  async function cancelShop(shopId: string): Promise<number> {
    let cancelled = 0;
    const page = 1000;
    for (const type of new Set([...handlers.keys(), ...queues.keys()])) {
      const queue = queueFor(type);
      const ids: string[] = [];
      for (let start = 0; ; start += page) {
        const jobs = await queue.getJobs(["waiting", "delayed", "prioritized", "paused"], start, start + page - 1, true);
        for (const job of jobs) if ((job.data as JobData | undefined)?.shopId === shopId && job.id) ids.push(job.id);
        if (jobs.length < page) break;
      }
      for (const id of ids) {
        // A job that started meanwhile is locked and cannot be removed: it finishes.
        cancelled += await queue.remove(id).catch(() => 0);
      }
    }
    if (options.db) {
      cancelled += (await options.db.job.updateMany({ where: { shopId, status: "queued" }, data: { status: "cancelled" } })).count;
    }
    return cancelled;
  }

  /** Moves due outbox rows of registered types into their queues; returns how many. */
  async function relay(): Promise<number> {
    if (!options.db) return 0;
    return relayOutbox(options.db, [...handlers.keys()], async (row) => {
      await queueFor(row.type).add(row.type, { shopId: row.shopId, payload: row.payload }, jobOptions(row.attemptsLeft, row.runAt.getTime() - Date.now(), row.jobId));
    });
  }

  function launch(startWith: StartOptions | number | undefined, legacyShare: number | undefined, limit: number): { stop: StopWorker; started: () => number } {
    const { concurrency, share } = startOptions(startWith, legacyShare);
    const total = new Slots(concurrency);
    consumer ??= new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    consumer.on("error", (error) => logger.warn("redis connection error", { error: String(error) }));
    const connection = consumer;
    let stopping = false;
    let started = 0;
    let relayTimer: NodeJS.Timeout | null = null;
    let relaying: Promise<unknown> = Promise.resolve();
    const workers: Worker<JobData>[] = [];

    const processor = (type: string, handler: JobHandler) => async (job: Job<JobData>, token?: string) => {
      await total.acquire();
      if (stopping || started >= limit) {
        // Fetched while the process was stopping: back to the queue, no attempt used.
        total.release();
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      started++;
      const began = performance.now();
      try {
        await handler(job.data.payload, { jobId: job.id!, shopId: job.data.shopId, attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 });
      } catch (error) {
        const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        logger.warn("job failed", { jobId: job.id, type, shop: job.data.shopId ?? undefined, attempt: job.attemptsMade + 1, final, error: errorText(error, 300) });
        throw error;
      } finally {
        if (share < 1 && !stopping) await new Promise((r) => setTimeout(r, ((performance.now() - began) * (1 - share)) / share));
        total.release();
      }
    };

    const boot = (async () => {
      for (const hook of startHooks) {
        await hook().catch((error: unknown) => logger.error("job worker start hook failed", { error: String(error) }));
      }
      if (stopping) return;
      for (const [type, { handler, limit: typeLimit }] of handlers) {
        const worker = new Worker<JobData>(type, processor(type, handler), {
          connection,
          prefix,
          concurrency: Math.min(typeLimit ?? concurrency, concurrency),
          lockDuration: leaseMs,
          stalledInterval: Math.max(500, Math.min(30_000, leaseMs)),
          maxStalledCount: MAX_STALLS,
          settings: { backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) => retryDelayMs(attemptsMade, backoffMs, error) },
        });
        worker.on("error", (error) => logger.error("job worker error", { type, error: String(error) }));
        workers.push(worker);
      }
      const tick = () => {
        relaying = relay()
          .catch((error: unknown) => logger.error("job outbox relay failed", { error: String(error) }))
          .finally(() => {
            if (!stopping) relayTimer = setTimeout(tick, options.relayMs ?? 1000);
          });
      };
      tick();
    })();

    const stop = async () => {
      stopping = true;
      await boot;
      if (relayTimer) clearTimeout(relayTimer);
      await relaying;
      await Promise.all(workers.map((w) => w.close()));
      stops.delete(stop);
    };
    stops.add(stop);
    return { stop, started: () => started };
  }

  /** Jobs that could run now: waiting, running, or delayed (a retry's backoff too) and due. */
  async function dueCount(): Promise<number> {
    let n = 0;
    const dueScore = (Date.now() + 1) * 0x1000; // BullMQ orders delayed jobs by timestamp·0x1000 + a counter
    for (const type of handlers.keys()) {
      const counts = await queueFor(type).getJobCounts("waiting", "active", "prioritized");
      n += (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0);
      n += await producer.zcount(`${prefix}:${type}:delayed`, 0, dueScore);
    }
    return n;
  }

  /** Runs jobs with a temporary worker until none is due (or `limit` have run); returns how many ran. */
  async function runUntilIdle(limit: number): Promise<number> {
    await relay();
    if ((await dueCount()) === 0) return 0;
    const worker = launch({ concurrency: 1 }, undefined, limit);
    try {
      for (let idle = 0; idle < 2 && worker.started() < limit; ) {
        await new Promise((r) => setTimeout(r, 20));
        idle = (await dueCount()) === 0 ? idle + 1 : 0;
      }
    } finally {
      await worker.stop();
    }
    return worker.started();
  }

  return {
    backend: "bullmq",
    enqueue,
    cancelShop,
    register(type, handler, registerOptions = {}) {
      if (type.includes(":")) throw new Error(`job type "${type}" may not contain ':' (BullMQ queue names cannot)`);
      if (registerOptions.concurrency !== undefined) new Slots(registerOptions.concurrency); // validates
      handlers.set(type, { handler, limit: registerOptions.concurrency ?? null });
    },
    onStart: (hook) => void startHooks.push(hook),
    start: (startWith, share) => launch(startWith, share, Infinity).stop,
    async drain() {
      await runUntilIdle(Infinity);
    },
    runOnce: (limit = 10) => runUntilIdle(limit),
    async close() {
      await Promise.all([...stops].map((stop) => stop()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
      await producer.quit().catch(() => undefined);
      await consumer?.quit().catch(() => undefined);
      consumer = null;
    },
  };
}
