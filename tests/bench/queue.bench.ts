// Jobs per second on each queue backend: the embedded queue on SQLite and on
// PostgreSQL (when a server answers at BENCH_POSTGRES_URL), and BullMQ on the
// Redis at REDIS_URL (when one answers). For each: the enqueue rate (8 callers
// enqueueing at once) and the processing rate of no-op jobs with 1 and with 8
// jobs at once. Prints a table and one JSON line.
//   JOBS=5000 npx tsx tests/bench/queue.bench.ts
import os from "node:os";

import { freshDatabase, pgBase } from "./bench-db";

process.env.SHOPIFY_API_KEY ??= "bench-key";
process.env.SHOPIFY_API_SECRET ??= "bench-secret";
process.env.SHOPIFY_APP_URL ??= "https://loopwise.example";
process.env.LOG_LEVEL ??= "error";
process.env.NODE_ENV ??= "test";

const JOBS = Number(process.env.JOBS ?? 5000);
const ENQUEUERS = 8;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

type Store = { name: string; url?: string; drop: () => Promise<void> };

async function sqliteStore(): Promise<Store> {
  return { name: "embedded (SQLite)", ...(await freshDatabase("queue", JOBS, "sqlite")) };
}

async function postgresStore(): Promise<Store | null> {
  const { default: pg } = await import("pg");
  const probe = new pg.Client({ connectionString: pgBase, connectionTimeoutMillis: 2000 });
  try {
    await probe.connect();
  } catch {
    console.log(`(PostgreSQL skipped: nothing answered at ${pgBase})`);
    return null;
  } finally {
    await probe.end().catch(() => undefined);
  }
  return { name: "embedded (PostgreSQL)", ...(await freshDatabase("queue", JOBS, "postgresql")) };
}

async function redisStore(prefix: string): Promise<Store | null> {
  const { Redis } = await import("ioredis");
  const probe = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch {
    console.log(`(BullMQ skipped: no Redis answered at ${redisUrl})`);
    probe.disconnect();
    return null;
  }
  return {
    name: "BullMQ (Redis)",
    drop: async () => {
      let cursor = "0";
      do {
        const [next, keys] = await probe.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length) await probe.del(...keys);
      } while (cursor !== "0");
      await probe.quit();
    },
  };
}

interface Row {
  backend: string;
  jobs: number;
  enqueuePerSecond: number;
  process1PerSecond: number;
  process8PerSecond: number;
}

async function measure(store: Store, prefix: string): Promise<Row> {
  const { embeddedQueue } = await import("../../app/jobs/queue.server");
  const { bullmqQueue } = await import("../../app/jobs/bullmq.server");
  const { openDatabase } = await import("../../app/db.server");
  const db = store.url ? openDatabase(store.url) : null;
  const queue = db ? embeddedQueue(db) : bullmqQueue({ redisUrl, db: null, prefix });
  let done = 0;
  queue.register("bench.noop", async () => void done++);

  async function enqueueAll(): Promise<number> {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: ENQUEUERS }, async () => {
        while (next < JOBS) {
          const i = next++;
          await queue.enqueue("bench.noop", { i }, { shopId: "bench.myshopify.com" });
        }
      }),
    );
    return JOBS / ((performance.now() - started) / 1000);
  }

  async function processAll(concurrency: number): Promise<number> {
    done = 0;
    const started = performance.now();
    const stop = queue.start({ concurrency, pollMs: 10 });
    while (done < JOBS) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - started) / 1000;
    await stop();
    return JOBS / seconds;
  }

  const enqueuePerSecond = await enqueueAll();
  const process1PerSecond = await processAll(1);
  await enqueueAll();
  const process8PerSecond = await processAll(8);
  await queue.close();
  await db?.$disconnect();
  const round = (n: number) => Math.round(n);
  return { backend: store.name, jobs: JOBS, enqueuePerSecond: round(enqueuePerSecond), process1PerSecond: round(process1PerSecond), process8PerSecond: round(process8PerSecond) };
}

async function main() {
  const prefix = `lwbench-${process.pid}`;
  const sqlite = await sqliteStore();
  process.env.DATABASE_URL = sqlite.url; // before the app's modules open their default client
  const stores = [sqlite, await postgresStore(), await redisStore(prefix)].filter((s): s is Store => s !== null);
  const rows: Row[] = [];
  console.log(`Queue throughput, ${JOBS.toLocaleString("en")} no-op jobs per run (${os.cpus().length} cores)`);
  for (const store of stores) {
    try {
      const row = await measure(store, prefix);
      rows.push(row);
      console.log(
        `  ${row.backend.padEnd(22)} enqueue ${String(row.enqueuePerSecond).padStart(6)}/s   process ${String(row.process1PerSecond).padStart(6)}/s (1 at once)   ${String(row.process8PerSecond).padStart(6)}/s (8 at once)`,
      );
    } finally {
      await store.drop();
    }
  }
  process.stdout.write(JSON.stringify({ bench: "queue", jobs: JOBS, enqueuers: ENQUEUERS, results: rows }) + "\n");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
