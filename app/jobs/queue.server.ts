// The job queue. One interface, two backends that pass the same contract tests
// (tests/integration/queue): this file's embedded backend (jobs are rows in the
// Job table, claimed by in-process workers, so they survive a restart; the
// default) and BullMQ on Redis (app/jobs/bullmq.server.ts). app/jobs/index.server.ts
// builds the one the environment asks for.
import os from "node:os";
import type { Database } from "../db.server";
import { isUniqueViolation } from "../db.server";
import { logger } from "../logger.server";
import { errorText, retryDelayMs } from "./retry";
import { Slots } from "./slots";

export interface JobContext {
  jobId: string;
  shopId: string | null;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

export interface EnqueueOptions {
  shopId?: string;
  runAt?: Date;
  /** A second enqueue with the same key is a no-op. */
  idempotencyKey?: string;
  maxAttempts?: number;
}

/** What code that queues work needs. */
export interface JobQueue {
  enqueue(type: string, payload: unknown, options?: EnqueueOptions): Promise<{ id: string; created: boolean }>;
  /** Cancels every pending job of a shop (app/uninstalled). */
  cancelShop(shopId: string): Promise<number>;
}

export interface RegisterOptions {
  /** At most this many jobs of the type run at once in one worker process. */
  concurrency?: number;
}

export interface StartOptions {
  /** Jobs run at once in this process (default 1). */
  concurrency?: number;
  /**
   * The largest share of the process's time background jobs may take: the web
   * process's inline worker passes 0.5, so a burst of jobs cannot starve the
   * requests it serves (it then runs one job at a time). A worker process keeps 1.
   */
  share?: number;
  /** How often an idle embedded worker looks for due jobs (ms). */
  pollMs?: number;
}

/** Stops taking jobs, waits for the running ones to finish. */
export type StopWorker = () => Promise<void>;

/** What a process that runs jobs needs: the queue plus its handlers and worker. */
export interface JobWorker extends JobQueue {
  readonly backend: "embedded" | "bullmq";
  register(type: string, handler: JobHandler, options?: RegisterOptions): void;
  /** Runs when a worker starts (before its first job): e.g. making sure recurring jobs are queued. */
  onStart(hook: () => Promise<unknown>): void;
  /** `start(pollMs, share)` is the older spelling of `start({ pollMs, share })`. */
  start(options?: StartOptions | number, share?: number): StopWorker;
  /** Runs due jobs, one after another, until none is due (tests, the demo). */
  drain(): Promise<void>;
  /** Runs up to `limit` due jobs one after another; returns how many ran. */
  runOnce(limit?: number): Promise<number>;
  /** Stops any worker started here and lets go of connections this queue opened. */
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** A claimed job belongs to its worker this long, renewed while it runs; then another worker may take it (a crash). */
  leaseMs?: number;
  /** The first retry waits 2× this, then 4×, 8×… (see retry.ts). */
  backoffMs?: number;
}

const DEFAULT_LEASE_MS = 5 * 60_000;

export function startOptions(options: StartOptions | number | undefined, share: number | undefined): Required<StartOptions> {
  const o = typeof options === "number" ? { pollMs: options, share } : { ...options, share: options?.share ?? share };
  const result = { concurrency: o.concurrency ?? 1, share: o.share ?? 1, pollMs: o.pollMs ?? 500 };
  if (!Number.isInteger(result.concurrency) || result.concurrency < 1) throw new Error(`worker concurrency must be a whole number of at least 1 (got ${result.concurrency})`);
  if (!(result.share > 0 && result.share <= 1)) throw new Error(`worker share must be in (0, 1] (got ${result.share})`);
  // A throttled worker runs one job at a time: its pauses are measured per job.
  if (result.share < 1) result.concurrency = 1;
  return result;
}

type ClaimedJob = { id: string; type: string; payload: unknown; shopId: string | null; attempts: number; maxAttempts: number; lockedBy: string | null };

export function embeddedQueue(db: Database, options: EmbeddedOptions = {}): JobWorker {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  /** A running job's lease is renewed this often, so a long job (a backfill) is never taken for a crashed one. */
  const renewMs = leaseMs / 3;
  const backoffMs = options.backoffMs ?? 1000;
  const handlers = new Map<string, { handler: JobHandler; limit: number | null }>();
  const startHooks: Array<() => Promise<unknown>> = [];
  const workerId = `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const stops = new Set<StopWorker>();
  let claims = 0;

  async function enqueue(type: string, payload: unknown, options: EnqueueOptions = {}) {
    try {
      const job = await db.job.create({
        data: {
          type,
          payload: payload as object,
          shopId: options.shopId ?? null,
          runAt: options.runAt ?? new Date(),
          idempotencyKey: options.idempotencyKey ?? null,
          maxAttempts: options.maxAttempts ?? 5,
        },
      });
      return { id: job.id, created: true };
    } catch (error) {
      if (options.idempotencyKey && isUniqueViolation(error)) {
        const existing = await db.job.findUniqueOrThrow({ where: { idempotencyKey: options.idempotencyKey } });
        return { id: existing.id, created: false };
      }
      throw error;
    }
  }

  /**
   * Claims up to `limit` due jobs of `types` (at most `perType[type]` of a
   * limited type). One UPDATE takes them all, re-checking that each is still
   * due, so of two workers racing for a row only one gets it. `contended` says
   * due jobs were seen but another worker won them: look again at once.
   */
  async function claim(limit: number, types: string[], perType: Map<string, number> = new Map()): Promise<{ jobs: ClaimedJob[]; contended: boolean }> {
    if (limit < 1 || types.length === 0) return { jobs: [], contended: false };
    const now = new Date();
    const due = {
      type: { in: types },
      OR: [
        { status: "queued", runAt: { lte: now } },
        { status: "running", lockedUntil: { lt: now } }, // a crashed worker's job
      ],
    };
    // Two index range scans rather than one OR: with an OR both databases read and
    // sort every due row on each claim (quadratic over a backlog of 100k jobs).
    const expired = await db.job.findMany({ where: { type: { in: types }, status: "running", lockedUntil: { lt: now } }, take: limit, select: { id: true, type: true } });
    const queued =
      expired.length < limit
        ? await db.job.findMany({ where: { type: { in: types }, status: "queued", runAt: { lte: now } }, orderBy: { runAt: "asc" }, take: limit - expired.length, select: { id: true, type: true } })
        : [];
    const candidates = [...expired, ...queued];
    const left = new Map(perType);
    const picked = candidates.filter((c) => {
      const free = left.get(c.type);
      if (free === undefined) return true;
      if (free < 1) return false;
      left.set(c.type, free - 1);
      return true;
    });
    if (picked.length === 0) return { jobs: [], contended: false };
    const token = `${workerId}:${++claims}`;
    await db.job.updateMany({
      where: { id: { in: picked.map((c) => c.id) }, ...due },
      data: { status: "running", lockedBy: token, lockedUntil: new Date(now.getTime() + leaseMs), attempts: { increment: 1 } },
    });
    const jobs = await db.job.findMany({
      where: { id: { in: picked.map((c) => c.id) }, lockedBy: token, status: "running" }, // by primary key: lockedBy has no index
      orderBy: { runAt: "asc" },
      select: { id: true, type: true, payload: true, shopId: true, attempts: true, maxAttempts: true, lockedBy: true },
    });
    return { jobs, contended: jobs.length === 0 };
  }

  async function execute(job: ClaimedJob): Promise<void> {
    const entry = handlers.get(job.type)!;
    const mine = { id: job.id, status: "running", lockedBy: job.lockedBy };
    const renew = setInterval(() => {
      db.job
        .updateMany({ where: mine, data: { lockedUntil: new Date(Date.now() + leaseMs) } })
        .catch((error: unknown) => logger.warn("job lease renewal failed", { jobId: job.id, error: String(error) }));
    }, renewMs);
    renew.unref();
    try {
      await entry.handler(job.payload, { jobId: job.id, shopId: job.shopId, attempt: job.attempts, maxAttempts: job.maxAttempts });
      await db.job.updateMany({ where: mine, data: { status: "done", lockedBy: null, lockedUntil: null } });
    } catch (error) {
      const message = errorText(error);
      const failed = job.attempts >= job.maxAttempts;
      await db.job.updateMany({
        where: mine,
        data: {
          status: failed ? "failed" : "queued",
          lastError: message,
          runAt: new Date(Date.now() + retryDelayMs(job.attempts, backoffMs, error)),
          lockedBy: null,
          lockedUntil: null,
        },
      });
      logger.warn("job failed", { jobId: job.id, type: job.type, shop: job.shopId ?? undefined, attempt: job.attempts, final: failed, error: message.slice(0, 300) });
    } finally {
      clearInterval(renew);
    }
  }

  async function runOnce(limit = 10): Promise<number> {
    let ran = 0;
    while (ran < limit) {
      const { jobs, contended } = await claim(1, [...handlers.keys()]);
      if (jobs.length === 0) {
        if (contended) continue;
        break;
      }
      ran++;
      await execute(jobs[0]!);
    }
    return ran;
  }

  /**
   * Runs due jobs until stopped: up to `concurrency` at once, and no more of a
   * type than its registered limit. Stopping takes no new job and waits for the
   * running ones.
   */
  function start(options?: StartOptions | number, legacyShare?: number): StopWorker {
    const { concurrency, share, pollMs } = startOptions(options, legacyShare);
    const total = new Slots(concurrency);
    const runningOfType = new Map<string, number>();
    const inFlight = new Set<Promise<void>>();
    let stopped = false;
    let wake: (() => void) | null = null;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        wake = done;
        function done() {
          clearTimeout(timer);
          wake = null;
          resolve();
        }
      });
    let stopSignal!: () => void;
    const stopping = new Promise<void>((resolve) => (stopSignal = resolve));

    const loop = async () => {
      for (const hook of startHooks) {
        await hook().catch((error: unknown) => logger.error("job worker start hook failed", { error: String(error) }));
      }
      while (!stopped) {
        if (total.free === 0) {
          await pause(pollMs); // a finishing job wakes it
          continue;
        }
        const room = new Map<string, number>();
        const types: string[] = [];
        for (const [type, { limit }] of handlers) {
          const free = limit === null ? total.free : limit - (runningOfType.get(type) ?? 0);
          if (free < 1) continue;
          types.push(type);
          if (limit !== null) room.set(type, free);
        }
        const { jobs, contended } = await claim(total.free, types, room).catch((error: unknown) => {
          logger.error("job worker error", { error: String(error) });
          return { jobs: [], contended: false };
        });
        if (jobs.length === 0) {
          if (!contended) await pause(pollMs);
          continue;
        }
        for (const job of jobs) {
          total.tryAcquire();
          runningOfType.set(job.type, (runningOfType.get(job.type) ?? 0) + 1);
          const started = performance.now();
          const run = execute(job)
            .catch((error: unknown) => logger.error("job worker error", { jobId: job.id, error: String(error) }))
            .then(async () => {
              // Throttled: rest in proportion to the time the job took (cut short by a stop).
              if (share < 1 && !stopped) await Promise.race([new Promise((r) => setTimeout(r, ((performance.now() - started) * (1 - share)) / share)), stopping]);
            })
            .finally(() => {
              runningOfType.set(job.type, runningOfType.get(job.type)! - 1);
              total.release();
              inFlight.delete(run);
              wake?.();
            });
          inFlight.add(run);
        }
      }
      await Promise.all(inFlight);
    };
    const running = loop();
    const stop = async () => {
      stopped = true;
      stopSignal();
      wake?.();
      await running;
      stops.delete(stop);
    };
    stops.add(stop);
    return stop;
  }

  async function drain() {
    while ((await runOnce(100)) > 0) {
      /* until no job is due */
    }
  }

  return {
    backend: "embedded",
    enqueue,
    register(type, handler, options = {}) {
      if (options.concurrency !== undefined) new Slots(options.concurrency); // validates
      handlers.set(type, { handler, limit: options.concurrency ?? null });
    },
    onStart: (hook) => void startHooks.push(hook),
    runOnce,
    start,
    drain,
    async cancelShop(shopId) {
      const r = await db.job.updateMany({ where: { shopId, status: { in: ["queued", "running"] } }, data: { status: "cancelled", lockedBy: null, lockedUntil: null } });
      return r.count;
    },
    async close() {
      await Promise.all([...stops].map((stop) => stop()));
    },
  };
}
