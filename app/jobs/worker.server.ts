// A dedicated worker process (`loopwise worker`): runs the process's queue
// until SIGTERM or SIGINT, then stops taking jobs, lets the running ones
// finish, and closes its connections. A second signal while stopping exits at
// once (the jobs in hand are then run again by another worker after their lease).
import type { JobWorker } from "./queue.server";

export interface WorkerRun {
  concurrency: number;
  /** Told when the worker starts and stops (the CLI prints it). */
  log?: (line: string) => void;
  /** Resolves when the worker should stop (default: the first SIGTERM or SIGINT). */
  stopWhen?: Promise<unknown>;
}

/** Jobs at once when not told: one on SQLite (one writer at a time), four on PostgreSQL. */
export function defaultConcurrency(databaseUrl: string | undefined): number {
  return databaseUrl && /^postgres(ql)?:/.test(databaseUrl) ? 4 : 1;
}

export async function runWorker(queue: JobWorker, run: WorkerRun): Promise<void> {
  const log = run.log ?? (() => undefined);
  const stop = queue.start({ concurrency: run.concurrency });
  log(`worker ${process.pid} started (${queue.backend} queue, ${run.concurrency} job${run.concurrency === 1 ? "" : "s"} at once)`);
  await (run.stopWhen ?? signalled());
  log("worker stopping: finishing the jobs in hand…");
  const forced = signalled().then(() => {
    log("worker: second signal, exiting now");
    process.exit(130);
  });
  void forced;
  await stop();
  await queue.close();
  log("worker stopped");
}

function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      resolve(signal);
    };
    process.once("SIGINT", on);
    process.once("SIGTERM", on);
  });
}
