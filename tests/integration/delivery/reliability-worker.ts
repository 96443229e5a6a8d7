// A worker process for the reliability tests: the app's real send job on the
// chosen backend, against the test's database (DATABASE_URL) and the fake
// SendGrid (SENDGRID_API_URL). The test SIGKILLs it at random moments.
// Usage: reliability-worker.ts <embedded|bullmq> <redis prefix>
import { openDatabase } from "../../../app/db.server";
import { bullmqQueue } from "../../../app/jobs/bullmq.server";
import { embeddedQueue } from "../../../app/jobs/queue.server";
import { DELIVERY_SEND_JOB } from "../../../app/core/delivery/job-types";
import { sendJobHandler } from "../../../app/core/delivery/send.server";

const [backend, prefix] = process.argv.slice(2);
const LEASE_MS = 2000;
const db = openDatabase(process.env.DATABASE_URL);
const queue =
  backend === "bullmq"
    ? bullmqQueue({ redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", db, prefix, leaseMs: LEASE_MS, backoffMs: 50, relayMs: 100 })
    : embeddedQueue(db, { leaseMs: LEASE_MS, backoffMs: 50 });
// Short waits: a 429's reset is honoured inline up to 2 s, past that the job is retried by the queue.
queue.register(DELIVERY_SEND_JOB, sendJobHandler({ db, timeoutMs: 10_000, maxInlineWaitMs: 2000 }));
queue.start({ concurrency: 2, pollMs: 50 });
process.stdout.write("ready\n");
