// A worker process that takes one job and dies holding it (the contract's
// "worker died" case). The parent kills it with SIGKILL after it prints
// "started <jobId>". Usage: crash-worker.ts <embedded|bullmq> <type> <leaseMs> [prefix]
import { openDatabase } from "../../../app/db.server";
import { bullmqQueue } from "../../../app/jobs/bullmq.server";
import { embeddedQueue } from "../../../app/jobs/queue.server";

const [backend, type, leaseArg, prefix] = process.argv.slice(2);
const leaseMs = Number(leaseArg);
const db = openDatabase(process.env.DATABASE_URL);
const queue =
  backend === "bullmq"
    ? bullmqQueue({ redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", db: null, prefix, leaseMs })
    : embeddedQueue(db, { leaseMs });
queue.register(type!, async (_payload, ctx) => {
  process.stdout.write(`started ${ctx.jobId}\n`);
  await new Promise(() => undefined); // holds the job until killed
});
queue.start({ pollMs: 20 });
