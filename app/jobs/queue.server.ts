// The job queue, embedded backend: jobs are rows in the Job table, claimed by an
// in-process worker, so they survive a restart. Issue 5 adds a BullMQ backend
// behind the same `JobQueue` interface.
import os from "node:os";
import type { Database } from "../db.server";
import { isUniqueViolation } from "../db.server";
import { logger } from "../logger.server";

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

export interface JobQueue {
  enqueue(type: string, payload: unknown, options?: EnqueueOptions): Promise<{ id: string; created: boolean }>;
  /** Cancels every pending job of a shop (app/uninstalled). */
  cancelShop(shopId: string): Promise<number>;
}

const LEASE_MS = 5 * 60_000;
/** A running job's lease is renewed this often, so a long job (a backfill) is never taken for a crashed one. */
const RENEW_MS = LEASE_MS / 3;

export function embeddedQueue(db: Database): JobQueue & {
  register(type: string, handler: JobHandler): void;
  /** Runs when a worker starts (before its first poll): e.g. making sure recurring jobs are queued. */
  onStart(hook: () => Promise<unknown>): void;
  runOnce(limit?: number): Promise<number>;
  start(pollMs?: number, share?: number): () => Promise<void>;
  drain(): Promise<void>;
} {
  const handlers = new Map<string, JobHandler>();
  const startHooks: Array<() => Promise<unknown>> = [];
  const workerId = `${os.hostname()}:${process.pid}`;

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

  async function claim(): Promise<{ id: string; type: string; payload: unknown; shopId: string | null; attempts: number; maxAttempts: number } | null> {
    const now = new Date();
    const candidate = await db.job.findFirst({
      where: {
        type: { in: [...handlers.keys()] },
        OR: [
          { status: "queued", runAt: { lte: now } },
          { status: "running", lockedUntil: { lt: now } }, // a crashed worker's job
        ],
      },
      orderBy: { runAt: "asc" },
    });
    if (!candidate) return null;
    // Compare-and-set on the row's state: only one worker wins.
    const won = await db.job.updateMany({
      where: { id: candidate.id, status: candidate.status, updatedAt: candidate.updatedAt },
      data: { status: "running", lockedBy: workerId, lockedUntil: new Date(now.getTime() + LEASE_MS), attempts: { increment: 1 } },
    });
    if (won.count !== 1) return claim();
    return { ...candidate, attempts: candidate.attempts + 1 };
  }

  async function runOnce(limit = 10): Promise<number> {
    let ran = 0;
    while (ran < limit) {
      const job = await claim();
      if (!job) break;
      ran++;
      const handler = handlers.get(job.type)!;
      const renew = setInterval(() => {
        db.job
          .updateMany({ where: { id: job.id, status: "running", lockedBy: workerId }, data: { lockedUntil: new Date(Date.now() + LEASE_MS) } })
          .catch((error: unknown) => logger.warn("job lease renewal failed", { jobId: job.id, error: String(error) }));
      }, RENEW_MS);
      renew.unref();
      try {
        await handler(job.payload, { jobId: job.id, shopId: job.shopId, attempt: job.attempts, maxAttempts: job.maxAttempts });
        await db.job.updateMany({ where: { id: job.id, status: "running" }, data: { status: "done", lockedBy: null, lockedUntil: null } });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const failed = job.attempts >= job.maxAttempts;
        const backoffMs = Math.min(60 * 60_000, 1000 * 2 ** job.attempts);
        await db.job.updateMany({
          where: { id: job.id, status: "running" },
          data: {
            status: failed ? "failed" : "queued",
            lastError: message.slice(0, 1000),
            runAt: new Date(Date.now() + backoffMs),
            lockedBy: null,
            lockedUntil: null,
          },
        });
        logger.warn("job failed", { jobId: job.id, type: job.type, shop: job.shopId ?? undefined, attempt: job.attempts, final: failed, error: message.slice(0, 300) });
      } finally {
        clearInterval(renew);
      }
    }
    return ran;
  }

  let running: Promise<void> | null = null;
  /**
   * Runs due jobs until stopped. `share` is the largest share of the process's
   * time background jobs may take (the web process's embedded worker passes
   * 0.5, so a burst of jobs cannot starve the requests it serves; a dedicated
   * worker process keeps 1).
   */
  function start(pollMs = 500, share = 1) {
    let stopped = false;
    const loop = async () => {
      for (const hook of startHooks) {
        await hook().catch((error: unknown) => logger.error("job worker start hook failed", { error: String(error) }));
      }
      while (!stopped) {
        const started = performance.now();
        const ran = await runOnce(share < 1 ? 1 : 10).catch((error) => {
          logger.error("job worker error", { error: String(error) });
          return 0;
        });
        if (ran === 0) await new Promise((r) => setTimeout(r, pollMs));
        else if (share < 1) {
          const busy = performance.now() - started;
          await new Promise((r) => setTimeout(r, (busy * (1 - share)) / share));
        }
      }
    };
    running = loop();
    return async () => {
      stopped = true;
      await running;
    };
  }

  async function drain() {
    while ((await runOnce(100)) > 0) {
      /* until no job is due */
    }
  }

  return {
    enqueue,
    register: (type, handler) => void handlers.set(type, handler),
    onStart: (hook) => void startHooks.push(hook),
    runOnce,
    start,
    drain,
    async cancelShop(shopId) {
      const r = await db.job.updateMany({ where: { shopId, status: { in: ["queued", "running"] } }, data: { status: "cancelled", lockedBy: null, lockedUntil: null } });
      return r.count;
    },
  };
}
